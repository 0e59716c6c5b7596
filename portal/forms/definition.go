package forms

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Languages are the portal languages every text of a form definition has
// (ISO 639-1, German first). German is authoritative: the PDF and the
// XSozial-basis message are always built from it.
var Languages = []string{"de", "en", "ar", "uk", "tr", "ru"}

// languageNames are the German names of Languages, as the application PDF
// names the language the citizen applied in.
var languageNames = map[string]string{"de": "Deutsch", "en": "Englisch", "ar": "Arabisch", "uk": "Ukrainisch", "tr": "Türkisch", "ru": "Russisch"}

// Text is a label in every language of Languages; the loader refuses a
// definition with a text missing in any of them. In still falls back to
// German for a language the portal does not offer.
type Text map[string]string

// In returns the text in lang, or in German.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	return t["de"]
}

// Has reports whether the text exists in lang itself (not by fallback).
func (t Text) Has(lang string) bool { return t[lang] != "" }

// TrustLevel is the Vertrauensniveau of an identification (eIDAS/TR-03107).
type TrustLevel string

// The trust levels, lowest first.
const (
	TrustNiedrig      TrustLevel = "niedrig"
	TrustSubstanziell TrustLevel = "substanziell"
	TrustHoch         TrustLevel = "hoch"
)

func (t TrustLevel) rank() int {
	switch t {
	case TrustNiedrig:
		return 1
	case TrustSubstanziell:
		return 2
	case TrustHoch:
		return 3
	}
	return 0
}

// Valid reports whether t is a known level.
func (t TrustLevel) Valid() bool { return t.rank() > 0 }

// Satisfies reports whether an identification of level t is enough for a
// service that needs min.
func (t TrustLevel) Satisfies(min TrustLevel) bool { return t.rank() >= min.rank() && t.rank() > 0 }

// FieldType is the kind of input a field takes.
type FieldType string

// The field types of the engine.
const (
	TypeText       FieldType = "text"
	TypeTextarea   FieldType = "textarea"
	TypeDate       FieldType = "date"
	TypeSelect     FieldType = "select"
	TypeRadio      FieldType = "radio"
	TypeYesNo      FieldType = "yesno"
	TypeCheckbox   FieldType = "checkbox"   // one box: "ja" or nothing
	TypeCheckboxes FieldType = "checkboxes" // a checkbox group: several values
	TypeMoney      FieldType = "money"      // euros, stored as cents
	TypeInteger    FieldType = "integer"
	TypeIBAN       FieldType = "iban"
	TypeEmail      FieldType = "email"
	TypePhone      FieldType = "phone"
	TypePostcode   FieldType = "postcode"
	TypeFile       FieldType = "file"  // uploads ("Unterlagen")
	TypeGroup      FieldType = "group" // a repeating group of fields
	TypeInfo       FieldType = "info"  // a text without input
)

var fieldTypes = []FieldType{TypeText, TypeTextarea, TypeDate, TypeSelect, TypeRadio, TypeYesNo, TypeCheckbox,
	TypeCheckboxes, TypeMoney, TypeInteger, TypeIBAN, TypeEmail, TypePhone, TypePostcode, TypeFile, TypeGroup, TypeInfo}

// Option is one choice of a select, radio or checkbox group.
type Option struct {
	Value string `json:"value"`
	Label Text   `json:"label"`
	// Exclusive marks a choice that excludes all others ("Nichts davon
	// ist zutreffend").
	Exclusive bool `json:"exclusive,omitempty"`
	// Code is the value's code in the XSozial-basis code list of the
	// field, when it differs from Value.
	Code string `json:"code,omitempty"`
}

// Condition decides whether a field is shown or required. Field names a
// field of the same group row first, then of the whole form.
type Condition struct {
	Field    string      `json:"field,omitempty"`
	Equals   string      `json:"equals,omitempty"`
	In       []string    `json:"in,omitempty"`
	Contains string      `json:"contains,omitempty"`
	Filled   *bool       `json:"filled,omitempty"`
	All      []Condition `json:"all,omitempty"`
	Any      []Condition `json:"any,omitempty"`
	Not      *Condition  `json:"not,omitempty"`
}

// Field is one question.
type Field struct {
	ID    string    `json:"id"`
	Type  FieldType `json:"type"`
	Label Text      `json:"label"`
	Help  Text      `json:"help,omitempty"`
	// Required fields must be answered before the step counts as done.
	// SoftRequired fields should be answered: a missing answer is a
	// warning, and the application can be submitted anyway where the law
	// allows incomplete applications (documents may follow, § 60 SGB I).
	Required     bool       `json:"required,omitempty"`
	SoftRequired bool       `json:"softRequired,omitempty"`
	RequiredIf   *Condition `json:"requiredIf,omitempty"`
	ShowIf       *Condition `json:"showIf,omitempty"`
	// Options of select, radio and checkboxes; OptionSet names a shared
	// set instead; "persons" lists the applicant and the household.
	Options   []Option `json:"options,omitempty"`
	OptionSet string   `json:"optionSet,omitempty"`
	// Bounds of integers (the number) and money (euros); MaxLength of
	// texts in characters.
	Min       *int64 `json:"min,omitempty"`
	Max       *int64 `json:"max,omitempty"`
	MaxLength int    `json:"maxLength,omitempty"`
	// Date rules: Past forbids dates after today; Birth also checks that
	// the date is plausible for a living person.
	Past  bool `json:"past,omitempty"`
	Birth bool `json:"birth,omitempty"`
	// Group: the fields of one row, the number of rows and the row's
	// heading ("Person {n}").
	Fields   []Field `json:"fields,omitempty"`
	MinRows  int     `json:"minRows,omitempty"`
	MaxRows  int     `json:"maxRows,omitempty"`
	RowLabel Text    `json:"rowLabel,omitempty"`
	AddLabel Text    `json:"addLabel,omitempty"`
	// MaxFiles caps the uploads of a file field (default 5).
	MaxFiles int `json:"maxFiles,omitempty"`
	// Map names where the answer goes in the XSozial-basis message
	// (e.g. "familienname", "geburtsdatum", "iban").
	Map string `json:"map,omitempty"`
	// Autocomplete is the HTML autocomplete token (e.g. "family-name").
	Autocomplete string `json:"autocomplete,omitempty"`
	// Use includes a field set of the common file in place of this entry.
	Use string `json:"use,omitempty"`
}

// Step is one page of the form. A step of kind "summary" is the last one:
// the overview with the declarations and the submit button.
type Step struct {
	ID     string  `json:"id"`
	Kind   string  `json:"kind,omitempty"`
	Title  Text    `json:"title"`
	Intro  Text    `json:"intro,omitempty"`
	Fields []Field `json:"fields,omitempty"`
}

// IsSummary reports whether the step is the closing overview.
func (s *Step) IsSummary() bool { return s.Kind == "summary" }

// Declaration is a statement the applicant confirms before submitting.
// Link names the portal content page that explains what is confirmed
// (e.g. "datenschutz-antrag", "mitwirkungspflichten"); the surface links
// the declaration to it.
type Declaration struct {
	ID    string `json:"id"`
	Label Text   `json:"label"`
	Link  string `json:"link,omitempty"`
}

// pageKey is the shape of a content page key a declaration links to.
var pageKey = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)

// XSozialInfo names how the application travels as XSozial-basis.
type XSozialInfo struct {
	VorgangsTyp string `json:"vorgangsTyp"` // code of urn:xoev-de:d-nrw:codeliste:vorgangscodes
	LeistungArt string `json:"leistungArt"` // code of the leistungArt list
	// ChildApplicants: the children of the household are the persons
	// applied for and the applicant is a third party (BuT).
	ChildApplicants bool `json:"childApplicants,omitempty"`
}

// Definition is one Antragsstrecke in one version.
type Definition struct {
	Key          string        `json:"key"`
	Version      string        `json:"version"`
	Title        Text          `json:"title"`
	OZG          string        `json:"ozg"`
	Rechtskreis  string        `json:"rechtskreis"`
	LegalBasis   string        `json:"legalBasis"`
	TrustLevel   TrustLevel    `json:"trustLevel"`
	Common       string        `json:"common,omitempty"`
	XSozial      XSozialInfo   `json:"xsozial"`
	Declarations []Declaration `json:"declarations"`
	Steps        []Step        `json:"steps"`

	optionSets map[string][]Option
	fields     map[string]*Field // every top-level field by ID
	fieldStep  map[string]int    // step index of every top-level field
}

// ID is "key@version", e.g. "hzl@1.0".
func (d *Definition) ID() string { return d.Key + "@" + d.Version }

// Step returns a step by ID and its index.
func (d *Definition) Step(id string) (*Step, int, bool) {
	for i := range d.Steps {
		if d.Steps[i].ID == id {
			return &d.Steps[i], i, true
		}
	}
	return nil, -1, false
}

// StepOfField returns the step that holds a top-level field.
func (d *Definition) StepOfField(fieldID string) (*Step, int, bool) {
	for i := range d.Steps {
		for _, f := range d.Steps[i].Fields {
			if f.ID == fieldID {
				return &d.Steps[i], i, true
			}
		}
	}
	return nil, -1, false
}

// Field returns a top-level field by ID.
func (d *Definition) Field(id string) (*Field, bool) {
	f, ok := d.fields[id]
	return f, ok
}

// Options returns the choices of a field (its own or its option set).
func (d *Definition) Options(f *Field) []Option {
	if f.OptionSet != "" {
		return d.optionSets[f.OptionSet]
	}
	return f.Options
}

// FileFields lists every file field with its step.
func (d *Definition) FileFields() []*Field {
	var out []*Field
	for i := range d.Steps {
		for j := range d.Steps[i].Fields {
			if d.Steps[i].Fields[j].Type == TypeFile {
				out = append(out, &d.Steps[i].Fields[j])
			}
		}
	}
	return out
}

// fieldByPath resolves a field ID inside a group row first, then at the
// top level.
func (d *Definition) resolve(group *Field, id string) (*Field, bool) {
	if group != nil {
		for i := range group.Fields {
			if group.Fields[i].ID == id {
				return &group.Fields[i], true
			}
		}
	}
	return d.Field(id)
}

// check validates a definition after common fields were included: known
// types, unique IDs, conditions on known fields, options where needed,
// every text in every language of Languages, a summary step at the end.
func (d *Definition) check() error {
	var errs []string
	add := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if d.Key == "" || d.Version == "" {
		add("key and version are required")
	}
	if !d.TrustLevel.Valid() {
		add("trustLevel %q is not niedrig, substanziell or hoch", d.TrustLevel)
	}
	d.eachText(func(where string, t Text, required bool) {
		if err := t.complete(required); err != nil {
			add("%s: %v", where, err)
		}
	})
	if len(d.Steps) < 2 || !d.Steps[len(d.Steps)-1].IsSummary() {
		add("the last step must be of kind summary")
	}
	if len(d.Declarations) == 0 {
		add("no declarations")
	}
	declIDs := map[string]bool{}
	for _, decl := range d.Declarations {
		if decl.ID == "" || declIDs[decl.ID] {
			add("declaration %q: missing or duplicate ID", decl.ID)
		}
		declIDs[decl.ID] = true
		if decl.Link != "" && !pageKey.MatchString(decl.Link) {
			add("declaration %s: link %q is not a page key (lower-case letters, digits, hyphens)", decl.ID, decl.Link)
		}
	}
	d.fields = map[string]*Field{}
	d.fieldStep = map[string]int{}
	stepIDs := map[string]bool{}
	for si := range d.Steps {
		s := &d.Steps[si]
		if s.ID == "" || stepIDs[s.ID] {
			add("step %d: missing or duplicate ID %q", si+1, s.ID)
		}
		stepIDs[s.ID] = true
		if s.Kind != "" && s.Kind != "summary" {
			add("step %s: unknown kind %q", s.ID, s.Kind)
		}
		if s.IsSummary() && si != len(d.Steps)-1 {
			add("step %s: only the last step may be the summary", s.ID)
		}
		for fi := range s.Fields {
			f := &s.Fields[fi]
			if _, dup := d.fields[f.ID]; dup {
				add("field %s: duplicate ID", f.ID)
			}
			d.fields[f.ID] = f
			d.fieldStep[f.ID] = si
		}
	}
	var checkField func(where string, f *Field, group *Field)
	checkField = func(where string, f *Field, group *Field) {
		where += "." + f.ID
		if f.ID == "" || strings.ContainsAny(f.ID, ". []") {
			add("%s: field IDs are non-empty and contain no dot, blank or bracket", where)
		}
		if f.Use != "" {
			add("%s: unknown field set %q", where, f.Use)
			return
		}
		if !slices.Contains(fieldTypes, f.Type) {
			add("%s: unknown field type %q", where, f.Type)
			return
		}
		switch f.Type {
		case TypeSelect, TypeRadio, TypeCheckboxes:
			if f.OptionSet != "" {
				if _, ok := d.optionSets[f.OptionSet]; !ok && f.OptionSet != OptionSetPersons {
					add("%s: unknown option set %q", where, f.OptionSet)
				}
			} else if len(f.Options) == 0 {
				add("%s: a %s needs options", where, f.Type)
			}
			seen := map[string]bool{}
			for _, o := range f.Options {
				if o.Value == "" || seen[o.Value] {
					add("%s: empty or duplicate option %q", where, o.Value)
				}
				seen[o.Value] = true
			}
		case TypeGroup:
			if group != nil {
				add("%s: groups cannot nest", where)
			}
			if len(f.Fields) == 0 {
				add("%s: a group needs fields", where)
			}
			if f.MaxRows <= 0 || f.MinRows < 0 || f.MinRows > f.MaxRows {
				add("%s: a group needs 0 <= minRows <= maxRows, maxRows > 0", where)
			}
			ids := map[string]bool{}
			for i := range f.Fields {
				sub := &f.Fields[i]
				if ids[sub.ID] {
					add("%s.%s: duplicate ID in group", where, sub.ID)
				}
				ids[sub.ID] = true
				if sub.Type == TypeFile {
					add("%s.%s: uploads cannot be inside a group", where, sub.ID)
				}
				checkField(where, sub, f)
			}
		}
		for _, c := range []*Condition{f.ShowIf, f.RequiredIf} {
			if c != nil {
				d.checkCondition(where, c, group, add)
			}
		}
		if f.Required && f.SoftRequired {
			add("%s: required and softRequired exclude each other", where)
		}
	}
	for si := range d.Steps {
		for fi := range d.Steps[si].Fields {
			checkField(d.Steps[si].ID, &d.Steps[si].Fields[fi], nil)
		}
	}
	if len(errs) == 0 {
		if cycle := d.conditionCycle(); cycle != "" {
			add("conditions form a cycle through %s", cycle)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("form definition %s: %s", d.ID(), strings.Join(errs, "; "))
	}
	return nil
}

// complete reports the languages a text lacks (an absent optional text
// lacks none) and keys that are no portal language.
func (t Text) complete(required bool) error {
	if len(t) == 0 && !required {
		return nil
	}
	var missing, unknown []string
	for _, l := range Languages {
		if strings.TrimSpace(t[l]) == "" {
			missing = append(missing, l)
		}
	}
	for l := range t {
		if !slices.Contains(Languages, l) {
			unknown = append(unknown, l)
		}
	}
	slices.Sort(unknown)
	switch {
	case len(missing) > 0 && len(unknown) > 0:
		return fmt.Errorf("text lacks %s and has unknown languages %s", strings.Join(missing, ", "), strings.Join(unknown, ", "))
	case len(missing) > 0:
		return fmt.Errorf("text lacks %s", strings.Join(missing, ", "))
	case len(unknown) > 0:
		return fmt.Errorf("text has unknown languages %s", strings.Join(unknown, ", "))
	}
	return nil
}

// eachText calls fn with every user-visible text of the definition and
// where it sits: title, declarations, step titles and intros, labels,
// hints, options (the option sets of the common file too), row and add
// labels of groups. required tells whether the text must exist at all.
func (d *Definition) eachText(fn func(where string, t Text, required bool)) {
	fn("title", d.Title, true)
	for _, decl := range d.Declarations {
		fn("declaration "+decl.ID, decl.Label, true)
	}
	var field func(where string, f *Field)
	field = func(where string, f *Field) {
		where += "." + f.ID
		if f.Use != "" {
			return // reported as an unknown field set
		}
		fn(where, f.Label, true)
		fn(where+" help", f.Help, false)
		for _, o := range f.Options {
			fn(where+" option "+o.Value, o.Label, true)
		}
		if f.Type == TypeGroup {
			fn(where+" rowLabel", f.RowLabel, true)
			fn(where+" addLabel", f.AddLabel, true)
		}
		for i := range f.Fields {
			field(where, &f.Fields[i])
		}
	}
	for si := range d.Steps {
		s := &d.Steps[si]
		fn("step "+s.ID, s.Title, true)
		fn("step "+s.ID+" intro", s.Intro, false)
		for fi := range s.Fields {
			field(s.ID, &s.Fields[fi])
		}
	}
	sets := make([]string, 0, len(d.optionSets))
	for name := range d.optionSets {
		sets = append(sets, name)
	}
	slices.Sort(sets)
	for _, name := range sets {
		for _, o := range d.optionSets[name] {
			fn("option set "+name+" option "+o.Value, o.Label, true)
		}
	}
}

// conditionCycle finds a field whose visibility depends on itself.
func (d *Definition) conditionCycle() string {
	deps := map[string][]string{}
	var refs func(c *Condition, out *[]string)
	refs = func(c *Condition, out *[]string) {
		if c == nil {
			return
		}
		if c.Field != "" {
			*out = append(*out, c.Field)
		}
		for i := range c.All {
			refs(&c.All[i], out)
		}
		for i := range c.Any {
			refs(&c.Any[i], out)
		}
		refs(c.Not, out)
	}
	for id, f := range d.fields {
		var out []string
		refs(f.ShowIf, &out)
		deps[id] = out
		for i := range f.Fields {
			var sub []string
			refs(f.Fields[i].ShowIf, &sub)
			deps[id+"."+f.Fields[i].ID] = sub
			for j, s := range sub {
				if inGroup(f, s) {
					sub[j] = id + "." + s
				}
			}
		}
	}
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(id string) bool
	visit = func(id string) bool {
		switch state[id] {
		case 1:
			return true
		case 2:
			return false
		}
		state[id] = 1
		for _, dep := range deps[id] {
			if visit(dep) {
				return true
			}
		}
		state[id] = 2
		return false
	}
	for id := range deps {
		if visit(id) {
			return id
		}
	}
	return ""
}

// OptionSetPersons is the built-in option set listing the applicant and
// every household member entered so far.
const OptionSetPersons = "persons"

func (d *Definition) checkCondition(where string, c *Condition, group *Field, add func(string, ...any)) {
	n := 0
	if c.Field != "" {
		n++
		if _, ok := d.resolve(group, c.Field); !ok {
			add("%s: condition names unknown field %q", where, c.Field)
		}
		if c.Equals == "" && len(c.In) == 0 && c.Contains == "" && c.Filled == nil {
			add("%s: condition on %s tests nothing", where, c.Field)
		}
	}
	if len(c.All) > 0 {
		n++
	}
	if len(c.Any) > 0 {
		n++
	}
	if c.Not != nil {
		n++
	}
	if n != 1 {
		add("%s: a condition is exactly one of field, all, any, not", where)
	}
	for i := range c.All {
		d.checkCondition(where, &c.All[i], group, add)
	}
	for i := range c.Any {
		d.checkCondition(where, &c.Any[i], group, add)
	}
	if c.Not != nil {
		d.checkCondition(where, c.Not, group, add)
	}
}
