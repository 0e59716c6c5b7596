package core

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sozialplattform/admin/ui"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

type membersData struct {
	Nav     ui.TenantNav
	Members []memberRow
	Problem string
}

// memberRow is a member with what the user may do to them.
type memberRow struct {
	tenant.Member
	Self        bool
	Roles       []ui.Option // roles the user may give this member here
	CanRole     bool
	CanActivate bool
	CanRemove   bool
}

func (c *Pages) MembersPage(w http.ResponseWriter, r *http.Request) {
	t, ok := c.TenantFor(w, r, authz.ObjUser, authz.Read)
	if !ok {
		return
	}
	c.renderMembers(w, r, http.StatusOK, t, "")
}

func (c *Pages) renderMembers(w http.ResponseWriter, r *http.Request, status int, t *tenant.Tenant, problem string) {
	ctx := r.Context()
	p := authz.PrincipalFrom(ctx)
	members, err := c.Store.ListMembers(ctx, t.ID)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	canUpdate := c.Allowed(r, t.ID, authz.ObjUser, authz.Update)
	canDelete := c.Allowed(r, t.ID, authz.ObjUser, authz.Delete)
	grantable := c.grantableRoles(r, t)
	rows := make([]memberRow, len(members))
	for i, m := range members {
		row := memberRow{Member: m, Self: m.ID == p.UserID}
		mayTouch := !row.Self && c.Authz.CanGrant(p, t.ID, m.Role)
		row.CanRole = mayTouch && canUpdate && len(grantable) > 0
		row.CanRemove = !row.Self && c.Authz.CanGrant(p, t.ID, m.Role) && canDelete
		if mayTouch && canUpdate {
			row.CanActivate, err = c.mayDeactivate(r, m.ID)
			if err != nil {
				c.ServerError(w, r, err)
				return
			}
		}
		if row.CanRole {
			row.Roles = ui.Options(grantable)
			if !slices.Contains(grantable, m.Role) {
				row.Roles = append([]ui.Option{{Value: string(m.Role), Label: m.Role.Label()}}, row.Roles...)
			}
		}
		rows[i] = row
	}
	c.Render(w, r, status, "benutzer", &ui.View{Title: "Benutzer – " + t.Name,
		Data: membersData{Nav: c.TenantNavFor(r, t, "benutzer", "Benutzer"), Members: rows, Problem: problem}})
}

// grantableRoles are the roles the user may give in the tenant that also
// fit its kind.
func (c *Pages) grantableRoles(r *http.Request, t *tenant.Tenant) []tenant.Role {
	p := authz.PrincipalFrom(r.Context())
	var out []tenant.Role
	for _, role := range tenant.Roles {
		if role.FitsKind(t.Kind) && c.Authz.CanGrant(p, t.ID, role) {
			out = append(out, role)
		}
	}
	return out
}

// mayDeactivate applies the API's rule: an account is global, so only who
// may update users in every tenant the person belongs to may switch it off
// or on.
func (c *Pages) mayDeactivate(r *http.Request, userID string) (bool, error) {
	ms, err := c.Store.Memberships(r.Context(), userID)
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if !c.Allowed(r, m.TenantID, authz.ObjUser, authz.Update) {
			return false, nil
		}
	}
	return true, nil
}

// memberFor loads the member the path names and applies the rules every
// change shares: nobody changes themselves (unless allowSelf), and the
// user must be able to grant the member's present role. On failure it has
// answered.
func (c *Pages) memberFor(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, allowSelf bool) (*tenant.Member, bool) {
	uid := r.PathValue("uid")
	if len(uid) > 64 {
		c.NotFound(w, r)
		return nil, false
	}
	m, err := c.Store.GetMember(r.Context(), t.ID, uid)
	if errors.Is(err, tenant.ErrNotFound) {
		c.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		c.ServerError(w, r, err)
		return nil, false
	}
	if !allowSelf && m.ID == authz.PrincipalFrom(r.Context()).UserID {
		c.renderMembers(w, r, http.StatusUnprocessableEntity, t, "Die eigene Rolle und das eigene Konto können Sie nicht selbst ändern.")
		return nil, false
	}
	if !c.Authz.CanGrant(authz.PrincipalFrom(r.Context()), t.ID, m.Role) {
		c.renderMembers(w, r, http.StatusForbidden, t, "Die Rolle "+m.Role.Label()+" dürfen Sie nicht vergeben; deshalb können Sie diese Person nicht ändern.")
		return nil, false
	}
	return m, true
}

func (c *Pages) SetMemberRole(w http.ResponseWriter, r *http.Request) {
	t, ok := c.TenantFor(w, r, authz.ObjUser, authz.Update)
	if !ok {
		return
	}
	m, ok := c.memberFor(w, r, t, false)
	if !ok {
		return
	}
	role := tenant.Role(r.PostForm.Get("rolle"))
	if !role.Valid() {
		c.renderMembers(w, r, http.StatusUnprocessableEntity, t, "Bitte wählen Sie eine Rolle aus der Liste.")
		return
	}
	if !c.Authz.CanGrant(authz.PrincipalFrom(r.Context()), t.ID, role) {
		c.renderMembers(w, r, http.StatusForbidden, t, "Die Rolle "+role.Label()+" dürfen Sie nicht vergeben.")
		return
	}
	if err := c.Store.SetRole(r.Context(), t.ID, m.ID, role); err != nil {
		c.memberError(w, r, t, err)
		return
	}
	ui.SeeOther(w, r, "/admin/koerperschaften/"+t.ID+"/benutzer", "rolle")
}

func (c *Pages) SetMemberActive(w http.ResponseWriter, r *http.Request) {
	t, ok := c.TenantFor(w, r, authz.ObjUser, authz.Update)
	if !ok {
		return
	}
	m, ok := c.memberFor(w, r, t, false)
	if !ok {
		return
	}
	active := r.PostForm.Get("aktiv") == "1"
	may, err := c.mayDeactivate(r, m.ID)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	if !may {
		c.renderMembers(w, r, http.StatusForbidden, t, "Die Person gehört auch zu einer Körperschaft außerhalb Ihres Bereichs; "+
			"entfernen Sie sie stattdessen aus Ihrer Körperschaft.")
		return
	}
	decision := tokenDecision(r)
	// Deactivating ends every session of the account: asked first, unless
	// the question about its API tokens was answered (a confirmation too).
	if !active && decision == tenant.TokensAsk && !c.Confirmed(w, r, ui.Confirmation{Heading: "Konto von " + m.Name + " deaktivieren?",
		Text:   m.Name + " (" + m.Email + ") kann sich danach nicht mehr anmelden; alle Sitzungen des Kontos enden sofort.",
		Button: "Ja, Konto deaktivieren", Back: "/admin/koerperschaften/" + t.ID + "/benutzer"}) {
		return
	}
	if active {
		decision = tenant.TokensKeep // activation orphans nothing
	}
	revoked, err := c.Store.Depart(r.Context(), m.ID, decision, c.mayRevokeTokens(r), func(ctx context.Context) error {
		return c.Store.SetUserActive(ctx, t.ID, m.ID, active)
	})
	if c.askAboutTokens(w, r, t, m, err, "deaktivieren") {
		return
	}
	if err != nil {
		c.memberError(w, r, t, err)
		return
	}
	notice := "deaktiviert"
	switch {
	case active:
		notice = "aktiviert"
	case len(revoked) > 0:
		notice = "deaktiviert-widerrufen"
	}
	ui.SeeOther(w, r, "/admin/koerperschaften/"+t.ID+"/benutzer", notice)
}

func (c *Pages) RemoveMember(w http.ResponseWriter, r *http.Request) {
	t, ok := c.TenantFor(w, r, authz.ObjUser, authz.Delete)
	if !ok {
		return
	}
	// As in the API, removing oneself is allowed; the page offers it to
	// nobody for their own row.
	m, ok := c.memberFor(w, r, t, true)
	if !ok {
		return
	}
	if tokenDecision(r) == tenant.TokensAsk && !c.Confirmed(w, r, ui.Confirmation{Heading: m.Name + " aus " + t.Name + " entfernen?",
		Text:   m.Name + " (" + m.Email + ") verliert die Rolle in " + t.Name + " und alle Rechte, die daran hängen.",
		Button: "Ja, entfernen", Back: "/admin/koerperschaften/" + t.ID + "/benutzer"}) {
		return
	}
	revoked, err := c.Store.Depart(r.Context(), m.ID, tokenDecision(r), c.mayRevokeTokens(r), func(ctx context.Context) error {
		return c.Store.RemoveMember(ctx, t.ID, m.ID)
	})
	if c.askAboutTokens(w, r, t, m, err, "entfernen") {
		return
	}
	if err != nil {
		c.memberError(w, r, t, err)
		return
	}
	notice := "entfernt"
	if len(revoked) > 0 {
		notice = "entfernt-widerrufen"
	}
	ui.SeeOther(w, r, "/admin/koerperschaften/"+t.ID+"/benutzer", notice)
}

// tokenDecision reads the answer of the confirmation step: "widerrufen"
// or "behalten"; without one the store asks (TokensAsk).
func tokenDecision(r *http.Request) tenant.TokenDecision {
	switch r.PostForm.Get("token") {
	case "widerrufen":
		return tenant.TokensRevoke
	case "behalten":
		return tenant.TokensKeep
	}
	return tenant.TokensAsk
}

// mayRevokeTokens limits a departure's revocations to the tenants whose
// tokens the user may revoke.
func (c *Pages) mayRevokeTokens(r *http.Request) func(tenantID string) bool {
	return func(tenantID string) bool { return c.Allowed(r, tenantID, authz.ObjAPIToken, authz.Delete) }
}

// departData fills the confirmation step of a removal or deactivation that
// would leave API tokens without the person who created them.
type departData struct {
	Nav    ui.TenantNav
	Member *tenant.Member
	Tokens []tenant.APIToken
	Action string // "entfernen" or "deaktivieren"
	Back   string
}

// askAboutTokens shows the confirmation step when err says the change
// would orphan tokens (nothing was changed); it reports whether it did.
func (c *Pages) askAboutTokens(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, m *tenant.Member, err error, action string) bool {
	var pending *tenant.TokensPendingError
	if !errors.As(err, &pending) {
		return false
	}
	title := "Person aus der Körperschaft entfernen"
	if action == "deaktivieren" {
		title = "Konto deaktivieren"
	}
	c.Render(w, r, http.StatusOK, "benutzer-token", &ui.View{Title: title + " – " + t.Name, Data: departData{
		Nav: c.TenantNavFor(r, t, "benutzer", title), Member: m, Tokens: pending.Tokens, Action: action,
		Back: "/admin/koerperschaften/" + t.ID + "/benutzer",
	}})
	return true
}

// memberError shows a store error of a member change on the members page.
func (c *Pages) memberError(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, err error) {
	var fe tenant.FieldErrors
	switch {
	case errors.As(err, &fe):
		c.renderMembers(w, r, http.StatusUnprocessableEntity, t, ui.FieldText(fe[0]))
	case errors.Is(err, tenant.ErrNotFound):
		c.NotFound(w, r)
	default:
		c.ServerError(w, r, err)
	}
}
