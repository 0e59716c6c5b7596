package delivery_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/deliverytest"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/onboarding/delivery/fitconnect"
	"sozialplattform/onboarding/delivery/pki"
	"sozialplattform/onboarding/delivery/xta2"
	"sozialplattform/onboarding/delivery/xta2/xtaserver"
	"sozialplattform/tenant/clock/clocktest"
)

// Tenants of the tests.
const (
	harzID       = "t-harz"
	wittenbergID = "t-wittenberg"
	magdeburgID  = "t-magdeburg"
)

func seedTenants(t testing.TB, db *migrations.DB) {
	t.Helper()
	now := time.Now().UTC()
	for _, tt := range []struct{ id, name, key string }{{harzID, "Landkreis Harz", "15085"}, {wittenbergID, "Landkreis Wittenberg", "15091"},
		{magdeburgID, "Landeshauptstadt Magdeburg", "15003"}} {
		if _, err := db.Write.ExecContext(context.Background(),
			"INSERT INTO tenants (id, kind, name, official_key, slug, created_at, updated_at) VALUES (?, 'landkreis', ?, ?, ?, ?, ?)",
			tt.id, tt.name, tt.key, tt.id, now, now); err != nil {
			t.Fatal(err)
		}
	}
}

// router is a fixed Router and CaseResolver.
type router struct {
	mu     sync.Mutex
	routes map[string]delivery.Route
}

func (r *router) set(tenantID, strecke string, rt delivery.Route) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.routes[tenantID+"/"+strecke] = rt
}

func (r *router) Route(_ context.Context, tenantID, strecke string) (delivery.Route, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rt, ok := r.routes[tenantID+"/"+strecke]
	if !ok {
		return delivery.Route{}, delivery.ErrNoRoute
	}
	return rt, nil
}

func (r *router) Case(_ context.Context, caseID string) (string, string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, rt := range r.routes {
		if rt.CaseID == caseID {
			for i := range k {
				if k[i] == '/' {
					return k[:i], k[i+1:], nil
				}
			}
		}
	}
	return "", "", fmt.Errorf("case %s unknown", caseID)
}

// statusLog records OnStatus calls.
type statusLog struct {
	mu      sync.Mutex
	calls   map[string][]string
	details map[string]string // the last detail per application
	tests   []string
	results []testResult
}

// testResult is one report of OnTestResult.
type testResult struct {
	caseID, deliveryID, status, detail string
	ok                                 bool
}

func (l *statusLog) onTestResult(_ context.Context, _ bun.IDB, caseID, deliveryID string, _ time.Time, status string, ok bool, detail string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.results = append(l.results, testResult{caseID, deliveryID, status, detail, ok})
	return nil
}

// lastResult is the last test state reported for a case.
func (l *statusLog) lastResult(caseID string) (testResult, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.results) - 1; i >= 0; i-- {
		if l.results[i].caseID == caseID {
			return l.results[i], true
		}
	}
	return testResult{}, false
}

func (l *statusLog) onStatus(_ context.Context, _ bun.IDB, appID, status, detail string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.calls == nil {
		l.calls, l.details = map[string][]string{}, map[string]string{}
	}
	l.calls[appID] = append(l.calls[appID], status)
	l.details[appID] = detail
	return nil
}

// lastStatus is the last status and detail reported for an application.
func (l *statusLog) lastStatus(appID string) (string, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.calls[appID]
	if len(c) == 0 {
		return "", ""
	}
	return c[len(c)-1], l.details[appID]
}

func (l *statusLog) onTest(_ context.Context, _ bun.IDB, caseID string, _ time.Time, _ string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tests = append(l.tests, caseID)
	return nil
}

func (l *statusLog) of(appID string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.calls[appID]...)
}

// xtaEnv is a local XTA server over TLS with client certificates.
type xtaEnv struct {
	server     *xtaserver.Server
	http       *httptest.Server
	endpoint   string
	ca         *pki.CA
	platform   tls.Certificate
	readerHTTP *http.Client
	certPEM    string
}

const harzKennung = "sop:150850000100"

func newXTA(t testing.TB, wrap func(http.Handler) http.Handler) *xtaEnv {
	t.Helper()
	now := time.Now()
	ca, err := pki.NewCA("XTA Test-CA", now, 48*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	spec := func(cn string, server bool) pki.Spec {
		return pki.Spec{CommonName: cn, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(47 * time.Hour), Server: server, Client: !server, Hosts: []string{"127.0.0.1"}}
	}
	serverCert, err := ca.TLSCertificate(spec("127.0.0.1", true))
	if err != nil {
		t.Fatal(err)
	}
	platformCert, err := ca.TLSCertificate(spec("sozialplattform", false))
	if err != nil {
		t.Fatal(err)
	}
	readerCert, err := ca.TLSCertificate(spec("fachverfahren-harz", false))
	if err != nil {
		t.Fatal(err)
	}
	srv := xtaserver.New(xtaserver.Options{})
	srv.AddAccount(platformKennung, xtaserver.Fingerprint(platformCert.Leaf.Raw))
	srv.AddAccount(harzKennung, xtaserver.Fingerprint(readerCert.Leaf.Raw))
	h := srv.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	hs := httptest.NewUnstartedServer(h)
	hs.Config.ErrorLog = log.New(io.Discard, "", 0)
	hs.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.Pool()}
	hs.StartTLS()
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
	})
	return &xtaEnv{server: srv, http: hs, endpoint: hs.URL + "/xta", ca: ca, platform: platformCert,
		readerHTTP: xta2.TLSClient(readerCert, ca.Pool(), 5*time.Second), certPEM: string(pki.CertPEM(serverCert.Leaf))}
}

// fetch plays the Fachverfahren: it takes everything from Harz's box.
func (x *xtaEnv) fetch(t testing.TB) []xta2.Fetched {
	t.Helper()
	c := xta2.NewClient(xta2.Config{Endpoint: x.endpoint, Identity: xta2.Party{Identifier: harzKennung}, HTTPClient: x.readerHTTP})
	var got []xta2.Fetched
	for range 20 {
		_, err := xta2.FetchAll(context.Background(), c, func(f xta2.Fetched) error { got = append(got, f); return nil })
		if err == nil {
			return got
		}
	}
	t.Fatal("the Fachverfahren could not fetch")
	return nil
}

// env is a service with every transport against local servers.
type env struct {
	t      testing.TB
	db     *migrations.DB
	clock  *clocktest.Clock
	router *router
	log    *statusLog
	fit    *deliverytest.FIT
	xta    *xtaEnv
	dir    *dvdv.Directory
	sealer delivery.Sealer
	opts   delivery.Options
	svc    *delivery.Service
}

type envOptions struct {
	fitWrap, xtaWrap func(http.Handler) http.Handler
	fitTimeout       time.Duration
	tune             func(o *delivery.Options)
	noDVDV           bool
}

// Routes of the tests.
const (
	streckeFIT     = "hzl"
	streckeXTA     = "grusi"
	streckeMailbox = "but"
)

func newEnv(t testing.TB, eo envOptions) *env {
	t.Helper()
	db := testdb.New(t)
	seedTenants(t, db)
	return newEnvOn(t, db, eo)
}

func newEnvOn(t testing.TB, db *migrations.DB, eo envOptions) *env {
	t.Helper()
	e := &env{t: t, db: db, clock: clocktest.New(time.Now().UTC()), router: &router{routes: map[string]delivery.Route{}}, log: &statusLog{}}
	e.fit = deliverytest.NewFIT(t, deliverytest.FITOptions{Wrap: eo.fitWrap, AllowHTTPCallbacks: true})
	e.xta = newXTA(t, eo.xtaWrap)
	e.dir = dvdv.New(db, nil)
	if !eo.noDVDV {
		if _, err := e.dir.Put(context.Background(), "", harzKennung, 0, dvdv.Input{Name: "Landkreis Harz, Sozialamt", Endpoint: e.xta.endpoint,
			Certificate: e.xta.certPEM, Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	timeout := eo.fitTimeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	cfg := e.fit.SenderConfig(&http.Client{Timeout: timeout})
	sender, err := fitconnect.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := delivery.NewAESGCM([]byte("test-key-for-sealing-32-bytes!!!"))
	if err != nil {
		t.Fatal(err)
	}
	e.sealer = sealer
	e.opts = delivery.Options{Instance: "test-1", Router: e.router, Cases: e.router, Directory: e.dir,
		FITConnect: &delivery.FITConnectOptions{Sender: sender, CallbackSecret: "callback-secret-callback-secret-0123456789"},
		XTA:        &delivery.XTAOptions{Author: xta2.Party{Identifier: platformKennung, Name: platformName}, ClientCert: e.xta.platform, Timeout: 5 * time.Second},
		OnStatus:   e.log.onStatus, OnTest: e.log.onTest, OnTestResult: e.log.onTestResult, Sealer: sealer, TestApplication: testApplication,
		BackoffBase: time.Second, BackoffCap: 8 * time.Second, FollowBase: time.Second, FollowCap: 4 * time.Second,
		Now: e.clock.Now, Concurrency: 4}
	if eo.tune != nil {
		eo.tune(&e.opts)
	}
	e.svc = e.service(e.opts)
	e.router.set(harzID, streckeXTA, delivery.Route{CaseID: "case-harz-grusi", Variant: delivery.VariantXTA2, TenantName: "Landkreis Harz",
		Region: "DE15085", DVDVKennung: harzKennung})
	e.router.set(harzID, streckeFIT, delivery.Route{CaseID: "case-harz-hzl", Variant: delivery.VariantFITConnect, TenantName: "Landkreis Harz",
		Region: "DE15085", DestinationID: deliverytest.DestinationID, Service: deliverytest.ServiceID, Label: "Hilfe zum Lebensunterhalt 1.0"})
	e.router.set(wittenbergID, streckeMailbox, delivery.Route{CaseID: "case-wb-but", Variant: delivery.VariantMailbox, TenantName: "Landkreis Wittenberg", Region: "DE15091"})
	return e
}

func (e *env) service(o delivery.Options) *delivery.Service {
	s, err := delivery.New(e.db, o)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// The platform's identity in the tests (cmd takes it from
// --platform-kennung).
const (
	platformKennung = "sop:150000000099"
	platformName    = "Sozialplattform Sachsen-Anhalt"
)

// testApplication stands in for the application builders of
// portal/forms, which this package does not know: a test application is an
// ordinary document here.
func testApplication(_ context.Context, tenantID, strecke, ref string, at time.Time) ([]byte, []byte, error) {
	d := doc(tenantID, strecke)
	return d.XML, d.PDF, nil
}

// dvdvService is the DVDV service the sample messages name, as in the
// reference message.
const dvdvService = "https://portalverbund.d-nrw.de/efa/XSozial-basis/Version_2_4_0/XSoz240-BTH-BEA-SOP2BTH.wsdl"

var docSeq struct {
	sync.Mutex
	n int
}

// doc makes a sample application.
func doc(tenantID, strecke string) delivery.Document {
	docSeq.Lock()
	docSeq.n++
	n := docSeq.n
	docSeq.Unlock()
	ref := fmt.Sprintf("%s-2026-%06d", strecke, n)
	return delivery.Document{ApplicationID: fmt.Sprintf("app-%06d", n), TenantID: tenantID, Antragsstrecke: strecke, ReferenceNumber: ref,
		XML: []byte(`<?xml version="1.0" encoding="UTF-8"?><xsb:vorgang.transportieren.1000001 xmlns:xsb="https://portalverbund.d-nrw.de/efa/XSozial-basis/Version_2_4_0">` +
			`<nachrichtenkopf.g2g><dvdvDienstkennung>` + dvdvService + `</dvdvDienstkennung></nachrichtenkopf.g2g><ref>` + ref + `</ref></xsb:vorgang.transportieren.1000001>`),
		PDF:         []byte("%PDF-1.4 Antrag " + ref),
		Attachments: []delivery.Attachment{{Name: "Mietvertrag.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 Mietvertrag " + ref)}},
		SubmittedAt: time.Now().UTC()}
}

// enqueue writes documents in one transaction.
func (e *env) enqueue(docs ...delivery.Document) []string {
	e.t.Helper()
	var ids []string
	err := e.db.Tx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		for _, d := range docs {
			id, err := e.svc.Enqueue(ctx, tx, d)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return ids
}

func (e *env) run(s *delivery.Service) int {
	e.t.Helper()
	n, err := s.RunDue(context.Background())
	if err != nil {
		e.t.Fatalf("run: %v", err)
	}
	return n
}

func (e *env) get(id string) *delivery.DeliveryRecord {
	e.t.Helper()
	d, err := e.svc.Get(context.Background(), id, func(string) bool { return true })
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func all(string) bool { return true }
