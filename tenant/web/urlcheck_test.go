package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	h := CheckURL(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	tests := []struct {
		name, target string
		status       int
		contentType  string
		says         string
	}{
		{"plain query", "/api/v1/tenants?q=harz&kind=landkreis", 204, "", ""},
		{"umlauts", "/admin/protokoll?q=B%C3%B6rde+%C3%A4", 204, "", ""},
		{"raw UTF-8", "/?ort=Börde", 204, "", ""},
		{"broken escape is left alone", "/?ort=%zz", 204, "", ""},
		{"NUL in an API query", "/api/v1/tenants?q=a%00b", 422, "application/problem+json", "„q“"},
		{"NUL in a console query", "/admin/marktplatz/bestellungen?q=%00", 422, "text/html; charset=utf-8", "„q“"},
		{"NUL in a portal query", "/?ort=%00", 422, "text/html; charset=utf-8", "„ort“"},
		{"NUL in a parameter name", "/?a%00b=1", 422, "text/html; charset=utf-8", "Ein Parameter"},
		{"a long parameter name is not quoted", "/?" + strings.Repeat("x", 100) + "=%00", 422, "text/html; charset=utf-8", "Ein Parameter"},
		{"Latin-1 instead of UTF-8", "/api/v1/tenants?q=B%F6rde", 422, "application/problem+json", "„q“"},
		{"plus is a space", "/?ort=Bad+D%C3%BCrrenberg", 204, "", ""},
		{"NUL in the path", "/api/v1/tenants/%00", 400, "application/problem+json", "Adresse"},
		{"invalid UTF-8 in the path", "/landkreis-%FF/", 400, "text/html; charset=utf-8", "Adresse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tt.target, nil))
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d", w.Code, tt.status)
			}
			if tt.status == 204 {
				return
			}
			if ct := w.Header().Get("Content-Type"); ct != tt.contentType {
				t.Errorf("Content-Type %q, want %q", ct, tt.contentType)
			}
			body := w.Body.String()
			if tt.contentType == "application/problem+json" {
				var p problem
				if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != tt.status {
					t.Errorf("problem %+v, %v", p, err)
				}
				body = p.Detail
			}
			if !strings.Contains(body, tt.says) {
				t.Errorf("answer lacks %q: %s", tt.says, body)
			}
			if strings.Contains(body, "\x00") {
				t.Error("answer echoes the NUL")
			}
		})
	}
}

func BenchmarkCheckURL(b *testing.B) {
	h := CheckURL(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for _, target := range []string{"/landkreis-harz/leistungen/", "/admin/protokoll?objekt=tenant&aktion=update&seite=2", "/?ort=Bad+D%C3%BCrrenberg"} {
		b.Run(target, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, target, nil)
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, r)
			}
		})
	}
}
