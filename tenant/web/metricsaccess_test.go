package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestMetricsAccess(t *testing.T) {
	tests := []struct {
		name       string
		token      string
		trustProxy bool
		remote     string
		header     map[string]string
		status     int
	}{
		{"no token: the machine itself", "", false, "127.0.0.1:5000", nil, 200},
		{"no token: IPv6 loopback", "", false, "[::1]:5000", nil, 200},
		{"no token: anyone else", "", false, "203.0.113.9:5000", nil, 403},
		{"no token: a private network is not the machine", "", false, "10.0.0.7:5000", nil, 403},
		{"no token: relayed by an untrusted local proxy", "", false, "127.0.0.1:5000", map[string]string{"X-Forwarded-For": "203.0.113.9"}, 403},
		{"no token: Forwarded header", "", false, "127.0.0.1:5000", map[string]string{"Forwarded": "for=203.0.113.9"}, 403},
		{"no token: trusted proxy, outside client", "", true, "127.0.0.1:5000", map[string]string{"X-Forwarded-For": "203.0.113.9"}, 403},
		{"no token: trusted proxy, local client", "", true, "127.0.0.1:5000", map[string]string{"X-Forwarded-For": "127.0.0.1"}, 200},
		{"no token: a bearer does not help", "", false, "203.0.113.9:5000", map[string]string{"Authorization": "Bearer x"}, 403},
		{"token: right one from anywhere", "s3cret-scrape", false, "203.0.113.9:5000", map[string]string{"Authorization": "Bearer s3cret-scrape"}, 200},
		{"token: wrong one", "s3cret-scrape", false, "203.0.113.9:5000", map[string]string{"Authorization": "Bearer s3cret-scrapf"}, 401},
		{"token: missing, even from loopback", "s3cret-scrape", false, "127.0.0.1:5000", nil, 401},
		{"token: basic auth is not a bearer", "s3cret-scrape", false, "127.0.0.1:5000", map[string]string{"Authorization": "Basic czNjcmV0LXNjcmFwZQ=="}, 401},
		{"token: prefix of the token", "s3cret-scrape", false, "127.0.0.1:5000", map[string]string{"Authorization": "Bearer s3cret"}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("# metrics\n")) }),
				RealIP(tt.trustProxy), MetricsAccess(tt.token, tt.trustProxy))
			r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			r.RemoteAddr = tt.remote
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d", w.Code, tt.status)
			}
			if tt.status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}
