package web

import (
	"context"
	"net/http"
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
	pattern string
}

// withRouteHolder returns r carrying a routeHolder, reusing one an outer
// middleware already put into the context.
func withRouteHolder(r *http.Request) (*http.Request, *routeHolder) {
	if h, ok := r.Context().Value(routeKey).(*routeHolder); ok {
		return r, h
	}
	h := &routeHolder{}
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

// CapturePattern records the pattern the ServeMux matched, for Logging and
// Metrics. Put it innermost, directly around the mux: Chain(mux, …,
// CapturePattern). ServeMux sets Request.Pattern on the request it receives,
// which is the one CapturePattern passed on, so it is read after the mux
// returns (or panics).
func CapturePattern(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, _ := r.Context().Value(routeKey).(*routeHolder)
		if h == nil {
			next.ServeHTTP(w, r)
			return
		}
		defer func() {
			if r.Pattern != "" {
				h.pattern = r.Pattern
			}
		}()
		next.ServeHTTP(w, r)
	})
}
