package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestSecurityHeaders(t *testing.T) {
	const docsCSP = "default-src 'self'; script-src 'self' https://unpkg.com; style-src 'self' https://unpkg.com"
	const adminCSP = "default-src 'none'"
	opts := HeaderOptions{CSPOverrides: map[string]string{"/api/docs": docsCSP, "/api/": "default-src 'self' api", "/admin/": adminCSP}}
	tests := []struct {
		name  string
		opts  HeaderOptions
		path  string
		csp   string
		hsts  string
		refer string
	}{
		{"defaults", HeaderOptions{}, "/", DefaultCSP, "", "strict-origin-when-cross-origin"},
		{"https", HeaderOptions{HTTPS: true}, "/", DefaultCSP, "max-age=31536000", "strict-origin-when-cross-origin"},
		{"own csp and referrer", HeaderOptions{CSP: "default-src 'none'", ReferrerPolicy: "no-referrer"}, "/", "default-src 'none'", "", "no-referrer"},
		{"override exact", opts, "/api/docs", docsCSP, "", "strict-origin-when-cross-origin"},
		{"override below", opts, "/api/docs/openapi.json", docsCSP, "", "strict-origin-when-cross-origin"},
		{"longest prefix wins", opts, "/api/antraege", "default-src 'self' api", "", "strict-origin-when-cross-origin"},
		{"not a segment prefix", opts, "/api/docsx", "default-src 'self' api", "", "strict-origin-when-cross-origin"},
		{"trailing slash prefix", opts, "/admin/benutzer", adminCSP, "", "strict-origin-when-cross-origin"},
		{"outside overrides", opts, "/antrag", DefaultCSP, "", "strict-origin-when-cross-origin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := SecurityHeaders(tt.opts)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tt.path, nil))
			want := map[string]string{
				"Content-Security-Policy":    tt.csp,
				"Strict-Transport-Security":  tt.hsts,
				"Referrer-Policy":            tt.refer,
				"X-Content-Type-Options":     "nosniff",
				"X-Frame-Options":            "DENY",
				"Cross-Origin-Opener-Policy": "same-origin",
			}
			for k, v := range want {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if w.Header().Get("Permissions-Policy") == "" {
				t.Error("Permissions-Policy missing")
			}
		})
	}
}

// Changing the options map after start does not change the middleware.
func TestSecurityHeadersCopiesOverrides(t *testing.T) {
	overrides := map[string]string{"/a": "A"}
	h := SecurityHeaders(HeaderOptions{CSPOverrides: overrides})(http.NotFoundHandler())
	overrides["/b"] = "B"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/b", nil))
	if got := w.Header().Get("Content-Security-Policy"); got != DefaultCSP {
		t.Errorf("CSP = %q", got)
	}
}
