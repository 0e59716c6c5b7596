package main

import (
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"sync/atomic"
	"testing"

	"sozialplattform/migrations"
)

// What the crash tests of both transports (crash_test.go: FIT-Connect,
// crash_xta_test.go: OSCI/XTA2) check alike: the receipts against the
// database, and the kill right after the transport answered.

// receiptRules are a transport's own demands on the rows behind the
// receipts.
type receiptRules struct {
	sameDraft     bool     // an application came from its receipt's draft
	citizenStatus []string // the statuses an application may show; nil: not checked
	handedOver    []string // the statuses of a delivery row handed over
}

// receiptRows is what reconcileReceipts read.
type receiptRows struct {
	byApp            map[string]crashReceipt // the receipts by application
	byRef            map[string]int          // receipts per reference number
	apps, deliveries int                     // application and delivery rows
}

// reconcileReceipts checks the receipts against the database: no
// application or reference number is on two receipts; every receipt has
// exactly one application and every application a receipt (no submit was
// given up); no draft became two; exactly one delivery row per receipt,
// handed over.
func reconcileReceipts(t *testing.T, db *migrations.DB, receipts []crashReceipt, rules receiptRules) receiptRows {
	t.Helper()
	byApp, byRef := map[string]crashReceipt{}, map[string]int{}
	for _, rc := range receipts {
		if prev, ok := byApp[rc.ApplicationID]; ok {
			t.Errorf("application %s is the receipt of two drafts: %s and %s", rc.ApplicationID, prev.Draft, rc.Draft)
		}
		byApp[rc.ApplicationID] = rc
		byRef[rc.Reference]++
	}
	repeated(t, byRef, "reference number %s on %d receipts")

	appRows, err := applicationRows(db)
	if err != nil {
		t.Fatal(err)
	}
	seen, drafts := map[string]int{}, map[string]int{}
	for _, a := range appRows {
		seen[a.ID]++
		drafts[a.DraftID]++
		rc, ok := byApp[a.ID]
		switch {
		case !ok:
			t.Errorf("application %s (%s, status %s) has no receipt", a.ID, a.Reference, a.Status)
		case a.Reference != rc.Reference:
			t.Errorf("application %s is %s, the receipt says %s", a.ID, a.Reference, rc.Reference)
		case rules.sameDraft && a.DraftID != path.Base(rc.Draft):
			t.Errorf("application %s came from draft %s, the receipt's draft is %s", a.ID, a.DraftID, rc.Draft)
		}
		// The delivery's status reaches the application in the same
		// transaction, so it is there for every handed-over delivery.
		if rules.citizenStatus != nil && !slices.Contains(rules.citizenStatus, a.Status) {
			t.Errorf("application %s (%s): status %s, want %s", a.ID, a.Reference, a.Status, rules.citizenStatus[0])
		}
	}
	for id := range byApp {
		if seen[id] != 1 {
			t.Errorf("receipt %s (%s): %d applications", id, byApp[id].Reference, seen[id])
		}
	}
	repeated(t, drafts, "draft %s submitted as %d applications")

	rows, err := deliveryRows(db)
	if err != nil {
		t.Fatal(err)
	}
	perApp := map[string]int{}
	for _, r := range rows {
		perApp[r.ApplicationID]++
		if !slices.Contains(rules.handedOver, r.Status) {
			t.Errorf("delivery %s of %s: %s", r.ID, r.ReferenceNumber, r.Status)
		}
	}
	for id, rc := range byApp {
		if perApp[id] != 1 {
			t.Errorf("receipt %s: %d delivery rows", rc.Reference, perApp[id])
		}
	}
	return receiptRows{byApp: byApp, byRef: byRef, apps: len(appRows), deliveries: len(rows)}
}

// repeated reports every key counted more than once, with format (key,
// count).
func repeated(t *testing.T, counts map[string]int, format string) {
	t.Helper()
	for key, n := range counts {
		if n > 1 {
			t.Errorf(format, key, n)
		}
	}
}

// killAfterAnswer lets k kill the server after the transport answered a
// request that picks with the status ok, and before the answer reaches
// the platform: the moment where a careless sender sends twice.
func killAfterAnswer(k *killSwitch, hits *atomic.Int64, picks func(*http.Request) bool, ok int, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !picks(r) || !k.armed.Load() {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		if rec.Code == ok && k.fire() {
			hits.Add(1)
		}
		for key, v := range rec.Header() {
			w.Header()[key] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}
