package web

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// unmatchedRoute is the route label of requests no ServeMux pattern matched.
const unmatchedRoute = "unmatched"

// Metrics records Prometheus metrics of the HTTP server:
//
//   - http_request_duration_seconds, a histogram with the labels method,
//     route (the ServeMux pattern, "unmatched" when none matched) and
//     status_class ("2xx", "4xx", …);
//   - http_requests_in_flight, a gauge.
//
// The route label needs CapturePattern around the mux (see there).
type Metrics struct {
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

// NewMetrics creates the collectors and registers them with reg. When reg
// already holds collectors of the same description (a second server in one
// process), those are shared. Any other registration error is a programming
// error and panics, as with prometheus.MustRegister.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "Duration of HTTP requests by method, ServeMux route and status class.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route", "status_class"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "http_requests_in_flight",
			Help: "Number of HTTP requests being served.",
		}),
	}
	m.duration = register(reg, m.duration)
	m.inFlight = register(reg, m.inFlight)
	return m
}

func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing
		}
	}
	panic(fmt.Errorf("web: register metrics: %w", err))
}

// Middleware observes every request passing through it.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		inner, holder := withRouteHolder(r)
		sw := &statusWriter{ResponseWriter: w}
		m.inFlight.Inc()
		completed := false
		defer func() {
			m.inFlight.Dec()
			status := sw.statusOr(http.StatusOK)
			if !completed && !sw.wroteHeader {
				status = http.StatusInternalServerError
			}
			route := holder.route(inner)
			if route == "" {
				route = unmatchedRoute
			}
			m.duration.WithLabelValues(methodLabel(r.Method), route, statusClass(status)).
				Observe(time.Since(start).Seconds())
		}()
		next.ServeHTTP(sw, inner)
		completed = true
	})
}

// methodLabel keeps the method label's values bounded: clients may send any
// token as method.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}

// RegisterDBStats registers the connection pool statistics of db
// (go_sql_* metrics, collectors.NewDBStatsCollector) with reg, labelled
// db_name=name.
func RegisterDBStats(reg prometheus.Registerer, name string, db *sql.DB) error {
	if err := reg.Register(collectors.NewDBStatsCollector(db, name)); err != nil {
		return fmt.Errorf("register db stats %q: %w", name, err)
	}
	return nil
}
