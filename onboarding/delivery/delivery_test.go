package delivery_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/onboarding/delivery/fitconnect"
	"sozialplattform/onboarding/delivery/fitconnect/fitserver"
	"sozialplattform/tenant"
)

func TestEnqueueJoinsTheCallersTransactionAndIsIdempotent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	d := doc(wittenbergID, streckeMailbox)
	errRollback := errors.New("rollback")
	err := e.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := delivery.Enqueue(ctx, tx, d); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	if n := e.run(e.svc); n != 0 {
		t.Fatalf("a rolled back enqueue left %d rows", n)
	}
	var first, second string
	if err := e.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		first, err = delivery.Enqueue(ctx, tx, d)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		second, err = delivery.Enqueue(ctx, tx, d)
		return err
	}); err != nil || first != second {
		t.Fatalf("second enqueue: %s vs %s, %v", first, second, err)
	}
	// The package function stores the payload unsealed; the first attempt
	// seals it before anything else.
	var plain []byte
	if err := e.db.Read.NewRaw("SELECT data FROM delivery_payloads WHERE delivery_id = ?", first).Scan(ctx, &plain); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(plain, []byte("Mietvertrag")) && !bytes.Contains(plain, []byte("TWlldHZlcnRyYWc")) {
		t.Fatalf("expected the unsealed payload")
	}
	for _, bad := range []delivery.Document{{}, {ApplicationID: "x", TenantID: harzID, Antragsstrecke: "hzl"}} {
		if err := e.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error { _, err := delivery.Enqueue(ctx, tx, bad); return err }); err == nil {
			t.Error("an incomplete document was accepted")
		}
	}
}

func TestMailboxDeliveryPickupAndAudit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "user:clerk", Label: "sachbearbeitung@wittenberg.example"})
	d := doc(wittenbergID, streckeMailbox)
	ids := e.enqueue(d)
	if n := e.run(e.svc); n != 1 {
		t.Fatalf("worked on %d", n)
	}
	got := e.get(ids[0])
	if got.Status != delivery.StatusSent || got.Variant != delivery.VariantMailbox || got.Attempts != 1 {
		t.Fatalf("after send: %+v", got)
	}
	if s := e.log.of(d.ApplicationID); !slices.Equal(s, []string{delivery.CitizenDelivered}) {
		t.Fatalf("citizen statuses %v", s)
	}
	var payloads int
	if err := e.db.Read.NewRaw("SELECT COUNT(*) FROM delivery_payloads WHERE delivery_id = ?", ids[0]).Scan(ctx, &payloads); err != nil || payloads != 0 {
		t.Fatalf("the payload must move into the mailbox: %d, %v", payloads, err)
	}
	// Mailbox files are sealed at rest.
	var sealedCount int
	if err := e.db.Read.NewRaw("SELECT COUNT(*) FROM mailbox_files WHERE sealed").Scan(ctx, &sealedCount); err != nil || sealedCount != 3 {
		t.Fatalf("sealed files: %d, %v", sealedCount, err)
	}
	list, err := e.svc.ListMailbox(ctx, wittenbergID, delivery.MailboxFilter{Status: "new"})
	if err != nil || len(list) != 1 || list[0].ReferenceNumber != d.ReferenceNumber {
		t.Fatalf("mailbox %+v, %v", list, err)
	}
	msgID := list[0].ID
	onlyHarz := func(id string) bool { return id == harzID }
	if _, err := e.svc.MailboxFile(ctx, msgID, delivery.FileXML, 0, onlyHarz); !errors.Is(err, tenant.ErrNotFound) {
		t.Fatalf("another tenant's clerk: %v", err)
	}
	if _, err := e.svc.PickUp(ctx, msgID, onlyHarz); !errors.Is(err, tenant.ErrNotFound) {
		t.Fatalf("another tenant's clerk picked up: %v", err)
	}
	xml, err := e.svc.MailboxFile(ctx, msgID, delivery.FileXML, 0, all)
	if err != nil || !bytes.Equal(xml.Data, d.XML) {
		t.Fatalf("xml: %v", err)
	}
	pdf, err := e.svc.MailboxFile(ctx, msgID, delivery.FilePDF, 0, all)
	if err != nil || !bytes.Equal(pdf.Data, d.PDF) || pdf.ContentType != "application/pdf" {
		t.Fatalf("pdf: %v", err)
	}
	m, err := e.svc.PickUp(ctx, msgID, all)
	if err != nil || m.PickedUpAt == nil || m.PickedUpBy != "sachbearbeitung@wittenberg.example" {
		t.Fatalf("pickup: %+v, %v", m, err)
	}
	if _, err := e.svc.PickUp(ctx, msgID, all); err != nil {
		t.Fatalf("second pickup: %v", err)
	}
	if got := e.get(ids[0]); got.Status != delivery.StatusPickedUp {
		t.Fatalf("after pickup: %s", got.Status)
	}
	if s := e.log.of(d.ApplicationID); !slices.Equal(s, []string{delivery.CitizenDelivered, delivery.CitizenPickedUp}) {
		t.Fatalf("citizen statuses %v", s)
	}
	var actions []string
	if err := e.db.Read.NewRaw("SELECT action FROM audit_log WHERE object_type = ? ORDER BY id", delivery.ObjMailbox).Scan(ctx, &actions); err != nil {
		t.Fatal(err)
	}
	if strings.Join(actions, ",") != "list,download,download,pickup" {
		t.Fatalf("audited %v", actions)
	}
}

func TestFITConnectDeliveryIsAcceptedAndReported(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	d := doc(harzID, streckeFIT)
	ids := e.enqueue(d)
	e.run(e.svc)
	got := e.get(ids[0])
	if got.Status != delivery.StatusSent || got.TransportRef == "" {
		t.Fatalf("after send: %+v", got)
	}
	if n, err := e.fit.Subscriber.ProcessPending(ctx); n != 1 || err != nil {
		t.Fatalf("subscriber: %d, %v", n, err)
	}
	e.clock.Add(2 * time.Second)
	e.run(e.svc)
	got = e.get(ids[0])
	if got.Status != delivery.StatusAccepted || got.FinishedAt == nil {
		t.Fatalf("after accept: %+v", got)
	}
	if s := e.log.of(d.ApplicationID); !slices.Equal(s, []string{delivery.CitizenDelivered, delivery.CitizenAccepted}) {
		t.Fatalf("citizen statuses %v", s)
	}
	var payloads int
	e.db.Read.NewRaw("SELECT COUNT(*) FROM delivery_payloads").Scan(ctx, &payloads)
	if payloads != 0 {
		t.Fatal("an accepted delivery keeps no payload")
	}
}

func TestRejectedSubmissionIsAProblemAndCanBeSentAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	d := doc(harzID, streckeFIT)
	ids := e.enqueue(d)
	e.run(e.svc)
	sub := fitserver.WithDecide(e.fit.Subscriber, func(*fitserver.Received) []fitconnect.Problem {
		return []fitconnect.Problem{{Title: "Unterlagen unvollständig", Detail: "Mietvertrag fehlt"}}
	})
	if n, err := sub.ProcessPending(ctx); n != 1 || err != nil {
		t.Fatalf("subscriber: %d, %v", n, err)
	}
	e.clock.Add(2 * time.Second)
	e.run(e.svc)
	got := e.get(ids[0])
	if got.Status != delivery.StatusRejected || !strings.Contains(got.Detail, "Unterlagen unvollständig") || !got.Retryable {
		t.Fatalf("after reject: %+v", got)
	}
	if s := e.log.of(d.ApplicationID); !slices.Equal(s, []string{delivery.CitizenDelivered, delivery.CitizenProblem}) {
		t.Fatalf("citizen statuses %v", s)
	}
	first := got.TransportRef
	if _, err := e.svc.Retry(ctx, ids[0], all); err != nil {
		t.Fatal(err)
	}
	e.run(e.svc)
	if _, err := e.fit.Subscriber.ProcessPending(ctx); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(2 * time.Second)
	e.run(e.svc)
	got = e.get(ids[0])
	if got.Status != delivery.StatusAccepted || got.TransportRef == first {
		t.Fatalf("a rejected delivery is sent as a new submission: %+v", got)
	}
}

func TestXTADeliveryIsPickedUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	d := doc(harzID, streckeXTA)
	ids := e.enqueue(d)
	e.run(e.svc)
	got := e.get(ids[0])
	if got.Status != delivery.StatusSent || !strings.HasPrefix(got.TransportRef, "urn:de:xta:messageid:") {
		t.Fatalf("after send: %+v", got)
	}
	fetched := e.xta.fetch(t)
	if len(fetched) != 1 || !bytes.Equal(fetched[0].Content.Message.Data, d.XML) || len(fetched[0].Content.Attachments) != 2 ||
		fetched[0].Meta.Reader.Identifier != harzKennung || fetched[0].Meta.TestMsg {
		t.Fatalf("fetched %+v", fetched)
	}
	e.clock.Add(2 * time.Second)
	e.run(e.svc)
	if got := e.get(ids[0]); got.Status != delivery.StatusPickedUp {
		t.Fatalf("after fetch: %+v", got)
	}
	if s := e.log.of(d.ApplicationID); !slices.Equal(s, []string{delivery.CitizenDelivered, delivery.CitizenPickedUp}) {
		t.Fatalf("citizen statuses %v", s)
	}
}

func TestMissingDVDVEntryFailsAtOnceAndIsRetryable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{noDVDV: true})
	ctx := context.Background()
	d := doc(harzID, streckeXTA)
	ids := e.enqueue(d)
	e.run(e.svc)
	got := e.get(ids[0])
	if got.Status != delivery.StatusFailed || got.Attempts != 1 || !strings.Contains(got.LastError, "keinen DVDV-Eintrag") {
		t.Fatalf("without DVDV entry: %+v", got)
	}
	if s := e.log.of(d.ApplicationID); !slices.Equal(s, []string{delivery.CitizenProblem}) {
		t.Fatalf("citizen statuses %v", s)
	}
	if _, err := e.dir.Put(ctx, "", harzKennung, 0, dvdv.Input{Name: "Landkreis Harz", Endpoint: e.xta.endpoint, Certificate: e.xta.certPEM, Active: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Retry(ctx, ids[0], func(id string) bool { return id == wittenbergID }); !errors.Is(err, tenant.ErrNotFound) {
		t.Fatalf("another tenant retried: %v", err)
	}
	if _, err := e.svc.Retry(ctx, ids[0], all); err != nil {
		t.Fatal(err)
	}
	e.run(e.svc)
	if got := e.get(ids[0]); got.Status != delivery.StatusSent || got.Attempts != 1 {
		t.Fatalf("after retry: %+v", got)
	}
	if _, err := e.svc.Retry(ctx, ids[0], all); !errors.Is(err, delivery.ErrNotRetryable) {
		t.Fatalf("retry of a sent delivery: %v", err)
	}
}

func TestAttemptLimitBackoffAndRetryAfter(t *testing.T) {
	t.Parallel()
	var down = true
	var retryAfter string
	e := newEnv(t, envOptions{tune: func(o *delivery.Options) { o.MaxAttempts = 4 },
		fitWrap: func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if down {
					if retryAfter != "" {
						w.Header().Set("Retry-After", retryAfter)
					}
					http.Error(w, "Wartung", http.StatusServiceUnavailable)
					return
				}
				h.ServeHTTP(w, r)
			})
		}})
	d := doc(harzID, streckeFIT)
	ids := e.enqueue(d)
	var waits []time.Duration
	for attempt := 1; attempt <= 4; attempt++ {
		if n := e.run(e.svc); n != 1 {
			t.Fatalf("attempt %d was not due", attempt)
		}
		if attempt == 4 {
			break
		}
		got := e.get(ids[0])
		if got.Status != delivery.StatusPending || got.NextAttemptAt == nil {
			t.Fatalf("attempt %d: %+v", attempt, got)
		}
		w := got.NextAttemptAt.Sub(e.clock.Now())
		waits = append(waits, w)
		if n := e.run(e.svc); n != 0 {
			t.Fatalf("attempt %d ran before its backoff", attempt+1)
		}
		e.clock.Add(w)
	}
	got := e.get(ids[0])
	if got.Status != delivery.StatusFailed || got.Attempts != 4 || len(got.History) != 4 || !got.Retryable {
		t.Fatalf("after the limit: %+v", got)
	}
	if waits[0] < 500*time.Millisecond || waits[0] > time.Second || waits[1] < time.Second || waits[1] > 2*time.Second {
		t.Errorf("backoff waits %v, want [0.5s,1s] then [1s,2s]", waits)
	}
	if s := e.log.of(d.ApplicationID); !slices.Equal(s, []string{delivery.CitizenProblem}) {
		t.Fatalf("citizen statuses %v", s)
	}
	// Retry-After wins over a shorter backoff.
	retryAfter = "120"
	if _, err := e.svc.Retry(context.Background(), ids[0], all); err != nil {
		t.Fatal(err)
	}
	e.run(e.svc)
	got = e.get(ids[0])
	if w := got.NextAttemptAt.Sub(e.clock.Now()); w < 120*time.Second {
		t.Fatalf("Retry-After 120 ignored: next attempt in %v", w)
	}
	if got.History[0].RetryAfter != 120 {
		t.Errorf("attempt does not record Retry-After: %+v", got.History[0])
	}
	down = false
	e.clock.Add(121 * time.Second)
	e.run(e.svc)
	if got := e.get(ids[0]); got.Status != delivery.StatusSent {
		t.Fatalf("after recovery: %+v", got)
	}
}
