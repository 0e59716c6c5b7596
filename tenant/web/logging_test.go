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

// logLines decodes the JSON lines slog wrote into buf.
func logLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

func testMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /akten/{id}", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("Akte " + r.PathValue("id")))
	})
	mux.HandleFunc("GET /einladung/{token}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /api/antraege", func(w http.ResponseWriter, r *http.Request) {
		WriteProblem(w, r, http.StatusUnprocessableEntity, "Ungültige Eingabe", "Feld fehlt")
	})
	mux.HandleFunc("GET /kaputt", func(http.ResponseWriter, *http.Request) { panic("kaputt") })
	return mux
}

func TestLogging(t *testing.T) {
	tests := []struct {
		name, method, target string
		path, route          string
		status, bytes        int
		level                string
	}{
		{"matched", "GET", "/akten/42?token=geheim", "/akten/42", "GET /akten/{id}", 200, len("Akte 42"), "INFO"},
		{"secret wildcard", "GET", "/einladung/abcdef123", "/einladung/{token}", "GET /einladung/{token}", 204, 0, "INFO"},
		{"problem", "POST", "/api/antraege", "/api/antraege", "POST /api/antraege", 422, -1, "INFO"},
		{"unmatched", "GET", "/gibtsnicht", "/gibtsnicht", "", 404, -1, "INFO"},
		{"panic", "GET", "/kaputt", "/kaputt", "GET /kaputt", 500, -1, "ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&buf, nil))
			// copyRequest between Logging and the mux hands on a copy of
			// the request: the pattern must still arrive.
			h := Chain(testMux(), RequestID, Logging(logger), Recover(discardLogger()), copyRequest, LimitBody(DefaultBodyLimit), CapturePattern)
			r := httptest.NewRequest(tt.method, tt.target, nil)
			r.RemoteAddr = "192.0.2.7:5555"
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)

			lines := logLines(t, &buf)
			if len(lines) != 1 {
				t.Fatalf("%d log lines, want 1: %s", len(lines), buf.String())
			}
			l := lines[0]
			want := map[string]any{
				"msg": "request", "level": tt.level, "method": tt.method, "path": tt.path,
				"route": tt.route, "status": float64(tt.status), "remote_ip": "192.0.2.7",
				"request_id": w.Header().Get(RequestIDHeader),
			}
			if tt.bytes >= 0 {
				want["bytes"] = float64(tt.bytes)
			} else if l["bytes"] != float64(w.Body.Len()) {
				t.Errorf("bytes = %v, body has %d", l["bytes"], w.Body.Len())
			}
			for k, v := range want {
				if l[k] != v {
					t.Errorf("%s = %#v, want %#v", k, l[k], v)
				}
			}
			if _, ok := l["duration_ms"].(float64); !ok {
				t.Errorf("duration_ms missing: %v", l)
			}
			if strings.Contains(buf.String(), "geheim") || strings.Contains(buf.String(), "abcdef123") {
				t.Errorf("secret logged: %s", buf.String())
			}
		})
	}
}

// Without CapturePattern the route is still found when nothing between
// Logging and the mux copies the request.
func TestLoggingPatternWithoutCapture(t *testing.T) {
	var buf bytes.Buffer
	h := Logging(slog.New(slog.NewJSONHandler(&buf, nil)))(testMux())
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/akten/1", nil))
	if l := logLines(t, &buf); l[0]["route"] != "GET /akten/{id}" {
		t.Errorf("route = %v", l[0]["route"])
	}
}

// A panic that nobody recovers is still logged, as 500, and passed on.
func TestLoggingPanicWithoutRecover(t *testing.T) {
	var buf bytes.Buffer
	h := Chain(testMux(), Logging(slog.New(slog.NewJSONHandler(&buf, nil))), copyRequest, CapturePattern)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic swallowed")
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/kaputt", nil))
	}()
	l := logLines(t, &buf)
	if len(l) != 1 || l[0]["status"] != float64(500) || l[0]["route"] != "GET /kaputt" {
		t.Errorf("log = %v", l)
	}
}

func TestRedactPath(t *testing.T) {
	tests := []struct{ path, pattern, want string }{
		{"/akten/42", "GET /akten/{id}", "/akten/42"},
		{"/einladung/abc", "GET /einladung/{token}", "/einladung/{token}"},
		{"/einladung/abc/annehmen", "/einladung/{inviteToken}/annehmen", "/einladung/{inviteToken}/annehmen"},
		{"/reset/a/b/c", "POST example.org/reset/{secret...}", "/reset/{secret...}"},
		{"/x/abc", "", "/x/abc"},
		{"/x", "GET /x/{token}", "/x"},
	}
	for _, tt := range tests {
		if got := redactPath(tt.path, tt.pattern); got != tt.want {
			t.Errorf("redactPath(%q, %q) = %q, want %q", tt.path, tt.pattern, got, tt.want)
		}
	}
}

func TestStatusWriterFlushAndUnwrap(t *testing.T) {
	rec := httptest.NewRecorder()
	sw := &statusWriter{ResponseWriter: rec}
	var w http.ResponseWriter = sw
	w.(http.Flusher).Flush()
	if !rec.Flushed || sw.statusOr(0) != 200 {
		t.Errorf("flushed %v, status %d", rec.Flushed, sw.statusOr(0))
	}
	if err := http.NewResponseController(w).Flush(); err != nil {
		t.Errorf("ResponseController.Flush: %v", err)
	}

	sw = &statusWriter{ResponseWriter: httptest.NewRecorder()}
	sw.WriteHeader(http.StatusEarlyHints)
	if sw.wroteHeader {
		t.Error("103 taken as final status")
	}
	sw.WriteHeader(http.StatusCreated)
	sw.WriteHeader(http.StatusTeapot)
	if sw.statusOr(0) != http.StatusCreated {
		t.Errorf("status = %d, want 201", sw.statusOr(0))
	}
}
