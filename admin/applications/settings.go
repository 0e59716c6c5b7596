package applications

import (
	"net/http"
	"sozialplattform/admin/ui"
	"strconv"
	"time"

	"sozialplattform/portal/forms"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// appSettingsData fills a tenant's retention settings and deletion log.
type appSettingsData struct {
	Tenant   *tenant.Tenant
	Settings forms.RetentionSettings
	Form     *ui.Form
	CanEdit  bool
	CanList  bool // the list of applications (municipal staff only)
	// The platform's defaults and its reminder, which the tenant does not
	// set.
	DefaultDraftDays, DefaultRetentionDays, ReminderDays int
	Log                                                  []forms.Deletion
}

// deletionLogSize is how many entries of the deletion log the page shows.
const deletionLogSize = 100

func (k *Pages) settingsPage(w http.ResponseWriter, r *http.Request) {
	t, ok := k.TenantFor(w, r, forms.ObjApplicationSettings, authz.Read)
	if !ok {
		return
	}
	k.renderSettings(w, r, http.StatusOK, t, nil)
}

// renderSettings shows the settings; f is nil for the stored values, or
// the rejected input with its errors.
func (k *Pages) renderSettings(w http.ResponseWriter, r *http.Request, status int, t *tenant.Tenant, f *ui.Form) {
	ctx := r.Context()
	set, err := k.forms.Settings(ctx, t.ID)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	log, err := k.forms.DeletionLog(ctx, t.ID, deletionLogSize)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	if f == nil {
		f = ui.NewForm()
		f.Set("draftDays", strconv.Itoa(set.DraftDays))
		f.Set("retentionDays", strconv.Itoa(set.RetentionDays))
	}
	o := k.forms.Options()
	d := &appSettingsData{Tenant: t, Settings: set, Form: f, Log: log,
		CanEdit: k.Allowed(r, t.ID, forms.ObjApplicationSettings, authz.Update), CanList: k.personal(r, t.ID),
		DefaultDraftDays: days(o.DraftTTL), DefaultRetentionDays: days(o.Retention), ReminderDays: days(o.ReminderBefore)}
	k.Render(w, r, status, "antraege-einstellungen", k.page(r, "Aufbewahrungsfristen: "+t.Name, d))
}

func days(d time.Duration) int { return int(d / (24 * time.Hour)) }

func (k *Pages) SaveSettings(w http.ResponseWriter, r *http.Request) {
	t, ok := k.TenantFor(w, r, forms.ObjApplicationSettings, authz.Update)
	if !ok {
		return
	}
	f := ui.NewForm()
	in := forms.RetentionSettings{DraftDays: dayCount(f, r, "draftDays"), RetentionDays: dayCount(f, r, "retentionDays")}
	// The ranges of the fields that are numbers, so that every message
	// shows at once; a field that is no number keeps its own message.
	f.StoreErrors(in.Check(), ui.SameIDs("draftDays", "retentionDays"))
	if !f.Invalid() {
		_, err := k.forms.SetSettings(r.Context(), t.ID, in)
		if err == nil {
			ui.SeeOther(w, r, "/admin/antraege/"+t.ID+"/einstellungen", "fristen")
			return
		}
		if !f.StoreErrors(err, ui.SameIDs("draftDays", "retentionDays")) {
			k.ServerError(w, r, err)
			return
		}
	}
	k.renderSettings(w, r, http.StatusUnprocessableEntity, t, f)
}

// dayCount reads a whole number of days; the range is the store's to
// check. A field that is no number gets its message here.
func dayCount(f *ui.Form, r *http.Request, id string) int {
	v := f.Text(r, id, 10)
	if f.Error(id) != "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		f.Add(id, "Bitte geben Sie die Anzahl der Tage als ganze Zahl an, zum Beispiel 30.")
		return 0
	}
	return n
}
