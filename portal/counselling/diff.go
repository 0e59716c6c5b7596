package counselling

import (
	"fmt"
	"strings"
)

// Change is one changed field between two versions, with both values as
// text.
type Change struct {
	Field  string `json:"field"`
	Label  string `json:"label"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// fieldText is one field of an entry as text, for diffs.
type fieldText struct{ field, label, value string }

// entryTexts renders every field of an entry as text, in form order (a
// function, not a method: a value method on Entry would keep huma from
// linking the schemas of the types that embed it).
func entryTexts(e Entry) []fieldText {
	hours := func(list []Interval) string {
		parts := make([]string, len(list))
		for i, iv := range list {
			parts[i] = iv.Label()
		}
		return strings.Join(parts, "; ")
	}
	addrs := make([]string, len(e.Addresses))
	for i, a := range e.Addresses {
		s := a.Line() + fmt.Sprintf(" (%.5f, %.5f)", a.Lat, a.Lon)
		if a.Label != "" {
			s = a.Label + ": " + s
		}
		addrs[i] = s
	}
	labels := func(terms []Term, keys []string) string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = TermLabel(terms, k)
		}
		return strings.Join(out, ", ")
	}
	waiting := ""
	if e.WaitingDays != nil {
		waiting = fmt.Sprintf("%d Tage", *e.WaitingDays)
	}
	insolvency := "nein"
	if e.Insolvency305 {
		insolvency = "ja"
	}
	return []fieldText{
		{"name", "Name", e.Name},
		{"provider", "Träger", e.Provider},
		{"description", "Beschreibung", e.Description},
		{"topics", "Themen", strings.Join(e.Topics, ", ")},
		{"addresses", "Adressen", strings.Join(addrs, "; ")},
		{"serviceArea", "Einzugsgebiet", strings.Join(e.ServiceArea, ", ")},
		{"openingHours", "Öffnungszeiten", hours(e.OpeningHours)},
		{"emergencyHours", "Notdienstzeiten", hours(e.EmergencyHours)},
		{"phone", "Telefon", e.Phone},
		{"email", "E-Mail", e.Email},
		{"website", "Internetseite", e.Website},
		{"languages", "Sprachen", strings.Join(e.Languages, ", ")},
		{"accessibility", "Barrierefreiheit", labels(Accessibility, e.Accessibility)},
		{"ways", "Beratungswege", labels(Ways, e.Ways)},
		{"waitingDays", "Wartezeit", waiting},
		{"insolvency305", "Anerkannt nach § 305 InsO", insolvency},
	}
}

// Diff lists the fields that differ between two entries.
func Diff(before, after Entry) []Change {
	b, a := entryTexts(before), entryTexts(after)
	out := []Change{}
	for i := range a {
		if b[i].value != a[i].value {
			out = append(out, Change{Field: a[i].field, Label: a[i].label, Before: b[i].value, After: a[i].value})
		}
	}
	return out
}

// changedLabels names the changed fields for the audit log.
func changedLabels(cs []Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Label
	}
	return out
}
