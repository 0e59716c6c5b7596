package www

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/web"
)

// The benchmarks measure pages through the same middleware stack as the
// server (request ID, logging, metrics, recovery, security headers, body
// limit, cross-origin protection, authentication, pattern capture) over
// real HTTP on loopback, and a bare net/http handler on the same kind of
// server, so that the ratio can be read off one run:
//
//	go test ./portal -run '^$' -bench 'Page|Bare' -cpu 2
//
// Each reports req/s and the p99 latency.

// stack wraps h like cmd/sozialplattform's newHandler does.
func stack(b *testing.B, e *env, h http.Handler) http.Handler {
	b.Helper()
	logger := slog.New(slog.DiscardHandler)
	crossOrigin, err := web.CrossOrigin([]string{e.srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	auth := authz.NewAuthenticator(e.store, e.portal.sessions, logger)
	return web.Chain(h, web.RequestID, web.Logging(logger), web.NewMetrics(prometheus.NewRegistry()).Middleware,
		web.Compress(web.CompressOptions{}), web.Recover(logger), web.SecurityHeaders(web.HeaderOptions{}), web.LimitBody(web.DefaultBodyLimit),
		crossOrigin, auth.Middleware, web.CapturePattern)
}

// load sends GET path in parallel and reports req/s and p99.
func load(b *testing.B, h http.Handler, path, cookie string) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var mu sync.Mutex
	var all []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			req, _ := http.NewRequest("GET", srv.URL+path, nil)
			if cookie != "" {
				req.Header.Set("Cookie", cookie)
			}
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("GET %s = %d", path, resp.StatusCode)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		all = append(all, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if len(all) == 0 {
		return
	}
	slices.Sort(all)
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
}

func BenchmarkServicePage(b *testing.B) {
	e := newEnv(b)
	load(b, stack(b, e, e.portal.Handler()), "/leistungen/hzl", "")
}

func BenchmarkFinderResultPage(b *testing.B) {
	e := newEnv(b)
	e.services.live[e.harz.ID] = []string{"grusi"}
	// A citizen who answered every question, with the session cookie.
	br := e.browser(b)
	page := br.get("/landkreis-harz/sozialleistungsfinder/schritt/1")
	answers := map[string]string{"partner": "no", "children": "1", "child_care": "yes", "birth_year": "1960", "birth_month": "3",
		"work_capacity": "yes", "addiction": "no", "education": "none", "income_gross": "800", "income_net": "1100",
		"current_benefits": "none", "debts": "yes", "rent": "450", "rent_arrears": "no", "residence_status": "german"}
	for i, g := range e.portal.rules.Groups() {
		form := url.Values{"csrf": {csrf(b, page.body)}, "aktion": {"weiter"}}
		for _, q := range g.Questions {
			form.Set(q.ID, answers[q.ID])
		}
		if r := br.do("POST", "/landkreis-harz/sozialleistungsfinder/schritt/"+string(rune('1'+i)), form); r.status != http.StatusSeeOther {
			b.Fatalf("step %d = %d", i+1, r.status)
		}
	}
	u, _ := url.Parse(e.srv.URL)
	cookie := ""
	for _, c := range br.c.Jar.Cookies(u) {
		cookie += c.Name + "=" + c.Value + "; "
	}
	load(b, stack(b, e, e.portal.Handler()), "/landkreis-harz/sozialleistungsfinder/ergebnis", cookie)
}

// BenchmarkBareHandler is the yardstick: net/http writing a small page
// with no middleware, database or template.
func BenchmarkBareHandler(b *testing.B) {
	body := []byte("<!DOCTYPE html><html lang=\"de\"><title>x</title><p>Hallo</p></html>")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(body)
	})
	load(b, h, "/", "")
}
