package market

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"sozialplattform/admin/ui"
	"strconv"
	"strings"

	"sozialplattform/marketplace"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

type productsData struct {
	Items      []productCard
	Nav        navLinks
	Ending     bool // only products whose price ends soon (?preise=enden)
	EndingDays int
}

// ProductsPage is the ministry's list of all products.
func (m *Pages) ProductsPage(w http.ResponseWriter, r *http.Request) {
	if !m.requireMinistry(w, r, marketplace.ObjProduct, authz.Read) {
		return
	}
	f := marketplace.CatalogueFilter{All: true}
	ending := r.URL.Query().Get("preise") == "enden"
	if ending {
		// The same published products the start page's queue counts.
		f.All = false
		f.PricesEndingFrom, f.PricesEndingTo = m.store.Today(), m.store.PriceEndingHorizon()
	}
	c, err := m.store.ListProducts(r.Context(), f)
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	nav, err := m.nav(r, "produkte")
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	d := productsData{Nav: nav, Ending: ending, EndingDays: marketplace.PriceEndingDays}
	for _, p := range c.Items {
		d.Items = append(d.Items, productCard{Product: p, Price: m.priceText(p), PriceNote: m.priceNote(p)})
	}
	m.Render(w, r, http.StatusOK, "markt-produkte", m.page(r, "Produkte", d))
}

// priceRow is one line of the price table on the product form.
type priceRow struct {
	Index                  int
	FromID, UntilID, AmtID string
}

type productFormData struct {
	Product    *marketplace.Product // nil: a new product
	Form       *ui.Form
	Strecken   []ui.Option // the catalogue of Antragsstrecken; nil: free text
	Sections   []ui.Option
	PriceAfter []ui.Option
	Selected   []string
	Prices     []priceRow
	Problem    string
	Nav        navLinks
}

// priceRows is how many price lines the form offers: those stored plus
// two empty ones.
func priceRows(n int) []priceRow {
	out := make([]priceRow, n+2)
	for i := range out {
		out[i] = priceRow{Index: i, FromID: fmt.Sprintf("preis-%d-von", i), UntilID: fmt.Sprintf("preis-%d-bis", i), AmtID: fmt.Sprintf("preis-%d-betrag", i)}
	}
	return out
}

// productFormFields maps the store's field names to the form's ids.
func productFormID(field string) string {
	if id, ok := map[string]string{"number": "number", "name": "name", "shortDescription": "shortDescription",
		"description": "description", "serviceType": "serviceType", "topic": "topic", "ozgId": "ozgId",
		"previewUrl": "previewUrl", "antragsstrecken": "antragsstrecken", "section": "section", "priceAfter": "priceAfter"}[field]; ok {
		return id
	}
	if m := priceField.FindStringSubmatch(field); m != nil {
		return "preis-" + m[1] + "-" + map[string]string{"validFrom": "von", "validUntil": "bis", "amountCents": "betrag"}[m[2]]
	}
	if strings.HasPrefix(field, "antragsstrecken[") {
		return "antragsstrecken"
	}
	return ""
}

var priceField = regexp.MustCompile(`^prices\[(\d+)\]\.(validFrom|validUntil|amountCents)$`)

func (m *Pages) strecken(r *http.Request) ([]ui.Option, error) {
	labels, err := m.store.AntragsstreckenLabels(r.Context())
	if err != nil || labels == nil {
		return nil, err
	}
	out := make([]ui.Option, 0, len(labels))
	for k, l := range labels {
		out = append(out, ui.Option{Value: k, Label: l})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out, nil
}

func (m *Pages) renderProductForm(w http.ResponseWriter, r *http.Request, status int, d productFormData) {
	var err error
	if d.Strecken, err = m.strecken(r); err != nil {
		m.ServerError(w, r, err)
		return
	}
	for _, s := range marketplace.Sections() {
		d.Sections = append(d.Sections, ui.Option{Value: s, Label: marketplace.SectionLabel(s)})
	}
	d.PriceAfter = []ui.Option{{Value: "", Label: "Nicht festgelegt – das Ministerium wird 60 Tage vor Ende gewarnt; danach nicht bestellbar"},
		{Value: marketplace.PriceAfterOrderable, Label: "Noch nicht entschieden – bestellbar, mit deutlichem Hinweis"},
		{Value: marketplace.PriceAfterClosed, Label: "Noch nicht entschieden – nicht bestellbar, bis ein Preis feststeht"}}
	if d.Form.Get("section") == "" {
		d.Form.Set("section", marketplace.SectionOnline)
	}
	if d.Nav, err = m.nav(r, "produkte"); err != nil {
		m.ServerError(w, r, err)
		return
	}
	title := "Neues Produkt"
	if d.Product != nil {
		title = "Produkt " + d.Product.Number
	}
	m.Render(w, r, status, "markt-produkt-bearbeiten", m.page(r, title, d))
}

func (m *Pages) NewProductForm(w http.ResponseWriter, r *http.Request) {
	if !m.requireMinistry(w, r, marketplace.ObjProduct, authz.Create) {
		return
	}
	f := ui.NewForm()
	f.Set("serviceType", "EfA-Dienst")
	until := marketplace.Day("2026-12-31")
	fillPrices(f, []marketplace.Price{{ValidFrom: marketplace.Day(m.store.Today()), ValidUntil: &until}})
	m.renderProductForm(w, r, http.StatusOK, productFormData{Form: f, Prices: priceRows(1)})
}

func (m *Pages) EditProductForm(w http.ResponseWriter, r *http.Request) {
	if !m.requireMinistry(w, r, marketplace.ObjProduct, authz.Update) {
		return
	}
	p, err := m.store.GetProduct(r.Context(), r.PathValue("pid"))
	if errors.Is(err, tenant.ErrNotFound) {
		m.NotFound(w, r)
		return
	}
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	f := ui.NewForm()
	for id, v := range map[string]string{"number": p.Number, "name": p.Name, "shortDescription": p.ShortDescription,
		"description": p.Description, "serviceType": p.ServiceType, "topic": p.Topic, "ozgId": p.OZGID,
		"previewUrl": p.PreviewURL, "antragsstrecken": strings.Join(p.Antragsstrecken, ", "), "version": strconv.Itoa(p.Version)} {
		f.Set(id, v)
	}
	if p.FreeForState {
		f.Set("freeForState", "1")
	}
	if p.BUSTemplate {
		f.Set("busTemplate", "1")
	}
	f.Set("section", p.Section)
	f.Set("priceAfter", p.PriceAfter)
	if p.Published {
		f.Set("published", "1")
	}
	fillPrices(f, p.Prices)
	m.renderProductForm(w, r, http.StatusOK, productFormData{Product: p, Form: f, Selected: p.Antragsstrecken, Prices: priceRows(len(p.Prices))})
}

// fillPrices puts a price list into the form's price lines.
func fillPrices(f *ui.Form, prices []marketplace.Price) {
	for i, p := range prices {
		f.Set(fmt.Sprintf("preis-%d-von", i), string(p.ValidFrom))
		if p.ValidUntil != nil {
			f.Set(fmt.Sprintf("preis-%d-bis", i), string(*p.ValidUntil))
		}
		f.Set(fmt.Sprintf("preis-%d-betrag", i), p.AmountCents.Number())
	}
}

// readProduct reads the product form into a patch with every field set.
func (m *Pages) readProduct(r *http.Request, f *ui.Form) (marketplace.ProductPatch, []string, int) {
	str := func(id string, max int) *string { v := f.Text(r, id, max); return &v }
	long := func(id string, max int) *string { v := f.LongText(r, id, max); return &v }
	flag := func(id string) *bool {
		v := r.PostForm.Get(id) == "1"
		if v {
			f.Set(id, "1")
		}
		return &v
	}
	p := marketplace.ProductPatch{Number: str("number", 20), Name: str("name", marketplace.MaxProductName),
		ShortDescription: long("shortDescription", marketplace.MaxShortDesc), Description: long("description", marketplace.MaxDescription),
		ServiceType: str("serviceType", marketplace.MaxLabel), Topic: str("topic", marketplace.MaxLabel), OZGID: str("ozgId", 10),
		PreviewURL: str("previewUrl", marketplace.MaxURL), FreeForState: flag("freeForState"), Published: flag("published"),
		Section: str("section", 20), BUSTemplate: flag("busTemplate"), PriceAfter: str("priceAfter", 30)}
	var keys []string
	if vs, ok := r.PostForm["strecke"]; ok {
		keys = vs
	} else {
		for _, k := range strings.FieldsFunc(f.Text(r, "antragsstrecken", 500), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			keys = append(keys, k)
		}
	}
	p.Antragsstrecken = &keys
	var prices []marketplace.Price
	rows := 0
	for i := 0; i < marketplace.MaxPrices+2; i++ {
		from, until, amt := fmt.Sprintf("preis-%d-von", i), fmt.Sprintf("preis-%d-bis", i), fmt.Sprintf("preis-%d-betrag", i)
		if _, ok := r.PostForm[from]; !ok {
			break
		}
		rows = i + 1
		vf, vu, va := f.Text(r, from, 20), f.Text(r, until, 20), f.Text(r, amt, 20)
		if vf == "" && vu == "" && va == "" {
			continue
		}
		pr := marketplace.Price{ValidFrom: marketplace.Day(vf)}
		if vu != "" {
			d := marketplace.Day(vu)
			pr.ValidUntil = &d
		}
		if va == "" {
			va = "0"
		}
		c, err := marketplace.ParseCents(va)
		if err != nil {
			f.Add(amt, err.Error())
		}
		pr.AmountCents = c
		if vf == "" {
			f.Add(from, "Bitte geben Sie an, ab wann der Preis gilt.")
		}
		prices = append(prices, pr)
	}
	p.Prices = &prices
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	f.Set("version", strconv.Itoa(version))
	return p, keys, max(rows-2, len(prices))
}

func (m *Pages) CreateProduct(w http.ResponseWriter, r *http.Request) {
	if !m.requireMinistry(w, r, marketplace.ObjProduct, authz.Create) {
		return
	}
	f := ui.NewForm()
	pt, keys, n := m.readProduct(r, f)
	if !f.Invalid() {
		p, err := m.store.CreateProduct(r.Context(), marketplace.ProductInput{Number: *pt.Number, Name: *pt.Name,
			ShortDescription: *pt.ShortDescription, Description: *pt.Description, ServiceType: *pt.ServiceType, Topic: *pt.Topic,
			OZGID: *pt.OZGID, Antragsstrecken: *pt.Antragsstrecken, PreviewURL: *pt.PreviewURL, FreeForState: *pt.FreeForState,
			Section: *pt.Section, BUSTemplate: *pt.BUSTemplate, PriceAfter: *pt.PriceAfter, Published: *pt.Published, Prices: *pt.Prices})
		if err == nil {
			ui.SeeOther(w, r, "/admin/marktplatz/produkte/"+p.ID, "produkt-angelegt")
			return
		}
		if !f.StoreErrors(err, productFormID) {
			m.ServerError(w, r, err)
			return
		}
	}
	m.renderProductForm(w, r, http.StatusUnprocessableEntity, productFormData{Form: f, Selected: keys, Prices: priceRows(n)})
}

func (m *Pages) UpdateProduct(w http.ResponseWriter, r *http.Request) {
	if !m.requireMinistry(w, r, marketplace.ObjProduct, authz.Update) {
		return
	}
	cur, err := m.store.GetProduct(r.Context(), r.PathValue("pid"))
	if errors.Is(err, tenant.ErrNotFound) {
		m.NotFound(w, r)
		return
	}
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	f := ui.NewForm()
	pt, keys, n := m.readProduct(r, f)
	d := productFormData{Product: cur, Form: f, Selected: keys, Prices: priceRows(n)}
	if !f.Invalid() {
		version, _ := strconv.Atoi(f.Get("version"))
		_, err := m.store.UpdateProduct(r.Context(), cur.ID, version, pt)
		switch {
		case err == nil:
			ui.SeeOther(w, r, "/admin/marktplatz/produkte/"+cur.ID, "gespeichert")
			return
		case errors.Is(err, tenant.ErrStaleVersion):
			f.Set("version", strconv.Itoa(cur.Version))
			d.Problem = "Jemand hat das Produkt zwischenzeitlich geändert. Ihre Eingaben stehen noch im Formular; bitte prüfen Sie sie gegen den aktuellen Stand und speichern Sie erneut."
			m.renderProductForm(w, r, http.StatusConflict, d)
			return
		case !f.StoreErrors(err, productFormID):
			m.ServerError(w, r, err)
			return
		}
	}
	m.renderProductForm(w, r, http.StatusUnprocessableEntity, d)
}

// TogglePublished puts a product into the public catalogue or takes it out.
func (m *Pages) TogglePublished(w http.ResponseWriter, r *http.Request) {
	if !m.requireMinistry(w, r, marketplace.ObjProduct, authz.Update) {
		return
	}
	on := r.PostForm.Get("veroeffentlicht") == "1"
	if !on && !m.Confirmed(w, r, ui.Confirmation{Heading: "Produkt aus dem Katalog nehmen?",
		Text:   "Das Produkt verschwindet aus dem öffentlichen Katalog; Kommunen können es dann nicht mehr bestellen. Bestehende Bestellungen bleiben.",
		Button: "Ja, zurückziehen", Back: safeBack(r.PostForm.Get("zurueck"), "/admin/marktplatz/produkte")}) {
		return
	}
	p, err := m.store.UpdateProduct(r.Context(), r.PathValue("pid"), 0, marketplace.ProductPatch{Published: &on})
	switch {
	case errors.Is(err, tenant.ErrNotFound):
		m.NotFound(w, r)
	case err != nil:
		var fe tenant.FieldErrors
		if errors.As(err, &fe) {
			m.ErrorPage(w, r, http.StatusUnprocessableEntity, "Nicht möglich", ui.ErrorData{Heading: "Nicht möglich",
				Text: "Das Produkt hat ungültige Angaben; bitte korrigieren Sie sie im Formular: " + fe.Error(),
				Back: "/admin/marktplatz/produkte/" + r.PathValue("pid"), BackTo: "Zum Produkt"})
			return
		}
		m.ServerError(w, r, err)
	default:
		notice := "zurueckgezogen"
		if p.Published {
			notice = "veroeffentlicht"
		}
		ui.SeeOther(w, r, safeBack(r.PostForm.Get("zurueck"), "/admin/marktplatz/produkte"), notice)
	}
}

// selected reports whether key is among the chosen Antragsstrecken.
func (d productFormData) IsSelected(key string) bool { return slices.Contains(d.Selected, key) }
