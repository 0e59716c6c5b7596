package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
)

// TestDemoScaleSmall: `demo --scale small` adds Gemeinden of the official
// list, a case per tenant and Antragsstrecke, orders, Sprechstunden,
// applications with deliveries and counselling entries, refuses to run
// twice, and the retention job then purges exactly the expired
// applications, in several batches, each with its audit entry.
func TestDemoScaleSmall(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("scale: full suite only")
	}
	dsn := testdb.DSN(t)
	env := map[string]string{"SOZIALPLATTFORM_DB": dsn, "SOZIALPLATTFORM_LOG_LEVEL": "error", "SOZIALPLATTFORM_DATA_KEY": backupDataKey}
	out, err := runCLI(t, env, "", "demo", "--scale", "small")
	if err != nil {
		t.Fatalf("demo --scale small: %v\n%s", err, out)
	}
	if !strings.Contains(out, "3000 Anträge mit 3000 Zustellungen") || !strings.Contains(out, "20 Beratungsstellen") {
		t.Errorf("summary: %s", out)
	}
	if out, err := runCLI(t, env, "", "demo", "--scale", "small"); err == nil || !strings.Contains(out+err.Error(), "already holds generated data") {
		t.Errorf("second run: %v\n%s", err, out)
	}
	if _, err := runCLI(t, env, "", "demo", "--scale", "huge"); err == nil || !strings.Contains(err.Error(), "small, state") {
		t.Errorf("unknown scale: %v", err)
	}

	ctx := context.Background()
	cfg, _, err := parseConfig("test", []string{"--db", dsn, "--data-dir", t.TempDir()}, func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	count := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := a.db.Read.NewRaw(query, args...).Scan(ctx, &n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	now := time.Now()
	checks := []struct {
		what  string
		query string
		want  int
	}{
		{"generated Gemeinden", "SELECT count(*) FROM tenants WHERE slug LIKE 'land-%' AND kind = 'gemeinde' AND official_key IS NOT NULL", 12},
		{"Antragsstrecken", "SELECT count(*) FROM onboarding_antragsstrecken", 30},
		{"tenants without 30 cases", `SELECT count(*) FROM tenants t WHERE (t.kind IN ('landkreis', 'kreisfreie-stadt') OR t.slug LIKE 'land-%')
			AND (SELECT count(*) FROM onboarding_cases c WHERE c.tenant_id = t.id) <> 30`, 0},
		{"applications", "SELECT count(*) FROM applications WHERE reference LIKE 'SP-%'", 3000},
		{"applications without delivery", "SELECT count(*) FROM applications a WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.application_id = a.id)", 0},
	}
	for _, c := range checks {
		args := []any{}
		if strings.Contains(c.query, "?") {
			args = append(args, now)
		}
		if got := count(c.query, args...); got != c.want {
			t.Errorf("%s: %d, want %d", c.what, got, c.want)
		}
	}
	// The answers are sealed with the data key like real ones.
	var id string
	if err := a.db.Read.NewRaw("SELECT id FROM applications WHERE payload IS NOT NULL ORDER BY submitted_at DESC LIMIT 1").Scan(ctx, &id); err != nil {
		t.Fatal(err)
	}
	app, err := a.forms.Get(ctx, id)
	if err != nil {
		t.Fatalf("open generated application: %v", err)
	}
	if app.Reference == "" || app.Status == "" {
		t.Errorf("generated application %+v", app)
	}

	// The generated 1000 and those of the regular demo.
	due := count("SELECT count(*) FROM applications WHERE deleted_at IS NULL AND payload IS NOT NULL AND delete_after <= ?", now)
	if due < 1000 {
		t.Errorf("%d expired applications holding data, want at least the 1000 generated", due)
	}
	auditsBefore := count("SELECT count(*) FROM audit_log WHERE action = 'delete-expired' AND object_type = 'application'")
	res, err := a.forms.Cleanup(tenant.WithActor(ctx, tenant.Actor{ID: "system", Label: "Test"}))
	if err != nil {
		t.Fatal(err)
	}
	if res.ApplicationsPurged != due {
		t.Errorf("purged %d, want the %d expired", res.ApplicationsPurged, due)
	}
	if got := count("SELECT count(*) FROM applications WHERE deleted_at IS NULL AND delete_after <= ?", now); got != 0 {
		t.Errorf("%d expired applications left", got)
	}
	if got := count("SELECT count(*) FROM audit_log WHERE action = 'delete-expired' AND object_type = 'application'") - auditsBefore; got != due {
		t.Errorf("%d audit entries for the purge, want %d", got, due)
	}
	if got := count("SELECT count(*) FROM applications WHERE payload IS NOT NULL AND delete_after > ?", now); got == 0 {
		t.Error("the purge took applications still within their retention period")
	}
}
