package xsozial

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"

	"sozialplattform/tenant/clock"
)

// Namespace is the XSozial-basis 2.4.0 namespace; Prefix its prefix.
const (
	Namespace   = "https://portalverbund.d-nrw.de/efa/XSozial-basis/Version_2_4_0"
	Prefix      = "xsb"
	RootElement = "vorgang.transportieren.1000001"
	// NachrichtentypCode is the message type of vorgang.transportieren.
	NachrichtentypCode = "1000001"
	// DefaultDVDVService is the service the message is addressed to in
	// the DVDV, as in the reference message.
	DefaultDVDVService = Namespace + "/XSoz240-BTH-BEA-SOP2BTH.wsdl"
)

// PlaceholderKennung is the platform's author identity while none is
// configured (development, demo, tests). It is no real DVDV entry: the
// real Behördenkennung of the platform comes from the DVDV maintainer and
// is configured with --platform-kennung, which serve requires once a real
// transport is set up.
const PlaceholderKennung = "sop:150000000099"

// Product names the sending software (root attributes).
type Product struct {
	Name, Vendor, Version string
}

// Party is a reader or author: a DVDV identity ("sop:050000100099") and a
// name.
type Party struct {
	Kennung, Name string
}

// Anschrift is a German postal address.
type Anschrift struct {
	Strasse, Hausnummer, PLZ, Ort, Zusatz string
}

// IsZero reports whether no part is given.
func (a Anschrift) IsZero() bool { return a == Anschrift{} }

// Kommunikation is a way to reach someone: Kanal "01" e-mail, "02" phone.
type Kommunikation struct {
	Kanal, Kennung string
}

// Leistung is a benefit applied for a person.
type Leistung struct {
	ID, Art string // Art: code of the leistungArt list
}

// Ausbildung is the school or day care of a person (BuT).
type Ausbildung struct {
	ID, Art, Einrichtung string
}

// Bankverbindung is where the benefit is paid.
type Bankverbindung struct {
	Kontoinhaber, IBAN, BIC string
}

// Person is one person of the case.
type Person struct {
	ID                   string
	Typ                  string // code of the Personentyp list
	Antragsteller        bool
	Schriftgutempfaenger bool
	Familienname         string
	Vorname              string
	Geburtsname          string
	Geburtsdatum         time.Time
	Geschlecht           string // code of the Geschlecht list
	Staatsangehoerigkeit string // optional code of the Destatis key
	Familienstand        string // optional code of the Familienstand list
	Anschrift            Anschrift
	Kommunikation        []Kommunikation
	Leistungen           []Leistung
	Ausbildung           *Ausbildung
	Bankverbindung       *Bankverbindung
}

// Dritter is a third party, e.g. a parent or a legal representative.
type Dritter struct {
	ID                   string
	Typ                  string // code of the drittetyp list
	Familienname         string
	Vorname              string
	Geburtsdatum         time.Time // optional
	Staatsangehoerigkeit string    // optional
	Anschrift            Anschrift
	Kommunikation        []Kommunikation
	Schriftgutempfaenger bool
	// PostfachID names the account mailbox of the third party, if any.
	PostfachID, PostfachProvider string
}

// Document is a document of the case; the first is the application PDF.
type Document struct {
	ID, Name, RepresentationID, MimeType string
	Content                              []byte
}

// Message is everything a vorgang.transportieren.1000001 carries.
type Message struct {
	Product      Product
	MessageID    string // UUID
	CreatedAt    time.Time
	Reader       Party // the municipality's DVDV identity
	Author       Party // the platform
	DVDVService  string
	VorgangsID   string
	VorgangsTyp  string // code of the vorgangscodes list
	AntragsDatum time.Time
	Persons      []Person
	Dritte       []Dritter
	Documents    []Document
}

// Builder writes messages; it holds the code lists and the time zone.
type Builder struct {
	lists CodeLists
	loc   *time.Location
}

// NewBuilder loads the code lists.
func NewBuilder() (*Builder, error) {
	lists, err := LoadCodeLists()
	if err != nil {
		return nil, err
	}
	return &Builder{lists: lists, loc: clock.Berlin()}, nil
}

// Lists returns the code lists.
func (b *Builder) Lists() CodeLists { return b.lists }

// Build returns the message as an etree document. Codes that are not in
// their list are an error: a message must never carry an invented code.
func (b *Builder) Build(m *Message) (*etree.Document, error) {
	return b.build(m, func(i int) string { return base64.StdEncoding.EncodeToString(m.Documents[i].Content) })
}

// build is Build with the text of each document's inhalt from content.
func (b *Builder) build(m *Message, content func(i int) string) (*etree.Document, error) {
	w := &writer{b: b}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8" standalone="yes"`)
	root := doc.CreateElement(Prefix + ":" + RootElement)
	root.CreateAttr("xmlns:"+Prefix, Namespace)
	root.CreateAttr("produkt", m.Product.Name)
	root.CreateAttr("produkthersteller", m.Product.Vendor)
	root.CreateAttr("produktversion", m.Product.Version)
	root.CreateAttr("standard", "XSozial-basis")
	root.CreateAttr("version", "2.4.0")

	head := root.CreateElement("nachrichtenkopf.g2g")
	id := head.CreateElement("identifikation.nachricht")
	text(id, "nachrichtenUUID", m.MessageID)
	w.code(id, "nachrichtentyp", ListNachrichtentyp, NachrichtentypCode)
	text(id, "erstellungszeitpunkt", m.CreatedAt.In(b.loc).Format("2006-01-02T15:04:05.000000-07:00"))
	for _, p := range []struct {
		tag   string
		party Party
	}{{"leser", m.Reader}, {"autor", m.Author}} {
		e := head.CreateElement(p.tag)
		w.code(e, "verzeichnisdienst", ListVerzeichnisdienst, "DVDV")
		text(e, "kennung", p.party.Kennung)
		text(e, "name", p.party.Name)
	}
	service := m.DVDVService
	if service == "" {
		service = DefaultDVDVService
	}
	text(head, "dvdvDienstkennung", service)

	xs := q(root, "xsozial")
	qtext(q(xs, "identifikationVorgang"), "vorgangsID", m.VorgangsID)
	v := q(xs, "vorgang")
	w.code(q(v, "vorgangsTyp"), "", ListVorgangstyp, m.VorgangsTyp)
	qtext(v, "antragsDatum", b.date(m.AntragsDatum, b.loc))
	for i := range m.Persons {
		w.person(v, &m.Persons[i])
	}
	for i := range m.Dritte {
		w.dritter(v, &m.Dritte[i])
	}
	for i, d := range m.Documents {
		de := q(xs, "dokument")
		qtext(de, "dokumentID", d.ID)
		qtext(de, "name", d.Name)
		rep := q(de, "dokumentRepraesentation")
		qtext(rep, "dokumentRepraesentationID", d.RepresentationID)
		qtext(rep, "mimeType", d.MimeType)
		qtext(rep, "inhalt", content(i))
	}
	if len(m.Persons) == 0 {
		w.errs = append(w.errs, "no person")
	}
	if len(m.Documents) == 0 {
		w.errs = append(w.errs, "no document")
	}
	if m.MessageID == "" || m.VorgangsID == "" || m.Reader.Kennung == "" || m.Author.Kennung == "" {
		w.errs = append(w.errs, "message ID, Vorgangs-ID, reader and author are required")
	}
	if len(w.errs) > 0 {
		return nil, fmt.Errorf("xsozial: %s", strings.Join(w.errs, "; "))
	}
	return doc, nil
}

// Marshal builds the message and serialises it (UTF-8, indented).
//
// The documents' Base64 joins the output after etree has written the rest:
// Base64 needs no escaping, and etree's character-by-character escaping of
// the embedded PDF was half the cost of every message. Each inhalt holds a
// marker while etree writes; the random part keeps any text a citizen typed
// from ever being taken for one.
func (b *Builder) Marshal(m *Message) ([]byte, error) {
	marker := "inhalt-" + rand.Text() + "-"
	doc, err := b.build(m, func(i int) string { return marker + strconv.Itoa(i) + "." })
	if err != nil {
		return nil, err
	}
	doc.Indent(2)
	var skeleton bytes.Buffer
	if _, err := doc.WriteTo(&skeleton); err != nil {
		return nil, fmt.Errorf("xsozial: write: %w", err)
	}
	size := skeleton.Len()
	for _, d := range m.Documents {
		size += base64.StdEncoding.EncodedLen(len(d.Content))
	}
	out := make([]byte, 0, size)
	rest := skeleton.Bytes()
	for i, d := range m.Documents {
		mark := marker + strconv.Itoa(i) + "."
		at := bytes.Index(rest, []byte(mark))
		if at < 0 {
			return nil, fmt.Errorf("xsozial: write: the content of document %d is missing", i)
		}
		out = append(out, rest[:at]...)
		out = base64.StdEncoding.AppendEncode(out, d.Content)
		rest = rest[at+len(mark):]
	}
	return append(out, rest...), nil
}

// date writes an xs:date with the zone offset, as the reference does
// ("2025-11-20+01:00").
func (b *Builder) date(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02-07:00")
}

type writer struct {
	b    *Builder
	errs []string
}

func text(parent *etree.Element, tag, value string) *etree.Element {
	e := parent.CreateElement(tag)
	e.SetText(value)
	return e
}

// q creates a qualified (xsb:) element.
func q(parent *etree.Element, tag string) *etree.Element {
	return parent.CreateElement(Prefix + ":" + tag)
}

func qtext(parent *etree.Element, tag, value string) *etree.Element {
	e := q(parent, tag)
	e.SetText(value)
	return e
}

// code writes a code element with listURI, listVersionID and an
// unqualified <code> child. An empty tag writes into parent itself.
func (w *writer) code(parent *etree.Element, tag, list, value string) {
	l, ok := w.b.lists[list]
	if !ok {
		w.errs = append(w.errs, "unknown code list "+list)
		return
	}
	if !l.Has(value) {
		w.errs = append(w.errs, fmt.Sprintf("code %q is not in list %s", value, list))
	}
	e := parent
	if tag != "" {
		if parent.Space == Prefix || strings.HasPrefix(parent.Tag, Prefix+":") {
			e = q(parent, tag)
		} else {
			e = parent.CreateElement(tag)
		}
	}
	if l.URI != "" { // as the reference: no listURI where it has none
		e.CreateAttr("listURI", l.URI)
		e.CreateAttr("listVersionID", l.Version)
	}
	text(e, "code", value)
}

func (w *writer) name(parent *etree.Element, familienname, vorname, geburtsname string) {
	n := q(parent, "nameNatuerlichePerson")
	qtext(q(n, "familienname"), "name", familienname)
	qtext(q(n, "vorname"), "name", vorname)
	if geburtsname != "" {
		qtext(q(n, "geburtsname"), "name", geburtsname)
	}
}

func (w *writer) anschrift(parent *etree.Element, a Anschrift) {
	g := q(q(parent, "anschrift"), "anschriftInland").CreateElement("gebaeude")
	text(g, "hausnummer", a.Hausnummer)
	text(g, "postleitzahl", a.PLZ)
	text(g, "strasse", a.Strasse)
	text(g, "teilnummerDerHausnummer", "")
	text(g, "wohnort", a.Ort)
	text(g, "zusatzangaben", a.Zusatz)
}

func (w *writer) kommunikation(parent *etree.Element, ks []Kommunikation) {
	for _, k := range ks {
		e := q(parent, "kommunikation")
		w.code(q(e, "kanal"), "", ListKanal, k.Kanal)
		qtext(e, "kennung", k.Kennung)
	}
}

func (w *writer) person(v *etree.Element, p *Person) {
	pe := q(v, "person")
	qtext(pe, "personID", p.ID)
	w.code(q(pe, "typ"), "", ListPersonentyp, p.Typ)
	qtext(pe, "antragsteller", fmt.Sprint(p.Antragsteller))
	qtext(pe, "schriftgutempfaenger", fmt.Sprint(p.Schriftgutempfaenger))
	a := q(pe, "allgemein")
	w.name(a, p.Familienname, p.Vorname, p.Geburtsname)
	if p.Geburtsdatum.IsZero() {
		w.errs = append(w.errs, "person "+p.ID+": no birth date")
	}
	qtext(q(a, "geburt"), "datum", p.Geburtsdatum.Format("2006-01-02")+"+00:00")
	w.code(q(q(a, "geschlecht"), "geschlecht"), "", ListGeschlecht, p.Geschlecht)
	if p.Staatsangehoerigkeit != "" {
		w.code(q(q(a, "staatsangehoerigkeit"), "staatsangehoerigkeit"), "", ListStaat, p.Staatsangehoerigkeit)
	}
	if p.Familienstand != "" {
		w.code(q(q(a, "familienstand"), "familienstand"), "", ListFamilienstand, p.Familienstand)
	}
	if !p.Anschrift.IsZero() {
		w.anschrift(a, p.Anschrift)
	}
	w.kommunikation(a, p.Kommunikation)
	for _, l := range p.Leistungen {
		be := q(pe, "beantragteLeistung")
		qtext(be, "beantragteLeistungID", l.ID)
		w.code(q(be, "leistungArt"), "", ListLeistungArt, l.Art)
	}
	if p.Ausbildung != nil {
		ae := q(pe, "ausbildung")
		qtext(ae, "ausbildungID", p.Ausbildung.ID)
		w.code(q(ae, "ausbildungsart"), "", ListAusbildungsart, p.Ausbildung.Art)
		qtext(ae, "einrichtung", p.Ausbildung.Einrichtung)
	}
	if p.Bankverbindung != nil {
		be := q(pe, "bankverbindung")
		qtext(be, "kontoinhaber", p.Bankverbindung.Kontoinhaber)
		qtext(be, "iban", p.Bankverbindung.IBAN)
		if p.Bankverbindung.BIC != "" {
			qtext(be, "bic", p.Bankverbindung.BIC)
		}
	}
}

func (w *writer) dritter(v *etree.Element, d *Dritter) {
	de := q(v, "dritte")
	qtext(de, "dritteID", d.ID)
	w.code(q(de, "dritteTyp"), "", ListDritteTyp, d.Typ)
	nn := q(q(de, "drittePerson"), "nichtNatuerlichePerson")
	w.anschrift(nn, d.Anschrift)
	w.kommunikation(nn, d.Kommunikation)
	ap := q(nn, "ansprechpartner")
	w.name(ap, d.Familienname, d.Vorname, "")
	if !d.Geburtsdatum.IsZero() {
		qtext(q(ap, "geburt"), "datum", d.Geburtsdatum.Format("2006-01-02")+"+00:00")
	}
	if d.Staatsangehoerigkeit != "" {
		w.code(q(q(ap, "staatsangehoerigkeit"), "staatsangehoerigkeit"), "", ListStaat, d.Staatsangehoerigkeit)
	}
	qtext(de, "schriftgutempfaenger", fmt.Sprint(d.Schriftgutempfaenger))
	if d.PostfachID != "" {
		pf := q(de, "postfach")
		qtext(pf, "postfachID", d.PostfachID)
		w.code(q(pf, "postfachTyp"), "", ListPostfachTyp, "20")
		qtext(pf, "provider", d.PostfachProvider)
	}
}

// ErrTooLarge and ErrTooDeep are the limits of Parse.
var (
	ErrTooLarge = errors.New("xsozial: message too large")
	ErrTooDeep  = errors.New("xsozial: message nested too deeply")
)
