package onboarding_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/onboarding"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/name, or rewrites it with -update.
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
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestRolloutCSVGolden(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if err := f.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := f.store.RolloutReport(ctx, onboarding.RolloutFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.store.MatrixCSV(r).WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "umsetzungsstand.csv", buf.Bytes())

	cases, err := f.store.RolloutCases(ctx, onboarding.RolloutFilter{TenantID: f.harz.ID})
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := f.store.CasesCSV(cases).WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "faelle-harz.csv", buf.Bytes())
}

func TestCSVDefusesFormulas(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	tbl := onboarding.CSVTable{Header: []string{"a", "b", "c", "d"}, Rows: [][]string{{"=HYPERLINK(\"x\")", "-3", "+49 345", "§31 SGB XII"}}}
	if err := tbl.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	if !strings.HasPrefix(got, "\ufeffa;b;c;d\r\n") || !strings.Contains(got, `"'=HYPERLINK(""x"")";-3;'+49 345;§31 SGB XII`) {
		t.Errorf("csv = %q", got)
	}
}

func TestRolloutFiltersAndDrillDown(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if err := f.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	// A Gemeinde below Harz orders MRH: it counts for the Harz tile.
	wernigerode := f.byKey["15085370"]
	f.open(t, wernigerode.ID, "mrh")

	r, err := f.store.RolloutReport(ctx, onboarding.RolloutFilter{OnlyOrdered: true})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, row := range r.Rows {
		keys = append(keys, row.Key)
	}
	if strings.Join(keys, ",") != "grusi,hzl,eb-hzl,mrh,but" {
		t.Errorf("ordered rows %v", keys)
	}
	for _, d := range r.Districts {
		switch d.OfficialKey {
		case "15085":
			if d.Counts.Ordered != 5 || d.Counts.Live != 3 || d.Stage != onboarding.StageLive {
				t.Errorf("Harz tile %+v", d)
			}
		case "15091":
			if d.Counts.Ordered != 2 || d.Stage != onboarding.StagePreparation {
				t.Errorf("Wittenberg tile %+v", d)
			}
		default:
			if d.Counts.Ordered != 0 || d.Stage != "" {
				t.Errorf("tile %+v", d)
			}
		}
	}

	// Per municipality: Harz and the Gemeinde below it.
	harz, err := f.store.RolloutReport(ctx, onboarding.RolloutFilter{TenantID: f.harz.ID, OnlyOrdered: true})
	if err != nil || harz.Totals.Ordered != 5 || len(harz.Districts) != 1 {
		t.Errorf("Harz report %+v, %v", harz, err)
	}
	// Per service.
	cases, err := f.store.RolloutCases(ctx, onboarding.RolloutFilter{Antragsstrecke: "hzl"})
	if err != nil || len(cases) != 2 || cases[0].TenantName != "Landkreis Harz" || cases[1].TenantName != "Landkreis Wittenberg" {
		t.Errorf("HzL cases %+v, %v", cases, err)
	}
	// By OZG-ID and Rechtskreis.
	byOZG, _ := f.store.RolloutReport(ctx, onboarding.RolloutFilter{OZGID: "10086"})
	if len(byOZG.Rows) != 2 || byOZG.Totals.Ordered != 4 {
		t.Errorf("10086: %d rows, %+v", len(byOZG.Rows), byOZG.Totals)
	}
	sgb2, _ := f.store.RolloutReport(ctx, onboarding.RolloutFilter{LegalBasis: "SGB II"})
	for _, row := range sgb2.Rows {
		if !strings.Contains(row.LegalBasis, "SGB II") {
			t.Errorf("SGB II filter kept %s (%s)", row.Label, row.LegalBasis)
		}
	}
	// Visibility: only Wittenberg visible.
	witt, _ := f.store.RolloutReport(ctx, onboarding.RolloutFilter{TenantIDs: []string{f.witt.ID}})
	if witt.Totals.Ordered != 2 || witt.Totals.Live != 0 {
		t.Errorf("Wittenberg only: %+v", witt.Totals)
	}
	none, _ := f.store.RolloutReport(ctx, onboarding.RolloutFilter{TenantIDs: []string{}})
	if none.Totals.Ordered != 0 || len(none.Rows) != len(seedTable) {
		t.Errorf("nothing visible: %+v", none.Totals)
	}
}

// benchCase is the part of a case the benchmark writes.
type benchCase struct {
	bun.BaseModel    `bun:"table:onboarding_cases"`
	ID               string     `bun:"id,pk"`
	TenantID         string     `bun:"tenant_id"`
	Antragsstrecke   string     `bun:"antragsstrecke"`
	OrderedAt        time.Time  `bun:"ordered_at"`
	Transport        string     `bun:"transport"`
	Preparation      string     `bun:"preparation_status"`
	Tests            string     `bun:"tests_status"`
	Production       string     `bun:"production_status"`
	ProductionDoneAt *time.Time `bun:"production_completed_at"`
	LiveMonth        string     `bun:"live_month"`
	LastProgressAt   time.Time  `bun:"last_progress_at"`
	CreatedAt        time.Time  `bun:"created_at"`
	UpdatedAt        time.Time  `bun:"updated_at"`
}

type benchTenant struct {
	bun.BaseModel `bun:"table:tenants"`
	ID            string    `bun:"id,pk"`
	ParentID      string    `bun:"parent_id"`
	Kind          string    `bun:"kind"`
	Name          string    `bun:"name"`
	OfficialKey   string    `bun:"official_key"`
	Slug          string    `bun:"slug"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

// BenchmarkRolloutAggregation aggregates 400 municipalities × 30
// Antragsstrecken (12,000 cases in every stage) as the ministry's
// dashboard does, with the visible tenants passed as a list.
func BenchmarkRolloutAggregation(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	db := f.db.Write
	// 13 more Antragsstrecken, so that there are 30.
	if _, err := db.NewRaw("INSERT INTO onboarding_services (ozg_id, name, position) VALUES ('99999', 'Benchmark-Dienst', 99)").Exec(ctx); err != nil {
		b.Fatal(err)
	}
	keys := []string{"grusi", "hzl", "eb-hzl", "asylblg", "mrh", "but", "wbs", "lza", "tam", "esg", "frf", "ess", "avg", "vmb", "agh", "kel", "16h"}
	for i := len(keys); i < 30; i++ {
		k := fmt.Sprintf("bench-%d", i)
		if _, err := db.NewRaw("INSERT INTO onboarding_antragsstrecken (key, ozg_id, label, position) VALUES (?, '99999', ?, ?)", k, k, 100+i).Exec(ctx); err != nil {
			b.Fatal(err)
		}
		keys = append(keys, k)
	}
	now := seedNow
	var tenants []benchTenant
	ids := []string{f.land.ID}
	for _, t := range f.byKey {
		if t.ID != f.land.ID {
			ids = append(ids, t.ID)
		}
	}
	for i := 0; len(tenants) < 400; i++ {
		parent := districts[i%len(districts)]
		key := fmt.Sprintf("%s%03d", parent.key, 500+i)
		id := fmt.Sprintf("bench-tenant-%03d", i)
		tenants = append(tenants, benchTenant{ID: id, ParentID: f.byKey[parent.key].ID, Kind: "gemeinde", Name: "Gemeinde " + key,
			OfficialKey: key, Slug: "gemeinde-" + key, CreatedAt: now, UpdatedAt: now})
		ids = append(ids, id)
	}
	if _, err := db.NewInsert().Model(&tenants).Exec(ctx); err != nil {
		b.Fatal(err)
	}
	st := []string{string(onboarding.NotStarted), string(onboarding.InProgress), string(onboarding.Completed)}
	var batch []benchCase
	n := 0
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if _, err := db.NewInsert().Model(&batch).Exec(ctx); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	for ti, t := range tenants {
		for ki, k := range keys {
			n++
			stage := (ti + ki) % 7 // 0: ordered … 6: live
			c := benchCase{ID: fmt.Sprintf("bench-case-%05d", n), TenantID: t.ID, Antragsstrecke: k, OrderedAt: now, Transport: "{}",
				Preparation: st[min(stage, 2)], Tests: st[max(min(stage-2, 2), 0)], Production: st[max(min(stage-4, 2), 0)],
				LastProgressAt: now, CreatedAt: now, UpdatedAt: now}
			if c.Production == string(onboarding.Completed) {
				at := now.AddDate(0, -(n % 18), 0)
				c.ProductionDoneAt, c.LiveMonth = &at, at.Format("2006-01")
			}
			batch = append(batch, c)
			if len(batch) == 500 {
				flush()
			}
		}
	}
	flush()
	if f.db.Kind == migrations.Postgres { // as autovacuum would: statistics for the planner
		if _, err := db.ExecContext(ctx, "ANALYZE onboarding_cases"); err != nil {
			b.Fatal(err)
		}
	}
	// The ministry sees every tenant (grouped queries); a caller who sees
	// all but one reads every case once and filters in memory.
	for _, bc := range []struct {
		name    string
		visible []string
		ordered int
	}{
		{"all-visible", ids, 12000},
		{"subset-visible", ids[:len(ids)-1], 12000 - 30},
	} {
		b.Run(bc.name, func(b *testing.B) {
			filter := onboarding.RolloutFilter{TenantIDs: bc.visible}
			r, err := f.store.RolloutReport(ctx, filter)
			if err != nil {
				b.Fatal(err)
			}
			if r.Totals.Ordered != bc.ordered || len(r.Rows) != 30+2 || len(r.Districts) != 14 {
				b.Fatalf("report: %+v, %d tenants, %d rows", r.Totals, r.Tenants, len(r.Rows))
			}
			for b.Loop() {
				if _, err := f.store.RolloutReport(ctx, filter); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
