package web

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Logging writes one line per request to logger: method, path, route (the
// ServeMux pattern, see CapturePattern), status, bytes, duration_ms,
// request_id and remote_ip. Answers with status 500 or more are logged at
// level Error, all others at Info.
//
// Only the path is logged, never the query string, which may carry tokens.
// Path segments matched by a wildcard whose name contains "token" or
// "secret" ("/einladung/{token}") are logged as the wildcard.
//
// remote_ip is the peer address (ClientIP without trusting a proxy); the
// proxy in front logs the client's own address.
//
// The line is written also when the handler panics (with status 500 when
// nothing had been written), so put Logging outside Recover.
func Logging(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			inner, holder := withRouteHolder(r)
			sw := &statusWriter{ResponseWriter: w}
			completed := false
			defer func() {
				status := sw.statusOr(http.StatusOK)
				if !completed && !sw.wroteHeader {
					status = http.StatusInternalServerError
				}
				level := slog.LevelInfo
				if status >= 500 {
					level = slog.LevelError
				}
				route := holder.route(inner)
				logger.LogAttrs(r.Context(), level, "request",
					slog.String("method", r.Method),
					slog.String("path", redactPath(r.URL.Path, route)),
					slog.String("route", route),
					slog.Int("status", status),
					slog.Int64("bytes", sw.bytes),
					slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
					slog.String("request_id", RequestIDFrom(r.Context())),
					slog.String("remote_ip", ClientIP(r, false)),
				)
			}()
			next.ServeHTTP(sw, inner)
			completed = true
		})
	}
}

// redactPath replaces the path segments that pattern matched with a
// secret-named wildcard by that wildcard.
func redactPath(p, pattern string) string {
	if !strings.Contains(pattern, "{") {
		return p
	}
	// A pattern is "[METHOD ][HOST]/PATH".
	if i := strings.Index(pattern, " "); i >= 0 {
		pattern = strings.TrimLeft(pattern[i+1:], " \t")
	}
	if i := strings.Index(pattern, "/"); i >= 0 {
		pattern = pattern[i:]
	}
	patSegs := strings.Split(pattern, "/")
	segs := strings.Split(p, "/")
	changed := false
	for i, ps := range patSegs {
		if i >= len(segs) {
			break
		}
		name, ok := strings.CutPrefix(ps, "{")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(name, "}")
		name, rest := strings.CutSuffix(name, "...")
		if !secretName(name) {
			continue
		}
		changed = true
		if rest {
			segs = append(segs[:i], ps)
			break
		}
		segs[i] = ps
	}
	if !changed {
		return p
	}
	return strings.Join(segs, "/")
}

func secretName(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "token") || strings.Contains(n, "secret")
}
