package www

import (
	"html/template"
	"strings"
	"testing"
)

// German pages are built when a group is added (a broken template stops
// the start); another language only when first asked for, and then every
// group at once. Names must be unique, and no group may come late.
func TestPageSetsBuildOtherLanguagesOnDemand(t *testing.T) {
	t.Parallel()
	built := map[string]int{}
	group := func(names ...string) pageBuilder {
		return func(lang string) (map[string]*template.Template, error) {
			built[lang]++
			out := map[string]*template.Template{}
			for _, n := range names {
				out[n] = template.Must(template.New(n).Parse(lang + ":" + n))
			}
			return out, nil
		}
	}
	s := newPageSets()
	if err := s.add(group("start", "fehler")); err != nil {
		t.Fatal(err)
	}
	if err := s.add(group("beratung-suche")); err != nil {
		t.Fatal(err)
	}
	if built["de"] != 2 || len(built) != 1 {
		t.Fatalf("built at start: %v, want German only", built)
	}
	if err := s.add(group("start")); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("a duplicate page name was accepted: %v", err)
	}
	for range 3 {
		tp, err := s.page("ar", "beratung-suche")
		if err != nil || tp.Name() != "beratung-suche" {
			t.Fatalf("ar page: %v", err)
		}
	}
	var out strings.Builder
	tp, _ := s.page("ar", "start")
	_ = tp.Execute(&out, nil)
	if out.String() != "ar:start" || built["ar"] != 3-1 {
		t.Errorf("Arabic pages: %q, groups built %d times (want each once)", out.String(), built["ar"])
	}
	if _, err := s.page("ar", "unbekannt"); err == nil {
		t.Error("an unknown page was found")
	}
	if tp, err := s.page("xx", "start"); err != nil || tp == nil {
		t.Errorf("an unknown language does not fall back to German: %v", err)
	}
	if err := s.add(group("spaet")); err == nil {
		t.Error("a group added after serving began was accepted")
	}
}
