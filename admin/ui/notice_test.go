package ui

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sozialplattform/tenant/i18n/i18ntest"
)

func TestNotice(t *testing.T) {
	for _, tt := range []struct{ area, code, want string }{
		{"", "abgemeldet", "Sie haben sich abgemeldet."},
		{"onboarding", "zurueckgezogen", "Ihre Anmeldung zur Sprechstunde ist zurückgezogen."},          // the area's own text wins
		{"market", "eingeladen", "Die Einladung wurde angelegt; die E-Mail dazu steht im Postausgang."}, // else the shell's
		{"market", "zurueckgezogen", "Das Produkt wurde aus dem öffentlichen Katalog genommen."},
		{"", "zurueckgezogen", "Die Einladung wurde zurückgezogen."},
		{"onboarding", "fachverfahren+", "Das Fachverfahren wurde gespeichert."},
		{"", "merkzettel", ""},        // another area's code
		{"", "market.merkzettel", ""}, // no reaching into another area
		{"market", "<script>", ""},    // only fixed texts
		{"market", "", ""},
	} {
		r := httptest.NewRequest("GET", "/admin/?hinweis="+strings.ReplaceAll(tt.code, "+", "%2B"), nil)
		if got := Notice(r, tt.area); got != tt.want {
			t.Errorf("Notice(%q, %q) = %q, want %q", tt.area, tt.code, got, tt.want)
		}
	}
}

// noticeArea is the catalogue area of a console package's notices; the
// shell and core use the shell's.
func noticeArea(pkg string) string {
	switch pkg {
	case "ui", "core":
		return ""
	}
	return pkg
}

// TestNoticeCodesExist: every notice code a console package names – as
// the notice of SeeOther or of a package's own redirect helper, assigned
// to a variable named notice, or written into a URL as ?hinweis= – has
// its text in the console's German catalogue.
func TestNoticeCodesExist(t *testing.T) {
	dirs, err := filepath.Glob("../*")
	if err != nil {
		t.Fatal(err)
	}
	assigned := regexp.MustCompile(`\bnotice\s*:?=\s*"([^"]+)"`)
	inURL := regexp.MustCompile(`hinweis=([a-z0-9+-]+)`)
	total := 0
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() || filepath.Base(dir) == "templates" {
			continue
		}
		area := noticeArea(filepath.Base(dir))
		codes, err := i18ntest.GoKeys(dir, 3, "SeeOther", "back", "caseBack", "afterRegistration")
		if err != nil {
			t.Fatal(err)
		}
		more, err := i18ntest.GoKeys(dir, 4, "buttonDone")
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, more...)
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, re := range []*regexp.Regexp{assigned, inURL} {
				for _, m := range re.FindAllStringSubmatch(string(src), -1) {
					codes = append(codes, m[1])
				}
			}
		}
		slices.Sort(codes)
		for _, code := range slices.Compact(codes) {
			total++
			r := httptest.NewRequest("GET", "/admin/?hinweis="+strings.ReplaceAll(code, "+", "%2B"), nil)
			if Notice(r, area) == "" {
				t.Errorf("%s names the notice %q, which the console catalogue lacks (notice.%s)", dir, code, strings.TrimPrefix(area+"."+code, "."))
			}
		}
	}
	if total < 50 {
		t.Errorf("found only %d notice codes; the scan misses how packages name them", total)
	}
}
