package core

import (
	"context"
	"net/http"
	"sozialplattform/admin/ui"
	"time"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

type tokensData struct {
	Nav       ui.TenantNav
	Tokens    []tokenRow
	Orphans   int // live tokens whose creator has left; the page explains the mark once
	Roles     []ui.Option
	CanCreate bool
	CanRevoke bool
	Form      *ui.Form
}

type tokenRow struct {
	tenant.APIToken
	State string // aktiv, abgelaufen, widerrufen
}

// createdTokenData is the one page that shows a token's secret.
type createdTokenData struct {
	Nav    ui.TenantNav
	Token  *tenant.APIToken
	Secret string
}

func (c *Pages) TokensPage(w http.ResponseWriter, r *http.Request) {
	t, ok := c.TenantFor(w, r, authz.ObjAPIToken, authz.Read)
	if !ok {
		return
	}
	f := ui.NewForm()
	if roles := c.grantableRoles(r, t); len(roles) > 0 {
		f.Set("rolle", string(roles[len(roles)-1]))
	}
	c.renderTokens(w, r, http.StatusOK, t, f)
}

func (c *Pages) renderTokens(w http.ResponseWriter, r *http.Request, status int, t *tenant.Tenant, f *ui.Form) {
	toks, err := c.Store.ListAPITokens(r.Context(), t.ID)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	now := time.Now()
	rows := make([]tokenRow, len(toks))
	for i, tok := range toks {
		rows[i] = tokenRow{APIToken: tok, State: "aktiv"}
		switch {
		case tok.RevokedAt != nil:
			rows[i].State = "widerrufen"
		case tok.ExpiresAt != nil && now.After(*tok.ExpiresAt):
			rows[i].State = "abgelaufen"
		}
	}
	orphans := 0
	for _, row := range rows {
		if row.State == "aktiv" && row.Orphaned {
			orphans++
		}
	}
	roles := c.grantableRoles(r, t)
	d := tokensData{Nav: c.TenantNavFor(r, t, "token", "API-Token"), Tokens: rows, Orphans: orphans, Form: f, Roles: ui.Options(roles),
		CanCreate: c.Allowed(r, t.ID, authz.ObjAPIToken, authz.Create) && len(roles) > 0,
		CanRevoke: c.Allowed(r, t.ID, authz.ObjAPIToken, authz.Delete),
	}
	c.Render(w, r, status, "token", &ui.View{Title: "API-Token – " + t.Name, Data: d})
}

func (c *Pages) CreateToken(w http.ResponseWriter, r *http.Request) {
	t, ok := c.TenantFor(w, r, authz.ObjAPIToken, authz.Create)
	if !ok {
		return
	}
	f := ui.NewForm()
	name := f.Text(r, "name", tenant.MaxTextLen)
	if name == "" {
		f.Add("name", "Bitte geben Sie dem Token einen Namen, z. B. das Fachverfahren, das es nutzt.")
	}
	role := tenant.Role(f.Choice(r, "rolle", ui.Options(c.grantableRoles(r, t)),
		"Bitte wählen Sie eine Rolle, die Sie in dieser Körperschaft vergeben dürfen."))
	expires, ok := c.parseExpiry(f, r, "ablauf")
	if ok && expires != nil && !expires.After(time.Now()) {
		f.Add("ablauf", "Das Ablaufdatum muss in der Zukunft liegen.")
	}
	if !f.Invalid() {
		if !c.Authz.CanGrant(authz.PrincipalFrom(r.Context()), t.ID, role) {
			c.Forbidden(w, r, "Die Rolle "+role.Label()+" dürfen Sie nicht vergeben.")
			return
		}
		tok, secret, err := c.Store.CreateAPIToken(r.Context(), t.ID, name, role, expires)
		if err == nil {
			// The secret is shown on this answer only (not cached, not
			// behind a redirect); the store keeps its hash.
			c.Render(w, r, http.StatusCreated, "token-erstellt", &ui.View{Title: "API-Token erzeugt – " + t.Name,
				Data: createdTokenData{Nav: c.TenantNavFor(r, t, "token", "API-Token erzeugt"), Token: tok, Secret: secret}})
			return
		}
		if !f.StoreErrors(err, func(field string) string {
			switch field {
			case "role":
				return "rolle"
			case "expiresAt":
				return "ablauf"
			}
			return ui.SameIDs("name")(field)
		}) {
			c.ServerError(w, r, err)
			return
		}
	}
	c.renderTokens(w, r, http.StatusUnprocessableEntity, t, f)
}

// parseExpiry reads an optional date ("2026-12-31" from a date field, or
// "31.12.2026" typed by hand). The token then holds through that day in
// German time. ok is false when the field is malformed.
func (c *Pages) parseExpiry(f *ui.Form, r *http.Request, id string) (*time.Time, bool) {
	v := f.Text(r, id, 20)
	if v == "" {
		return nil, true
	}
	for _, layout := range []string{"2006-01-02", "02.01.2006", "2.1.2006"} {
		if d, err := time.ParseInLocation(layout, v, c.Loc); err == nil {
			end := d.AddDate(0, 0, 1)
			return &end, true
		}
	}
	f.Add(id, "Bitte geben Sie ein Datum wie 31.12.2026 an.")
	return nil, false
}

func (c *Pages) RevokeToken(w http.ResponseWriter, r *http.Request) {
	c.revoke(w, r, revocation{obj: authz.ObjAPIToken, list: "token", render: c.renderTokens, notice: "widerrufen",
		ask: ui.Confirmation{Heading: "API-Token widerrufen?", Button: "Ja, widerrufen",
			Text: "Das Token gilt sofort nicht mehr; ein Fachverfahren oder Skript, das es nutzt, braucht dann ein neues. Der Widerruf lässt sich nicht zurücknehmen."},
		gone: "Dieses Token ist bereits widerrufen oder gehört nicht zu dieser Körperschaft.",
		revoke: func(ctx context.Context, tenantID string) error {
			return c.Store.RevokeAPIToken(ctx, tenantID, r.PathValue("tid"))
		}})
}
