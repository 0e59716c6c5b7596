package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

func TestMemberRulesMirrorTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	harz := e.client()
	harz.login(e.harzAdmin.Email, harzPW)
	base := "/admin/koerperschaften/" + e.harz.ID + "/benutzer"
	own := harz.submit(base, base+"/"+e.harzAdmin.ID+"/rolle", url.Values{"rolle": {"municipality-clerk"}})
	if own.status != http.StatusUnprocessableEntity || !own.has("Die eigene Rolle und das eigene Konto können Sie nicht selbst ändern.") {
		t.Errorf("changing oneself: status %d", own.status)
	}

	ministry := e.client()
	ministry.login(e.ministry.Email, ministryPW)
	p := ministry.get(base)
	if !p.has(`id="rolle-`+e.harzAdmin.ID+`"`) || !p.has("Konto deaktivieren") {
		t.Fatalf("ministry has no forms for the Harz admin:\n%s", p.body)
	}
	p = ministry.submit(base, base+"/"+e.harzAdmin.ID+"/rolle", url.Values{"rolle": {"municipality-clerk"}})
	if !p.has("Die Rolle wurde geändert.") || !p.has("Kommune: Sachbearbeitung") {
		t.Errorf("role change:\n%s", p.body)
	}
	p = ministry.submit(base, base+"/"+e.harzAdmin.ID+"/aktiv", url.Values{"aktiv": {"0"}})
	if !p.has("Konto von Hanna Harz deaktivieren?") || harz.get("/admin/").url.Path != "/admin/" {
		t.Fatalf("deactivation should ask first and change nothing:\n%s", p.body)
	}
	p = ministry.confirm(p)
	if !p.has("Das Konto wurde deaktiviert") || !p.has("deaktiviert</td>") {
		t.Errorf("deactivation:\n%s", p.body)
	}
	// The deactivated admin's session is gone.
	if harz.get("/admin/").url.Path != "/admin/anmelden" {
		t.Error("a deactivated account still reaches the console")
	}
}

// Issue 13 (8): removing or deactivating a member who created API tokens
// asks first whether to revoke them; kept ones show as orphaned.
func TestRemovingAMemberAsksAboutTheirTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	second, err := e.store.CreateUser(ctx, tenant.NewUserInput{Email: "zweite@kreis-harz.de", Name: "Zora Zweite",
		Password: "Hexentanzplatz-bei-Thale", TenantID: e.harz.ID, Role: tenant.RoleMunicipalityAdmin})
	if err != nil {
		t.Fatal(err)
	}
	harz := e.client()
	harz.login(e.harzAdmin.Email, harzPW)
	tokens := "/admin/koerperschaften/" + e.harz.ID + "/token"
	if p := harz.submit(tokens, tokens, url.Values{"name": {"Fachverfahren Open/Prosoz"}, "rolle": {"municipality-clerk"}}); p.status != http.StatusCreated {
		t.Fatalf("create token: status %d", p.status)
	}
	if _, _, err := e.store.CreateAPIToken(tenant.WithActor(ctx, tenant.Actor{ID: "user:" + second.ID, Label: second.Email}),
		e.harz.ID, "Skript Zora", tenant.RoleMunicipalityClerk, nil); err != nil {
		t.Fatal(err)
	}

	ministry := e.client()
	ministry.login(e.ministry.Email, ministryPW)
	members := "/admin/koerperschaften/" + e.harz.ID + "/benutzer"
	remove := members + "/" + e.harzAdmin.ID + "/entfernen"
	ask := ministry.confirm(ministry.submit(members, remove, url.Values{}))
	if ask.status != http.StatusOK || !ask.has("Was soll mit den API-Token von Hanna Harz geschehen?") || !ask.has("Fachverfahren Open/Prosoz") ||
		ask.has("Skript Zora") || !ask.has(`value="widerrufen"`) || !ask.has(`value="behalten"`) {
		t.Fatalf("removal without decision should ask about Hanna's token only:\n%s", ask.body)
	}
	if p := ministry.get(members); !p.has("Hanna Harz") {
		t.Fatal("asking removed the member already")
	}
	kept := ministry.submit(members, remove, url.Values{"token": {"behalten"}})
	if !kept.has("Die Person wurde aus der Körperschaft entfernt.") || kept.has("Hanna Harz") {
		t.Fatalf("removal keeping the token:\n%s", kept.body)
	}
	list := ministry.get(tokens)
	if !list.has("Ein verwaistes Token") || !list.has("aktiv, <strong>verwaist</strong>") {
		t.Errorf("the kept token is not shown as orphaned:\n%s", list.body)
	}

	deactivate := members + "/" + second.ID + "/aktiv"
	ask = ministry.confirm(ministry.submit(members, deactivate, url.Values{"aktiv": {"0"}}))
	if !ask.has("Skript Zora") || !ask.has(`name="aktiv" value="0"`) {
		t.Fatalf("deactivation without decision should ask:\n%s", ask.body)
	}
	done := ministry.submit(members, deactivate, url.Values{"aktiv": {"0"}, "token": {"widerrufen"}})
	if !done.has("die API-Token, die es erzeugt hatte, widerrufen") || !done.has("deaktiviert</td>") {
		t.Fatalf("deactivation revoking the token:\n%s", done.body)
	}
	if list := ministry.get(tokens); !list.has("widerrufen am") || strings.Count(list.body, "<strong>verwaist</strong>") != 1 {
		t.Errorf("after the deactivation Zora's token should be revoked, Hanna's still orphaned:\n%s", list.body)
	}
}
