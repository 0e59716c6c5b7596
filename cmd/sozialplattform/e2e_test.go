package main

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail/mailtest"
)

// startServer runs the real program in-process (`serve --demo` on a free
// port) and returns its base URL. The server stops when the test ends.
func startServer(t *testing.T, env map[string]string) string {
	t.Helper()
	return startInstance(t, env, "--demo")
}

// startInstance runs `serve` with extra arguments on a free port.
func startInstance(t *testing.T, env map[string]string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	// The instance's files go to a folder of the test's own: on PostgreSQL
	// the default would be ./data of the package folder.
	dataDir := t.TempDir()
	getenv := func(k string) string {
		if v, ok := env[k]; ok || k != "SOZIALPLATTFORM_DATA_DIR" {
			return v
		}
		return dataDir
	}
	go func() {
		args := append([]string{"serve", "--addr", "127.0.0.1:0"}, extra...)
		done <- run(ctx, args, getenv, strings.NewReader(""), stdout, stderr)
	}()
	t.Cleanup(func() {
		if t.Failed() {
			// The server's warnings and errors say what a 500 hid.
			t.Logf("warnings and errors of the server:\n%s", serverTrouble(stderr.String(), 8000))
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server ended with: %v\n%s", err, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Error("server did not shut down within 30 s")
		}
	})
	urlPattern := regexp.MustCompile(`läuft: (http://127\.0\.0\.1:\d+)`)
	// A bound for a start that hangs, not a speed check: with the demo
	// data (passwords hashed, transports started) beside the package's
	// other parallel tests on two busy CPUs a start took over a minute.
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		if m := urlPattern.FindStringSubmatch(stdout.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("server ended early: %v\n%s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("server did not start:\n%s\n%s", stdout.String(), stderr.String())
	return ""
}

// serverTrouble keeps the log lines at level WARN or ERROR, at most the
// last max bytes of them.
func serverTrouble(log string, max int) string {
	var keep []string
	for line := range strings.Lines(log) {
		if strings.Contains(line, `"level":"ERROR"`) || strings.Contains(line, `"level":"WARN"`) {
			keep = append(keep, line)
		}
	}
	out := strings.Join(keep, "")
	if len(out) > max {
		out = "…" + out[len(out)-max:]
	}
	return out
}

// waitForMailTo waits until the SMTP server has received a mail for addr.
func waitForMailTo(t *testing.T, smtp *mailtest.Server, addr string, timeout time.Duration) mailtest.Received {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		for _, m := range smtp.Messages() {
			if len(m.To) == 1 && m.To[0] == addr {
				return m
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no mail for %s within %s", addr, timeout)
	return mailtest.Received{}
}

// TestEndToEnd walks the platform core as its users would: the ministry
// logs in, creates a tenant and invites its administrator; the invitation
// travels through a real SMTP server; the administrator accepts, logs in,
// creates an API token, and a machine client uses it.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("end to end with a mail server: full suite only")
	}
	smtp := mailtest.NewServer(t)
	host, port := smtp.Addr()
	base := startServer(t, map[string]string{
		"SOZIALPLATTFORM_DB":            testdb.MigratedDSN(t),
		"SOZIALPLATTFORM_SMTP_HOST":     host,
		"SOZIALPLATTFORM_SMTP_PORT":     fmt.Sprint(port),
		"SOZIALPLATTFORM_SMTP_TLS":      "none",
		"SOZIALPLATTFORM_MAIL_INTERVAL": "1s",
		"SOZIALPLATTFORM_LOG_LEVEL":     "warn",
	})

	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/api/openapi.json"} {
		newClient(t, base).must(http.StatusOK, "GET", path, nil, nil)
	}

	ministry := newClient(t, base)
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	var harz tenant.Tenant
	var list struct{ Items []tenant.Tenant }
	ministry.must(http.StatusOK, "GET", "/api/v1/tenants?kind=landkreis", nil, &list)
	if len(list.Items) != 11 {
		t.Fatalf("ministry sees %d Landkreise, want 11", len(list.Items))
	}
	for _, it := range list.Items {
		if it.Key() == "15085" {
			harz = it
		}
	}

	var halberstadt tenant.Tenant
	ministry.must(http.StatusCreated, "POST", "/api/v1/tenants", map[string]any{
		"parentId": harz.ID, "kind": "gemeinde", "name": "Stadt Halberstadt", "officialKey": "15085135",
		"functionMailbox": "sozialamt@halberstadt.example", "postalCode": "38820", "city": "Halberstadt",
	}, &halberstadt)
	if halberstadt.Slug != "stadt-halberstadt" {
		t.Errorf("slug %q", halberstadt.Slug)
	}
	ministry.must(http.StatusCreated, "POST", "/api/v1/tenants/"+halberstadt.ID+"/invitations",
		map[string]string{"email": "verwaltung@halberstadt.example", "role": "municipality-admin"}, nil)

	invitation := waitForMailTo(t, smtp, "verwaltung@halberstadt.example", 30*time.Second)
	if !strings.Contains(invitation.Subject, "Einladung") || invitation.HTMLBody == "" {
		t.Errorf("invitation mail: subject %q, html %d bytes", invitation.Subject, len(invitation.HTMLBody))
	}
	link := firstLink(invitation.TextBody, base+"/admin/einladung/")
	if link == "" {
		t.Fatalf("no invitation link in:\n%s", invitation.TextBody)
	}
	// The link opens the console's acceptance page.
	newClient(t, base).must(http.StatusOK, "GET", strings.TrimPrefix(link, base), nil, nil)
	token := strings.TrimPrefix(link, base+"/admin/einladung/")
	newClient(t, base).must(http.StatusOK, "POST", "/api/v1/invitations/"+token+"/accept",
		map[string]string{"name": "Vera Verwaltung", "password": "halberstadt-ist-schoen"}, nil)
	newClient(t, base).must(http.StatusGone, "POST", "/api/v1/invitations/"+token+"/accept",
		map[string]string{"name": "Zweiter Versuch", "password": "halberstadt-ist-schoen"}, nil)

	admin := newClient(t, base)
	admin.login("verwaltung@halberstadt.example", "halberstadt-ist-schoen")
	var me struct {
		Memberships []struct {
			TenantID string      `json:"tenantId"`
			Role     tenant.Role `json:"role"`
		} `json:"memberships"`
	}
	admin.must(http.StatusOK, "GET", "/api/v1/me", nil, &me)
	if len(me.Memberships) != 1 || me.Memberships[0].TenantID != halberstadt.ID || me.Memberships[0].Role != tenant.RoleMunicipalityAdmin {
		t.Fatalf("me: %+v", me)
	}
	var created struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	}
	admin.must(http.StatusCreated, "POST", "/api/v1/tenants/"+halberstadt.ID+"/tokens",
		map[string]string{"name": "Fachverfahren Open/Prosoz", "role": "municipality-clerk"}, &created)
	if !strings.HasPrefix(created.Secret, "spt_") {
		t.Fatalf("token secret %q", created.Secret)
	}
	raw := admin.must(http.StatusOK, "GET", "/api/v1/tenants/"+halberstadt.ID+"/tokens", nil, nil)
	if strings.Contains(raw, created.Secret) {
		t.Fatal("the token list shows the secret again")
	}

	machine := newClient(t, base)
	machine.bearer = created.Secret
	var got tenant.Tenant
	machine.must(http.StatusOK, "GET", "/api/v1/tenants/"+halberstadt.ID, nil, &got)
	if got.Name != "Stadt Halberstadt" {
		t.Errorf("token read %q", got.Name)
	}
	machine.must(http.StatusOK, "GET", "/api/v1/tenants", nil, &list)
	if len(list.Items) != 1 || list.Items[0].ID != halberstadt.ID {
		t.Errorf("token sees %d tenants, want only its own", len(list.Items))
	}
	machine.must(http.StatusForbidden, "GET", "/api/v1/tenants/"+harz.ID, nil, nil)
	machine.must(http.StatusForbidden, "POST", "/api/v1/tenants/"+halberstadt.ID+"/invitations",
		map[string]string{"email": "x@example.org", "role": "municipality-clerk"}, nil)

	// Revocation takes effect at once.
	admin.must(http.StatusNoContent, "DELETE", "/api/v1/tenants/"+halberstadt.ID+"/tokens/"+created.ID, nil, nil)
	machine.must(http.StatusUnauthorized, "GET", "/api/v1/tenants/"+halberstadt.ID, nil, nil)

	// The audit log shows the story, and logout ends the session.
	var audit struct{ Items []tenant.AuditEntry }
	ministry.must(http.StatusOK, "GET", "/api/v1/tenants/"+halberstadt.ID+"/audit", nil, &audit)
	actions := []string{}
	for _, e := range audit.Items {
		actions = append(actions, e.ObjectType+":"+e.Action)
	}
	for _, want := range []string{"tenant:create", "invitation:create", "invitation:accept", "api-token:create", "api-token:revoke"} {
		if !strings.Contains(strings.Join(actions, " "), want) {
			t.Errorf("audit log lacks %s: %v", want, actions)
		}
	}
	ministry.must(http.StatusOK, "GET", "/api/v1/tenants/"+halberstadt.ID+"/audit?objectType=invitation&limit=10", nil, &audit)
	if len(audit.Items) != 2 {
		t.Errorf("filtered audit: %d entries, want the invitation's create and accept", len(audit.Items))
	}
	for _, e := range audit.Items {
		if e.ObjectType != "invitation" {
			t.Errorf("filter let through %s", e.ObjectType)
		}
	}
	admin.must(http.StatusNoContent, "DELETE", "/api/v1/session", nil, nil)
	admin.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)
}
