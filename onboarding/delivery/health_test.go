package delivery_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/tenant"
	"sozialplattform/tenant/passwordtest"
)

// healthNow is "now" of the health tests.
var healthNow = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

// healthWorld is a database with Landkreise and their onboarding cases,
// and a delivery service whose clock stands at healthNow.
type healthWorld struct {
	db      *migrations.DB
	svc     *delivery.Service
	cases   *onboarding.Store
	tenants map[string]string // official key → tenant ID
	n       int
}

func newHealthWorld(t testing.TB) *healthWorld {
	t.Helper()
	db := testdb.New(t)
	ts := tenant.NewStore(db, nil, tenant.Options{Passwords: passwordtest.Hasher()})
	cases, err := onboarding.NewStore(db, nil, onboarding.Options{Now: func() time.Time { return healthNow }})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := delivery.New(db, delivery.Options{Router: delivery.OnboardingRouter{Cases: cases, Tenants: ts}, Now: func() time.Time { return healthNow }})
	if err != nil {
		t.Fatal(err)
	}
	return &healthWorld{db: db, svc: svc, cases: cases, tenants: map[string]string{}}
}

// district creates a Landkreis with cases for the Antragsstrecken; live
// ones have all three phases completed.
func (w *healthWorld) district(t testing.TB, key string, streams []string, live ...string) string {
	t.Helper()
	ctx := context.Background()
	id := fmt.Sprintf("t-%s", key)
	now := healthNow
	if _, err := w.db.Write.NewRaw(`INSERT INTO tenants (id, kind, name, official_key, slug, created_at, updated_at) VALUES (?, 'landkreis', ?, ?, ?, ?, ?)`,
		id, "Landkreis "+key, key, "lk-"+key, now, now).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	w.tenants[key] = id
	if err := w.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return w.cases.OpenCases(ctx, tx, id, "order-"+key, streams, now)
	}); err != nil {
		t.Fatal(err)
	}
	for _, s := range live {
		if _, err := w.db.Write.NewRaw(`UPDATE onboarding_cases SET preparation_status = 'completed', tests_status = 'completed', production_status = 'completed'
			WHERE tenant_id = ? AND antragsstrecke = ?`, id, s).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// delivery stores a delivery of an application in a status, created ago
// before now, last changed at created+1 minute.
func (w *healthWorld) delivery(t testing.TB, tenantID, stream, status, lastError string, ago time.Duration, purpose string) string {
	t.Helper()
	w.n++
	id := fmt.Sprintf("d-%04d", w.n)
	created := healthNow.Add(-ago)
	if _, err := w.db.Write.NewRaw(`INSERT INTO deliveries (id, tenant_id, application_id, antragsstrecke, purpose, status, last_error,
		next_attempt_at, submitted_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, tenantID, "app-"+id, stream, purpose, status, lastError, created, created, created, created.Add(time.Minute)).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	return id
}

func (w *healthWorld) caseID(t testing.TB, tenantID, stream string) string {
	t.Helper()
	cs, err := w.cases.ListCases(context.Background(), tenantID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Antragsstrecke == stream {
			return c.ID
		}
	}
	t.Fatalf("no case %s of %s", stream, tenantID)
	return ""
}

// TestHealthShowsLiveCasesWhoseDeliveriesFail is finding m16: Stendal's HzL
// was "live" while every delivery failed. The health of the last 7 days
// counts delivered, failed and pending applications per case, names the
// newest failure, and leaves out connection tests and older deliveries.
func TestHealthShowsLiveCasesWhoseDeliveriesFail(t *testing.T) {
	t.Parallel()
	w := newHealthWorld(t)
	stendal := w.district(t, "15090", []string{"hzl", "grusi"}, "hzl")
	harz := w.district(t, "15085", []string{"hzl", "but"}, "hzl", "but")
	w.district(t, "15091", []string{"hzl"}) // ordered, no application yet

	const day = 24 * time.Hour
	w.delivery(t, stendal, "hzl", delivery.StatusFailed, "FIT-Connect: Zustellpunkt unbekannt", 3*day, delivery.PurposeApplication)
	w.delivery(t, stendal, "hzl", delivery.StatusRejected, "", 2*day, delivery.PurposeApplication)
	newest := w.delivery(t, stendal, "hzl", delivery.StatusFailed, "XTA: Zertifikat abgelaufen", day, delivery.PurposeApplication)
	w.delivery(t, stendal, "hzl", delivery.StatusAccepted, "", 9*day, delivery.PurposeApplication)          // before the window
	w.delivery(t, stendal, "hzl", delivery.StatusFailed, "Test", time.Hour, delivery.PurposeConnectionTest) // a test, not an application
	w.delivery(t, stendal, "grusi", delivery.StatusSent, "", day, delivery.PurposeApplication)              // not live yet, still counted
	w.delivery(t, harz, "hzl", delivery.StatusAccepted, "", day, delivery.PurposeApplication)               //
	w.delivery(t, harz, "hzl", delivery.StatusPickedUp, "", 2*day, delivery.PurposeApplication)             //
	w.delivery(t, harz, "hzl", delivery.StatusFailed, "Fachverfahren nicht erreichbar", 3*day, delivery.PurposeApplication)
	w.delivery(t, harz, "but", delivery.StatusPending, "", time.Hour, delivery.PurposeApplication)
	w.delivery(t, harz, "but", delivery.StatusFailed, "zu alt", 8*day, delivery.PurposeApplication)

	all, err := w.svc.Health(context.Background(), delivery.HealthFilter{Reasons: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                string
		tenantID, stream    string
		live                bool
		ok, failed, pending int
		level               string
		share               int
		lastReason, lastID  string
	}{
		{"Stendal HzL: live, every delivery failed", stendal, "hzl", true, 0, 3, 0, delivery.HealthFailing, 100, "XTA: Zertifikat abgelaufen", newest},
		{"Stendal GruSi: not live, delivered", stendal, "grusi", false, 1, 0, 0, delivery.HealthOK, 0, "", ""},
		{"Harz HzL: live, one of three failed", harz, "hzl", true, 2, 1, 0, delivery.HealthDegraded, 33, "Fachverfahren nicht erreichbar", ""},
		{"Harz BuT: live, one on its way, the old failure is outside the window", harz, "but", true, 0, 0, 1, delivery.HealthOK, 0, "", ""},
	}
	if len(all) != len(tests) {
		t.Errorf("health of %d cases, want %d (Wittenberg without applications left out): %+v", len(all), len(tests), all)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := w.caseID(t, tt.tenantID, tt.stream)
			h, ok := all[id]
			if !ok {
				t.Fatalf("no health for case %s", id)
			}
			if h.TenantID != tt.tenantID || h.Antragsstrecke != tt.stream || h.Live != tt.live {
				t.Errorf("case = %s/%s live %v, want %s/%s live %v", h.TenantID, h.Antragsstrecke, h.Live, tt.tenantID, tt.stream, tt.live)
			}
			if h.OK != tt.ok || h.Failed != tt.failed || h.Pending != tt.pending {
				t.Errorf("ok/failed/pending = %d/%d/%d, want %d/%d/%d", h.OK, h.Failed, h.Pending, tt.ok, tt.failed, tt.pending)
			}
			if h.Level() != tt.level || h.FailedShare() != tt.share {
				t.Errorf("level %s (%d %%), want %s (%d %%)", h.Level(), h.FailedShare(), tt.level, tt.share)
			}
			switch {
			case tt.lastReason == "" && h.LastFailure != nil:
				t.Errorf("last failure %+v, want none", h.LastFailure)
			case tt.lastReason != "" && (h.LastFailure == nil || h.LastFailure.Reason != tt.lastReason):
				t.Errorf("last failure %+v, want reason %q", h.LastFailure, tt.lastReason)
			case tt.lastID != "" && h.LastFailure.DeliveryID != tt.lastID:
				t.Errorf("last failure is delivery %s, want the newest %s", h.LastFailure.DeliveryID, tt.lastID)
			}
		})
	}

	t.Run("a rejection without an error text names its status", func(t *testing.T) {
		w.delivery(t, stendal, "hzl", delivery.StatusRejected, "", time.Minute, delivery.PurposeApplication)
		hs, err := w.svc.Health(context.Background(), delivery.HealthFilter{CaseID: w.caseID(t, stendal, "hzl"), Reasons: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hs {
			if h.LastFailure == nil || h.LastFailure.Reason != delivery.StatusLabel(delivery.StatusRejected) {
				t.Errorf("last failure %+v, want the status label %q", h.LastFailure, delivery.StatusLabel(delivery.StatusRejected))
			}
		}
	})

	// The Umsetzungsstand's one query answers what Health (without
	// reasons) and FailedCounts answer: Harz's BuT failure of 8 days ago
	// counts as waiting for the municipality, not in the window's health.
	for _, tenants := range [][]string{nil, {harz}, {stendal, w.tenants["15091"]}, {}} {
		t.Run(fmt.Sprintf("Rollout of tenants %v = Health + FailedCounts", tenants), func(t *testing.T) {
			ctx := context.Background()
			got, err := w.svc.Rollout(ctx, tenants)
			if err != nil {
				t.Fatal(err)
			}
			health, err := w.svc.Health(ctx, delivery.HealthFilter{TenantIDs: tenants})
			if err != nil {
				t.Fatal(err)
			}
			failed, err := w.svc.FailedCounts(ctx, tenants)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Health, health) {
				t.Errorf("health\n%+v, want\n%+v", got.Health, health)
			}
			if !reflect.DeepEqual(got.Failed, failed) {
				t.Errorf("failed %v, want %v", got.Failed, failed)
			}
			if tenants == nil && (got.Failed[harz] != 2 || got.Failed[stendal] != 4) {
				t.Errorf("failed %v, want Harz 2 (one older than the window), Stendal 4 (the test not counted)", got.Failed)
			}
		})
	}

	filters := []struct {
		name string
		f    delivery.HealthFilter
		want int
	}{
		{"one tenant", delivery.HealthFilter{TenantIDs: []string{harz}}, 2},
		{"one Antragsstrecke", delivery.HealthFilter{Antragsstrecke: "hzl"}, 2},
		{"one case", delivery.HealthFilter{CaseID: w.caseID(t, harz, "but")}, 1},
		{"no tenant visible", delivery.HealthFilter{TenantIDs: []string{}}, 0},
		{"a tenant without applications", delivery.HealthFilter{TenantIDs: []string{w.tenants["15091"]}}, 0},
	}
	for _, tt := range filters {
		t.Run("filter: "+tt.name, func(t *testing.T) {
			hs, err := w.svc.Health(context.Background(), tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(hs) != tt.want {
				t.Errorf("%d cases, want %d", len(hs), tt.want)
			}
			for _, h := range hs {
				if h.LastFailure != nil {
					t.Errorf("%s/%s: a failure reason without Reasons", h.TenantID, h.Antragsstrecke)
				}
			}
		})
	}
}

// TestHealthLabels pins the indicator's German words.
func TestHealthLabels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		h    delivery.Health
		want string
	}{
		{delivery.Health{}, "keine Anträge"},
		{delivery.Health{Pending: 1}, "Zustellung in Ordnung"},
		{delivery.Health{OK: 4}, "Zustellung in Ordnung"},
		{delivery.Health{OK: 3, Failed: 1}, "Zustellung teilweise gestört"},
		{delivery.Health{Failed: 2, Pending: 1}, "Zustellung gestört"},
	}
	for _, tt := range tests {
		if got := tt.h.Label(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.h, got, tt.want)
		}
	}
}

// BenchmarkHealthRollout is the Umsetzungsstand's query at state scale:
// 400 municipalities × 30 Antragsstrecken, all live, each with 4
// applications in the window (one of 8 failing) and 4 older ones.
func BenchmarkHealthRollout(b *testing.B) {
	w := newHealthWorld(b)
	ctx := context.Background()
	const tenants, streams = benchTenants, benchStreams
	seedBench(b, w)
	for _, reasons := range []bool{false, true} {
		b.Run(fmt.Sprintf("reasons=%v", reasons), func(b *testing.B) {
			for b.Loop() {
				hs, err := w.svc.Health(ctx, delivery.HealthFilter{Reasons: reasons})
				if err != nil {
					b.Fatal(err)
				}
				if len(hs) != tenants*streams {
					b.Fatalf("%d cases, want %d", len(hs), tenants*streams)
				}
			}
		})
	}
	// What the Umsetzungsstand reads: the window's health and the failed
	// deliveries of all time per tenant, in one query.
	b.Run("rollout", func(b *testing.B) {
		for b.Loop() {
			r, err := w.svc.Rollout(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			if len(r.Health) != tenants*streams || len(r.Failed) != tenants {
				b.Fatalf("%d cases, %d tenants with failures", len(r.Health), len(r.Failed))
			}
		}
	})
	b.Run("failed-counts", func(b *testing.B) {
		for b.Loop() {
			if _, err := w.svc.FailedCounts(ctx, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// seedBench fills w with benchTenants × benchStreams live cases, each with
// benchPerCase applications in the health window (one delivery in 8
// failed) and as many older ones.
func seedBench(b *testing.B, w *healthWorld) {
	b.Helper()
	ctx := context.Background()
	const tenants, streams, perCase = benchTenants, benchStreams, benchPerCase
	now := healthNow
	err := w.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for s := range streams {
			if _, err := tx.NewRaw(`INSERT INTO onboarding_antragsstrecken (key, ozg_id, label, legal_basis, position) VALUES (?, '10086', ?, '', ?)`,
				fmt.Sprintf("bench-%02d", s), fmt.Sprintf("Bench %d", s), 100+s).Exec(ctx); err != nil {
				return err
			}
		}
		n := 0
		for i := range tenants {
			id := fmt.Sprintf("bench-t-%03d", i)
			if _, err := tx.NewRaw(`INSERT INTO tenants (id, kind, name, official_key, slug, created_at, updated_at) VALUES (?, 'gemeinde', ?, ?, ?, ?, ?)`,
				id, "Gemeinde "+id, fmt.Sprintf("1509%04d", i), id, now, now).Exec(ctx); err != nil {
				return err
			}
			for s := range streams {
				key := fmt.Sprintf("bench-%02d", s)
				if _, err := tx.NewRaw(`INSERT INTO onboarding_cases (id, tenant_id, antragsstrecke, ordered_at, preparation_status, tests_status, production_status,
					last_progress_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'completed', 'completed', 'completed', ?, ?, ?)`,
					fmt.Sprintf("c-%s-%s", id, key), id, key, now, now, now, now).Exec(ctx); err != nil {
					return err
				}
				for k := range 2 * perCase {
					n++
					status, ago := delivery.StatusAccepted, time.Duration(k)*time.Hour
					if k >= perCase {
						ago = 10 * 24 * time.Hour
					}
					if n%8 == 0 {
						status = delivery.StatusFailed
					}
					at := now.Add(-ago)
					if _, err := tx.NewRaw(`INSERT INTO deliveries (id, tenant_id, application_id, antragsstrecke, purpose, status, last_error,
						next_attempt_at, submitted_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'application', ?, 'Fehler', ?, ?, ?, ?)`,
						fmt.Sprintf("d-%07d", n), id, fmt.Sprintf("a-%07d", n), key, status, at, at, at, at).Exec(ctx); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if w.db.Kind == migrations.Postgres {
		if _, err := w.db.Write.NewRaw("ANALYZE").Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// The scale of BenchmarkHealthRollout.
const benchTenants, benchStreams, benchPerCase = 400, 30, 4
