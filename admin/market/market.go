package market

import (
	"embed"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sozialplattform/admin/ui"
	"strings"

	"sozialplattform/marketplace"
	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// Pages serves the marketplace's pages: the public catalogue and
// registration under /marktplatz/ and the console pages under
// /admin/marktplatz/. It shares the console's templates, sessions, access
// checks and error pages (ui.Shell); its routes are in admin/routes.go.
type Pages struct {
	*ui.Shell
	store *marketplace.Store
	// cases, when onboarding is wired, lists the onboarding cases an
	// order opened, so that the order page leads to them (finding m5).
	cases *onboarding.Store
}

// WithOnboarding lets the order pages list and link the onboarding cases
// each order opened. Call it once at start, before serving.
func (m *Pages) WithOnboarding(s *onboarding.Store) { m.cases = s }

//go:embed templates
var templateFS embed.FS

// New returns the marketplace's pages. Call it once at start, before
// serving: it adds the marketplace's page templates
// (templates/pages/*.html, each with the marketplace's parts; page names
// get the prefix "markt-") to the shell's set.
func New(s *ui.Shell, store *marketplace.Store) (*Pages, error) {
	if store == nil {
		return nil, errors.New("admin: marketplace store is required")
	}
	if err := s.AddPages(templateFS, nil, []string{"templates/parts.html"}, "templates/pages/*.html", "markt-"); err != nil {
		return nil, err
	}
	return &Pages{Shell: s, store: store}, nil
}

// page builds a view with the marketplace's notice.
func (m *Pages) page(r *http.Request, title string, data any) *ui.View {
	return &ui.View{Title: title, Nav: "marktplatz", Notice: ui.Notice(r, "market"), Data: data}
}

// Public wraps a page anyone may see: a logged-in person is recognised
// (for the Merkzettel and Warenkorb buttons), nobody is sent to log in.
func (m *Pages) Public(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := authz.PrincipalFrom(r.Context())
		if p.UserID != "" {
			u, err := m.Shell.Store.GetUser(r.Context(), p.UserID)
			if err == nil && u.Active {
				r = ui.WithUser(r, u)
			} else if err != nil && !errors.Is(err, tenant.ErrNotFound) {
				m.ServerError(w, r, err)
				return
			}
		}
		h(w, r)
	}
}

// renderPublic renders a public page: with the person's navigation when
// logged in, with a form token in an anonymous session otherwise.
func (m *Pages) renderPublic(w http.ResponseWriter, r *http.Request, status int, page string, v *ui.View) {
	if ui.UserFrom(r) == nil {
		tok, err := m.FormToken(w, r)
		if err != nil {
			m.ServerError(w, r, err)
			return
		}
		v.CSRF = tok
	}
	m.Render(w, r, status, page, v)
}

// isMinistry reports whether the person may do act on obj in a root
// tenant (a Land): products, registrations and all orders.
func (m *Pages) isMinistry(r *http.Request, obj, act string) bool {
	p := authz.PrincipalFrom(r.Context())
	for _, id := range m.Authz.Tenants(p, obj, act) {
		if m.Authz.IsRoot(id) {
			return true
		}
	}
	return false
}

// requireMinistry answers 403 unless the person works for the ministry.
func (m *Pages) requireMinistry(w http.ResponseWriter, r *http.Request, obj, act string) bool {
	if m.isMinistry(r, obj, act) {
		return true
	}
	m.Forbidden(w, r, "Diese Seite ist dem Ministerium vorbehalten.")
	return false
}

// shopTenants are the bodies the person orders for: those where a
// membership lets them do act on obj (the Warenkorb to fill, the orders
// to read), never the Land itself.
func (m *Pages) shopTenants(r *http.Request, obj, act string) ([]tenant.Tenant, error) {
	u := ui.UserFrom(r)
	if u == nil {
		return nil, nil
	}
	ms, err := m.Shell.Store.Memberships(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, mb := range ms {
		if !m.Authz.IsRoot(mb.TenantID) && m.Allowed(r, mb.TenantID, obj, act) {
			ids = append(ids, mb.TenantID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return m.Shell.Store.ListTenants(r.Context(), tenant.TenantFilter{IDs: ids})
}

// marketTenant loads the tenant of the path's {id} for a marketplace page:
// 404 when unknown or outside the person's area, 403 without obj/act.
func (m *Pages) marketTenant(w http.ResponseWriter, r *http.Request, obj, act string) (*tenant.Tenant, bool) {
	return m.TenantByID(w, r, r.PathValue("id"), obj, act)
}

// safeBack accepts only a marketplace page of this site as the page to
// return to after a button; anything else becomes fallback.
func safeBack(back, fallback string) string {
	if back == "" || len(back) > 2000 || strings.ContainsAny(back, "\\\r\n\t") ||
		!(strings.HasPrefix(back, "/marktplatz/") || strings.HasPrefix(back, "/admin/marktplatz/") || strings.HasPrefix(back, "/admin/koerperschaften/")) {
		return fallback
	}
	u, err := url.Parse(back)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fallback
	}
	u.RawQuery = withoutNotice(u.Query()).Encode()
	return u.String()
}

func withoutNotice(q url.Values) url.Values {
	q.Del("hinweis")
	return q
}

// refusal returns the message of a marketplace refusal, or "".
func refusal(err error) string {
	var e *marketplace.Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return ""
}

// statusOf is the HTTP status a marketplace refusal is answered with.
func statusOf(err error) int {
	switch {
	case errors.Is(err, marketplace.ErrDuplicate), errors.Is(err, tenant.ErrStaleVersion):
		return http.StatusConflict
	case errors.Is(err, marketplace.ErrLinkGone):
		return http.StatusGone
	case errors.Is(err, tenant.ErrNotFound):
		return http.StatusNotFound
	}
	return http.StatusUnprocessableEntity
}

// navLinks is the marketplace's own navigation for the person: the
// catalogue, and the pages their role has.
type navLinks struct {
	Current  string
	Tenants  []tenant.Tenant // bodies whose orders the person sees
	Shop     []string        // IDs of those whose Warenkorb the person fills
	Ministry bool
}

// Shops reports whether the person fills the Warenkorb of the tenant.
func (n navLinks) Shops(id string) bool { return slices.Contains(n.Shop, id) }

func (m *Pages) nav(r *http.Request, current string) (navLinks, error) {
	n := navLinks{Current: current, Ministry: m.isMinistry(r, marketplace.ObjProduct, authz.Update)}
	ts, err := m.shopTenants(r, marketplace.ObjOrder, authz.Read)
	if err != nil {
		return n, err
	}
	n.Tenants = ts
	for _, t := range ts {
		if m.Allowed(r, t.ID, marketplace.ObjCart, authz.Update) {
			n.Shop = append(n.Shop, t.ID)
		}
	}
	return n, nil
}

// Hub is the marketplace's start page in the console.
func (m *Pages) Hub(w http.ResponseWriter, r *http.Request) {
	nav, err := m.nav(r, "start")
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	type hubData struct {
		Nav                 navLinks
		Confirmed, Received int
	}
	d := hubData{Nav: nav}
	if nav.Ministry {
		regs, err := m.store.ListRegistrations(r.Context(), marketplace.RegistrationFilter{State: marketplace.RegistrationConfirmed})
		if err != nil {
			m.ServerError(w, r, err)
			return
		}
		orders, err := m.store.ListOrders(r.Context(), marketplace.OrderFilter{State: marketplace.OrderReceived})
		if err != nil {
			m.ServerError(w, r, err)
			return
		}
		d.Confirmed, d.Received = len(regs), len(orders)
	}
	m.Render(w, r, http.StatusOK, "markt-start", m.page(r, "Marktplatz", d))
}
