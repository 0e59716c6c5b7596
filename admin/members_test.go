package admin_test

import (
	"net/http"
	"net/url"
	"testing"
)

func TestMemberRulesMirrorTheAPI(t *testing.T) {
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
	if !p.has("Das Konto wurde deaktiviert") || !p.has("deaktiviert</td>") {
		t.Errorf("deactivation:\n%s", p.body)
	}
	// The deactivated admin's session is gone.
	if harz.get("/admin/").url.Path != "/admin/anmelden" {
		t.Error("a deactivated account still reaches the console")
	}
}
