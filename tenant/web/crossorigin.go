package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// CrossOrigin protects against cross-site request forgery with Go's
// http.CrossOriginProtection: unsafe requests (POST, PUT, …) that a browser
// marks as cross-site (Sec-Fetch-Site, or an Origin not matching Host) are
// rejected with 403, answered as problem JSON under /api/ and as a German
// HTML page elsewhere. Requests from trustedOrigins ("https://host[:port]")
// pass. Requests without those headers (non-browser API clients) pass too.
//
// Go compares an Origin without Sec-Fetch-Site (older browsers) with the
// Host header only, so http://host passed on an https site. Here the whole
// origin counts: scheme, host and port must be the server's own. The own
// scheme of a host named by a trusted origin is that origin's (the base
// URL, also behind a proxy that ends TLS); of any other host it is https
// when the connection is TLS, else http.
func CrossOrigin(trustedOrigins []string) (func(http.Handler) http.Handler, error) {
	c := http.NewCrossOriginProtection()
	trusted := map[string]bool{}
	schemes := map[string]string{} // host[:port] → scheme of a trusted origin
	for _, o := range trustedOrigins {
		if err := c.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("cross-origin protection: %w", err)
		}
		u, _ := url.Parse(o) // AddTrustedOrigin parsed it already
		trusted[originKey(u.Scheme, u.Host)] = true
		schemes[hostKey(u.Scheme, u.Host)] = strings.ToLower(u.Scheme)
	}
	deny := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusForbidden, "Anfrage abgelehnt",
			"Die Anfrage kam von einer anderen Website und wurde zu Ihrem Schutz nicht ausgeführt. "+
				"Bitte laden Sie die Seite neu und versuchen Sie es erneut.")
	})
	c.SetDenyHandler(deny)
	return func(next http.Handler) http.Handler {
		protected := c.Handler(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			if origin == "" || r.Header.Get("Sec-Fetch-Site") != "" || safeMethod(r.Method) {
				protected.ServeHTTP(w, r)
				return
			}
			// An older browser: the Origin alone decides.
			if !ownOrigin(r, origin, trusted, schemes) {
				deny.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}, nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// ownOrigin reports whether origin is a trusted origin or the server's own
// for the request's Host.
func ownOrigin(r *http.Request, origin string, trusted map[string]bool, schemes map[string]string) bool {
	o, err := url.Parse(origin)
	if err != nil || (o.Scheme != "http" && o.Scheme != "https") || o.Host == "" || o.Path != "" {
		return false
	}
	key := originKey(o.Scheme, o.Host)
	if trusted[key] {
		return true
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if s, ok := schemes[hostKey("http", r.Host)]; ok {
		scheme = s
	} else if s, ok := schemes[hostKey("https", r.Host)]; ok {
		scheme = s
	}
	return key == originKey(scheme, r.Host)
}

// originKey is an origin in one spelling: lower case, without the
// scheme's default port.
func originKey(scheme, host string) string {
	scheme = strings.ToLower(scheme)
	return scheme + "://" + hostKey(scheme, host)
}

// hostKey is host[:port] in lower case without the scheme's default port.
func hostKey(scheme, host string) string {
	host = strings.ToLower(host)
	switch strings.ToLower(scheme) {
	case "http":
		return strings.TrimSuffix(host, ":80")
	case "https":
		return strings.TrimSuffix(host, ":443")
	}
	return host
}
