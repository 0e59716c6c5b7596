package admin

import (
	"errors"
	"net/http"
	"time"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

type tokensData struct {
	Nav       tenantNav
	Tokens    []tokenRow
	Orphans   int // live tokens whose creator has left; the page explains the mark once
	Roles     []option
	CanCreate bool
	CanRevoke bool
	Form      *form
}

type tokenRow struct {
	tenant.APIToken
	State string // aktiv, abgelaufen, widerrufen
}

// createdTokenData is the one page that shows a token's secret.
type createdTokenData struct {
	Nav    tenantNav
	Token  *tenant.APIToken
	Secret string
}

func (c *Console) tokensPage(w http.ResponseWriter, r *http.Request) {
	t, ok := c.tenantFor(w, r, authz.ObjAPIToken, authz.Read)
	if !ok {
		return
	}
	f := newForm()
	if roles := c.grantableRoles(r, t); len(roles) > 0 {
		f.Set("rolle", string(roles[len(roles)-1]))
	}
	c.renderTokens(w, r, http.StatusOK, t, f)
}

func (c *Console) renderTokens(w http.ResponseWriter, r *http.Request, status int, t *tenant.Tenant, f *form) {
	toks, err := c.store.ListAPITokens(r.Context(), t.ID)
	if err != nil {
		c.serverError(w, r, err)
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
	d := tokensData{Nav: c.tenantNav(r, t, "token", "API-Token"), Tokens: rows, Orphans: orphans, Form: f, Roles: roleOptions(roles),
		CanCreate: c.allowed(r, t.ID, authz.ObjAPIToken, authz.Create) && len(roles) > 0,
		CanRevoke: c.allowed(r, t.ID, authz.ObjAPIToken, authz.Delete),
	}
	c.render(w, r, status, "token", &view{Title: "API-Token – " + t.Name, Data: d})
}

func (c *Console) createToken(w http.ResponseWriter, r *http.Request) {
	t, ok := c.tenantFor(w, r, authz.ObjAPIToken, authz.Create)
	if !ok {
		return
	}
	f := newForm()
	name := f.text(r, "name", tenant.MaxTextLen)
	if name == "" {
		f.Add("name", "Bitte geben Sie dem Token einen Namen, z. B. das Fachverfahren, das es nutzt.")
	}
	role := tenant.Role(f.choice(r, "rolle", roleOptions(c.grantableRoles(r, t)),
		"Bitte wählen Sie eine Rolle, die Sie in dieser Körperschaft vergeben dürfen."))
	expires, ok := c.parseExpiry(f, r, "ablauf")
	if ok && expires != nil && !expires.After(time.Now()) {
		f.Add("ablauf", "Das Ablaufdatum muss in der Zukunft liegen.")
	}
	if !f.Invalid() {
		if !c.authz.CanGrant(authz.PrincipalFrom(r.Context()), t.ID, role) {
			c.forbidden(w, r, "Die Rolle "+role.Label()+" dürfen Sie nicht vergeben.")
			return
		}
		tok, secret, err := c.store.CreateAPIToken(r.Context(), t.ID, name, role, expires)
		if err == nil {
			// The secret is shown on this answer only (not cached, not
			// behind a redirect); the store keeps its hash.
			c.render(w, r, http.StatusCreated, "token-erstellt", &view{Title: "API-Token erzeugt – " + t.Name,
				Data: createdTokenData{Nav: c.tenantNav(r, t, "token", "API-Token erzeugt"), Token: tok, Secret: secret}})
			return
		}
		if !f.storeErrors(err, func(field string) string {
			switch field {
			case "role":
				return "rolle"
			case "expiresAt":
				return "ablauf"
			}
			return sameIDs("name")(field)
		}) {
			c.serverError(w, r, err)
			return
		}
	}
	c.renderTokens(w, r, http.StatusUnprocessableEntity, t, f)
}

// parseExpiry reads an optional date ("2026-12-31" from a date field, or
// "31.12.2026" typed by hand). The token then holds through that day in
// German time. ok is false when the field is malformed.
func (c *Console) parseExpiry(f *form, r *http.Request, id string) (*time.Time, bool) {
	v := f.text(r, id, 20)
	if v == "" {
		return nil, true
	}
	for _, layout := range []string{"2006-01-02", "02.01.2006", "2.1.2006"} {
		if d, err := time.ParseInLocation(layout, v, c.loc); err == nil {
			end := d.AddDate(0, 0, 1)
			return &end, true
		}
	}
	f.Add(id, "Bitte geben Sie ein Datum wie 31.12.2026 an.")
	return nil, false
}

func (c *Console) revokeToken(w http.ResponseWriter, r *http.Request) {
	t, ok := c.tenantFor(w, r, authz.ObjAPIToken, authz.Delete)
	if !ok {
		return
	}
	err := c.store.RevokeAPIToken(r.Context(), t.ID, r.PathValue("tid"))
	switch {
	case errors.Is(err, tenant.ErrNotFound):
		f := newForm()
		f.Fail("Dieses Token ist bereits widerrufen oder gehört nicht zu dieser Körperschaft.")
		c.renderTokens(w, r, http.StatusConflict, t, f)
	case err != nil:
		c.serverError(w, r, err)
	default:
		seeOther(w, r, "/admin/koerperschaften/"+t.ID+"/token", "widerrufen")
	}
}
