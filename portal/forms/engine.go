package forms

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"sozialplattform/tenant/phone"
)

// Problem is a validation result for one field. Path is the field's input
// name ("familienname", "haushalt.2.vorname"); Soft problems are warnings
// that do not stop the step or the submission.
type Problem struct {
	Step    string
	Path    string
	Label   string
	Message string
	Soft    bool
}

// Problems is a step's (or a form's) validation result.
type Problems []Problem

// Errors returns the problems that block, Warnings the soft ones.
func (ps Problems) Errors() Problems {
	return slices.DeleteFunc(slices.Clone(ps), func(p Problem) bool { return p.Soft })
}

// Warnings returns the soft problems.
func (ps Problems) Warnings() Problems {
	return slices.DeleteFunc(slices.Clone(ps), func(p Problem) bool { return !p.Soft })
}

// For returns the problem of one input name.
func (ps Problems) For(path string) (Problem, bool) {
	for _, p := range ps {
		if p.Path == path {
			return p, true
		}
	}
	return Problem{}, false
}

// Limits on form input that no definition can raise.
const (
	defaultTextLen     = 200
	defaultTextareaLen = 2000
	maxInputLen        = 10000 // bytes of one submitted value
	defaultMaxFiles    = 5
)

// Action is a group button of a step: add a row, or remove row Index.
type Action struct {
	Kind  string // "add" or "remove"
	Group string
	Index int
}

// ParseAction reads the value of the "aktion" button: "add:haushalt" or
// "remove:haushalt:2". Anything else is no action.
func ParseAction(s string) (Action, bool) {
	parts := strings.Split(s, ":")
	switch {
	case len(parts) == 2 && parts[0] == "add":
		return Action{Kind: "add", Group: parts[1]}, true
	case len(parts) == 3 && parts[0] == "remove":
		i, err := strconv.Atoi(parts[2])
		if err != nil || i < 0 {
			return Action{}, false
		}
		return Action{Kind: "remove", Group: parts[1], Index: i}, true
	}
	return Action{}, false
}

// Bind takes the inputs of one step from a submitted form into a copy of
// the answers. Only the step's own fields are read: unknown names, fields
// of other steps and rows beyond a group's maximum are ignored. Valid
// values are stored normalised (dates ISO, money as cents, IBAN without
// blanks); unreadable ones as Raw, for the citizen to correct. A group
// action adds or removes a row.
func (d *Definition) Bind(step *Step, form url.Values, prev Answers, lang string, act *Action) Answers {
	a := prev.Clone()
	for fi := range step.Fields {
		f := &step.Fields[fi]
		switch f.Type {
		case TypeInfo, TypeFile:
			continue
		case TypeGroup:
			rows := bindRows(d, f, form, lang)
			if act != nil && act.Group == f.ID {
				switch act.Kind {
				case "add":
					if len(rows) < f.MaxRows {
						rows = append(rows, Answers{})
					}
				case "remove":
					if act.Index < len(rows) {
						rows = slices.Delete(rows, act.Index, act.Index+1)
					}
				}
			}
			if len(rows) == 0 {
				delete(a, f.ID)
			} else {
				a[f.ID] = Value{R: rows}
			}
		default:
			v := bindValue(d, f, form, f.ID, lang)
			if v.filled() {
				a[f.ID] = v
			} else {
				delete(a, f.ID)
			}
		}
	}
	return a
}

// bindRows reads a group's rows "group.<i>.<field>"; a hidden marker
// "group.<i>._row" keeps an empty row. Row numbers are re-counted from 0.
func bindRows(d *Definition, g *Field, form url.Values, lang string) []Answers {
	var idx []int
	for key := range form {
		rest, ok := strings.CutPrefix(key, g.ID+".")
		if !ok {
			continue
		}
		n, _, ok := strings.Cut(rest, ".")
		i, err := strconv.Atoi(n)
		if !ok || err != nil || i < 0 || i >= g.MaxRows || slices.Contains(idx, i) {
			continue
		}
		idx = append(idx, i)
	}
	slices.Sort(idx)
	rows := make([]Answers, 0, len(idx))
	for _, i := range idx {
		row := Answers{}
		for fi := range g.Fields {
			f := &g.Fields[fi]
			if f.Type == TypeInfo {
				continue
			}
			if v := bindValue(d, f, form, fmt.Sprintf("%s.%d.%s", g.ID, i, f.ID), lang); v.filled() {
				row[f.ID] = v
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func bindValue(d *Definition, f *Field, form url.Values, name, lang string) Value {
	vals := form[name]
	first := ""
	if len(vals) > 0 {
		first = vals[0]
	}
	if len(first) > maxInputLen {
		first = first[:maxInputLen]
	}
	switch f.Type {
	case TypeCheckboxes:
		var out []string
		for _, v := range vals {
			if v != "" && len(v) <= 100 && !slices.Contains(out, v) && len(out) < 50 {
				out = append(out, v)
			}
		}
		return Value{L: out}
	case TypeTextarea:
		return Value{S: cleanText(first, true)}
	case TypeMoney:
		s := cleanText(first, false)
		if s == "" {
			return Value{}
		}
		cents, err := ParseMoney(s, lang)
		if err != nil {
			return Value{Raw: s}
		}
		return Value{S: strconv.FormatInt(cents, 10)}
	case TypeDate:
		s := cleanText(first, false)
		if s == "" {
			return Value{}
		}
		t, err := ParseDate(s)
		if err != nil {
			return Value{Raw: s}
		}
		return Value{S: t.Format("2006-01-02")}
	case TypeIBAN:
		s := cleanText(first, false)
		if s == "" {
			return Value{}
		}
		iban, err := NormalizeIBAN(s)
		if err != nil {
			return Value{Raw: s}
		}
		return Value{S: iban}
	case TypeInteger:
		s := strings.TrimPrefix(cleanText(first, false), "+")
		if s == "" {
			return Value{}
		}
		if _, err := strconv.ParseInt(s, 10, 64); err != nil || len(s) > 9 {
			return Value{Raw: s}
		}
		n, _ := strconv.ParseInt(s, 10, 64)
		return Value{S: strconv.FormatInt(n, 10)}
	case TypePostcode:
		return Value{S: strings.ReplaceAll(cleanText(first, false), " ", "")}
	}
	return Value{S: cleanText(first, false)}
}

// PersonOptions lists the persons of the form for the "persons" option
// set: the applicant ("p0") and every household member ("p1" …).
func (d *Definition) PersonOptions(a Answers, lang string) []Option {
	name := strings.TrimSpace(a.Str("vorname") + " " + a.Str("familienname"))
	self := message(lang, msgApplicant)
	if name != "" {
		self = name + " (" + self + ")"
	}
	out := []Option{{Value: "p0", Label: Text{"de": self}}}
	for i, r := range a.Rows("haushalt") {
		n := strings.TrimSpace(r.Str("vorname") + " " + r.Str("familienname"))
		if n == "" {
			n = message(lang, msgPersonN, i+1)
		}
		out = append(out, Option{Value: "p" + strconv.Itoa(i+1), Label: Text{"de": n}})
	}
	return out
}

// OptionsFor returns the choices of a field given the answers (the
// "persons" set depends on them).
func (d *Definition) OptionsFor(f *Field, a Answers, lang string) []Option {
	if f.OptionSet == OptionSetPersons {
		return d.PersonOptions(a, lang)
	}
	return d.Options(f)
}

// ValidateStep checks the visible fields of a step against the answers
// and returns errors and warnings in lang. uploads counts the uploads per
// file field; now is today for date rules.
func (d *Definition) ValidateStep(step *Step, a Answers, uploads map[string]int, lang string, now time.Time) Problems {
	var ps Problems
	for fi := range step.Fields {
		f := &step.Fields[fi]
		if !d.Visible(f, nil, nil, a) {
			continue
		}
		ps = append(ps, d.validateField(step, f, nil, nil, a, f.ID, uploads, lang, now)...)
	}
	return ps
}

func (d *Definition) validateField(step *Step, f *Field, group *Field, row, top Answers, path string, uploads map[string]int, lang string, now time.Time) Problems {
	var ps Problems
	add := func(soft bool, key msgKey, args ...any) {
		ps = append(ps, Problem{Step: step.ID, Path: path, Label: f.Label.In(lang), Message: message(lang, key, args...), Soft: soft})
	}
	src := top
	if group != nil {
		src = row
	}
	v := src[f.ID]
	required := d.IsRequired(f, group, row, top)
	switch f.Type {
	case TypeInfo:
		return nil
	case TypeFile:
		n := uploads[f.ID]
		max := f.MaxFiles
		if max == 0 {
			max = defaultMaxFiles
		}
		switch {
		case n == 0 && required:
			add(false, msgRequired)
		case n == 0 && f.SoftRequired:
			add(true, msgSoftRequired)
		case n > max:
			add(false, msgFilesMax, max)
		}
		return ps
	case TypeGroup:
		rows := v.R
		min := f.MinRows
		if required && min == 0 {
			min = 1
		}
		switch {
		case len(rows) >= min || (!required && len(rows) == 0):
		default:
			add(false, msgRowsMin, min)
		}
		if len(rows) > f.MaxRows {
			add(false, msgRowsMax, f.MaxRows)
		}
		for i, r := range rows {
			for gi := range f.Fields {
				g := &f.Fields[gi]
				if !d.Visible(g, f, r, top) {
					continue
				}
				ps = append(ps, d.validateField(step, g, f, r, top, fmt.Sprintf("%s.%d.%s", f.ID, i, g.ID), uploads, lang, now)...)
			}
		}
		return ps
	}
	if !v.filled() {
		switch {
		case required:
			add(false, msgRequired)
		case f.SoftRequired:
			add(true, msgSoftRequired)
		}
		return ps
	}
	switch f.Type {
	case TypeText, TypeTextarea:
		max := f.MaxLength
		if max == 0 {
			max = defaultTextLen
			if f.Type == TypeTextarea {
				max = defaultTextareaLen
			}
		}
		if runeLen(v.S) > max {
			add(false, msgTooLong, max)
		}
	case TypeSelect, TypeRadio:
		if !hasOption(d.OptionsFor(f, top, lang), v.S) {
			add(false, msgChoice)
		}
	case TypeYesNo:
		if v.S != "ja" && v.S != "nein" {
			add(false, msgChoice)
		}
	case TypeCheckbox:
		if v.S != "ja" {
			add(false, msgChoice)
		}
	case TypeCheckboxes:
		opts := d.OptionsFor(f, top, lang)
		for _, x := range v.L {
			if !hasOption(opts, x) {
				add(false, msgChoice)
				return ps
			}
		}
		for _, o := range opts {
			if o.Exclusive && len(v.L) > 1 && slices.Contains(v.L, o.Value) {
				add(false, msgExclusive, o.Label.In(lang))
			}
		}
	case TypeDate:
		if v.Raw != "" {
			add(false, msgDate)
			break
		}
		t, err := ParseDate(v.S)
		today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		switch {
		case err != nil:
			add(false, msgDate)
		case f.Birth && (t.After(today) || t.Before(today.AddDate(-130, 0, 0))):
			add(false, msgBirthDate)
		case f.Past && t.After(today):
			add(false, msgDateFuture)
		}
	case TypeMoney:
		if v.Raw != "" {
			if _, err := ParseMoney(v.Raw, lang); err == errNegative {
				add(false, msgMoneyNegative)
			} else {
				add(false, msgMoney)
			}
			break
		}
		cents, err := strconv.ParseInt(v.S, 10, 64)
		switch {
		case err != nil:
			add(false, msgMoney)
		case cents < 0:
			add(false, msgMoneyNegative)
		case f.Max != nil && cents > *f.Max*100:
			add(false, msgMoneyMax, FormatMoney(*f.Max*100, lang))
		case f.Min != nil && cents < *f.Min*100:
			add(false, msgMoneyMin, FormatMoney(*f.Min*100, lang))
		}
	case TypeInteger:
		n, err := strconv.ParseInt(v.S, 10, 64)
		if v.Raw != "" || err != nil {
			add(false, msgInteger)
			break
		}
		lo, hi := int64(0), int64(999999999)
		if f.Min != nil {
			lo = *f.Min
		}
		if f.Max != nil {
			hi = *f.Max
		}
		if n < lo || n > hi {
			add(false, msgIntegerRange, lo, hi)
		}
	case TypeIBAN:
		if v.Raw == "" {
			break
		}
		if _, err := NormalizeIBAN(v.Raw); err == errIBANChecksum {
			add(false, msgIBANChecksum)
		} else {
			add(false, msgIBAN)
		}
	case TypeEmail:
		if _, ok := CheckEmail(v.S); !ok {
			add(false, msgEmail)
		}
	case TypePhone:
		if !phone.Valid(v.S) {
			add(false, msgPhone)
		}
	case TypePostcode:
		if len(v.S) != 5 || !allDigits(v.S) {
			add(false, msgPostcode)
		}
	}
	return ps
}

func hasOption(opts []Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

// Progress is where a draft stands: which steps are done and the first
// step still to do.
type Progress struct {
	Done           map[string]bool
	FirstOpen      int // index of the first step not done; the summary when all are
	DataStepsTotal int
	DataStepsDone  int
}

// Progress checks every data step: a step is done when it was saved
// (visited) and its answers hold no errors now – a change on an earlier
// step can reopen a later one.
func (d *Definition) Progress(a Answers, visited []string, uploads map[string]int, lang string, now time.Time) Progress {
	p := Progress{Done: map[string]bool{}, FirstOpen: -1}
	for i := range d.Steps {
		s := &d.Steps[i]
		if s.IsSummary() {
			if p.FirstOpen < 0 {
				p.FirstOpen = i
			}
			continue
		}
		p.DataStepsTotal++
		if slices.Contains(visited, s.ID) && len(d.ValidateStep(s, a, uploads, lang, now).Errors()) == 0 {
			p.Done[s.ID] = true
			p.DataStepsDone++
			continue
		}
		if p.FirstOpen < 0 {
			p.FirstOpen = i
		}
	}
	return p
}

// MayOpen reports whether step i may be shown: every step before it must
// be done (a step skipped by URL is not).
func (p Progress) MayOpen(i int) bool { return i <= p.FirstOpen }

// Complete reports whether every data step is done.
func (p Progress) Complete() bool { return p.DataStepsDone == p.DataStepsTotal }

// ValidateAll checks every step (for the summary and the submission).
func (d *Definition) ValidateAll(a Answers, uploads map[string]int, lang string, now time.Time) Problems {
	var ps Problems
	for i := range d.Steps {
		if !d.Steps[i].IsSummary() {
			ps = append(ps, d.ValidateStep(&d.Steps[i], a, uploads, lang, now)...)
		}
	}
	return ps
}

// CheckDeclarations returns a problem for every declaration not confirmed.
func (d *Definition) CheckDeclarations(confirmed map[string]bool, lang string) Problems {
	var ps Problems
	for _, decl := range d.Declarations {
		if !confirmed[decl.ID] {
			ps = append(ps, Problem{Step: d.Steps[len(d.Steps)-1].ID, Path: "erklaerung." + decl.ID, Label: decl.Label.In(lang), Message: message(lang, msgDeclaration)})
		}
	}
	return ps
}
