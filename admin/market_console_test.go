package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"sozialplattform/marketplace"
	"sozialplattform/tenant"
)

// TestMarketplaceConsole walks the marketplace's pages as the public, a
// municipality and the ministry, without JavaScript.
func TestMarketplaceConsole(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true, ordering: true, worldOptions: worldOptions{demo: true}})
	ctx := context.Background()
	if err := e.market.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	harz := e.harz

	// The public catalogue with filters, counts and sorting.
	anon := e.client()
	page := anon.mustPage(http.StatusOK, "/marktplatz/")
	contains(t, page, "catalogue", "18 Dienste", "EfA-Dienst (11)", "AM4.0 (2)", "Familie und Kind (2)",
		"Sozialplattform: Hilfe zum Lebensunterhalt", "Behörde registrieren", `<strong>Name A–Z<span class="kern-sr-only"> (gewählt)</span></strong>`,
		"Basisdienste", "Geplante Dienste", `href="#faq"`, `id="kontakt"`, "anbindung@sozialplattform.info", "Nur Vorlagen im BUS (3)",
		"noch nicht entschieden; der Dienst bleibt bestellbar.")
	// The seed's sections and the "Vorlage im BUS" filter.
	contains(t, anon.mustPage(http.StatusOK, "/marktplatz/?rubrik=basisdienst"), "Basisdienste", "Basisdienste: 2 Dienste", "Servicekonto Sachsen-Anhalt")
	contains(t, anon.mustPage(http.StatusOK, "/marktplatz/?rubrik=geplant"), "Geplante Dienste", "Geplante Dienste: 1 Dienst", "Fischereischein online")
	contains(t, anon.mustPage(http.StatusOK, "/marktplatz/?bus=1"), "Vorlage im BUS", "3 Dienste", "Einbürgerung digital", "Nur Vorlagen im BUS</strong>")
	if strings.Contains(page, "In den Warenkorb") || strings.Contains(page, "ELiA-Online") {
		t.Error("the public sees buttons or unpublished products")
	}
	page = anon.mustPage(http.StatusOK, "/marktplatz/?art=EfA-Dienst&thema=Arbeit+und+Ruhestand&sortierung=z-a")
	contains(t, page, "filtered catalogue", "8 Dienste", "Alle zurücksetzen", "(1 ausgewählt)", "EfA-Dienst ×",
		`href="/marktplatz/?art=EfA-Dienst&amp;sortierung=z-a"`) // removing the topic keeps the rest
	if i, j := strings.Index(page, "Übernahme von Mietrückständen"), strings.Index(page, "Aktivierung und berufliche"); i < 0 || j < i {
		t.Error("Z–A order not applied")
	}
	page = anon.mustPage(http.StatusOK, "/marktplatz/produkte/SW10186")
	contains(t, page, "product page", "Zur Vorschau", "/leistungen/grusi\"", "10084", "0,00 €", "melden Sie sich an")
	anon.mustPage(http.StatusNotFound, "/marktplatz/produkte/SW10181")

	// Registration: errors next to the fields, input kept; then success.
	status, _, body := anon.form("/marktplatz/registrierung", "/marktplatz/registrierung", url.Values{
		"authorityName": {"Salzlandkreis"}, "officialKey": {"15089"}, "functionMailbox": {"sina.salz@salzlandkreis.example"},
		"street": {"Karlsplatz 37"}, "postalCode": {"06406"}, "city": {"Bernburg (Saale)"}, "contactName": {"Sina Salz"}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("bad registration: %d", status)
	}
	contains(t, body, "registration errors", `id="functionMailbox-fehler"`, "Bitte verwenden Sie ein Funktionspostfach",
		`id="acceptTerms-fehler"`, `value="Salzlandkreis"`, `aria-invalid="true"`, `href="#functionMailbox"`)
	status, loc, _ := anon.form("/marktplatz/registrierung", "/marktplatz/registrierung", url.Values{
		"authorityName": {"Salzlandkreis"}, "officialKey": {"15089"}, "functionMailbox": {"sozialamt@salzlandkreis.example"},
		"street": {"Karlsplatz 37"}, "postalCode": {"06406"}, "city": {"Bernburg (Saale)"}, "contactName": {"Sina Salz"}, "acceptTerms": {"1"}})
	if status != http.StatusSeeOther || loc != "/marktplatz/registrierung/eingegangen" {
		t.Fatalf("registration: %d → %s", status, loc)
	}
	status, _, body = anon.form("/marktplatz/registrierung", "/marktplatz/registrierung", url.Values{
		"authorityName": {"Landkreis Harz"}, "officialKey": {"15085"}, "functionMailbox": {"sozialamt@kreis-hz.example"},
		"street": {"X 1"}, "postalCode": {"38820"}, "city": {"Halberstadt"}, "contactName": {"H"}, "acceptTerms": {"1"}})
	if status != http.StatusConflict || !strings.Contains(body, "bereits ein Konto") {
		t.Errorf("duplicate registration: %d", status)
	}
	page = anon.mustPage(http.StatusGone, "/marktplatz/registrierung/bestaetigen/ausgedacht")
	contains(t, page, "bad link", "ungültig", "erneut registrieren")

	// A municipality puts a product in the cart and orders.
	muni := e.client()
	muni.login("harz@demo.example", tenant.DemoPassword)
	page = muni.mustPage(http.StatusOK, "/marktplatz/")
	contains(t, page, "catalogue of a municipality", "In den Warenkorb", "Zum Merkzettel", "/admin/koerperschaften/"+harz.ID+"/warenkorb",
		// Cards as tall as their content (issue 16), each the target of
		// the way back after its buttons.
		`<li class="kern-card kern-card--hug" id="produkt-SW10189">`, `name="zurueck" value="/marktplatz/#produkt-SW10189"`)
	status, loc, _ = muni.form("/marktplatz/", "/admin/koerperschaften/"+harz.ID+"/warenkorb",
		url.Values{"produkt": {"SW10189"}, "zurueck": {"/marktplatz/?art=EfA-Dienst#produkt-SW10189"}})
	if status != http.StatusSeeOther || loc != "/marktplatz/?art=EfA-Dienst&hinweis=warenkorb#produkt-SW10189" {
		t.Fatalf("into the cart: %d → %s", status, loc)
	}
	status, loc, _ = muni.form("/marktplatz/", "/admin/koerperschaften/"+harz.ID+"/merkzettel",
		url.Values{"produkt": {"SW10184"}, "zurueck": {"https://evil.example/"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/koerperschaften/"+harz.ID+"/merkzettel") {
		t.Errorf("onto the Merkzettel (with a foreign back link): %d → %s", status, loc)
	}
	contains(t, muni.mustPage(http.StatusOK, "/admin/koerperschaften/"+harz.ID+"/merkzettel"), "Merkzettel", "Bescheinigung für Geringverdiener")
	cartPath := "/admin/koerperschaften/" + harz.ID + "/warenkorb"
	page = muni.mustPage(http.StatusOK, cartPath)
	contains(t, page, "cart", "Übernahme von Mietrückständen", "Jetzt bestellen", "Friedrich-Ebert-Straße 42")
	c, _ := e.market.Cart(ctx, harz.ID)
	p, _ := e.market.GetProduct(ctx, "SW10189")
	status, _, body = muni.form(cartPath, cartPath+"/"+p.ID+"/menge", url.Values{"menge": {"100"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "zwischen 1 und 99") {
		t.Errorf("quantity 100: %d", status)
	}
	status, loc, _ = muni.form(cartPath, "/admin/koerperschaften/"+harz.ID+"/bestellen", url.Values{"version": {strconv.Itoa(c.Version)}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/marktplatz/bestellungen/") {
		t.Fatalf("order: %d → %s", status, loc)
	}
	orderPath := strings.TrimSuffix(loc, "?hinweis=bestellt")
	page = muni.mustPage(http.StatusOK, loc)
	contains(t, page, "order page", "Bestellung 10174", "Ihre Bestellung ist eingegangen", "Eingegangen", "SW10189")
	if strings.Contains(page, "Stand ändern") {
		t.Error("a municipality may change the order's state")
	}
	// The same cart version again: refused, no second order.
	status, _, body = muni.form(cartPath, "/admin/koerperschaften/"+harz.ID+"/bestellen", url.Values{"version": {strconv.Itoa(c.Version)}})
	if status != http.StatusConflict || !strings.Contains(body, "bereits bestellt (Bestellnummer 10174)") {
		t.Errorf("double submit: %d", status)
	}
	contains(t, muni.mustPage(http.StatusOK, "/admin/koerperschaften/"+harz.ID+"/bestellungen"), "orders", "10174", "10042")

	// Another municipality sees none of it.
	other := e.client()
	other.login("wittenberg@demo.example", tenant.DemoPassword)
	other.mustPage(http.StatusNotFound, orderPath)
	other.mustPage(http.StatusNotFound, cartPath)
	other.mustPage(http.StatusForbidden, "/admin/marktplatz/bestellungen")

	// The clerk sees the cart but cannot order.
	clerk := e.client()
	clerk.login("sachbearbeitung.harz@demo.example", tenant.DemoPassword)
	page = clerk.mustPage(http.StatusOK, cartPath)
	if strings.Contains(page, "Jetzt bestellen") {
		t.Error("the clerk may order")
	}

	// The ministry: orders with filter, state change, CSV; registrations; products.
	min := e.client()
	min.login("ministerium@demo.example", tenant.DemoPassword)
	contains(t, min.mustPage(http.StatusOK, "/admin/marktplatz/"), "hub", "Registrierungen, die auf die Freischaltung warten</a>: 1")
	page = min.mustPage(http.StatusOK, "/admin/marktplatz/bestellungen?stand=eingegangen")
	contains(t, page, "ministry's orders", "10174", "10173", "Als CSV herunterladen (gefiltert)")
	if strings.Contains(page, "10042") {
		t.Error("the filter shows a completed order")
	}
	status, loc, _ = min.form(orderPath, orderPath+"/stand", url.Values{"stand": {"storniert"}, "version": {"1"}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("cancel without reason: %d → %s", status, loc)
	}
	status, loc, _ = min.form(orderPath, orderPath+"/stand", url.Values{"stand": {"bestaetigt"}, "version": {"1"}})
	if status != http.StatusSeeOther {
		t.Fatalf("confirm order: %d", status)
	}
	contains(t, min.mustPage(http.StatusOK, loc), "confirmed order", "Eingegangen → <strong>Bestätigt</strong> (ministerium@demo.example)")
	_, hdr, csv := min.raw("/admin/marktplatz/bestellungen/export.csv")
	if hdr.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(string(csv), "\uFEFFBestellnummer;Datum;Behörde;Amtlicher Schlüssel;") ||
		!strings.Contains(string(csv), "10174;") {
		t.Errorf("CSV %s:\n%s", hdr.Get("Content-Type"), csv)
	}

	regs, _ := e.market.ListRegistrations(ctx, marketplace.RegistrationFilter{State: marketplace.RegistrationConfirmed})
	regPath := "/admin/marktplatz/registrierungen/" + regs[0].ID
	contains(t, min.mustPage(http.StatusOK, "/admin/marktplatz/registrierungen?stand=bestaetigt"), "registrations", "Landkreis Börde")
	status, _, body = min.form(regPath, regPath+"/ablehnen", url.Values{"reason": {""}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "begründen") {
		t.Errorf("reject without reason: %d", status)
	}
	status, loc, _ = min.form(regPath, regPath+"/freischalten", nil)
	if status != http.StatusSeeOther {
		t.Fatalf("activate: %d", status)
	}
	contains(t, min.mustPage(http.StatusOK, loc), "activated registration", "Freigeschaltet", "zur Körperschaft")

	// The start page's queue "Preise enden" opens its work list, which links
	// to the filtered product list.
	contains(t, min.mustPage(http.StatusOK, "/admin/marktplatz/produkte?preise=enden"), "products with prices ending",
		"letzter Preis in den nächsten 60 Tagen endet", "Alle Produkte zeigen")
	contains(t, min.mustPage(http.StatusOK, "/admin/"), "ministry start page", `href="/admin/arbeitsliste/preise"`)
	contains(t, min.mustPage(http.StatusOK, "/admin/arbeitsliste/preise"), "prices work list", `href="/admin/marktplatz/produkte?preise=enden"`)
	page = min.mustPage(http.StatusOK, "/admin/marktplatz/produkte")
	contains(t, page, "products", "ELiA-Online", "unveröffentlicht", "Fischereischein online")
	edit := "/admin/marktplatz/produkte/" + p.ID
	page = min.mustPage(http.StatusOK, edit)
	contains(t, page, "product form", `value="SW10189"`, `value="2026-12-31"`, `name="strecke"`)
	status, _, body = min.form(edit, edit, url.Values{"number": {"SW10189"}, "name": {"Sozialplattform: Übernahme von Mietrückständen"},
		"serviceType": {"EfA-Dienst"}, "topic": {"Arbeit und Ruhestand"}, "ozgId": {"10090"}, "strecke": {"mrh"}, "published": {"1"},
		"version": {strconv.Itoa(p.Version)}, "preis-0-von": {"2025-01-01"}, "preis-0-bis": {"2026-12-31"}, "preis-0-betrag": {"0,00"},
		"preis-1-von": {"2026-06-01"}, "preis-1-bis": {""}, "preis-1-betrag": {"12,50"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "überschneiden sich") || !strings.Contains(body, `value="12,50"`) {
		t.Errorf("overlapping prices: %d", status)
	}
	status, _, _ = min.form(edit, edit, url.Values{"number": {"SW10189"}, "name": {"Sozialplattform: Übernahme von Mietrückständen"},
		"serviceType": {"EfA-Dienst"}, "topic": {"Arbeit und Ruhestand"}, "ozgId": {"10090"}, "strecke": {"mrh"}, "published": {"1"},
		"version": {strconv.Itoa(p.Version)}, "preis-0-von": {"2025-01-01"}, "preis-0-bis": {"2026-12-31"}, "preis-0-betrag": {"0,00"},
		"preis-1-von": {"2027-01-01"}, "preis-1-bis": {""}, "preis-1-betrag": {"12,50"}})
	if status != http.StatusSeeOther {
		t.Fatalf("save product: %d", status)
	}
	if got, _ := e.market.GetProduct(ctx, "SW10189"); len(got.Prices) != 2 || got.Prices[1].AmountCents != 1250 {
		t.Errorf("stored prices %+v", got.Prices)
	}
	status, _, body = min.form("/admin/marktplatz/produkte", edit+"/veroeffentlichung", url.Values{"zurueck": {"/admin/marktplatz/produkte"}})
	if status != http.StatusOK || !strings.Contains(body, "Produkt aus dem Katalog nehmen?") {
		t.Fatalf("unpublishing should ask first: %d", status)
	}
	anon.mustPage(http.StatusOK, "/marktplatz/produkte/SW10189")
	status, _, _ = min.form("/admin/marktplatz/produkte", edit+"/veroeffentlichung", url.Values{"zurueck": {"/admin/marktplatz/produkte"}, "bestaetigung": {"ja"}})
	if status != http.StatusSeeOther {
		t.Fatalf("unpublish: %d", status)
	}
	anon.mustPage(http.StatusNotFound, "/marktplatz/produkte/SW10189")
	muni.mustPage(http.StatusForbidden, "/admin/marktplatz/produkte")
}
