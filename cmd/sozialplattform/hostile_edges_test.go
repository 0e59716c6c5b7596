package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

// TestNULInQueryIsRefused sends a NUL character (and a Latin-1 byte) in
// query parameters of the API, the console and the portal, as ministry:
// each surface answers 422 in its own form (problem JSON, a page) instead
// of passing the parameter to the database, which answered 500.
func TestNULInQueryIsRefused(t *testing.T) {
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
