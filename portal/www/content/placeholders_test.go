// Package content_test checks the portal's content files beyond what the
// portal's own content test compares (structure and untranslated prose):
// that every translation keeps the placeholders the surface fills per
// tenant and the legal references of the German text. The data lives
// beside this test; the portal embeds it.
package content_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// placeholders are the per-tenant values the surface puts into a text page
// before it renders it (see README.md in this folder), written {name} as in
// the portal's message catalogue (Catalogue.Named). A text naming any other
// is a typo the surface would show as it is.
var placeholders = []string{
	"{tenant}",         // name of the body whose portal shows the page
	"{tenant.address}", // its postal address in one line
	"{tenant.contact}", // its phone and e-mail (portal settings, else the function mailbox)
	"{dpo}",            // its data protection officer (portal settings), else the address
	"{draftDays}",      // days a draft is kept after the last change
	"{retentionDays}",  // days a delivered application stays on the platform
	"{land.contact}",   // the Land's contact for accessibility feedback
}

var (
	placeholder = regexp.MustCompile(`\{[^{}]*\}`)
	// legalRef finds what a translation keeps as written in German.
	legalRef = regexp.MustCompile(`§+ ?\d+[a-z]?|\bSGB [IVX]+\b|\bArt\. \d+ DSGVO|\bBGG( LSA)?\b|\b\d{5} [A-Z][a-z]+|[\w.-]+@[\w.-]+\.de\b|www\.[\w.-]+\.de`)
)

var languages = []string{"de", "en", "ar", "uk", "tr", "ru"}

type page struct {
	Title    string `json:"title"`
	Intro    string `json:"intro"`
	Sections []struct {
		Heading    string   `json:"heading"`
		Paragraphs []string `json:"paragraphs"`
		Items      []string `json:"items"`
	} `json:"sections"`
}

// texts lists a page's texts in reading order, each with where it sits.
func (p page) texts() (where, text []string) {
	add := func(w, t string) { where, text = append(where, w), append(text, t) }
	add("title", p.Title)
	add("intro", p.Intro)
	for i, s := range p.Sections {
		add("heading", s.Heading)
		for _, t := range s.Paragraphs {
			add("section "+strconv.Itoa(i+1)+" paragraph", t)
		}
		for _, t := range s.Items {
			add("section "+strconv.Itoa(i+1)+" item", t)
		}
	}
	return where, text
}

func readPages(t *testing.T, lang string) map[string]page {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(lang, "pages.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]page{}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s/pages.json: %v", lang, err)
	}
	return m
}

// TestPagePlaceholdersAndReferences: each text of a translated page names
// the same placeholders as its German original, only known ones, and keeps
// its legal references, addresses, e-mail addresses and web addresses.
func TestPagePlaceholdersAndReferences(t *testing.T) {
	de := readPages(t, "de")
	for key, p := range de {
		_, texts := p.texts()
		for _, s := range texts {
			for _, ph := range placeholder.FindAllString(s, -1) {
				if !slices.Contains(placeholders, ph) {
					t.Errorf("de/%s: unknown placeholder %s", key, ph)
				}
			}
		}
	}
	for _, lang := range languages[1:] {
		for key, tr := range readPages(t, lang) {
			orig, ok := de[key]
			if !ok {
				continue // the portal's content test reports it
			}
			where, want := orig.texts()
			_, got := tr.texts()
			if len(got) != len(want) {
				continue // the portal's content test reports it
			}
			for i := range want {
				if a, b := sorted(placeholder.FindAllString(want[i], -1)), sorted(placeholder.FindAllString(got[i], -1)); !slices.Equal(a, b) {
					t.Errorf("%s/%s %s: placeholders %v, German %v", lang, key, where[i], b, a)
				}
				for _, ref := range legalRef.FindAllString(want[i], -1) {
					if !strings.Contains(got[i], ref) {
						t.Errorf("%s/%s %s lacks %q: %q", lang, key, where[i], ref, got[i])
					}
				}
			}
		}
	}
}

// TestLegalPagesComplete: the pages the application forms link to and the
// accessibility statement exist in every language and say that the
// translations are unchecked and only the German text is binding.
func TestLegalPagesComplete(t *testing.T) {
	notice := map[string]string{"de": "nicht von Muttersprachlerinnen und Muttersprachlern geprüft", "en": "not yet been checked by native speakers",
		"ar": "متحدثون أصليون", "uk": "не перевірені носіями мови", "tr": "anadili bu diller olan kişiler tarafından kontrol edilmemiştir",
		"ru": "не проверены носителями языка"}
	for _, lang := range languages {
		pages := readPages(t, lang)
		for _, key := range []string{"barrierefreiheit", "datenschutz-antrag", "mitwirkungspflichten"} {
			p, ok := pages[key]
			if !ok {
				t.Errorf("%s: page %s missing", lang, key)
				continue
			}
			_, texts := p.texts()
			if all := strings.Join(texts, "\n"); !strings.Contains(all, notice[lang]) {
				t.Errorf("%s/%s: no notice that the translations are unchecked (%q)", lang, key, notice[lang])
			}
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
