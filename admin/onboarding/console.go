package onboarding

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"sozialplattform/admin/ui"
	"strings"

	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// Pages serves onboarding's pages under /admin/anbindung/,
// /admin/sprechstunden, /admin/fachverfahren, /admin/checklisten and the
// ministry's dashboard /admin/rollout. It shares the console's templates,
// sessions, access checks and error pages.
type Pages struct {
	*ui.Shell
	store      *onboarding.Store
	deliveries Deliveries // nil without the delivery
}

// Deliveries is what onboarding's pages read of the delivery
// (delivery.Service): the delivery health of cases, and for the
// Umsetzungsstand in one query per tenant the applications whose delivery
// failed or was rejected (nil tenantIDs: all) together with the health.
type Deliveries interface {
	Health(ctx context.Context, f delivery.HealthFilter) (map[string]delivery.Health, error)
	Rollout(ctx context.Context, tenantIDs []string) (delivery.Rollout, error)
}

//go:embed templates
var templateFS embed.FS

// New returns onboarding's pages. Call it once at start, before serving:
// it adds onboarding's page templates (templates/pages, each with
// onboarding's parts; page names get the prefix "anbindung-") to the
// shell's set.
//
// deliveries may be nil; the ministry's dashboard then shows no
// delivery problems.
func New(s *ui.Shell, store *onboarding.Store, deliveries Deliveries) (*Pages, error) {
	if store == nil {
		return nil, errors.New("admin: onboarding store is required")
	}
	o := &Pages{Shell: s, store: store, deliveries: deliveries}
	if err := s.AddPages(templateFS, o.onboardingFuncs(), []string{"templates/parts.html"}, "templates/pages/*.html", "anbindung-"); err != nil {
		return nil, err
	}
	return o, nil
}

// phaseCount is how many cases stand in a phase with one status.
type phaseCount struct {
	Status onboarding.Status
	N      int
	Text   string
}

// onboardingFuncs are the template functions of onboarding's pages; like
// the console's they are fixed at start.
func (o *Pages) onboardingFuncs() template.FuncMap {
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
		// phaseCounts are the cases of a phase of the Umsetzungsstand by
		// status, most advanced first, each with its count: a phase is
		// green only when every ordering municipality completed it, and
		// a case stuck behind the others stays visible (finding m15).
		"phaseCounts": func(a onboarding.PhaseAggregate) []phaseCount {
			var out []phaseCount
			for _, c := range []phaseCount{{onboarding.Completed, a.Completed, "abgeschlossen"},
				{onboarding.InProgress, a.InProgress, "laufend"}, {onboarding.NotStarted, a.NotStarted, "nicht begonnen"}} {
				if c.N > 0 {
					out = append(out, c)
				}
			}
			return out
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
		"phases":      onboarding.Phases,
		"variants":    onboarding.Variants,
		"healthBadge": healthBadge,
		"telLink":     func(s string) template.URL { return template.URL(telLink(s)) },
		"statuses":    onboarding.Statuses,
		"interfaces":  onboarding.Interfaces,
		"kib":         func(n int64) string { return ui.HumanSize(n) },
		"add":         func(a, b int) int { return a + b },
		"sub":         func(a, b int) int { return a - b },
		// hasLine reports whether v is one of the lines of list.
		"hasLine": func(list, v string) bool { return slices.Contains(strings.Split(list, "\n"), v) },
	}
}

// page builds a view with onboarding's notice.
func (o *Pages) page(r *http.Request, title string, data any) *ui.View {
	return &ui.View{Title: title, Nav: "anbindung", Notice: ui.Notice(r, "onboarding"), Data: data}
}

// isMinistry reports whether the person may do act on obj in a root
// tenant (a Land): the ministry's pages.
func (o *Pages) isMinistry(r *http.Request, obj, act string) bool {
	p := authz.PrincipalFrom(r.Context())
	for _, id := range o.Authz.Tenants(p, obj, act) {
		if o.Authz.IsRoot(id) {
			return true
		}
	}
	return false
}

// requireMinistry answers 403 unless the person works for the ministry.
func (o *Pages) requireMinistry(w http.ResponseWriter, r *http.Request, obj, act string) bool {
	if o.isMinistry(r, obj, act) {
		return true
	}
	o.Forbidden(w, r, "Diese Seite ist dem Ministerium vorbehalten.")
	return false
}

// onbNav is onboarding's own navigation for the person.
type onbNav struct {
	Current  string
	Tenants  []tenant.Tenant // bodies whose cases the person sees (own memberships)
	Ministry bool
	// Rollout: the person may open the Umsetzungsstand (the ministry's
	// dashboard or the municipalities' overview).
	Rollout bool
}

func (o *Pages) nav(r *http.Request, current string) (onbNav, error) {
	n := onbNav{Current: current, Ministry: o.isMinistry(r, onboarding.ObjRollout, authz.Read)}
	n.Rollout = n.Ministry || o.Authz.AllowedAnywhere(authz.PrincipalFrom(r.Context()), onboarding.ObjRolloutOverview, authz.Read)
	ts, err := o.caseTenants(r)
	n.Tenants = ts
	return n, err
}

// sharedPage opens a page of data all bodies share (catalogue, support
// contacts, Fachverfahren, checklist templates): whoever may read obj in
// some body sees it, with the navigation marked at current. ok is false
// once it has answered (403, or the error).
func (o *Pages) sharedPage(w http.ResponseWriter, r *http.Request, obj, current string) (onbNav, bool) {
	if !o.Authz.AllowedAnywhere(authz.PrincipalFrom(r.Context()), obj, authz.Read) {
		o.Forbidden(w, r, "")
		return onbNav{}, false
	}
	nav, err := o.nav(r, current)
	if err != nil {
		o.ServerError(w, r, err)
		return onbNav{}, false
	}
	return nav, true
}

// caseTenants are the bodies of the person's memberships where they may
// read cases (not the Land).
func (o *Pages) caseTenants(r *http.Request) ([]tenant.Tenant, error) {
	u := ui.UserFrom(r)
	if u == nil {
		return nil, nil
	}
	ms, err := o.Shell.Store.Memberships(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, mb := range ms {
		if !o.Authz.IsRoot(mb.TenantID) && o.Allowed(r, mb.TenantID, onboarding.ObjCase, authz.Read) {
			ids = append(ids, mb.TenantID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return o.Shell.Store.ListTenants(r.Context(), tenant.TenantFilter{IDs: ids})
}

// ruleMessages returns the reasons of a rule violation, or nil.
func ruleMessages(err error) []string {
	var rule *onboarding.RuleError
	if errors.As(err, &rule) {
		return rule.Reasons
	}
	return nil
}
