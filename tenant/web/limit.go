package web

import "net/http"

// DefaultBodyLimit is the body limit for forms and JSON: 1 MiB, as huma's
// default.
const DefaultBodyLimit = 1 << 20

// LimitBody caps request bodies at n bytes with http.MaxBytesReader. A
// handler that reads more gets an *http.MaxBytesError and decides the answer
// (413 Request Entity Too Large); the server also closes the connection
// afterwards. Limits nest only downwards: a route group that accepts larger
// uploads needs its own LimitBody instead of a smaller one outside.
func LimitBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Any method may carry a body; GET and HEAD requests usually
			// have http.NoBody and are left alone.
			if r.Body != nil && r.Body != http.NoBody {
				r.Body = http.MaxBytesReader(w, r.Body, n)
			}
			next.ServeHTTP(w, r)
		})
	}
}
