package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"sozialplattform/tenant"
)

// latencies collects request durations from parallel benchmark workers and
// reports req/s and percentiles as benchmark metrics.
type latencies struct {
	mu  sync.Mutex
	all []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.all = append(l.all, d)
	l.mu.Unlock()
}

func (l *latencies) report(b *testing.B, elapsed time.Duration) {
	slices.Sort(l.all)
	if len(l.all) == 0 {
		return
	}
	pct := func(p float64) float64 {
		return float64(l.all[int(float64(len(l.all)-1)*p)].Microseconds())
	}
	b.ReportMetric(float64(len(l.all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

// benchGET drives GET requests against srv from parallel clients.
func benchGET(b *testing.B, url, bearer string) {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var lat latencies
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", url, nil)
			if bearer != "" {
				req.Header.Set("Authorization", "Bearer "+bearer)
			}
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
			lat.add(time.Since(t0))
		}
	})
	lat.report(b, time.Since(start))
}

// BenchmarkAPIListTenants measures GET /api/v1/tenants for the ministry
// (all 18 demo tenants) through the whole middleware stack, with an API
// token, over real loopback HTTP.
func BenchmarkAPIListTenants(b *testing.B) {
	a, srv := benchApp(b)
	land, err := a.store.ResolveTenant(context.Background(), "15")
	if err != nil {
		b.Fatal(err)
	}
	_, secret, err := a.store.CreateAPIToken(context.Background(), land.ID, "Benchmark", tenant.RoleMinistryAdmin, nil)
	if err != nil {
		b.Fatal(err)
	}
	benchGET(b, srv.URL+"/api/v1/tenants", secret)
}

// BenchmarkBareHandler is the yardstick: a net/http handler that writes a
// fixed JSON answer of similar size, measured the same way.
func BenchmarkBareHandler(b *testing.B) {
	body := []byte(`{"items":[` + string(make([]byte, 0)) + `]}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer srv.Close()
	benchGET(b, srv.URL, "")
}
