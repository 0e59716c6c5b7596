package admin

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"sozialplattform/marketplace"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// marketConsole serves the marketplace's pages: the public catalogue and
// registration under /marktplatz/ and the console pages under
// /admin/marktplatz/. It shares the console's templates, sessions, access
// checks and error pages.
type marketConsole struct {
	*Console
	store *marketplace.Store
}

// RegisterMarketplace adds the marketplace's pages to mux. Call it once at
// start, after New and before serving: it adds the marketplace's page
// templates to the console's set.
func (c *Console) RegisterMarketplace(mux *http.ServeMux, store *marketplace.Store) error {
	if store == nil {
		return errors.New("admin: marketplace store is required")
	}
	if err := c.addPages(c.parseMarketTemplates()); err != nil {
		return err
	}
	m := &marketConsole{Console: c, store: store}

	// Public: catalogue, product pages, registration and its confirmation.
	mux.HandleFunc("GET /marktplatz/{$}", m.public(m.catalogue))
	mux.HandleFunc("GET /marktplatz/produkte/{pid}", m.public(m.productPage))
	mux.HandleFunc("GET /marktplatz/registrierung", m.public(m.registrationForm))
	mux.HandleFunc("POST /marktplatz/registrierung", m.public(m.register))
	mux.HandleFunc("GET /marktplatz/registrierung/eingegangen", m.public(m.registrationReceived))
	mux.HandleFunc("GET /marktplatz/registrierung/bestaetigen/{token}", m.public(m.confirmForm))
	mux.HandleFunc("POST /marktplatz/registrierung/bestaetigen/{token}", m.public(m.confirm))
	mux.HandleFunc("GET /marktplatz/nutzungsbedingungen", m.public(m.terms))
	mux.HandleFunc("GET /marktplatz", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/marktplatz/", http.StatusMovedPermanently)
	})

	// A municipality: Merkzettel, Warenkorb, orders.
	mux.HandleFunc("GET /admin/marktplatz/{$}", c.user(m.hub))
	mux.HandleFunc("GET /admin/koerperschaften/{id}/merkzettel", c.user(m.wishlistPage))
	mux.HandleFunc("POST /admin/koerperschaften/{id}/merkzettel", c.userForm(m.addToWishlist))
	mux.HandleFunc("POST /admin/koerperschaften/{id}/merkzettel/{pid}/entfernen", c.userForm(m.removeFromWishlist))
	mux.HandleFunc("GET /admin/koerperschaften/{id}/warenkorb", c.user(m.cartPage))
	mux.HandleFunc("POST /admin/koerperschaften/{id}/warenkorb", c.userForm(m.addToCart))
	mux.HandleFunc("POST /admin/koerperschaften/{id}/warenkorb/{pid}/menge", c.userForm(m.setQuantity))
	mux.HandleFunc("POST /admin/koerperschaften/{id}/warenkorb/{pid}/entfernen", c.userForm(m.removeFromCart))
	mux.HandleFunc("POST /admin/koerperschaften/{id}/bestellen", c.userForm(m.placeOrder))
	mux.HandleFunc("GET /admin/koerperschaften/{id}/bestellungen", c.user(m.tenantOrdersPage))

	// Orders by their own ID (municipality and ministry), the ministry's lists.
	mux.HandleFunc("GET /admin/marktplatz/bestellungen", c.user(m.ordersPage))
	mux.HandleFunc("GET /admin/marktplatz/bestellungen/export.csv", c.user(m.ordersCSV))
	mux.HandleFunc("GET /admin/marktplatz/bestellungen/{oid}", c.user(m.orderPage))
	mux.HandleFunc("POST /admin/marktplatz/bestellungen/{oid}/stand", c.userForm(m.changeOrderState))
	mux.HandleFunc("GET /admin/marktplatz/produkte", c.user(m.productsPage))
	mux.HandleFunc("GET /admin/marktplatz/produkte/neu", c.user(m.newProductForm))
	mux.HandleFunc("POST /admin/marktplatz/produkte/neu", c.userForm(m.createProduct))
	mux.HandleFunc("GET /admin/marktplatz/produkte/{pid}", c.user(m.editProductForm))
	mux.HandleFunc("POST /admin/marktplatz/produkte/{pid}", c.userForm(m.updateProduct))
	mux.HandleFunc("POST /admin/marktplatz/produkte/{pid}/veroeffentlichung", c.userForm(m.togglePublished))
	mux.HandleFunc("GET /admin/marktplatz/registrierungen", c.user(m.registrationsPage))
	mux.HandleFunc("GET /admin/marktplatz/registrierungen/{rid}", c.user(m.registrationPage))
	mux.HandleFunc("POST /admin/marktplatz/registrierungen/{rid}/freischalten", c.userForm(m.activate))
	mux.HandleFunc("POST /admin/marktplatz/registrierungen/{rid}/ablehnen", c.userForm(m.reject))
	return nil
}

// parseMarketTemplates parses the marketplace's pages
// (templates/market/pages/*.html) each into a clone of the layout, the
// shared form parts and the marketplace's parts; page names get the
// prefix "markt-".
func (c *Console) parseMarketTemplates() (map[string]*page, error) {
	base, err := template.New("layout").Funcs(c.funcs()).ParseFS(templateFS,
		"templates/layout.html", "templates/parts.html", "templates/market/parts.html")
	if err != nil {
		return nil, fmt.Errorf("admin marketplace templates: %w", err)
	}
	return parsePages(base, "templates/market/pages/*.html", "markt-")
}

// marketNotices are the confirmations of the marketplace's pages, named by
// ?hinweis= after a redirect.
var marketNotices = map[string]string{
	"merkzettel":          "Das Produkt steht auf dem Merkzettel.",
	"merkzettel-entfernt": "Das Produkt wurde vom Merkzettel genommen.",
	"warenkorb":           "Das Produkt liegt im Warenkorb.",
	"menge":               "Die Menge wurde geändert.",
	"warenkorb-entfernt":  "Das Produkt wurde aus dem Warenkorb genommen.",
	"bestellt":            "Vielen Dank, Ihre Bestellung ist eingegangen. Die Bestätigung geht per E-Mail an Ihr Funktionspostfach und an das Ministerium.",
	"stand":               "Der Stand der Bestellung wurde geändert.",
	"produkt-angelegt":    "Das Produkt wurde angelegt.",
	"gespeichert":         "Die Änderungen wurden gespeichert.",
	"veroeffentlicht":     "Das Produkt steht jetzt im öffentlichen Katalog.",
	"zurueckgezogen":      "Das Produkt wurde aus dem öffentlichen Katalog genommen.",
	"freigeschaltet":      "Die Registrierung ist freigeschaltet: Die Körperschaft und die Einladung ihrer ersten Administration sind angelegt, die E-Mails stehen im Postausgang.",
	"abgelehnt":           "Die Registrierung wurde abgelehnt; die Begründung geht per E-Mail an das Funktionspostfach.",
}

// page builds a view with the marketplace's notice.
func (m *marketConsole) page(r *http.Request, title string, data any) *view {
	return &view{Title: title, Nav: "marktplatz", Notice: marketNotices[r.URL.Query().Get("hinweis")], Data: data}
}

// public wraps a page anyone may see: a logged-in person is recognised
// (for the Merkzettel and Warenkorb buttons), nobody is sent to log in.
func (m *marketConsole) public(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := authz.PrincipalFrom(r.Context())
		if p.UserID != "" {
			u, err := m.Console.store.GetUser(r.Context(), p.UserID)
			if err == nil && u.Active {
				r = r.WithContext(context.WithValue(r.Context(), userKey{}, u))
			} else if err != nil && !errors.Is(err, tenant.ErrNotFound) {
				m.serverError(w, r, err)
				return
			}
		}
		h(w, r)
	}
}

// renderPublic renders a public page: with the person's navigation when
// logged in, with a form token in an anonymous session otherwise.
func (m *marketConsole) renderPublic(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	if userFrom(r) == nil {
		tok, err := m.formToken(w, r)
		if err != nil {
			m.serverError(w, r, err)
			return
		}
		v.CSRF = tok
	}
	m.render(w, r, status, page, v)
}

// isMinistry reports whether the person may do act on obj in a root
// tenant (a Land): products, registrations and all orders.
func (m *marketConsole) isMinistry(r *http.Request, obj, act string) bool {
	p := authz.PrincipalFrom(r.Context())
	for _, id := range m.authz.Tenants(p, obj, act) {
		if m.authz.IsRoot(id) {
			return true
		}
	}
	return false
}

// requireMinistry answers 403 unless the person works for the ministry.
func (m *marketConsole) requireMinistry(w http.ResponseWriter, r *http.Request, obj, act string) bool {
	if m.isMinistry(r, obj, act) {
		return true
	}
	m.forbidden(w, r, "Diese Seite ist dem Ministerium vorbehalten.")
	return false
}

// shopTenants are the bodies the person orders for: those where a
// membership lets them do act on obj (the Warenkorb to fill, the orders
// to read), never the Land itself.
func (m *marketConsole) shopTenants(r *http.Request, obj, act string) ([]tenant.Tenant, error) {
	u := userFrom(r)
	if u == nil {
		return nil, nil
	}
	ms, err := m.Console.store.Memberships(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, mb := range ms {
		if !m.authz.IsRoot(mb.TenantID) && m.allowed(r, mb.TenantID, obj, act) {
			ids = append(ids, mb.TenantID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return m.Console.store.ListTenants(r.Context(), tenant.TenantFilter{IDs: ids})
}

// marketTenant loads the tenant of the path's {id} for a marketplace page:
// 404 when unknown or outside the person's area, 403 without obj/act.
func (m *marketConsole) marketTenant(w http.ResponseWriter, r *http.Request, obj, act string) (*tenant.Tenant, bool) {
	return m.tenantByID(w, r, r.PathValue("id"), obj, act)
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

func (m *marketConsole) nav(r *http.Request, current string) (navLinks, error) {
	n := navLinks{Current: current, Ministry: m.isMinistry(r, marketplace.ObjProduct, authz.Update)}
	ts, err := m.shopTenants(r, marketplace.ObjOrder, authz.Read)
	if err != nil {
		return n, err
	}
	n.Tenants = ts
	for _, t := range ts {
		if m.allowed(r, t.ID, marketplace.ObjCart, authz.Update) {
			n.Shop = append(n.Shop, t.ID)
		}
	}
	return n, nil
}

// hub is the marketplace's start page in the console.
func (m *marketConsole) hub(w http.ResponseWriter, r *http.Request) {
	nav, err := m.nav(r, "start")
	if err != nil {
		m.serverError(w, r, err)
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
			m.serverError(w, r, err)
			return
		}
		orders, err := m.store.ListOrders(r.Context(), marketplace.OrderFilter{State: marketplace.OrderReceived})
		if err != nil {
			m.serverError(w, r, err)
			return
		}
		d.Confirmed, d.Received = len(regs), len(orders)
	}
	m.render(w, r, http.StatusOK, "markt-start", m.page(r, "Marktplatz", d))
}

// contains reports whether id is one of the tenants'.
func contains(ts []tenant.Tenant, id string) bool {
	return slices.ContainsFunc(ts, func(t tenant.Tenant) bool { return t.ID == id })
}

// longText reads a trimmed multi-line field (a reason, a description) of
// at most max characters and keeps it; line breaks and tabs are allowed,
// other control characters are not.
func (f *form) longText(r *http.Request, id string, max int) string {
	v := strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get(id), "\r\n", "\n"))
	f.Values[id] = v
	switch {
	case len([]rune(v)) > max:
		f.Add(id, fmt.Sprintf("Bitte geben Sie höchstens %d Zeichen ein.", max))
	case !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
		f.Add(id, "Bitte verwenden Sie keine Steuerzeichen.")
	}
	return v
}
