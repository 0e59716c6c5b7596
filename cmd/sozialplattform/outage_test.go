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
// restore the line, as an outage of the database network would. It keeps
// its port during the outage and closes what arrives there: a port let go
// could be taken by another test's server before the line is restored.
type tcpProxy struct {
	target string
	addr   string
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{target: target, addr: ln.Addr().String()}
	t.Cleanup(func() {
		ln.Close()
		p.cut()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			down := p.down
			p.mu.Unlock()
			if down {
				c.Close()
				continue
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			if p.down { // cut while dialling
				p.mu.Unlock()
				c.Close()
				up.Close()
				continue
			}
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	return p
}

// cut closes every open connection and every new one from now on.
func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restore forwards new connections again.
func (p *tcpProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// TestDatabaseOutageAnswers503AndRecovers cuts the line to PostgreSQL
// under a running server: /readyz and the API answer 503 (never a 500 or a
// silent logout), and once the line is back the same session works again.
func TestDatabaseOutageAnswers503AndRecovers(t *testing.T) {
	t.Parallel()
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
