package forms

import (
	"strconv"
	"strings"
	"time"
)

var yesNo = map[string]Text{"ja": {"de": "ja", "en": "yes", "ar": "نعم", "uk": "так", "tr": "evet", "ru": "да"},
	"nein": {"de": "nein", "en": "no", "ar": "لا", "uk": "ні", "tr": "hayır", "ru": "нет"}}

// YesNoLabel returns "ja"/"nein" in lang.
func YesNoLabel(v, lang string) string {
	if t, ok := yesNo[v]; ok {
		return t.In(lang)
	}
	return v
}

// InputValue is what an input shows: the normalised answer in the
// language's format, or the raw input that could not be read.
func (d *Definition) InputValue(f *Field, v Value, lang string) string {
	if v.Raw != "" {
		return v.Raw
	}
	switch f.Type {
	case TypeMoney:
		if c, err := strconv.ParseInt(v.S, 10, 64); err == nil {
			return formatAmount(c, lang)
		}
	case TypeIBAN:
		return FormatIBAN(v.S)
	}
	return v.S
}

// Display is an answer as the summary and the PDF show it. files names
// the uploads by ID.
func (d *Definition) Display(f *Field, v Value, top Answers, files map[string]string, lang string) string {
	if v.Raw != "" {
		return v.Raw
	}
	switch f.Type {
	case TypeSelect, TypeRadio:
		for _, o := range d.OptionsFor(f, top, lang) {
			if o.Value == v.S {
				if v.S == "andere" && f.ID == "staatsangehoerigkeit" && top.Str("staatsangehoerigkeit_andere") != "" {
					return top.Str("staatsangehoerigkeit_andere")
				}
				return o.Label.In(lang)
			}
		}
	case TypeCheckboxes:
		var out []string
		for _, o := range d.OptionsFor(f, top, lang) {
			for _, x := range v.L {
				if o.Value == x {
					out = append(out, o.Label.In(lang))
				}
			}
		}
		return strings.Join(out, "; ")
	case TypeYesNo, TypeCheckbox:
		return YesNoLabel(v.S, lang)
	case TypeMoney:
		if c, err := strconv.ParseInt(v.S, 10, 64); err == nil {
			return FormatMoney(c, lang)
		}
	case TypeDate:
		if t, err := time.Parse("2006-01-02", v.S); err == nil {
			if lang == "en" {
				return t.Format("2 January 2006")
			}
			return t.Format("02.01.2006")
		}
	case TypeIBAN:
		return FormatIBAN(v.S)
	case TypeFile:
		var out []string
		for _, id := range v.L {
			if n, ok := files[id]; ok {
				out = append(out, n)
			}
		}
		return strings.Join(out, ", ")
	}
	return v.S
}

// SummaryRow is one answer in the overview.
type SummaryRow struct {
	Path, Label, Value string
	Heading            bool
}

// SummarySection is one step in the overview.
type SummarySection struct {
	Step  *Step
	Title string
	Rows  []SummaryRow
}

// Summary lists the visible answers of every data step, in the order of
// the form; groups become a heading per row. files names the uploads by
// ID and field.
func (d *Definition) Summary(a Answers, files map[string][]UploadInfo, lang string) []SummarySection {
	var out []SummarySection
	for si := range d.Steps {
		s := &d.Steps[si]
		if s.IsSummary() {
			continue
		}
		sec := SummarySection{Step: s, Title: s.Title.In(lang)}
		for fi := range s.Fields {
			f := &s.Fields[fi]
			if f.Type == TypeInfo || !d.Visible(f, nil, nil, a) {
				continue
			}
			switch f.Type {
			case TypeGroup:
				for i, r := range a.Rows(f.ID) {
					sec.Rows = append(sec.Rows, SummaryRow{Heading: true, Label: strings.ReplaceAll(f.RowLabel.In(lang), "{n}", strconv.Itoa(i+1))})
					for gi := range f.Fields {
						g := &f.Fields[gi]
						if g.Type == TypeInfo || !d.Visible(g, f, r, a) || !r[g.ID].filled() {
							continue
						}
						sec.Rows = append(sec.Rows, SummaryRow{Path: f.ID + "." + strconv.Itoa(i) + "." + g.ID, Label: g.Label.In(lang), Value: d.Display(g, r[g.ID], a, nil, lang)})
					}
				}
			case TypeFile:
				var names []string
				for _, u := range files[f.ID] {
					names = append(names, u.Name)
				}
				if len(names) > 0 {
					sec.Rows = append(sec.Rows, SummaryRow{Path: f.ID, Label: f.Label.In(lang), Value: strings.Join(names, ", ")})
				}
			default:
				if v := a[f.ID]; v.filled() {
					sec.Rows = append(sec.Rows, SummaryRow{Path: f.ID, Label: f.Label.In(lang), Value: d.Display(f, v, a, nil, lang)})
				}
			}
		}
		out = append(out, sec)
	}
	return out
}
