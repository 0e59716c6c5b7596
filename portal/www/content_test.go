package www

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
)

// legalRef finds the statute references of a law text ("§§ 41", "SGB XII",
// "AsylbLG", "Abs. 2" → "2"); a translation keeps them all.
var legalRef = regexp.MustCompile(`§+\s*\d+[a-z]?|SGB [IVX]+|\b[A-Z][a-zäöü]*[A-Z][A-Za-zäöü]*|\b\d+\b`)

// contentLanguages are the languages other than German with content files.
func contentLanguages(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, l := range Languages[1:] {
		for _, file := range []string{"services.json", "pages.json"} {
			if _, err := fs.Stat(files, path.Join("content", l.Code, file)); err == nil {
				out = append(out, l.Code)
				break
			}
		}
	}
	return out
}

// strictDecode reads a content file, rejecting fields the structs do not
// know (a misspelt key would otherwise be dropped silently).
func strictDecode(t *testing.T, name string, into any) {
	t.Helper()
	raw, err := fs.ReadFile(files, name)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		t.Errorf("%s: %v", name, err)
	}
}

// TestContentTranslations checks every translated service and text page
// against its German original: every field German fills is filled, every
// list has as many items, the links go to the same addresses, the legal
// references are kept, and prose is not left in German. A language with
// content files must cover every service and every text page except the
// Leichte Sprache pages, which are German by nature and stay German.
func TestContentTranslations(t *testing.T) {
	t.Parallel()
	cs, err := loadContent(files)
	if err != nil {
		t.Fatal(err)
	}
	langs := contentLanguages(t)
	if len(langs) == 0 {
		t.Fatal("no translated content found")
	}
	de := struct {
		services map[string]ServiceContent
		pages    map[string]PageContent
	}{cs.services["de"], cs.pages["de"]}

	type tcase struct {
		lang, kind, key string
	}
	var cases []tcase
	for _, lang := range langs {
		strictDecode(t, path.Join("content", lang, "services.json"), &map[string]ServiceContent{})
		strictDecode(t, path.Join("content", lang, "pages.json"), &map[string]PageContent{})
		for key := range de.services {
			if _, ok := cs.services[lang][key]; !ok {
				t.Errorf("%s: service %s not translated", lang, key)
			}
		}
		for key := range de.pages {
			_, ok := cs.pages[lang][key]
			switch easy := strings.HasPrefix(key, "ls-"); {
			case easy && ok:
				t.Errorf("%s: Leichte Sprache page %s is German only and must not be translated", lang, key)
			case !easy && !ok:
				t.Errorf("%s: page %s not translated", lang, key)
			}
		}
		for key := range cs.services[lang] {
			cases = append(cases, tcase{lang, "service", key})
		}
		for key := range cs.pages[lang] {
			cases = append(cases, tcase{lang, "page", key})
		}
	}

	for _, tc := range cases {
		t.Run(tc.lang+"/"+tc.kind+"/"+tc.key, func(t *testing.T) {
			switch tc.kind {
			case "service":
				orig, ok := de.services[tc.key]
				if !ok {
					t.Fatalf("service %s has no German original", tc.key)
				}
				compareService(t, orig, cs.services[tc.lang][tc.key])
			case "page":
				orig, ok := de.pages[tc.key]
				if !ok {
					t.Fatalf("page %s has no German original", tc.key)
				}
				comparePage(t, orig, cs.pages[tc.lang][tc.key])
			}
		})
	}
}

func compareService(t *testing.T, de, tr ServiceContent) {
	t.Helper()
	for _, f := range []struct {
		name     string
		de, tr   string
		distinct bool // prose that must not be left in German
	}{
		{"title", de.Title, tr.Title, false},
		{"summary", de.Summary, tr.Summary, true},
		{"duration", de.Duration, tr.Duration, true},
		{"costs", de.Costs, tr.Costs, true},
		{"law", de.Law, tr.Law, false},
	} {
		compareText(t, f.name, f.de, f.tr, f.distinct)
	}
	for _, f := range []struct {
		name     string
		de, tr   []string
		distinct bool
	}{
		{"what", de.What, tr.What, true},
		{"who", de.Who, tr.Who, true},
		{"needs", de.Needs, tr.Needs, false},
		{"apply", de.Apply, tr.Apply, false},
	} {
		compareList(t, f.name, f.de, f.tr, f.distinct)
	}
	for _, ref := range legalRef.FindAllString(de.Law, -1) {
		if !strings.Contains(tr.Law, ref) {
			t.Errorf("law %q lacks %q of %q", tr.Law, ref, de.Law)
		}
	}
	if len(tr.More) != len(de.More) {
		t.Fatalf("more: %d links, German has %d", len(tr.More), len(de.More))
	}
	for i, m := range de.More {
		if tr.More[i].URL != m.URL {
			t.Errorf("more[%d]: URL %q, German %q", i, tr.More[i].URL, m.URL)
		}
		compareText(t, "more title", m.Title, tr.More[i].Title, false)
	}
}

func comparePage(t *testing.T, de, tr PageContent) {
	t.Helper()
	compareText(t, "title", de.Title, tr.Title, false)
	compareText(t, "intro", de.Intro, tr.Intro, true)
	if len(tr.Sections) != len(de.Sections) {
		t.Fatalf("%d sections, German has %d", len(tr.Sections), len(de.Sections))
	}
	for i, s := range de.Sections {
		compareText(t, "heading", s.Heading, tr.Sections[i].Heading, false)
		compareList(t, "paragraphs", s.Paragraphs, tr.Sections[i].Paragraphs, true)
		compareList(t, "items", s.Items, tr.Sections[i].Items, true)
	}
}

func compareText(t *testing.T, name, de, tr string, distinct bool) {
	t.Helper()
	if strings.TrimSpace(de) == "" {
		return
	}
	switch {
	case strings.TrimSpace(tr) == "":
		t.Errorf("%s empty, German %q", name, de)
	case distinct && tr == de:
		t.Errorf("%s not translated: %q", name, tr)
	}
}

func compareList(t *testing.T, name string, de, tr []string, distinct bool) {
	t.Helper()
	if len(tr) != len(de) {
		t.Errorf("%s: %d items, German has %d", name, len(tr), len(de))
		return
	}
	for i := range de {
		compareText(t, name, de[i], tr[i], distinct)
	}
}
