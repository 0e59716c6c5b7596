package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestClientIP(t *testing.T) {
	tests := []struct {
		name       string
		remote     string
		xff        []string
		trustProxy bool
		want       string
	}{
		{"remote ipv4", "192.0.2.1:1234", nil, false, "192.0.2.1"},
		{"remote ipv6", "[2001:db8::1]:1234", nil, false, "2001:db8::1"},
		{"remote without port", "192.0.2.1", nil, false, "192.0.2.1"},
		{"header ignored without trust", "10.0.0.1:1", []string{"198.51.100.7"}, false, "10.0.0.1"},
		{"single entry", "10.0.0.1:1", []string{"198.51.100.7"}, true, "198.51.100.7"},
		{"proxy appended to spoofed entry", "10.0.0.1:1", []string{"203.0.113.66, 198.51.100.7"}, true, "198.51.100.7"},
		{"several header lines", "10.0.0.1:1", []string{"203.0.113.66", "198.51.100.7"}, true, "198.51.100.7"},
		{"ipv6 entry", "10.0.0.1:1", []string{"2001:db8::7"}, true, "2001:db8::7"},
		{"entry with port", "10.0.0.1:1", []string{"198.51.100.7:4711"}, true, "198.51.100.7"},
		{"mapped ipv4", "10.0.0.1:1", []string{"::ffff:198.51.100.7"}, true, "198.51.100.7"},
		{"garbage", "10.0.0.1:1", []string{"unknown"}, true, "10.0.0.1"},
		{"empty", "10.0.0.1:1", []string{""}, true, "10.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ClientIP(r, tt.trustProxy); got != tt.want {
				t.Errorf("ClientIP = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRealIPRecordsTheAddressOnce(t *testing.T) {
	for _, trust := range []bool{false, true} {
		var got string
		h := RealIP(trust)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = ClientIPFrom(r.Context())
		}))
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "192.0.2.1:1234"
		r.Header.Set("X-Forwarded-For", "198.51.100.7, 203.0.113.9")
		h.ServeHTTP(httptest.NewRecorder(), r)
		want := "192.0.2.1"
		if trust {
			want = "203.0.113.9"
		}
		if got != want {
			t.Errorf("trust=%v: %q, want %q", trust, got, want)
		}
	}
}
