package main

import (
	"context"
	"crypto"
	"crypto/tls"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/deliverytest"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/onboarding/delivery/pki"
	"sozialplattform/onboarding/delivery/xta2"
	"sozialplattform/onboarding/delivery/xta2/xtaserver"
	"sozialplattform/tenant"
)

// Kill moments of TestCrashSIGKILLXTA beside those of TestCrashSIGKILL.
const (
	killXTASent      = "xta-sent"       // the intermediary stored the message, the platform has not heard back
	killXTAMessageID = "xta-message-id" // the intermediary gave a message ID the platform has not stored yet
)

// TestCrashSIGKILLXTA is TestCrashSIGKILL for variant 1: Harz's HzL goes
// over OSCI/XTA2 to an XTA2 intermediary in this process (TLS with client
// certificates, found through the DVDV directory) – a process other than
// the server that is killed. The intermediary fails 20 % of the
// platform's state-changing calls (checkAccountActive, createMessageID,
// sendMessage) in every way deliverytest.Flaky knows. The server is killed
// five times: right after a citizen's submit went out, a few milliseconds
// into one, after the intermediary stored a message and before its answer
// reached the platform, after it handed out a message ID the platform has
// not yet recorded, and at random. In the end every receipt has exactly
// one application, one delivery row handed over, and exactly one message
// at the intermediary (a retry asks getTransportReport for the stored
// message ID before it sends); the Fachverfahren fetches each once.
func TestCrashSIGKILLXTA(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("crash test: about 45 s with child processes")
	}
	began := time.Now()
	seed, rng := crashSeed(t)

	const platformKennung = "sop:150000100042"
	submitKill, sentKill, idKill := newKillSwitch(), newKillSwitch(), newKillSwitch()
	var sentKillHits, idKillHits atomic.Int64
	ix := newCrashIntermediary(t, platformKennung, func(h http.Handler) http.Handler {
		return killAfterXTA(idKill, &idKillHits, xta2.ActionCreateMessageID, killAfterXTA(sentKill, &sentKillHits, xta2.ActionSendMessage, h))
	}, seed)

	run := runCrash(t, rng, submitKill, crashVariant{
		citizens: []string{"erika.xta@example.org", "max.xta@example.org"},
		seed:     func(ctx context.Context, a *app, harz *tenant.Tenant) { routeHarzToXTA(t, ctx, a, harz, ix) },
		env: map[string]string{
			"SOZIALPLATTFORM_PLATFORM_KENNUNG": platformKennung,
			"SOZIALPLATTFORM_XTA_CLIENT_CERT":  ix.certFile,
			"SOZIALPLATTFORM_XTA_CLIENT_KEY":   ix.keyFile,
		},
		kinds:          []string{killSubmitSent, killSubmitWorking, killXTASent, killXTAMessageID, killRandom},
		phase:          30 * time.Second,
		transportKills: map[string]*killSwitch{killXTASent: sentKill, killXTAMessageID: idKill},
		handedOver:     []string{delivery.StatusSent, delivery.StatusAccepted, delivery.StatusPickedUp},
		faults:         func(rate float64) { ix.flaky.SetRate(rate) },
	})

	nApps, nRows := reconcileCrashXTA(t, run.db, ix, run.receipts)
	if sentKillHits.Load() == 0 {
		t.Error("no kill hit a delivery between the intermediary's storing the message and the platform's record")
	}
	faults, requests := ix.flaky.Counts()
	outcomes, err := attemptOutcomes(run.db)
	if err != nil {
		t.Fatal(err)
	}
	c := run.counters
	t.Logf("summary (%s, XTA2): %d receipts, %d applications, %d delivery rows, %d messages at the intermediary; %d drafts begun, %d abandoned at an unknown start\n"+
		"  kills: %d (%d at their aimed moment: %d submits in flight, %d after sendMessage, %d after createMessageID)\n"+
		"  client retries: %d submits without answer (%d receipts needed a repeated submit), %d steps, %d receipt pages\n"+
		"  intermediary faults: %v in %d requests; delivery attempts: %v\n"+
		"  time: load %s, drain %s, total %s",
		testdb.Kind(), len(run.receipts), nApps, nRows, len(ix.server.Messages()), c.started.Load(), c.abandoned.Load(),
		len(run.kills), run.aimed(), c.submitKilled.Load(), sentKillHits.Load(), idKillHits.Load(),
		c.submitUnknown.Load(), c.submitsWithManyAnswers.Load(), c.stepRetries.Load(), c.receiptRetries.Load(),
		faults, requests, outcomes,
		run.loadTook.Round(time.Millisecond), run.drainTook.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
}

// crashIntermediary is an XTA2 intermediary for the crash test: the local
// XTA2 server behind TLS with client certificates and a Flaky, the
// platform's client certificate as files for the child processes, and the
// reader's client for Harz's Fachverfahren.
type crashIntermediary struct {
	server            *xtaserver.Server
	flaky             *deliverytest.Flaky
	url               string
	serverCertPEM     string
	certFile, keyFile string
	reader            *xta2.Client
	readerKennung     string
}

// harzKennung is the DVDV Behördenkennung of Harz's HzL case in the
// onboarding demo.
const harzKennung = "sop:150850000100"

func newCrashIntermediary(t *testing.T, platformKennung string, wrap func(http.Handler) http.Handler, seed uint64) *crashIntermediary {
	t.Helper()
	now := time.Now()
	ca, err := pki.NewCA("XTA2-Crashtest-CA", now, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	spec := func(cn string, server bool) pki.Spec {
		return pki.Spec{CommonName: cn, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(23 * time.Hour), Server: server, Client: !server,
			Hosts: []string{"127.0.0.1"}}
	}
	serverCert, err := ca.TLSCertificate(spec("127.0.0.1", true))
	if err != nil {
		t.Fatal(err)
	}
	platformCert, err := ca.TLSCertificate(spec("Sozialplattform (Crashtest)", false))
	if err != nil {
		t.Fatal(err)
	}
	readerCert, err := ca.TLSCertificate(spec("Fachverfahren Landkreis Harz (Crashtest)", false))
	if err != nil {
		t.Fatal(err)
	}
	ix := &crashIntermediary{server: xtaserver.New(xtaserver.Options{Identity: "xta2-crashtest"}), readerKennung: harzKennung,
		serverCertPEM: string(pki.CertPEM(serverCert.Leaf))}
	ix.server.AddAccount(platformKennung, xtaserver.Fingerprint(platformCert.Leaf.Raw))
	ix.server.AddAccount(harzKennung, xtaserver.Fingerprint(readerCert.Leaf.Raw))
	ix.flaky = deliverytest.NewFlaky(wrap(ix.server.Handler()), seed, 0.2)
	ix.flaky.Slow = time.Second
	ix.flaky.Only = xtaSenderCall

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(ix.flaky)
	srv.Listener.Close()
	srv.Listener = ln
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientAuth: tls.RequireAndVerifyClientCert,
		ClientCAs: ca.Pool(), MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ix.url = srv.URL + "/xta"

	dir := t.TempDir()
	key, err := pki.KeyPEM(platformCert.PrivateKey.(crypto.Signer))
	if err != nil {
		t.Fatal(err)
	}
	ix.certFile, ix.keyFile = filepath.Join(dir, "xta-client.pem"), filepath.Join(dir, "xta-client.key")
	if err := os.WriteFile(ix.certFile, pki.CertPEM(platformCert.Leaf), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ix.keyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	ix.reader = xta2.NewClient(xta2.Config{Endpoint: ix.url, Identity: xta2.Party{Identifier: harzKennung},
		HTTPClient: xta2.TLSClient(readerCert, ca.Pool(), 30*time.Second)})
	return ix
}

// xtaSenderCall picks the requests Flaky may fail: the platform's calls
// that change state at the intermediary or precede such a change. The
// transport report – the reconciliation's question – stays reliable.
func xtaSenderCall(r *http.Request) bool {
	_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch params["action"] {
	case xta2.ActionCheckAccountActive, xta2.ActionCreateMessageID, xta2.ActionSendMessage:
		return true
	}
	return false
}

// killAfterXTA lets k kill the server after the intermediary answered a
// call of the given action with 200 and before the answer reaches the
// platform.
func killAfterXTA(k *killSwitch, hits *atomic.Int64, action string, next http.Handler) http.Handler {
	return killAfterAnswer(k, hits, func(r *http.Request) bool {
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		return params["action"] == action
	}, http.StatusOK, next)
}

// routeHarzToXTA points the DVDV entry of Harz's HzL case (variant 1, as
// the onboarding demo has it) at the intermediary.
func routeHarzToXTA(t *testing.T, ctx context.Context, a *app, harz *tenant.Tenant, ix *crashIntermediary) {
	t.Helper()
	in := dvdv.Input{Name: "Landkreis Harz – Sozialamt (Crashtest-Intermediär)", Endpoint: ix.url, Certificate: ix.serverCertPEM, Active: true}
	version := 0
	if e, err := a.dvdv.Lookup(ctx, harzKennung); err == nil {
		version = e.Version
	}
	if _, err := a.dvdv.Put(ctx, "", harzKennung, version, in); err != nil {
		t.Fatal(err)
	}
	rt, err := delivery.OnboardingRouter{Cases: a.onboard, Tenants: a.store}.Route(ctx, harz.ID, "hzl")
	if err != nil || rt.Variant != int(onboarding.VariantOSCIXTA2) || rt.DVDVKennung != harzKennung {
		t.Fatalf("route of Harz's HzL: %+v %v", rt, err)
	}
}

// reconcileCrashXTA checks the receipts against the database and the
// intermediary: one application and one handed-over delivery row per
// receipt, exactly one message per reference number at the intermediary,
// and the Fachverfahren fetches each once.
func reconcileCrashXTA(t *testing.T, db *migrations.DB, ix *crashIntermediary, receipts []crashReceipt) (apps, deliveries int) {
	t.Helper()
	got := reconcileReceipts(t, db, receipts, receiptRules{
		handedOver: []string{delivery.StatusSent, delivery.StatusAccepted, delivery.StatusPickedUp}})
	byRef := got.byRef

	// One message per reference at the intermediary (the subject carries
	// it: "Antrag <label> SP-…"), nothing else.
	atXTA := map[string]int{}
	for _, m := range ix.server.Messages() {
		atXTA[referencePattern.FindString(m.Subject)]++
	}
	for ref, n := range atXTA {
		if n != 1 || byRef[ref] != 1 {
			t.Errorf("the intermediary holds %d messages of %q, the citizens %d receipts", n, ref, byRef[ref])
		}
	}
	for ref := range byRef {
		if atXTA[ref] != 1 {
			t.Errorf("receipt %s: %d messages at the intermediary", ref, atXTA[ref])
		}
	}

	// The Fachverfahren fetches every message once; the message file is
	// named after the reference number.
	fetched := map[string]int{}
	for round := 0; round < 10; round++ {
		n, err := xta2.FetchAll(context.Background(), ix.reader, func(f xta2.Fetched) error {
			fetched[referencePattern.FindString(f.Content.Message.Filename)]++
			return nil
		})
		if err != nil {
			t.Errorf("the Fachverfahren could not fetch its messages: %v", err)
			break
		}
		if n == 0 {
			break
		}
	}
	for ref := range byRef {
		if fetched[ref] != 1 {
			t.Errorf("receipt %s: the Fachverfahren fetched %d messages", ref, fetched[ref])
		}
	}
	return got.apps, got.deliveries
}
