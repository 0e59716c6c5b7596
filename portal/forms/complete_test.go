package forms

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"sozialplattform/portal/pdf"
	"sozialplattform/portal/xsozial"
)

// sampleValue is a valid answer for a field.
func sampleValue(d *Definition, f *Field, top Answers) Value {
	switch f.Type {
	case TypeText, TypeTextarea:
		return Value{S: "Beispiel"}
	case TypeDate:
		return Value{S: "1990-01-01"}
	case TypeSelect, TypeRadio:
		opts := d.OptionsFor(f, top, "de")
		return Value{S: opts[0].Value}
	case TypeYesNo:
		return Value{S: "ja"}
	case TypeCheckbox:
		return Value{S: "ja"}
	case TypeCheckboxes:
		for _, o := range d.OptionsFor(f, top, "de") {
			if !o.Exclusive {
				return Value{L: []string{o.Value}}
			}
		}
	case TypeMoney:
		c := int64(10000)
		if f.Min != nil {
			c = *f.Min * 100
		}
		return Value{S: strconv.FormatInt(c, 10)}
	case TypeInteger:
		n := int64(1)
		if f.Min != nil {
			n = *f.Min
		}
		return Value{S: strconv.FormatInt(n, 10)}
	case TypeIBAN:
		return Value{S: "DE89370400440532013000"}
	case TypeEmail:
		return Value{S: "test@example.org"}
	case TypePhone:
		return Value{S: "0391 123456"}
	case TypePostcode:
		return Value{S: "39104"}
	}
	return Value{}
}

// complete answers every visible field of every step, repeating until the
// answers settle (answers make further fields visible).
func complete(d *Definition) Answers {
	a := Answers{}
	for round := 0; round < 5; round++ {
		for si := range d.Steps {
			for fi := range d.Steps[si].Fields {
				f := &d.Steps[si].Fields[fi]
				if f.Type == TypeInfo || f.Type == TypeFile || !d.Visible(f, nil, nil, a) {
					continue
				}
				if f.Type == TypeGroup {
					rows := a.Rows(f.ID)
					if len(rows) == 0 {
						rows = []Answers{{}}
					}
					for _, r := range rows {
						for gi := range f.Fields {
							g := &f.Fields[gi]
							if g.Type != TypeInfo && d.Visible(g, f, r, a) && !r[g.ID].filled() {
								r[g.ID] = sampleValue(d, g, a)
							}
						}
					}
					a[f.ID] = Value{R: rows}
					continue
				}
				if !a[f.ID].filled() {
					a[f.ID] = sampleValue(d, f, a)
				}
			}
		}
	}
	return a
}

// TestEveryDefinitionCompletes fills every Antragsstrecke with valid
// answers: no step has errors, and the XSozial-basis message built from
// them passes the structural check; the PDF renders.
func TestEveryDefinitionCompletes(t *testing.T) {
	t.Parallel()
	r, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	b, err := xsozial.NewBuilder()
	if err != nil {
		t.Fatal(err)
	}
	renderer, err := pdf.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, key := range r.Keys() {
		d, _ := r.Latest(key)
		t.Run(key, func(t *testing.T) {
			a := complete(d)
			if ps := d.ValidateAll(a, nil, "de", now).Errors(); len(ps) > 0 {
				t.Fatalf("errors in complete answers: %+v", ps)
			}
			app := &Application{ID: "7a1d3c9e-2b4f-4f61-8c3e-1d2a3b4c5d6e", CitizenID: "c0ffee00-0000-4000-8000-000000000001", SubmittedAt: now}
			msg := d.message(d.Prune(a), app, xsozial.Party{Kennung: "sop:150850000000", Name: "Landkreis Harz"}, xsozial.Party{Kennung: "sop:150000100099", Name: "Sozialplattform"},
				xsozial.Product{Name: "Sozialplattform", Vendor: "Land Sachsen-Anhalt", Version: "1.0"}, "0e3b7f5c-6c1a-4d0e-9a57-5d6f4b1b2a10", []byte("%PDF-1.4"))
			out, err := b.Marshal(msg)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := xsozial.Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := xsozial.Check(doc, b.Lists()); err != nil {
				t.Fatal(err)
			}
			if _, err := renderer.Render(&pdf.Document{Title: d.Title.In("de"), Tenant: "Landkreis Harz", Date: now, Sections: d.pdfDocument(a, nil)}); err != nil {
				t.Fatal(err)
			}
		})
	}
}
