package xta2

import (
	"errors"
	"fmt"
	"strings"

	"github.com/beevik/etree"
	"github.com/google/uuid"
)

// Namespaces and their fixed prefixes.
const (
	NSSoap     = "http://www.w3.org/2003/05/soap-envelope"
	NSWSA      = "http://www.w3.org/2005/08/addressing"
	NSXTA      = "http://xoev.de/transport/xta/211"
	NSOSCIMeta = "http://www.osci.eu/ws/2014/10/transport"
	NSOSCI     = "http://www.osci.eu/ws/2008/05/transport"
	NSXML      = "http://www.w3.org/XML/1998/namespace"
)

var prefixes = []struct{ prefix, ns string }{
	{"soap", NSSoap}, {"wsa", NSWSA}, {"xta", NSXTA}, {"oscimeta", NSOSCIMeta}, {"osci", NSOSCI},
}

// Actions (wsam:Action of the WSDL; the answers carry the same).
const (
	ActionCheckAccountActive = "http://www.xta.de/XTA/CheckAccountActive"
	ActionCreateMessageID    = "http://www.xta.de/XTA/CreateMessageID"
	ActionSendMessage        = "http://www.xta.de/XTA/SendMessage"
	ActionGetTransportReport = "http://www.xta.de/XTA/GetTransportReport"
	ActionGetStatusList      = "http://www.osci.eu/ws/2008/05/transport/urn/messageTypes/MsgBoxStatusListRequest"
	ActionGetMessage         = "http://www.osci.eu/ws/2008/05/transport/urn/messageTypes/MsgBoxFetchRequest"
	ActionClose              = "http://www.osci.eu/ws/2008/05/transport/urn/messageTypes/MsgBoxCloseRequest"
)

// AnonymousAddress is WS-Addressing's anonymous reply address.
const AnonymousAddress = "http://www.w3.org/2005/08/addressing/anonymous"

// ContentType is the media type of SOAP 1.2 messages.
const ContentType = "application/soap+xml"

// Envelope is a SOAP 1.2 message under construction or read.
type Envelope struct {
	Doc    *etree.Document
	Header *etree.Element
	Body   *etree.Element
}

// Addressing are the WS-Addressing headers of a message.
type Addressing struct {
	Action, MessageID, To, RelatesTo string
	// ReplyTo is set on requests: the anonymous address.
	ReplyTo bool
}

// NewEnvelope starts a message with the WS-Addressing headers; every
// namespace is declared on the root.
func NewEnvelope(a Addressing) *Envelope {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	root := doc.CreateElement("soap:Envelope")
	for _, p := range prefixes {
		root.CreateAttr("xmlns:"+p.prefix, p.ns)
	}
	e := &Envelope{Doc: doc, Header: root.CreateElement("soap:Header")}
	e.Header.CreateElement("wsa:Action").SetText(a.Action)
	if a.MessageID == "" {
		a.MessageID = "urn:uuid:" + uuid.NewString()
	}
	e.Header.CreateElement("wsa:MessageID").SetText(a.MessageID)
	if a.To != "" {
		e.Header.CreateElement("wsa:To").SetText(a.To)
	}
	if a.RelatesTo != "" {
		e.Header.CreateElement("wsa:RelatesTo").SetText(a.RelatesTo)
	}
	if a.ReplyTo {
		e.Header.CreateElement("wsa:ReplyTo").CreateElement("wsa:Address").SetText(AnonymousAddress)
	}
	e.Body = root.CreateElement("soap:Body")
	return e
}

// Bytes serialises the envelope.
func (e *Envelope) Bytes() ([]byte, error) {
	e.Doc.WriteSettings.CanonicalEndTags = true
	return e.Doc.WriteToBytes()
}

// maxDepth caps the nesting of a message read.
const maxDepth = 64

// ParseEnvelope reads a SOAP 1.2 message: the root must be soap:Envelope
// with an optional soap:Header followed by soap:Body.
func ParseEnvelope(b []byte) (*Envelope, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(b); err != nil {
		return nil, fmt.Errorf("soap: %w", err)
	}
	if err := wellFormed(doc); err != nil {
		return nil, fmt.Errorf("soap: %w", err)
	}
	root := doc.Root()
	if root == nil || !is(root, NSSoap, "Envelope") {
		return nil, errors.New("soap: root is not a SOAP 1.2 Envelope")
	}
	e := &Envelope{Doc: doc}
	for i, c := range root.ChildElements() {
		switch {
		case is(c, NSSoap, "Header") && i == 0 && e.Body == nil:
			e.Header = c
		case is(c, NSSoap, "Body") && e.Body == nil:
			e.Body = c
		default:
			return nil, fmt.Errorf("soap: unexpected element %s in Envelope", c.FullTag())
		}
	}
	if e.Body == nil {
		return nil, errors.New("soap: no Body")
	}
	if e.Header == nil {
		e.Header = etree.NewElement("soap:Header")
	}
	return e, nil
}

// wellFormed adds to what etree's strict reading checks (nesting, tag
// names): exactly one root element, no text and no DTD outside it, at
// most maxDepth levels. encoding/xml never expands external entities.
func wellFormed(doc *etree.Document) error {
	roots := 0
	for _, tok := range doc.Child {
		switch t := tok.(type) {
		case *etree.Element:
			roots++
		case *etree.CharData:
			if !t.IsWhitespace() {
				return errors.New("text outside the root element")
			}
		case *etree.Directive:
			return errors.New("DTDs are not allowed")
		}
	}
	if roots != 1 {
		return errors.New("want exactly one root element")
	}
	type item struct {
		el *etree.Element
		d  int
	}
	stack := []item{{doc.Root(), 1}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.d > maxDepth {
			return errors.New("nested too deeply")
		}
		for _, c := range it.el.ChildElements() {
			stack = append(stack, item{c, it.d + 1})
		}
	}
	return nil
}

// is reports whether el is the element local in namespace ns.
func is(el *etree.Element, ns, local string) bool {
	return el != nil && el.Tag == local && el.NamespaceURI() == ns
}

// child returns the first child element local in ns, or nil.
func child(el *etree.Element, ns, local string) *etree.Element {
	if el == nil {
		return nil
	}
	for _, c := range el.ChildElements() {
		if is(c, ns, local) {
			return c
		}
	}
	return nil
}

// children returns the child elements local in ns.
func children(el *etree.Element, ns, local string) []*etree.Element {
	var out []*etree.Element
	if el == nil {
		return nil
	}
	for _, c := range el.ChildElements() {
		if is(c, ns, local) {
			out = append(out, c)
		}
	}
	return out
}

// text returns the trimmed text of el, "" for nil.
func text(el *etree.Element) string {
	if el == nil {
		return ""
	}
	return strings.TrimSpace(el.Text())
}

// Addressing reads the WS-Addressing headers.
func (e *Envelope) Addressing() Addressing {
	return Addressing{Action: text(child(e.Header, NSWSA, "Action")), MessageID: text(child(e.Header, NSWSA, "MessageID")),
		To: text(child(e.Header, NSWSA, "To")), RelatesTo: text(child(e.Header, NSWSA, "RelatesTo")),
		ReplyTo: child(e.Header, NSWSA, "ReplyTo") != nil}
}

// Payload returns the single element of the body, or nil for an empty
// body.
func (e *Envelope) Payload() *etree.Element {
	cs := e.Body.ChildElements()
	if len(cs) == 0 {
		return nil
	}
	return cs[0]
}

// Error codes of the XTA code list urn:de:xta:webservice:codeliste:fehlernummer.
const (
	CodeUnspecified        = "9000"
	CodeCertificateExpired = "9010"
	CodeAccountLocked      = "9011"
	CodeAccountUnknown     = "9012"
	CodeNotBooked          = "9013"
	CodeAuthorMismatch     = "9014"
	CodeNoParameters       = "9020"
	CodeInvalidURI         = "9021"
	CodeBadCombination     = "9022"
	CodeTooLarge           = "9023"
	CodeMessageIDUsed      = "9024"
	CodeInternal           = "9030"
	CodeDirectory          = "9031"
	CodeDelivery           = "9032"
	CodeSchemaViolation    = "9050"
	CodeMessageIDUnknown   = "9070"
)

// codeNames are the German names of the error codes (XTA code list 1.0).
var codeNames = map[string]string{
	CodeUnspecified: "Unspezifizierter Fehler, als Freitext beschrieben", CodeCertificateExpired: "Authentisierung/Zertifikat ist abgelaufen.",
	CodeAccountLocked: "Account ist gesperrt.", CodeAccountUnknown: "Account nicht vorhanden.", CodeNotBooked: "Dienst ist nicht gebucht.",
	CodeAuthorMismatch: "Authentisierung/Zertifikat passt nicht zur Absenderkennung.", CodeNoParameters: "Keine Parameter vorhanden",
	CodeInvalidURI: "Keine gültige URI", CodeBadCombination: "Ungültige Parameterkombination",
	CodeTooLarge: "Die Nachricht überschreitet die Größenbeschränkung.", CodeMessageIDUsed: "MessageID ist bereits vergeben.",
	CodeInternal: "Interner Fehler beim XTA-Server bzw. XTA-Dienstleister", CodeDirectory: "Fehler beim externen Verzeichnisdienst",
	CodeDelivery: "Fehler bei der Zustellung", CodeSchemaViolation: "Fachnachricht ist nicht schemakonform",
	CodeMessageIDUnknown: "MessageID für den Account nicht bekannt.",
}

// Exceptions of the WSDL.
const (
	ExcPermissionDenied        = "PermissionDeniedException"
	ExcTechnicalProblem        = "XTAWSTechnicalProblemException"
	ExcParameterIsNotValid     = "ParameterIsNotValidException"
	ExcMessageSchemaViolation  = "MessageSchemaViolationException"
	ExcInvalidMessageID        = "InvalidMessageIDException"
	ExcMessageVirusDetection   = "MessageVirusDetectionException"
	ExcSyncAsync               = "SyncAsyncException"
	ExcCancelDenied            = "CancelDeniedException"
	errorCodeListURI           = "urn:de:xta:webservice:codeliste:fehlernummer"
	errorCodeListVersion       = "1.0"
	faultSender, faultReceiver = "soap:Sender", "soap:Receiver"
)

// Fault is a SOAP fault carrying an XTA exception.
type Fault struct {
	// Exception is the XTA exception's element name, e.g.
	// "ParameterIsNotValidException"; empty for a plain SOAP fault.
	Exception string
	// Code is the XTA error number, e.g. "9024".
	Code   string
	Reason string
	// Receiver tells a server-side fault (soap:Receiver) from a fault of
	// the request (soap:Sender).
	Receiver bool
}

func (f *Fault) Error() string {
	if f.Exception != "" {
		return fmt.Sprintf("XTA %s %s: %s", f.Exception, f.Code, f.Reason)
	}
	return "SOAP fault: " + f.Reason
}

// Temporary reports whether a retry may succeed. The exception decides
// first: XTAWSTechnicalProblemException is the server's own trouble (also
// a directory or delivery error it reports with it), while
// PermissionDeniedException, ParameterIsNotValidException,
// MessageSchemaViolationException and the other exceptions of the WSDL
// refuse the request itself – a directory error 9031 "Leser unbekannt" in
// a ParameterIsNotValidException stays so however often it is repeated.
// Without an XTA exception, a fault of the receiver (soap:Receiver) is
// temporary, one of the sender not.
func (f *Fault) Temporary() bool {
	switch f.Exception {
	case ExcTechnicalProblem:
		return true
	case "":
		return f.Receiver || f.Code == CodeInternal
	}
	return false
}

// NewFault builds a fault for an XTA exception with its code's name as
// reason unless reason is given.
func NewFault(exception, code, reason string) *Fault {
	if reason == "" {
		reason = codeNames[code]
	}
	receiver := exception == ExcTechnicalProblem
	return &Fault{Exception: exception, Code: code, Reason: reason, Receiver: receiver}
}

// FaultEnvelope builds the answer carrying f.
func FaultEnvelope(f *Fault, a Addressing) *Envelope {
	e := NewEnvelope(a)
	fe := e.Body.CreateElement("soap:Fault")
	code := faultSender
	if f.Receiver {
		code = faultReceiver
	}
	fe.CreateElement("soap:Code").CreateElement("soap:Value").SetText(code)
	t := fe.CreateElement("soap:Reason").CreateElement("soap:Text")
	t.CreateAttr("xml:lang", "de")
	t.SetText(f.Reason)
	if f.Exception != "" {
		ex := fe.CreateElement("soap:Detail").CreateElement("xta:" + f.Exception)
		ec := ex.CreateElement("xta:errorCode")
		ec.CreateAttr("listURI", errorCodeListURI)
		ec.CreateAttr("listVersionID", errorCodeListVersion)
		ec.CreateElement("code").SetText(f.Code)
		name := codeNames[f.Code]
		if name == "" {
			name = f.Reason
		}
		ec.CreateElement("name").SetText(name)
	}
	return e
}

// FaultOf reads a fault from a message, or returns nil.
func FaultOf(e *Envelope) *Fault {
	fe := child(e.Body, NSSoap, "Fault")
	if fe == nil {
		return nil
	}
	f := &Fault{Reason: text(child(child(fe, NSSoap, "Reason"), NSSoap, "Text"))}
	f.Receiver = strings.HasSuffix(text(child(child(fe, NSSoap, "Code"), NSSoap, "Value")), "Receiver")
	if d := child(fe, NSSoap, "Detail"); d != nil {
		for _, ex := range d.ChildElements() {
			if ex.NamespaceURI() == NSXTA {
				f.Exception = ex.Tag
				ec := child(ex, NSXTA, "errorCode")
				if ec != nil {
					f.Code = text(ec.SelectElement("code"))
				}
			}
		}
	}
	return f
}
