package web

import (
	"net/http"
	"sort"
	"strings"
)

// DefaultCSP allows resources from the own origin only (plus data: images,
// which KERN's icons are), no inline scripts or styles, no framing.
const DefaultCSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"

const (
	defaultReferrerPolicy = "strict-origin-when-cross-origin"
	permissionsPolicy     = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), " +
		"magnetometer=(), microphone=(), payment=(), usb=()"
	// hstsValue leaves out includeSubDomains: other hosts under an
	// authority's domain may not serve HTTPS.
	hstsValue = "max-age=31536000"
)

// HeaderOptions configures SecurityHeaders.
type HeaderOptions struct {
	// HTTPS sends Strict-Transport-Security; set it when the site is
	// served over HTTPS only (directly or behind a TLS-terminating proxy).
	HTTPS bool
	// CSP is the Content-Security-Policy; empty means DefaultCSP.
	CSP string
	// CSPOverrides replaces the policy for paths under a prefix, e.g.
	// {"/api/docs": "… script-src 'self' https://unpkg.com …"}. A prefix
	// matches the path itself and everything below it ("/api/docs" matches
	// "/api/docs" and "/api/docs/x", not "/api/docsx"); the longest
	// matching prefix wins.
	CSPOverrides map[string]string
	// ReferrerPolicy is sent as Referrer-Policy; empty means
	// "strict-origin-when-cross-origin".
	ReferrerPolicy string
}

// SecurityHeaders sets the security headers on every answer before the
// handler runs: Content-Security-Policy, X-Content-Type-Options,
// Referrer-Policy, X-Frame-Options, Permissions-Policy,
// Cross-Origin-Opener-Policy and, with opts.HTTPS,
// Strict-Transport-Security. A handler may still change them.
func SecurityHeaders(opts HeaderOptions) func(http.Handler) http.Handler {
	csp := opts.CSP
	if csp == "" {
		csp = DefaultCSP
	}
	referrer := opts.ReferrerPolicy
	if referrer == "" {
		referrer = defaultReferrerPolicy
	}
	type override struct{ prefix, csp string }
	overrides := make([]override, 0, len(opts.CSPOverrides))
	for p, c := range opts.CSPOverrides {
		overrides = append(overrides, override{p, c})
	}
	sort.Slice(overrides, func(i, j int) bool { return len(overrides[i].prefix) > len(overrides[j].prefix) })

	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			policy := csp
			for _, o := range overrides {
				if underPrefix(r.URL.Path, o.prefix) {
					policy = o.csp
					break
				}
			}
			h := w.Header()
			h.Set("Content-Security-Policy", policy)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", referrer)
			h.Set("X-Frame-Options", "DENY")
			h.Set("Permissions-Policy", permissionsPolicy)
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			if opts.HTTPS {
				h.Set("Strict-Transport-Security", hstsValue)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// underPrefix reports whether p is prefix or lies below it.
func underPrefix(p, prefix string) bool {
	if !strings.HasPrefix(p, prefix) {
		return false
	}
	return len(p) == len(prefix) || strings.HasSuffix(prefix, "/") || p[len(prefix)] == '/'
}
