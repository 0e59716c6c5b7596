// Package web owns the HTTP plumbing shared by the console (admin/) and the
// citizen portal (portal/): the vendored KERN UX stylesheet and fonts served
// from the binary with fingerprinted URLs (Assets), the middleware every
// server stacks in front of its ServeMux (request IDs, access log, Prometheus
// metrics, gzip/zstd compression, security headers, URL checks, body
// limits, panic recovery, cross-origin protection), RFC 9457 problem answers
// for plain net/http routes, the session-bound form token for HTML forms, the
// signed double-submit cookie that stands in for it before login (FormTokens:
// no session row for a stranger), the redaction of secret path segments in
// logs and the client address.
//
// Middleware has the shape func(http.Handler) http.Handler and is stacked with
// Chain, the first one outermost. A server typically builds:
//
//	handler := web.Chain(mux,
//		web.RequestID,
//		web.Logging(logger),
//		metrics.Middleware,
//		web.Compress(web.CompressOptions{}),
//		web.Recover(logger),
//		web.SecurityHeaders(web.HeaderOptions{HTTPS: true}),
//		web.CheckURL, // no NUL or broken UTF-8 in path and query
//		crossOrigin,
//		web.CapturePattern, // innermost: records the ServeMux pattern
//	)
//
// Every surface keeps one route table of Routes (routes.go): each route
// states its login, access, form token, body limit, public access and
// secret path segments; CheckRoutes checks a table's invariants, Register
// serves it, and BodyLimits caps request bodies by the route that will
// serve them, so that an upload route can allow more than the 1 MiB forms
// and JSON get. Dict is the template function both surfaces share.
//
// The package keeps no mutable package-level state: everything configurable
// is created at start and handed around.
package web
