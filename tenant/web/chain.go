package web

import "net/http"

// Chain wraps h in the middleware mws, the first one outermost: Chain(h, a,
// b) is a(b(h)), so a request passes a, then b, then reaches h.
func Chain(h http.Handler, mws ...func(http.Handler) http.Handler) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}
