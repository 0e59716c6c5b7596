package forms

import (
	"net/url"
	"testing"
	"time"
)

// FuzzParseMoney: any input either fails or gives a non-negative amount
// that formats and parses back to itself.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"1.234,56", "12.50", "-5", "1 234,5 €", "99999999999999", ",5", "1,2,3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseMoney(s, "de")
		if err != nil {
			return
		}
		if c < 0 {
			t.Fatalf("%q: negative %d", s, c)
		}
		back, err := ParseMoney(formatAmount(c, "de"), "de")
		if err != nil || back != c {
			t.Fatalf("%q: %d formats as %q, reads back %d (%v)", s, c, formatAmount(c, "de"), back, err)
		}
	})
}

// FuzzBind: whatever a form posts, binding and validating a step never
// panics and keeps group rows within their maximum.
func FuzzBind(f *testing.F) {
	f.Add("haushalt.0.vorname", "Mia", "haushalt.99._row", "1")
	f.Add("einkommen.1.betrag", "-1", "aktuelle_situation", "nichts")
	d := func() *Definition {
		r, err := Load()
		if err != nil {
			f.Fatal(err)
		}
		d, _ := r.Latest("hzl")
		return d
	}()
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		form := url.Values{k1: {v1}, k2: {v2}}
		for i := range d.Steps {
			s := &d.Steps[i]
			if s.IsSummary() {
				continue
			}
			a := d.Bind(s, form, Answers{}, "de", nil)
			for _, f := range s.Fields {
				if f.Type == TypeGroup && len(a.Rows(f.ID)) > f.MaxRows {
					t.Fatalf("%s: %d rows", f.ID, len(a.Rows(f.ID)))
				}
			}
			d.ValidateStep(s, a, nil, "de", time.Now())
		}
	})
}
