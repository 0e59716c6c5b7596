package forms

import (
	"strconv"
	"strings"
	"time"

	"sozialplattform/portal/pdf"
	"sozialplattform/portal/xsozial"
)

// mapped collects the answers of the fields with a Map target.
type mapped map[string]string

func (d *Definition) mappedTop(a Answers) mapped {
	m := mapped{}
	for id, f := range d.fields {
		if f.Map == "" || f.Type == TypeGroup {
			continue
		}
		if v := a.Str(id); v != "" {
			m[f.Map] = d.codeOf(f, v)
		}
	}
	return m
}

func (d *Definition) mappedRow(g *Field, r Answers) mapped {
	m := mapped{}
	for i := range g.Fields {
		f := &g.Fields[i]
		if f.Map != "" && r.Str(f.ID) != "" {
			m[f.Map] = d.codeOf(f, r.Str(f.ID))
		}
	}
	return m
}

// codeOf turns an option's value into its code for coded targets.
func (d *Definition) codeOf(f *Field, v string) string {
	if _, coded := codedMaps[f.Map]; !coded {
		return v
	}
	for _, o := range d.Options(f) {
		if o.Value == v {
			return o.code()
		}
	}
	return ""
}

func birth(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}

// message maps an application's answers into an XSozial-basis message:
// the applicant and every household member (or, for BuT, every child) as
// a person with the benefit where it is applied for, a representative or
// parent as a third party, and the PDF as the document.
func (d *Definition) message(a Answers, app *Application, reader xsozial.Party, author xsozial.Party, product xsozial.Product, msgID string, pdfBytes []byte) *xsozial.Message {
	top := d.mappedTop(a)
	m := &xsozial.Message{Product: product, MessageID: msgID, CreatedAt: app.SubmittedAt, Reader: reader, Author: author,
		VorgangsID: app.ID, VorgangsTyp: d.XSozial.VorgangsTyp, AntragsDatum: app.SubmittedAt,
		Documents: []xsozial.Document{{ID: "Dok_ID_Antrag", Name: "Antrag.pdf", RepresentationID: "ID_Antrag", MimeType: "application/pdf", Content: pdfBytes}}}
	anschrift := xsozial.Anschrift{Strasse: top["strasse"], Hausnummer: top["hausnummer"], PLZ: top["plz"], Ort: top["ort"], Zusatz: top["adresszusatz"]}
	var komm []xsozial.Kommunikation
	if top["email"] != "" {
		komm = append(komm, xsozial.Kommunikation{Kanal: "01", Kennung: top["email"]})
	}
	if top["telefon"] != "" {
		komm = append(komm, xsozial.Kommunikation{Kanal: "02", Kennung: top["telefon"]})
	}
	var bank *xsozial.Bankverbindung
	if top["iban"] != "" {
		bank = &xsozial.Bankverbindung{Kontoinhaber: top["kontoinhaber"], IBAN: top["iban"], BIC: strings.ToUpper(top["bic"])}
	}
	if d.XSozial.ChildApplicants {
		for i, r := range a.Rows("kinder") {
			g, _ := d.Field("kinder")
			row := d.mappedRow(g, r)
			n := strconv.Itoa(i + 1)
			m.Persons = append(m.Persons, xsozial.Person{ID: "Kind_" + n, Typ: "1040", Antragsteller: true,
				Familienname: row["familienname"], Vorname: row["vorname"], Geburtsdatum: birth(row["geburtsdatum"]), Geschlecht: row["geschlecht"],
				Leistungen: []xsozial.Leistung{{ID: "Leistung_" + n, Art: d.XSozial.LeistungArt}},
				Ausbildung: &xsozial.Ausbildung{ID: "Ausbildung_" + n, Art: row["ausbildungsart"], Einrichtung: row["einrichtung"]}})
		}
		m.Dritte = append(m.Dritte, xsozial.Dritter{ID: "Elternteil", Typ: "1030", Familienname: top["familienname"], Vorname: top["vorname"],
			Geburtsdatum: birth(top["geburtsdatum"]), Staatsangehoerigkeit: top["staatsangehoerigkeit"], Anschrift: anschrift,
			Kommunikation: komm, Schriftgutempfaenger: true, PostfachID: app.CitizenID, PostfachProvider: "sozialplattform"})
		return m
	}
	represented := a.Str("beantragende_person") == "vertretung"
	m.Persons = append(m.Persons, xsozial.Person{ID: "Antragsteller", Typ: "1010", Antragsteller: true, Schriftgutempfaenger: !represented,
		Familienname: top["familienname"], Vorname: top["vorname"], Geburtsname: top["geburtsname"], Geburtsdatum: birth(top["geburtsdatum"]),
		Geschlecht: top["geschlecht"], Staatsangehoerigkeit: top["staatsangehoerigkeit"], Familienstand: top["familienstand"],
		Anschrift: anschrift, Kommunikation: komm, Bankverbindung: bank,
		Leistungen: []xsozial.Leistung{{ID: "Leistung_1", Art: d.XSozial.LeistungArt}}})
	if g, ok := d.Field("haushalt"); ok && a.Str("weitere_personen") == "ja" {
		for i, r := range a.Rows("haushalt") {
			row := d.mappedRow(g, r)
			n := strconv.Itoa(i + 1)
			p := xsozial.Person{ID: "Person_" + n, Typ: row["personentyp"], Familienname: row["familienname"], Vorname: row["vorname"],
				Geburtsdatum: birth(row["geburtsdatum"]), Geschlecht: row["geschlecht"], Staatsangehoerigkeit: row["staatsangehoerigkeit"]}
			if row["beantragt"] == "ja" {
				p.Leistungen = []xsozial.Leistung{{ID: "Leistung_" + strconv.Itoa(i+2), Art: d.XSozial.LeistungArt}}
			}
			m.Persons = append(m.Persons, p)
		}
	}
	if represented {
		var k []xsozial.Kommunikation
		if top["dritte.telefon"] != "" {
			k = append(k, xsozial.Kommunikation{Kanal: "02", Kennung: top["dritte.telefon"]})
		}
		m.Dritte = append(m.Dritte, xsozial.Dritter{ID: "Vertretung", Typ: top["drittetyp"], Familienname: top["dritte.familienname"],
			Vorname: top["dritte.vorname"], Anschrift: xsozial.Anschrift{Zusatz: strings.ReplaceAll(top["dritte.anschrift"], "\n", ", ")},
			Kommunikation: k, Schriftgutempfaenger: true, PostfachID: app.CitizenID, PostfachProvider: "sozialplattform"})
	}
	return m
}

// pdfDocument lays out the answers for the PDF, in German (the authority's
// language), grouped by step. An answer with several parts – documents
// uploaded, boxes ticked – prints as a list, which the tagged PDF also
// announces as one.
func (d *Definition) pdfDocument(a Answers, files map[string][]UploadInfo) []pdf.Section {
	var out []pdf.Section
	for _, sec := range d.Summary(a, files, "de") {
		ps := pdf.Section{Title: sec.Title}
		for _, r := range sec.Rows {
			row := pdf.Row{Label: r.Label, Value: r.Value, Heading: r.Heading}
			if items := d.pdfItems(r.Path, a, files); len(items) > 1 {
				row.Value, row.Items = "", items
			}
			ps.Rows = append(ps.Rows, row)
		}
		out = append(out, ps)
	}
	return out
}

// pdfItems returns the parts of the answer at path ("field" or
// "group.row.field") when it is a file or checkbox-group answer.
func (d *Definition) pdfItems(path string, a Answers, files map[string][]UploadInfo) []string {
	id, rest, nested := strings.Cut(path, ".")
	f, ok := d.Field(id)
	if !ok {
		return nil
	}
	v := a[id]
	if nested {
		n, sub, _ := strings.Cut(rest, ".")
		i, err := strconv.Atoi(n)
		rows := a.Rows(id)
		if err != nil || i < 0 || i >= len(rows) {
			return nil
		}
		f = nil
		for gi := range d.fields[id].Fields {
			if g := &d.fields[id].Fields[gi]; g.ID == sub {
				f = g
			}
		}
		if f == nil {
			return nil
		}
		v = rows[i][sub]
	}
	var items []string
	switch f.Type {
	case TypeFile:
		if !nested {
			for _, u := range files[f.ID] {
				items = append(items, u.Name)
			}
		}
	case TypeCheckboxes:
		for _, o := range d.OptionsFor(f, a, "de") {
			for _, x := range v.L {
				if o.Value == x {
					items = append(items, o.Label.In("de"))
				}
			}
		}
	}
	return items
}
