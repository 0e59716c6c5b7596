package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
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

// benchGET drives GET requests against url from 32 parallel clients (the
// connection count of the wrk runs) and checks each status.
func benchGET(b *testing.B, url, bearer string, header http.Header, want int) {
	b.Helper()
	// Identity bodies, as wrk sends: the yardstick does not compress either.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	defer client.CloseIdleConnections()
	var lat latencies
	b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", url, nil)
			for k, v := range header {
				req.Header[k] = v
			}
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
			if resp.StatusCode != want {
				b.Errorf("status %d, want %d", resp.StatusCode, want)
				return
			}
			lat.add(time.Since(t0))
		}
	})
	lat.report(b, time.Since(start))
}

// apiBench is the demo app with a ministry API token, and the answers the
// benchmarks ask for, fetched once.
type apiBench struct {
	srv          *httptest.Server
	h            http.Handler
	secret       string
	list, read   string // URLs
	listBody     []byte
	listETag     string
	readETag     string
	readTenantID string
}

func newAPIBench(b *testing.B) *apiBench {
	a, srv := benchApp(b)
	ctx := context.Background()
	land, err := a.store.ResolveTenant(ctx, "15")
	if err != nil {
		b.Fatal(err)
	}
	harz, err := a.store.ResolveTenant(ctx, "15085")
	if err != nil {
		b.Fatal(err)
	}
	_, secret, err := a.store.CreateAPIToken(ctx, land.ID, "Benchmark", tenant.RoleMinistryAdmin, nil)
	if err != nil {
		b.Fatal(err)
	}
	ab := &apiBench{srv: srv, h: srv.Config.Handler, secret: secret, readTenantID: harz.ID,
		list: srv.URL + "/api/v1/tenants", read: srv.URL + "/api/v1/tenants/" + harz.ID}
	get := func(url string) ([]byte, string) {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
		}
		return body, resp.Header.Get("ETag")
	}
	ab.listBody, ab.listETag = get(ab.list)
	_, ab.readETag = get(ab.read)
	return ab
}

// BenchmarkAPI measures authenticated API reads through the whole
// middleware stack over loopback HTTP with 32 parallel clients, and in
// the same run the yardstick: a bare net/http handler answering a JSON
// body of the list's length. Compare the sub-benchmarks' req/s with
// "bare" of the same run; absolute numbers vary with the machine's load.
func BenchmarkAPI(b *testing.B) {
	ab := newAPIBench(b)
	b.Run("bare", func(b *testing.B) {
		body := ab.listBody
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
		}))
		defer srv.Close()
		benchGET(b, srv.URL, "", nil, http.StatusOK)
		b.ReportMetric(float64(len(body)), "bytes")
	})
	b.Run("list", func(b *testing.B) {
		benchGET(b, ab.list, ab.secret, nil, http.StatusOK)
		b.ReportMetric(float64(len(ab.listBody)), "bytes")
	})
	b.Run("read", func(b *testing.B) {
		benchGET(b, ab.read, ab.secret, nil, http.StatusOK)
	})
	b.Run("list-not-modified", func(b *testing.B) {
		benchGET(b, ab.list, ab.secret, http.Header{"If-None-Match": {ab.listETag}}, http.StatusNotModified)
	})
}

// BenchmarkAPIHandler runs the same requests in-process and one at a
// time, without HTTP: CPU and allocations per request of the server's
// own code (profile it with -cpuprofile).
func BenchmarkAPIHandler(b *testing.B) {
	ab := newAPIBench(b)
	// The ETag of the uncompressed list: ab.listETag came over HTTP with
	// gzip, and Compress suffixes the ETag of a compressed answer.
	req := httptest.NewRequest("GET", "/api/v1/tenants", nil)
	req.RemoteAddr = "127.0.0.1:4711"
	req.Header.Set("Authorization", "Bearer "+ab.secret)
	rec := httptest.NewRecorder()
	ab.h.ServeHTTP(rec, req)
	listETag := rec.Header().Get("ETag")
	for _, c := range []struct {
		name, path string
		want       int
		header     http.Header
	}{
		{"list", "/api/v1/tenants", http.StatusOK, nil},
		{"read", "/api/v1/tenants/" + ab.readTenantID, http.StatusOK, nil},
		{"list-not-modified", "/api/v1/tenants", http.StatusNotModified, http.Header{"If-None-Match": {listETag}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("GET", c.path, nil)
				req.RemoteAddr = "127.0.0.1:4711"
				req.Header.Set("Authorization", "Bearer "+ab.secret)
				for k, v := range c.header {
					req.Header[k] = v
				}
				rec := httptest.NewRecorder()
				ab.h.ServeHTTP(rec, req)
				if rec.Code != c.want {
					b.Fatalf("status %d, want %d: %s", rec.Code, c.want, rec.Body)
				}
			}
		})
	}
}
