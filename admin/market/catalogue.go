package market

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sozialplattform/admin/ui"
	"strings"

	"sozialplattform/marketplace"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// The catalogue's query parameters: search words, filters (each may
// repeat) and the order.
const (
	paramQuery = "suche"
	paramType  = "art"
	paramTopic = "thema"
	paramSort  = "sortierung" // "a-z" (default) or "z-a"
	paramFor   = "fuer"       // the body a person orders for, when several
	paramSect  = "rubrik"     // one of marketplace.Sections()
	paramBUS   = "bus"        // "1": only "Vorlage im BUS"
)

// facetLink is a filter value with the link that switches it on or off.
type facetLink struct {
	Group  string // "Art des Dienstes" or "Themenfeld"
	Value  string
	Count  int
	Active bool
	URL    string
}

// productCard is a product in the list, with what the person has done
// with it.
type productCard struct {
	marketplace.Product
	Price      string
	PriceNote  string
	OnWishlist bool
	InCart     bool
}

// shopData is what the Merkzettel and Warenkorb buttons need.
type shopData struct {
	Tenants []tenant.Tenant // all the person orders for
	Tenant  tenant.Tenant   // the one the buttons act for
}

type catalogueData struct {
	Section    string // label of the section shown; "": all
	Sections   []sectionLink
	BUS        facetLink // the "Vorlage im BUS" switch
	Query      string
	Items      []productCard
	Facets     []facetGroup
	Active     []facetLink // URL removes the filter
	ResetURL   string
	Descending bool
	SortAZ     string
	SortZA     string
	Keep       []hiddenField // the filters the search form keeps
	Shop       *shopData
	Back       string
	Nav        navLinks
	Ministry   bool
}

type hiddenField struct{ Name, Value string }

// facetGroup is one filter with its values.
type facetGroup struct {
	Name   string
	Active int // how many values are chosen
	Items  []facetLink
}

// catalogueURL builds a catalogue link for the given query.
func catalogueURL(q url.Values) string {
	if len(q) == 0 {
		return "/marktplatz/"
	}
	return "/marktplatz/?" + q.Encode()
}

func cloneValues(q url.Values) url.Values {
	out := make(url.Values, len(q))
	for k, vs := range q {
		out[k] = slices.Clone(vs)
	}
	return out
}

// toggled returns q with value added to or removed from key.
func toggled(q url.Values, key, value string) url.Values {
	out := cloneValues(q)
	vs := out[key]
	if i := slices.Index(vs, value); i >= 0 {
		vs = slices.Delete(vs, i, i+1)
	} else {
		vs = append(vs, value)
	}
	if len(vs) == 0 {
		delete(out, key)
	} else {
		out[key] = vs
	}
	return out
}

// catalogueQuery keeps only the catalogue's own, sane parameters.
func catalogueQuery(r *http.Request) url.Values {
	in := r.URL.Query()
	q := url.Values{}
	if s := strings.TrimSpace(in.Get(paramQuery)); s != "" {
		q.Set(paramQuery, truncate(s, 100))
	}
	for _, k := range []string{paramType, paramTopic} {
		for _, v := range in[k] {
			if v = strings.TrimSpace(v); v != "" && len(q[k]) < 20 && !slices.Contains(q[k], v) {
				q.Add(k, truncate(v, marketplace.MaxLabel))
			}
		}
	}
	if in.Get(paramSort) == "z-a" {
		q.Set(paramSort, "z-a")
	}
	if s := in.Get(paramSect); marketplace.SectionLabel(s) != "" {
		q.Set(paramSect, s)
	}
	if in.Get(paramBUS) == "1" {
		q.Set(paramBUS, "1")
	}
	if f := in.Get(paramFor); f != "" && len(f) <= 64 {
		q.Set(paramFor, f)
	}
	return q
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// shop returns the Merkzettel/Warenkorb context of a logged-in
// municipality, or nil.
func (m *Pages) shop(r *http.Request, want string) (*shopData, error) {
	ts, err := m.shopTenants(r, marketplace.ObjCart, authz.Update)
	if err != nil || len(ts) == 0 {
		return nil, err
	}
	d := &shopData{Tenants: ts, Tenant: ts[0]}
	for _, t := range ts {
		if t.ID == want {
			d.Tenant = t
		}
	}
	return d, nil
}

// marks returns which products are on the tenant's Merkzettel and in its
// Warenkorb.
func (m *Pages) marks(r *http.Request, s *shopData) (wish, cart map[string]bool, err error) {
	wish, cart = map[string]bool{}, map[string]bool{}
	if s == nil {
		return wish, cart, nil
	}
	wl, err := m.store.Wishlist(r.Context(), s.Tenant.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, it := range wl {
		wish[it.Product.ID] = true
	}
	c, err := m.store.Cart(r.Context(), s.Tenant.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, it := range c.Items {
		cart[it.Product.ID] = true
	}
	return wish, cart, nil
}

// priceText is the product's price today with the last day it holds.
func (m *Pages) priceText(p marketplace.Product) string {
	q := p.QuoteAt(m.store.Today())
	switch {
	case q.Undecided:
		return "noch nicht entschieden"
	case !q.Orderable:
		return "derzeit kein Preis festgelegt"
	case q.ValidUntil != nil:
		return q.Cents.String() + " (bis " + q.ValidUntil.German() + ")"
	}
	return q.Cents.String()
}

// priceNote is the hint on the product's price today ("" when none).
func (m *Pages) priceNote(p marketplace.Product) string {
	if p.FreeForState {
		return ""
	}
	return p.QuoteAt(m.store.Today()).Note
}

// sectionLink is an entry of the catalogue's section navigation.
type sectionLink struct {
	Label, URL string
	Current    bool
}

// Catalogue is the public list of products with search, filters and order.
func (m *Pages) Catalogue(w http.ResponseWriter, r *http.Request) {
	q := catalogueQuery(r)
	shop, err := m.shop(r, q.Get(paramFor))
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	c, err := m.store.ListProducts(r.Context(), marketplace.CatalogueFilter{Query: q.Get(paramQuery), Types: q[paramType],
		Topics: q[paramTopic], Descending: q.Get(paramSort) == "z-a",
		Section: q.Get(paramSect), BUS: q.Get(paramBUS) == "1"})
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	wish, cart, err := m.marks(r, shop)
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	nav, err := m.nav(r, "katalog")
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	d := catalogueData{Query: q.Get(paramQuery), Descending: q.Get(paramSort) == "z-a", Shop: shop,
		Back: catalogueURL(q), Nav: nav, Ministry: nav.Ministry}
	for _, p := range c.Items {
		d.Items = append(d.Items, productCard{Product: p, Price: m.priceText(p), PriceNote: m.priceNote(p), OnWishlist: wish[p.ID], InCart: cart[p.ID]})
	}
	d.Section = marketplace.SectionLabel(q.Get(paramSect))
	all := cloneValues(q)
	all.Del(paramSect)
	d.Sections = []sectionLink{{Label: "Alle Dienste", URL: catalogueURL(all), Current: d.Section == ""}}
	for _, s := range marketplace.Sections() {
		v := cloneValues(q)
		v.Set(paramSect, s)
		d.Sections = append(d.Sections, sectionLink{Label: marketplace.SectionLabel(s), URL: catalogueURL(v), Current: q.Get(paramSect) == s})
	}
	bus := cloneValues(q)
	if q.Get(paramBUS) == "1" {
		bus.Del(paramBUS)
	} else {
		bus.Set(paramBUS, "1")
	}
	d.BUS = facetLink{Group: "Vorlage im BUS", Value: "Vorlage im BUS", Count: c.BUSCount, Active: q.Get(paramBUS) == "1", URL: catalogueURL(bus)}
	if d.BUS.Active {
		d.Active = append(d.Active, d.BUS)
	}
	group := func(name, key string, fs []marketplace.Facet) facetGroup {
		g := facetGroup{Name: name, Items: make([]facetLink, len(fs))}
		for i, f := range fs {
			g.Items[i] = facetLink{Group: name, Value: f.Value, Count: f.Count, Active: f.Active, URL: catalogueURL(toggled(q, key, f.Value))}
			if f.Active {
				g.Active++
				d.Active = append(d.Active, g.Items[i])
			}
		}
		return g
	}
	d.Facets = []facetGroup{group("Art des Dienstes", paramType, c.Types), group("Themenfeld", paramTopic, c.Topics)}
	reset := url.Values{}
	if f := q.Get(paramFor); f != "" {
		reset.Set(paramFor, f)
	}
	d.ResetURL = catalogueURL(reset)
	az, za := cloneValues(q), cloneValues(q)
	az.Del(paramSort)
	za.Set(paramSort, "z-a")
	d.SortAZ, d.SortZA = catalogueURL(az), catalogueURL(za)
	for _, k := range []string{paramType, paramTopic, paramSort, paramFor, paramSect, paramBUS} {
		for _, v := range q[k] {
			d.Keep = append(d.Keep, hiddenField{Name: k, Value: v})
		}
	}
	m.renderPublic(w, r, http.StatusOK, "markt-katalog", m.page(r, "Marktplatz: Onlinedienste", d))
}

type productData struct {
	Product         marketplace.Product
	Price           string
	Antragsstrecken []ui.Option // key and label
	Description     []string    // paragraphs
	Shop            *shopData
	OnWishlist      bool
	InCart          bool
	Back            string
	Nav             navLinks
	Ministry        bool
}

// ProductPage shows one product; unpublished ones only to the ministry.
func (m *Pages) ProductPage(w http.ResponseWriter, r *http.Request) {
	p, err := m.store.GetProduct(r.Context(), r.PathValue("pid"))
	nav, nerr := m.nav(r, "katalog")
	if err == nil && nerr != nil {
		err = nerr
	}
	if errors.Is(err, tenant.ErrNotFound) || (err == nil && !p.Published && !nav.Ministry) {
		m.ErrorPage(w, r, http.StatusNotFound, "Produkt nicht gefunden", ui.ErrorData{
			Heading: "Produkt nicht gefunden", Text: "Dieses Produkt gibt es nicht oder nicht mehr im Katalog.",
			Back: "/marktplatz/", BackTo: "Zum Katalog"})
		return
	}
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	shop, err := m.shop(r, r.URL.Query().Get(paramFor))
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	wish, cart, err := m.marks(r, shop)
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	labels, err := m.store.AntragsstreckenLabels(r.Context())
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	d := productData{Product: *p, Price: m.priceText(*p), Shop: shop, OnWishlist: wish[p.ID], InCart: cart[p.ID],
		Back: "/marktplatz/produkte/" + p.Number, Nav: nav, Ministry: nav.Ministry}
	for _, k := range p.Antragsstrecken {
		d.Antragsstrecken = append(d.Antragsstrecken, ui.Option{Value: k, Label: streckeLabel(labels, k)})
	}
	for _, para := range strings.Split(p.Description, "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			d.Description = append(d.Description, para)
		}
	}
	m.renderPublic(w, r, http.StatusOK, "markt-produkt", m.page(r, p.Name, d))
}

// streckeLabel returns the catalogue's label of an Antragsstrecke, or its key.
func streckeLabel(labels map[string]string, key string) string {
	if l := labels[key]; l != "" {
		return l
	}
	return strings.ToUpper(key)
}

// Terms shows the marketplace's terms of use.
func (m *Pages) Terms(w http.ResponseWriter, r *http.Request) {
	m.renderStatic(w, r, "markt-nutzungsbedingungen", "Nutzungsbedingungen des Marktplatzes")
}
