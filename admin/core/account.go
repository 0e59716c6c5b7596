package core

import (
	"net/http"
	"sozialplattform/admin/ui"

	"sozialplattform/tenant/web"
)

type accountData struct {
	Memberships []membershipView
	Form        *ui.Form
}

func (c *Pages) AccountPage(w http.ResponseWriter, r *http.Request) {
	c.renderAccount(w, r, http.StatusOK, ui.NewForm())
}

func (c *Pages) renderAccount(w http.ResponseWriter, r *http.Request, status int, f *ui.Form) {
	ms, err := c.memberships(r, ui.UserFrom(r).ID)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	c.Render(w, r, status, "konto", &ui.View{Title: "Mein Konto", Nav: "konto", Data: accountData{Memberships: ms, Form: f}})
}

// ChangePassword sets a new password. The store ends every session of the
// account, this one included; the user is logged in again at once with a
// fresh session, so that only the other sessions end.
func (c *Pages) ChangePassword(w http.ResponseWriter, r *http.Request) {
	u := ui.UserFrom(r)
	f := ui.NewForm()
	current := f.Secret(r, "aktuell")
	if current == "" {
		f.Add("aktuell", "Bitte geben Sie Ihr bisheriges Passwort an.")
	}
	next := newPassword(f, r, "passwort", "passwort2", u.Email, u.Name)
	if !f.Invalid() {
		err := c.Store.ChangePassword(r.Context(), u.ID, current, next)
		if err == nil {
			if err := c.Auth.Login(w, r, u, web.NewCSRFToken()); err != nil {
				c.ServerError(w, r, err)
				return
			}
			ui.SeeOther(w, r, "/admin/konto", "passwort")
			return
		}
		if !f.StoreErrors(err, func(field string) string {
			switch field {
			case "currentPassword":
				return "aktuell"
			case "password":
				return "passwort"
			}
			return ""
		}) {
			c.ServerError(w, r, err)
			return
		}
	}
	c.renderAccount(w, r, http.StatusUnprocessableEntity, f)
}
