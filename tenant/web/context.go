package web

import (
	"context"
	"net/http"
	"strings"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	routeKey
)

// routeHolder carries the ServeMux pattern of a request outward: the
// middleware that wraps the mux cannot see the pattern on its own request,
// because any middleware in between that calls WithContext hands a copy to
// the mux. CapturePattern, directly around the mux, fills it in.
type routeHolder struct {
	full    string // the path as it came in
	pattern string // the pattern of the innermost mux that matched
	path    string // the path that mux saw: full without a prefix an outer handler stripped
}

// withRouteHolder returns r carrying a routeHolder, reusing one an outer
// middleware already put into the context.
func withRouteHolder(r *http.Request) (*http.Request, *routeHolder) {
	if h, ok := r.Context().Value(routeKey).(*routeHolder); ok {
		return r, h
	}
	h := &routeHolder{full: r.URL.Path}
	return r.WithContext(context.WithValue(r.Context(), routeKey, h)), h
}

// route returns the pattern captured for the request passed on as inner,
// falling back to inner.Pattern (set in place by a ServeMux that got inner
// itself).
func (h *routeHolder) route(inner *http.Request) string {
	if h.pattern != "" {
		return h.pattern
	}
	return inner.Pattern
}

// redacted is the request's path fit for a log: secret wildcards of the
// matched pattern replaced (see RedactPath).
func (h *routeHolder) redacted(inner *http.Request) string {
	if h.pattern != "" {
		return redactMounted(h.full, h.path, h.pattern)
	}
	return redactMounted(h.full, inner.URL.Path, inner.Pattern)
}

// CapturePattern records the pattern the ServeMux matched, for Logging and
// Metrics. Put it innermost, directly around the mux: Chain(mux, …,
// CapturePattern). ServeMux sets Request.Pattern on the request it receives,
// which is the one CapturePattern passed on, so it is read after the mux
// returns (or panics).
//
// A handler that strips a prefix and hands the rest to a mux of its own
// (the portal serves "/{slug}/…" from one table) wraps that mux in
// CapturePattern too: the innermost pattern wins, together with the path
// that mux saw, so that the log redacts the right segments below the
// prefix.
func CapturePattern(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, _ := r.Context().Value(routeKey).(*routeHolder)
		if h == nil {
			next.ServeHTTP(w, r)
			return
		}
		path := r.URL.Path
		defer func() {
			// Deferred calls run innermost first: a nested CapturePattern
			// has recorded the more precise pattern already.
			if r.Pattern != "" && h.pattern == "" {
				h.pattern, h.path = r.Pattern, path
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// LogPath is the path of r fit for a log line, for handlers that log a
// failure themselves: the segments that r.Pattern matched with a secret
// wildcard ({token}, {secret} …) are replaced by the wildcard, also below a
// prefix that an outer handler stripped.
func LogPath(r *http.Request) string {
	if h, ok := r.Context().Value(routeKey).(*routeHolder); ok {
		return redactMounted(h.full, r.URL.Path, r.Pattern)
	}
	return RedactPath(r.URL.Path, r.Pattern)
}

// redactMounted redacts inner (the path a mux saw) with pattern and puts
// back the prefix by which full is longer.
func redactMounted(full, inner, pattern string) string {
	if inner == "" || !strings.HasSuffix(full, inner) {
		return RedactPath(full, pattern)
	}
	prefix := full[:len(full)-len(inner)]
	return prefix + RedactPath(inner, pattern)
}
