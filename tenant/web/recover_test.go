package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRecover(t *testing.T) {
	tests := []struct {
		path        string
		contentType string
	}{
		{"/api/x", "application/problem+json"},
		{"/api", "application/problem+json"},
		{"/x", "text/html; charset=utf-8"},
		{"/apix", "text/html; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			var buf bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&buf, nil))
			h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Disposition", "attachment")
				panic("Datenbank weg")
			}), RequestID, Recover(logger))
			r := httptest.NewRequest(http.MethodGet, tt.path+"?token=geheim", nil)
			r.Header.Set(RequestIDHeader, "req-1")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)

			if w.Code != http.StatusInternalServerError {
				t.Errorf("status %d, want 500", w.Code)
			}
			if got := w.Header().Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type %q, want %q", got, tt.contentType)
			}
			if w.Header().Get("Content-Disposition") != "" {
				t.Error("handler's Content-Disposition kept")
			}
			body := w.Body.String()
			if strings.Contains(body, "Datenbank weg") || strings.Contains(body, "geheim") {
				t.Errorf("internal detail in answer: %s", body)
			}
			if !strings.Contains(body, "req-1") {
				t.Errorf("request id missing from answer: %s", body)
			}
			if tt.contentType == "application/problem+json" {
				var p map[string]any
				if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
					t.Fatal(err)
				}
				if p["status"] != float64(500) || p["type"] != "about:blank" || p["title"] == "" || p["instance"] != tt.path {
					t.Errorf("problem = %v", p)
				}
			} else if !strings.Contains(body, `<html lang="de">`) || !strings.Contains(body, "Interner Fehler") {
				t.Errorf("page = %s", body)
			}

			var line map[string]any
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
				t.Fatalf("log %q: %v", buf.String(), err)
			}
			if line["level"] != "ERROR" || line["panic"] != "Datenbank weg" || line["request_id"] != "req-1" ||
				!strings.Contains(line["stack"].(string), "recover_test.go") {
				t.Errorf("log line = %v", line)
			}
		})
	}
}

// After the answer has started Recover writes nothing more and aborts.
func TestRecoverAfterWrite(t *testing.T) {
	h := Recover(discardLogger())(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("halb"))
		panic("später")
	}))
	w := httptest.NewRecorder()
	defer func() {
		if p := recover(); p != http.ErrAbortHandler {
			t.Errorf("panic %v, want http.ErrAbortHandler", p)
		}
		if w.Code != http.StatusOK || w.Body.String() != "halb" {
			t.Errorf("answer changed: %d %q", w.Code, w.Body.String())
		}
	}()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/x", nil))
}

func TestRecoverPassesAbortHandler(t *testing.T) {
	var buf bytes.Buffer
	h := Recover(slog.New(slog.NewJSONHandler(&buf, nil)))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	defer func() {
		if p := recover(); p != http.ErrAbortHandler {
			t.Errorf("panic %v, want http.ErrAbortHandler", p)
		}
		if buf.Len() != 0 {
			t.Errorf("abort logged: %s", buf.String())
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil))
}

// Through a real server: the client gets the 500 page and the connection
// keeps working.
func TestRecoverServer(t *testing.T) {
	srv := httptest.NewServer(Chain(testMux(), RequestID, Recover(discardLogger()), CapturePattern))
	defer srv.Close()
	for range 2 {
		resp, err := srv.Client().Get(srv.URL + "/kaputt")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 500 {
			t.Errorf("status %d", resp.StatusCode)
		}
	}
}
