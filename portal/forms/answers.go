package forms

import "slices"

// Value is the answer to one field: S for single values (texts, dates,
// money as cents, choices), L for checkbox groups and file fields (the
// upload IDs), R for the rows of a repeating group.
type Value struct {
	S string    `json:"s,omitempty"`
	L []string  `json:"l,omitempty"`
	R []Answers `json:"r,omitempty"`
	// Raw keeps input that could not be read (a malformed date or
	// amount), so that the citizen sees and corrects what was typed; S is
	// empty then.
	Raw string `json:"raw,omitempty"`
}

// Answers are the answers of a form (or of one group row) by field ID.
type Answers map[string]Value

// Str returns a single value, "" when unanswered.
func (a Answers) Str(id string) string { return a[id].S }

// List returns the values of a checkbox group or file field.
func (a Answers) List(id string) []string { return a[id].L }

// Rows returns the rows of a group.
func (a Answers) Rows(id string) []Answers { return a[id].R }

// filled reports whether a field has an answer.
func (v Value) filled() bool { return v.S != "" || len(v.L) > 0 || len(v.R) > 0 || v.Raw != "" }

// Clone returns a deep copy.
func (a Answers) Clone() Answers {
	out := make(Answers, len(a))
	for k, v := range a {
		c := Value{S: v.S, L: slices.Clone(v.L), Raw: v.Raw}
		for _, r := range v.R {
			c.R = append(c.R, r.Clone())
		}
		out[k] = c
	}
	return out
}

// scope is where a condition looks up fields: a group row, then the form.
type scope struct {
	row Answers // nil outside a group
	top Answers
}

func (s scope) get(id string, d *Definition, group *Field) Value {
	if s.row != nil && group != nil {
		for _, f := range group.Fields {
			if f.ID == id {
				return s.row[id]
			}
		}
	}
	return s.top[id]
}

// eval decides a condition.
func (c *Condition) eval(d *Definition, group *Field, s scope) bool {
	switch {
	case len(c.All) > 0:
		for i := range c.All {
			if !c.All[i].eval(d, group, s) {
				return false
			}
		}
		return true
	case len(c.Any) > 0:
		for i := range c.Any {
			if c.Any[i].eval(d, group, s) {
				return true
			}
		}
		return false
	case c.Not != nil:
		return !c.Not.eval(d, group, s)
	}
	v := s.get(c.Field, d, group)
	// A field that is itself hidden counts as unanswered.
	if f, ok := d.resolve(group, c.Field); ok && f.ShowIf != nil {
		var fg *Field
		if group != nil && inGroup(group, c.Field) {
			fg = group
		}
		if !f.ShowIf.eval(d, fg, s) {
			v = Value{}
		}
	}
	switch {
	case c.Filled != nil:
		return v.filled() == *c.Filled
	case c.Equals != "":
		return v.S == c.Equals
	case len(c.In) > 0:
		return v.S != "" && slices.Contains(c.In, v.S)
	case c.Contains != "":
		return slices.Contains(v.L, c.Contains)
	}
	return false
}

func inGroup(g *Field, id string) bool {
	for _, f := range g.Fields {
		if f.ID == id {
			return true
		}
	}
	return false
}

// Visible reports whether a field is shown given the answers.
func (d *Definition) Visible(f *Field, group *Field, row, top Answers) bool {
	if f.ShowIf == nil {
		return true
	}
	return f.ShowIf.eval(d, group, scope{row: row, top: top})
}

// Holds evaluates one condition on the answers (a row's for a field of
// group): the portal resolves the parts of a condition that refer to other
// steps with it before handing the rest to the browser.
func (d *Definition) Holds(c *Condition, group *Field, row, top Answers) bool {
	return c.eval(d, group, scope{row: row, top: top})
}

// InGroup reports whether id is a field of the group g.
func InGroup(g *Field, id string) bool { return g != nil && inGroup(g, id) }

// IsRequired reports whether an answer is required (not soft) now.
func (d *Definition) IsRequired(f *Field, group *Field, row, top Answers) bool {
	if f.Required {
		return true
	}
	return f.RequiredIf != nil && f.RequiredIf.eval(d, group, scope{row: row, top: top})
}

// Prune drops answers of fields that are hidden now (a condition changed)
// and of fields the definition does not know, so that stale answers never
// reach the authority.
func (d *Definition) Prune(a Answers) Answers {
	out := Answers{}
	for si := range d.Steps {
		for fi := range d.Steps[si].Fields {
			f := &d.Steps[si].Fields[fi]
			v, ok := a[f.ID]
			if !ok || !d.Visible(f, nil, nil, a) || f.Type == TypeInfo {
				continue
			}
			if f.Type == TypeGroup {
				var rows []Answers
				for _, r := range v.R {
					nr := Answers{}
					for gi := range f.Fields {
						g := &f.Fields[gi]
						if rv, ok := r[g.ID]; ok && d.Visible(g, f, r, a) {
							nr[g.ID] = rv
						}
					}
					rows = append(rows, nr)
				}
				v = Value{R: rows}
			}
			out[f.ID] = v
		}
	}
	return out
}
