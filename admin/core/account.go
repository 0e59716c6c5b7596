package admin

import (
	"net/http"

	"sozialplattform/tenant/web"
)

type accountData struct {
	Memberships []membershipView
	Form        *form
}

func (c *Console) accountPage(w http.ResponseWriter, r *http.Request) {
	c.renderAccount(w, r, http.StatusOK, newForm())
}

func (c *Console) renderAccount(w http.ResponseWriter, r *http.Request, status int, f *form) {
	ms, err := c.memberships(r, userFrom(r).ID)
	if err != nil {
		c.serverError(w, r, err)
		return
	}
	c.render(w, r, status, "konto", &view{Title: "Mein Konto", Nav: "konto", Data: accountData{Memberships: ms, Form: f}})
}

// changePassword sets a new password. The store ends every session of the
// account, this one included; the user is logged in again at once with a
// fresh session, so that only the other sessions end.
func (c *Console) changePassword(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	f := newForm()
	current := f.secret(r, "aktuell")
	if current == "" {
		f.Add("aktuell", "Bitte geben Sie Ihr bisheriges Passwort an.")
	}
	next := newPassword(f, r, "passwort", "passwort2", u.Email, u.Name)
	if !f.Invalid() {
		err := c.store.ChangePassword(r.Context(), u.ID, current, next)
		if err == nil {
			if err := c.auth.Login(w, r, u, web.NewCSRFToken()); err != nil {
				c.serverError(w, r, err)
				return
			}
			seeOther(w, r, "/admin/konto", "passwort")
			return
		}
		if !f.storeErrors(err, func(field string) string {
			switch field {
			case "currentPassword":
				return "aktuell"
			case "password":
				return "passwort"
			}
			return ""
		}) {
			c.serverError(w, r, err)
			return
		}
	}
	c.renderAccount(w, r, http.StatusUnprocessableEntity, f)
}
