package xta2

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/beevik/etree"
)

// This file holds structural checks derived from the XSDs in
// shared/reference/xta2 (OSCI_MessageMetaData_V2.02.xsd, OSCI2_02.xsd,
// XTA-Webservice-Globale-Elemente.xsd, XTA-Webservice-Datentypen.xsd,
// XTA-Webservice-Exceptions.xsd, ws-addr.xsd): for every element this
// package writes or reads, the child elements with their namespaces, order
// and cardinality, the attributes (required ones, enumerations, fixed
// values) and the lexical form of simple contents. Parts the platform never
// sends and only passes through (xs:any, security tokens, signatures,
// encrypted data) are accepted as they are.

// textKind is the simple type of an element's or attribute's value.
type textKind int

const (
	noText      textKind = iota // element-only content
	anyText                     // xs:string, may be empty
	nonEmpty                    // NonEmptyStringType, token, normalizedString with content
	uriText                     // xs:anyURI (non-empty, no white space)
	dateTimeTxt                 // xs:dateTime
	dateText                    // xs:date
	intText                     // xs:integer
	posIntText                  // xs:positiveInteger
	nonNegText                  // xs:nonNegativeInteger
	boolText                    // xs:boolean
	base64Text                  // xs:base64Binary
)

type attrSpec struct {
	name     string
	required bool
	kind     textKind
	enum     []string
}

type particle struct {
	ns, name string
	min, max int // max < 0: unbounded
	spec     *elemSpec
}

type elemSpec struct {
	attrs  []attrSpec
	seq    []particle
	choice []particle
	text   textKind
	// opaque content (xs:any, foreign security elements) is not checked.
	opaque bool
}

func one(ns, name string, s *elemSpec) particle  { return particle{ns, name, 1, 1, s} }
func opt(ns, name string, s *elemSpec) particle  { return particle{ns, name, 0, 1, s} }
func many(ns, name string, s *elemSpec) particle { return particle{ns, name, 0, -1, s} }

func leaf(k textKind) *elemSpec { return &elemSpec{text: k} }

var opaque = &elemSpec{opaque: true}

// specs returns the root elements the checker knows; built once, never
// changed.
var specs = sync.OnceValue(func() map[string]*elemSpec {
	keyCode := &elemSpec{attrs: []attrSpec{{name: "listURI", required: true, kind: uriText}, {name: "listVersionID", required: true, kind: nonEmpty}},
		seq: []particle{one("", "code", leaf(nonEmpty)), opt("", "name", leaf(anyText))}}
	messageType := &elemSpec{attrs: append(slices.Clone(keyCode.attrs), attrSpec{name: "payloadSchema", required: true, kind: uriText}), seq: keyCode.seq}
	identifier := &elemSpec{text: nonEmpty, attrs: []attrSpec{{name: "type", required: true, kind: nonEmpty}, {name: "name", kind: nonEmpty},
		{name: "category", kind: nonEmpty}}}
	party := &elemSpec{seq: []particle{one(NSOSCIMeta, "Identifier", identifier), many(NSOSCIMeta, "SecurityToken", opaque)}}
	dt := leaf(dateTimeTxt)
	meta := &elemSpec{attrs: []attrSpec{{name: "TestMsg", kind: boolText}}, seq: []particle{
		one(NSOSCIMeta, "DeliveryAttributes", &elemSpec{seq: []particle{
			opt(NSOSCIMeta, "Origin", dt), opt(NSOSCIMeta, "InitialSend", dt), opt(NSOSCIMeta, "NotBefore", dt),
			opt(NSOSCIMeta, "ObsoleteAfter", leaf(dateText)), opt(NSOSCIMeta, "Delivery", dt), opt(NSOSCIMeta, "InitialFetch", dt),
			opt(NSOSCIMeta, "Reception", dt), opt(NSOSCIMeta, "ServiceQuality", leaf(nonEmpty)), opt(NSOSCIMeta, "ReceiptRequests", opaque)}}),
		one(NSOSCIMeta, "Originators", &elemSpec{seq: []particle{one(NSOSCIMeta, "Author", party), opt(NSOSCIMeta, "Sender", party),
			opt(NSOSCIMeta, "ReplyTo", party)}}),
		one(NSOSCIMeta, "Destinations", &elemSpec{seq: []particle{one(NSOSCIMeta, "Reader", party), opt(NSOSCIMeta, "OtherDestinations", opaque)}}),
		one(NSOSCIMeta, "MsgIdentification", &elemSpec{seq: []particle{one(NSWSA, "MessageID", leaf(uriText)),
			many(NSOSCIMeta, "In-Reply-To", leaf(uriText)), opt(NSOSCIMeta, "ProcessRef", opaque)}}),
		one(NSOSCIMeta, "Qualifier", &elemSpec{seq: []particle{opt(NSOSCIMeta, "Subject", leaf(anyText)), one(NSOSCIMeta, "Service", leaf(uriText)),
			one(NSOSCIMeta, "BusinessScenario", &elemSpec{choice: []particle{one(NSOSCIMeta, "Defined", keyCode), one(NSOSCIMeta, "Undefined", leaf(nonEmpty))}}),
			one(NSOSCIMeta, "MessageType", messageType)}}),
		opt(NSOSCIMeta, "MessageProperties", opaque),
		opt(NSOSCIMeta, "MsgSize", leaf(posIntText)),
	}}
	content := &elemSpec{text: base64Text, attrs: []attrSpec{{name: "contentDescription", kind: nonEmpty}, {name: "contentType", required: true, kind: nonEmpty},
		{name: "encoding", kind: nonEmpty}, {name: "filename", kind: nonEmpty}, {name: "id", kind: nonEmpty}, {name: "lang", kind: nonEmpty},
		{name: "size", kind: posIntText}}}
	container := &elemSpec{choice: []particle{
		one("http://www.w3.org/2001/04/xmlenc#", "EncryptedData", opaque),
		one(NSXTA, "ContentContainer", &elemSpec{seq: []particle{one(NSXTA, "Message", content), many(NSXTA, "Attachment", content)}}),
	}}
	recordCode := &elemSpec{attrs: keyCode.attrs, seq: []particle{one("", "code", leaf(nonEmpty))}}
	record := &elemSpec{seq: []particle{one(NSXTA, "Timestamp", dt), one(NSXTA, "Code", recordCode), one(NSXTA, "Reason", leaf(anyText))}}
	report := &elemSpec{seq: []particle{
		one(NSOSCIMeta, "MessageMetaData", meta), one(NSXTA, "ReportTime", dt), one(NSXTA, "XTAServerIdentity", leaf(nonEmpty)),
		one(NSXTA, "MessageStatus", &elemSpec{seq: []particle{one(NSXTA, "Status", leaf(intText)),
			opt(NSXTA, "ErrorList", &elemSpec{seq: []particle{many(NSXTA, "Error", record)}}),
			opt(NSXTA, "WarnList", &elemSpec{seq: []particle{many(NSXTA, "Warning", record)}}),
			opt(NSXTA, "InfoList", &elemSpec{seq: []particle{many(NSXTA, "Info", record)}})}}),
		opt(NSXTA, "AdditionalReports", opaque), opt("http://www.w3.org/2000/09/xmldsig#", "Signature", opaque),
	}}
	selector := &elemSpec{attrs: []attrSpec{{name: "newEntry", kind: boolText}}, seq: []particle{many(NSWSA, "MessageID", leaf(uriText)),
		many(NSWSA, "RelatesTo", opaque), opt(NSOSCI, "MsgBoxEntryTimeFrom", dt), opt(NSOSCI, "MsgBoxEntryTimeTo", dt), opt(NSOSCI, "Extension", opaque)}}
	errorCode := &elemSpec{attrs: []attrSpec{{name: "listURI", kind: uriText, enum: []string{errorCodeListURI}},
		{name: "listVersionID", kind: nonEmpty, enum: []string{errorCodeListVersion}}},
		seq: []particle{one("", "code", leaf(nonEmpty)), one("", "name", leaf(anyText))}}
	exception := &elemSpec{seq: []particle{one(NSXTA, "errorCode", errorCode)}}
	out := map[string]*elemSpec{
		NSOSCIMeta + " MessageMetaData":         meta,
		NSOSCIMeta + " Author":                  party,
		NSXTA + " GenericContentContainer":      container,
		NSXTA + " TransportReport":              report,
		NSWSA + " MessageID":                    leaf(uriText),
		NSOSCI + " MsgBoxResponse":              {attrs: []attrSpec{{name: "MsgBoxRequestID", required: true, kind: uriText}}, choice: []particle{one(NSOSCI, "NoMessageAvailable", &elemSpec{attrs: []attrSpec{{name: "reason", required: true, kind: uriText}}}), one(NSOSCI, "ItemsPending", leaf(nonNegText))}},
		NSOSCI + " MsgBoxStatusListRequest":     {attrs: []attrSpec{{name: "maxListItems", kind: posIntText}, {name: "ListForm", kind: nonEmpty, enum: []string{"MsgAtrributes", "MessageMetaData"}}}, seq: []particle{opt(NSOSCI, "MsgSelector", selector)}},
		NSOSCI + " MsgStatusList":               {seq: []particle{many(NSOSCI, "MsgAttributes", opaque), many(NSOSCIMeta, "MessageMetaData", meta)}},
		NSOSCI + " MsgBoxFetchRequest":          {attrs: []attrSpec{{name: "MsgPart", kind: nonEmpty, enum: []string{"Envelope", "Header", "Body"}}}, seq: []particle{opt(NSOSCI, "MsgSelector", selector)}},
		NSOSCI + " MsgBoxCloseRequest":          {attrs: []attrSpec{{name: "MsgBoxRequestID", required: true, kind: uriText}}, seq: []particle{many(NSOSCI, "LastMsgReceived", leaf(uriText))}},
		NSXTA + " " + ExcPermissionDenied:       exception,
		NSXTA + " " + ExcTechnicalProblem:       exception,
		NSXTA + " " + ExcParameterIsNotValid:    exception,
		NSXTA + " " + ExcInvalidMessageID:       exception,
		NSXTA + " " + ExcMessageSchemaViolation: exception,
	}
	return out
})

// SchemaError says where a document departs from the schema.
type SchemaError struct {
	Path string
	Msg  string
}

func (e *SchemaError) Error() string { return "schema: " + e.Path + ": " + e.Msg }

// Check validates el against the structure the XSDs give its element.
func Check(el *etree.Element) error {
	if el == nil {
		return &SchemaError{Path: "/", Msg: "element missing"}
	}
	s, ok := specs()[el.NamespaceURI()+" "+el.Tag]
	if !ok {
		return &SchemaError{Path: name(el), Msg: "element unknown to the checker"}
	}
	return check(el, s, name(el))
}

func name(el *etree.Element) string {
	if ns := el.NamespaceURI(); ns != "" {
		return "{" + ns + "}" + el.Tag
	}
	return el.Tag
}

func (p particle) matches(el *etree.Element) bool {
	return el.Tag == p.name && el.NamespaceURI() == p.ns
}

func check(el *etree.Element, s *elemSpec, path string) error {
	if s.opaque {
		return nil
	}
	if err := checkAttrs(el, s, path); err != nil {
		return err
	}
	kids := el.ChildElements()
	switch {
	case s.choice != nil:
		if len(kids) != 1 {
			return &SchemaError{Path: path, Msg: fmt.Sprintf("want exactly one of %s, found %d elements", names(s.choice), len(kids))}
		}
		for _, p := range s.choice {
			if p.matches(kids[0]) {
				return check(kids[0], p.spec, path+"/"+p.name)
			}
		}
		return &SchemaError{Path: path, Msg: fmt.Sprintf("%s is none of %s", name(kids[0]), names(s.choice))}
	case s.seq != nil:
		i := 0
		for _, p := range s.seq {
			n := 0
			for i < len(kids) && p.matches(kids[i]) && (p.max < 0 || n < p.max) {
				if err := check(kids[i], p.spec, path+"/"+p.name); err != nil {
					return err
				}
				i++
				n++
			}
			if n < p.min {
				return &SchemaError{Path: path, Msg: fmt.Sprintf("missing %s", p.name) + found(kids, i)}
			}
		}
		if i < len(kids) {
			return &SchemaError{Path: path, Msg: fmt.Sprintf("unexpected element %s (wrong order or not allowed here)", name(kids[i]))}
		}
	default:
		if len(kids) > 0 {
			return &SchemaError{Path: path, Msg: fmt.Sprintf("no child elements allowed, found %s", name(kids[0]))}
		}
	}
	if s.text != noText {
		return checkText(strings.TrimSpace(el.Text()), s.text, path)
	}
	return nil
}

func found(kids []*etree.Element, i int) string {
	if i < len(kids) {
		return ", found " + name(kids[i])
	}
	return ""
}

func names(ps []particle) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.name
	}
	return strings.Join(out, " | ")
}

func checkAttrs(el *etree.Element, s *elemSpec, path string) error {
	for _, a := range el.Attr {
		if a.Space == "xmlns" || (a.Space == "" && a.Key == "xmlns") {
			continue
		}
		i := slices.IndexFunc(s.attrs, func(as attrSpec) bool { return as.name == a.Key && a.Space == "" })
		if i < 0 {
			return &SchemaError{Path: path, Msg: fmt.Sprintf("attribute %s not allowed", a.FullKey())}
		}
		as := s.attrs[i]
		if len(as.enum) > 0 && !slices.Contains(as.enum, a.Value) {
			return &SchemaError{Path: path + "/@" + a.Key, Msg: fmt.Sprintf("value %q not in %v", a.Value, as.enum)}
		}
		if err := checkText(a.Value, as.kind, path+"/@"+a.Key); err != nil {
			return err
		}
	}
	for _, as := range s.attrs {
		if as.required && el.SelectAttr(as.name) == nil {
			return &SchemaError{Path: path, Msg: "required attribute " + as.name + " missing"}
		}
	}
	return nil
}

func checkText(v string, k textKind, path string) error {
	bad := func(what string) error { return &SchemaError{Path: path, Msg: fmt.Sprintf("%q is no %s", v, what)} }
	switch k {
	case nonEmpty:
		if v == "" {
			return &SchemaError{Path: path, Msg: "must not be empty"}
		}
	case uriText:
		if v == "" || strings.ContainsAny(v, " \t\r\n") {
			return bad("URI")
		}
	case dateTimeTxt:
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			return bad("xs:dateTime")
		}
	case dateText:
		if len(v) < 10 {
			return bad("xs:date")
		}
		if _, err := time.Parse(time.DateOnly, v[:10]); err != nil {
			return bad("xs:date")
		}
	case intText, posIntText, nonNegText:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || (k == posIntText && n < 1) || (k == nonNegText && n < 0) {
			return bad("integer of the required range")
		}
	case boolText:
		if v != "true" && v != "false" && v != "1" && v != "0" {
			return bad("xs:boolean")
		}
	case base64Text:
		if !isBase64(compactBase64(v)) {
			return bad("base64")
		}
	}
	return nil
}

// isBase64 checks the alphabet and padding of standard base64 without
// decoding.
func isBase64(s string) bool {
	if len(s)%4 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
		case c == '=' && i >= len(s)-2:
		default:
			return false
		}
	}
	return true
}
