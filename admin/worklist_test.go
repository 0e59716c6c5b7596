package admin_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/marketplace"
	"sozialplattform/tenant"
)

// task finds a task on the start page by its link text and returns its
// count (or badge) and link, as the page shows them.
var taskLine = regexp.MustCompile(`(?s)<p class="kern-body app-task__head">(?:<span class="app-task__count">(\d+)</span>|<span class="kern-badge[^"]*"><span class="kern-label kern-label--small">(\w+)</span></span>)\s*<a class="kern-link" href="([^"]+)">([^<]+)</a></p>`)

type shownTask struct{ count, state, href string }

func startTasks(t *testing.T, p page) map[string]shownTask {
	t.Helper()
	out := map[string]shownTask{}
	for _, m := range taskLine.FindAllStringSubmatch(p.body, -1) {
		out[html.UnescapeString(m[4])] = shownTask{count: m[1], state: m[2], href: html.UnescapeString(m[3])}
	}
	return out
}

// Issue 16 (3, 4): the start page is a work list. The ministry sees what
// waits for it across the Land – each with a count from its domain's
// query and a link to where it is done; a municipality sees its next
// steps: order, then connect each Antragsstrecke.
func TestStartPageWorkLists(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true})
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "test", Label: "test"})
	ministry := e.client()
	ministry.login(e.ministry.Email, ministryPW)
	harz := e.client()
	harz.login(e.harzAdmin.Email, harzPW)

	// The ministry's Aufgaben, all at zero; the tenants' tree is not
	// the page any more.
	p := ministry.get("/admin/")
	tasks := startTasks(t, p)
	for label, href := range map[string]string{
		"Registrierungen warten auf Freischaltung": "/admin/marktplatz/registrierungen?stand=bestaetigt",
		"Neue Bestellungen":                        "/admin/marktplatz/bestellungen?stand=eingegangen",
		"Preise enden in den nächsten 60 Tagen":    "/admin/arbeitsliste/preise",
		"Livegang-Bestätigungen angefragt":         "/admin/arbeitsliste/livegang",
		"Zertifikate laufen ab":                    "/admin/arbeitsliste/zertifikate",
	} {
		if got, ok := tasks[label]; !ok || got.count != "0" || got.href != href {
			t.Errorf("ministry's task %q: %+v (shown: %v)", label, got, ok)
		}
	}
	if !p.has(">Aufgaben</h2>") || p.has("Erste Schritte") {
		t.Errorf("the ministry's start page:\n%s", p.body)
	}
	if _, ok := startTasks(t, harz.get("/admin/"))["Registrierungen warten auf Freischaltung"]; ok {
		t.Error("a municipality sees the ministry's tasks")
	}

	// A confirmed registration and an order count for the ministry.
	_, token, err := e.market.Register(ctx, marketplace.RegistrationInput{AuthorityName: "Salzlandkreis", OfficialKey: "15089",
		FunctionMailbox: "sozialamt@salzlandkreis.example", Street: "Karlsplatz 37", PostalCode: "06406", City: "Bernburg (Saale)",
		ContactName: "Sina Salz", AcceptTerms: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.market.ConfirmRegistration(ctx, token); err != nil {
		t.Fatal(err)
	}
	// A municipality's first steps: nothing ordered yet.
	steps := startTasks(t, harz.get("/admin/"))
	if got := steps["Onlinedienste bestellen"]; got.state != "offen" || got.href != "/marktplatz/" {
		t.Errorf("before ordering: %+v", got)
	}
	if _, ok := steps["Antragsstrecken anbinden"]; ok {
		t.Error("connection steps before any order")
	}

	until := marketplace.Day("2099-12-31")
	prod, err := e.market.CreateProduct(ctx, marketplace.ProductInput{Number: "SW10187", Name: "Sozialplattform: Hilfe zum Lebensunterhalt",
		ServiceType: "EfA-Dienst", Topic: "Arbeit und Ruhestand", OZGID: "10086", Antragsstrecken: []string{"hzl"}, Published: true,
		Prices: []marketplace.Price{{ValidFrom: "2025-01-01", ValidUntil: &until}}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.market.SetCartItem(ctx, e.harz.ID, prod.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.market.PlaceOrder(ctx, e.harz.ID, c.Version); err != nil {
		t.Fatal(err)
	}
	// The order opens the case, as onboarding does in the server.
	if err := e.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return e.onboard.OpenCases(ctx, tx, e.harz.ID, "order", []string{"hzl"}, time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	tasks = startTasks(t, ministry.get("/admin/"))
	if tasks["Registrierungen warten auf Freischaltung"].count != "1" || tasks["Neue Bestellungen"].count != "1" {
		t.Errorf("after a registration and an order: %+v", tasks)
	}

	p = harz.get("/admin/")
	steps = startTasks(t, p)
	if got := steps["Onlinedienste bestellen"]; got.state != "erledigt" || got.href != "/admin/koerperschaften/"+e.harz.ID+"/bestellungen" {
		t.Errorf("after ordering: %+v", got)
	}
	cases, err := e.onboard.ListCases(ctx, e.harz.ID)
	if err != nil || len(cases) != 1 {
		t.Fatalf("cases: %v, %v", cases, err)
	}
	if got := steps["Antragsstrecken anbinden"]; got.state != "offen" || got.href != "/admin/anbindung/"+e.harz.ID {
		t.Errorf("connection step: %+v", got)
	}
	// The open case is named with its next to-do and links into its page.
	if !p.has(`href="/admin/anbindung/fall/`+cases[0].ID+`#`) || !strings.Contains(p.body, "1 von 1 Antragsstrecken sind noch nicht live") {
		t.Errorf("the open case and its next step:\n%s", p.body)
	}
	if !p.has("Erste Schritte: Landkreis Harz") {
		t.Error("no Erste Schritte heading")
	}
	// Wittenberg's list is its own.
	wb := e.client()
	wb.login(e.wbAdmin.Email, wbPW)
	if got := startTasks(t, wb.get("/admin/"))["Onlinedienste bestellen"]; got.state != "offen" {
		t.Errorf("Wittenberg ordered nothing: %+v", got)
	}
}
