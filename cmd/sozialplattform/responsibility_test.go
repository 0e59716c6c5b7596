package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sozialplattform/onboarding"
	"sozialplattform/portal/site"
	"sozialplattform/tenant"
)

// TestResponsibilityFromConsoleToPortal: with the seed's onboarding (the
// Landkreis Harz live with HzL, GruSi and BuT) the Landkreis records in the
// console that its Gemeinden run the WBS; then each SGB XII service on the
// portal of the Gemeinde Wernigerode leads to the Landkreis' live
// application and names it, and the WBS names the Stadt. Clerks only read;
// another Landkreis does not see the page.
func TestResponsibilityFromConsoleToPortal(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	ctx := context.Background()
	if err := a.onboard.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	harz, _ := a.store.ResolveTenant(ctx, "15085")
	live, err := a.onboard.LiveAntragsstrecken(ctx, harz.ID)
	if err != nil || len(live) == 0 {
		t.Fatalf("Harz live: %v %v", live, err)
	}

	// The Landkreis delegates the WBS to its Gemeinden.
	admin := newClient(t, srv.URL)
	admin.login("harz@demo.example", tenant.DemoPassword)
	page := "/admin/zustaendigkeit/" + harz.ID
	body := admin.onbPage(http.StatusOK, page)
	onbContains(t, body, "responsibility page", "Landkreis bzw. kreisfreie Stadt", "Hilfe zum Lebensunterhalt 1.0", `name="uebertragen-wbs"`)
	if st, loc, b := admin.onbPost(page, page, url.Values{"uebertragen-wbs": {"1"}}, nil); st != http.StatusSeeOther || !strings.HasPrefix(loc, page) {
		t.Fatalf("save: %d %s %s", st, loc, b)
	}
	if keys, _ := a.onboard.GemeindeAntragsstrecken(ctx, "15085"); !contains(keys, "wbs") || len(keys) != 1 {
		t.Fatalf("delegated: %v", keys)
	}
	onbContains(t, admin.onbPage(http.StatusOK, page+"?hinweis=gespeichert"), "after saving", "gespeichert", "übertragen am")

	// The portal (which keeps what it asked onboarding for a few seconds)
	// asks after the change.
	citizen := newClient(t, srv.URL)
	checked := 0
	for _, svc := range site.Services {
		if svc.Rechtskreis != "sgb12" {
			continue
		}
		for _, strecke := range svc.Antragsstrecken {
			page := plain(citizen.onbPage(http.StatusOK, "/wernigerode/leistungen/"+svc.Key+"/beantragen"))
			if !strings.Contains(page, "Zuständig ist der Landkreis Harz.") {
				t.Errorf("%s: the Landkreis is not named", svc.Key)
			}
			link := `href="/landkreis-harz/antrag/` + strecke + `"`
			if isLive := contains(live, strecke); isLive != strings.Contains(page, link) {
				t.Errorf("%s/%s: live at Harz %v, link on Wernigerode's page %v", svc.Key, strecke, isLive, !isLive)
			} else if isLive {
				checked++
				citizen.onbPage(http.StatusOK, "/landkreis-harz/antrag/"+strecke)
			}
		}
	}
	if checked < 3 {
		t.Errorf("only %d live SGB XII Antragsstrecken followed", checked)
	}

	if p := plain(citizen.onbPage(http.StatusOK, "/wernigerode/leistungen/wbs/beantragen")); !strings.Contains(p, "Zuständig ist die Stadt Wernigerode.") {
		t.Error("the portal does not send Wernigerode's citizens to the Stadt for the WBS")
	}

	// The API says the same; an unknown Antragsstrecke is a field error.
	var out struct {
		KreisKey string                      `json:"kreisKey"`
		Items    []onboarding.Responsibility `json:"items"`
	}
	admin.must(http.StatusOK, "GET", "/api/v1/tenants/"+harz.ID+"/responsibilities", nil, &out)
	if out.KreisKey != "15085" || len(out.Items) == 0 {
		t.Errorf("API: %+v", out)
	}
	raw := admin.must(http.StatusUnprocessableEntity, "PUT", "/api/v1/tenants/"+harz.ID+"/responsibilities", map[string]any{"delegated": []string{"erfunden"}}, nil)
	if !strings.Contains(raw, "erfunden") {
		t.Errorf("API error: %s", raw)
	}

	// A clerk reads; another Landkreis' administration sees nothing.
	clerk := newClient(t, srv.URL)
	clerk.login("sachbearbeitung.harz@demo.example", tenant.DemoPassword)
	if b := clerk.onbPage(http.StatusOK, page); strings.Contains(b, "Zuständigkeit speichern") {
		t.Error("a clerk gets the form")
	}
	clerk.must(http.StatusForbidden, "PUT", "/api/v1/tenants/"+harz.ID+"/responsibilities", map[string]any{"delegated": []string{}}, nil)
	other := newClient(t, srv.URL)
	other.login("wittenberg@demo.example", tenant.DemoPassword)
	other.onbPage(http.StatusNotFound, page)
}

// plain drops the <bdi> isolation around names, for comparing sentences.
func plain(page string) string {
	return strings.NewReplacer(`<bdi lang="de">`, "", "<bdi>", "", "</bdi>", "").Replace(page)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
