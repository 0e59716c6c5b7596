package main

import (
	"context"
	"os"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"sozialplattform/migrations"
	"sozialplattform/portal/forms"
	"sozialplattform/portal/forms/formstest"
)

// BenchmarkSubmission measures the whole submission of a complete HzL
// application with one uploaded PDF: validate all steps → reserve the
// reference number → PDF → XSozial-basis XML → one transaction with the
// encrypted answers, the documents, the delivery outbox entry (the app's
// delivery service, which seals the payload) and the receipt mail. The drafts are prepared before
// the clock runs. Run with TEST_DB=postgres for PostgreSQL; with
// BENCH_PG_STATEMENTS=1 against a server of one's own that preloads
// pg_stat_statements, it also reports the server's time and statements per
// submission (the extension counts every database of the server).
// BENCH_CPUPROFILE=file writes a CPU profile of the submissions alone;
// BENCH_PARALLELISM=n runs n submitting goroutines per CPU.
func BenchmarkSubmission(b *testing.B) {
	// The server's own form store, wired as in production (liveness and
	// reader identity from onboarding, the delivery outbox); only the
	// drafts per citizen are unlimited, since one citizen holds them all.
	a, _ := buildTestApp(b, func(c *config) { c.Apps.MaxDrafts = 1 << 30 })
	ctx := context.Background()
	// The demo's orders and onboarding cases: Landkreis Harz runs HzL live.
	if err := a.market.LoadDemo(ctx); err != nil {
		b.Fatal(err)
	}
	if err := a.onboard.LoadDemo(ctx); err != nil {
		b.Fatal(err)
	}
	harz, err := a.store.ResolveTenant(ctx, "15085")
	if err != nil {
		b.Fatal(err)
	}
	acc := seedCitizen(b, a, "bench@example.org", harz.Slug)
	store := a.forms
	drafts := make([]string, b.N)
	for i := range drafts {
		d, err := store.CreateDraft(ctx, acc, harz.ID, "hzl", nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, st := range formstest.HzL() {
			if _, err := store.SaveStep(ctx, acc, d.ID, st.ID, st.Form, "de", nil); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := store.AddUpload(ctx, acc, d.ID, "ausweis", "ausweis.pdf", formstest.PDF, "de"); err != nil {
			b.Fatal(err)
		}
		drafts[i] = d.ID
	}
	in := forms.SubmitInput{CitizenID: acc, Email: "bench@example.org", Trust: forms.TrustNiedrig, Declarations: formstest.Declarations()}
	var next atomic.Int64
	if p := os.Getenv("BENCH_PARALLELISM"); p != "" {
		n, _ := strconv.Atoi(p)
		b.SetParallelism(n)
	}
	pgStatements := os.Getenv("BENCH_PG_STATEMENTS") != "" && a.db.Kind == migrations.Postgres
	if pgStatements {
		if _, err := a.db.Write.ExecContext(ctx, "SELECT public.pg_stat_statements_reset()"); err != nil {
			b.Fatalf("BENCH_PG_STATEMENTS needs pg_stat_statements: %v", err)
		}
	}
	if path := os.Getenv("BENCH_CPUPROFILE"); path != "" {
		// A profile of the submissions alone, without the drafts' set-up.
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := drafts[next.Add(1)-1]
			if _, err := store.Submit(ctx, id, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "applications/s")
	b.StopTimer()
	if pgStatements {
		var st struct {
			Ms    float64 `bun:"ms"`
			Calls int64   `bun:"calls"`
		}
		if err := a.db.Read.NewRaw(`SELECT COALESCE(SUM(total_exec_time + total_plan_time), 0) AS ms, COALESCE(SUM(calls), 0) AS calls
			FROM public.pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'`).Scan(ctx, &st); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(st.Ms/float64(b.N), "pg-ms/op")
		b.ReportMetric(float64(st.Calls)/float64(b.N), "statements/op")
	}
	var docs, outbox int64
	if err := a.db.Read.NewRaw(`SELECT COALESCE(SUM(length(data)), 0) FROM application_documents`).Scan(ctx, &docs); err != nil {
		b.Fatal(err)
	}
	if err := a.db.Read.NewRaw(`SELECT COALESCE(SUM(length(data)), 0) FROM delivery_payloads`).Scan(ctx, &outbox); err != nil {
		b.Fatal(err)
	}
	// What a submission writes in sealed contents: the documents and the
	// outbox payload (which keeps them by reference, see SetStored).
	b.ReportMetric(float64(docs)/float64(b.N), "document-B/op")
	b.ReportMetric(float64(outbox)/float64(b.N), "outbox-B/op")
}

// seedCitizen creates a confirmed citizen account and returns its ID.
func seedCitizen(t testing.TB, a *app, email, slug string) string {
	t.Helper()
	ctx := context.Background()
	token, err := a.citizens.Register(ctx, email, "ein-sicheres-passwort", "", slug)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := a.citizens.Confirm(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	return acc.ID
}
