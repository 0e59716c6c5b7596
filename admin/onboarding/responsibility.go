package onboarding

import (
	"net/http"
	"sozialplattform/admin/ui"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// responsibilityData fills the page where a Landkreis (or the ministry)
// records which Antragsstrecken its Gemeinden carry out.
type responsibilityData struct {
	Nav       onbNav
	Tenant    *tenant.Tenant
	Items     []onboarding.Responsibility
	CanEdit   bool
	Landkreis bool
	Form      *ui.Form
}

// ResponsibilityPage shows who is responsible for each Antragsstrecke in
// the Landkreis or kreisfreie Stadt of the path.
func (o *Pages) ResponsibilityPage(w http.ResponseWriter, r *http.Request) {
	o.renderResponsibility(w, r, http.StatusOK, ui.NewForm())
}

func (o *Pages) renderResponsibility(w http.ResponseWriter, r *http.Request, status int, f *ui.Form) {
	t, ok := o.TenantFor(w, r, onboarding.ObjResponsibility, authz.Read)
	if !ok {
		return
	}
	if t.Kind != tenant.KindLandkreis && t.Kind != tenant.KindKreisfreieStadt {
		o.NotFound(w, r)
		return
	}
	nav, err := o.nav(r, "faelle:"+t.ID)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	items, err := o.store.Responsibilities(r.Context(), t.Key())
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	d := responsibilityData{Nav: nav, Tenant: t, Items: items, Form: f, Landkreis: t.Kind == tenant.KindLandkreis,
		CanEdit: t.Kind == tenant.KindLandkreis && o.Allowed(r, t.ID, onboarding.ObjResponsibility, authz.Update)}
	if !f.Invalid() {
		for _, it := range items {
			if it.Delegated {
				f.Set("uebertragen-"+it.Antragsstrecke, "1")
			}
		}
	}
	o.Render(w, r, status, "anbindung-zustaendigkeit", o.page(r, "Zuständigkeit: "+t.Name, d))
}

// SaveResponsibility stores the Antragsstrecken the Landkreis has
// delegated to its Gemeinden (one checkbox each).
func (o *Pages) SaveResponsibility(w http.ResponseWriter, r *http.Request) {
	t, ok := o.TenantFor(w, r, onboarding.ObjResponsibility, authz.Update)
	if !ok {
		return
	}
	items, err := o.store.Responsibilities(r.Context(), t.Key())
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	f := ui.NewForm()
	var keys []string
	for _, it := range items {
		if r.PostForm.Get("uebertragen-"+it.Antragsstrecke) == "1" {
			keys = append(keys, it.Antragsstrecke)
			f.Set("uebertragen-"+it.Antragsstrecke, "1")
		}
	}
	_, err = o.store.SetDelegations(r.Context(), t.Key(), keys)
	switch {
	case err == nil:
		ui.SeeOther(w, r, "/admin/zustaendigkeit/"+t.ID, "gespeichert")
	case f.StoreErrors(err, func(string) string { return "" }):
		o.renderResponsibility(w, r, http.StatusUnprocessableEntity, f)
	default:
		o.ServerError(w, r, err)
	}
}
