package admin

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"sozialplattform/onboarding/delivery"
	"sozialplattform/portal/forms"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// applicationsConsole serves the pages of the submitted online
// applications (Anträge): a municipality's list with filters, one
// application with its answers, documents and delivery, the retention
// settings with the deletion log, and the ministry's counts. It checks the
// same objects and actions as the applications' API (portal/forms/api),
// and personal data need a municipal role (forms.MayReadPersonal): the
// ministry sees counts only. Every look at personal data and every
// download is audited by the store.
type applicationsConsole struct {
	*Console
	forms    *forms.Store
	delivery *delivery.Service // nil: the detail shows no delivery attempts
}

// RegisterApplications adds the applications' pages to mux. Call it once
// at start, after New and before serving. svc may be nil.
func (c *Console) RegisterApplications(mux *http.ServeMux, store *forms.Store, svc *delivery.Service) error {
	if store == nil {
		return errors.New("admin: the applications store is required")
	}
	k := &applicationsConsole{Console: c, forms: store, delivery: svc}
	if err := c.addPages(k.parseTemplates()); err != nil {
		return err
	}
	c.applications = true
	mux.HandleFunc("GET /admin/antraege", c.user(k.start))
	mux.HandleFunc("GET /admin/antraege/{id}", c.user(k.listPage))
	// /admin/antraege/antrag/{aid} and /admin/antraege/{id}/einstellungen
	// overlap for ServeMux (".../antrag/einstellungen" would match both),
	// so one pattern takes both and second picks the page. Tenant IDs are
	// UUIDs: none is "antrag".
	mux.HandleFunc("GET /admin/antraege/{id}/{page}", c.user(k.second))
	mux.HandleFunc("POST /admin/antraege/{id}/einstellungen", c.userForm(k.saveSettings))
	mux.HandleFunc("GET /admin/antraege/antrag/{aid}/{doc}", c.user(k.download))
	mux.HandleFunc("GET /admin/antraege/antrag/{aid}/anlagen/{did}", c.user(k.downloadAttachment))
	return nil
}

// second serves the pages one level below /admin/antraege/: an
// application (antrag/{aid}) or a tenant's settings ({id}/einstellungen).
func (k *applicationsConsole) second(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.PathValue("id") == "antrag":
		r.SetPathValue("aid", r.PathValue("page"))
		k.detailPage(w, r)
	case r.PathValue("page") == "einstellungen":
		k.settingsPage(w, r)
	default:
		k.notFound(w, r)
	}
}

func (k *applicationsConsole) parseTemplates() (map[string]*page, error) {
	base, err := template.New("layout").Funcs(k.funcs()).Funcs(k.applicationFuncs()).ParseFS(templateFS,
		"templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("admin applications templates: %w", err)
	}
	return parsePages(base, "templates/applications/pages/*.html", "antraege-")
}

// applicationFuncs are the template functions of the applications' pages.
func (k *applicationsConsole) applicationFuncs() template.FuncMap {
	return template.FuncMap{
		"appStatuses": func() []forms.Status { return forms.Statuses },
		"appBadge": func(s forms.Status) string {
			switch s {
			case forms.StatusAbgeholt, forms.StatusAngenommen:
				return "kern-badge--success"
			case forms.StatusZugestellt:
				return "kern-badge--info"
			case forms.StatusProblem:
				return "kern-badge--danger"
			}
			return "kern-badge--warning"
		},
		"streckeTitle": k.streckeTitle,
		"docKind": func(kind string) string {
			switch kind {
			case forms.DocPDF:
				return "Antrag als PDF"
			case forms.DocXML:
				return "XSozial-basis-Nachricht (XML)"
			}
			return "Anlage"
		},
		"size":           humanSize,
		"deliveryStatus": delivery.StatusLabel,
		"deliveryBadge":  deliveryBadge,
	}
}

// streckeTitle names an Antragsstrecke by the title of its newest
// definition, or by its key when there is none.
func (k *applicationsConsole) streckeTitle(key string) string {
	if d, ok := k.forms.Registry().Latest(key); ok {
		return d.Title.In("de")
	}
	return key
}

// streckeOptions are the Antragsstrecken with a definition, by title.
func (k *applicationsConsole) streckeOptions() []option {
	keys := k.forms.Registry().Keys()
	out := make([]option, 0, len(keys))
	for _, key := range keys {
		out = append(out, option{Value: key, Label: k.streckeTitle(key)})
	}
	slices.SortFunc(out, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
	return out
}

var applicationNotices = map[string]string{
	"fristen": "Die Aufbewahrungsfristen wurden gespeichert. Sie gelten für Entwürfe ab ihrer nächsten Änderung und für Anträge ab ihrer Zustellung.",
}

func (k *applicationsConsole) page(r *http.Request, title string, data any) *view {
	return &view{Title: title, Nav: "antraege", Notice: applicationNotices[r.URL.Query().Get("hinweis")], Data: data}
}

func (k *applicationsConsole) principal(r *http.Request) authz.Principal {
	return authz.PrincipalFrom(r.Context())
}

// personal reports whether the request's person may see the personal data
// of the tenant's applications: the API's permission and a municipal role.
func (k *applicationsConsole) personal(r *http.Request, tenantID string) bool {
	return forms.MayReadPersonal(k.authz, k.principal(r), tenantID)
}

// guard is personal as the store's guard.
func (k *applicationsConsole) guard(r *http.Request) forms.Guard {
	p := k.principal(r)
	return func(tenantID string) bool { return forms.MayReadPersonal(k.authz, p, tenantID) }
}

// personalTenant loads the path's tenant for pages with personal data:
// outside the person's area 404, without the permission or with the
// ministry's role only 403.
func (k *applicationsConsole) personalTenant(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, bool) {
	t, ok := k.tenantFor(w, r, forms.ObjApplication, authz.Read)
	if !ok {
		return nil, false
	}
	if !k.personal(r, t.ID) {
		k.forbidden(w, r, noPersonalData)
		return nil, false
	}
	return t, true
}

// noPersonalData explains the 403 of the ministry on personal pages.
const noPersonalData = "Anträge mit personenbezogenen Daten sieht nur die zuständige Kommune (Sozialgeheimnis). " +
	"Das Ministerium sieht die Zahlen der Anträge unter „Online-Anträge“."
