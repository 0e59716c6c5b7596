package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
)

// tcpProxy forwards a local port to the database server and can cut and
// restore the line, as an outage of the database network would.
type tcpProxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	p := &tcpProxy{t: t, target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
}

// cut closes the listener and every open connection.
func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restore listens on the same address again.
func (p *tcpProxy) restore() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("restore proxy: %v", err)
	}
	p.serve(ln)
}

// TestDatabaseOutageAnswers503AndRecovers cuts the line to PostgreSQL
// under a running server: /readyz and the API answer 503 (never a 500 or a
// silent logout), and once the line is back the same session works again.
func TestDatabaseOutageAnswers503AndRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out a database outage: full suite only")
	}
	if testdb.Kind() != "postgres" {
		t.Skip("an outage of the database server needs PostgreSQL (TEST_DB=postgres)")
	}
	dsn, err := url.Parse(testdb.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, dsn.Host)
	dsn.Host = proxy.addr
	cfg, _, err := parseConfig("test", []string{"--db", dsn.String()}, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError + 10}))
	a, err := newApp(context.Background(), cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	if _, err := a.store.LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	h, err := newHandler(a, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	c := newClient(t, srv.URL)
	c.login("harz@demo.example", tenant.DemoPassword)
	c.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)

	proxy.cut()
	for _, path := range []string{"/readyz", "/api/v1/me", "/api/v1/tenants"} {
		if status, body := c.do("GET", path, nil, nil); status != http.StatusServiceUnavailable {
			t.Errorf("during the outage GET %s = %d, want 503: %s", path, status, body)
		}
	}
	c.must(http.StatusOK, "GET", "/healthz", nil, nil)

	proxy.restore()
	deadline := time.Now().Add(15 * time.Second)
	for {
		status, _ := c.do("GET", "/api/v1/me", nil, nil)
		if status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after the database came back: last status %d", status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.must(http.StatusOK, "GET", "/readyz", nil, nil)
}
