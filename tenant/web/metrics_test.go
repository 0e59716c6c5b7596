package web

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
)

// histogramCount returns the sample count of http_request_duration_seconds
// with the given labels, or -1 when there is no such series.
func histogramCount(t *testing.T, reg *prometheus.Registry, labels map[string]string) int {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "http_request_duration_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if labelsMatch(m, labels) {
				return int(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return -1
}

func labelsMatch(m *dto.Metric, want map[string]string) bool {
	got := map[string]string{}
	for _, lp := range m.GetLabel() {
		got[lp.GetName()] = lp.GetValue()
	}
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	h := Chain(testMux(), RequestID, m.Middleware, Recover(discardLogger()), copyRequest, CapturePattern)

	requests := []struct{ method, target string }{
		{"GET", "/akten/1"}, {"GET", "/akten/2"}, {"POST", "/api/antraege"},
		{"GET", "/gibtsnicht"}, {"GET", "/kaputt"}, {"BREW", "/akten/1"},
	}
	for _, rq := range requests {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(rq.method, rq.target, nil))
	}

	tests := []struct {
		method, route, class string
		count                int
	}{
		{"GET", "GET /akten/{id}", "2xx", 2},
		{"POST", "POST /api/antraege", "4xx", 1},
		{"GET", "unmatched", "4xx", 1},
		{"GET", "GET /kaputt", "5xx", 1},
		{"OTHER", "unmatched", "4xx", 1}, // 405 from the mux
	}
	for _, tt := range tests {
		labels := map[string]string{"method": tt.method, "route": tt.route, "status_class": tt.class}
		if got := histogramCount(t, reg, labels); got != tt.count {
			t.Errorf("samples %v = %d, want %d", labels, got, tt.count)
		}
	}
	if got := testutil.ToFloat64(m.inFlight); got != 0 {
		t.Errorf("in flight after requests = %v", got)
	}
}

func TestMetricsInFlight(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	var during float64
	h := m.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		during = testutil.ToFloat64(m.inFlight)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if during != 1 {
		t.Errorf("in flight during request = %v, want 1", during)
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP http_requests_in_flight Number of HTTP requests being served.
# TYPE http_requests_in_flight gauge
http_requests_in_flight 0
`), "http_requests_in_flight"); err != nil {
		t.Error(err)
	}
}

func TestNewMetricsTwiceSharesCollectors(t *testing.T) {
	reg := prometheus.NewRegistry()
	a, b := NewMetrics(reg), NewMetrics(reg)
	a.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	b.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if got := histogramCount(t, reg, map[string]string{"method": "GET", "route": "unmatched", "status_class": "4xx"}); got != 2 {
		t.Errorf("samples = %d, want 2", got)
	}
}

func TestStatusClass(t *testing.T) {
	for status, want := range map[int]string{101: "1xx", 200: "2xx", 304: "3xx", 404: "4xx", 599: "5xx", 42: "other", 600: "other"} {
		if got := statusClass(status); got != want {
			t.Errorf("statusClass(%d) = %q, want %q", status, got, want)
		}
	}
}

// nopDriver lets sql.Open succeed without a database.
type nopDriver struct{}

func (nopDriver) Open(string) (driver.Conn, error) { return nil, errors.New("no database") }

func TestRegisterDBStats(t *testing.T) {
	db := sql.OpenDB(nopConnector{})
	defer db.Close()
	reg := prometheus.NewRegistry()
	if err := RegisterDBStats(reg, "haupt", db); err != nil {
		t.Fatal(err)
	}
	if err := RegisterDBStats(reg, "haupt", db); err == nil {
		t.Error("second registration under the same name succeeded")
	}
	n, err := testutil.GatherAndCount(reg, "go_sql_max_open_connections", "go_sql_open_connections")
	if err != nil || n != 2 {
		t.Errorf("GatherAndCount = %d, %v", n, err)
	}
}

type nopConnector struct{}

func (nopConnector) Connect(context.Context) (driver.Conn, error) {
	return nil, errors.New("no database")
}
func (nopConnector) Driver() driver.Driver { return nopDriver{} }
