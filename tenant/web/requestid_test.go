package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestRequestID(t *testing.T) {
	tests := []struct {
		name     string
		incoming string
		keep     bool
	}{
		{"none", "", false},
		{"sane", "abc-DEF_123.xyz", true},
		{"uuid", "0b6f7a3e-8c1d-4d2a-9f51-2a7e1c9d4b10", true},
		{"64 chars", strings.Repeat("a", 64), true},
		{"65 chars", strings.Repeat("a", 65), false},
		{"space", "abc def", false},
		{"newline", "abc\nLevel: ERROR", false},
		{"quote", `abc"`, false},
		{"umlaut", "äöü", false},
		{"slash", "a/b", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen string
			h := RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = RequestIDFrom(r.Context())
			}))
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.incoming != "" {
				r.Header.Set(RequestIDHeader, tt.incoming)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)

			if got := w.Header().Get(RequestIDHeader); got != seen {
				t.Errorf("header %q, context %q", got, seen)
			}
			if tt.keep {
				if seen != tt.incoming {
					t.Errorf("id = %q, want incoming %q", seen, tt.incoming)
				}
				return
			}
			if seen == tt.incoming {
				t.Errorf("bad incoming id %q kept", tt.incoming)
			}
			if _, err := uuid.Parse(seen); err != nil {
				t.Errorf("new id %q is no UUID: %v", seen, err)
			}
		})
	}
}

func TestRequestIDUnique(t *testing.T) {
	ids := map[string]bool{}
	h := RequestID(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for range 100 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
		ids[w.Header().Get(RequestIDHeader)] = true
	}
	if len(ids) != 100 {
		t.Errorf("%d distinct ids of 100", len(ids))
	}
}

func TestRequestIDFromEmptyContext(t *testing.T) {
	if got := RequestIDFrom(t.Context()); got != "" {
		t.Errorf("RequestIDFrom(empty) = %q", got)
	}
}
