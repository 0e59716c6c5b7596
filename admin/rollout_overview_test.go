package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
)

// Issue 16 (9), finding m34: the seed shows the statewide Umsetzungsstand
// to every municipality. A municipality's staff read it – names of the
// Kommunen, services, phases and counts – without the ministry's tools:
// no drill-down to cases, no exports, no failed deliveries or missing DVDV
// entries, no contacts of other tenants, and every action on another
// tenant's cases still refused.
func TestRolloutOverviewForMunicipalities(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true})
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "test", Label: "test"})

	// Harz and Wittenberg each ordered HzL; Wittenberg has started
	// preparing, Harz has not. Wittenberg has a mailbox and a contact
	// person that no other municipality may read.
	for _, tn := range []*tenant.Tenant{e.harz, e.wittenberg} {
		if err := e.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			return e.onboard.OpenCases(ctx, tx, tn.ID, "order-"+tn.ID, []string{"hzl"}, time.Now())
		}); err != nil {
			t.Fatal(err)
		}
	}
	wbCases, err := e.onboard.ListCases(ctx, e.wittenberg.ID)
	if err != nil || len(wbCases) != 1 {
		t.Fatalf("Wittenberg's cases: %v, %v", wbCases, err)
	}
	wbCase := wbCases[0]
	if _, err := e.onboard.SetPhase(ctx, wbCase.ID, onboarding.PhasePreparation, onboarding.InProgress, 0); err != nil {
		t.Fatal(err)
	}
	mailbox := "sozialamt@landkreis-wittenberg.example"
	contacts := []tenant.Contact{{Name: "Wiebke Wernicke", Role: "Digitalisierung", Email: "w.wernicke@landkreis-wittenberg.example", Phone: "03491 479-123"}}
	if _, err := e.store.UpdateTenant(ctx, e.wittenberg.ID, 0, tenant.TenantPatch{FunctionMailbox: &mailbox, Contacts: &contacts}); err != nil {
		t.Fatal(err)
	}
	items, err := e.onboard.Checklist(ctx, wbCase.ID)
	if err != nil || len(items) == 0 {
		t.Fatalf("Wittenberg's checklist: %v, %v", items, err)
	}

	clerk, err := e.store.CreateUser(ctx, tenant.NewUserInput{Email: "sachbearbeitung@kreis-harz.de", Name: "Sören Sachbearbeitung",
		Password: "Hexentanzplatz-im-Mai-2026", TenantID: e.harz.ID, Role: tenant.RoleMunicipalityClerk})
	if err != nil {
		t.Fatal(err)
	}
	centre := &tenant.Tenant{Kind: tenant.KindOrganisation, ParentID: &e.harz.ID, Name: "Schuldnerberatung Harz", Active: true}
	if err := e.store.CreateTenant(ctx, centre); err != nil {
		t.Fatal(err)
	}
	editor, err := e.store.CreateUser(ctx, tenant.NewUserInput{Email: "beratung@schuldnerberatung-harz.de", Name: "Berta Beratung",
		Password: "Bodetal-im-Herbst-2026!", TenantID: centre.ID, Role: tenant.RoleCounsellingEditor})
	if err != nil {
		t.Fatal(err)
	}

	ministry := e.client()
	ministry.login(e.ministry.Email, ministryPW)
	harzAdmin := e.client()
	harzAdmin.login(e.harzAdmin.Email, harzPW)
	harzClerk := e.client()
	harzClerk.login(clerk.Email, "Hexentanzplatz-im-Mai-2026")

	// What no municipality may see of another tenant or of the
	// ministry's work on the overview.
	hidden := []string{
		mailbox, contacts[0].Name, contacts[0].Email, contacts[0].Phone, // Wittenberg's contacts
		e.wbAdmin.Email, e.wbAdmin.Name, // Wittenberg's staff
		"/admin/anbindung/fall/", // cases behind the counts
		"/admin/anbindung/" + e.wittenberg.ID,
		"/admin/rollout/kommune/", // the ministry's drill-downs
		"/admin/rollout/dienst/",
		"/admin/rollout/export.csv",                            // exports of all cases
		"/admin/dvdv", "Fehlende DVDV-Einträge", "gescheitert", // the ministry's work queue
	}
	for name, c := range map[string]*client{"administration": harzAdmin, "clerk": harzClerk} {
		p := c.get("/admin/rollout")
		if p.status != http.StatusOK {
			t.Fatalf("%s: /admin/rollout answers %d", name, p.status)
		}
		text := p.text()
		for _, want := range []string{"Umsetzungsstand in Sachsen-Anhalt", "alle Kommunen des Landes",
			"Landkreis Wittenberg", "Landkreis Harz", "Hilfe zum Lebensunterhalt", "1 laufend", "1 nicht begonnen"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the overview lacks %q", name, want)
			}
		}
		for _, no := range hidden {
			if p.has(no) {
				t.Errorf("%s: the overview shows %q", name, no)
			}
		}
		// Read-only: the only form sending anything is the logout.
		if n := strings.Count(p.body, `method="post"`); n != 1 {
			t.Errorf("%s: %d POST forms on the overview, want only the logout", name, n)
		}
		// Side navigation and onboarding's own navigation name it.
		if !p.has(`<a href="/admin/rollout" aria-current="page">Umsetzungsstand</a>`) ||
			!p.has(`<a class="kern-link" href="/admin/rollout" aria-current="page">Umsetzungsstand</a>`) {
			t.Errorf("%s: no navigation entry Umsetzungsstand", name)
		}
		if !c.get("/admin/").has(`<a href="/admin/rollout">Umsetzungsstand</a>`) {
			t.Errorf("%s: the start page's side navigation lacks Umsetzungsstand", name)
		}
		// The filter works statewide, also on another Kreis.
		f := c.get("/admin/rollout?kreis=" + e.wittenberg.ID)
		_, districts, _ := strings.Cut(f.body, `id="kreise-tabelle"`)
		if f.status != http.StatusOK || !strings.Contains(districts, "Landkreis Wittenberg") || strings.Contains(districts, "Landkreis Harz") {
			t.Errorf("%s: filter on Wittenberg: %d, Kreise: %s", name, f.status, districts)
		}
	}

	// The ministry's tools stay the ministry's, and the cases stay their
	// tenant's: reads answer 403 or 404 …
	for _, path := range []string{
		"/admin/rollout/export.csv", "/admin/rollout/export.csv?tabelle=faelle",
		"/admin/rollout/kommune/" + e.wittenberg.ID, "/admin/rollout/kommune/" + e.harz.ID, "/admin/rollout/dienst/hzl",
		"/admin/anbindung/" + e.wittenberg.ID, "/admin/anbindung/fall/" + wbCase.ID,
		"/admin/zustaendigkeit/" + e.wittenberg.ID,
	} {
		if st := harzAdmin.get(path).status; st != http.StatusForbidden && st != http.StatusNotFound {
			t.Errorf("GET %s by Harz: %d, want 403 or 404", path, st)
		}
	}
	// … and so does every action on Wittenberg's case, with a valid form
	// token; the case is unchanged afterwards.
	token := harzAdmin.csrf(harzAdmin.get("/admin/rollout"))
	fall := "/admin/anbindung/fall/" + wbCase.ID
	for _, path := range []string{
		fall + "/variante", fall + "/fachverfahren", fall + "/anbindungsdaten", fall + "/livegang-geplant",
		fall + "/checkliste/" + items[0].ID, fall + "/anhang/x/loeschen",
		fall + "/phasen/" + string(onboarding.PhasePreparation), fall + "/phasen/" + string(onboarding.PhaseConnectionTests),
		fall + "/bestaetigung", fall + "/uebernehmen",
		"/admin/anbindung/" + e.wittenberg.ID + "/phasen", "/admin/anbindung/" + e.wittenberg.ID + "/kalender-abo",
		"/admin/zustaendigkeit/" + e.wittenberg.ID,
	} {
		form := url.Values{"csrf": {token}, "variante": {"2"}, "status": {"completed"}, "erledigt": {"1"}, "version": {"0"}}
		if st := harzAdmin.post(path, form).status; st != http.StatusForbidden && st != http.StatusNotFound {
			t.Errorf("POST %s by Harz: %d, want 403 or 404", path, st)
		}
	}
	after, err := e.onboard.GetCase(ctx, wbCase.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Version != wbCase.Version+1 { // SetPhase above, nothing since
		t.Errorf("Wittenberg's case changed: version %d, want %d", after.Version, wbCase.Version+1)
	}

	// Without a municipal role (counselling editors) there is neither
	// page nor navigation entry.
	ed := e.client()
	ed.login(editor.Email, "Bodetal-im-Herbst-2026!")
	if st := ed.get("/admin/rollout").status; st != http.StatusForbidden {
		t.Errorf("counselling editor: /admin/rollout answers %d, want 403", st)
	}
	if ed.get("/admin/").has(`href="/admin/rollout"`) {
		t.Error("counselling editor sees the Umsetzungsstand in the navigation")
	}

	// The ministry's dashboard is unchanged: drill-downs, exports,
	// failed deliveries and missing DVDV entries.
	p := ministry.get("/admin/rollout")
	for _, want := range []string{"alle Kommunen in Ihrem Bereich", `href="/admin/rollout/kommune/` + e.wittenberg.ID + `"`,
		`href="/admin/rollout/dienst/hzl"`, "/admin/rollout/export.csv?tabelle=faelle", "Fehlende DVDV-Einträge",
		"Anträge mit gescheiterter Zustellung", "Zustellung gescheitert", "1 laufend"} {
		if !p.has(want) {
			t.Errorf("ministry's dashboard lacks %q", want)
		}
	}
	if st := ministry.get("/admin/rollout/kommune/" + e.wittenberg.ID).status; st != http.StatusOK {
		t.Errorf("ministry's drill-down: %d", st)
	}
}
