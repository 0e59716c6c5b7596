package forms

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestDeclarationLinksExist: every page a declaration links to is a text
// page of the portal's content in every language, so that the link never
// ends in "Seite nicht gefunden".
func TestDeclarationLinksExist(t *testing.T) {
	t.Parallel()
	r, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]map[string]json.RawMessage{}
	for _, lang := range Languages {
		raw, err := os.ReadFile(filepath.Join("..", "www", "content", lang, "pages.json"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]json.RawMessage{}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("content/%s/pages.json: %v", lang, err)
		}
		pages[lang] = m
	}
	linked := map[string]bool{}
	for _, key := range r.Keys() {
		d, _ := r.Latest(key)
		for _, decl := range d.Declarations {
			if decl.ID != "richtigkeit" && decl.Link == "" {
				t.Errorf("%s: declaration %s links to no page", d.ID(), decl.ID)
			}
			if decl.Link == "" {
				continue
			}
			linked[decl.Link] = true
			for _, lang := range Languages {
				if _, ok := pages[lang][decl.Link]; !ok {
					t.Errorf("%s: declaration %s links to page %q, which content/%s/pages.json lacks", d.ID(), decl.ID, decl.Link, lang)
				}
			}
		}
	}
	for _, want := range []string{"datenschutz-antrag", "mitwirkungspflichten"} {
		if !linked[want] {
			t.Errorf("no declaration links to %s", want)
		}
	}
}
