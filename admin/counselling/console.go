package admin

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"sozialplattform/portal/appointments"
	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// counsellingConsole serves the pages of the Beratungsstellen directory
// and of the online appointments under /admin/beratung/ and
// /admin/termine/: the centres' own entries, the municipalities' and the
// ministry's lists, CSV import and export, the Landesredaktion's review,
// the outdated entries, the topics, the slot calendars and bookings. It
// shares the console's templates, sessions, access checks and error pages.
type counsellingConsole struct {
	*Console
	dir   *counselling.Store
	appts *appointments.Store
}

// RegisterCounselling adds the directory's and the appointments' pages to
// mux. Call it once at start, after New and before serving: it adds its
// page templates to the console's set.
func (c *Console) RegisterCounselling(mux *http.ServeMux, dir *counselling.Store, appts *appointments.Store) error {
	if dir == nil || appts == nil {
		return errors.New("admin: counselling and appointments stores are required")
	}
	if err := c.addPages(c.parseCounsellingTemplates()); err != nil {
		return err
	}
	k := &counsellingConsole{Console: c, dir: dir, appts: appts}
	mux.HandleFunc("GET /admin/beratung/{$}", c.user(k.hub))
	mux.HandleFunc("POST /admin/beratung/einstellungen", c.userForm(k.saveSettings))
	mux.HandleFunc("GET /admin/beratung/neu", c.user(k.newForm))
	mux.HandleFunc("POST /admin/beratung/neu", c.userForm(k.create))
	mux.HandleFunc("GET /admin/beratung/pruefung", c.user(k.reviewPage))
	mux.HandleFunc("GET /admin/beratung/veraltet", c.user(k.outdatedPage))
	mux.HandleFunc("GET /admin/beratung/themen", c.user(k.topicsPage))
	mux.HandleFunc("POST /admin/beratung/themen", c.userForm(k.saveTopic))
	mux.HandleFunc("GET /admin/beratung/export.csv", c.user(k.exportCSV))
	mux.HandleFunc("GET /admin/beratung/import", c.user(k.importForm))
	mux.HandleFunc("POST /admin/beratung/import", k.importUpload)
	mux.HandleFunc("GET /admin/beratung/{id}", c.user(k.centrePage))
	mux.HandleFunc("GET /admin/beratung/{id}/bearbeiten", c.user(k.editForm))
	mux.HandleFunc("POST /admin/beratung/{id}/bearbeiten", c.userForm(k.update))
	mux.HandleFunc("POST /admin/beratung/{id}/bestaetigen", c.userForm(k.verify))
	mux.HandleFunc("POST /admin/beratung/{id}/pruefung", c.userForm(k.decide))
	mux.HandleFunc("GET /admin/beratung/{id}/versionen", c.user(k.versionsPage))
	mux.HandleFunc("GET /admin/beratung", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/admin/beratung/", http.StatusMovedPermanently)
	})

	mux.HandleFunc("GET /admin/termine/{$}", c.user(k.calendarsPage))
	mux.HandleFunc("GET /admin/termine/neu", c.user(k.newCalendarForm))
	mux.HandleFunc("POST /admin/termine/neu", c.userForm(k.createCalendar))
	mux.HandleFunc("GET /admin/termine/{cid}", c.user(k.bookingsPage))
	mux.HandleFunc("GET /admin/termine/{cid}/bearbeiten", c.user(k.editCalendarForm))
	mux.HandleFunc("POST /admin/termine/{cid}/bearbeiten", c.userForm(k.updateCalendar))
	mux.HandleFunc("POST /admin/termine/buchungen/{bid}/absagen", c.userForm(k.cancelBooking))
	mux.HandleFunc("GET /admin/termine", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/admin/termine/", http.StatusMovedPermanently)
	})
	return nil
}

// parseCounsellingTemplates parses templates/counselling/pages/*.html,
// each into a clone of the layout, the shared form parts and the
// directory's parts; page names get the prefix "beratung-".
func (c *Console) parseCounsellingTemplates() (map[string]*page, error) {
	funcs := template.FuncMap{
		"stateLabel": counselling.StateLabel,
		"waiting": func(d *int) string {
			switch {
			case d == nil:
				return "keine Angabe"
			case *d == 0:
				return "keine"
			case *d == 1:
				return "etwa 1 Tag"
			}
			return fmt.Sprintf("etwa %d Tage", *d)
		},
		"termLabel": counselling.TermLabel,
		"ways":      func() []counselling.Term { return counselling.Ways },
		"access":    func() []counselling.Term { return counselling.Accessibility },
		"language":  func(code string) string { return counselling.LanguageName(code, "de") },
		"hours":     func(list []counselling.Interval) string { return strings.Join(counselling.FormatHours(list), "; ") },
		"clock": func(v any) string {
			t, ok := timeOf(v)
			if !ok {
				return ""
			}
			return t.In(c.loc).Format("15:04")
		},
		"weekday": func(v any) string {
			t, ok := timeOf(v)
			if !ok {
				return ""
			}
			return germanWeekdays[t.In(c.loc).Weekday()]
		},
	}
	base, err := template.New("layout").Funcs(c.funcs()).Funcs(funcs).ParseFS(templateFS,
		"templates/layout.html", "templates/parts.html", "templates/counselling/parts.html")
	if err != nil {
		return nil, fmt.Errorf("admin counselling templates: %w", err)
	}
	return parsePages(base, "templates/counselling/pages/*.html", "beratung-")
}

var germanWeekdays = [...]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"}

// counsellingNotices are the confirmations of the directory's pages.
var counsellingNotices = map[string]string{
	"angelegt":        "Die Beratungsstelle wurde angelegt. Laden Sie jetzt ihre Redaktion ein.",
	"veroeffentlicht": "Die Änderungen sind veröffentlicht.",
	"wartet":          "Die Änderungen wurden gespeichert und warten auf die Prüfung durch die Landesredaktion. Bis dahin zeigt das Portal die bisherigen Angaben.",
	"unveraendert":    "Die Angaben waren unverändert; es wurde keine neue Fassung angelegt.",
	"bestaetigt":      "Die Angaben sind als geprüft bestätigt.",
	"freigegeben":     "Die Änderung ist veröffentlicht; die Beratungsstelle wurde benachrichtigt.",
	"abgelehnt":       "Die Änderung wurde abgelehnt; die Begründung ging per E-Mail an die Beratungsstelle.",
	"einstellungen":   "Die Einstellung wurde gespeichert.",
	"thema":           "Das Thema wurde gespeichert.",
	"kalender":        "Der Terminkalender wurde gespeichert.",
	"abgesagt":        "Der Termin wurde abgesagt; die Person wurde per E-Mail benachrichtigt.",
}

// page builds a view with the directory's notice.
func (k *counsellingConsole) page(r *http.Request, title, nav string, data any) *view {
	return &view{Title: title, Nav: nav, Notice: counsellingNotices[r.URL.Query().Get("hinweis")], Data: data}
}

// principal is the request's principal.
func principal(r *http.Request) authz.Principal { return authz.PrincipalFrom(r.Context()) }

// ministry reports whether the person may do act on obj in a root tenant
// (the Landesredaktion).
func (k *counsellingConsole) ministry(r *http.Request, obj, act string) bool {
	for _, id := range k.authz.Tenants(principal(r), obj, act) {
		if k.authz.IsRoot(id) {
			return true
		}
	}
	return false
}

// centreAccess loads the centre of the path's {id} for act: 404 when it
// does not exist or the person may not read it, 403 when it may read but
// not act.
func (k *counsellingConsole) centreAccess(w http.ResponseWriter, r *http.Request, act string) (*counselling.Centre, bool) {
	id := r.PathValue("id")
	if id == "" || len(id) > 64 || !k.allowed(r, id, counselling.ObjCentre, authz.Read) {
		k.notFound(w, r)
		return nil, false
	}
	if !k.allowed(r, id, counselling.ObjCentre, act) {
		k.forbidden(w, r, "Diese Beratungsstelle dürfen Sie nur ansehen.")
		return nil, false
	}
	c, err := k.dir.Get(r.Context(), id)
	if errors.Is(err, tenant.ErrNotFound) {
		k.notFound(w, r)
		return nil, false
	}
	if err != nil {
		k.serverError(w, r, err)
		return nil, false
	}
	return c, true
}

// readable lists the centres the person may read, optionally filtered.
func (k *counsellingConsole) readable(r *http.Request, f counselling.ListFilter) ([]counselling.Centre, error) {
	f.TenantIDs = k.authz.Tenants(principal(r), counselling.ObjCentre, authz.Read)
	return k.dir.List(r.Context(), f)
}

// parentOptions are the bodies below which the person may create centres
// (no organisations, no Landesbehörden).
func (k *counsellingConsole) parentOptions(r *http.Request) ([]option, error) {
	ids := k.authz.Tenants(principal(r), counselling.ObjCentre, authz.Create)
	ts, err := k.store.ListTenants(r.Context(), tenant.TenantFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	var out []option
	for _, t := range ts {
		if t.Kind == tenant.KindOrganisation || t.Kind == tenant.KindLandesbehoerde || !t.Active {
			continue
		}
		label := t.Name
		if t.Key() != "" {
			label += " (" + t.Key() + ")"
		}
		out = append(out, option{Value: t.ID, Label: label})
	}
	return out, nil
}

// hubData fills the directory's start page.
type hubData struct {
	Centres   []counselling.Centre
	Query     string
	State     string
	CanCreate bool
	Ministry  bool
	Settings  counselling.Settings
	Pending   int
	Outdated  int
	Parents   []option
}

// hub lists the centres the person may see; an editor of one centre goes
// straight to it.
func (k *counsellingConsole) hub(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	state := r.URL.Query().Get("stand")
	if !slices.Contains([]string{"", counselling.StatePublished, counselling.StatePending, counselling.StateRejected, "draft"}, state) {
		state = ""
	}
	if len(q) > 100 {
		q = q[:100]
	}
	cs, err := k.readable(r, counselling.ListFilter{Query: q, State: state})
	if err != nil {
		k.serverError(w, r, err)
		return
	}
	parents, err := k.parentOptions(r)
	if err != nil {
		k.serverError(w, r, err)
		return
	}
	d := hubData{Centres: cs, Query: q, State: state, CanCreate: len(parents) > 0, Parents: parents,
		Ministry: k.ministry(r, counselling.ObjReview, authz.Update)}
	if len(cs) == 1 && !d.CanCreate && q == "" && state == "" && r.URL.Query().Get("hinweis") == "" {
		http.Redirect(w, r, "/admin/beratung/"+cs[0].ID, http.StatusSeeOther)
		return
	}
	if d.Ministry {
		if d.Settings, err = k.dir.Settings(r.Context()); err != nil {
			k.serverError(w, r, err)
			return
		}
	}
	all, err := k.readable(r, counselling.ListFilter{})
	if err != nil {
		k.serverError(w, r, err)
		return
	}
	for _, c := range all {
		if c.State == counselling.StatePending {
			d.Pending++
		}
		if c.Outdated {
			d.Outdated++
		}
	}
	k.render(w, r, http.StatusOK, "beratung-start", k.page(r, "Beratungsstellen", "beratung", d))
}

// saveSettings switches the review on or off (ministry).
func (k *counsellingConsole) saveSettings(w http.ResponseWriter, r *http.Request) {
	if !k.ministry(r, counselling.ObjSettings, authz.Update) {
		k.forbidden(w, r, "Diese Einstellung ist dem Ministerium vorbehalten.")
		return
	}
	if _, err := k.dir.SetReviewRequired(r.Context(), r.PostForm.Get("pruefung") == "1"); err != nil {
		k.serverError(w, r, err)
		return
	}
	seeOther(w, r, "/admin/beratung/", "einstellungen")
}
