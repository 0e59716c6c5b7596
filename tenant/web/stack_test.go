package web

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The stack the package documentation recommends, through a real server.
func TestStack(t *testing.T) {
	assets := newTestAssets(t)
	var logBuf syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logBuf, nil))
	reg := prometheus.NewRegistry()
	metrics := NewMetrics(reg)
	crossOrigin, err := CrossOrigin(nil)
	if err != nil {
		t.Fatal(err)
	}

	mux := testMux()
	mux.Handle("GET /static/", assets.Handler())
	mux.Handle("POST /formular", LimitBody(16)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "zu groß", http.StatusRequestEntityTooLarge)
			return
		}
		w.WriteHeader(http.StatusSeeOther)
	})))
	srv := httptest.NewServer(Chain(mux,
		RequestID,
		Logging(logger),
		metrics.Middleware,
		Recover(logger),
		SecurityHeaders(HeaderOptions{HTTPS: true}),
		crossOrigin,
		CapturePattern,
	))
	defer srv.Close()

	do := func(method, path, body string, header ...string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}

	resp := do("GET", assets.Path("kern/kern.min.css"), "")
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != cacheImmutable ||
		resp.Header.Get("Strict-Transport-Security") == "" || resp.Header.Get(RequestIDHeader) == "" {
		t.Errorf("asset: %d %v", resp.StatusCode, resp.Header)
	}
	if !resp.Uncompressed { // the client asked for gzip transparently
		t.Error("asset not served gzipped to a gzip-capable client")
	}
	if resp := do("POST", "/formular", "a=b", "Sec-Fetch-Site", "cross-site"); resp.StatusCode != 403 {
		t.Errorf("cross-site post: %d", resp.StatusCode)
	}
	if resp := do("POST", "/formular", "a=b", "Sec-Fetch-Site", "same-origin"); resp.StatusCode != 303 {
		t.Errorf("same-origin post: %d", resp.StatusCode)
	}
	if resp := do("POST", "/formular", "a="+strings.Repeat("b", 100), "Sec-Fetch-Site", "same-origin"); resp.StatusCode != 413 {
		t.Errorf("large post: %d", resp.StatusCode)
	}
	if resp := do("GET", "/kaputt", ""); resp.StatusCode != 500 {
		t.Errorf("panic: %d", resp.StatusCode)
	}

	logs := logBuf.String()
	for _, want := range []string{`"route":"GET /static/"`, `"path":"/formular","route":"","status":403`, `"route":"POST /formular","status":303`,
		`"route":"POST /formular","status":413`, `"msg":"panic"`, `"route":"GET /kaputt","status":500`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
	// The 413 went through the mux; the 403 was answered before it.
	for route, want := range map[string]int{"POST /formular": 1, "unmatched": 1} {
		if got := histogramCount(t, reg, map[string]string{"method": "POST", "route": route, "status_class": "4xx"}); got != want {
			t.Errorf("POST %s 4xx samples = %d, want %d", route, got, want)
		}
	}
}

func BenchmarkStack(b *testing.B) {
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	crossOrigin, err := CrossOrigin(nil)
	if err != nil {
		b.Fatal(err)
	}
	h := Chain(testMux(), RequestID, Logging(logger), NewMetrics(prometheus.NewRegistry()).Middleware,
		Recover(logger), SecurityHeaders(HeaderOptions{HTTPS: true}), crossOrigin, CapturePattern)
	r := httptest.NewRequest(http.MethodGet, "/akten/42", nil)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
}

func BenchmarkBareMux(b *testing.B) {
	h := testMux()
	r := httptest.NewRequest(http.MethodGet, "/akten/42", nil)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
}
