package admin

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// onboardingConsole serves onboarding's pages under /admin/anbindung/,
// /admin/sprechstunden, /admin/fachverfahren, /admin/checklisten and the
// ministry's dashboard /admin/rollout. It shares the console's templates,
// sessions, access checks and error pages.
type onboardingConsole struct {
	*Console
	store *onboarding.Store
}

// RegisterOnboarding adds onboarding's pages to mux. Call it once at start,
// after New and before serving: it adds onboarding's page templates to the
// console's set.
func (c *Console) RegisterOnboarding(mux *http.ServeMux, store *onboarding.Store) error {
	if store == nil {
		return errors.New("admin: onboarding store is required")
	}
	o := &onboardingConsole{Console: c, store: store}
	if err := c.addPages(o.parseTemplates()); err != nil {
		return err
	}

	// A municipality's onboarding: its cases and each case's task list.
	mux.HandleFunc("GET /admin/anbindung/{$}", c.user(o.start))
	mux.HandleFunc("GET /admin/anbindung/{id}", c.user(o.casesPage))
	mux.HandleFunc("GET /admin/anbindung/fall/{cid}", c.user(o.casePage))
	mux.HandleFunc("POST /admin/anbindung/fall/{cid}/variante", c.userForm(o.setVariant))
	mux.HandleFunc("POST /admin/anbindung/fall/{cid}/fachverfahren", c.userForm(o.setFachverfahren))
	mux.HandleFunc("POST /admin/anbindung/fall/{cid}/anbindungsdaten", c.userForm(o.setTransport))
	mux.HandleFunc("POST /admin/anbindung/fall/{cid}/livegang-geplant", c.userForm(o.setPlannedLive))
	mux.HandleFunc("POST /admin/anbindung/fall/{cid}/checkliste/{iid}", c.userForm(o.setItem))
	mux.HandleFunc("POST /admin/anbindung/fall/{cid}/checkliste/{iid}/anhang", c.user(o.upload))
	mux.HandleFunc("GET /admin/anbindung/fall/{cid}/anhang/{aid}", c.user(o.download))
	mux.HandleFunc("POST /admin/anbindung/fall/{cid}/anhang/{aid}/loeschen", c.userForm(o.deleteAttachment))
	mux.HandleFunc("POST /admin/anbindung/fall/{cid}/phasen/{phase}", c.userForm(o.setPhase))
	mux.HandleFunc("POST /admin/anbindung/fall/{cid}/bestaetigung", c.userForm(o.confirmGoLive))
	mux.HandleFunc("POST /admin/anbindung/{id}/kalender-abo", c.userForm(o.newCalendarFeed))
	mux.HandleFunc("GET /admin/zustaendigkeit/{id}", c.user(o.responsibilityPage))
	mux.HandleFunc("POST /admin/zustaendigkeit/{id}", c.userForm(o.saveResponsibility))
	// For calendar apps, without login: the secret address is the key
	// ("token" in the pattern keeps it out of the request log).
	mux.HandleFunc("GET /kalender/{id}/{token}", o.calendarFeed)

	// Sprechstunden, Fachverfahren and checklist templates.
	mux.HandleFunc("GET /admin/sprechstunden", c.user(o.consultationsPage))
	mux.HandleFunc("GET /admin/sprechstunden/export.csv", c.user(o.consultationsCSV))
	mux.HandleFunc("POST /admin/sprechstunden/neu", c.userForm(o.createConsultation))
	mux.HandleFunc("POST /admin/sprechstunden/regel", c.userForm(o.saveRule))
	mux.HandleFunc("POST /admin/sprechstunden/{sid}", c.userForm(o.updateConsultation))
	mux.HandleFunc("POST /admin/sprechstunden/{sid}/anmeldung", c.userForm(o.register))
	mux.HandleFunc("POST /admin/sprechstunden/{sid}/abmeldung", c.userForm(o.unregister))
	mux.HandleFunc("GET /admin/fachverfahren", c.user(o.fachverfahrenPage))
	mux.HandleFunc("GET /admin/fachverfahren/export.csv", c.user(o.fachverfahrenCSV))
	mux.HandleFunc("POST /admin/fachverfahren", c.userForm(o.saveFachverfahren))
	mux.HandleFunc("GET /admin/katalog", c.user(o.catalogPage))
	mux.HandleFunc("POST /admin/katalog/{key}", c.userForm(o.saveCatalogService))
	mux.HandleFunc("GET /admin/checklisten", c.user(o.templatesPage))
	mux.HandleFunc("POST /admin/checklisten", c.userForm(o.saveTemplate))

	// The ministry's dashboard with drill-downs and CSV exports.
	mux.HandleFunc("GET /admin/rollout", c.user(o.rolloutPage))
	mux.HandleFunc("GET /admin/rollout/export.csv", c.user(o.rolloutCSV))
	mux.HandleFunc("GET /admin/rollout/kommune/{id}", c.user(o.rolloutTenantPage))
	mux.HandleFunc("GET /admin/rollout/dienst/{key}", c.user(o.rolloutServicePage))
	return nil
}

// parseTemplates parses onboarding's pages (templates/onboarding/pages)
// each into a clone of the layout, the shared form parts and onboarding's
// parts; page names get the prefix "anbindung-".
func (o *onboardingConsole) parseTemplates() (map[string]*page, error) {
	base, err := template.New("layout").Funcs(o.funcs()).Funcs(o.onboardingFuncs()).ParseFS(templateFS,
		"templates/layout.html", "templates/parts.html", "templates/onboarding/parts.html")
	if err != nil {
		return nil, fmt.Errorf("admin onboarding templates: %w", err)
	}
	return parsePages(base, "templates/onboarding/pages/*.html", "anbindung-")
}

// onboardingFuncs are the template functions of onboarding's pages; like
// the console's they are fixed at start.
func (o *onboardingConsole) onboardingFuncs() template.FuncMap {
	return template.FuncMap{
		// statusBadge is the KERN badge modifier of a phase status: colour
		// that always comes with the status's text.
		"statusBadge": func(st onboarding.Status) string {
			switch st {
			case onboarding.Completed:
				return "kern-badge--success"
			case onboarding.InProgress:
				return "kern-badge--warning"
			}
			return ""
		},
		"stageBadge": func(st onboarding.Stage) string {
			switch st {
			case onboarding.StageLive:
				return "kern-badge--success"
			case onboarding.StageTests, onboarding.StageProduction:
				return "kern-badge--info"
			case onboarding.StagePreparation:
				return "kern-badge--warning"
			}
			return ""
		},
		"stateBadge": func(st onboarding.InterfaceStatus) string {
			switch st.State {
			case onboarding.StateDone:
				return "kern-badge--success"
			case onboarding.StateInProgress:
				return "kern-badge--warning"
			case onboarding.StatePlanned:
				return "kern-badge--info"
			}
			return ""
		},
		"stepBadge": func(kind string) string {
			switch kind {
			case "done":
				return "kern-badge--success"
			case "warning":
				return "kern-badge--warning"
			case "todo":
				return "kern-badge--danger"
			}
			return "kern-badge--info"
		},
		"stepLabel": func(kind string) string {
			switch kind {
			case "done":
				return "Erledigt"
			case "warning":
				return "Hinweis"
			case "todo":
				return "Zu tun"
			}
			return "Wartet"
		},
		"phases":     onboarding.Phases,
		"statuses":   onboarding.Statuses,
		"interfaces": onboarding.Interfaces,
		"kib":        func(n int64) string { return humanSize(n) },
		"add":        func(a, b int) int { return a + b },
		"sub":        func(a, b int) int { return a - b },
		// hasLine reports whether v is one of the lines of list.
		"hasLine": func(list, v string) bool { return slices.Contains(strings.Split(list, "\n"), v) },
	}
}

// humanSize shows a file size in German, "1,2 MB".
func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/(1<<20)), ".", ",", 1)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+512)>>10)
	}
	return fmt.Sprintf("%d Byte", n)
}

// onboardingNotices are the confirmations of onboarding's pages, named by
// ?hinweis= after a redirect.
var onboardingNotices = map[string]string{
	"variante":       "Die Anbindungsvariante wurde gespeichert. Die Checkliste zeigt jetzt die Punkte dieser Variante.",
	"fachverfahren":  "Das Fachverfahren wurde gespeichert.",
	"daten":          "Die Anbindungsdaten wurden geprüft und gespeichert.",
	"geplant":        "Der geplante Livegang wurde gespeichert.",
	"punkt":          "Der Punkt der Checkliste wurde gespeichert.",
	"anhang":         "Die Datei wurde angehängt.",
	"anhang-weg":     "Der Anhang wurde gelöscht.",
	"phase":          "Die Phase wurde geändert.",
	"bestaetigt":     "Der Livegang ist bestätigt; die Kommune kann die Phase „Produktivtest und Livegang“ abschließen.",
	"zurueck":        "Die Bestätigung des Livegangs wurde zurückgenommen.",
	"angemeldet":     "Die Anmeldung zur Sprechstunde ist gespeichert. Am Vortag kommt eine Erinnerung per E-Mail.",
	"abgemeldet":     "Die Anmeldung wurde zurückgenommen.",
	"termin":         "Der Termin wurde gespeichert.",
	"termin-neu":     "Der Termin wurde angelegt.",
	"regel":          "Die Regel wurde gespeichert; künftige Termine ohne Thema und Anmeldungen folgen ihr.",
	"gespeichert":    "Die Änderungen wurden gespeichert.",
	"vorlage":        "Die Vorlage wurde gespeichert; offene Fälle haben den Punkt übernommen.",
	"fachverfahren+": "Das Fachverfahren wurde gespeichert.",
}

// page builds a view with onboarding's notice.
func (o *onboardingConsole) page(r *http.Request, title string, data any) *view {
	return &view{Title: title, Nav: "anbindung", Notice: onboardingNotices[r.URL.Query().Get("hinweis")], Data: data}
}

// isMinistry reports whether the person may do act on obj in a root
// tenant (a Land): the ministry's pages.
func (o *onboardingConsole) isMinistry(r *http.Request, obj, act string) bool {
	p := authz.PrincipalFrom(r.Context())
	for _, id := range o.authz.Tenants(p, obj, act) {
		if o.authz.IsRoot(id) {
			return true
		}
	}
	return false
}

// requireMinistry answers 403 unless the person works for the ministry.
func (o *onboardingConsole) requireMinistry(w http.ResponseWriter, r *http.Request, obj, act string) bool {
	if o.isMinistry(r, obj, act) {
		return true
	}
	o.forbidden(w, r, "Diese Seite ist dem Ministerium vorbehalten.")
	return false
}

// onbNav is onboarding's own navigation for the person.
type onbNav struct {
	Current  string
	Tenants  []tenant.Tenant // bodies whose cases the person sees (own memberships)
	Ministry bool
}

func (o *onboardingConsole) nav(r *http.Request, current string) (onbNav, error) {
	n := onbNav{Current: current, Ministry: o.isMinistry(r, onboarding.ObjRollout, authz.Read)}
	ts, err := o.caseTenants(r)
	n.Tenants = ts
	return n, err
}

// caseTenants are the bodies of the person's memberships where they may
// read cases (not the Land).
func (o *onboardingConsole) caseTenants(r *http.Request) ([]tenant.Tenant, error) {
	u := userFrom(r)
	if u == nil {
		return nil, nil
	}
	ms, err := o.Console.store.Memberships(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, mb := range ms {
		if !o.authz.IsRoot(mb.TenantID) && o.allowed(r, mb.TenantID, onboarding.ObjCase, authz.Read) {
			ids = append(ids, mb.TenantID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return o.Console.store.ListTenants(r.Context(), tenant.TenantFilter{IDs: ids})
}

// multiline reads a trimmed multi-line field of at most max characters;
// line breaks and tabs are allowed, other control characters are not.
func (f *form) multiline(r *http.Request, id string, max int) string {
	v := strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get(id), "\r\n", "\n"))
	f.Values[id] = v
	switch {
	case utf8.RuneCountInString(v) > max:
		f.Add(id, fmt.Sprintf("Bitte geben Sie höchstens %d Zeichen ein.", max))
	case !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
		f.Add(id, "Bitte verwenden Sie keine Steuerzeichen.")
	}
	return v
}

// ruleMessages returns the reasons of a rule violation, or nil.
func ruleMessages(err error) []string {
	var rule *onboarding.RuleError
	if errors.As(err, &rule) {
		return rule.Reasons
	}
	return nil
}
