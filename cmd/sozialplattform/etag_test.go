package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

// TestAPIConditionalGET: lists and reads of the API carry a strong ETag,
// also through compression, and a client that sends it back gets 304
// until the data changes.
func TestAPIConditionalGET(t *testing.T) {
	t.Parallel()
	a, srv := benchApp(t)
	ctx := context.Background()
	land, err := a.store.ResolveTenant(ctx, "15")
	if err != nil {
		t.Fatal(err)
	}
	harz, err := a.store.ResolveTenant(ctx, "15085")
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := a.store.CreateAPIToken(ctx, land.ID, "Test", tenant.RoleMinistryAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(path, encoding, ifNoneMatch string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		if encoding != "" {
			req.Header.Set("Accept-Encoding", encoding)
		}
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	// The list is longer than 1 KB and compressed when asked; the read
	// is not.
	for _, path := range []string{"/api/v1/tenants", "/api/v1/tenants?kind=landkreis&limit=5", "/api/v1/tenants/" + harz.ID} {
		for _, enc := range []string{"", "gzip", "zstd"} {
			t.Run(path+" "+enc, func(t *testing.T) {
				resp, _ := get(path, enc, "")
				etag := resp.Header.Get("ETag")
				if resp.StatusCode != 200 || etag == "" || strings.HasPrefix(etag, "W/") {
					t.Fatalf("status %d, ETag %q: want 200 with a strong ETag", resp.StatusCode, etag)
				}
				if ce := resp.Header.Get("Content-Encoding"); ce != "" && !strings.HasSuffix(etag, `-`+ce+`"`) {
					t.Errorf("compressed (%s) answer's ETag %q lacks the coding's suffix", resp.Header.Get("Content-Encoding"), etag)
				}
				resp, body := get(path, enc, etag)
				if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
					t.Fatalf("with If-None-Match: status %d, %d bytes; want 304 without body", resp.StatusCode, len(body))
				}
				if got := resp.Header.Get("ETag"); got != etag {
					t.Errorf("304 carries ETag %q, want %q", got, etag)
				}
			})
		}
	}
	t.Run("changed data", func(t *testing.T) {
		resp, _ := get("/api/v1/tenants/"+harz.ID, "", "")
		etag := resp.Header.Get("ETag")
		resp, _ = get("/api/v1/tenants", "", "")
		listETag := resp.Header.Get("ETag")
		city := "Halberstadt (Harz)"
		if _, err := a.store.UpdateTenant(ctx, harz.ID, 0, tenant.TenantPatch{City: &city}); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/api/v1/tenants/" + harz.ID, "/api/v1/tenants"} {
			resp, body := get(path, "", etag+", "+listETag)
			if resp.StatusCode != 200 || !strings.Contains(string(body), city) || resp.Header.Get("ETag") == etag || resp.Header.Get("ETag") == listETag {
				t.Errorf("after a change: status %d, ETag %q (was %q); want 200 with the new data and a new ETag",
					resp.StatusCode, resp.Header.Get("ETag"), etag)
			}
		}
	})
	t.Run("another caller's ETag", func(t *testing.T) {
		// What the ministry sees differs from what Harz sees: Harz's token
		// with the ministry's ETag gets its own list, not a 304.
		resp, _ := get("/api/v1/tenants", "", "")
		etag := resp.Header.Get("ETag")
		_, harzSecret, err := a.store.CreateAPIToken(ctx, harz.ID, "Harz", tenant.RoleMunicipalityAdmin, nil)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/tenants", nil)
		req.Header.Set("Authorization", "Bearer "+harzSecret)
		req.Header.Set("If-None-Match", etag)
		r2, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r2.Body.Close()
		if r2.StatusCode != 200 || r2.Header.Get("ETag") == etag {
			t.Errorf("status %d, ETag %q: want 200 with Harz's own ETag", r2.StatusCode, r2.Header.Get("ETag"))
		}
	})
}
