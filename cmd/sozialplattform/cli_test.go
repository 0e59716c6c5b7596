package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"slices"
	"sozialplattform/migrations"
	"strings"
	"testing"
	"time"

	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
)

func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	// On PostgreSQL the instance's files would go to ./data of the package
	// folder; a test keeps them in its own.
	dataDir := ""
	if _, set := env["SOZIALPLATTFORM_DATA_DIR"]; !set && migrations.KindOf(env["SOZIALPLATTFORM_DB"]+env["DATABASE_URL"]) == migrations.Postgres {
		dataDir = t.TempDir()
	}
	getenv := func(k string) string {
		if k == "SOZIALPLATTFORM_DATA_DIR" && dataDir != "" {
			return dataDir
		}
		return env[k]
	}
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	env := map[string]string{"SOZIALPLATTFORM_DB": testdb.DSN(t), "SOZIALPLATTFORM_LOG_LEVEL": "error"}

	if out, err := runCLI(t, env, "", "version"); err != nil || !strings.Contains(out, "sozialplattform") {
		t.Errorf("version: %q, %v", out, err)
	}
	if out, err := runCLI(t, env, "", "migrate", "status"); err != nil || !strings.Contains(out, "ausstehend") {
		t.Errorf("status on an empty database: %q, %v", out, err)
	}
	if out, err := runCLI(t, env, "", "migrate", "up"); err != nil || !strings.Contains(out, "angewendet") {
		t.Errorf("up: %q, %v", out, err)
	}
	if out, err := runCLI(t, env, "", "migrate", "status"); err != nil || strings.Contains(out, "ausstehend") {
		t.Errorf("status after up: %q, %v", out, err)
	}
	if _, err := runCLI(t, env, "", "migrate", "sideways"); err == nil {
		t.Error("unknown migrate action accepted")
	}

	// A fresh installation: create the Land through the demo loader's data
	// would be cheating, so make the Land directly and then its admin.
	a, err := newApp(context.Background(), mustConfig(t, env), newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	key := "15"
	if err := a.store.CreateTenant(context.Background(), &tenant.Tenant{Kind: tenant.KindLand, Name: "Sachsen-Anhalt", OfficialKey: &key, Active: true}); err != nil {
		t.Fatal(err)
	}
	a.close()

	out, err := runCLI(t, env, "ein-sehr-langes-passwort\n", "user", "create", "--tenant", "15", "--role", "ministry-admin",
		"--email", "admin@mid.example", "--password-stdin")
	if err != nil || !strings.Contains(out, "admin@mid.example") {
		t.Fatalf("user create: %q, %v", out, err)
	}
	if out, err := runCLI(t, env, "ein-sehr-langes-passwort\n", "user", "create", "--tenant", "15", "--role", "ministry-admin",
		"--email", "admin@mid.example", "--password-stdin"); err == nil || !strings.Contains(err.Error(), "bereits") {
		t.Errorf("duplicate user: %q, %v", out, err)
	}
	for _, args := range [][]string{
		{"user", "create", "--tenant", "99", "--role", "ministry-admin", "--email", "x@mid.example", "--password-stdin"},
		{"user", "create", "--tenant", "15", "--role", "kaiser", "--email", "x@mid.example", "--password-stdin"},
		{"user", "create", "--tenant", "15", "--role", "ministry-admin", "--email", "x@mid.example"},
	} {
		if _, err := runCLI(t, env, "ein-sehr-langes-passwort\n", args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}

	out, err = runCLI(t, env, "", "openapi")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.1") || doc.Paths["/v1/tenants"] == nil {
		t.Errorf("openapi: %v, version %q, %d paths", err, doc.OpenAPI, len(doc.Paths))
	}
	if _, err := runCLI(t, env, "", "frobnicate"); err == nil {
		t.Error("unknown command accepted")
	}
}

func mustConfig(t *testing.T, env map[string]string) *config {
	t.Helper()
	cfg, _, err := parseConfig("test", nil, func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	// On PostgreSQL the instance's files would go to ./data of the package
	// folder; a test keeps them in its own.
	if _, set := env["SOZIALPLATTFORM_DATA_DIR"]; !set && migrations.KindOf(cfg.DB) == migrations.Postgres {
		cfg.DataDir = t.TempDir()
	}
	return cfg
}

func TestConfigPrecedenceAndValidation(t *testing.T) {
	t.Parallel()
	env := map[string]string{"SOZIALPLATTFORM_ADDR": "127.0.0.1:9000", "DATABASE_URL": "postgres://u@h/db"}
	cfg, _, err := parseConfig("test", []string{"--addr", "127.0.0.1:9100"}, func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:9100" || cfg.DB != "postgres://u@h/db" || cfg.BaseURL != "http://127.0.0.1:9100" || cfg.secure() {
		t.Errorf("config %+v", cfg)
	}
	if cfg.Counselling.RemindAfter != 183*24*time.Hour || cfg.Counselling.OutdatedAfter != 365*24*time.Hour {
		t.Errorf("counselling defaults %+v", cfg.Counselling)
	}
	for _, bad := range [][]string{{"--base-url", "ftp://x"}, {"--smtp-tls", "maybe"}, {"--session-idle", "lang"}, {"--smtp-port", "x"},
		{"--counselling-remind-after", "bald"}, {"--counselling-remind-after", "400d"}, {"--max-drafts", "0"},
		// SMTPConfig.Validate stops the start
		{"--smtp-host", "mail.example.org", "--smtp-port", "70000"}, {"--smtp-host", "mail.example.org", "--mail-from", "kein Absender"},
		{"--smtp-host", "mail.example.org", "--smtp-tls", "none", "--smtp-username", "u", "--smtp-password", "p"}} {
		if _, _, err := parseConfig("test", bad, func(string) string { return "" }, nil); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestDemoLoaderIsIdempotent(t *testing.T) {
	t.Parallel()
	a, _ := testApp(t) // loads the demo once
	ctx := context.Background()
	count := func() (tenants, users, audit int) {
		ts, _ := a.store.ListTenants(ctx, tenant.TenantFilter{})
		n, _ := a.db.Read.NewSelect().Table("users").Count(ctx)
		m, _ := a.db.Read.NewSelect().Table("audit_log").Count(ctx)
		return len(ts), int(n), int(m)
	}
	t1, u1, a1 := count()
	if _, err := a.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	t2, u2, a2 := count()
	if t1 != t2 || u1 != u2 || a1 != a2 {
		t.Errorf("second demo load changed counts: tenants %d→%d, users %d→%d, audit %d→%d", t1, t2, u1, u2, a1, a2)
	}
	if t1 != 18 || u1 != 4 {
		t.Errorf("demo has %d tenants and %d users", t1, u1)
	}
}

func TestReadinessFailsWhenTheDatabaseIsGone(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	c := newClient(t, srv.URL)
	c.must(200, "GET", "/readyz", nil, nil)
	a.db.Close()
	c.must(503, "GET", "/readyz", nil, nil)
	c.must(200, "GET", "/healthz", nil, nil)
}

// TestServeRefusesWhatRealPeersRefuse: with a FIT-Connect endpoint the
// public address must be https (the official schema admits only https
// callbacks) – a local test server on loopback excepted –, and a real
// transport needs the platform's own DVDV identity, which then is the
// author of every message.
func TestServeRefusesWhatRealPeersRefuse(t *testing.T) {
	t.Parallel()
	fit := []string{"--fitconnect-url", "https://submission-api-testing.fit-connect.example", "--fitconnect-token-url", "https://auth.example/token",
		"--fitconnect-client-id", "id", "--fitconnect-client-secret", "geheim"}
	local := []string{"--fitconnect-url", "http://127.0.0.1:8090", "--fitconnect-token-url", "http://127.0.0.1:8090/token",
		"--fitconnect-client-id", "id", "--fitconnect-client-secret", "geheim"}
	for _, tt := range []struct {
		name string
		args []string
		want string // "" = accepted
	}{
		{"FIT-Connect with http base URL", append(slices.Clone(fit), "--platform-kennung", "sop:150000100001"), "https-Adresse"},
		{"FIT-Connect with https but the placeholder identity", append(slices.Clone(fit), "--base-url", "https://sozial.example"), "--platform-kennung"},
		{"FIT-Connect, https, own identity", append(slices.Clone(fit), "--base-url", "https://sozial.example", "--platform-kennung", "sop:150000100001"), ""},
		{"local FIT-Connect on loopback with http", local, ""},
		{"no transport, placeholder identity", nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, err := parseConfig("serve", tt.args, func(string) string { return "" }, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = cfg.checkServe()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
	if _, _, err := parseConfig("serve", []string{"--platform-kennung", "keine kennung"}, func(string) string { return "" }, nil); err == nil {
		t.Error("a malformed platform identity was accepted")
	}
	cfg, _, err := parseConfig("serve", []string{"--platform-kennung", "sop:150000100001", "--platform-name", "Sozialplattform ST"}, func(string) string { return "" }, nil)
	if err != nil || cfg.Identity.Kennung != "sop:150000100001" || cfg.Identity.Name != "Sozialplattform ST" {
		t.Errorf("identity %+v, %v", cfg.Identity, err)
	}
}
