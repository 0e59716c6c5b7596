package xsozial

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/beevik/etree"
)

// Limits of Parse: a message with a 20 MB PDF is about 27 MB of XML.
const (
	MaxMessageBytes = 64 << 20
	MaxDepth        = 32
)

// Parse reads a message with limits on size and nesting depth; Go's XML
// decoder never expands external entities, and a message needs no DTD, so
// one is refused.
func Parse(r io.Reader) (*etree.Document, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxMessageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("xsozial: read: %w", err)
	}
	if len(raw) > MaxMessageBytes {
		return nil, ErrTooLarge
	}
	dec := xml.NewDecoder(bytes.NewReader(raw))
	depth := 0
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("xsozial: not well-formed: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > MaxDepth {
				return nil, ErrTooDeep
			}
		case xml.EndElement:
			depth--
		case xml.Directive:
			if bytes.HasPrefix(bytes.TrimSpace(t), []byte("DOCTYPE")) {
				return nil, errors.New("xsozial: a DOCTYPE is not allowed")
			}
		}
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		return nil, fmt.Errorf("xsozial: parse: %w", err)
	}
	return doc, nil
}

// shape is the expected form of an element: qualified (xsb) or not, how
// often it may occur, whether it is a code (listURI, listVersionID and a
// <code> child) and its children in order. A leaf without children must
// hold text only.
type shape struct {
	name      string
	qualified bool
	min, max  int // max 0 = unbounded
	code      bool
	children  []shape
}

func el(name string, min, max int, children ...shape) shape {
	return shape{name: name, min: min, max: max, children: children}
}

func qel(name string, min, max int, children ...shape) shape {
	return shape{name: name, qualified: true, min: min, max: max, children: children}
}

func codeEl(name string, qualified bool, min, max int) shape {
	return shape{name: name, qualified: qualified, min: min, max: max, code: true}
}

// The reference shape (shared/reference/xsozial-basis-2.4.0.md), with the
// documented additions: geburtsname, staatsangehoerigkeit, familienstand,
// anschrift and kommunikation in allgemein, and bankverbindung.
var (
	nameShape = qel("nameNatuerlichePerson", 1, 1,
		qel("familienname", 1, 1, qel("name", 1, 1)),
		qel("vorname", 1, 1, qel("name", 1, 1)),
		qel("geburtsname", 0, 1, qel("name", 1, 1)))
	gebaeudeShape = el("gebaeude", 1, 1,
		el("hausnummer", 0, 1), el("postleitzahl", 1, 1), el("strasse", 1, 1), el("teilnummerDerHausnummer", 0, 1),
		el("wohnort", 1, 1), el("zusatzangaben", 0, 1))
	anschriftShape     = func(min int) shape { return qel("anschrift", min, 1, qel("anschriftInland", 1, 1, gebaeudeShape)) }
	kommunikationShape = qel("kommunikation", 0, 0, codeEl("kanal", true, 1, 1), qel("kennung", 1, 1))
	staatShape         = qel("staatsangehoerigkeit", 0, 1, codeEl("staatsangehoerigkeit", true, 1, 1))
	partyShape         = func(name string) shape {
		return el(name, 1, 1, codeEl("verzeichnisdienst", false, 1, 1), el("kennung", 1, 1), el("name", 1, 1))
	}
	messageShape = shape{name: RootElement, qualified: true, min: 1, max: 1, children: []shape{
		el("nachrichtenkopf.g2g", 1, 1,
			el("identifikation.nachricht", 1, 1,
				el("nachrichtenUUID", 1, 1), codeEl("nachrichtentyp", false, 1, 1), el("erstellungszeitpunkt", 1, 1)),
			partyShape("leser"), partyShape("autor"), el("dvdvDienstkennung", 1, 1)),
		qel("xsozial", 1, 1,
			qel("identifikationVorgang", 1, 1, qel("vorgangsID", 1, 1)),
			qel("vorgang", 1, 1,
				codeEl("vorgangsTyp", true, 1, 1),
				qel("antragsDatum", 1, 1),
				qel("person", 1, 0,
					qel("personID", 1, 1), codeEl("typ", true, 1, 1), qel("antragsteller", 1, 1), qel("schriftgutempfaenger", 1, 1),
					qel("allgemein", 1, 1,
						nameShape,
						qel("geburt", 1, 1, qel("datum", 1, 1)),
						qel("geschlecht", 1, 1, codeEl("geschlecht", true, 1, 1)),
						staatShape,
						qel("familienstand", 0, 1, codeEl("familienstand", true, 1, 1)),
						anschriftShape(0),
						kommunikationShape),
					qel("beantragteLeistung", 0, 0, qel("beantragteLeistungID", 1, 1), codeEl("leistungArt", true, 1, 1)),
					qel("ausbildung", 0, 1, qel("ausbildungID", 1, 1), codeEl("ausbildungsart", true, 1, 1), qel("einrichtung", 1, 1)),
					qel("bankverbindung", 0, 1, qel("kontoinhaber", 1, 1), qel("iban", 1, 1), qel("bic", 0, 1))),
				qel("dritte", 0, 0,
					qel("dritteID", 1, 1), codeEl("dritteTyp", true, 1, 1),
					qel("drittePerson", 1, 1, qel("nichtNatuerlichePerson", 1, 1,
						anschriftShape(1), kommunikationShape,
						qel("ansprechpartner", 1, 1, nameShape, qel("geburt", 0, 1, qel("datum", 1, 1)), staatShape))),
					qel("schriftgutempfaenger", 1, 1),
					qel("postfach", 0, 1, qel("postfachID", 1, 1), codeEl("postfachTyp", true, 1, 1), qel("provider", 1, 1)))),
			qel("dokument", 1, 0,
				qel("dokumentID", 1, 1), qel("name", 1, 1),
				qel("dokumentRepraesentation", 1, 1,
					qel("dokumentRepraesentationID", 1, 1), qel("mimeType", 1, 1), qel("inhalt", 1, 1)))),
	}}
	rootAttrs = []string{"produkt", "produkthersteller", "produktversion", "standard", "version"}
)

// Check verifies a message against the reference shape and returns every
// deviation found. lists, when not nil, also checks that each code's list
// attributes and value match the code list.
func Check(doc *etree.Document, lists CodeLists) error {
	root := doc.Root()
	if root == nil {
		return errors.New("xsozial check: no root element")
	}
	c := &checker{lists: lists}
	c.element(root, messageShape, "/")
	for _, a := range rootAttrs {
		if root.SelectAttr(a) == nil {
			c.fail("/%s: attribute %s missing", RootElement, a)
		}
	}
	if v := root.SelectAttrValue("standard", ""); v != "XSozial-basis" {
		c.fail("standard = %q, want XSozial-basis", v)
	}
	if v := root.SelectAttrValue("version", ""); v != "2.4.0" {
		c.fail("version = %q, want 2.4.0", v)
	}
	if len(c.errs) > 0 {
		return fmt.Errorf("xsozial check: %s", strings.Join(c.errs, "; "))
	}
	return nil
}

type checker struct {
	lists CodeLists
	errs  []string
}

func (c *checker) fail(format string, args ...any) {
	if len(c.errs) < 50 {
		c.errs = append(c.errs, fmt.Sprintf(format, args...))
	}
}

// codeLists maps a code element to its list.
var codeLists = map[string]string{
	"nachrichtentyp": ListNachrichtentyp, "verzeichnisdienst": ListVerzeichnisdienst, "vorgangsTyp": ListVorgangstyp,
	"typ": ListPersonentyp, "geschlecht": ListGeschlecht, "staatsangehoerigkeit": ListStaat, "familienstand": ListFamilienstand,
	"leistungArt": ListLeistungArt, "ausbildungsart": ListAusbildungsart, "dritteTyp": ListDritteTyp, "kanal": ListKanal,
	"postfachTyp": ListPostfachTyp,
}

func (c *checker) element(e *etree.Element, s shape, path string) {
	path += e.Tag
	wantNS := ""
	if s.qualified {
		wantNS = Namespace
	}
	if e.Tag != s.name {
		c.fail("%s: expected element %s", path, s.name)
		return
	}
	if got := e.NamespaceURI(); got != wantNS {
		c.fail("%s: namespace %q, want %q", path, got, wantNS)
	}
	kids := e.ChildElements()
	if s.code {
		uri, ver := e.SelectAttrValue("listURI", ""), e.SelectAttrValue("listVersionID", "")
		if (uri == "") != (ver == "") {
			c.fail("%s: listURI and listVersionID go together", path)
		}
		if len(kids) != 1 || kids[0].Tag != "code" || kids[0].NamespaceURI() != "" || strings.TrimSpace(kids[0].Text()) == "" {
			c.fail("%s: a code holds exactly one unqualified <code>", path)
			return
		}
		if c.lists != nil {
			if l, ok := c.lists[codeLists[s.name]]; ok {
				if uri != l.URI || ver != l.Version {
					c.fail("%s: list %s/%s, want %s/%s", path, uri, ver, l.URI, l.Version)
				}
				if !l.Has(kids[0].Text()) {
					c.fail("%s: code %q not in %s", path, kids[0].Text(), l.Name)
				}
			}
		}
		return
	}
	if len(s.children) == 0 {
		if len(kids) > 0 {
			c.fail("%s: leaf element has children", path)
		}
		return
	}
	i := 0
	for _, cs := range s.children {
		n := 0
		for i < len(kids) && kids[i].Tag == cs.name {
			c.element(kids[i], cs, path+"/")
			i++
			n++
		}
		if n < cs.min {
			c.fail("%s: %s missing or out of order", path, cs.name)
		}
		if cs.max > 0 && n > cs.max {
			c.fail("%s: %s occurs %d times, at most %d", path, cs.name, n, cs.max)
		}
	}
	for ; i < len(kids); i++ {
		c.fail("%s: unexpected or misplaced element %s", path, kids[i].Tag)
	}
}
