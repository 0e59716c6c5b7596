package xta2

import (
	"fmt"
	"strconv"
	"time"

	"github.com/beevik/etree"
)

// Party identifies an author or reader, e.g. a DVDV Behördenkennung.
type Party struct {
	// Identifier is the address, e.g. "sop:150850000100".
	Identifier string
	// Type names the kind of identifier (default "xoev": a DVDV
	// Behördenkennung); Name and Category describe the party.
	Type, Name, Category string
}

// KeyCode is a code of a code list (oscimeta:KeyCodeType).
type KeyCode struct {
	Code, Name, ListURI, ListVersionID string
}

// MessageMetaData is the OSCI message metadata header (2.02) of a
// message. Time stamps are set by the XTA server on the copies it keeps.
type MessageMetaData struct {
	TestMsg      bool
	Origin       time.Time
	InitialSend  time.Time
	Delivery     time.Time
	InitialFetch time.Time
	Reception    time.Time
	Author       Party
	Reader       Party
	MessageID    string
	Subject      string
	Service      string
	// BusinessScenario is the domain qualifier: either a code of a code
	// list (Defined) or free text (Undefined).
	BusinessScenario     KeyCode
	BusinessScenarioText string
	MessageType          KeyCode
	PayloadSchema        string
	MsgSize              int64
}

const dateTimeLayout = "2006-01-02T15:04:05.000Z07:00"

func timeText(t time.Time) string { return t.UTC().Format(dateTimeLayout) }

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date-time %q: %w", s, err)
	}
	return t.UTC(), nil
}

func writeParty(parent *etree.Element, tag string, p Party) {
	id := parent.CreateElement(tag).CreateElement("oscimeta:Identifier")
	typ := p.Type
	if typ == "" {
		typ = "xoev"
	}
	id.CreateAttr("type", typ)
	if p.Name != "" {
		id.CreateAttr("name", p.Name)
	}
	if p.Category != "" {
		id.CreateAttr("category", p.Category)
	}
	id.SetText(p.Identifier)
}

func writeKeyCode(el *etree.Element, c KeyCode) {
	el.CreateAttr("listURI", c.ListURI)
	el.CreateAttr("listVersionID", c.ListVersionID)
	el.CreateElement("code").SetText(c.Code)
	if c.Name != "" {
		el.CreateElement("name").SetText(c.Name)
	}
}

// Write appends the oscimeta:MessageMetaData element to parent, with its
// children in the order of the schema.
func (m *MessageMetaData) Write(parent *etree.Element) *etree.Element {
	el := parent.CreateElement("oscimeta:MessageMetaData")
	if m.TestMsg {
		el.CreateAttr("TestMsg", "true")
	}
	da := el.CreateElement("oscimeta:DeliveryAttributes")
	for _, ts := range []struct {
		tag string
		t   time.Time
	}{{"Origin", m.Origin}, {"InitialSend", m.InitialSend}, {"Delivery", m.Delivery}, {"InitialFetch", m.InitialFetch}, {"Reception", m.Reception}} {
		if !ts.t.IsZero() {
			da.CreateElement("oscimeta:" + ts.tag).SetText(timeText(ts.t))
		}
	}
	writeParty(el.CreateElement("oscimeta:Originators"), "oscimeta:Author", m.Author)
	writeParty(el.CreateElement("oscimeta:Destinations"), "oscimeta:Reader", m.Reader)
	el.CreateElement("oscimeta:MsgIdentification").CreateElement("wsa:MessageID").SetText(m.MessageID)
	q := el.CreateElement("oscimeta:Qualifier")
	if m.Subject != "" {
		q.CreateElement("oscimeta:Subject").SetText(m.Subject)
	}
	q.CreateElement("oscimeta:Service").SetText(m.Service)
	bs := q.CreateElement("oscimeta:BusinessScenario")
	if m.BusinessScenario.Code != "" {
		writeKeyCode(bs.CreateElement("oscimeta:Defined"), m.BusinessScenario)
	} else {
		bs.CreateElement("oscimeta:Undefined").SetText(m.BusinessScenarioText)
	}
	mt := q.CreateElement("oscimeta:MessageType")
	writeKeyCode(mt, m.MessageType)
	mt.CreateAttr("payloadSchema", m.PayloadSchema)
	if m.MsgSize > 0 {
		el.CreateElement("oscimeta:MsgSize").SetText(strconv.FormatInt(m.MsgSize, 10))
	}
	return el
}

func readParty(el *etree.Element) Party {
	id := child(el, NSOSCIMeta, "Identifier")
	if id == nil {
		return Party{}
	}
	return Party{Identifier: text(id), Type: id.SelectAttrValue("type", ""), Name: id.SelectAttrValue("name", ""),
		Category: id.SelectAttrValue("category", "")}
}

func readKeyCode(el *etree.Element) KeyCode {
	return KeyCode{Code: text(el.SelectElement("code")), Name: text(el.SelectElement("name")),
		ListURI: el.SelectAttrValue("listURI", ""), ListVersionID: el.SelectAttrValue("listVersionID", "")}
}

// ReadMessageMetaData reads an oscimeta:MessageMetaData element after
// checking its structure against the schema.
func ReadMessageMetaData(el *etree.Element) (*MessageMetaData, error) {
	if err := Check(el); err != nil {
		return nil, err
	}
	m := &MessageMetaData{TestMsg: el.SelectAttrValue("TestMsg", "false") == "true"}
	da := child(el, NSOSCIMeta, "DeliveryAttributes")
	var err error
	for _, ts := range []struct {
		tag string
		t   *time.Time
	}{{"Origin", &m.Origin}, {"InitialSend", &m.InitialSend}, {"Delivery", &m.Delivery}, {"InitialFetch", &m.InitialFetch}, {"Reception", &m.Reception}} {
		if *ts.t, err = parseTime(text(child(da, NSOSCIMeta, ts.tag))); err != nil {
			return nil, err
		}
	}
	m.Author = readParty(child(child(el, NSOSCIMeta, "Originators"), NSOSCIMeta, "Author"))
	m.Reader = readParty(child(child(el, NSOSCIMeta, "Destinations"), NSOSCIMeta, "Reader"))
	m.MessageID = text(child(child(el, NSOSCIMeta, "MsgIdentification"), NSWSA, "MessageID"))
	q := child(el, NSOSCIMeta, "Qualifier")
	m.Subject = text(child(q, NSOSCIMeta, "Subject"))
	m.Service = text(child(q, NSOSCIMeta, "Service"))
	bs := child(q, NSOSCIMeta, "BusinessScenario")
	if d := child(bs, NSOSCIMeta, "Defined"); d != nil {
		m.BusinessScenario = readKeyCode(d)
	} else {
		m.BusinessScenarioText = text(child(bs, NSOSCIMeta, "Undefined"))
	}
	mt := child(q, NSOSCIMeta, "MessageType")
	m.MessageType = readKeyCode(mt)
	m.PayloadSchema = mt.SelectAttrValue("payloadSchema", "")
	if s := text(child(el, NSOSCIMeta, "MsgSize")); s != "" {
		if m.MsgSize, err = strconv.ParseInt(s, 10, 64); err != nil {
			return nil, fmt.Errorf("MsgSize: %w", err)
		}
	}
	return m, nil
}
