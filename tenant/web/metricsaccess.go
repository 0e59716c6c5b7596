package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/netip"
	"strings"
)

// MetricsAccess guards the Prometheus endpoint, whose figures (routes,
// latencies, pool sizes, process data) are not for the public. With a token
// every scrape must send "Authorization: Bearer <token>" (401 otherwise).
// Without one only the machine itself may read: the client address RealIP
// recorded must be a loopback address, and a request relayed by a proxy
// (X-Forwarded-For or Forwarded while the proxy is not trusted, so the real
// client is unknown) is refused too (403).
func MetricsAccess(token string, trustProxy bool) func(http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if token != "" {
				got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
				sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
				if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
					w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
					http.Error(w, "Metriken nur mit Token (--metrics-token).", http.StatusUnauthorized)
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			relayed := !trustProxy && (r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "")
			if relayed || !loopback(ClientIPFrom(r.Context())) {
				http.Error(w, "Metriken nur vom eigenen Rechner aus oder mit Token (--metrics-token).", http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func loopback(ip string) bool {
	addr, err := netip.ParseAddr(ip)
	return err == nil && addr.Unmap().IsLoopback()
}
