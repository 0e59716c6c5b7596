package main

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"sozialplattform/marketplace"
	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail/mailtest"
)

// waitMail waits until a message to addr whose subject contains subject
// has arrived and returns it; messages already taken are skipped.
func waitMail(t *testing.T, smtp *mailtest.Server, taken map[int]bool, addr, subject string) mailtest.Received {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for n := 1; ; n++ {
		msgs := smtp.Messages()
		for i, m := range msgs {
			if !taken[i] && slices.Contains(m.To, addr) && strings.Contains(m.Subject, subject) {
				taken[i] = true
				return m
			}
		}
		if time.Now().After(deadline) {
			var got []string
			for _, m := range msgs {
				got = append(got, fmt.Sprintf("%v %q", m.To, m.Subject))
			}
			t.Fatalf("no mail to %s about %q; received:\n%s", addr, subject, strings.Join(got, "\n"))
		}
		smtp.WaitFor(t, len(msgs)+1, 45*time.Second)
	}
}

// TestMarketplaceEndToEnd walks the marketplace as its users do, with mail
// through a real SMTP server: an authority registers, confirms its
// Funktionspostfach through the mailed link, the ministry activates it,
// the first administrator accepts the invitation, logs in, fills the
// Warenkorb and orders; the Funktionspostfach and the ministry's order
// mailbox receive the confirmation with the order overview, and
// onboarding has opened its cases.
func TestMarketplaceEndToEnd(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("end to end with a mail server: full suite only")
	}
	smtp := mailtest.NewServer(t)
	host, port := smtp.Addr()
	const orderMailbox = "mid-55@mid.sachsen-anhalt.example"
	base := startServer(t, map[string]string{
		"SOZIALPLATTFORM_DB":            testdb.MigratedDSN(t),
		"SOZIALPLATTFORM_SMTP_HOST":     host,
		"SOZIALPLATTFORM_SMTP_PORT":     fmt.Sprint(port),
		"SOZIALPLATTFORM_SMTP_TLS":      "none",
		"SOZIALPLATTFORM_MAIL_INTERVAL": "1s",
		"SOZIALPLATTFORM_LOG_LEVEL":     "warn",
		"SOZIALPLATTFORM_ORDER_MAILBOX": orderMailbox,
	})
	taken := map[int]bool{}
	const mailbox = "sozialamt@salzlandkreis.example"

	// 1. The authority registers through the API (the form does the same).
	anon := newClient(t, base)
	var reg marketplace.Registration
	anon.must(http.StatusCreated, "POST", "/api/v1/registrations", map[string]any{
		"authorityName": "Salzlandkreis", "officialKey": "15089", "functionMailbox": mailbox,
		"street": "Karlsplatz 37", "postalCode": "06406", "city": "Bernburg (Saale)",
		"contactName": "Sina Salz", "contactPhone": "03471 684-0", "acceptTerms": true,
	}, &reg)
	if reg.State != marketplace.RegistrationUnconfirmed {
		t.Fatalf("registration %+v", reg)
	}
	anon.must(http.StatusConflict, "POST", "/api/v1/registrations", map[string]any{
		"authorityName": "Salzlandkreis", "officialKey": "15089", "functionMailbox": "poststelle@salzlandkreis.example",
		"street": "Karlsplatz 37", "postalCode": "06406", "city": "Bernburg (Saale)", "contactName": "Sina Salz", "acceptTerms": true,
	}, nil)
	raw := anon.must(http.StatusUnprocessableEntity, "POST", "/api/v1/registrations", map[string]any{
		"authorityName": "Salzlandkreis", "officialKey": "15099", "functionMailbox": "max.mustermann@salzlandkreis.example",
		"street": "Karlsplatz 37", "postalCode": "06406", "city": "Bernburg (Saale)", "contactName": "Sina Salz", "acceptTerms": false,
	}, nil)
	for _, want := range []string{"body.officialKey", "body.functionMailbox", "Funktionspostfach", "body.acceptTerms"} {
		if !strings.Contains(raw, want) {
			t.Errorf("bad registration answer lacks %q: %s", want, raw)
		}
	}

	// 2. The confirmation mail arrives; its link opens the confirmation page.
	confirm := waitMail(t, smtp, taken, mailbox, "Bitte bestätigen Sie Ihr Funktionspostfach")
	link := firstLink(confirm.TextBody, base+"/marktplatz/registrierung/bestaetigen/")
	if link == "" || !strings.Contains(confirm.HTMLBody, link) {
		t.Fatalf("no confirmation link in:\n%s", confirm.TextBody)
	}
	browser := newClient(t, base)
	page := browser.mustPage(http.StatusOK, strings.TrimPrefix(link, base))
	if !strings.Contains(page, "Salzlandkreis") || !strings.Contains(page, "Funktionspostfach bestätigen") {
		t.Fatalf("confirmation page:\n%s", page)
	}
	status, _, body := browser.marketForm(strings.TrimPrefix(link, base), strings.TrimPrefix(link, base), nil)
	if status != http.StatusOK || !strings.Contains(body, "Funktionspostfach bestätigt") {
		t.Fatalf("confirm: %d\n%s", status, body)
	}
	token := strings.TrimPrefix(link, base+"/marktplatz/registrierung/bestaetigen/")
	if raw := anon.must(http.StatusGone, "POST", "/api/v1/registrations/confirm", map[string]string{"token": token}, nil); !strings.Contains(raw, "bereits verwendet") {
		t.Errorf("second confirmation: %s", raw)
	}

	// 3. The ministry sees it confirmed and activates it.
	ministry := newClient(t, base)
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	var regs struct{ Items []marketplace.Registration }
	ministry.must(http.StatusOK, "GET", "/api/v1/registrations?state=bestaetigt", nil, &regs)
	found := false
	for _, r := range regs.Items {
		found = found || r.ID == reg.ID
	}
	if !found {
		t.Fatalf("the ministry does not see the confirmed registration: %+v", regs.Items)
	}
	var act struct {
		Tenant tenant.Tenant `json:"tenant"`
	}
	ministry.must(http.StatusOK, "POST", "/api/v1/registrations/"+reg.ID+"/activate", nil, &act)
	if act.Tenant.Key() != "15089" || act.Tenant.FunctionMailbox != mailbox {
		t.Fatalf("activated tenant %+v", act.Tenant)
	}
	salzland := act.Tenant

	// 4. Activation and invitation mails; the invitation's link works.
	activated := waitMail(t, smtp, taken, mailbox, "Ihr Konto wurde freigeschaltet")
	if !strings.Contains(activated.TextBody, "Passwort") || !strings.Contains(activated.TextBody, base+"/marktplatz/") {
		t.Errorf("activation mail:\n%s", activated.TextBody)
	}
	newClient(t, base).mustPage(http.StatusOK, strings.TrimPrefix(firstLink(activated.TextBody, base+"/marktplatz/"), base))
	invitation := waitMail(t, smtp, taken, mailbox, "Einladung")
	inviteLink := firstLink(invitation.TextBody, base+"/admin/einladung/")
	newClient(t, base).mustPage(http.StatusOK, strings.TrimPrefix(inviteLink, base))
	newClient(t, base).must(http.StatusOK, "POST", "/api/v1/invitations/"+strings.TrimPrefix(inviteLink, base+"/admin/einladung/")+"/accept",
		map[string]string{"name": "Sina Salz", "password": "salzland-bestellt-2026"}, nil)

	// 5. The municipality logs in, finds the services, fills the cart, orders.
	muni := newClient(t, base)
	muni.login(mailbox, "salzland-bestellt-2026")
	var cat struct {
		Items []struct {
			ID, Number, Name string
		}
	}
	muni.must(http.StatusOK, "GET", "/api/v1/products?type=EfA-Dienst&topic="+url.QueryEscape("Arbeit und Ruhestand"), nil, &cat)
	if len(cat.Items) != 8 {
		t.Fatalf("%d Sozialplattform services in the catalogue, want 8", len(cat.Items))
	}
	tp := "/api/v1/tenants/" + salzland.ID
	muni.must(http.StatusOK, "PUT", tp+"/wishlist/SW10184", nil, nil)
	muni.must(http.StatusOK, "PUT", tp+"/cart/SW10187", map[string]int{"quantity": 1}, nil)
	var cart marketplace.Cart
	muni.must(http.StatusOK, "PUT", tp+"/cart/SW10186", map[string]int{"quantity": 1}, &cart)
	if len(cart.Items) != 2 || !cart.Orderable {
		t.Fatalf("cart %+v", cart)
	}
	var order marketplace.Order
	muni.must(http.StatusCreated, "POST", tp+"/orders", map[string]int{"cartVersion": cart.Version}, &order)
	if order.Number < 10174 || len(order.Items) != 2 || order.AuthorityName != "Salzlandkreis" {
		t.Fatalf("order %+v", order)
	}
	if raw := muni.must(http.StatusConflict, "POST", tp+"/orders", map[string]int{"cartVersion": cart.Version}, nil); !strings.Contains(raw, fmt.Sprint(order.Number)) {
		t.Errorf("double submit: %s", raw)
	}
	muni.must(http.StatusUnprocessableEntity, "POST", tp+"/orders", map[string]int{}, nil) // the cart is empty now

	// 6. Confirmations to the Funktionspostfach and to the ministry, with the overview.
	num := fmt.Sprint(order.Number)
	for _, tt := range []struct{ to, subject string }{
		{mailbox, "Ihre Bestellung " + num + " ist eingegangen"},
		{orderMailbox, "eGovernment-Marktplatz Sachsen-Anhalt: Ihr Produkt wurde bestellt."},
	} {
		m := waitMail(t, smtp, taken, tt.to, tt.subject)
		for _, want := range []string{"Bestellnummer: " + num, "Produktnr.", "Beschreibung", "Menge", "Preis", "Summe",
			"SW10187", "Sozialplattform: Hilfe zum Lebensunterhalt", "SW10186", "0,00 €", "Salzlandkreis", "Karlsplatz 37", "06406 Bernburg (Saale)"} {
			if !strings.Contains(m.TextBody, want) {
				t.Errorf("mail to %s lacks %q:\n%s", tt.to, want, m.TextBody)
			}
		}
		if !strings.Contains(m.HTMLBody, "<caption") || !strings.Contains(m.HTMLBody, "SW10186") {
			t.Errorf("HTML mail to %s lacks the table", tt.to)
		}
		orderLink := firstLink(m.TextBody, base+"/admin/marktplatz/bestellungen/")
		if orderLink == "" {
			t.Fatalf("no order link in the mail to %s", tt.to)
		}
		who := muni
		if tt.to == orderMailbox {
			who = ministry
		}
		if page := who.mustPage(http.StatusOK, strings.TrimPrefix(orderLink, base)); !strings.Contains(page, "Bestellung "+num) {
			t.Errorf("the order link of the mail to %s does not show the order", tt.to)
		}
	}

	// 7. The hand-off: onboarding opened one case per Antragsstrecke.
	var cases struct {
		Items []struct {
			Antragsstrecke string `json:"antragsstrecke"`
			OrderID        string `json:"orderId"`
		}
	}
	ministry.must(http.StatusOK, "GET", tp+"/onboarding-cases", nil, &cases)
	var keys []string
	for _, c := range cases.Items {
		if c.OrderID == order.ID {
			keys = append(keys, c.Antragsstrecke)
		}
	}
	slices.Sort(keys)
	if strings.Join(keys, ",") != "eb-hzl,grusi,hzl" {
		t.Errorf("onboarding cases of the order: %v, want eb-hzl, grusi, hzl", keys)
	}

	// The ministry moves the order on; the municipality sees the state.
	ministry.must(http.StatusOK, "PATCH", "/api/v1/orders/"+order.ID, map[string]any{"state": "bestaetigt", "version": order.Version}, nil)
	var mine struct{ Items []marketplace.Order }
	muni.must(http.StatusOK, "GET", tp+"/orders", nil, &mine)
	if len(mine.Items) != 1 || mine.Items[0].State != marketplace.OrderConfirmed {
		t.Errorf("the municipality's orders: %+v", mine.Items)
	}
}
