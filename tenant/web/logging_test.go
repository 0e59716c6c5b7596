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
		// Where no specific pattern decided, token-like segments go.
		{"/servicekonto/passwort/Ab3dEf6hIj9kLm2nOp5q", "", "/servicekonto/passwort/{redacted}"},
		{"/landkreis-harz/passwort/Ab3dEf6hIj9kLm2nOp5q/x", "/", "/landkreis-harz/passwort/{redacted}/x"},
		{"/static/Ab3dEf6hIj9kLm2nOp5q", "GET /static/", "/static/{redacted}"},
		{"/sozialleistungsfinder/schritt/2", "/", "/sozialleistungsfinder/schritt/2"},
		{"/static/kern/kern.min.3f2a1b4c5d6e.css", "GET /static/", "/static/kern/kern.min.3f2a1b4c5d6e.css"},
		{"/akten/Ab3dEf6hIj9kLm2nOp5q", "GET /akten/{id}", "/akten/Ab3dEf6hIj9kLm2nOp5q"},
		{"/", "GET /{$}", "/"},
	}
	for _, tt := range tests {
		if got := RedactPath(tt.path, tt.pattern); got != tt.want {
			t.Errorf("RedactPath(%q, %q) = %q, want %q", tt.path, tt.pattern, got, tt.want)
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

// mountedMux serves "/{site}/…" by stripping the first segment and handing
// the rest to a mux of its own, as the portal does with its sites.
func mountedMux(inner http.Handler) http.Handler {
	outer := http.NewServeMux()
	outer.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		rest := "/"
		if i := strings.Index(r.URL.Path[1:], "/"); i >= 0 {
			rest = r.URL.Path[1+i:]
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = rest
		CapturePattern(inner).ServeHTTP(w, r2)
	})
	return outer
}

// A secret below a stripped prefix is redacted as well: the innermost
// pattern wins, and the prefix is put back in front of the redacted rest.
func TestLoggingBelowAPrefix(t *testing.T) {
	inner := http.NewServeMux()
	inner.HandleFunc("GET /termine/absagen/{token}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	inner.HandleFunc("GET /kaputt/{token}", func(w http.ResponseWriter, r *http.Request) { panic("kaputt") })
	inner.HandleFunc("GET /fehler/{token}", func(w http.ResponseWriter, r *http.Request) {
		slog.New(slog.NewJSONHandler(w, nil)).Error("handler failed", "path", LogPath(r))
	})
	tests := []struct{ target, path, route string }{
		{"/landkreis-harz/termine/absagen/geheim123", "/landkreis-harz/termine/absagen/{token}", "GET /termine/absagen/{token}"},
		{"/landkreis-harz/kaputt/geheim123", "/landkreis-harz/kaputt/{token}", "GET /kaputt/{token}"},
		{"/x/y/gibtsnicht", "/x/y/gibtsnicht", "/"},
	}
	for _, tt := range tests {
		var access, recovered bytes.Buffer
		h := Chain(mountedMux(inner), RequestID, Logging(slog.New(slog.NewJSONHandler(&access, nil))),
			Recover(slog.New(slog.NewJSONHandler(&recovered, nil))), copyRequest, CapturePattern)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", tt.target, nil))
		l := logLines(t, &access)
		if len(l) != 1 || l[0]["path"] != tt.path || l[0]["route"] != tt.route {
			t.Errorf("%s: access log %v, want path %q, route %q", tt.target, l, tt.path, tt.route)
		}
		if strings.Contains(access.String()+recovered.String(), "geheim123") {
			t.Errorf("%s: secret logged:\n%s%s", tt.target, access.String(), recovered.String())
		}
		if strings.Contains(tt.target, "kaputt") && !strings.Contains(recovered.String(), `"path":"/landkreis-harz/kaputt/{token}"`) {
			t.Errorf("panic log: %s", recovered.String())
		}
	}

	// A handler that logs a failure itself uses LogPath.
	w := httptest.NewRecorder()
	Chain(mountedMux(inner), Logging(discardLogger()), CapturePattern).ServeHTTP(w, httptest.NewRequest("GET", "/stadt/fehler/geheim123", nil))
	if !strings.Contains(w.Body.String(), `"path":"/stadt/fehler/{token}"`) || strings.Contains(w.Body.String(), "geheim123") {
		t.Errorf("LogPath: %s", w.Body.String())
	}
}
