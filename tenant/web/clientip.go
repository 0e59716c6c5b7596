package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns the address of the client that sent r.
//
// Without trustProxy it is the host of r.RemoteAddr. With trustProxy (the
// server is reachable only through one reverse proxy) it is the last
// address in X-Forwarded-For: the one that proxy appended, i.e. the peer
// it saw. Entries before it come from the client and are not trusted, so a
// client cannot pick its own address for login throttling or the audit log.
// A proxy that replaces the header sends a single entry, which is then both
// the first and the last. When the header is missing or its last entry is
// not an IP address, RemoteAddr is used.
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if ip, ok := lastForwardedFor(r.Header.Values("X-Forwarded-For")); ok {
			return ip
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func lastForwardedFor(values []string) (string, bool) {
	if len(values) == 0 {
		return "", false
	}
	last := values[len(values)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	last = strings.TrimSpace(last)
	if addr, err := netip.ParseAddr(last); err == nil {
		return addr.Unmap().String(), true
	}
	if ap, err := netip.ParseAddrPort(last); err == nil {
		return ap.Addr().Unmap().String(), true
	}
	return "", false
}

type clientIPKey struct{}

// RealIP records the client's address (see ClientIP) in the request
// context once, so that handlers read it with ClientIPFrom and never decide
// about proxies themselves.
func RealIP(trustProxy bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := context.WithValue(r.Context(), clientIPKey{}, ClientIP(r, trustProxy))
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// ClientIPFrom returns the address RealIP recorded, or "" without it.
func ClientIPFrom(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}
