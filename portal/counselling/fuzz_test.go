package counselling

import (
	"strings"
	"testing"

	"sozialplattform/tenant"
)

// FuzzParseHours: opening hours as a CSV cell or form field never panic,
// and every accepted interval ends after it begins.
func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"mon 09:00-12:00", "tue 13:00-24:00 nur mit Termin", "sun 25:00-26:00", "fri 12:00-09:00", "", "xyz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, problems := ParseHours(strings.Split(s, ";"))
		if len(problems) > 0 {
			return
		}
		var errs tenant.FieldErrors
		valid := ValidateHours(&errs, "hours", got)
		if len(errs) > 0 {
			return
		}
		for _, iv := range valid {
			if iv.From >= iv.To {
				t.Fatalf("%q validated to %+v", s, iv)
			}
		}
	})
}

// FuzzParseCSVRow: any cells of an import row give an entry or problems
// that name what is wrong, never a panic.
func FuzzParseCSVRow(f *testing.F) {
	f.Add("Schuldnerberatung Halberstadt;Diakonie;schuldnerberatung;Breiter Weg 1;38820;Halberstadt;51.89;11.05")
	f.Add(";;;;;;;")
	f.Add("x;y;unbekannt;;;;999;-999")
	topics := map[string]string{"schuldner- und insolvenzberatung": "schuldnerberatung"}
	f.Fuzz(func(t *testing.T, line string) {
		cells := strings.Split(line, ";")
		rec := make([]string, len(CSVColumns))
		copy(rec, cells)
		_, _ = parseRow(rec, topics)
	})
}
