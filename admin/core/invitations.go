package core

import (
	"context"
	"errors"
	"net/http"
	"sozialplattform/admin/ui"
	"time"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

type invitationsData struct {
	Nav         ui.TenantNav
	Invitations []invitationRow
	Roles       []ui.Option
	CanInvite   bool
	CanRevoke   bool
	Form        *ui.Form
}

type invitationRow struct {
	tenant.Invitation
	State string
}

func (c *Pages) InvitationsPage(w http.ResponseWriter, r *http.Request) {
	t, ok := c.TenantFor(w, r, authz.ObjInvitation, authz.Read)
	if !ok {
		return
	}
	f := ui.NewForm()
	if roles := c.grantableRoles(r, t); len(roles) > 0 {
		f.Set("rolle", string(roles[len(roles)-1])) // the least powerful
	}
	c.renderInvitations(w, r, http.StatusOK, t, f)
}

func (c *Pages) renderInvitations(w http.ResponseWriter, r *http.Request, status int, t *tenant.Tenant, f *ui.Form) {
	invs, err := c.Store.ListInvitations(r.Context(), t.ID)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	now := time.Now()
	rows := make([]invitationRow, len(invs))
	for i, inv := range invs {
		rows[i] = invitationRow{Invitation: inv, State: inv.State(now)}
	}
	roles := c.grantableRoles(r, t)
	d := invitationsData{Nav: c.TenantNavFor(r, t, "einladungen", "Einladungen"), Invitations: rows, Form: f,
		Roles:     ui.Options(roles),
		CanInvite: c.Allowed(r, t.ID, authz.ObjInvitation, authz.Create) && len(roles) > 0,
		CanRevoke: c.Allowed(r, t.ID, authz.ObjInvitation, authz.Delete),
	}
	c.Render(w, r, status, "einladungen", &ui.View{Title: "Einladungen – " + t.Name, Data: d})
}

func (c *Pages) Invite(w http.ResponseWriter, r *http.Request) {
	t, ok := c.TenantFor(w, r, authz.ObjInvitation, authz.Create)
	if !ok {
		return
	}
	f := ui.NewForm()
	email := f.Text(r, "email", tenant.MaxEmailLen)
	if email == "" {
		f.Add("email", "Bitte geben Sie die E-Mail-Adresse der Person an.")
	}
	role := tenant.Role(f.Choice(r, "rolle", ui.Options(c.grantableRoles(r, t)),
		"Bitte wählen Sie eine Rolle, die Sie in dieser Körperschaft vergeben dürfen."))
	if !f.Invalid() {
		// The same rule as the API's checkGrant; the list above already
		// holds only grantable roles, this guards a forged value.
		if !c.Authz.CanGrant(authz.PrincipalFrom(r.Context()), t.ID, role) {
			c.Forbidden(w, r, "Die Rolle "+role.Label()+" dürfen Sie nicht vergeben.")
			return
		}
		_, _, err := c.Store.Invite(r.Context(), t.ID, email, role)
		if err == nil {
			ui.SeeOther(w, r, "/admin/koerperschaften/"+t.ID+"/einladungen", "eingeladen")
			return
		}
		if !f.StoreErrors(err, func(field string) string {
			if field == "role" {
				return "rolle"
			}
			return ui.SameIDs("email")(field)
		}) {
			c.ServerError(w, r, err)
			return
		}
	}
	c.renderInvitations(w, r, http.StatusUnprocessableEntity, t, f)
}

func (c *Pages) RevokeInvitation(w http.ResponseWriter, r *http.Request) {
	c.revoke(w, r, revocation{obj: authz.ObjInvitation, list: "einladungen", render: c.renderInvitations, notice: "zurueckgezogen",
		ask:  ui.Confirmation{Heading: "Einladung zurückziehen?", Button: "Ja, zurückziehen", Text: "Der Link der Einladung gilt danach nicht mehr; eine neue Einladung ist jederzeit möglich."},
		gone: "Diese Einladung ist nicht mehr offen; sie wurde schon angenommen, zurückgezogen oder gibt es nicht.",
		revoke: func(ctx context.Context, tenantID string) error {
			return c.Store.RevokeInvitation(ctx, tenantID, r.PathValue("iid"))
		}})
}

// acceptData fills the acceptance page. Who opens the link decides what
// it offers: the logged-in invited account accepts with one button;
// another logged-in account is asked to log out; a visitor without login
// may log in (and comes back) or create an account. The page never says
// whether the invited address has an account.
type acceptData struct {
	Token    string
	Pending  *tenant.PendingInvitation
	Invalid  string       // why the link is unusable
	Done     bool         // accepted
	Account  *tenant.User // the logged-in account, if any
	Mismatch bool         // logged in, but as another address
	Problem  string       // why the acceptance did not go ahead
	Login    string       // the login that returns to this page
	Form     *ui.Form
}

func (c *Pages) InvitationForm(w http.ResponseWriter, r *http.Request) {
	d := acceptData{Token: r.PathValue("token"), Form: ui.NewForm()}
	if !c.lookupInvitation(w, r, &d) {
		return
	}
	status := http.StatusOK
	if d.Invalid != "" {
		status = http.StatusGone
	}
	c.anonymous(w, r, status, "einladung", "Einladung annehmen", d)
}

// lookupInvitation fills d.Pending and d.Account, or d.Invalid for a link
// that cannot be used. It returns false after answering an internal error.
func (c *Pages) lookupInvitation(w http.ResponseWriter, r *http.Request, d *acceptData) bool {
	if len(d.Token) > maxTokenLen {
		d.Invalid = msgTokenInvalid
		return true
	}
	p, err := c.Store.LookupInvitation(r.Context(), d.Token)
	switch {
	case errors.Is(err, tenant.ErrTokenInvalid), errors.Is(err, tenant.ErrNotFound):
		d.Invalid = msgTokenInvalid
		return true
	case err != nil:
		c.ServerError(w, r, err)
		return false
	}
	d.Pending = p
	d.Login = ui.LoginPath("/admin/einladung/" + d.Token)
	if uid := authz.PrincipalFrom(r.Context()).UserID; uid != "" {
		u, err := c.Store.GetUser(r.Context(), uid)
		switch {
		case err == nil && u.Active:
			d.Account = u
			d.Mismatch = u.Email != p.Invitation.Email
		case err != nil && !errors.Is(err, tenant.ErrNotFound):
			c.ServerError(w, r, err)
			return false
		}
	}
	return true
}

func (c *Pages) AcceptInvitation(w http.ResponseWriter, r *http.Request) {
	d := acceptData{Token: r.PathValue("token"), Form: ui.NewForm()}
	if !c.CSRFOK(w, r, r.URL.Path) || !c.lookupInvitation(w, r, &d) {
		return
	}
	if d.Invalid != "" {
		c.anonymous(w, r, http.StatusGone, "einladung", "Einladung annehmen", d)
		return
	}
	f := d.Form
	var err error
	if d.Account != nil {
		// Logged in: no password – the login proved the account.
		_, err = c.Store.AcceptInvitationAs(r.Context(), d.Token, d.Account.ID)
	} else {
		name := f.Text(r, "name", tenant.MaxNameLen)
		if name == "" {
			f.Add("name", "Bitte geben Sie Ihren Namen an.")
		}
		password := newPassword(f, r, "passwort", "passwort2", d.Pending.Invitation.Email, name, d.Pending.TenantName)
		if f.Invalid() {
			c.anonymous(w, r, http.StatusUnprocessableEntity, "einladung", "Einladung annehmen", d)
			return
		}
		_, err = c.Store.AcceptInvitationNewAccount(r.Context(), d.Token, name, password)
	}
	status := http.StatusUnprocessableEntity
	switch {
	case err == nil:
		d.Done = true
		c.anonymous(w, r, http.StatusOK, "einladung", "Einladung angenommen", d)
		return
	case errors.Is(err, tenant.ErrTokenInvalid):
		d.Invalid = msgTokenInvalid
		status = http.StatusGone
	case errors.Is(err, tenant.ErrLoginRequired):
		// The same answer whether the address has an account or not.
		d.Problem = tenant.ErrLoginRequired.Error()
		status = http.StatusUnauthorized
	case errors.Is(err, tenant.ErrInvitationForOther):
		d.Mismatch = true
		status = http.StatusForbidden
	case !f.StoreErrors(err, func(field string) string {
		switch field {
		case "password":
			return "passwort"
		case "name":
			return "name"
		}
		return ""
	}):
		c.ServerError(w, r, err)
		return
	}
	c.anonymous(w, r, status, "einladung", "Einladung annehmen", d)
}
