package www

import (
	"fmt"
	"html/template"
	"sync"
)

// pageSets holds the finished page templates of every language. Each
// language has its own copy of every page (the text functions are bound
// per language), about 4 MB each. German, the default, is built at start,
// so that a broken template stops the start; another language is built
// the first time a visitor asks for it. A server that never sees an
// Arabic visitor so never holds the Arabic pages – which keeps idle memory
// low (issue 9).
type pageSets struct {
	builders []pageBuilder
	de       map[string]*template.Template
	others   map[string]*langPages // every other language; the map itself is fixed at start
	served   bool                  // a non-German set was built: no more builders
	mu       sync.Mutex            // guards served against a late add
}

// pageBuilder makes one group of pages (the portal's, the counselling
// pages, the application pages) for a language.
type pageBuilder func(lang string) (map[string]*template.Template, error)

type langPages struct {
	once  sync.Once
	pages map[string]*template.Template
	err   error
}

func newPageSets() *pageSets {
	s := &pageSets{de: map[string]*template.Template{}, others: map[string]*langPages{}}
	for _, l := range Languages[1:] {
		s.others[l.Code] = &langPages{}
	}
	return s
}

// add registers a group of pages and builds its German pages now. Call it
// at start, before serving.
func (s *pageSets) add(build pageBuilder) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.served {
		return fmt.Errorf("portal: pages added after serving began")
	}
	pages, err := build("de")
	if err != nil {
		return err
	}
	for name, t := range pages {
		if _, dup := s.de[name]; dup {
			return fmt.Errorf("portal: page %s defined twice", name)
		}
		s.de[name] = t
	}
	s.builders = append(s.builders, build)
	return nil
}

// page returns a page in lang (German for an unknown language).
func (s *pageSets) page(lang, name string) (*template.Template, error) {
	lp, ok := s.others[lang]
	if !ok {
		if t, ok := s.de[name]; ok {
			return t, nil
		}
		return nil, fmt.Errorf("portal: no template %q", name)
	}
	lp.once.Do(func() {
		s.mu.Lock()
		s.served = true
		builders := s.builders
		s.mu.Unlock()
		lp.pages = map[string]*template.Template{}
		for _, build := range builders {
			pages, err := build(lang)
			if err != nil {
				lp.err = fmt.Errorf("portal pages in %s: %w", lang, err)
				return
			}
			for name, t := range pages {
				lp.pages[name] = t
			}
		}
	})
	if lp.err != nil {
		return nil, lp.err
	}
	t, ok := lp.pages[name]
	if !ok {
		return nil, fmt.Errorf("portal: no template %q", name)
	}
	return t, nil
}
