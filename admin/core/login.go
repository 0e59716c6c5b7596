package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/web"
)

// Texts of the login and password pages.
const (
	msgInvalidLogin = "E-Mail-Adresse oder Passwort ist falsch."
	msgNoEmail      = "Bitte geben Sie Ihre E-Mail-Adresse an."
	msgNoPassword   = "Bitte geben Sie Ihr Passwort an."
	msgNoNewPass    = "Bitte geben Sie ein neues Passwort ein."
	msgRepeat       = "Die beiden Passwörter stimmen nicht überein."
)

type loginData struct {
	Form *form
	Next string
}

// anonymous renders a page shown before login, with a form token kept in
// an anonymous session.
func (c *Console) anonymous(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	tok, err := c.formToken(w, r)
	if err != nil {
		c.serverError(w, r, err)
		return
	}
	c.render(w, r, status, page, &view{Title: title, CSRF: tok, Data: data})
}

func (c *Console) loginForm(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if p := authz.PrincipalFrom(r.Context()); p.UserID != "" {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	c.anonymous(w, r, http.StatusOK, "anmelden", "Anmelden", loginData{Form: newForm(), Next: next})
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	if !c.csrfOK(w, r, "/admin/anmelden") {
		return
	}
	f := newForm()
	next := safeNext(r.PostForm.Get("next"))
	email := f.text(r, "email", tenant.MaxEmailLen)
	password := f.secret(r, "passwort")
	if email == "" {
		f.Add("email", msgNoEmail)
	}
	if password == "" {
		f.Add("passwort", msgNoPassword)
	}
	status := http.StatusUnprocessableEntity
	if !f.Invalid() {
		u, err := c.store.Authenticate(r.Context(), email, password, clientIP(r))
		switch {
		case errors.Is(err, tenant.ErrInvalidLogin):
			f.Add("passwort", msgInvalidLogin)
		case errors.Is(err, tenant.ErrThrottled):
			wait := tenant.RetryAfter(err)
			w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)))
			f.Fail(throttledText(wait))
			status = http.StatusTooManyRequests
		case err != nil:
			c.serverError(w, r, err)
			return
		default:
			if err := c.auth.Login(w, r, u, web.NewCSRFToken()); err != nil {
				c.serverError(w, r, err)
				return
			}
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
	}
	c.anonymous(w, r, status, "anmelden", "Anmelden", loginData{Form: f, Next: next})
}

// throttledText tells a person how long to wait before the next try.
func throttledText(wait time.Duration) string {
	n, unit := int((wait+time.Minute-1)/time.Minute), "Minute"
	if wait < time.Minute {
		n, unit = int(wait/time.Second), "Sekunde" // whole seconds already (tenant.RetryAfter)
	}
	if n != 1 {
		unit += "n"
	}
	return fmt.Sprintf("Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in %d %s erneut.", n, unit)
}

// logout ends the session. A "next" field (from the invitation page of
// another account) leads to the login that returns there.
func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	if authz.PrincipalFrom(r.Context()).IsZero() {
		http.Redirect(w, r, "/admin/anmelden", http.StatusSeeOther)
		return
	}
	if !c.csrfOK(w, r, "/admin/") {
		return
	}
	if err := c.auth.Logout(w, r); err != nil {
		c.serverError(w, r, err)
		return
	}
	target := "/admin/anmelden"
	if next := safeNext(r.PostForm.Get("next")); next != "/admin/" {
		target = loginPath(next)
	}
	seeOther(w, r, target, "abgemeldet")
}

type forgotData struct {
	Form *form
	Sent bool
}

func (c *Console) forgotForm(w http.ResponseWriter, r *http.Request) {
	c.anonymous(w, r, http.StatusOK, "passwort-vergessen", "Passwort vergessen", forgotData{Form: newForm()})
}

// forgot always answers with the same confirmation, so that the page tells
// nobody which addresses have an account – nor when the store held a mail
// back because the address got too many of them.
func (c *Console) forgot(w http.ResponseWriter, r *http.Request) {
	if !c.csrfOK(w, r, "/admin/passwort/vergessen") {
		return
	}
	f := newForm()
	email := f.text(r, "email", tenant.MaxEmailLen)
	if email == "" {
		f.Add("email", msgNoEmail)
	}
	if f.Invalid() {
		c.anonymous(w, r, http.StatusUnprocessableEntity, "passwort-vergessen", "Passwort vergessen", forgotData{Form: f})
		return
	}
	if _, err := c.store.RequestPasswordReset(r.Context(), email, clientIP(r)); err != nil {
		c.serverError(w, r, err)
		return
	}
	c.anonymous(w, r, http.StatusOK, "passwort-vergessen", "Passwort vergessen", forgotData{Form: newForm(), Sent: true})
}

type resetData struct {
	Form    *form
	Token   string
	Invalid string // why the link is unusable
	Done    bool
}

// msgTokenInvalid explains a used, expired or unknown link.
var msgTokenInvalid = sentence(tenant.ErrTokenInvalid.Error())

// maxTokenLen bounds the secret in a link; real ones have 43 characters.
const maxTokenLen = 100

func (c *Console) resetForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	d := resetData{Form: newForm(), Token: token}
	if len(token) > maxTokenLen {
		d.Invalid = msgTokenInvalid
	}
	c.anonymous(w, r, http.StatusOK, "passwort-neu", "Neues Passwort", d)
}

func (c *Console) reset(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !c.csrfOK(w, r, r.URL.Path) {
		return
	}
	f := newForm()
	d := resetData{Form: f, Token: token}
	password := newPassword(f, r, "passwort", "passwort2")
	if len(token) > maxTokenLen {
		d.Invalid = msgTokenInvalid
	} else if !f.Invalid() {
		err := c.store.ResetPassword(r.Context(), token, password)
		switch {
		case err == nil:
			d.Done = true
			c.anonymous(w, r, http.StatusOK, "passwort-neu", "Neues Passwort", d)
			return
		case errors.Is(err, tenant.ErrTokenInvalid):
			d.Invalid = msgTokenInvalid
		case !f.storeErrors(err, func(string) string { return "passwort" }):
			c.serverError(w, r, err)
			return
		}
	}
	status := http.StatusUnprocessableEntity
	if d.Invalid != "" {
		status = http.StatusGone
	}
	c.anonymous(w, r, status, "passwort-neu", "Neues Passwort", d)
}

// newPassword reads a new password and its repetition and checks both
// before the store is asked, so that every problem shows at once. context
// are the words the password must not be made of (address, name); the
// store checks again with what it knows.
func newPassword(f *form, r *http.Request, id, repeatID string, context ...string) string {
	pw := f.secret(r, id)
	repeat := f.secret(r, repeatID)
	switch {
	case pw == "":
		f.Add(id, msgNoNewPass)
	default:
		if err := tenant.CheckPasswordStrength(pw, context...); err != nil {
			f.Add(id, err.Error())
		} else if pw != repeat {
			f.Add(repeatID, msgRepeat)
		}
	}
	return pw
}
