package core

import (
	"errors"
	"fmt"
	"net/http"
	"sozialplattform/admin/ui"
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
	Form *ui.Form
	Next string
	// DemoMailbox: the demo without a mail server links its mailbox.
	DemoMailbox bool
}

// anonymous renders a page shown before login, with a form token kept in
// an anonymous session.
func (c *Pages) anonymous(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	tok, err := c.FormToken(w, r)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	c.Render(w, r, status, page, &ui.View{Title: title, CSRF: tok, Data: data})
}

func (c *Pages) LoginForm(w http.ResponseWriter, r *http.Request) {
	next := ui.SafeNext(r.URL.Query().Get("next"))
	if p := authz.PrincipalFrom(r.Context()); p.UserID != "" {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	c.anonymous(w, r, http.StatusOK, "anmelden", "Anmelden", loginData{Form: ui.NewForm(), Next: next, DemoMailbox: c.DemoMailbox()})
}

func (c *Pages) Login(w http.ResponseWriter, r *http.Request) {
	if !c.CSRFOK(w, r, "/admin/anmelden") {
		return
	}
	f := ui.NewForm()
	next := ui.SafeNext(r.PostForm.Get("next"))
	email := f.Text(r, "email", tenant.MaxEmailLen)
	password := f.Secret(r, "passwort")
	if email == "" {
		f.Add("email", msgNoEmail)
	}
	if password == "" {
		f.Add("passwort", msgNoPassword)
	}
	status := http.StatusUnprocessableEntity
	if !f.Invalid() {
		u, err := c.Store.Authenticate(r.Context(), email, password, ui.ClientIP(r))
		switch {
		case errors.Is(err, tenant.ErrInvalidLogin):
			f.Add("passwort", msgInvalidLogin)
		case errors.Is(err, tenant.ErrThrottled):
			wait := tenant.RetryAfter(err)
			w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)))
			f.Fail(throttledText(wait))
			status = http.StatusTooManyRequests
		case err != nil:
			c.ServerError(w, r, err)
			return
		default:
			if err := c.Auth.Login(w, r, u, web.NewCSRFToken()); err != nil {
				c.ServerError(w, r, err)
				return
			}
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
	}
	c.anonymous(w, r, status, "anmelden", "Anmelden", loginData{Form: f, Next: next, DemoMailbox: c.DemoMailbox()})
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

// Logout ends the session. A "next" field (from the invitation page of
// another account) leads to the login that returns there.
func (c *Pages) Logout(w http.ResponseWriter, r *http.Request) {
	if authz.PrincipalFrom(r.Context()).IsZero() {
		http.Redirect(w, r, "/admin/anmelden", http.StatusSeeOther)
		return
	}
	if !c.CSRFOK(w, r, "/admin/") {
		return
	}
	if err := c.Auth.Logout(w, r); err != nil {
		c.ServerError(w, r, err)
		return
	}
	target := "/admin/anmelden"
	if next := ui.SafeNext(r.PostForm.Get("next")); next != "/admin/" {
		target = ui.LoginPath(next)
	}
	ui.SeeOther(w, r, target, "abgemeldet")
}

type forgotData struct {
	Form *ui.Form
	Sent bool
}

func (c *Pages) ForgotForm(w http.ResponseWriter, r *http.Request) {
	c.anonymous(w, r, http.StatusOK, "passwort-vergessen", "Passwort vergessen", forgotData{Form: ui.NewForm()})
}

// Forgot always answers with the same confirmation, so that the page tells
// nobody which addresses have an account – nor when the store held a mail
// back because the address got too many of them.
func (c *Pages) Forgot(w http.ResponseWriter, r *http.Request) {
	if !c.CSRFOK(w, r, "/admin/passwort/vergessen") {
		return
	}
	f := ui.NewForm()
	email := f.Text(r, "email", tenant.MaxEmailLen)
	if email == "" {
		f.Add("email", msgNoEmail)
	}
	if f.Invalid() {
		c.anonymous(w, r, http.StatusUnprocessableEntity, "passwort-vergessen", "Passwort vergessen", forgotData{Form: f})
		return
	}
	if _, err := c.Store.RequestPasswordReset(r.Context(), email, ui.ClientIP(r)); err != nil {
		c.ServerError(w, r, err)
		return
	}
	c.anonymous(w, r, http.StatusOK, "passwort-vergessen", "Passwort vergessen", forgotData{Form: ui.NewForm(), Sent: true})
}

type resetData struct {
	Form    *ui.Form
	Token   string
	Invalid string // why the link is unusable
	Done    bool
}

// msgTokenInvalid explains a used, expired or unknown link.
var msgTokenInvalid = ui.Sentence(tenant.ErrTokenInvalid.Error())

// maxTokenLen bounds the secret in a link; real ones have 43 characters.
const maxTokenLen = 100

func (c *Pages) ResetForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	d := resetData{Form: ui.NewForm(), Token: token}
	if len(token) > maxTokenLen {
		d.Invalid = msgTokenInvalid
	}
	c.anonymous(w, r, http.StatusOK, "passwort-neu", "Neues Passwort", d)
}

func (c *Pages) Reset(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !c.CSRFOK(w, r, r.URL.Path) {
		return
	}
	f := ui.NewForm()
	d := resetData{Form: f, Token: token}
	password := newPassword(f, r, "passwort", "passwort2")
	if len(token) > maxTokenLen {
		d.Invalid = msgTokenInvalid
	} else if !f.Invalid() {
		err := c.Store.ResetPassword(r.Context(), token, password)
		switch {
		case err == nil:
			d.Done = true
			c.anonymous(w, r, http.StatusOK, "passwort-neu", "Neues Passwort", d)
			return
		case errors.Is(err, tenant.ErrTokenInvalid):
			d.Invalid = msgTokenInvalid
		case !f.StoreErrors(err, func(string) string { return "passwort" }):
			c.ServerError(w, r, err)
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
func newPassword(f *ui.Form, r *http.Request, id, repeatID string, context ...string) string {
	pw := f.Secret(r, id)
	repeat := f.Secret(r, repeatID)
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
