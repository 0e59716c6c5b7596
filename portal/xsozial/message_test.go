package xsozial

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"sozialplattform/tenant/clock"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sampleMessage() *Message {
	berlin := clock.Berlin()
	return &Message{
		Product:      Product{Name: "Sozialplattform Sachsen-Anhalt", Vendor: "Land Sachsen-Anhalt", Version: "1.0.0"},
		MessageID:    "0e3b7f5c-6c1a-4d0e-9a57-5d6f4b1b2a10",
		CreatedAt:    time.Date(2026, 3, 2, 9, 59, 20, 902625000, berlin),
		Reader:       Party{Kennung: "sop:150850000000", Name: "Landkreis Harz"},
		Author:       Party{Kennung: "sop:150000000000", Name: "Sozialplattform"},
		VorgangsID:   "7a1d3c9e-2b4f-4f61-8c3e-1d2a3b4c5d6e",
		VorgangsTyp:  "003000",
		AntragsDatum: time.Date(2026, 3, 2, 9, 59, 0, 0, berlin),
		Persons: []Person{{
			ID: "Kind_1", Typ: "1040", Antragsteller: true, Familienname: "Muster", Vorname: "Mia",
			Geburtsdatum: time.Date(2016, 1, 3, 0, 0, 0, 0, time.UTC), Geschlecht: "w", Staatsangehoerigkeit: "000",
			Leistungen: []Leistung{{ID: "Leistung_1", Art: "6070"}},
			Ausbildung: &Ausbildung{ID: "Ausbildung_1", Art: "1410", Einrichtung: "Grundschule Am Regenstein"},
		}},
		Dritte: []Dritter{{
			ID: "Elternteil", Typ: "1030", Familienname: "Muster", Vorname: "Erika",
			Geburtsdatum: time.Date(1988, 5, 17, 0, 0, 0, 0, time.UTC), Staatsangehoerigkeit: "000",
			Anschrift:            Anschrift{Strasse: "Breiter Weg", Hausnummer: "12", PLZ: "38820", Ort: "Halberstadt"},
			Kommunikation:        []Kommunikation{{Kanal: "01", Kennung: "erika@example.org"}, {Kanal: "02", Kennung: "03941 123456"}},
			Schriftgutempfaenger: true, PostfachID: "c0ffee00-0000-4000-8000-000000000001", PostfachProvider: "sozialplattform",
		}},
		Documents: []Document{{ID: "Dok_ID_Antrag", Name: "Antrag.pdf", RepresentationID: "ID_Antrag", MimeType: "application/pdf",
			Content: []byte("%PDF-1.4 test")}},
	}
}

func TestBuildGolden(t *testing.T) {
	b, err := NewBuilder()
	if err != nil {
		t.Fatal(err)
	}
	out, err := b.Marshal(sampleMessage())
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "but-message.golden")
	if *update {
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("message differs from %s (run with -update after checking):\n%s", golden, out)
	}
	doc, err := Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(doc, b.Lists()); err != nil {
		t.Fatal(err)
	}
	// The head is unqualified, the body qualified.
	if e := doc.FindElement("//nachrichtenkopf.g2g/leser/kennung"); e == nil || e.NamespaceURI() != "" || e.Text() != "sop:150850000000" {
		t.Errorf("leser kennung: %v", e)
	}
	if e := doc.FindElement("//xsb:vorgang/xsb:person/xsb:allgemein/xsb:geschlecht/xsb:geschlecht/code"); e == nil || e.Text() != "w" {
		t.Errorf("geschlecht code: %v", e)
	}
	if e := doc.FindElement("//xsb:inhalt"); e == nil || e.Text() != "JVBERi0xLjQgdGVzdA==" {
		t.Errorf("PDF content: %v", e)
	}
}

// TestMarshalEqualsTheDocumentWritten: Marshal, which adds the documents'
// Base64 after etree has written the rest, writes byte for byte what etree
// writes for the whole document – with a dozen documents (markers 1 and 10
// must not be mixed up), binary content whose Base64 has + / =, and a
// citizen's text that looks like a marker.
func TestMarshalEqualsTheDocumentWritten(t *testing.T) {
	b, err := NewBuilder()
	if err != nil {
		t.Fatal(err)
	}
	m := sampleMessage()
	m.Persons[0].Vorname = "inhalt-0."
	m.Documents = nil
	for i := range 12 {
		content := make([]byte, 100*i+1)
		for j := range content {
			content[j] = byte(j*7 + i*31)
		}
		m.Documents = append(m.Documents, Document{ID: fmt.Sprintf("Dok_%d", i), Name: fmt.Sprintf("Anlage %d.pdf", i),
			RepresentationID: fmt.Sprintf("Rep_%d", i), MimeType: "application/pdf", Content: content})
	}
	got, err := b.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := b.Build(m)
	if err != nil {
		t.Fatal(err)
	}
	doc.Indent(2)
	want, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Marshal differs from the document etree writes:\n%s\n---\n%s", got, want)
	}
	if !bytes.Contains(want, []byte("+")) || !bytes.Contains(want, []byte("/")) {
		t.Error("the contents do not exercise Base64's + and /")
	}
}

func TestBuildRejectsUnknownCodes(t *testing.T) {
	b, _ := NewBuilder()
	m := sampleMessage()
	m.Persons[0].Geschlecht = "q"
	m.VorgangsTyp = "999999"
	_, err := b.Build(m)
	if err == nil || !strings.Contains(err.Error(), `"q"`) || !strings.Contains(err.Error(), "999999") {
		t.Fatalf("err = %v", err)
	}
	m = sampleMessage()
	m.Persons = nil
	if _, err := b.Build(m); err == nil {
		t.Fatal("a message without person was built")
	}
}

func TestCheckFindsDeviations(t *testing.T) {
	b, _ := NewBuilder()
	build := func() *etree.Document {
		doc, err := b.Build(sampleMessage())
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	for _, tt := range []struct {
		name   string
		mutate func(doc *etree.Document)
		want   string
	}{
		{"missing vorgangsID", func(d *etree.Document) {
			e := d.FindElement("//xsb:vorgangsID")
			e.Parent().RemoveChild(e)
		}, "vorgangsID missing"},
		{"qualified head", func(d *etree.Document) { d.FindElement("//nachrichtenkopf.g2g").Space = Prefix }, "namespace"},
		{"unqualified body", func(d *etree.Document) { d.FindElement("//xsb:antragsDatum").Space = "" }, "antragsDatum"},
		{"out of order", func(d *etree.Document) {
			v := d.FindElement("//xsb:vorgang")
			typ := v.SelectElement("vorgangsTyp")
			v.RemoveChild(typ)
			v.AddChild(typ)
		}, "misplaced"},
		{"code without list", func(d *etree.Document) {
			d.FindElement("//xsb:typ").RemoveAttr("listURI")
		}, "listURI"},
		{"wrong list version", func(d *etree.Document) {
			d.FindElement("//xsb:vorgangsTyp").CreateAttr("listVersionID", "9")
		}, "want urn:xoev-de:d-nrw:codeliste:vorgangscodes/10"},
		{"unknown element", func(d *etree.Document) { d.FindElement("//xsb:person").CreateElement("xsb:hobby") }, "hobby"},
		{"missing root attribute", func(d *etree.Document) { d.Root().RemoveAttr("produkt") }, "produkt"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := build()
			tt.mutate(doc)
			err := Check(doc, b.Lists())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Check = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	deep := strings.Repeat("<a>", MaxDepth+1) + strings.Repeat("</a>", MaxDepth+1)
	if _, err := Parse(strings.NewReader(deep)); !errors.Is(err, ErrTooDeep) {
		t.Errorf("deep: %v", err)
	}
	bomb := `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>`
	if _, err := Parse(strings.NewReader(bomb)); err == nil {
		t.Error("DOCTYPE accepted")
	}
	if _, err := Parse(strings.NewReader("<a><b></a>")); err == nil {
		t.Error("malformed accepted")
	}
	big := bytes.Repeat([]byte(" "), MaxMessageBytes+10)
	if _, err := Parse(bytes.NewReader(big)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("large: %v", err)
	}
}
