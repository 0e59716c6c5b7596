package onboarding

import (
	"errors"
	"net/http"
	"sozialplattform/admin/ui"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// catalogData fills the catalogue page: every Antragsstrecke with its
// FIT-Connect service identifier (LeiKa), which the ministry keeps.
type catalogData struct {
	Nav      onbNav
	Items    []onboarding.Onlinedienst
	Ministry bool
	Edit     *onboarding.Antragsstrecke
	Form     *ui.Form
}

// CatalogPage lists the Antragsstrecken with their FIT-Connect service
// identifiers; the ministry edits one with ?bearbeiten=<key>.
func (o *Pages) CatalogPage(w http.ResponseWriter, r *http.Request) {
	o.renderCatalog(w, r, http.StatusOK, r.URL.Query().Get("bearbeiten"), nil)
}

func (o *Pages) renderCatalog(w http.ResponseWriter, r *http.Request, status int, edit string, f *ui.Form) {
	nav, ok := o.sharedPage(w, r, onboarding.ObjCase, "katalog")
	if !ok {
		return
	}
	items, err := o.store.Catalog(r.Context())
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	d := catalogData{Nav: nav, Items: items, Ministry: o.isMinistry(r, onboarding.ObjCatalog, authz.Update)}
	if d.Ministry && edit != "" {
		for _, od := range items {
			for i := range od.Antragsstrecken {
				if a := od.Antragsstrecken[i]; a.Key == edit {
					d.Edit = &a
				}
			}
		}
		if d.Edit != nil && f == nil {
			f = ui.NewForm()
			f.Set("leika", d.Edit.FITConnectService)
		}
		d.Form = f
	}
	o.Render(w, r, status, "anbindung-katalog", o.page(r, "Antragsstrecken und FIT-Connect-Leistungskennungen", d))
}

// SaveCatalogService stores the FIT-Connect service identifier of one
// Antragsstrecke (the ministry's).
func (o *Pages) SaveCatalogService(w http.ResponseWriter, r *http.Request) {
	if !o.requireMinistry(w, r, onboarding.ObjCatalog, authz.Update) {
		return
	}
	key := r.PathValue("key")
	f := ui.NewForm()
	id := f.Text(r, "leika", 80)
	_, err := o.store.SetFITConnectService(r.Context(), key, onboarding.ServiceInput{Identifier: id})
	var fe tenant.FieldErrors
	switch {
	case err == nil:
		ui.SeeOther(w, r, "/admin/katalog", "gespeichert")
	case errors.As(err, &fe):
		for _, e := range fe {
			f.Add("leika", ui.FieldText(e))
		}
		o.renderCatalog(w, r, http.StatusUnprocessableEntity, key, f)
	case errors.Is(err, tenant.ErrNotFound):
		o.NotFound(w, r)
	default:
		o.ServerError(w, r, err)
	}
}
