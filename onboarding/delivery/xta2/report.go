package xta2

import (
	"fmt"
	"strconv"
	"time"

	"github.com/beevik/etree"
)

// Transport report states (MessageStatusType/Status).
const (
	StatusOpen   = 0 // still being processed
	StatusGreen  = 1 // done without errors or warnings
	StatusYellow = 2 // done with warnings
	StatusRed    = 3 // critical errors
)

// Record is a line of a transport report.
type Record struct {
	Timestamp time.Time
	Code      KeyCode
	Reason    string
}

// TransportReport is the XTA transport protocol of a message.
type TransportReport struct {
	Meta           MessageMetaData
	ReportTime     time.Time
	ServerIdentity string
	Status         int
	Errors, Infos  []Record
}

// recordListURI names the code list of the report's records.
const recordListURI = "urn:de:xta:codeliste:record.type"

// NewRecord makes a record with a code of the XTA record code list.
func NewRecord(at time.Time, code, reason string) Record {
	return Record{Timestamp: at, Code: KeyCode{Code: code, ListURI: recordListURI, ListVersionID: "1.0"}, Reason: reason}
}

func writeRecords(parent *etree.Element, list, item string, rs []Record) {
	if len(rs) == 0 {
		return
	}
	l := parent.CreateElement("xta:" + list)
	for _, r := range rs {
		it := l.CreateElement("xta:" + item)
		it.CreateElement("xta:Timestamp").SetText(timeText(r.Timestamp))
		c := it.CreateElement("xta:Code")
		c.CreateAttr("listURI", r.Code.ListURI)
		c.CreateAttr("listVersionID", r.Code.ListVersionID)
		c.CreateElement("code").SetText(r.Code.Code)
		it.CreateElement("xta:Reason").SetText(r.Reason)
	}
}

// Write appends xta:TransportReport to parent.
func (r *TransportReport) Write(parent *etree.Element) *etree.Element {
	el := parent.CreateElement("xta:TransportReport")
	r.Meta.Write(el)
	el.CreateElement("xta:ReportTime").SetText(timeText(r.ReportTime))
	el.CreateElement("xta:XTAServerIdentity").SetText(r.ServerIdentity)
	ms := el.CreateElement("xta:MessageStatus")
	ms.CreateElement("xta:Status").SetText(strconv.Itoa(r.Status))
	writeRecords(ms, "ErrorList", "Error", r.Errors)
	writeRecords(ms, "InfoList", "Info", r.Infos)
	return el
}

func readRecords(parent *etree.Element, list, item string) ([]Record, error) {
	var out []Record
	for _, it := range children(child(parent, NSXTA, list), NSXTA, item) {
		ts, err := parseTime(text(child(it, NSXTA, "Timestamp")))
		if err != nil {
			return nil, err
		}
		out = append(out, Record{Timestamp: ts, Code: readKeyCode(child(it, NSXTA, "Code")), Reason: text(child(it, NSXTA, "Reason"))})
	}
	return out, nil
}

// ReadTransportReport reads a TransportReport after checking it.
func ReadTransportReport(el *etree.Element) (*TransportReport, error) {
	if err := Check(el); err != nil {
		return nil, err
	}
	meta, err := ReadMessageMetaData(child(el, NSOSCIMeta, "MessageMetaData"))
	if err != nil {
		return nil, err
	}
	r := &TransportReport{Meta: *meta, ServerIdentity: text(child(el, NSXTA, "XTAServerIdentity"))}
	if r.ReportTime, err = parseTime(text(child(el, NSXTA, "ReportTime"))); err != nil {
		return nil, err
	}
	ms := child(el, NSXTA, "MessageStatus")
	if r.Status, err = strconv.Atoi(text(child(ms, NSXTA, "Status"))); err != nil {
		return nil, fmt.Errorf("transport report status: %w", err)
	}
	if r.Errors, err = readRecords(ms, "ErrorList", "Error"); err != nil {
		return nil, err
	}
	if r.Infos, err = readRecords(ms, "InfoList", "Info"); err != nil {
		return nil, err
	}
	return r, nil
}

// MsgBoxResponse is the header of message box answers.
type MsgBoxResponse struct {
	RequestID string
	// NoMessageReason is set when nothing is available; otherwise
	// ItemsPending counts what remains.
	NoMessageReason string
	ItemsPending    int
}

// Reasons of NoMessageAvailable.
const (
	ReasonNoMatch          = "http://www.osci.eu/ws/2008/05/transport/MsgBox/reasons/NoMatch"
	ReasonRequestIDInvalid = "http://www.osci.eu/ws/2008/05/transport/MsgBox/reasons/RequestIdInvalid"
)

// Write appends osci:MsgBoxResponse to parent.
func (m *MsgBoxResponse) Write(parent *etree.Element) *etree.Element {
	el := parent.CreateElement("osci:MsgBoxResponse")
	el.CreateAttr("MsgBoxRequestID", m.RequestID)
	if m.NoMessageReason != "" {
		el.CreateElement("osci:NoMessageAvailable").CreateAttr("reason", m.NoMessageReason)
	} else {
		el.CreateElement("osci:ItemsPending").SetText(strconv.Itoa(m.ItemsPending))
	}
	return el
}

// ReadMsgBoxResponse reads an osci:MsgBoxResponse.
func ReadMsgBoxResponse(el *etree.Element) (*MsgBoxResponse, error) {
	if err := Check(el); err != nil {
		return nil, err
	}
	m := &MsgBoxResponse{RequestID: el.SelectAttrValue("MsgBoxRequestID", "")}
	if n := child(el, NSOSCI, "NoMessageAvailable"); n != nil {
		m.NoMessageReason = n.SelectAttrValue("reason", "")
		return m, nil
	}
	v, err := strconv.Atoi(text(child(el, NSOSCI, "ItemsPending")))
	if err != nil {
		return nil, fmt.Errorf("ItemsPending: %w", err)
	}
	m.ItemsPending = v
	return m, nil
}
