package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/web"
)

type userKey struct{}

// UserFrom returns the logged-in user that user() put into the request, or
// nil on pages before login.
func UserFrom(r *http.Request) *tenant.User {
	u, _ := r.Context().Value(userKey{}).(*tenant.User)
	return u
}

// WithUser returns r carrying u as the logged-in person of the page (for
// public pages that still greet a logged-in person).
func WithUser(r *http.Request, u *tenant.User) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), userKey{}, u))
}

// User wraps a page that needs a logged-in person.
func (c *Shell) User(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r, ok := c.RequireLogin(w, r); ok {
			h(w, r)
		}
	}
}

// UserForm wraps a POST that needs a logged-in person and a valid form
// token.
func (c *Shell) UserForm(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r, ok := c.RequireLogin(w, r)
		if ok && c.CSRFOK(w, r, BackLink(r)) {
			h(w, r)
		}
	}
}

// RequireLogin sends anonymous visitors to the login page (coming back to
// the page they asked for) and loads the user of a session. An account
// deactivated or deleted meanwhile ends the session.
func (c *Shell) RequireLogin(w http.ResponseWriter, r *http.Request) (*http.Request, bool) {
	p := authz.PrincipalFrom(r.Context())
	if p.IsZero() {
		next := "/admin/"
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			next = r.URL.RequestURI()
		}
		http.Redirect(w, r, LoginPath(next), http.StatusSeeOther)
		return r, false
	}
	if p.UserID == "" {
		c.Forbidden(w, r, "Die Konsole ist für angemeldete Personen; mit einem API-Token lässt sie sich nicht nutzen.")
		return r, false
	}
	u, err := c.Store.GetUser(r.Context(), p.UserID)
	if errors.Is(err, tenant.ErrNotFound) || (err == nil && !u.Active) {
		if err := c.Auth.Logout(w, r); err != nil {
			c.Logger.WarnContext(r.Context(), "console: end session of inactive user", "err", err)
		}
		http.Redirect(w, r, LoginPath(""), http.StatusSeeOther)
		return r, false
	}
	if err != nil {
		c.ServerError(w, r, err)
		return r, false
	}
	return r.WithContext(context.WithValue(r.Context(), userKey{}, u)), true
}

// LoginPath is the login page that returns to next afterwards.
func LoginPath(next string) string {
	if next == "" || next == "/admin/" {
		return "/admin/anmelden"
	}
	return "/admin/anmelden?next=" + url.QueryEscape(next)
}

// SafeNext accepts only a console path of this site as the page to go to
// after login; anything else (other hosts, "//host", "/\host", schemes)
// becomes the dashboard.
func SafeNext(next string) string {
	if next == "" || len(next) > 2000 || !strings.HasPrefix(next, "/admin/") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return "/admin/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil ||
		!strings.HasPrefix(path.Clean(u.Path)+"/", "/admin/") {
		return "/admin/"
	}
	return next
}

// BackLink is the console page a form was sent from (from the Referer of
// this site), for the link on an error page; otherwise the dashboard.
func BackLink(r *http.Request) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host {
		return "/admin/"
	}
	return SafeNext(ref.RequestURI())
}

// CSRFOK parses the form and checks its token against the session's. On
// failure it answers (403 with an explanation, or 400/413 for a broken or
// oversized body) and returns false. back is where the error page points.
func (c *Shell) CSRFOK(w http.ResponseWriter, r *http.Request, back string) bool {
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			c.ErrorPage(w, r, http.StatusRequestEntityTooLarge, "Anfrage zu groß", ErrorData{
				Heading: "Anfrage zu groß", Text: "Das Formular enthielt mehr Daten, als angenommen werden. Bitte kürzen Sie Ihre Eingaben.",
				Back: back, BackTo: "Zurück",
			})
			return false
		}
		c.ErrorPage(w, r, http.StatusBadRequest, "Ungültige Anfrage", ErrorData{
			Heading: "Ungültige Anfrage", Text: "Das Formular konnte nicht gelesen werden. Bitte versuchen Sie es erneut.",
			Back: back, BackTo: "Zurück",
		})
		return false
	}
	if !c.FormTokenValid(r, r.PostForm.Get("csrf")) {
		c.ErrorPage(w, r, http.StatusForbidden, "Formular abgelaufen", ErrorData{
			Heading: "Formular abgelaufen",
			Text: "Aus Sicherheitsgründen wurde das Formular nicht verarbeitet: Es gehört nicht (mehr) zu Ihrer Sitzung. " +
				"Das passiert, wenn die Seite lange offen war, Sie sich zwischenzeitlich an- oder abgemeldet haben " +
				"oder Ihr Browser keine Cookies annimmt. Ihre Eingaben wurden nicht gespeichert. " +
				"Bitte laden Sie die Seite neu und senden Sie das Formular noch einmal.",
			Back: back, BackTo: "Seite neu laden",
		})
		return false
	}
	return true
}

// FormToken returns the form token of the request: the session's once
// there is a session (after login), before that the signed cookie's (see
// web.FormTokens), so that a stranger's GET of the login, password or
// invitation page writes no session row.
func (c *Shell) FormToken(w http.ResponseWriter, r *http.Request) (string, error) {
	if tok := c.Auth.CSRFToken(r); tok != "" {
		return tok, nil
	}
	if authz.PrincipalFrom(r.Context()).UserID == "" {
		return c.forms.Token(w, r), nil
	}
	// A logged-in session without a token (from before tokens were issued
	// at login): give it one; the row exists already.
	st := c.Auth.Sessions()
	sess, err := st.Get(r, st.CookieName())
	if err != nil {
		return "", fmt.Errorf("console session: %w", err)
	}
	tok := web.NewCSRFToken()
	sess.Values[tenant.SessionCSRF] = tok
	if err := sess.Save(r, w); err != nil {
		return "", fmt.Errorf("console session: %w", err)
	}
	return tok, nil
}

// FormTokenValid checks a form's token the way formToken issued it: the
// session's when the session holds one, otherwise the signed cookie's.
func (c *Shell) FormTokenValid(r *http.Request, formToken string) bool {
	if tok := c.Auth.CSRFToken(r); tok != "" {
		return web.CSRFTokenValid(tok, formToken)
	}
	return c.forms.Valid(r, formToken)
}

// Allowed asks the Authorizer for the request's principal.
func (c *Shell) Allowed(r *http.Request, tenantID, obj, act string) bool {
	return c.Authz.Allowed(authz.PrincipalFrom(r.Context()), tenantID, obj, act)
}

// TenantFor loads the tenant the path's {id} names and checks access: a
// tenant that does not exist or lies outside the user's area is 404, one
// where the user lacks obj/act is 403. On failure it has answered.
func (c *Shell) TenantFor(w http.ResponseWriter, r *http.Request, obj, act string) (*tenant.Tenant, bool) {
	return c.TenantByID(w, r, r.PathValue("id"), obj, act)
}

func (c *Shell) TenantByID(w http.ResponseWriter, r *http.Request, id, obj, act string) (*tenant.Tenant, bool) {
	if id == "" || len(id) > 64 {
		c.NotFound(w, r)
		return nil, false
	}
	t, err := c.Store.GetTenant(r.Context(), id)
	if errors.Is(err, tenant.ErrNotFound) {
		c.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		c.ServerError(w, r, err)
		return nil, false
	}
	if !c.Allowed(r, t.ID, authz.ObjTenant, authz.Read) {
		c.NotFound(w, r)
		return nil, false
	}
	if obj != "" && !c.Allowed(r, t.ID, obj, act) {
		c.Forbidden(w, r, "")
		return nil, false
	}
	return t, true
}

// ClientIP is the address login throttling counts failures for.
func ClientIP(r *http.Request) string { return web.ClientIPFrom(r.Context()) }
