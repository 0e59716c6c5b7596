package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
)

// TestNULInQueryIsRefused sends a NUL character (and a Latin-1 byte) in
// query parameters of the API, the console and the portal, as ministry:
// each surface answers 422 in its own form (problem JSON, a page) instead
// of passing the parameter to the database, which answered 500.
func TestNULInQueryIsRefused(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	harz, err := a.store.ResolveTenant(context.Background(), "15085")
	if err != nil {
		t.Fatal(err)
	}
	ministry := newClient(t, srv.URL)
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	tests := []struct {
		path        string
		contentType string
	}{
		{"/api/v1/tenants?q=a%00b", "application/problem+json"},
		{"/api/v1/orders?q=%00", "application/problem+json"},
		{"/api/v1/audit?objectType=%00", "application/problem+json"},
		{"/api/v1/tenants?q=B%F6rde", "application/problem+json"},
		{"/api/v1/tenants/" + harz.ID + "/users?x=%00", "application/problem+json"},
		{"/admin/protokoll?koerperschaft=%00", "text/html; charset=utf-8"},
		{"/admin/marktplatz/bestellungen?q=%00", "text/html; charset=utf-8"},
		{"/marktplatz/?q=%00", "text/html; charset=utf-8"},
		{"/?ort=%00", "text/html; charset=utf-8"},
		{"/landkreis-harz/beratung?q=%00", "text/html; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := ministry.http.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422: %.300s", resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != tt.contentType {
				t.Errorf("Content-Type %q, want %q", ct, tt.contentType)
			}
			if !strings.Contains(string(body), "NUL-Zeichen oder kein UTF-8") {
				t.Errorf("answer does not say why: %.300s", body)
			}
		})
	}
}

// TestReservedSlugIsAFieldError: the ministry cannot give a tenant a slug
// the server routes itself; the API says so next to the field.
func TestReservedSlugIsAFieldError(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	land, err := a.store.ResolveTenant(context.Background(), "15")
	if err != nil {
		t.Fatal(err)
	}
	ministry := newClient(t, srv.URL)
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	for _, slug := range []string{"admin", "api", "marktplatz", "servicekonto"} {
		status, raw := ministry.do("POST", "/api/v1/tenants", map[string]any{"kind": "organisation", "name": "Verein " + slug,
			"parentId": land.ID, "slug": slug}, nil)
		if status != http.StatusUnprocessableEntity || !strings.Contains(raw, `"location":"body.slug"`) || !strings.Contains(raw, "reserviert") {
			t.Errorf("slug %q: %d %s", slug, status, raw)
		}
	}
}

// TestCreateUserDoesNotRevealAccounts is the attack of a municipality
// administrator who "creates" users to learn which addresses have an
// account elsewhere (the ministry's, another district's): the answer to
// an address with an account is the one to a new address, and the
// account elsewhere gets an invitation – never a password set by Harz.
func TestCreateUserDoesNotRevealAccounts(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	ctx := context.Background()
	harz, err := a.store.ResolveTenant(ctx, "15085")
	if err != nil {
		t.Fatal(err)
	}
	admin := newClient(t, srv.URL)
	admin.login("harz@demo.example", tenant.DemoPassword)
	path := "/api/v1/tenants/" + harz.ID + "/users"
	create := func(email, password string) (int, map[string]any, string) {
		status, raw := admin.do("POST", path, map[string]string{"email": email, "name": "Neue Person", "role": "municipality-clerk",
			"password": password}, nil)
		var body map[string]any
		_ = json.Unmarshal([]byte(raw), &body)
		delete(body, "email")
		return status, body, raw
	}
	const chosen = "Harz-setzt-das-Passwort-1"
	newStatus, newBody, newRaw := create("neu.sachbearbeitung@harz.example", chosen)
	for _, existing := range []string{"ministerium@demo.example", "wittenberg@demo.example", "MINISTERIUM@demo.example"} {
		status, body, raw := create(existing, chosen)
		if status != newStatus || !reflect.DeepEqual(body, newBody) {
			t.Errorf("%s: %d %s\nnew address: %d %s", existing, status, raw, newStatus, newRaw)
		}
	}
	if newStatus != http.StatusAccepted {
		t.Fatalf("new address: %d %s", newStatus, newRaw)
	}
	// Bad input is refused alike, whichever address it names.
	weakNew, _, rawNew := create("noch.neu@harz.example", "kurz")
	weakOld, _, rawOld := create("ministerium@demo.example", "kurz")
	if weakNew != http.StatusUnprocessableEntity || weakNew != weakOld || !strings.Contains(rawOld, "body.password") {
		t.Errorf("weak password: %d %s / %d %s", weakNew, rawNew, weakOld, rawOld)
	}

	// The new address is a member with the chosen password …
	newcomer := newClient(t, srv.URL)
	newcomer.login("neu.sachbearbeitung@harz.example", chosen)
	// … the ministry's account is untouched, not a member of Harz, and
	// only invited (the invitation mail goes to its owner).
	if status, _ := newClient(t, srv.URL).do("POST", "/api/v1/session", map[string]string{"email": "ministerium@demo.example", "password": chosen}, nil); status != http.StatusUnauthorized {
		t.Errorf("Harz's password opens the ministry's account: %d", status)
	}
	ministry, err := a.store.UserByEmail(ctx, "ministerium@demo.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.GetMember(ctx, harz.ID, ministry.ID); err == nil {
		t.Error("the ministry's account became a member of Harz")
	}
	invitations, err := a.store.ListInvitations(ctx, harz.ID)
	if err != nil {
		t.Fatal(err)
	}
	invited := 0
	for _, inv := range invitations {
		if inv.Email == "ministerium@demo.example" || inv.Email == "wittenberg@demo.example" {
			invited++
		}
	}
	if invited != 3 {
		t.Errorf("%d invitations for the existing accounts, want 3", invited)
	}
}

// TestMetricsNeedTheToken: with --metrics-token (here from
// SOZIALPLATTFORM_METRICS_TOKEN_FILE) /metrics answers only a scrape that
// sends the token, even from the machine itself; without one only
// loopback clients are served (tenant/web tests the addresses).
func TestMetricsNeedTheToken(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "metrics-token")
	if err := os.WriteFile(file, []byte("scrape-geheimnis-2027\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := startInstance(t, map[string]string{"SOZIALPLATTFORM_DB": testdb.MigratedDSN(t), "SOZIALPLATTFORM_METRICS_TOKEN_FILE": file,
		"SOZIALPLATTFORM_LOG_LEVEL": "warn", "SOZIALPLATTFORM_DATA_KEY": "metrics:" + strings.Repeat("bWV0", 10) + "cmk="})
	get := func(auth string) (int, string) {
		req, _ := http.NewRequest("GET", base+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, auth := range []string{"", "Bearer falsch", "Bearer scrape-geheimnis-2027x"} {
		if status, _ := get(auth); status != http.StatusUnauthorized {
			t.Errorf("%q: %d, want 401", auth, status)
		}
	}
	if status, body := get("Bearer scrape-geheimnis-2027"); status != http.StatusOK || !strings.Contains(body, "http_request_duration_seconds") {
		t.Errorf("with the token: %d %.200s", status, body)
	}
}
