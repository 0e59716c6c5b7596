package core

import (
	"context"
	"errors"
	"net/http"

	"sozialplattform/admin/ui"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// revocation describes how a tenant takes back an access it granted (an
// invitation, an API token): both ask first, and both answer a second
// revocation – from another tab, or after the invitation was accepted –
// on their list page with a sentence instead of an error page.
type revocation struct {
	obj    string          // the casbin object; revoking needs its Delete
	list   string          // the list page below /admin/koerperschaften/{id}/
	ask    ui.Confirmation // the question; Back is set to the list page
	revoke func(ctx context.Context, tenantID string) error
	render func(w http.ResponseWriter, r *http.Request, status int, t *tenant.Tenant, f *ui.Form)
	gone   string // the list page's sentence when revoke finds nothing to revoke (tenant.ErrNotFound)
	notice string // the list page's notice after revoking
}

// revoke runs a revocation for the tenant in the path.
func (c *Pages) revoke(w http.ResponseWriter, r *http.Request, v revocation) {
	t, ok := c.TenantFor(w, r, v.obj, authz.Delete)
	if !ok {
		return
	}
	list := "/admin/koerperschaften/" + t.ID + "/" + v.list
	v.ask.Back = list
	if !c.Confirmed(w, r, v.ask) {
		return
	}
	err := v.revoke(r.Context(), t.ID)
	switch {
	case errors.Is(err, tenant.ErrNotFound):
		f := ui.NewForm()
		f.Fail(v.gone)
		v.render(w, r, http.StatusConflict, t, f)
	case err != nil:
		c.ServerError(w, r, err)
	default:
		ui.SeeOther(w, r, list, v.notice)
	}
}
