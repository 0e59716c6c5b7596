package xta2_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"

	"sozialplattform/onboarding/delivery/pki"
	"sozialplattform/onboarding/delivery/xta2"
	"sozialplattform/onboarding/delivery/xta2/xtaserver"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var (
	platform = xta2.Party{Identifier: "sop:150000000099", Type: "xoev", Name: "Sozialplattform Sachsen-Anhalt"}
	harz     = xta2.Party{Identifier: "sop:150850000100", Type: "xoev", Name: "Landkreis Harz"}
)

func sampleMeta(id string) *xta2.MessageMetaData {
	at := time.Date(2026, 11, 28, 9, 59, 20, 0, time.UTC)
	return &xta2.MessageMetaData{TestMsg: true, Origin: at, InitialSend: at, Author: platform, Reader: harz, MessageID: id,
		Subject: "Antrag HzL HZL-2026-000001", Service: "https://portalverbund.d-nrw.de/efa/XSozial-basis/Version_2_4_0",
		BusinessScenarioText: "XSozial-basis",
		MessageType: xta2.KeyCode{Code: "1000001", Name: "vorgang.transportieren.1000001",
			ListURI: "urn:xoev-de:xsozial-basis:codeliste:nachrichtentyp", ListVersionID: "2.4.0"},
		PayloadSchema: "https://portalverbund.d-nrw.de/efa/XSozial-basis/Version_2_4_0", MsgSize: 42}
}

func sampleContent() *xta2.Container {
	return &xta2.Container{
		Message:     xta2.Content{ContentType: "application/xml", Filename: "antrag.xml", Encoding: "UTF-8", Data: []byte(`<?xml version="1.0"?><a/>`)},
		Attachments: []xta2.Content{{ContentType: "application/pdf", Filename: "Antrag.pdf", Data: []byte("%PDF-1.7")}},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file: %v (run with -update)", err)
	}
	if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}

func indented(e *xta2.Envelope) []byte {
	e.Doc.Indent(2)
	b, _ := e.Bytes()
	return b
}

func TestSendMessageEnvelopeMatchesGoldenAndSchema(t *testing.T) {
	t.Parallel()
	e := xta2.NewEnvelope(xta2.Addressing{Action: xta2.ActionSendMessage, MessageID: "urn:uuid:00000000-0000-4000-8000-000000000001",
		To: "https://xta.example/ws", ReplyTo: true})
	meta := sampleMeta("urn:de:xta:messageid:test:1")
	if err := xta2.Check(meta.Write(e.Header)); err != nil {
		t.Fatal(err)
	}
	if err := xta2.Check(sampleContent().Write(e.Body)); err != nil {
		t.Fatal(err)
	}
	golden(t, "sendMessage.xml", indented(e))

	// Read back what was written.
	parsed, err := xta2.ParseEnvelope(indented(e))
	if err != nil {
		t.Fatal(err)
	}
	var metaEl *etree.Element
	for _, c := range parsed.Header.ChildElements() {
		if c.Tag == "MessageMetaData" {
			metaEl = c
		}
	}
	got, err := xta2.ReadMessageMetaData(metaEl)
	if err != nil {
		t.Fatal(err)
	}
	if *got != *meta {
		t.Errorf("metadata round trip:\n got %+v\nwant %+v", got, meta)
	}
	c, err := xta2.ReadContainer(parsed.Payload())
	if err != nil || string(c.Attachments[0].Data) != "%PDF-1.7" {
		t.Fatalf("container round trip: %+v, %v", c, err)
	}
}

func TestFaultEnvelopeMatchesGolden(t *testing.T) {
	t.Parallel()
	f := xta2.NewFault(xta2.ExcParameterIsNotValid, xta2.CodeMessageIDUsed, "")
	e := xta2.FaultEnvelope(f, xta2.Addressing{Action: xta2.ActionSendMessage, MessageID: "urn:uuid:00000000-0000-4000-8000-000000000002",
		RelatesTo: "urn:uuid:00000000-0000-4000-8000-000000000001"})
	golden(t, "fault.xml", indented(e))
	back := xta2.FaultOf(e)
	if back == nil || back.Exception != xta2.ExcParameterIsNotValid || back.Code != xta2.CodeMessageIDUsed || back.Temporary() {
		t.Fatalf("fault round trip: %+v", back)
	}
}

// TestSchemaChecks feeds documents that break one rule of the XSDs each.
func TestSchemaChecks(t *testing.T) {
	t.Parallel()
	build := func() *etree.Element {
		doc := etree.NewDocument()
		root := doc.CreateElement("x")
		root.CreateAttr("xmlns:oscimeta", xta2.NSOSCIMeta)
		root.CreateAttr("xmlns:wsa", xta2.NSWSA)
		root.CreateAttr("xmlns:xta", xta2.NSXTA)
		return sampleMeta("urn:de:xta:messageid:test:1").Write(root)
	}
	if err := xta2.Check(build()); err != nil {
		t.Fatalf("valid metadata refused: %v", err)
	}
	tests := []struct {
		name   string
		break_ func(m *etree.Element)
		want   string
	}{
		{"children out of order", func(m *etree.Element) {
			o := m.SelectElement("oscimeta:Originators")
			m.RemoveChild(o)
			m.AddChild(o)
		}, "missing Originators"},
		{"required Reader missing", func(m *etree.Element) {
			d := m.SelectElement("oscimeta:Destinations")
			d.RemoveChild(d.SelectElement("oscimeta:Reader"))
		}, "missing Reader"},
		{"Identifier without type", func(m *etree.Element) {
			m.FindElement("oscimeta:Originators/oscimeta:Author/oscimeta:Identifier").RemoveAttr("type")
		}, "required attribute type"},
		{"MessageType without payloadSchema", func(m *etree.Element) {
			m.FindElement("oscimeta:Qualifier/oscimeta:MessageType").RemoveAttr("payloadSchema")
		}, "payloadSchema"},
		{"KeyCode code qualified", func(m *etree.Element) {
			c := m.FindElement("oscimeta:Qualifier/oscimeta:MessageType/code")
			c.Space = "oscimeta"
		}, "missing code"},
		{"MessageID in the wrong namespace", func(m *etree.Element) {
			m.FindElement("oscimeta:MsgIdentification/wsa:MessageID").Space = "oscimeta"
		}, "missing MessageID"},
		{"both BusinessScenario choices", func(m *etree.Element) {
			m.FindElement("oscimeta:Qualifier/oscimeta:BusinessScenario").CreateElement("oscimeta:Undefined").SetText("x")
		}, "exactly one"},
		{"bad date-time", func(m *etree.Element) {
			m.FindElement("oscimeta:DeliveryAttributes/oscimeta:Origin").SetText("28.11.2026")
		}, "xs:dateTime"},
		{"MsgSize zero", func(m *etree.Element) {
			m.SelectElement("oscimeta:MsgSize").SetText("0")
		}, "integer"},
		{"unknown attribute", func(m *etree.Element) { m.CreateAttr("Priority", "high") }, "not allowed"},
		{"empty Service", func(m *etree.Element) {
			m.FindElement("oscimeta:Qualifier/oscimeta:Service").SetText("")
		}, "URI"},
	}
	for _, tt := range tests {
		m := build()
		tt.break_(m)
		err := xta2.Check(m)
		var se *xta2.SchemaError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want a schema error with %q", tt.name, err, tt.want)
		}
	}
}

// tlsPair starts the server with TLS that demands client certificates.
func tlsPair(t *testing.T, srv *xtaserver.Server, wrap func(http.Handler) http.Handler) (endpoint string, client func(cn string) (*http.Client, string)) {
	t.Helper()
	now := time.Now()
	ca, err := pki.NewCA("XTA Test-CA", now, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	serverCert, err := ca.TLSCertificate(pki.Spec{CommonName: "127.0.0.1", NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), Server: true, Hosts: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	hs := httptest.NewUnstartedServer(h)
	hs.Config.ErrorLog = log.New(io.Discard, "", 0)
	hs.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.Pool()}
	hs.StartTLS()
	t.Cleanup(hs.Close)
	return hs.URL + "/xta", func(cn string) (*http.Client, string) {
		cert, err := ca.TLSCertificate(pki.Spec{CommonName: cn, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), Client: true})
		if err != nil {
			t.Fatal(err)
		}
		return xta2.TLSClient(cert, ca.Pool(), 5*time.Second), xtaserver.Fingerprint(cert.Leaf.Raw)
	}
}

func TestSendFetchCloseOverMutualTLS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := xtaserver.New(xtaserver.Options{})
	endpoint, client := tlsPair(t, srv, nil)
	pc, pfp := client("sozialplattform")
	hc, hfp := client("fachverfahren-harz")
	srv.AddAccount(platform.Identifier, pfp)
	srv.AddAccount(harz.Identifier, hfp)
	sender := xta2.NewClient(xta2.Config{Endpoint: endpoint, Identity: platform, HTTPClient: pc})
	reader := xta2.NewClient(xta2.Config{Endpoint: endpoint, Identity: harz, HTTPClient: hc})

	if err := sender.CheckAccountActive(ctx); err != nil {
		t.Fatal(err)
	}
	id, err := sender.CreateMessageID(ctx)
	if err != nil || !strings.HasPrefix(id, "urn:de:xta:messageid:") {
		t.Fatalf("message ID %q, %v", id, err)
	}
	if err := sender.SendMessage(ctx, sampleMeta(id), sampleContent()); err != nil {
		t.Fatal(err)
	}
	// A repeated send is refused with 9024: the caller knows it arrived.
	err = sender.SendMessage(ctx, sampleMeta(id), sampleContent())
	var f *xta2.Fault
	if !errors.As(err, &f) || f.Code != xta2.CodeMessageIDUsed {
		t.Fatalf("second send: %v", err)
	}
	rep, err := sender.GetTransportReport(ctx, id)
	if err != nil || rep.Status != xta2.StatusOpen || rep.Meta.Delivery.IsZero() {
		t.Fatalf("report before fetch: %+v, %v", rep, err)
	}
	var got []xta2.Fetched
	n, err := xta2.FetchAll(ctx, reader, func(m xta2.Fetched) error { got = append(got, m); return nil })
	if err != nil || n != 1 || string(got[0].Content.Message.Data) != `<?xml version="1.0"?><a/>` || !got[0].Meta.TestMsg {
		t.Fatalf("fetch: %d, %v, %+v", n, err, got)
	}
	if n, err := xta2.FetchAll(ctx, reader, func(xta2.Fetched) error { return nil }); n != 0 || err != nil {
		t.Fatalf("box not empty after close: %d, %v", n, err)
	}
	rep, err = sender.GetTransportReport(ctx, id)
	if err != nil || rep.Status != xta2.StatusGreen || rep.Meta.Reception.IsZero() {
		t.Fatalf("report after close: %+v, %v", rep, err)
	}
}

// TestAccountsFromADirectory: a reader the server was never told of has
// an account as soon as the directory (Options.Accounts) knows it – the
// demo intermediary answers from the DVDV entries – and only for the
// certificates the directory names; a reader it does not know is refused
// with 9031, and the fetching side learns of each delivery.
func TestAccountsFromADirectory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var mu sync.Mutex
	known := map[string]string{}
	var delivered []string
	srv := xtaserver.New(xtaserver.Options{
		Accounts: func(_ context.Context, id string) ([]string, bool, error) {
			mu.Lock()
			defer mu.Unlock()
			fp, ok := known[id]
			return []string{fp}, ok, nil
		},
		Delivered: func(reader string) {
			mu.Lock()
			defer mu.Unlock()
			delivered = append(delivered, reader)
		}})
	endpoint, client := tlsPair(t, srv, nil)
	pc, pfp := client("sozialplattform")
	hc, hfp := client("fachverfahren")
	other, _ := client("jemand-anders")
	srv.AddAccount(platform.Identifier, pfp)
	sender := xta2.NewClient(xta2.Config{Endpoint: endpoint, Identity: platform, HTTPClient: pc})
	reader := xta2.NewClient(xta2.Config{Endpoint: endpoint, Identity: harz, HTTPClient: hc})

	id, err := sender.CreateMessageID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var f *xta2.Fault
	if err := sender.SendMessage(ctx, sampleMeta(id), sampleContent()); !errors.As(err, &f) || f.Code != xta2.CodeDirectory {
		t.Fatalf("send to a reader nobody knows: %v", err)
	}
	mu.Lock()
	known[harz.Identifier] = hfp
	mu.Unlock()
	if err := sender.SendMessage(ctx, sampleMeta(id), sampleContent()); err != nil {
		t.Fatalf("send once the directory knows the reader: %v", err)
	}
	impostor := xta2.NewClient(xta2.Config{Endpoint: endpoint, Identity: harz, HTTPClient: other})
	if _, err := xta2.FetchAll(ctx, impostor, func(xta2.Fetched) error { return nil }); !errors.As(err, &f) || f.Code != xta2.CodeAuthorMismatch {
		t.Fatalf("fetch with another certificate: %v", err)
	}
	if n, err := xta2.FetchAll(ctx, reader, func(xta2.Fetched) error { return nil }); n != 1 || err != nil {
		t.Fatalf("fetch: %d, %v", n, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(delivered) != 1 || delivered[0] != harz.Identifier {
		t.Fatalf("delivered: %v", delivered)
	}
}

func TestPermissionsAndBadRequests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := xtaserver.New(xtaserver.Options{})
	endpoint, client := tlsPair(t, srv, nil)
	pc, pfp := client("sozialplattform")
	other, _ := client("jemand-anders")
	srv.AddAccount(platform.Identifier, pfp)
	srv.AddAccount(harz.Identifier)

	code := func(err error) string {
		var f *xta2.Fault
		if errors.As(err, &f) {
			return f.Exception + " " + f.Code
		}
		return "no fault: " + errString(err)
	}
	unknown := xta2.NewClient(xta2.Config{Endpoint: endpoint, Identity: xta2.Party{Identifier: "sop:999"}, HTTPClient: pc})
	if got := code(unknown.CheckAccountActive(ctx)); got != "PermissionDeniedException 9012" {
		t.Errorf("unknown account: %s", got)
	}
	impostor := xta2.NewClient(xta2.Config{Endpoint: endpoint, Identity: platform, HTTPClient: other})
	if got := code(impostor.CheckAccountActive(ctx)); got != "PermissionDeniedException 9014" {
		t.Errorf("wrong certificate: %s", got)
	}
	sender := xta2.NewClient(xta2.Config{Endpoint: endpoint, Identity: platform, HTTPClient: pc})
	if got := code(sender.SendMessage(ctx, sampleMeta("urn:de:xta:messageid:selbstgemacht"), sampleContent())); got != "InvalidMessageIDException 9070" {
		t.Errorf("own message ID: %s", got)
	}
	id, _ := sender.CreateMessageID(ctx)
	m := sampleMeta(id)
	m.Reader = xta2.Party{Identifier: "sop:000000000000"}
	if got := code(sender.SendMessage(ctx, m, sampleContent())); got != "ParameterIsNotValidException 9031" {
		t.Errorf("unknown reader: %s", got)
	}
	c := sampleContent()
	c.Message.Data = []byte("<nicht wohlgeformt")
	if got := code(sender.SendMessage(ctx, sampleMeta(id), c)); got != "MessageSchemaViolationException 9050" {
		t.Errorf("broken XML: %s", got)
	}
	if _, err := sender.GetTransportReport(ctx, "urn:de:xta:messageid:fremd"); code(err) != "InvalidMessageIDException 9070" {
		t.Errorf("report of an unknown message: %v", err)
	}
	// Without a client certificate the TLS handshake fails.
	noCert := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, Timeout: 5 * time.Second}
	if err := xta2.NewClient(xta2.Config{Endpoint: endpoint, Identity: platform, HTTPClient: noCert}).CheckAccountActive(ctx); err == nil {
		t.Error("a client without certificate was served")
	}
}

func errString(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

func TestUnavailableServerIsTemporary(t *testing.T) {
	t.Parallel()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		http.Error(w, "Wartung", http.StatusServiceUnavailable)
	}))
	defer hs.Close()
	err := xta2.NewClient(xta2.Config{Endpoint: hs.URL, Identity: platform}).CheckAccountActive(context.Background())
	var he *xta2.HTTPError
	if !errors.As(err, &he) || !he.Temporary() || he.RetryAfter() != 7*time.Second {
		t.Fatalf("got %v", err)
	}
}

// TestFaultTemporary: the XTA exception decides whether a retry may help
// (finding m8: 9031 "Leser unbekannt" stops at once).
func TestFaultTemporary(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		f    *xta2.Fault
		want bool
	}{
		{xta2.NewFault(xta2.ExcParameterIsNotValid, xta2.CodeDirectory, "Leser sop:150900000100 unbekannt"), false},
		{xta2.NewFault(xta2.ExcTechnicalProblem, xta2.CodeDirectory, "DVDV nicht erreichbar"), true},
		{xta2.NewFault(xta2.ExcTechnicalProblem, xta2.CodeInternal, ""), true},
		{xta2.NewFault(xta2.ExcPermissionDenied, xta2.CodeAccountLocked, ""), false},
		{xta2.NewFault(xta2.ExcPermissionDenied, xta2.CodeCertificateExpired, ""), false},
		{xta2.NewFault(xta2.ExcMessageSchemaViolation, xta2.CodeSchemaViolation, ""), false},
		{xta2.NewFault(xta2.ExcParameterIsNotValid, xta2.CodeTooLarge, ""), false},
		{&xta2.Fault{Reason: "Proxy kaputt", Receiver: true}, true},
		{&xta2.Fault{Reason: "Anfrage kaputt"}, false},
	} {
		if got := tt.f.Temporary(); got != tt.want {
			t.Errorf("%v: Temporary() = %v, want %v", tt.f, got, tt.want)
		}
	}
}
