package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestReadyzURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080/readyz",
		":8080":          "http://127.0.0.1:8080/readyz",
		"0.0.0.0:8080":   "http://127.0.0.1:8080/readyz",
		"[::]:8080":      "http://[::1]:8080/readyz",
		"[::1]:9000":     "http://[::1]:9000/readyz",
		"localhost:8080": "http://localhost:8080/readyz",
		"127.0.0.1:0":    "",
		"ohne-port":      "",
	} {
		got, err := readyzURL(addr)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("readyzURL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
}

// TestHealthcheck: the subcommand succeeds only on a 200 from /readyz.
func TestHealthcheck(t *testing.T) {
	t.Parallel()
	var status atomic.Int32
	status.Store(http.StatusOK)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(int(status.Load()))
		w.Write([]byte("database unavailable\n"))
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	env := map[string]string{"SOZIALPLATTFORM_ADDR": addr}
	if out, err := runCLI(t, env, "", "healthcheck"); err != nil || !strings.Contains(out, "bereit") {
		t.Errorf("ready server: %v\n%s", err, out)
	}
	if _, err := runCLI(t, nil, "", "healthcheck", "--url", srv.URL+"/readyz"); err != nil {
		t.Errorf("--url: %v", err)
	}
	status.Store(http.StatusServiceUnavailable)
	if _, err := runCLI(t, env, "", "healthcheck"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("database down: %v", err)
	}
	if _, err := runCLI(t, nil, "", "healthcheck", "--url", srv.URL+"/woanders"); err == nil {
		t.Error("a 404 passed")
	}
	srv.Close()
	if _, err := runCLI(t, env, "", "healthcheck"); err == nil {
		t.Error("no server, yet healthy")
	}
}
