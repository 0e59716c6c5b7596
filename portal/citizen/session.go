package citizen

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"sozialplattform/tenant"
	"sozialplattform/tenant/web"
)

// Session values of a citizen's login, beside the portal's own values in
// the same (database-backed) session. They are never the staff user key.
const (
	sessionCitizen = "citizen"
	sessionTrust   = "citizen_trust"
	sessionMethod  = "citizen_method"
	sessionEmail   = "citizen_email"
	sessionName    = "citizen_name"
)

// Principal is a logged-in citizen.
type Principal struct {
	ID     string
	Email  string
	Name   string
	Trust  TrustLevel
	Method string // "passwort" or "saml"
}

// Subject is how a citizen appears in the audit log: "citizen:<id>".
func (p Principal) Subject() string { return "citizen:" + p.ID }

type principalKey struct{}

// WithPrincipal returns a context carrying the citizen.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the citizen of a request, if one is logged in.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok && p.ID != ""
}

// Sessions keeps citizen logins in the portal's session store.
type Sessions struct {
	store *tenant.SessionStore
}

// NewSessions returns the citizen login helper on the platform's sessions.
func NewSessions(store *tenant.SessionStore) *Sessions { return &Sessions{store: store} }

// Login starts a citizen session: the session ID is rotated (an ID known
// before is worthless after), the citizen and the trust level of this
// login are stored, and a fresh form token is issued. Values the portal
// keeps for anonymous visitors (finder answers) stay.
func (s *Sessions) Login(w http.ResponseWriter, r *http.Request, a *Account, trust TrustLevel, method string) error {
	sess, err := s.store.Get(r, s.store.CookieName())
	if err != nil {
		return fmt.Errorf("citizen session: %w", err)
	}
	delete(sess.Values, tenant.SessionUserID) // a staff login in the same browser ends
	sess.Values[sessionCitizen] = a.ID
	sess.Values[sessionTrust] = string(trust)
	sess.Values[sessionMethod] = method
	sess.Values[sessionEmail] = a.Email
	sess.Values[sessionName] = a.Name
	sess.Values[tenant.SessionCSRF] = web.NewCSRFToken()
	return s.store.Rotate(r, w, sess)
}

// Logout ends the citizen's login (and the session with it).
func (s *Sessions) Logout(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.store.Get(r, s.store.CookieName())
	if err != nil {
		return err
	}
	if sess.IsNew {
		return nil
	}
	return s.store.Destroy(r, w, sess)
}

// Current reads the citizen of a request from its session.
func (s *Sessions) Current(r *http.Request) (Principal, bool, error) {
	sess, err := s.store.Get(r, s.store.CookieName())
	if err != nil {
		return Principal{}, false, err
	}
	id, _ := sess.Values[sessionCitizen].(string)
	if sess.IsNew || id == "" {
		return Principal{}, false, nil
	}
	p := Principal{ID: id}
	t, _ := sess.Values[sessionTrust].(string)
	p.Trust = TrustLevel(t)
	p.Method, _ = sess.Values[sessionMethod].(string)
	p.Email, _ = sess.Values[sessionEmail].(string)
	p.Name, _ = sess.Values[sessionName].(string)
	return p, true, nil
}

// Middleware puts a logged-in citizen into the request context, and names
// it as the audit actor when no staff principal made the request. Paths in
// skip are passed through untouched (probes, static files).
func (s *Sessions) Middleware(skip []string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for _, prefix := range skip {
				if strings.HasPrefix(r.URL.Path, prefix) {
					next.ServeHTTP(w, r)
					return
				}
			}
			if r.Header.Get("Authorization") != "" {
				next.ServeHTTP(w, r) // machine clients are never citizens
				return
			}
			p, ok, err := s.Current(r)
			if err != nil || !ok {
				next.ServeHTTP(w, r) // the authenticator answered outages already
				return
			}
			ctx := WithPrincipal(r.Context(), p)
			if a := tenant.ActorFrom(ctx); a.ID == "anonymous" || a.ID == "system" {
				ctx = tenant.WithActor(ctx, tenant.Actor{ID: p.Subject(), Label: "Bürger:in", RequestID: a.RequestID})
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
