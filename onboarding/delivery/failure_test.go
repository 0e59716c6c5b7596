package delivery_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/deliverytest"
	"sozialplattform/onboarding/delivery/fitconnect"
	"sozialplattform/onboarding/delivery/fitconnect/fitserver"
	"sozialplattform/onboarding/delivery/xta2"
)

// fitRefs counts the submitted submissions the server holds by sender
// reference, decrypting their metadata with the destination's key (the
// server itself cannot).
func fitRefs(t *testing.T, e *env) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, sub := range e.fit.Env.Server.Submitted() {
		raw, err := fitconnect.Decrypt(sub.EncryptedMetadata, e.fit.Destination.EncryptionKey, e.fit.Destination.EncryptionJWK.Kid)
		if err != nil {
			t.Fatal(err)
		}
		var m fitconnect.Metadata
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		out[m.AdditionalReferenceInfo.SenderReference]++
	}
	return out
}

// xtaRefs counts the messages the XTA server holds by reference.
func xtaRefs(e *env) map[string]int {
	out := map[string]int{}
	for _, m := range e.xta.server.Messages() {
		f := strings.Fields(m.Subject)
		out[f[len(f)-1]]++
	}
	return out
}

func fetchOnce(e *env) {
	c := xta2.NewClient(xta2.Config{Endpoint: e.xta.endpoint, Identity: xta2.Party{Identifier: harzKennung}, HTTPClient: e.xta.readerHTTP})
	_, _ = xta2.FetchAll(context.Background(), c, func(xta2.Fetched) error { return nil })
}

// TestFlakyEndpointsDeliverEveryApplicationExactlyOnce sends through
// FIT-Connect and XTA servers of which 30 % of the requests fail in every
// way the issue names (503/429 with Retry-After, resets, 500, garbled
// bodies, answers dropped after processing, slow answers beyond the
// client's timeout). Every application must arrive exactly once; rows
// that hit the attempt limit are failed, visible and retried.
func TestFlakyEndpointsDeliverEveryApplicationExactlyOnce(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("chaos over flaky endpoints: full suite only")
	}
	const n = 20
	var fitFlaky, xtaFlaky *deliverytest.Flaky
	e := newEnv(t, envOptions{
		fitTimeout: 250 * time.Millisecond,
		fitWrap: func(h http.Handler) http.Handler {
			fitFlaky = deliverytest.NewFlaky(h, 7, 0.3)
			fitFlaky.Slow = 400 * time.Millisecond
			// The faults hit the platform's side; the Fachverfahren's
			// requests pass, so that the test measures the sender.
			fitFlaky.Only = func(r *http.Request) bool {
				return !(r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/submissions")) &&
					!(r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/v1/cases/"))
			}
			return fitFlaky
		},
		xtaWrap: func(h http.Handler) http.Handler {
			xtaFlaky = deliverytest.NewFlaky(h, 11, 0.3)
			xtaFlaky.Slow = 400 * time.Millisecond
			xtaFlaky.Only = func(r *http.Request) bool { return !strings.Contains(r.Header.Get("Content-Type"), "MsgBox") }
			return xtaFlaky
		},
		tune: func(o *delivery.Options) {
			o.MaxAttempts = 3
			o.Concurrency = 8
			o.XTA.Timeout = 250 * time.Millisecond
		},
	})
	var docs []delivery.Document
	for i := 0; i < n; i++ {
		docs = append(docs, doc(harzID, streckeFIT), doc(harzID, streckeXTA))
	}
	docs = append(docs, doc(wittenbergID, streckeMailbox), doc(wittenbergID, streckeMailbox))
	ids := e.enqueue(docs...)
	ctx := context.Background()
	retried := map[string]bool{}
	done := func() bool {
		for _, tid := range []string{harzID, wittenbergID} {
			list, err := e.svc.List(ctx, tid, delivery.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range list {
				switch {
				case d.Status == delivery.StatusAccepted, d.Status == delivery.StatusPickedUp:
				case d.Status == delivery.StatusSent && d.Variant == delivery.VariantMailbox:
				case d.Status == delivery.StatusRejected:
					t.Fatalf("a flaky network must not lead to a rejection: %+v", d)
				default:
					return false
				}
			}
		}
		return true
	}
	round := 0
	for ; round < 300 && !done(); round++ {
		e.run(e.svc)
		_, _ = e.fit.Subscriber.ProcessPending(ctx)
		fetchOnce(e)
		failed, err := e.svc.List(ctx, harzID, delivery.Filter{Status: delivery.StatusFailed})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range failed {
			id := f.ID
			if d := e.get(id); d.Status == delivery.StatusFailed {
				if len(d.History) == 0 || d.LastError == "" || !d.Retryable {
					t.Fatalf("a failed delivery must show its attempts and error: %+v", d)
				}
				_, err := e.svc.Retry(ctx, id, all)
				switch {
				case errors.Is(err, delivery.ErrCannotReconcile):
					continue // the flaky endpoint could not be asked; next round
				case err != nil:
					t.Fatal(err)
				}
				retried[id] = true
			}
		}
		e.clock.Add(10 * time.Second)
	}
	if !done() {
		for _, id := range ids {
			t.Logf("%+v", e.get(id))
		}
		t.Fatal("not every application arrived")
	}
	for _, d := range docs {
		switch d.Antragsstrecke {
		case streckeFIT:
			if c := fitRefs(t, e)[d.ReferenceNumber]; c != 1 {
				t.Errorf("FIT-Connect: %s arrived %d times", d.ReferenceNumber, c)
			}
		case streckeXTA:
			if c := xtaRefs(e)[d.ReferenceNumber]; c != 1 {
				t.Errorf("XTA: %s arrived %d times", d.ReferenceNumber, c)
			}
		}
	}
	stats := e.fit.Env.Server.Stats()
	if stats[fitserver.StateAccepted] != n || stats[fitserver.StateSubmitted] != 0 {
		t.Errorf("FIT-Connect server: %v, want %d accepted", stats, n)
	}
	if len(retried) == 0 {
		t.Error("no delivery reached the attempt limit; the test does not show failed rows")
	}
	for _, f := range []*deliverytest.Flaky{fitFlaky, xtaFlaky} {
		counts, total := f.Counts()
		for _, k := range deliverytest.AllFaults {
			if counts[k] == 0 {
				t.Errorf("fault %s never injected (%d requests): %v", k, total, counts)
			}
		}
	}
	t.Logf("%d rounds; retried %d failed deliveries; faults FIT %v", round, len(retried), func() map[string]int { c, _ := fitFlaky.Counts(); return c }())
}

// TestProcessKilledBetweenSentAndRecordedResumesWithoutDuplicate lets the
// first worker "die" right after the transports answered; a fresh worker
// takes over once the lease ran out and finds the stored transport IDs.
func TestProcessKilledBetweenSentAndRecordedResumesWithoutDuplicate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	fitDoc, xtaDoc := doc(harzID, streckeFIT), doc(harzID, streckeXTA)
	ids := e.enqueue(fitDoc, xtaDoc)
	e.svc.SetCrashAfterTransport(func(string) bool { return true })
	e.run(e.svc)
	for _, id := range ids {
		d := e.get(id)
		if d.Status != delivery.StatusPending || d.TransportRef == "" {
			t.Fatalf("the transport ID must be stored before the upload: %+v", d)
		}
	}
	if e.fit.Env.Server.Stats()[fitserver.StateSubmitted] != 1 || len(e.xta.server.Messages()) != 1 {
		t.Fatal("the killed worker should have delivered both")
	}
	o := e.opts
	o.Instance = "test-2"
	fresh := e.service(o)
	if n := e.run(fresh); n != 0 {
		t.Fatalf("a leased row was taken over before the lease ran out (%d)", n)
	}
	e.clock.Add(3*time.Minute + time.Second)
	e.run(fresh)
	for _, id := range ids {
		if d := e.get(id); d.Status != delivery.StatusSent || d.Attempts != 2 {
			t.Fatalf("after takeover: %+v", d)
		}
	}
	if s := e.fit.Env.Server.Stats(); s[fitserver.StateSubmitted] != 1 || s[fitserver.StateIncomplete] != 0 || fitRefs(t, e)[fitDoc.ReferenceNumber] != 1 {
		t.Fatalf("FIT-Connect duplicated: %v", s)
	}
	if c := xtaRefs(e)[xtaDoc.ReferenceNumber]; c != 1 || len(e.xta.server.Messages()) != 1 {
		t.Fatalf("XTA duplicated: %d", c)
	}
}

// TestRestartReleasesTheDeadWorkersLeases: a restarted process that
// knows the killed one is gone (same machine, process ended) frees its
// leases and resumes at once – still without a duplicate – while the
// leases of a worker that still runs are left alone.
func TestRestartReleasesTheDeadWorkersLeases(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	fitDoc := doc(harzID, streckeFIT)
	ids := e.enqueue(fitDoc)
	e.svc.SetCrashAfterTransport(func(string) bool { return true })
	e.run(e.svc)
	o := e.opts
	o.Instance = "test-2"
	fresh := e.service(o)
	ctx := context.Background()
	if n, err := fresh.ReleaseDead(ctx, func(string) bool { return false }); err != nil || n != 0 {
		t.Fatalf("released the leases of a live worker: %d %v", n, err)
	}
	if n, err := fresh.ReleaseDead(ctx, func(instance string) bool { return instance == "test-1" }); err != nil || n != 1 {
		t.Fatalf("released %d rows (%v), want 1", n, err)
	}
	e.run(fresh)
	if d := e.get(ids[0]); d.Status != delivery.StatusSent {
		t.Fatalf("not resumed at once: %+v", d)
	}
	if s := e.fit.Env.Server.Stats(); s[fitserver.StateSubmitted] != 1 || fitRefs(t, e)[fitDoc.ReferenceNumber] != 1 {
		t.Fatalf("FIT-Connect duplicated: %v", s)
	}
}

// TestCancelledWorkerReleasesWithoutCountingAndResumes cancels a worker's
// context while the submit is in flight (processed by the server, answer
// never read): the row goes back unleased, and the next run finds the
// submission in the event log instead of sending it again.
func TestCancelledWorkerReleasesWithoutCountingAndResumes(t *testing.T) {
	t.Parallel()
	processed := make(chan struct{}, 1)
	var hold atomic.Bool
	hold.Store(true)
	e := newEnv(t, envOptions{fitWrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if hold.Load() && r.Method == http.MethodPut && strings.Count(r.URL.Path, "/") == 3 {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				processed <- struct{}{}
				<-r.Context().Done()
				return
			}
			h.ServeHTTP(w, r)
		})
	}})
	ids := e.enqueue(doc(harzID, streckeFIT))
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan error, 1)
	go func() { _, err := e.svc.RunDue(ctx); finished <- err }()
	<-processed
	cancel()
	if err := <-finished; !errors.Is(err, context.Canceled) {
		t.Fatalf("run: %v", err)
	}
	hold.Store(false)
	d := e.get(ids[0])
	if d.Status != delivery.StatusPending || d.Attempts != 0 || len(d.History) != 0 {
		t.Fatalf("after shutdown: %+v", d)
	}
	e.run(e.svc)
	if d := e.get(ids[0]); d.Status != delivery.StatusSent {
		t.Fatalf("after restart: %+v", d)
	}
	if s := e.fit.Env.Server.Stats(); s[fitserver.StateSubmitted] != 1 || len(s) != 1 {
		t.Fatalf("server: %v", s)
	}
}

// TestTwoWorkersNeverDeliverTwice runs two services with their own
// connection pools on one database at once.
func TestTwoWorkersNeverDeliverTwice(t *testing.T) {
	t.Parallel()
	dsn := testdb.MigratedDSN(t)
	open := func() *migrations.DB {
		db, err := migrations.Open(context.Background(), dsn, migrations.Options{MaxOpenConns: 8})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	db1 := open()
	m, err := migrations.NewMigrator(db1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	seedTenants(t, db1)
	e := newEnvOn(t, db1, envOptions{tune: func(o *delivery.Options) { o.Batch = 3; o.Concurrency = 2 }})
	o2 := e.opts
	o2.Instance = "test-2"
	other, err := delivery.New(open(), o2)
	if err != nil {
		t.Fatal(err)
	}
	const n = 15
	var docs []delivery.Document
	for i := 0; i < n; i++ {
		docs = append(docs, doc(harzID, streckeXTA), doc(harzID, streckeFIT), doc(wittenbergID, streckeMailbox))
	}
	ids := e.enqueue(docs...)
	var wg sync.WaitGroup
	var worked [2]atomic.Int64
	for w, s := range []*delivery.Service{e.svc, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 40 {
				k, err := s.RunDue(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				worked[w].Add(int64(k))
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if d := e.get(id); d.Status != delivery.StatusSent || d.Attempts != 1 {
			t.Fatalf("%+v", d)
		}
	}
	if worked[0].Load() == 0 || worked[1].Load() == 0 {
		t.Logf("one worker did everything (%d/%d): the race was not exercised this time", worked[0].Load(), worked[1].Load())
	}
	if got := len(e.xta.server.Messages()); got != n {
		t.Fatalf("XTA server holds %d messages, want %d", got, n)
	}
	if s := e.fit.Env.Server.Stats(); s[fitserver.StateSubmitted] != n || s[fitserver.StateIncomplete] != 0 {
		t.Fatalf("FIT-Connect server %v, want %d submitted", s, n)
	}
	var boxed int
	if err := e.db.Read.NewRaw("SELECT COUNT(*) FROM mailbox_messages").Scan(context.Background(), &boxed); err != nil || boxed != n {
		t.Fatalf("mailbox holds %d, want %d (%v)", boxed, n, err)
	}
}

func TestConnectionTestPerVariant(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The Fachverfahren: the FIT-Connect subscriber answers each new
	// submission, the XTA side polls its box.
	e.fit.Env.Server.OnSubmitted(func(string) { _, _ = e.fit.Subscriber.ProcessPending(ctx) })
	go func() {
		for ctx.Err() == nil {
			fetchOnce(e)
			time.Sleep(50 * time.Millisecond)
		}
	}()
	for _, tc := range []struct {
		caseID, tenantID, strecke string
		steps                     int
	}{
		{"case-wb-but", wittenbergID, streckeMailbox, 2},
		{"case-harz-hzl", harzID, streckeFIT, 7},
		{"case-harz-grusi", harzID, streckeXTA, 6},
	} {
		ct, err := e.svc.RunConnectionTest(ctx, tc.caseID, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if !ct.Successful || !ct.Finished || len(ct.Steps) != tc.steps {
			t.Fatalf("%s: %+v", tc.strecke, ct)
		}
		for _, s := range ct.Steps {
			if s.State != "done" {
				t.Errorf("%s: step %s is %s", tc.strecke, s.Key, s.State)
			}
		}
		if ok, err := e.svc.SuccessfulTest(ctx, tc.tenantID, tc.strecke); !ok || err != nil {
			t.Errorf("%s: SuccessfulTest %v, %v", tc.strecke, ok, err)
		}
		latest, err := e.svc.LatestConnectionTest(ctx, tc.caseID)
		if err != nil || latest.DeliveryID != ct.DeliveryID {
			t.Errorf("latest test: %+v, %v", latest, err)
		}
		if r, ok := e.log.lastResult(tc.caseID); !ok || !r.ok || r.deliveryID != ct.DeliveryID || r.detail != "" {
			t.Errorf("%s: last reported test state %+v (reported: %v)", tc.strecke, r, ok)
		}
	}
	if strings.Join(e.log.tests, ",") != "case-wb-but,case-harz-hzl,case-harz-grusi" {
		t.Fatalf("evidence recorded for %v", e.log.tests)
	}
	// A test application never reaches the citizen's status, nor the
	// mailbox list by default.
	if len(e.log.calls) != 0 {
		t.Errorf("OnStatus called for tests: %v", e.log.calls)
	}
	list, _ := e.svc.ListMailbox(ctx, wittenbergID, delivery.MailboxFilter{})
	if len(list) != 0 {
		t.Errorf("test application listed: %+v", list)
	}
}

func TestConnectionTestShowsWhereItStopped(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{noDVDV: true})
	ct, err := e.svc.RunConnectionTest(context.Background(), "case-harz-grusi", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if ct.Successful || !ct.Finished || ct.Steps[0].State != "done" || ct.Steps[1].State != "failed" ||
		!strings.Contains(ct.Steps[1].Detail, "DVDV") || ct.Steps[2].State != "waiting" {
		t.Fatalf("%+v", ct)
	}
	if ok, _ := e.svc.SuccessfulTest(context.Background(), harzID, streckeXTA); ok {
		t.Fatal("a failed test counted as evidence")
	}
	// The failure reaches the case too (the ministry sees it there).
	if r, ok := e.log.lastResult("case-harz-grusi"); !ok || r.ok || r.status != delivery.StatusFailed || !strings.Contains(r.detail, "DVDV") {
		t.Fatalf("reported test state %+v (reported: %v)", r, ok)
	}
	if _, err := e.svc.RunConnectionTest(context.Background(), "case-unbekannt", time.Second); err == nil {
		t.Fatal("test of an unknown case")
	}
}

func TestCallbackTriggersStatusCheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	const secret = "callback-secret-callback-secret-0123456789"
	var h http.Handler = http.NotFoundHandler()
	var mu sync.Mutex
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hh := h
		mu.Unlock()
		hh.ServeHTTP(w, r)
	}))
	defer cb.Close()
	cfg := e.fit.SenderConfig(nil)
	cfg.CallbackURL, cfg.CallbackSecret = cb.URL+delivery.CallbackPath, secret
	sender, err := fitconnect.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	o := e.opts
	o.FITConnect = &delivery.FITConnectOptions{Sender: sender, CallbackSecret: secret}
	svc := e.service(o)
	mu.Lock()
	h = svc.CallbackHandler()
	mu.Unlock()
	e.svc = svc
	ids := e.enqueue(doc(harzID, streckeFIT))
	e.run(svc)
	if _, err := e.fit.Subscriber.ProcessPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for e.get(ids[0]).Status != delivery.StatusAccepted {
		if time.Now().After(deadline) {
			t.Fatalf("the callback did not lead to the accept: %+v", e.get(ids[0]))
		}
		time.Sleep(20 * time.Millisecond)
	}
	post := func(ts int64, mac string) int {
		body := `{"type":"` + fitconnect.CallbackNewEvents + `","submissions":[]}`
		req, _ := http.NewRequest(http.MethodPost, cb.URL+delivery.CallbackPath, strings.NewReader(body))
		req.Header.Set(fitconnect.HeaderCallbackTimestamp, strconv.FormatInt(ts, 10))
		if mac == "" {
			mac = fitconnect.SignCallback(secret, ts, []byte(body))
		}
		req.Header.Set(fitconnect.HeaderCallbackAuthentication, mac)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	now := e.clock.Now().Unix()
	for name, c := range map[string]struct {
		ts   int64
		mac  string
		want int
	}{
		"valid":       {now, "", http.StatusOK},
		"forged":      {now, strings.Repeat("ab", 64), http.StatusForbidden},
		"six minutes": {now - 360, "", http.StatusForbidden},
	} {
		if got := post(c.ts, c.mac); got != c.want {
			t.Errorf("%s: %d, want %d", name, got, c.want)
		}
	}
}

func TestStatisticsCountWithoutPersonalData(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.enqueue(doc(harzID, streckeXTA), doc(harzID, streckeXTA), doc(wittenbergID, streckeMailbox))
	e.run(e.svc)
	stats, err := e.svc.Statistics(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, s := range stats {
		got[fmt.Sprintf("%s/%d/%s", s.TenantName, s.Variant, "sent")] = s.ByStatus[delivery.StatusSent]
	}
	if got["Landkreis Harz/1/sent"] != 2 || got["Landkreis Wittenberg/2/sent"] != 1 {
		t.Fatalf("%v", stats)
	}
	only, _ := e.svc.Statistics(context.Background(), []string{wittenbergID})
	if len(only) != 1 || only[0].Total != 1 {
		t.Fatalf("%v", only)
	}
}
