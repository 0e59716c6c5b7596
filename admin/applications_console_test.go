package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/onboarding"
	"sozialplattform/portal/forms"
	"sozialplattform/portal/forms/formstest"
	"sozialplattform/tenant"
)

// submitForConsole submits a complete HzL application with an uploaded
// PDF to the tenant, through a store that writes the delivery outbox
// entry as the running platform does, and returns its receipt.
func (e *env) submitForConsole(tt *tenant.Tenant, email string) *forms.Receipt {
	t := e.t
	t.Helper()
	ctx := context.Background()
	token, err := e.citizens.Register(ctx, email, "ein-sicheres-passwort", "Erika Muster", tt.Slug)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := e.citizens.Confirm(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	store := e.forms // writes the delivery outbox entry in the submission's transaction
	d, err := store.CreateDraft(ctx, acc.ID, tt.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range formstest.HzL() {
		if res, err := store.SaveStep(ctx, acc.ID, d.ID, st.ID, st.Form, "de", nil); err != nil || len(res.Problems.Errors()) > 0 {
			t.Fatalf("step %s: %v %+v", st.ID, err, res)
		}
	}
	if _, err := store.AddUpload(ctx, acc.ID, d.ID, "ausweis", "ausweis.pdf", formstest.PDF, "de"); err != nil {
		t.Fatal(err)
	}
	rc, err := store.Submit(ctx, d.ID, forms.SubmitInput{CitizenID: acc.ID, Email: email, Trust: forms.TrustNiedrig, Declarations: formstest.Declarations()})
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

// deliverToMailbox routes the tenant's HzL to its console mailbox
// (variant 2) and delivers the application there: a delivery with an
// attempt, and the application "zugestellt".
func (e *env) deliverToMailbox(tt *tenant.Tenant, applicationID string) {
	t := e.t
	t.Helper()
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "system", Label: "Test"})
	cases, err := e.onboard.ListCases(ctx, tt.ID)
	if err != nil {
		t.Fatal(err)
	}
	find := func() *onboarding.Case {
		for i := range cases {
			if cases[i].Antragsstrecke == "hzl" {
				return &cases[i]
			}
		}
		return nil
	}
	c := find()
	if c == nil { // not ordered yet: open the case as an order would
		if err := e.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			return e.onboard.OpenCases(ctx, tx, tt.ID, "konsole", []string{"hzl"}, time.Now())
		}); err != nil {
			t.Fatal(err)
		}
		if cases, err = e.onboard.ListCases(ctx, tt.ID); err != nil {
			t.Fatal(err)
		}
		if c = find(); c == nil {
			t.Fatalf("%s has no HzL case", tt.Name)
		}
	}
	if v := onboarding.VariantOSCIClient; c.Variant != v {
		if _, err := e.onboard.UpdateCase(ctx, c.ID, 0, onboarding.CasePatch{Variant: &v}); err != nil {
			t.Fatal(err)
		}
	}
	app, err := e.forms.Get(ctx, applicationID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.delivery.Drive(ctx, app.DeliveryID, 0); err != nil {
		t.Fatal(err)
	}
}

// TestApplicationsConsole walks the console pages of the online
// applications as a municipality's clerk and administration, as another
// municipality and as the ministry.
func TestApplicationsConsole(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true, ordering: true, delivery: true, worldOptions: worldOptions{demo: true, applications: true, api: true}})
	ctx := context.Background()
	harz, wittenberg := e.harz, e.wittenberg
	delivered := e.submitForConsole(harz, "erika@example.org")
	e.deliverToMailbox(harz, delivered.ApplicationID)
	waiting := e.submitForConsole(harz, "erik@example.org")
	foreign := e.submitForConsole(wittenberg, "wilma@example.org")

	login := func(email string) *client {
		c := e.client()
		c.login(email, tenant.DemoPassword)
		return c
	}
	clerk, admin, ministry, other := login("sachbearbeitung.harz@demo.example"), login("harz@demo.example"),
		login("ministerium@demo.example"), login("wittenberg@demo.example")
	list := "/admin/antraege/" + harz.ID
	detail := "/admin/antraege/antrag/" + delivered.ApplicationID
	settings := list + "/einstellungen"

	t.Run("a municipality's staff go to their own list", func(t *testing.T) {
		if r := clerk.fetch("/admin/antraege"); r.status != http.StatusSeeOther || r.location != list {
			t.Fatalf("start: %d %s", r.status, r.location)
		}
		p := clerk.mustPage(http.StatusOK, list)
		contains(t, p, "list", delivered.Reference, waiting.Reference, `href="/admin/antraege/antrag/`+delivered.ApplicationID+`"`,
			`<caption`, `scope="col"`, `scope="row"`, `href="/admin/antraege" aria-current="page">Online-Anträge</a>`, "Zugestellt: 1", "Eingereicht: 1")
		if strings.Contains(p, foreign.Reference) || strings.Contains(p, "Muster") {
			t.Fatalf("the list shows another municipality's application or personal data:\n%s", p)
		}
	})

	t.Run("the filters narrow the list", func(t *testing.T) {
		today := time.Now().In(berlinTime(t)).Format("2006-01-02")
		tomorrow := time.Now().In(berlinTime(t)).AddDate(0, 0, 1).Format("2006-01-02")
		for _, tt := range []struct {
			query     string
			want, not []string
		}{
			{"status=zugestellt", []string{delivered.Reference}, []string{waiting.Reference}},
			{"status=eingereicht", []string{waiting.Reference}, []string{delivered.Reference}},
			{"q=" + url.QueryEscape(strings.ToLower(waiting.Reference[len(waiting.Reference)-6:])), []string{waiting.Reference}, []string{delivered.Reference}},
			{"strecke=hzl&von=" + today + "&bis=" + today, []string{delivered.Reference, waiting.Reference}, nil},
			{"strecke=grusi", []string{"Keine Anträge für diese Filter"}, []string{delivered.Reference, waiting.Reference}},
			{"von=" + tomorrow, []string{"Keine Anträge für diese Filter"}, []string{delivered.Reference, waiting.Reference}},
			{"seite=2", []string{"Vorherige Seite"}, []string{delivered.Reference, waiting.Reference}},
		} {
			p := clerk.mustPage(http.StatusOK, list+"?"+tt.query)
			contains(t, p, tt.query, tt.want...)
			for _, n := range tt.not {
				if strings.Contains(p, n) {
					t.Errorf("%s lists %s", tt.query, n)
				}
			}
		}
		p := clerk.mustPage(http.StatusUnprocessableEntity, list+"?von=gestern&status=verschollen")
		contains(t, p, "bad filter", `id="von-fehler"`, "Bitte geben Sie ein Datum wie 28.11.2026 an.", `id="status-fehler"`, `value="gestern"`)
		if strings.Contains(p, delivered.Reference) {
			t.Error("a list that cannot be filtered is shown unfiltered")
		}
	})

	var attachment string
	t.Run("the detail shows answers, documents and the delivery", func(t *testing.T) {
		p := clerk.mustPage(http.StatusOK, detail)
		contains(t, p, "detail", delivered.Reference, "Hilfe zum Lebensunterhalt", "Version der Formulardefinition", "Muster", "Erika",
			"DE89 3704 0044 0532 0130 00", "ausweis.pdf", detail+"/pdf", detail+"/xml", "Zustellung an das Fachverfahren",
			`href="/admin/zustellung/eintrag/`, "Versuche und Statusabfragen", "Zugestellt")
		m := regexp.MustCompile(`/anlagen/([0-9a-f-]+)"`).FindStringSubmatch(p)
		if m == nil {
			t.Fatalf("no attachment link:\n%s", p)
		}
		attachment = m[1]
	})

	t.Run("downloads are attachments and audited", func(t *testing.T) {
		for _, tt := range []struct{ path, ctype, name, magic string }{
			{detail + "/pdf", "application/pdf", ".pdf", "%PDF"},
			{detail + "/xml", "application/xml; charset=utf-8", ".xml", "<?xml"},
			{detail + "/anlagen/" + attachment, "application/pdf", "ausweis.pdf", "%PDF"},
		} {
			status, h, body := clerk.raw(tt.path)
			if status != http.StatusOK || h.Get("Content-Type") != tt.ctype || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") ||
				!strings.Contains(h.Get("Content-Disposition"), tt.name) || h.Get("X-Content-Type-Options") != "nosniff" ||
				h.Get("Cache-Control") != "no-store" || !strings.HasPrefix(string(body), tt.magic) {
				t.Errorf("GET %s: %d %v %.20q", tt.path, status, h, body)
			}
		}
		clerk.mustPage(http.StatusNotFound, detail+"/anlagen/00000000-0000-0000-0000-000000000000")
		clerk.mustPage(http.StatusNotFound, detail+"/word")

		clerkUser, err := e.store.UserByEmail(ctx, "sachbearbeitung.harz@demo.example")
		if err != nil {
			t.Fatal(err)
		}
		log, err := e.store.ListAudit(ctx, tenant.AuditFilter{TenantIDs: []string{harz.ID}, ObjectType: forms.ObjApplication, ActorID: "user:" + clerkUser.ID})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range log {
			count[e.Action]++
			if e.Action != "list" && e.ObjectID != delivered.ApplicationID {
				t.Errorf("audited %s of %s", e.Action, e.ObjectID)
			}
		}
		if count["read"] != 1 || count["download"] != 3 || count["list"] < 8 {
			t.Errorf("audit log of the clerk: %v", count)
		}
	})

	t.Run("another municipality finds nothing", func(t *testing.T) {
		for _, path := range []string{list, detail, detail + "/pdf", detail + "/xml", detail + "/anlagen/" + attachment, settings} {
			if p := other.mustPage(http.StatusNotFound, path); strings.Contains(p, delivered.Reference) || strings.Contains(p, "Muster") {
				t.Errorf("%s leaks:\n%s", path, p)
			}
		}
		clerk.mustPage(http.StatusNotFound, "/admin/antraege/antrag/"+foreign.ApplicationID)
		clerk.mustPage(http.StatusNotFound, "/admin/antraege/antrag/"+foreign.ApplicationID+"/pdf")
		if status, _, _ := other.send("/admin/antraege/"+wittenberg.ID+"/einstellungen", settings, url.Values{"draftDays": {"1"}, "retentionDays": {"1"}}, nil); status != http.StatusNotFound {
			t.Errorf("another municipality changes the settings: %d", status)
		}
		contains(t, other.mustPage(http.StatusOK, "/admin/antraege/"+wittenberg.ID), "own list", foreign.Reference)
	})

	t.Run("the ministry sees counts only", func(t *testing.T) {
		p := ministry.mustPage(http.StatusOK, "/admin/antraege")
		contains(t, p, "ministry", "Anträge je Kommune und Antragsstrecke", "Landkreis Harz", "Landkreis Wittenberg", "Hilfe zum Lebensunterhalt",
			`<caption class="kern-title" id="zahlen-titel">3 Anträge`, `href="/admin/antraege" aria-current="page">Online-Anträge</a>`)
		for _, leak := range []string{delivered.Reference, waiting.Reference, foreign.Reference, "Muster", delivered.ApplicationID} {
			if strings.Contains(p, leak) {
				t.Errorf("the ministry's counts show %s", leak)
			}
		}
		ministry.mustPage(http.StatusUnprocessableEntity, "/admin/antraege?von=1.13.2026")
		// The retention settings hold no personal data: the ministry reads
		// them as through the API.
		if p := ministry.mustPage(http.StatusOK, settings); strings.Contains(p, "Muster") {
			t.Errorf("the settings page leaks:\n%s", p)
		}
		for _, path := range []string{list, detail, detail + "/pdf", detail + "/xml", detail + "/anlagen/" + attachment} {
			if p := ministry.mustPage(http.StatusForbidden, path); strings.Contains(p, "Muster") || strings.Contains(p, delivered.Reference) {
				t.Errorf("%s leaks to the ministry:\n%s", path, p)
			}
		}
	})

	t.Run("the settings validate and save", func(t *testing.T) {
		p := clerk.mustPage(http.StatusOK, settings)
		contains(t, p, "clerk's settings", "Aufbewahrung zugestellter Anträge", "Die Fristen ändert die Administration", "Bisher wurde nichts gelöscht")
		if strings.Contains(p, "Fristen speichern") {
			t.Error("the clerk gets the settings form")
		}
		if status, _, _ := clerk.send(list, settings, url.Values{"draftDays": {"10"}, "retentionDays": {"10"}}, nil); status != http.StatusForbidden {
			t.Errorf("the clerk changes the settings: %d", status)
		}

		contains(t, admin.mustPage(http.StatusOK, settings), "admin's settings", "Fristen speichern", `value="30"`, `value="90"`)
		status, _, body := admin.send(settings, settings, url.Values{"draftDays": {"dreißig"}, "retentionDays": {"0"}}, nil)
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("bad settings: %d", status)
		}
		contains(t, body, "bad settings", `id="fehlerliste"`,
			`id="draftDays-fehler"`, "Bitte geben Sie die Anzahl der Tage als ganze Zahl an",
			`id="retentionDays-fehler"`, "Zugestellte Anträge bleiben 1 bis 3650 Tage.", `value="dreißig"`, `aria-invalid="true"`)
		if set, _ := e.forms.Settings(ctx, harz.ID); set.Custom {
			t.Errorf("saved despite errors: %+v", set)
		}
		status, _, body = admin.send(settings, settings, url.Values{"draftDays": {"400"}, "retentionDays": {"180"}}, nil)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Entwürfe werden 1 bis 365 Tage aufbewahrt.") {
			t.Errorf("draft days out of range: %d", status)
		}
		if set, _ := e.forms.Settings(ctx, harz.ID); set.Custom {
			t.Errorf("saved despite errors: %+v", set)
		}

		status, loc, _ := admin.send(settings, settings, url.Values{"draftDays": {"14"}, "retentionDays": {"180"}}, nil)
		if status != http.StatusSeeOther || loc != settings+"?hinweis=fristen" {
			t.Fatalf("save: %d %s", status, loc)
		}
		if set, _ := e.forms.Settings(ctx, harz.ID); set.DraftDays != 14 || set.RetentionDays != 180 || !set.Custom {
			t.Errorf("settings %+v", set)
		}
		contains(t, admin.mustPage(http.StatusOK, loc), "saved", "Die Aufbewahrungsfristen wurden gespeichert", `value="14"`, `value="180"`)
		// The API reads what the console wrote.
		var out forms.RetentionSettings
		admin.api(http.StatusOK, "GET", "/api/v1/tenants/"+harz.ID+"/application-settings", nil, &out)
		if out.DraftDays != 14 || out.RetentionDays != 180 {
			t.Errorf("API reads %+v", out)
		}
	})

	t.Run("the deletion log shows what the retention job deleted", func(t *testing.T) {
		if _, err := e.db.Write.NewUpdate().TableExpr("applications").Set("delete_after = ?", time.Now().Add(-time.Hour).UTC()).
			Where("id = ?", delivered.ApplicationID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if res, err := e.forms.Cleanup(ctx); err != nil || res.ApplicationsPurged != 1 {
			t.Fatalf("cleanup: %+v %v", res, err)
		}
		contains(t, clerk.mustPage(http.StatusOK, settings), "deletion log", "Löschprotokoll", delivered.Reference, "Antragsdaten", "Hilfe zum Lebensunterhalt")
		p := clerk.mustPage(http.StatusOK, detail)
		contains(t, p, "purged detail", "Die Angaben wurden nach Ablauf der Aufbewahrungsfrist gelöscht")
		if strings.Contains(p, "Muster") {
			t.Error("purged answers still shown")
		}
		contains(t, clerk.mustPage(http.StatusNotFound, detail+"/pdf"), "purged pdf", "Dokument nicht vorhanden")
	})

	t.Run("the menu names the applications only for those who may see them", func(t *testing.T) {
		org := &tenant.Tenant{Kind: tenant.KindOrganisation, Name: "Schuldnerberatung Harz", ParentID: &harz.ID, Active: true}
		if err := e.store.CreateTenant(ctx, org); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.CreateUser(ctx, tenant.NewUserInput{Email: "beratung@demo.example", Name: "Bea Beratung",
			Password: tenant.DemoPassword, TenantID: org.ID, Role: tenant.RoleCounsellingEditor}); err != nil {
			t.Fatal(err)
		}
		editor := login("beratung@demo.example")
		if p := editor.mustPage(http.StatusOK, "/admin/"); strings.Contains(p, `href="/admin/antraege"`) {
			t.Error("the counselling editor's menu names the applications")
		}
		editor.mustPage(http.StatusForbidden, "/admin/antraege")
		editor.mustPage(http.StatusNotFound, list)
		editor.mustPage(http.StatusNotFound, detail)
		contains(t, clerk.mustPage(http.StatusOK, "/admin/"), "clerk's menu", `href="/admin/antraege"`)
	})

	t.Run("without a session the console asks for a login", func(t *testing.T) {
		anon := e.client()
		for _, path := range []string{"/admin/antraege", list, detail, detail + "/pdf", settings} {
			if r := anon.fetch(path); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/admin/anmelden") {
				t.Errorf("anonymous GET %s: %d %s", path, r.status, r.location)
			}
		}
	})
}

func berlinTime(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
