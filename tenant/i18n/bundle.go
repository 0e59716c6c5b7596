package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Bundle is every language's catalogue.
type Bundle struct {
	cats map[string]*Catalogue
	// areas names, per area, the languages it has a file for (German
	// always first) and, per language, the keys that file holds.
	areas map[string]map[string][]string
}

// Load reads the embedded catalogues.
func Load() (*Bundle, error) { return load(files, "catalogue") }

// defaultBundle is loaded on first use; the embedded files cannot change,
// and the package's tests make sure they load.
var defaultBundle = sync.OnceValues(Load)

// Default returns the embedded catalogues, loaded once. It panics when
// they do not load, which the package's tests rule out for every build.
func Default() *Bundle {
	b, err := defaultBundle()
	if err != nil {
		panic(fmt.Sprintf("i18n: embedded catalogues: %v", err))
	}
	return b
}

// load reads root/<area>/<lang>.json from fsys.
func load(fsys fs.FS, root string) (*Bundle, error) {
	b := &Bundle{cats: map[string]*Catalogue{}, areas: map[string]map[string][]string{}}
	for _, l := range Languages {
		b.cats[l.Code] = &Catalogue{lang: l, msgs: map[string]string{}}
	}
	de := b.cats[German]
	for _, c := range b.cats {
		if c != de {
			c.fallback = de
		}
	}
	areas, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	owner := map[string]string{} // key → area, across languages
	for _, a := range areas {
		if !a.IsDir() {
			continue
		}
		area := a.Name()
		names, err := fs.Glob(fsys, path.Join(root, area, "*.json"))
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		langs := map[string][]string{}
		for _, name := range names {
			code := strings.TrimSuffix(path.Base(name), ".json")
			c, ok := b.cats[code]
			if !ok {
				return nil, fmt.Errorf("i18n: %s: %q is not a language of the platform", name, code)
			}
			raw, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, fmt.Errorf("i18n: %w", err)
			}
			msgs := map[string]string{}
			if err := json.Unmarshal(raw, &msgs); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", name, err)
			}
			keys := make([]string, 0, len(msgs))
			for k, v := range msgs {
				if strings.TrimSpace(v) == "" {
					return nil, fmt.Errorf("i18n: %s: %s is empty", name, k)
				}
				if o, ok := owner[k]; ok && o != area {
					return nil, fmt.Errorf("i18n: %s: key %s belongs to area %s", name, k, o)
				}
				owner[k] = area
				c.msgs[k] = v
				keys = append(keys, k)
			}
			sort.Strings(keys)
			langs[code] = keys
		}
		if _, ok := langs[German]; !ok && len(langs) > 0 {
			return nil, fmt.Errorf("i18n: area %s has no German catalogue", area)
		}
		b.areas[area] = langs
	}
	return b, nil
}

// Catalogue returns a language's catalogue; an unknown code gets German.
func (b *Bundle) Catalogue(code string) *Catalogue {
	if c, ok := b.cats[code]; ok {
		return c
	}
	return b.cats[German]
}

// German returns the German catalogue, the console's.
func (b *Bundle) German() *Catalogue { return b.cats[German] }

// Missing returns the keys of used that the German catalogue lacks,
// sorted; a plural's base key counts as present when its ".other" form
// is.
func (b *Bundle) Missing(used []string) []string {
	de := b.cats[German]
	var out []string
	for _, k := range used {
		if !de.Has(k) && !de.Has(k+".other") {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// placeholder matches {0}, {name} and {tenant.address}.
var placeholder = regexp.MustCompile(`\{[A-Za-z0-9_.]+\}`)

// Problems lists what makes the catalogues incomplete, one sentence each:
// in an area that has translations, a key German has and a language
// lacks, a key a language has and German lacks, and a placeholder of the
// German text a translation drops. An area with only a German file is
// German on purpose (the console) and falls back explicitly. Plural forms
// count by their base key, since languages have different forms; each
// language needs the ".other" form or the forms its rule asks for.
func (b *Bundle) Problems() []string {
	var out []string
	for _, area := range slices.Sorted(maps.Keys(b.areas)) {
		langs := b.areas[area]
		if len(langs) == 1 {
			continue
		}
		de := b.cats[German]
		want := baseKeys(langs[German])
		for _, l := range Languages[1:] {
			keys, ok := langs[l.Code]
			if !ok {
				out = append(out, fmt.Sprintf("%s: no %s catalogue", area, l.Code))
				continue
			}
			c := b.cats[l.Code]
			have := baseKeys(keys)
			for k := range want {
				if !have[k] {
					out = append(out, fmt.Sprintf("%s/%s: missing %s", area, l.Code, k))
				}
			}
			for k := range have {
				if !want[k] {
					out = append(out, fmt.Sprintf("%s/%s: %s is not in the German catalogue", area, l.Code, k))
				}
			}
			for _, k := range keys {
				g, ok := de.msgs[k]
				if !ok {
					g = de.msgs[pluralBase(k)+".other"]
				}
				plural := pluralBase(k) != k
				for _, ph := range placeholder.FindAllString(g, -1) {
					if plural && ph == "{0}" {
						continue // a form for one count may spell the count out
					}
					if !strings.Contains(c.msgs[k], ph) {
						out = append(out, fmt.Sprintf("%s/%s: %s lacks the placeholder %s", area, l.Code, k, ph))
					}
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// baseKeys are keys with their plural suffixes removed.
func baseKeys(keys []string) map[string]bool {
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[pluralBase(k)] = true
	}
	return out
}

// pluralBase strips a plural form's suffix (".one", ".=1") from a key.
func pluralBase(k string) string {
	for _, s := range pluralSuffixes {
		if strings.HasSuffix(k, s) {
			return strings.TrimSuffix(k, s)
		}
	}
	if i := strings.LastIndex(k, ".="); i > 0 {
		return k[:i]
	}
	return k
}
