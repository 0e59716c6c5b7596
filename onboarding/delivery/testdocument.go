package delivery

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/beevik/etree"
	"github.com/google/uuid"
)

// Author of the platform's messages in XSozial-basis.
const (
	PlatformKennung = "sop:150000000099"
	PlatformName    = "Sozialplattform Sachsen-Anhalt"
)

// TestXSozial builds the XSozial-basis 2.4.0 message of a connection test
// (structure as in shared/reference/xsozial-basis-2.4.0.md): the head with
// reader and author, a Vorgang without persons and the test PDF as
// document.
func TestXSozial(rt Route, antragsstrecke string, pdf []byte, now time.Time) []byte {
	return xsozialMessage(rt, antragsstrecke, pdf, now, "Sozialplattform Sachsen-Anhalt – Anbindungstest")
}

func xsozialMessage(rt Route, antragsstrecke string, pdf []byte, now time.Time, product string) []byte {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8" standalone="yes"`)
	root := doc.CreateElement("xsb:vorgang.transportieren.1000001")
	root.CreateAttr("xmlns:xsb", XSozialSchemaURI)
	root.CreateAttr("produkt", product)
	root.CreateAttr("produkthersteller", "Land Sachsen-Anhalt")
	root.CreateAttr("produktversion", "1.0")
	root.CreateAttr("standard", "XSozial-basis")
	root.CreateAttr("version", "2.4.0")
	head := root.CreateElement("nachrichtenkopf.g2g")
	id := head.CreateElement("identifikation.nachricht")
	id.CreateElement("nachrichtenUUID").SetText(uuid.NewString())
	id.CreateElement("nachrichtentyp").CreateElement("code").SetText("1000001")
	id.CreateElement("erstellungszeitpunkt").SetText(now.In(berlin()).Format("2006-01-02T15:04:05.000000-07:00"))
	party := func(tag, kennung, name string) {
		p := head.CreateElement(tag)
		vd := p.CreateElement("verzeichnisdienst")
		vd.CreateAttr("listURI", "urn:xoev-de:kosit:codeliste:verzeichnisdienst")
		vd.CreateAttr("listVersionID", "3")
		vd.CreateElement("code").SetText("DVDV")
		p.CreateElement("kennung").SetText(kennung)
		p.CreateElement("name").SetText(name)
	}
	reader := rt.DVDVKennung
	if reader == "" {
		reader = "fit:" + rt.DestinationID
	}
	party("leser", reader, rt.TenantName)
	party("autor", PlatformKennung, PlatformName)
	head.CreateElement("dvdvDienstkennung").SetText(XSozialSchemaURI)
	x := root.CreateElement("xsb:xsozial")
	x.CreateElement("xsb:identifikationVorgang").CreateElement("xsb:vorgangsID").SetText(uuid.NewString())
	v := x.CreateElement("xsb:vorgang")
	vt := v.CreateElement("xsb:vorgangsTyp")
	vt.CreateAttr("listURI", "urn:xoev-de:d-nrw:codeliste:vorgangscodes")
	vt.CreateAttr("listVersionID", "10")
	vt.CreateElement("code").SetText("000000")
	v.CreateElement("xsb:antragsDatum").SetText(now.In(berlin()).Format("2006-01-02-07:00"))
	d := x.CreateElement("xsb:dokument")
	d.CreateElement("xsb:dokumentID").SetText("Dok_ID_Testantrag")
	d.CreateElement("xsb:name").SetText("Testantrag-" + antragsstrecke + ".pdf")
	rep := d.CreateElement("xsb:dokumentRepraesentation")
	rep.CreateElement("xsb:dokumentRepraesentationID").SetText("ID_Testantrag")
	rep.CreateElement("xsb:mimeType").SetText("application/pdf")
	rep.CreateElement("xsb:inhalt").SetText(base64.StdEncoding.EncodeToString(pdf))
	doc.Indent(2)
	b, _ := doc.WriteToBytes()
	return b
}

// TestPDF returns a one-page PDF saying that this is a test application.
func TestPDF(antragsstrecke string, now time.Time) []byte {
	return simplePDF(fmt.Sprintf("Testantrag (%s) der Sozialplattform Sachsen-Anhalt vom %s - kein echter Antrag.",
		antragsstrecke, now.In(berlin()).Format("02.01.2006 15:04")))
}

// simplePDF is a one-page PDF with one line of text (Latin-1 only).
func simplePDF(text string) []byte {
	stream := fmt.Sprintf("BT /F1 12 Tf 56 780 Td (%s) Tj ET", text)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}
