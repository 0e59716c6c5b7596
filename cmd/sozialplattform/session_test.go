package main

import (
	"net/http"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

func TestLoginSetsAHardenedRotatedCookieAndLogoutEndsIt(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t)
	c := newClient(t, srv.URL)

	// Before login there is no session: the login form's token comes from
	// a signed cookie (issue 13). Plant a live session ID all the same, as
	// an attacker fixing a victim's session with their own would: the
	// login must not keep it.
	c.must(http.StatusOK, "GET", "/admin/anmelden", nil, nil)
	if v := cookieValue(c, srv.URL); v != "" {
		t.Errorf("the login page started a session: %s", v)
	}
	planted := newClient(t, srv.URL)
	planted.login("wittenberg@demo.example", tenant.DemoPassword)
	before := cookieValue(planted, srv.URL)
	c.http.Jar.SetCookies(mustURL(srv.URL), []*http.Cookie{{Name: "sozialplattform", Value: before}})

	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/session",
		strings.NewReader(`{"email":"harz@demo.example","password":"`+tenant.DemoPassword+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	var set *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "sozialplattform" {
			set = ck
		}
	}
	if set == nil {
		t.Fatal("login set no session cookie")
	}
	if !set.HttpOnly || set.SameSite != http.SameSiteLaxMode || set.Path != "/" || set.Secure {
		t.Errorf("cookie attributes over http: %+v", set)
	}
	if before != "" && set.Value == before {
		t.Error("the session ID was not rotated at login")
	}
	c.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)

	// Replaying the pre-login ID gives no access.
	if before != "" {
		old := newClient(t, srv.URL)
		old.http.Jar.SetCookies(mustURL(srv.URL), []*http.Cookie{{Name: "sozialplattform", Value: before}})
		old.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)
	}

	stolen := set.Value
	c.must(http.StatusNoContent, "DELETE", "/api/v1/session", nil, nil)
	replay := newClient(t, srv.URL)
	replay.http.Jar.SetCookies(mustURL(srv.URL), []*http.Cookie{{Name: "sozialplattform", Value: stolen}})
	replay.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)
}

func TestSecureBaseURLGivesHostPrefixedSecureCookie(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	_ = a
	// A second app on the same database with an https base URL.
	cfg, _, err := parseConfig("test", []string{"--db", a.cfg.DB, "--data-dir", a.cfg.DataDir, "--base-url", "https://sozialplattform.example"}, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.secure() {
		t.Fatal("https base URL not secure")
	}
	_ = srv
	secureApp, err := newApp(t.Context(), cfg, a.logger)
	if err != nil {
		t.Fatal(err)
	}
	defer secureApp.close()
	if got := secureApp.sessions.CookieName(); got != "__Host-sozialplattform" {
		t.Errorf("cookie name %q", got)
	}
}

func TestCrossOriginPostIsRejected(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t)
	for _, path := range []string{"/api/v1/session", "/admin/anmelden"} {
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin POST %s: %d, want 403", path, resp.StatusCode)
		}
	}
}

func TestBadInputGetsSpecificProblems(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t)
	c := newClient(t, srv.URL)
	c.login("ministerium@demo.example", tenant.DemoPassword)
	var land struct{ Items []tenant.Tenant }
	c.must(http.StatusOK, "GET", "/api/v1/tenants?kind=land", nil, &land)
	parent := land.Items[0].ID
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"invalid AGS", "POST", "/api/v1/tenants", `{"parentId":"` + parent + `","kind":"landkreis","name":"X","officialKey":"15x"}`, 422, "body.officialKey"},
		{"AGS of another Land", "POST", "/api/v1/tenants", `{"parentId":"` + parent + `","kind":"landkreis","name":"X","officialKey":"05111"}`, 422, "body.officialKey"},
		{"duplicate AGS", "POST", "/api/v1/tenants", `{"parentId":"` + parent + `","kind":"landkreis","name":"X","officialKey":"15085"}`, 422, "bereits vergeben"},
		{"casbin separator", "POST", "/api/v1/tenants", `{"parentId":"` + parent + `","kind":"landkreis","name":"X","officialKey":"15099","slug":"a::b"}`, 422, "body.slug"},
		{"over-long name", "POST", "/api/v1/tenants", `{"parentId":"` + parent + `","kind":"landkreis","name":"` + strings.Repeat("x", 201) + `","officialKey":"15099"}`, 422, "body.name"},
		{"unknown kind", "POST", "/api/v1/tenants", `{"parentId":"` + parent + `","kind":"bundesland","name":"X"}`, 422, "body.kind"},
		{"malformed JSON", "POST", "/api/v1/tenants", `{"parentId":`, 400, ""},
		{"unknown role", "POST", "/api/v1/tenants/" + parent + "/invitations", `{"email":"a@example.org","role":"superuser"}`, 422, "body.role"},
		{"invalid e-mail", "POST", "/api/v1/tenants/" + parent + "/invitations", `{"email":"kein-postfach","role":"ministry-admin"}`, 422, "body.email"},
		{"used invitation token", "POST", "/api/v1/invitations/erfunden/accept", `{"name":"X","password":"ein-langes-passwort"}`, 410, "ungültig"},
		{"oversize body", "POST", "/api/v1/tenants", `{"name":"` + strings.Repeat("x", 2<<20) + `"}`, 413, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := c.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var b strings.Builder
			buf := make([]byte, 4096)
			n, _ := resp.Body.Read(buf)
			b.Write(buf[:n])
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, b.String())
			}
			if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "problem+json") {
				t.Errorf("content type %q", ct)
			}
			if tt.want != "" && !strings.Contains(b.String(), tt.want) {
				t.Errorf("answer lacks %q: %s", tt.want, b.String())
			}
		})
	}
}
