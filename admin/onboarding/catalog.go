package admin

import (
	"errors"
	"net/http"

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
	Form     *form
}

// catalogPage lists the Antragsstrecken with their FIT-Connect service
// identifiers; the ministry edits one with ?bearbeiten=<key>.
func (o *onboardingConsole) catalogPage(w http.ResponseWriter, r *http.Request) {
	o.renderCatalog(w, r, http.StatusOK, r.URL.Query().Get("bearbeiten"), nil)
}

func (o *onboardingConsole) renderCatalog(w http.ResponseWriter, r *http.Request, status int, edit string, f *form) {
	if !o.authz.AllowedAnywhere(authz.PrincipalFrom(r.Context()), onboarding.ObjCase, authz.Read) {
		o.forbidden(w, r, "")
		return
	}
	nav, err := o.nav(r, "katalog")
	if err != nil {
		o.serverError(w, r, err)
		return
	}
	items, err := o.store.Catalog(r.Context())
	if err != nil {
		o.serverError(w, r, err)
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
			f = newForm()
			f.Set("leika", d.Edit.FITConnectService)
		}
		d.Form = f
	}
	o.render(w, r, status, "anbindung-katalog", o.page(r, "Antragsstrecken und FIT-Connect-Leistungskennungen", d))
}

// saveCatalogService stores the FIT-Connect service identifier of one
// Antragsstrecke (the ministry's).
func (o *onboardingConsole) saveCatalogService(w http.ResponseWriter, r *http.Request) {
	if !o.requireMinistry(w, r, onboarding.ObjCatalog, authz.Update) {
		return
	}
	key := r.PathValue("key")
	f := newForm()
	id := f.text(r, "leika", 80)
	_, err := o.store.SetFITConnectService(r.Context(), key, onboarding.ServiceInput{Identifier: id})
	var fe tenant.FieldErrors
	switch {
	case err == nil:
		seeOther(w, r, "/admin/katalog", "gespeichert")
	case errors.As(err, &fe):
		for _, e := range fe {
			f.Add("leika", e.Message)
		}
		o.renderCatalog(w, r, http.StatusUnprocessableEntity, key, f)
	case errors.Is(err, tenant.ErrNotFound):
		o.notFound(w, r)
	default:
		o.serverError(w, r, err)
	}
}
