package onboarding

import (
	"errors"
	"net/http"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/download"
)

// feedData fills the page that shows a new subscription address once.
type feedData struct {
	Nav    onbNav
	Tenant *tenant.Tenant
	URL    string
}

// NewCalendarFeed makes a new subscription address of the tenant's
// calendar (Sprechstunden and go-lives) for calendar apps, which cannot log
// in, and shows it once; the previous address stops working.
func (o *Pages) NewCalendarFeed(w http.ResponseWriter, r *http.Request) {
	t, ok := o.TenantFor(w, r, onboarding.ObjCase, authz.Read)
	if !ok {
		return
	}
	nav, err := o.nav(r, "faelle:"+t.ID)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	token, err := o.store.NewCalendarFeed(r.Context(), t.ID)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	o.Render(w, r, http.StatusOK, "anbindung-kalender-abo", o.page(r, "Kalender abonnieren",
		feedData{Nav: nav, Tenant: t, URL: o.BaseURL + "/kalender/" + t.ID + "/" + token}))
}

// CalendarFeed serves the calendar to a subscribed app. There is no login:
// the secret address is the key, so an unknown or replaced address gets a
// plain 404 that tells nothing.
func (o *Pages) CalendarFeed(w http.ResponseWriter, r *http.Request) {
	raw, err := o.store.CalendarByFeed(r.Context(), r.PathValue("id"), r.PathValue("token"))
	if errors.Is(err, tenant.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", download.Inline("sozialplattform.ics"))
	h.Set("Cache-Control", "private, max-age=300")
	_, _ = w.Write(raw)
}
