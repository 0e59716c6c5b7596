package applications

import (
	"embed"
	"errors"
	"html/template"
	"net/http"
	"slices"
	deliverypages "sozialplattform/admin/delivery"
	"sozialplattform/admin/ui"
	"strings"

	"sozialplattform/onboarding/delivery"
	"sozialplattform/portal/forms"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// Pages serves the pages of the submitted online
// applications (Anträge): a municipality's list with filters, one
// application with its answers, documents and delivery, the retention
// settings with the deletion log, and the ministry's counts. It checks the
// same objects and actions as the applications' API (portal/forms/api),
// and personal data need a municipal role (forms.MayReadPersonal): the
// ministry sees counts only. Every look at personal data and every
// download is audited by the store.
type Pages struct {
	*ui.Shell
	forms    *forms.Store
	delivery *delivery.Service // nil: the detail shows no delivery attempts
}

//go:embed templates
var templateFS embed.FS

// New returns the applications' pages. Call it once at start, before
// serving: it adds their templates (page names with the prefix
// "antraege-") to the shell's set. svc may be nil.
func New(s *ui.Shell, store *forms.Store, svc *delivery.Service) (*Pages, error) {
	if store == nil {
		return nil, errors.New("admin: the applications store is required")
	}
	k := &Pages{Shell: s, forms: store, delivery: svc}
	if err := s.AddPages(templateFS, k.applicationFuncs(), nil, "templates/pages/*.html", "antraege-"); err != nil {
		return nil, err
	}
	s.Applications = true
	return k, nil
}

// Second serves the pages one level below /admin/antraege/: an
// application (antrag/{aid}) or a tenant's settings ({id}/einstellungen).
func (k *Pages) Second(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.PathValue("id") == "antrag":
		r.SetPathValue("aid", r.PathValue("page"))
		k.detailPage(w, r)
	case r.PathValue("page") == "einstellungen":
		k.settingsPage(w, r)
	default:
		k.NotFound(w, r)
	}
}

// applicationFuncs are the template functions of the applications' pages.
func (k *Pages) applicationFuncs() template.FuncMap {
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
		"size":           ui.HumanSize,
		"deliveryStatus": delivery.StatusLabel,
		"deliveryBadge":  deliverypages.Badge,
	}
}

// streckeTitle names an Antragsstrecke by the title of its newest
// definition, or by its key when there is none.
func (k *Pages) streckeTitle(key string) string {
	if d, ok := k.forms.Registry().Latest(key); ok {
		return d.Title.In("de")
	}
	return key
}

// streckeOptions are the Antragsstrecken with a definition, by title.
func (k *Pages) streckeOptions() []ui.Option {
	keys := k.forms.Registry().Keys()
	out := make([]ui.Option, 0, len(keys))
	for _, key := range keys {
		out = append(out, ui.Option{Value: key, Label: k.streckeTitle(key)})
	}
	slices.SortFunc(out, func(a, b ui.Option) int { return strings.Compare(a.Label, b.Label) })
	return out
}

func (k *Pages) page(r *http.Request, title string, data any) *ui.View {
	return &ui.View{Title: title, Nav: "antraege", Notice: ui.Notice(r, "applications"), Data: data}
}

func (k *Pages) principal(r *http.Request) authz.Principal {
	return authz.PrincipalFrom(r.Context())
}

// personal reports whether the request's person may see the personal data
// of the tenant's applications: the API's permission and a municipal role.
func (k *Pages) personal(r *http.Request, tenantID string) bool {
	return forms.MayReadPersonal(k.Authz, k.principal(r), tenantID)
}

// guard is personal as the store's guard.
func (k *Pages) guard(r *http.Request) forms.Guard {
	p := k.principal(r)
	return func(tenantID string) bool { return forms.MayReadPersonal(k.Authz, p, tenantID) }
}

// personalTenant loads the path's tenant for pages with personal data:
// outside the person's area 404, without the permission or with the
// ministry's role only 403.
func (k *Pages) personalTenant(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, bool) {
	t, ok := k.TenantFor(w, r, forms.ObjApplication, authz.Read)
	if !ok {
		return nil, false
	}
	if !k.personal(r, t.ID) {
		k.Forbidden(w, r, noPersonalData)
		return nil, false
	}
	return t, true
}

// noPersonalData explains the 403 of the ministry on personal pages.
const noPersonalData = "Anträge mit personenbezogenen Daten sieht nur die zuständige Kommune (Sozialgeheimnis). " +
	"Das Ministerium sieht die Zahlen der Anträge unter „Online-Anträge“."
