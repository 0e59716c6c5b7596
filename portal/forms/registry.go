package forms

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"sozialplattform/portal/xsozial"
)

//go:embed definitions/*.json
var definitionFiles embed.FS

// common is a shared file of option sets and field sets that definitions
// include by name ("common": "common-1"). It is versioned like the
// definitions: a change makes a new file.
type common struct {
	OptionSets map[string][]Option `json:"optionSets"`
	FieldSets  map[string][]Field  `json:"fieldSets"`
}

// Registry holds every form definition, all versions, checked at start.
// It is read-only after Load.
type Registry struct {
	defs   map[string]*Definition // by ID "hzl@1.0"
	latest map[string]*Definition // by key
	lists  xsozial.CodeLists
}

// Load reads and checks the embedded definitions.
func Load() (*Registry, error) {
	sub, err := fs.Sub(definitionFiles, "definitions")
	if err != nil {
		return nil, err
	}
	return LoadFS(sub)
}

// LoadFS reads definitions from fsys: files "<key>-<version>.json" and the
// common files "common-<n>.json" they name. Any problem – unknown field
// types, duplicate IDs, conditions on unknown fields, options without a
// code in their XSozial-basis list – fails the whole load.
func LoadFS(fsys fs.FS) (*Registry, error) {
	lists, err := xsozial.LoadCodeLists()
	if err != nil {
		return nil, err
	}
	r := &Registry{defs: map[string]*Definition{}, latest: map[string]*Definition{}, lists: lists}
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("form definitions: %w", err)
	}
	commons := map[string]*common{}
	for _, n := range names {
		if !strings.HasPrefix(n, "common-") {
			continue
		}
		c := &common{}
		if err := readJSON(fsys, n, c); err != nil {
			return nil, err
		}
		commons[strings.TrimSuffix(n, ".json")] = c
	}
	for _, n := range names {
		if strings.HasPrefix(n, "common-") {
			continue
		}
		d := &Definition{}
		if err := readJSON(fsys, n, d); err != nil {
			return nil, err
		}
		if want := d.Key + "-" + d.Version + ".json"; n != want {
			return nil, fmt.Errorf("form definition %s: file must be named %s", n, want)
		}
		c := &common{}
		if d.Common != "" {
			var ok bool
			if c, ok = commons[d.Common]; !ok {
				return nil, fmt.Errorf("form definition %s: unknown common file %q", n, d.Common)
			}
		}
		if err := expand(d, c); err != nil {
			return nil, fmt.Errorf("form definition %s: %w", n, err)
		}
		if err := d.check(); err != nil {
			return nil, err
		}
		if err := r.checkCodes(d); err != nil {
			return nil, err
		}
		if _, dup := r.defs[d.ID()]; dup {
			return nil, fmt.Errorf("form definition %s defined twice", d.ID())
		}
		r.defs[d.ID()] = d
		if cur, ok := r.latest[d.Key]; !ok || versionLess(cur.Version, d.Version) {
			r.latest[d.Key] = d
		}
	}
	if len(r.defs) == 0 {
		return nil, fmt.Errorf("form definitions: none found")
	}
	return r, nil
}

func readJSON(fsys fs.FS, name string, v any) error {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("form definition %s: %w", name, err)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("form definition %s: %w", path.Base(name), err)
	}
	return nil
}

// expand replaces {"use": "name"} entries by the common field set and
// attaches the option sets.
func expand(d *Definition, c *common) error {
	d.optionSets = c.OptionSets
	if d.optionSets == nil {
		d.optionSets = map[string][]Option{}
	}
	for si := range d.Steps {
		var out []Field
		for _, f := range d.Steps[si].Fields {
			if f.Use == "" {
				out = append(out, f)
				continue
			}
			set, ok := c.FieldSets[f.Use]
			if !ok {
				return fmt.Errorf("step %s: unknown field set %q", d.Steps[si].ID, f.Use)
			}
			out = append(out, set...)
		}
		d.Steps[si].Fields = out
	}
	return nil
}

// checkCodes makes sure that every option of a field that is mapped to a
// coded element of the XSozial-basis message has a code of that list.
func (r *Registry) checkCodes(d *Definition) error {
	if _, ok := r.lists[xsozial.ListVorgangstyp].Codes[d.XSozial.VorgangsTyp]; !ok {
		return fmt.Errorf("form definition %s: vorgangsTyp %q is not in the code list", d.ID(), d.XSozial.VorgangsTyp)
	}
	if _, ok := r.lists[xsozial.ListLeistungArt].Codes[d.XSozial.LeistungArt]; !ok {
		return fmt.Errorf("form definition %s: leistungArt %q is not in the code list", d.ID(), d.XSozial.LeistungArt)
	}
	var errs []string
	var walk func(fs []Field)
	walk = func(fs []Field) {
		for i := range fs {
			f := &fs[i]
			if list, ok := codedMaps[f.Map]; ok {
				for _, o := range d.Options(f) {
					code := o.code()
					if code == "" {
						continue
					}
					if !r.lists[list].Has(code) {
						errs = append(errs, fmt.Sprintf("%s option %s: code %q not in %s", f.ID, o.Value, code, list))
					}
				}
			}
			walk(f.Fields)
		}
	}
	for _, s := range d.Steps {
		walk(s.Fields)
	}
	if len(errs) > 0 {
		return fmt.Errorf("form definition %s: %s", d.ID(), strings.Join(errs, "; "))
	}
	return nil
}

// code is the option's code: Code, or the value itself.
func (o Option) code() string {
	if o.Code == "-" {
		return ""
	}
	if o.Code != "" {
		return o.Code
	}
	return o.Value
}

// codedMaps are the Map targets whose answers are codes of a list.
var codedMaps = map[string]string{
	"geschlecht":           xsozial.ListGeschlecht,
	"staatsangehoerigkeit": xsozial.ListStaat,
	"familienstand":        xsozial.ListFamilienstand,
	"personentyp":          xsozial.ListPersonentyp,
	"ausbildungsart":       xsozial.ListAusbildungsart,
	"drittetyp":            xsozial.ListDritteTyp,
}

// versionLess compares "1.0" < "1.1" < "2.0" numerically per part.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		var x, y int
		if i < len(pa) {
			fmt.Sscan(pa[i], &x)
		}
		if i < len(pb) {
			fmt.Sscan(pb[i], &y)
		}
		if x != y {
			return x < y
		}
	}
	return false
}

// Latest returns the newest version of an Antragsstrecke.
func (r *Registry) Latest(key string) (*Definition, bool) {
	d, ok := r.latest[key]
	return d, ok
}

// Get returns one version ("hzl", "1.0").
func (r *Registry) Get(key, version string) (*Definition, bool) {
	d, ok := r.defs[key+"@"+version]
	return d, ok
}

// Keys lists the Antragsstrecken with a definition.
func (r *Registry) Keys() []string {
	out := make([]string, 0, len(r.latest))
	for k := range r.latest {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
