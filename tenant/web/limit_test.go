package web

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLimitBody(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		size    int
		limit   int64
		wantErr bool
	}{
		{"below", http.MethodPost, 100, 1024, false},
		{"exactly", http.MethodPut, 1024, 1024, false},
		{"above", http.MethodPost, 1025, 1024, true},
		{"far above", http.MethodPatch, 5 << 20, DefaultBodyLimit, true},
		{"delete with body", http.MethodDelete, 2048, 1024, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var readErr error
			var read int
			h := LimitBody(tt.limit)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, err := io.ReadAll(r.Body)
				read, readErr = len(b), err
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					WriteProblem(w, r, http.StatusRequestEntityTooLarge, "", "")
				}
			}))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tt.method, "/api/upload", strings.NewReader(strings.Repeat("x", tt.size))))

			if !tt.wantErr {
				if readErr != nil || read != tt.size || w.Code != http.StatusOK {
					t.Errorf("read %d, err %v, status %d", read, readErr, w.Code)
				}
				return
			}
			var mbe *http.MaxBytesError
			if !errors.As(readErr, &mbe) {
				t.Fatalf("read error %v (%T), want *http.MaxBytesError", readErr, readErr)
			}
			if mbe.Limit != tt.limit {
				t.Errorf("Limit = %d, want %d", mbe.Limit, tt.limit)
			}
			if int64(read) > tt.limit {
				t.Errorf("handler read %d bytes past the limit %d", read, tt.limit)
			}
			if w.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("status %d, want 413", w.Code)
			}
		})
	}
}

func TestLimitBodyNoBody(t *testing.T) {
	h := LimitBody(10)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != http.NoBody {
			t.Errorf("GET body wrapped: %T", r.Body)
		}
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
}
