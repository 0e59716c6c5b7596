package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery/pki"
	"sozialplattform/tenant"
)

// TestThreeSGBXIICasesInTenSubmissions is the acceptance test of issue 16
// item 7: a municipality that has just ordered HzL, EB-HzL and GruSi
// connects all three to one Fachverfahren (Open/Prosoz, variant 1) through
// the console without JavaScript in at most ten form submissions – each
// POST of the municipality is counted. Contract, contacts and
// Sprechstunde are done once; "Anbindung übernehmen" copies the
// connection; the system ticks what it can check (DVDV entry, certificate,
// intermediary, Sprechstunde); one form completes the preparation of all
// three.
func TestThreeSGBXIICasesInTenSubmissions(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true, delivery: true, worldOptions: worldOptions{demo: true}})
	ctx := context.Background()
	if err := e.onboard.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	stendal, err := e.store.ResolveTenant(ctx, "15090")
	if err != nil {
		t.Fatal(err)
	}
	const pw = "Roland-vor-dem-Rathaus-2026"
	if _, err := e.store.CreateUser(ctx, tenant.NewUserInput{Email: "sozialamt@landkreis-stendal.example", Name: "Sina Stendal", Password: pw,
		TenantID: stendal.ID, Role: tenant.RoleMunicipalityAdmin}); err != nil {
		t.Fatal(err)
	}
	// The order opened the three cases (the marketplace's part).
	if err := e.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return e.onboard.OpenCases(ctx, tx, stendal.ID, "10200", []string{"hzl", "eb-hzl", "grusi"}, time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	cases, err := e.onboard.ListCases(ctx, stendal.ID)
	if err != nil || len(cases) != 3 {
		t.Fatalf("cases %v, %v", cases, err)
	}
	byKey := map[string]onboarding.Case{}
	for _, c := range cases {
		byKey[c.Antragsstrecke] = c
	}
	hzl := byKey["hzl"]
	page := "/admin/anbindung/fall/" + hzl.ID
	overview := "/admin/anbindung/" + stendal.ID

	s := e.client()
	s.login("sozialamt@landkreis-stendal.example", pw)
	submissions := 0
	post := func(from, action string, vals url.Values) string {
		t.Helper()
		submissions++
		st, loc, body := s.send(from, action, vals, nil)
		if st != http.StatusSeeOther {
			t.Fatalf("submission %d %s: %d %s\n%s", submissions, action, st, loc, body)
		}
		return loc
	}
	version := func() string {
		c, err := e.onboard.GetCase(ctx, hzl.ID)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.Itoa(c.Version)
	}
	itemID := func(caseID, template string) (string, string) {
		items, err := e.onboard.Checklist(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.TemplateID == template {
				return it.ID, strconv.Itoa(it.Version)
			}
		}
		t.Fatalf("no item %s", template)
		return "", ""
	}

	// 1–3: variant, Fachverfahren and Behördenkennung in the HzL case.
	post(page, page+"/variante", url.Values{"variante": {"1"}, "version": {version()}})
	post(page, page+"/fachverfahren", url.Values{"fachverfahren": {"open-prosoz"}, "version": {version()}})
	post(page, page+"/anbindungsdaten", url.Values{"dvdvKennung": {"sop:150900000100"}, "version": {version()}})
	body := s.mustPage(http.StatusOK, page)
	contains(t, body, "case before the DVDV entry", "prüft das System", "Für sop:150900000100 gibt es noch keinen Eintrag im DVDV-Verzeichnis",
		"Anbindung für alle Antragsstrecken dieses Fachverfahrens übernehmen", `href="/admin/anbindungstest/`+hzl.ID+`"`)

	// The ministry sees the missing DVDV entry and creates it (its own
	// work, not the municipality's).
	m := e.client()
	m.login("ministerium@demo.example", tenant.DemoPassword)
	contains(t, m.mustPage(http.StatusOK, "/admin/rollout"), "ministry dashboard", "Fehlende DVDV-Einträge", "sop:150900000100", "Landkreis Stendal")
	ca, err := pki.NewCA("Intermediär ITNetzwerk Stendal", time.Now(), 365*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if st, _, b := m.send("/admin/dvdv", "/admin/dvdv", url.Values{"kennung": {"sop:150900000100"}, "name": {"Landkreis Stendal"},
		"endpoint": {"https://osci.stendal.example/osci"}, "certificate": {string(pki.CertPEM(ca.Cert))}, "active": {"true"}}, nil); st != http.StatusSeeOther {
		t.Fatalf("DVDV entry: %d %s", st, b)
	}
	if strings.Contains(m.mustPage(http.StatusOK, "/admin/rollout"), "sop:150900000100") {
		t.Error("the created entry is still listed as missing")
	}

	// 4–5: the two technical items of variant 1 that people tick, inline.
	for _, tpl := range []string{"v1-xta2", "v1-schnittstelle"} {
		id, v := itemID(hzl.ID, tpl)
		post(page, page+"/checkliste/"+id, url.Values{"erledigt": {"1"}, "version": {v}})
	}
	// 6: EB-HzL and GruSi take over the connection.
	if loc := post(page, page+"/uebernehmen", url.Values{"faelle": {byKey["eb-hzl"].ID, byKey["grusi"].ID}}); !strings.Contains(loc, "uebernommen") {
		t.Errorf("adopt went to %s", loc)
	}
	// 7–8: contract and contacts, once, from the overview.
	for _, tpl := range []string{"alle-vertrag", "alle-ansprechpersonen"} {
		id, v := itemID(byKey["grusi"].ID, tpl)
		post(overview, "/admin/anbindung/fall/"+byKey["grusi"].ID+"/checkliste/"+id, url.Values{"erledigt": {"1"}, "version": {v}, "zurueck": {"uebersicht"}})
	}
	// 9: register for the next Sprechstunde; it takes place (the clock of
	// the test is the wall clock, so the date is moved into the past).
	cons, err := e.onboard.ListConsultations(ctx, onboarding.ConsultationFilter{From: e.onboard.Now()})
	if err != nil || len(cons) == 0 {
		t.Fatalf("Sprechstunden %v, %v", cons, err)
	}
	post("/admin/sprechstunden", "/admin/sprechstunden/"+cons[0].ID+"/anmeldung", url.Values{"koerperschaft": {stendal.ID}})
	if _, err := e.db.Write.NewRaw("UPDATE onboarding_consultations SET starts_at = ? WHERE id = ?", time.Now().Add(-time.Hour), cons[0].ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	// 10: one form completes the preparation of all three.
	ov := s.mustPage(http.StatusOK, overview)
	contains(t, ov, "overview", "Einmal für alle Antragsstrecken", "Sub-Nachnutzungsvertrag unterzeichnet", "Eine Phase für mehrere Antragsstrecken ändern")
	post(overview, overview+"/phasen", url.Values{"phase": {"preparation"}, "stand": {"completed"},
		"faelle": {hzl.ID, byKey["eb-hzl"].ID, byKey["grusi"].ID}})

	for _, c := range cases {
		got, err := e.onboard.GetCase(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Phase(onboarding.PhasePreparation).Status != onboarding.Completed || got.Variant != onboarding.VariantOSCIXTA2 ||
			got.FachverfahrenID != "open-prosoz" || got.Transport.DVDVKennung != "sop:150900000100" {
			t.Errorf("%s after the preparation: %+v", c.Antragsstrecke, got)
		}
	}
	if submissions > 10 {
		t.Errorf("%d form submissions, want at most 10", submissions)
	}
	t.Logf("three SGB XII cases connected to Open/Prosoz in %d form submissions of the municipality", submissions)

	// The next step on each case is the connection test, linked from the
	// case page.
	contains(t, s.mustPage(http.StatusOK, "/admin/anbindung/fall/"+byKey["grusi"].ID), "GruSi case", "Testantrag senden", `href="/admin/anbindungstest/`+byKey["grusi"].ID+`"`)
}
