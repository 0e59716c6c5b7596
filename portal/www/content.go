package www

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
)

// ServiceContent is a service information page in one language: what it
// is, who can get it, what you need, how long it takes, what it costs,
// the legal basis and further information.
type ServiceContent struct {
	Title    string     `json:"title"`
	Summary  string     `json:"summary"`
	What     []string   `json:"what"`
	Who      []string   `json:"who"`
	Needs    []string   `json:"needs"`
	Duration string     `json:"duration"`
	Costs    string     `json:"costs"`
	Law      string     `json:"law"`
	Apply    []string   `json:"apply"` // how to apply where the platform has no application
	More     []MoreLink `json:"more"`
}

// MoreLink is an entry of "Weitere Informationen".
type MoreLink struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// PageContent is a text page (accessibility statement, privacy, Leichte
// Sprache) in one language.
type PageContent struct {
	Title    string    `json:"title"`
	Intro    string    `json:"intro"`
	Sections []Section `json:"sections"`
}

// Section is a headed part of a text page.
type Section struct {
	Heading    string   `json:"heading"`
	Paragraphs []string `json:"paragraphs"`
	Items      []string `json:"items"`
}

// contentSet holds the content files of every language that has them.
type contentSet struct {
	services map[string]map[string]ServiceContent // lang → service → content
	pages    map[string]map[string]PageContent    // lang → page → content
}

// loadContent reads content/<lang>/services.json and pages.json; German
// must be complete, other languages may leave out entries.
func loadContent(fsys fs.FS) (*contentSet, error) {
	cs := &contentSet{services: map[string]map[string]ServiceContent{}, pages: map[string]map[string]PageContent{}}
	for _, l := range Languages {
		for file, target := range map[string]any{"services.json": &map[string]ServiceContent{}, "pages.json": &map[string]PageContent{}} {
			raw, err := fs.ReadFile(fsys, path.Join("content", l.Code, file))
			if err != nil {
				if l.Code == "de" {
					return nil, fmt.Errorf("portal content: %w", err)
				}
				continue
			}
			if err := json.Unmarshal(raw, target); err != nil {
				return nil, fmt.Errorf("portal content %s/%s: %w", l.Code, file, err)
			}
			switch t := target.(type) {
			case *map[string]ServiceContent:
				cs.services[l.Code] = *t
			case *map[string]PageContent:
				cs.pages[l.Code] = *t
			}
		}
	}
	return cs, nil
}

// service returns a service's content in lang, or in German with
// fallback true.
func (cs *contentSet) service(lang, key string) (ServiceContent, bool, bool) {
	if c, ok := cs.services[lang][key]; ok {
		return c, false, true
	}
	c, ok := cs.services["de"][key]
	return c, lang != "de", ok
}

// page returns a text page in lang, or in German with fallback true.
func (cs *contentSet) page(lang, key string) (PageContent, bool, bool) {
	if c, ok := cs.pages[lang][key]; ok {
		return c, false, true
	}
	c, ok := cs.pages["de"][key]
	return c, lang != "de", ok
}
