package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Login says who may use a route.
type Login uint8

const (
	// Anyone: no login. Such a route must be Public and say why.
	Anyone Login = iota
	// Staff: a person logged in to the console (session cookie).
	Staff
	// Citizen: a citizen logged in to the Servicekonto of the portal.
	Citizen
	// Client: a session or an API token of the JSON API.
	Client
	// Signed: a machine whose request proves itself (an HMAC signature, a
	// signed SAML response, the metrics token); Access says how.
	Signed
)

func (l Login) String() string {
	switch l {
	case Anyone:
		return "none"
	case Staff:
		return "staff"
	case Citizen:
		return "citizen"
	case Client:
		return "api"
	case Signed:
		return "signed"
	}
	return fmt.Sprintf("Login(%d)", uint8(l))
}

// CSRF says how a route that changes state is protected against requests
// forged by another site. All routes sit behind the cross-origin
// protection (http.CrossOriginProtection); HTML forms carry a form token
// on top.
type CSRF uint8

const (
	// NoToken: no form token. GET and HEAD need none; a POST without one
	// states its Reason (a signed callback, a JSON API, a SAML response).
	NoToken CSRF = iota
	// FormToken: the session-bound form token (or, before login, the
	// signed double-submit cookie of FormTokens) is checked.
	FormToken
)

func (c CSRF) String() string {
	if c == FormToken {
		return "form token"
	}
	return "none"
}

// PerTenant is the Access of a route whose handler decides access in the
// tenant it loads (from the path or the person's memberships) with the
// casbin Authorizer, instead of one object/action for the whole route.
const PerTenant = "per tenant"

// Route is one entry of a surface's route table: what it serves and how
// it is guarded. Each surface (console, portal, API, transport endpoints)
// keeps one table in one file, and the server registers exactly what the
// tables say; a test walks every table and checks its invariants
// (CheckRoutes).
type Route struct {
	Method  string // GET, POST …; "" for any method (redirects, catch-alls)
	Pattern string // ServeMux path pattern, "/admin/konto"
	Handler http.Handler

	Login Login
	// Access is the casbin "object:action" (or role) the route needs
	// regardless of tenant, PerTenant when the handler decides per tenant,
	// or "" for public routes.
	Access string
	CSRF   CSRF
	// Public marks a route anyone may use without login: catalogue pages,
	// login forms, links from mails that carry their own secret, signed
	// transport endpoints. Reason says why.
	Public bool
	// Reason explains what the table alone does not show: why a route is
	// public, why a POST carries no form token, who checks it instead.
	Reason string
	// BodyLimit caps the request body; 0 means DefaultBodyLimit.
	BodyLimit int64
	// Secret marks a route whose path carries a secret (an invitation or
	// booking link, a calendar subscription). Its pattern must name that
	// segment {token} or {secret}, which keeps it out of the access log
	// (RedactPath).
	Secret bool
}

// Key is "METHOD PATTERN" as ServeMux takes it.
func (r Route) Key() string {
	if r.Method == "" {
		return r.Pattern
	}
	return r.Method + " " + r.Pattern
}

// Limit is the route's body limit.
func (r Route) Limit() int64 {
	if r.BodyLimit > 0 {
		return r.BodyLimit
	}
	return DefaultBodyLimit
}

// HasSecretSegment reports whether the pattern names a wildcard that the
// access log redacts.
func (r Route) HasSecretSegment() bool {
	for _, seg := range strings.Split(r.Pattern, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok && secretName(strings.TrimSuffix(strings.TrimSuffix(name, "}"), "...")) {
			return true
		}
	}
	return false
}

// CheckRoutes checks the invariants of a route table and returns every
// violation: each route has a handler and a valid pattern; a route without
// login is public and says why; a route with a login states its access;
// every POST, PUT, PATCH and DELETE carries a form token or states why
// not; a path that carries a secret names it {token} or {secret}, and
// only such routes do; no two routes collide (ServeMux would refuse them).
func CheckRoutes(routes []Route) []error {
	var errs []error
	mux := http.NewServeMux()
	seen := map[string]bool{}
	for _, r := range routes {
		key := r.Key()
		fail := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("%s: "+format, append([]any{key}, args...)...))
		}
		if r.Handler == nil {
			fail("no handler")
		}
		if !strings.HasPrefix(r.Pattern, "/") {
			fail("pattern does not start with /")
		}
		switch {
		case r.Login == Anyone && !r.Public:
			fail("no login, but not declared public")
		case r.Login != Anyone && r.Public:
			fail("public, but declares login %s", r.Login)
		case r.Public && r.Reason == "":
			fail("public without a reason")
		case r.Login != Anyone && r.Access == "":
			fail("login %s without access (object:action or %q)", r.Login, PerTenant)
		}
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			if r.CSRF == NoToken && r.Reason == "" {
				fail("changes state without a form token and without a reason")
			}
		case http.MethodGet, http.MethodHead:
			if r.CSRF == FormToken {
				fail("a form token on a %s route is never sent", r.Method)
			}
		}
		if r.Secret != r.HasSecretSegment() {
			if r.Secret {
				fail("carries a secret, but names no {token} or {secret} segment (the access log would show it)")
			} else {
				fail("names a {token}/{secret} segment, but is not marked Secret")
			}
		}
		if seen[key] {
			fail("registered twice")
			continue
		}
		seen[key] = true
		func() {
			defer func() {
				if p := recover(); p != nil {
					fail("collides: %v", p)
				}
			}()
			mux.Handle(key, http.NotFoundHandler())
		}()
	}
	return errs
}

// Register adds the routes to mux as the table declares them.
func Register(mux *http.ServeMux, routes []Route) {
	for _, r := range routes {
		mux.Handle(r.Key(), r.Handler)
	}
}

// BodyLimits caps request bodies by route: a request gets the limit of the
// route of these tables that will serve it, DefaultBodyLimit when no route
// declares a larger one. It sits outside every ServeMux (limits nest only
// downwards), so it finds the route with a ServeMux of its own.
func BodyLimits(tables ...[]Route) func(http.Handler) http.Handler {
	limits := http.NewServeMux()
	for _, t := range tables {
		for _, r := range t {
			if r.BodyLimit > 0 && r.BodyLimit != DefaultBodyLimit {
				n := r.BodyLimit
				limits.Handle(r.Key(), limitMarker(n))
			}
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := int64(DefaultBodyLimit)
			if r.Body != nil && r.Body != http.NoBody {
				if h, pattern := limits.Handler(r); pattern != "" {
					if m, ok := h.(limitMarker); ok {
						n = int64(m)
					}
				}
				r.Body = http.MaxBytesReader(w, r.Body, n)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// limitMarker is what BodyLimits' own ServeMux returns for a route: its
// limit. It is never served.
type limitMarker int64

func (limitMarker) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, "body limit marker", http.StatusInternalServerError)
}

// Link is the absolute address of a route: base followed by pattern with
// its wildcards filled in order by values (each path-escaped); "{$}" ends
// the path with its slash. Surfaces build the links that domains put into
// mails with it, from the patterns of their route tables.
func Link(base, pattern string, values ...string) string {
	segs := strings.Split(pattern, "/")
	for i, seg := range segs {
		switch {
		case seg == "{$}":
			segs[i] = ""
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}"):
			v := ""
			if len(values) > 0 {
				v, values = url.PathEscape(values[0]), values[1:]
			}
			segs[i] = v
		}
	}
	return strings.TrimRight(base, "/") + strings.Join(segs, "/")
}

// LinkTo is the builder of the links to one route: base and pattern fixed,
// the wildcards' values given per link (see Link). It is what a surface
// hands to the domains as their tenant.Link.
func LinkTo(base, pattern string) func(values ...string) string {
	return func(values ...string) string { return Link(base, pattern, values...) }
}
