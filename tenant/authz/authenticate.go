package authz

import (
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"sozialplattform/tenant"
)

// Authenticator finds out who makes a request – from a bearer token or the
// session cookie – and puts the Principal and the audit Actor into the
// request context. It rejects nobody: whether a route needs a principal is
// decided where the route is declared.
type Authenticator struct {
	store    *tenant.Store
	sessions *tenant.SessionStore
	logger   *slog.Logger
	// RequestID returns the request's ID for the audit log.
	RequestID func(*http.Request) string
	// Skip lists path prefixes that never need a principal (probes,
	// static assets): they are served without touching sessions, so that
	// /healthz answers even while the database is down.
	Skip []string

	tokens   *tokenCache  // nil: every request looks its token up
	revision func() int64 // the authorizer's loaded policy revision
}

// NewAuthenticator returns an Authenticator.
func NewAuthenticator(store *tenant.Store, sessions *tenant.SessionStore, logger *slog.Logger) *Authenticator {
	return &Authenticator{store: store, sessions: sessions, logger: logger, RequestID: func(*http.Request) string { return "" }}
}

// CacheTokens lets the authenticator remember valid API tokens while the
// access policy revision az has loaded stays the same (see tokenCache).
func (a *Authenticator) CacheTokens(az *Authorizer) {
	a.tokens = newTokenCache(tokenCacheMax)
	a.revision = az.Revision
}

// token returns the live token a bearer secret belongs to, from the cache
// when it may be trusted, else from the store.
func (a *Authenticator) token(ctx context.Context, secret string) (*tenant.APIToken, error) {
	if a.tokens == nil {
		return a.store.AuthenticateToken(ctx, secret)
	}
	key := sha256.Sum256([]byte(secret))
	rev := a.revision() // before the load: a revocation committed meanwhile changes it
	if tok, ok := a.tokens.get(key, rev, a.store.Now()); ok {
		before := tok.LastUsedAt
		if err := a.store.TouchAPIToken(ctx, &tok); err != nil {
			return nil, err
		}
		if tok.LastUsedAt != before {
			a.tokens.touch(key, *tok.LastUsedAt)
		}
		return &tok, nil
	}
	tok, err := a.store.AuthenticateToken(ctx, secret)
	if err != nil {
		return nil, err
	}
	a.tokens.put(key, *tok, rev, a.store.Now())
	return tok, nil
}

// Session value holding the user's e-mail address, for the audit log.
const sessionEmail = "email"

// Middleware resolves the principal. A bearer token that is present but
// invalid is answered 401 at once: a client that sends credentials must
// learn that they failed rather than be treated as anonymous.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, prefix := range a.Skip {
			if strings.HasPrefix(r.URL.Path, prefix) {
				next.ServeHTTP(w, r)
				return
			}
		}
		ctx := r.Context()
		reqID := a.RequestID(r)
		if auth := r.Header.Get("Authorization"); auth != "" {
			scheme, secret, _ := strings.Cut(auth, " ")
			if !strings.EqualFold(scheme, "Bearer") {
				writeUnauthorized(w, "Nur Bearer-Token werden unterstützt.")
				return
			}
			tok, err := a.token(ctx, strings.TrimSpace(secret))
			if err != nil {
				if !errors.Is(err, tenant.ErrInvalidLogin) {
					a.logger.Error("authenticate api token", "err", err, "request_id", reqID)
					writeUnavailable(w, r)
					return
				}
				writeUnauthorized(w, "Das API-Token ist ungültig, abgelaufen oder widerrufen.")
				return
			}
			p := Principal{TokenID: tok.ID, Label: "API-Token " + tok.Name}
			ctx = WithPrincipal(ctx, p)
			ctx = tenant.WithActor(ctx, tenant.Actor{ID: p.Subject(), Label: p.Label, RequestID: reqID})
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		ctx = tenant.WithActor(ctx, tenant.Actor{ID: "anonymous", Label: "anonym", RequestID: reqID})
		r = r.WithContext(ctx)
		sess, err := a.sessions.Get(r, a.sessions.CookieName())
		if err != nil {
			a.logger.Error("load session", "err", err, "request_id", reqID)
			writeUnavailable(w, r)
			return
		}
		if !sess.IsNew {
			if uid, _ := sess.Values[tenant.SessionUserID].(string); uid != "" {
				email, _ := sess.Values[sessionEmail].(string)
				p := Principal{UserID: uid, Label: email}
				ctx = WithPrincipal(ctx, p)
				ctx = tenant.WithActor(ctx, tenant.Actor{ID: p.Subject(), Label: email, RequestID: reqID})
				r = r.WithContext(ctx)
				if a.sessions.NeedsTouch(sess) {
					if err := sess.Save(r, w); err != nil {
						a.logger.Warn("touch session", "err", err, "request_id", reqID)
					}
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// writeUnavailable answers 503 when the database cannot be reached, as
// problem+json for the API and as a short German page elsewhere.
func writeUnavailable(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", "5")
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"title":"Service Unavailable","status":503,"detail":"Der Dienst ist vorübergehend nicht erreichbar. Bitte versuchen Sie es gleich noch einmal."}`))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write([]byte(`<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Vorübergehend nicht erreichbar</title></head>` +
		`<body><main><h1>Vorübergehend nicht erreichbar</h1><p>Die Sozialplattform ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten noch einmal.</p></main></body></html>`))
}

func writeUnauthorized(w http.ResponseWriter, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("WWW-Authenticate", `Bearer realm="sozialplattform"`)
	w.WriteHeader(http.StatusUnauthorized)
	w.Write([]byte(`{"title":"Unauthorized","status":401,"detail":"` + detail + `"}`))
}

// Login starts an authenticated session for u: the session ID is rotated,
// so that an ID known before login is worthless after it, and a fresh CSRF
// token is issued for the console's forms.
func (a *Authenticator) Login(w http.ResponseWriter, r *http.Request, u *tenant.User, csrfToken string) error {
	sess, err := a.sessions.Get(r, a.sessions.CookieName())
	if err != nil {
		return err
	}
	for k := range sess.Values {
		delete(sess.Values, k)
	}
	sess.Values[tenant.SessionUserID] = u.ID
	sess.Values[sessionEmail] = u.Email
	sess.Values[tenant.SessionCSRF] = csrfToken
	return a.sessions.Rotate(r, w, sess)
}

// Logout ends the request's session on the server.
func (a *Authenticator) Logout(w http.ResponseWriter, r *http.Request) error {
	sess, err := a.sessions.Get(r, a.sessions.CookieName())
	if err != nil {
		return err
	}
	if sess.IsNew {
		return nil
	}
	return a.sessions.Destroy(r, w, sess)
}

// CSRFToken returns the session's form token ("" without a session).
func (a *Authenticator) CSRFToken(r *http.Request) string {
	sess, err := a.sessions.Get(r, a.sessions.CookieName())
	if err != nil {
		return ""
	}
	t, _ := sess.Values[tenant.SessionCSRF].(string)
	return t
}

// Sessions returns the session store.
func (a *Authenticator) Sessions() *tenant.SessionStore { return a.sessions }
