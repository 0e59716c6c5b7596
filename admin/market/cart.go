package market

import (
	"errors"
	"net/http"
	"sozialplattform/admin/ui"
	"strconv"
	"strings"

	"sozialplattform/marketplace"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

type wishlistData struct {
	Tenant  *tenant.Tenant
	Items   []marketplace.WishlistItem
	InCart  map[string]bool
	CanEdit bool
	CanCart bool
	Nav     navLinks
}

func (m *Pages) WishlistPage(w http.ResponseWriter, r *http.Request) {
	t, ok := m.marketTenant(w, r, marketplace.ObjWishlist, authz.Read)
	if !ok {
		return
	}
	items, err := m.store.Wishlist(r.Context(), t.ID)
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	c, err := m.store.Cart(r.Context(), t.ID)
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	nav, err := m.nav(r, "merkzettel:"+t.ID)
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	d := wishlistData{Tenant: t, Items: items, InCart: map[string]bool{}, Nav: nav,
		CanEdit: m.Allowed(r, t.ID, marketplace.ObjWishlist, authz.Delete),
		CanCart: m.Allowed(r, t.ID, marketplace.ObjCart, authz.Update)}
	for _, it := range c.Items {
		d.InCart[it.Product.ID] = true
	}
	m.Render(w, r, http.StatusOK, "markt-merkzettel", m.page(r, "Merkzettel", d))
}

// buttonDone redirects after a Merkzettel or Warenkorb button back to the
// page it was pressed on, or answers a refusal with an error page.
func (m *Pages) buttonDone(w http.ResponseWriter, r *http.Request, err error, fallback, notice string) {
	switch {
	case err == nil:
		ui.SeeOther(w, r, safeBack(r.PostForm.Get("zurueck"), fallback), notice)
	case errors.Is(err, tenant.ErrNotFound):
		m.ErrorPage(w, r, http.StatusNotFound, "Produkt nicht gefunden", ui.ErrorData{Heading: "Produkt nicht gefunden",
			Text: "Dieses Produkt gibt es nicht oder nicht mehr.", Back: "/marktplatz/", BackTo: "Zum Katalog"})
	case refusal(err) != "":
		m.ErrorPage(w, r, statusOf(err), "Nicht möglich", ui.ErrorData{Heading: "Nicht möglich", Text: refusal(err),
			Back: safeBack(r.PostForm.Get("zurueck"), fallback), BackTo: "Zurück"})
	default:
		var fe tenant.FieldErrors
		if errors.As(err, &fe) {
			m.ErrorPage(w, r, http.StatusUnprocessableEntity, "Nicht möglich", ui.ErrorData{Heading: "Nicht möglich",
				Text: ui.FieldText(fe[0]), Back: safeBack(r.PostForm.Get("zurueck"), fallback), BackTo: "Zurück"})
			return
		}
		m.ServerError(w, r, err)
	}
}

func (m *Pages) AddToWishlist(w http.ResponseWriter, r *http.Request) {
	t, ok := m.marketTenant(w, r, marketplace.ObjWishlist, authz.Create)
	if !ok {
		return
	}
	err := m.store.AddToWishlist(r.Context(), t.ID, r.PostForm.Get("produkt"))
	m.buttonDone(w, r, err, "/admin/koerperschaften/"+t.ID+"/merkzettel", "merkzettel")
}

func (m *Pages) RemoveFromWishlist(w http.ResponseWriter, r *http.Request) {
	t, ok := m.marketTenant(w, r, marketplace.ObjWishlist, authz.Delete)
	if !ok {
		return
	}
	if !m.Confirmed(w, r, ui.Confirmation{Heading: "Vom Merkzettel entfernen?",
		Text:   "Der Dienst wird vom Merkzettel von " + t.Name + " entfernt.",
		Button: "Ja, entfernen", Back: safeBack(r.PostForm.Get("zurueck"), "/admin/koerperschaften/"+t.ID+"/merkzettel")}) {
		return
	}
	err := m.store.RemoveFromWishlist(r.Context(), t.ID, r.PathValue("pid"))
	m.buttonDone(w, r, err, "/admin/koerperschaften/"+t.ID+"/merkzettel", "merkzettel-entfernt")
}

type cartData struct {
	Tenant   *tenant.Tenant
	Cart     *marketplace.Cart
	Problem  string
	CanEdit  bool
	CanOrder bool
	Today    marketplace.Day
	Nav      navLinks
}

func (m *Pages) CartPage(w http.ResponseWriter, r *http.Request) {
	t, ok := m.marketTenant(w, r, marketplace.ObjCart, authz.Read)
	if !ok {
		return
	}
	m.renderCart(w, r, http.StatusOK, t, "")
}

func (m *Pages) renderCart(w http.ResponseWriter, r *http.Request, status int, t *tenant.Tenant, problem string) {
	c, err := m.store.Cart(r.Context(), t.ID)
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	nav, err := m.nav(r, "warenkorb:"+t.ID)
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	m.Render(w, r, status, "markt-warenkorb", m.page(r, "Warenkorb", cartData{Tenant: t, Cart: c, Problem: problem, Nav: nav, Today: m.store.Today(),
		CanEdit:  m.Allowed(r, t.ID, marketplace.ObjCart, authz.Update),
		CanOrder: m.Allowed(r, t.ID, marketplace.ObjOrder, authz.Create)}))
}

func (m *Pages) AddToCart(w http.ResponseWriter, r *http.Request) {
	t, ok := m.marketTenant(w, r, marketplace.ObjCart, authz.Update)
	if !ok {
		return
	}
	_, err := m.store.AddToCart(r.Context(), t.ID, r.PostForm.Get("produkt"))
	m.buttonDone(w, r, err, "/admin/koerperschaften/"+t.ID+"/warenkorb", "warenkorb")
}

func (m *Pages) SetQuantity(w http.ResponseWriter, r *http.Request) {
	t, ok := m.marketTenant(w, r, marketplace.ObjCart, authz.Update)
	if !ok {
		return
	}
	q, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("menge")))
	if err != nil {
		m.renderCart(w, r, http.StatusUnprocessableEntity, t, "Bitte geben Sie die Menge als Zahl von 1 bis 99 an.")
		return
	}
	_, err = m.store.SetCartItem(r.Context(), t.ID, r.PathValue("pid"), q)
	var fe tenant.FieldErrors
	switch {
	case errors.As(err, &fe):
		m.renderCart(w, r, http.StatusUnprocessableEntity, t, ui.FieldText(fe[0]))
	case refusal(err) != "":
		m.renderCart(w, r, statusOf(err), t, refusal(err))
	default:
		m.buttonDone(w, r, err, "/admin/koerperschaften/"+t.ID+"/warenkorb", "menge")
	}
}

func (m *Pages) RemoveFromCart(w http.ResponseWriter, r *http.Request) {
	t, ok := m.marketTenant(w, r, marketplace.ObjCart, authz.Delete)
	if !ok {
		return
	}
	if !m.Confirmed(w, r, ui.Confirmation{Heading: "Aus dem Warenkorb entfernen?",
		Text:   "Der Dienst wird aus dem Warenkorb von " + t.Name + " entfernt.",
		Button: "Ja, entfernen", Back: "/admin/koerperschaften/" + t.ID + "/warenkorb"}) {
		return
	}
	_, err := m.store.RemoveFromCart(r.Context(), t.ID, r.PathValue("pid"))
	m.buttonDone(w, r, err, "/admin/koerperschaften/"+t.ID+"/warenkorb", "warenkorb-entfernt")
}

// PlaceOrder orders the Warenkorb in the version the page showed, so that
// a second click or a second tab yields no second order.
func (m *Pages) PlaceOrder(w http.ResponseWriter, r *http.Request) {
	t, ok := m.marketTenant(w, r, marketplace.ObjOrder, authz.Create)
	if !ok {
		return
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || version < 1 {
		m.renderCart(w, r, http.StatusUnprocessableEntity, t, "Der Stand des Warenkorbs fehlt. Bitte laden Sie die Seite neu und bestellen Sie dann.")
		return
	}
	o, err := m.store.PlaceOrder(r.Context(), t.ID, version)
	switch {
	case err == nil:
		ui.SeeOther(w, r, "/admin/marktplatz/bestellungen/"+o.ID, "bestellt")
	case refusal(err) != "":
		m.renderCart(w, r, statusOf(err), t, refusal(err))
	default:
		m.ServerError(w, r, err)
	}
}

type ordersData struct {
	Tenant   *tenant.Tenant // nil: the ministry's list of all
	Orders   []marketplace.Order
	Form     *ui.Form
	States   []ui.Option
	Filtered bool
	CSVURL   string
	Nav      navLinks
}

func (m *Pages) TenantOrdersPage(w http.ResponseWriter, r *http.Request) {
	t, ok := m.marketTenant(w, r, marketplace.ObjOrder, authz.Read)
	if !ok {
		return
	}
	orders, err := m.store.ListOrders(r.Context(), marketplace.OrderFilter{TenantIDs: []string{t.ID}})
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	nav, err := m.nav(r, "bestellungen:"+t.ID)
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	m.Render(w, r, http.StatusOK, "markt-bestellungen", m.page(r, "Bestellungen von "+t.Name,
		ordersData{Tenant: t, Orders: orders, Form: ui.NewForm(), Nav: nav}))
}
