package admin_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/marketplace"
	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
)

// Issue 16 (9): the support actors – Anbindungssupport NRW and the Dataport
// Roll-In-Management – are data the ministry keeps in the console, shown on
// each case page for the case's variant and phase, and named by the order
// confirmation from the same data, together with when the Sprechstunde is
// (finding m32). Every link of that mail works.
func TestSupportContactsFromConsoleToCaseAndOrderMail(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true, ordering: true})
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "test", Label: "test"})
	ministry, harz := e.client(), e.client()
	ministry.login(e.ministry.Email, ministryPW)
	harz.login(e.harzAdmin.Email, harzPW)

	p := ministry.get("/admin/ansprechstellen")
	if p.status != http.StatusOK || !p.has("Noch keine Ansprechstellen erfasst") || !p.has(`action="/admin/ansprechstellen"`) {
		t.Fatalf("empty page: %d\n%s", p.status, p.body)
	}

	// Wrong input: each message next to its field, nothing stored.
	p = ministry.submit("/admin/ansprechstellen", "/admin/ansprechstellen", url.Values{"stelle": {"neu"}, "name": {""},
		"rolle": {"Begleitung"}, "postfach": {"anbindung(at)nrw"}, "telefon": {"null-drei-neun-eins"}, "reihenfolge": {"zehn"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong input: status %d", p.status)
	}
	for _, id := range []string{"name", "postfach", "reihenfolge"} {
		if !p.has(`id="` + id + `-fehler"`) {
			t.Errorf("no message next to %s", id)
		}
	}
	p = ministry.submit("/admin/ansprechstellen", "/admin/ansprechstellen", url.Values{"stelle": {"neu"}, "name": {"X"},
		"rolle": {"Begleitung"}, "postfach": {"x@example.org"}, "telefon": {"null-drei-neun-eins"}, "reihenfolge": {"10"}})
	if p.status != http.StatusUnprocessableEntity || !p.has(`id="telefon-fehler"`) {
		t.Errorf("a phone without digits: status %d, message next to the field: %v", p.status, p.has(`id="telefon-fehler"`))
	}
	if cs, _ := e.onboard.ListSupportContacts(ctx); len(cs) != 0 {
		t.Fatalf("refused input stored: %+v", cs)
	}

	// The seed's two actors, entered as the ministry would.
	add := func(form url.Values) {
		t.Helper()
		form.Set("stelle", "neu")
		p := ministry.submit("/admin/ansprechstellen", "/admin/ansprechstellen", form)
		if p.status != http.StatusOK || !p.has("Die Ansprechstelle wurde gespeichert.") {
			t.Fatalf("add %s: status %d\n%s", form.Get("name"), p.status, p.text())
		}
	}
	add(url.Values{"name": {"Anbindungssupport NRW"}, "rolle": {"Technische Begleitung der Anbindung."}, "postfach": {"anbindung@sozialplattform.info"},
		"phase-preparation": {"1"}, "phase-connection-tests": {"1"}, "reihenfolge": {"10"}})
	add(url.Values{"name": {"Dataport Roll-In-Management"}, "rolle": {"Roll-In, Produktivtest und Livegang."}, "postfach": {"roll-in@dataport.example"},
		"telefon": {"0391 000-0"}, "phase-preparation": {"1"}, "phase-production": {"1"}, "reihenfolge": {"20"}})
	add(url.Values{"name": {"Veraltet"}, "rolle": {"Wird gleich entfernt."}, "postfach": {"alt@example.org"}, "reihenfolge": {"30"}})
	cs, err := e.onboard.ListSupportContacts(ctx)
	if err != nil || len(cs) != 3 {
		t.Fatalf("stored: %+v, %v", cs, err)
	}
	entries, err := e.store.ListAudit(ctx, tenant.AuditFilter{ObjectType: onboarding.ObjSupportContact, Limit: 10})
	if err != nil || len(entries) != 3 {
		t.Errorf("audit entries: %d, %v", len(entries), err)
	}

	// An edit from an outdated page is refused; removing asks first.
	p = ministry.submit("/admin/ansprechstellen", "/admin/ansprechstellen", url.Values{"stelle": {cs[1].ID}, "version": {"7"},
		"name": {cs[1].Name}, "rolle": {cs[1].Role}, "postfach": {cs[1].Mailbox}, "reihenfolge": {"20"}})
	if p.status != http.StatusConflict || !p.has("zwischenzeitlich geändert") {
		t.Errorf("stale edit: status %d", p.status)
	}
	p = ministry.submit("/admin/ansprechstellen", "/admin/ansprechstellen/"+cs[2].ID+"/loeschen", url.Values{"version": {"1"}})
	if cs2, _ := e.onboard.ListSupportContacts(ctx); len(cs2) != 3 {
		t.Fatal("removed without confirmation")
	}
	if p = ministry.confirm(p); p.status != http.StatusOK || !p.has("Die Ansprechstelle wurde entfernt.") || p.has("Veraltet") {
		t.Errorf("confirmed removal: status %d\n%s", p.status, p.text())
	}

	// Municipalities read the actors but change nothing.
	p = harz.get("/admin/ansprechstellen")
	if p.status != http.StatusOK || !p.has("Anbindungssupport NRW") || p.has(`action="/admin/ansprechstellen"`) {
		t.Errorf("municipality's view: status %d, form shown: %v", p.status, p.has(`action="/admin/ansprechstellen"`))
	}
	for _, path := range []string{"/admin/ansprechstellen", "/admin/ansprechstellen/" + cs[0].ID + "/loeschen"} {
		if p := harz.submit("/admin/ansprechstellen", path, url.Values{"stelle": {"neu"}, "name": {"Fremd"}, "rolle": {"x"},
			"postfach": {"x@example.org"}, "version": {"1"}, "bestaetigung": {"ja"}}); p.status != http.StatusForbidden {
			t.Errorf("municipality posts %s: status %d, want 403", path, p.status)
		}
	}

	// Harz orders HzL: the confirmation names the actors and when the
	// Sprechstunde is, from the same data.
	if _, err := e.onboard.ExtendSeries(ctx, time.Now().AddDate(0, 3, 0)); err != nil {
		t.Fatal(err)
	}
	mailbox := "sozialamt@kreis-harz.example"
	if _, err := e.store.UpdateTenant(ctx, e.harz.ID, 0, tenant.TenantPatch{FunctionMailbox: &mailbox}); err != nil {
		t.Fatal(err)
	}
	until := marketplace.Day("2099-12-31")
	prod, err := e.market.CreateProduct(ctx, marketplace.ProductInput{Number: "SW10187", Name: "Sozialplattform: Hilfe zum Lebensunterhalt",
		ServiceType: "EfA-Dienst", Topic: "Arbeit und Ruhestand", OZGID: "10086", Antragsstrecken: []string{"hzl"}, Published: true,
		Prices: []marketplace.Price{{ValidFrom: "2025-01-01", ValidUntil: &until}}})
	if err != nil {
		t.Fatal(err)
	}
	cart, err := e.market.SetCartItem(ctx, e.harz.ID, prod.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.market.PlaceOrder(ctx, e.harz.ID, cart.Version); err != nil {
		t.Fatal(err)
	}
	m := e.templateMail(mailbox, marketplace.TemplateOrderConfirmation)
	rule, err := e.onboard.Rule(ctx)
	if err != nil {
		t.Fatal(err)
	}
	series, err := e.onboard.ListConsultations(ctx, onboarding.ConsultationFilter{From: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	next := ""
	for _, c := range series {
		if c.Kind == onboarding.KindAnbindung && !c.Cancelled {
			next = c.StartsAt.In(e.onboard.Location()).Format("02.01.2006") + ", 14:00 Uhr"
			break
		}
	}
	for _, part := range []struct{ name, body string }{{"text", m.TextBody}, {"html", html.UnescapeString(m.HTMLBody)}} {
		for _, want := range []string{"jeden zweiten Mittwoch um 14 Uhr, 30 Minuten", rule.Title, next,
			"Anbindungssupport NRW", "anbindung@sozialplattform.info", "Dataport Roll-In-Management", "roll-in@dataport.example", "0391 000-0"} {
			if !strings.Contains(part.body, want) {
				t.Errorf("%s part lacks %q", part.name, want)
			}
		}
		if strings.Contains(part.body, "Veraltet") {
			t.Errorf("%s part names the removed actor", part.name)
		}
	}
	followMailLinks(t, harz, m.TextBody, m.HTMLBody, []string{"anbindung@sozialplattform.info", "roll-in@dataport.example"})

	// The case the order opened names, in preparation, both actors; in
	// the Produktivtest only the Roll-In-Management.
	cases, err := e.onboard.ListCases(ctx, e.harz.ID)
	if err != nil || len(cases) != 1 {
		t.Fatalf("Harz's cases: %v, %v", cases, err)
	}
	section := func(p page) string {
		t.Helper()
		i := strings.Index(p.body, `id="ansprechstellen"`)
		j := strings.Index(p.body, `id="variante"`)
		if i < 0 || j < i {
			t.Fatalf("case page without its Ansprechstellen:\n%s", p.body)
		}
		return p.body[i:j]
	}
	s := section(harz.get("/admin/anbindung/fall/" + cases[0].ID))
	if !strings.Contains(s, "Anbindungssupport NRW") || !strings.Contains(s, "Dataport Roll-In-Management") || !strings.Contains(s, `href="tel:03910000"`) {
		t.Errorf("preparation: %s", s)
	}
	if _, err := e.db.Write.NewRaw(`UPDATE onboarding_cases SET preparation_status = 'completed', tests_status = 'completed', production_status = 'in-progress'
		WHERE id = ?`, cases[0].ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	s = section(ministry.get("/admin/anbindung/fall/" + cases[0].ID))
	if strings.Contains(s, "Anbindungssupport NRW") || !strings.Contains(s, "Dataport Roll-In-Management") || !strings.Contains(s, "Produktivtest und Livegang") {
		t.Errorf("Produktivtest: %s", s)
	}
}

var (
	hrefPattern    = regexp.MustCompile(`href="([^"]+)"`)
	textURLPattern = regexp.MustCompile(`https?://[^\s"<>]+`)
)

// followMailLinks opens every web link of a mail's parts as the recipient
// (expecting a page, not an error) and checks that its mailto links are
// exactly the expected addresses.
func followMailLinks(t *testing.T, c *client, text, htmlPart string, mailtos []string) {
	t.Helper()
	links := textURLPattern.FindAllString(text, -1)
	var got []string
	for _, m := range hrefPattern.FindAllStringSubmatch(htmlPart, -1) {
		href := html.UnescapeString(m[1])
		if addr, ok := strings.CutPrefix(href, "mailto:"); ok {
			got = append(got, addr)
			continue
		}
		links = append(links, href)
	}
	slices.Sort(got)
	want := slices.Clone(mailtos)
	slices.Sort(want)
	if !slices.Equal(slices.Compact(got), want) {
		t.Errorf("mailto links %v, want %v", got, want)
	}
	if len(links) == 0 {
		t.Fatal("no web link in the mail")
	}
	slices.Sort(links)
	for _, l := range slices.Compact(links) {
		if strings.TrimSuffix(l, "/") == c.e.srv.URL {
			// The footer's platform address is the citizen portal's home
			// page, which the console's test server does not serve.
			continue
		}
		u, err := url.Parse(l)
		if err != nil || !strings.HasPrefix(l, c.e.srv.URL) {
			t.Errorf("link %q does not lead to the platform", l)
			continue
		}
		path := u.Path
		if u.RawQuery != "" {
			path += "?" + u.RawQuery
		}
		if p := c.get(path); p.status != http.StatusOK {
			t.Errorf("link %s: status %d", l, p.status)
		}
	}
}

// Finding m16: Stendal's HzL showed "live" while every delivery failed.
// A live case whose deliveries fail shows it on the municipality's case
// list and case page, in the ministry's case view, drill-down and
// Umsetzungsstand, each with the failure's reason and a link to the
// failed deliveries; the municipalities' statewide overview stays without
// other tenants' delivery problems.
func TestDeliveryHealthOfLiveCases(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true, delivery: true})
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "test", Label: "test"})
	for _, tn := range []*tenant.Tenant{e.harz, e.wittenberg} {
		if err := e.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			return e.onboard.OpenCases(ctx, tx, tn.ID, "order-"+tn.ID, []string{"hzl", "grusi"}, time.Now())
		}); err != nil {
			t.Fatal(err)
		}
	}
	// Harz's HzL and Wittenberg's GruSi are live (their evidence is the
	// phase tests' business).
	for _, c := range []struct{ tenantID, stream string }{{e.harz.ID, "hzl"}, {e.wittenberg.ID, "grusi"}} {
		if _, err := e.db.Write.NewRaw(`UPDATE onboarding_cases SET preparation_status = 'completed', tests_status = 'completed',
			production_status = 'completed', production_completed_at = ? WHERE tenant_id = ? AND antragsstrecke = ?`,
			time.Now().Add(-30*24*time.Hour), c.tenantID, c.stream).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	deliver := func(tenantID, stream, status, reason string, ago time.Duration) {
		t.Helper()
		n++
		at := time.Now().UTC().Add(-ago)
		if _, err := e.db.Write.NewRaw(`INSERT INTO deliveries (id, tenant_id, application_id, antragsstrecke, reference_number, purpose, status, last_error,
			next_attempt_at, submitted_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'application', ?, ?, ?, ?, ?, ?)`,
			fmt.Sprintf("d-%03d", n), tenantID, fmt.Sprintf("a-%03d", n), stream, fmt.Sprintf("AZ-%03d", n), status, reason, at, at, at, at).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 4 {
		deliver(e.harz.ID, "hzl", "failed", "FIT-Connect: Zustellpunkt nicht gefunden", time.Duration(i+1)*time.Hour)
	}
	deliver(e.wittenberg.ID, "grusi", "accepted", "", time.Hour)
	deliver(e.wittenberg.ID, "grusi", "failed", "alter Fehler", 10*24*time.Hour) // outside the 7 days

	ministry, harz, wb := e.client(), e.client(), e.client()
	ministry.login(e.ministry.Email, ministryPW)
	harz.login(e.harzAdmin.Email, harzPW)
	wb.login(e.wbAdmin.Email, wbPW)
	failedList := "/admin/zustellung/" + e.harz.ID + "?status=problem&amp;strecke=hzl"

	p := harz.get("/admin/anbindung/" + e.harz.ID)
	for _, want := range []string{"Zustellung gestört", "4 gescheitert (100 %)", "FIT-Connect: Zustellpunkt nicht gefunden", failedList} {
		if !p.has(want) {
			t.Errorf("Harz's case list lacks %q", want)
		}
	}
	list := harz.get(html.UnescapeString(failedList))
	if list.status != http.StatusOK || strings.Count(list.body, "AZ-00") != 4 {
		t.Errorf("failed deliveries: status %d, %d listed, want 4", list.status, strings.Count(list.body, "AZ-00"))
	}
	cases, err := e.onboard.ListCases(ctx, e.harz.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		p := ministry.get("/admin/anbindung/fall/" + c.ID)
		if c.Antragsstrecke == "hzl" && (!p.has("Zustellung gestört") || !p.has("FIT-Connect: Zustellpunkt nicht gefunden") || !p.has(failedList)) {
			t.Errorf("ministry's view of Harz HzL lacks the failing deliveries")
		}
		if c.Antragsstrecke == "grusi" && (p.has("Zustellung gestört") || !p.has("Anträge gehen erst ein, wenn die Antragsstrecke live ist.")) {
			t.Errorf("Harz GruSi (not live, no applications) shows a delivery state")
		}
	}
	p = wb.get("/admin/anbindung/" + e.wittenberg.ID)
	if !p.has("Zustellung in Ordnung") || p.has("Zustellung gestört") || p.has("alter Fehler") {
		t.Errorf("Wittenberg's GruSi: a failure older than 7 days still counts")
	}

	p = ministry.get("/admin/rollout")
	row := regexp.MustCompile(`(?s)<tr class="kern-table__row">\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>[^<]*</td>\s*<th[^>]*><a class="kern-link" href="/admin/rollout/dienst/hzl">.*?</tr>`).FindString(p.body)
	if !strings.Contains(row, `href="/admin/rollout/dienst/hzl#faelle"><strong>1</strong>`) {
		t.Errorf("the HzL row does not count Harz's failing live case:\n%s", row)
	}
	if !regexp.MustCompile(`Live-Antragsstrecken mit gescheiterten Zustellungen \(letzte 7 Tage\)</dt><dd[^>]*><strong>1</strong>`).MatchString(p.body) {
		t.Error("the summary does not count the failing live case")
	}
	if !p.has(`href="/admin/rollout/kommune/` + e.harz.ID + `#faelle"><strong>1</strong>`) {
		t.Error("Harz's district row does not count its failing live case")
	}
	p = ministry.get("/admin/rollout/dienst/hzl")
	if !p.has("Zustellung gestört") || !p.has("FIT-Connect: Zustellpunkt nicht gefunden") || !p.has(failedList) {
		t.Error("the HzL drill-down lacks Harz's failing deliveries")
	}

	p = wb.get("/admin/rollout")
	if p.status != http.StatusOK || p.has("Zustellung gestört") || p.has("gescheiterten Zustellungen") {
		t.Errorf("municipalities' overview shows other tenants' delivery problems (status %d)", p.status)
	}
}

// templateMail returns the newest queued mail of a template to an address.
func (e *env) templateMail(to, template string) mail.Stored {
	e.t.Helper()
	ms, err := e.outbox.List(context.Background(), mail.ListFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range ms {
		if m.To == to && m.Template == template {
			full, err := e.outbox.Get(context.Background(), m.ID)
			if err != nil {
				e.t.Fatal(err)
			}
			return full
		}
	}
	e.t.Fatalf("no mail %s to %s in the outbox", template, to)
	return mail.Stored{}
}
