package forms

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"

	"sozialplattform/portal/xsozial"
)

// The fixed test person of connection tests: an ordinary application of
// someone who does not exist, so that the Fachverfahren's staff recognise
// it at a glance ("Anbindungstest", born 01.01.1970) and a successful test
// proves that real applications built the same way are accepted.
const (
	TestFamilyName = "Anbindungstest"
	TestGivenName  = "Testperson"
	TestChildName  = "Testkind"
	TestBirthDate  = "1970-01-01"
	// testAccount stands for the test person's account mailbox.
	testAccount = "a11c0de5-7e57-4000-8000-000000000001"
)

// testPersonValues are the test person's answers to the mapped fields of
// the XSozial-basis message, by their Map target.
var testPersonValues = map[string]string{
	"familienname": TestFamilyName, "vorname": TestGivenName, "geburtsdatum": TestBirthDate,
	"strasse": "Teststraße", "hausnummer": "1", "plz": "39104", "ort": "Magdeburg",
	"email": "anbindungstest@example.org", "telefon": "0391 0000000",
	"kontoinhaber": TestGivenName + " " + TestFamilyName, "iban": "DE89370400440532013000",
	"dritte.familienname": TestFamilyName, "dritte.vorname": "Vertretung", "dritte.telefon": "0391 0000001",
	"dritte.anschrift": "Teststraße 1, 39104 Magdeburg", "einrichtung": "Testschule",
}

// ErrNoForm says that an Antragsstrecke has no application form (yet).
var ErrNoForm = errors.New("für diese Antragsstrecke gibt es noch kein Online-Antragsformular")

// TestPerson answers the definition for the fixed test person: the
// mapped person data from testPersonValues and every required question –
// yes/no with "nein" (one person, nothing extra), choices with their
// first option, groups with the rows they must have; optional questions
// stay open. The answers pass the
// definition's validation (a test checks it for every definition).
func (d *Definition) TestPerson() Answers {
	a := Answers{}
	for round := 0; round < 5; round++ {
		for si := range d.Steps {
			for fi := range d.Steps[si].Fields {
				f := &d.Steps[si].Fields[fi]
				if f.Type == TypeInfo || f.Type == TypeFile || !d.Visible(f, nil, nil, a) || a[f.ID].filled() {
					continue
				}
				if _, person := testPersonValues[f.Map]; !person && !d.IsRequired(f, nil, nil, a) && f.Type != TypeGroup {
					continue // an optional question the test person leaves open
				}
				if f.Type == TypeGroup {
					if f.MinRows == 0 && !d.IsRequired(f, nil, nil, a) {
						continue
					}
					n := max(f.MinRows, 1)
					rows := make([]Answers, n)
					for i := range rows {
						rows[i] = Answers{}
						for gi := range f.Fields {
							g := &f.Fields[gi]
							_, person := testPersonValues[g.Map]
							if g.Type != TypeInfo && g.Type != TypeFile && d.Visible(g, f, rows[i], a) && (person || d.IsRequired(g, f, rows[i], a)) {
								rows[i][g.ID] = d.testValue(g, a, true)
							}
						}
					}
					a[f.ID] = Value{R: rows}
					continue
				}
				a[f.ID] = d.testValue(f, a, false)
			}
		}
	}
	return a
}

// testValue is the test person's answer to one field.
func (d *Definition) testValue(f *Field, top Answers, inRow bool) Value {
	if v, ok := testPersonValues[f.Map]; ok {
		if inRow && f.Map == "vorname" {
			v = TestChildName
		}
		if inRow && f.Map == "geburtsdatum" {
			v = "2016-01-01"
		}
		return Value{S: v}
	}
	switch f.Type {
	case TypeText, TypeTextarea:
		v := "Anbindungstest"
		if f.MaxLength > 0 && len(v) > f.MaxLength {
			v = v[:f.MaxLength]
		}
		return Value{S: v}
	case TypeDate:
		return Value{S: "2020-01-01"}
	case TypeSelect, TypeRadio:
		if opts := d.OptionsFor(f, top, "de"); len(opts) > 0 {
			return Value{S: opts[0].Value}
		}
	case TypeYesNo:
		return Value{S: "nein"}
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
		return Value{S: testPersonValues["iban"]}
	case TypeEmail:
		return Value{S: testPersonValues["email"]}
	case TypePhone:
		return Value{S: testPersonValues["telefon"]}
	case TypePostcode:
		return Value{S: testPersonValues["plz"]}
	}
	return Value{}
}

// TestApplication builds the application of a connection test: the fixed
// test person's answers to the Antragsstrecke's current form, through the
// same PDF renderer and XSozial-basis builder as a citizen's application,
// addressed to the municipality's reader and written by the platform's
// identity. reference and at name and date it.
func (s *Store) TestApplication(ctx context.Context, tenantID, strecke, reference string, at time.Time) (xml, pdfBytes []byte, err error) {
	def, ok := s.reg.Latest(strecke)
	if !ok {
		return nil, nil, ErrNoForm
	}
	dest, err := s.dest(ctx, tenantID, strecke)
	if err != nil {
		return nil, nil, fmt.Errorf("destination of %s: %w", tenantID, err)
	}
	answers := def.Prune(def.TestPerson())
	if ps := def.ValidateAll(answers, nil, "de", at).Errors(); len(ps) > 0 {
		return nil, nil, fmt.Errorf("die Antworten der Testperson passen nicht zum Formular %s %s: %s", strecke, def.Version, ps[0].Message)
	}
	pdfBytes, err = s.renderPDF(def, answers, nil, dest.Tenant, reference, at, false, "de")
	if err != nil {
		return nil, nil, err
	}
	app := &Application{ID: uuid.NewString(), CitizenID: testAccount, Reference: reference, SubmittedAt: at}
	msg := def.message(answers, app, xsozial.Party{Kennung: dest.Kennung, Name: dest.Tenant.Name}, s.opts.Author, s.opts.Product, uuid.NewString(), pdfBytes)
	xml, err = s.xml.Marshal(msg)
	if err != nil {
		return nil, nil, fmt.Errorf("XSozial-basis message of the test application: %w", err)
	}
	return xml, pdfBytes, nil
}
