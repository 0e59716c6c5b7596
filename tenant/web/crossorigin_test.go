package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCrossOrigin(t *testing.T) {
	mw, err := CrossOrigin([]string{"https://portal.example.de"})
	if err != nil {
		t.Fatal(err)
	}
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	tests := []struct {
		name        string
		method      string
		path        string
		header      map[string]string
		status      int
		contentType string
	}{
		{"cross-site form post", "POST", "/antrag", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "text/html; charset=utf-8"},
		{"cross-site api post", "POST", "/api/antraege", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "application/problem+json"},
		{"same-site is not same-origin", "DELETE", "/api/antraege/1", map[string]string{"Sec-Fetch-Site": "same-site"}, 403, "application/problem+json"},
		{"old browser, foreign origin", "POST", "/antrag", map[string]string{"Origin": "https://evil.example"}, 403, "text/html; charset=utf-8"},
		{"same-origin post", "POST", "/antrag", map[string]string{"Sec-Fetch-Site": "same-origin"}, 204, ""},
		{"typed url", "POST", "/antrag", map[string]string{"Sec-Fetch-Site": "none"}, 204, ""},
		{"cross-site get", "GET", "/antrag", map[string]string{"Sec-Fetch-Site": "cross-site"}, 204, ""},
		{"trusted origin", "POST", "/antrag", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://portal.example.de"}, 204, ""},
		{"non-browser client", "POST", "/api/antraege", nil, 204, ""},
		{"old browser, own origin", "POST", "/antrag", map[string]string{"Origin": "http://example.com"}, 204, ""},
		// Older browsers send Origin without Sec-Fetch-Site: scheme, host and port must all be the server's.
		{"old browser, http origin on the https base URL behind a proxy", "POST", "http://portal.example.de/antrag",
			map[string]string{"Origin": "http://portal.example.de"}, 403, "text/html; charset=utf-8"},
		{"old browser, own https origin behind a proxy", "POST", "http://portal.example.de/antrag",
			map[string]string{"Origin": "https://portal.example.de"}, 204, ""},
		{"old browser, http origin over TLS", "POST", "https://example.com/api/antraege", map[string]string{"Origin": "http://example.com"}, 403, "application/problem+json"},
		{"old browser, default port spelled out", "POST", "https://example.com/antrag", map[string]string{"Origin": "https://example.com:443"}, 204, ""},
		{"old browser, another port", "POST", "http://example.com/antrag", map[string]string{"Origin": "http://example.com:8080"}, 403, "text/html; charset=utf-8"},
		{"old browser, opaque origin", "PUT", "/antrag", map[string]string{"Origin": "null"}, 403, "text/html; charset=utf-8"},
		{"old browser, upper case host", "POST", "http://Example.com/antrag", map[string]string{"Origin": "http://example.COM"}, 204, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.path, strings.NewReader("a=b"))
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d", w.Code, tt.status)
			}
			if tt.status != 403 {
				return
			}
			if got := w.Header().Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type %q, want %q", got, tt.contentType)
			}
			if tt.contentType == "application/problem+json" {
				var p problem
				if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != 403 || p.Title != "Anfrage abgelehnt" {
					t.Errorf("problem %+v, %v", p, err)
				}
			} else if !strings.Contains(w.Body.String(), "Anfrage abgelehnt") {
				t.Errorf("page = %s", w.Body.String())
			}
		})
	}
}

func TestCrossOriginBadOrigin(t *testing.T) {
	for _, o := range []string{"portal.example.de", "https://portal.example.de/pfad", "https://"} {
		if _, err := CrossOrigin([]string{o}); err == nil {
			t.Errorf("CrossOrigin(%q) accepted", o)
		}
	}
}
