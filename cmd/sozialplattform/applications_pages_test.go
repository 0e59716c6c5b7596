package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sozialplattform/portal/forms"
	"sozialplattform/tenant"
)

// citizenLogin logs a citizen in through the login form.
func citizenLogin(t *testing.T, base, slug, email, target string) *client {
	t.Helper()
	c := newClient(t, base)
	loc, _ := c.submitPage("/"+slug+"/servicekonto/anmelden?ziel="+url.QueryEscape(target), url.Values{"email": {email}, "passwort": {"ein-sicheres-passwort"}, "ziel": {target}}, http.StatusSeeOther)
	if loc != target {
		t.Fatalf("login went to %s, want %s", loc, target)
	}
	return c
}

// TestApplicationPageRules: the start page, a municipality where the
// Antragsstrecke is not live, a trust level too low, tampered fields, an
// expired session in the middle of a step (nothing lost), and another
// citizen's draft.
func TestApplicationPageRules(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	ctx := context.Background()
	if err := a.market.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.onboard.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	anon := newClient(t, srv.URL)
	if status, body, _ := anon.get("/landkreis-harz/antrag/hzl"); status != 200 || !strings.Contains(body, "/landkreis-harz/servicekonto/anmelden") {
		t.Fatalf("start page: %d", status)
	}
	if _, body, _ := anon.get("/landkreis-wittenberg/antrag/hzl"); !strings.Contains(body, "noch nicht über die Sozialplattform an") {
		t.Error("Wittenberg: HzL shown as live")
	}
	seedCitizen(t, a, "jana@example.org", "landkreis-harz")
	seedCitizen(t, a, "mallory@example.org", "landkreis-harz")
	jana := citizenLogin(t, srv.URL, "landkreis-harz", "jana@example.org", "/landkreis-harz/antrag/hzl")

	// GruSi needs "substanziell": a password login is not enough.
	_, page, _ := jana.get("/landkreis-harz/antrag/grusi")
	if !strings.Contains(page, "Vertrauensniveau „substanziell“") {
		t.Error("GruSi start page does not name the trust level")
	}
	tok := csrfPattern.FindStringSubmatch(page)[1]
	status, body, _ := jana.postForm("/landkreis-harz/antrag/grusi", url.Values{"csrf": {tok}})
	if status != http.StatusForbidden || !strings.Contains(body, "Vertrauensniveau") {
		t.Fatalf("GruSi with trust niedrig: %d", status)
	}

	loc, _ := jana.submitPage("/landkreis-harz/antrag/hzl", nil, http.StatusSeeOther)
	draft := strings.TrimSuffix(loc, "/schritt/antragsteller")
	draftID := draft[strings.LastIndex(draft, "/")+1:]

	// Tampered and unknown fields: a choice not offered is refused, an
	// unknown field ignored, a field of another step not taken.
	_, body = jana.submitPage(loc, url.Values{"aktion": {"weiter"}, "geschlecht": {"q"}, "bogus": {"x"}, "notlage": {"ja"}, "familienname": {"Muster"}}, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "Bitte wählen Sie eine der angebotenen Antworten.") {
		t.Error("tampered select value accepted")
	}
	acc, _ := a.citizens.ByEmail(ctx, "jana@example.org")
	d, err := a.forms.Draft(ctx, acc.ID, draftID)
	if err != nil || d.Answers.Str("familienname") != "Muster" || d.Answers.Str("notlage") != "" || d.Answers.Str("bogus") != "" {
		t.Fatalf("answers after tampering: %+v %v", d.Answers, err)
	}

	// Another citizen cannot open the draft.
	mallory := citizenLogin(t, srv.URL, "landkreis-harz", "mallory@example.org", "/landkreis-harz/servicekonto/")
	if status, _, _ := mallory.get(loc); status != http.StatusNotFound {
		t.Errorf("foreign draft: %d", status)
	}

	// The session expires during a long step: the answers are parked and
	// saved after the next login.
	_, stepPage, _ := jana.get(loc)
	stepTok := csrfPattern.FindStringSubmatch(stepPage)[1]
	if _, err := a.db.Write.ExecContext(ctx, "DELETE FROM sessions"); err != nil {
		t.Fatal(err)
	}
	status, _, h := jana.postForm(loc, url.Values{"csrf": {stepTok}, "aktion": {"weiter"}, "familienname": {"Muster"}, "vorname": {"Jana"}, "geburtsort": {"Wernigerode"}})
	if status != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "/servicekonto/anmelden?abgelaufen=1") {
		t.Fatalf("expired session: %d %s", status, h.Get("Location"))
	}
	target, _ := url.Parse(h.Get("Location"))
	ziel := target.Query().Get("ziel")
	login, _ := jana.submitPage(h.Get("Location"), url.Values{"email": {"jana@example.org"}, "passwort": {"ein-sicheres-passwort"}, "ziel": {ziel}}, http.StatusSeeOther)
	if login != ziel {
		t.Fatalf("after login: %s, want %s", login, ziel)
	}
	d, _ = a.forms.Draft(ctx, acc.ID, draftID)
	if d.Answers.Str("vorname") != "Jana" || d.Answers.Str("geburtsort") != "Wernigerode" {
		t.Fatalf("parked answers lost: %+v", d.Answers)
	}
	if _, body, _ := jana.get(login); !strings.Contains(body, "Ihre Angaben von vor der Anmeldung wurden übernommen.") {
		t.Error("no notice about the restored answers")
	}

	// Staff sessions and anonymous callers have no citizen applications.
	anon.must(http.StatusUnauthorized, "GET", "/api/v1/me/applications", nil, nil)
	staff := newClient(t, srv.URL)
	staff.login("harz@demo.example", tenant.DemoPassword)
	staff.must(http.StatusUnauthorized, "GET", "/api/v1/me/applications", nil, nil)
	jana.must(http.StatusOK, "GET", "/api/v1/me/applications", nil, nil)
}

// TestApplicationAPIAccess: who reads which application.
func TestApplicationAPIAccess(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	ctx := context.Background()
	harz, _ := a.store.ResolveTenant(ctx, "landkreis-harz")
	wb, _ := a.store.ResolveTenant(ctx, "landkreis-wittenberg")
	own, other := seedApplications(t, a, harz), seedApplications(t, a, wb)
	login := func(email string) *client {
		c := newClient(t, srv.URL)
		c.login(email, tenant.DemoPassword)
		return c
	}
	admin, clerk, witt, ministry := login("harz@demo.example"), login("sachbearbeitung.harz@demo.example"), login("wittenberg@demo.example"), login("ministerium@demo.example")
	owner := citizenLogin(t, srv.URL, "landkreis-harz", own.email, "/landkreis-harz/servicekonto/")
	for _, tt := range []struct {
		name string
		who  *client
		path string
		want int
	}{
		{"owner reads", owner, "/api/v1/applications/" + own.applicationID, 200},
		{"owner, another's", owner, "/api/v1/applications/" + other.applicationID, 404},
		{"owner, XML (municipality only)", owner, "/api/v1/applications/" + own.applicationID + "/xml", 401},
		{"clerk reads", clerk, "/api/v1/applications/" + own.applicationID, 200},
		{"clerk XML", clerk, "/api/v1/applications/" + own.applicationID + "/xml", 200},
		{"clerk PDF", clerk, "/api/v1/applications/" + own.applicationID + "/pdf", 200},
		{"clerk, other municipality", clerk, "/api/v1/applications/" + other.applicationID, 404},
		{"clerk, other XML", clerk, "/api/v1/applications/" + other.applicationID + "/xml", 404},
		{"Wittenberg, Harz list", witt, "/api/v1/tenants/" + harz.ID + "/applications", 403},
		{"admin list", admin, "/api/v1/tenants/" + harz.ID + "/applications?status=eingereicht&antragsstrecke=hzl", 200},
		{"ministry: no personal data", ministry, "/api/v1/applications/" + own.applicationID, 404},
		{"ministry: no list", ministry, "/api/v1/tenants/" + harz.ID + "/applications", 403},
		{"ministry: no XML", ministry, "/api/v1/applications/" + own.applicationID + "/xml", 404},
		{"ministry counts", ministry, "/api/v1/applications/stats", 200},
		{"clerk counts", clerk, "/api/v1/applications/stats", 200},
		{"clerk settings", clerk, "/api/v1/tenants/" + harz.ID + "/application-settings", 200},
	} {
		if status, raw := tt.who.do("GET", tt.path, nil, nil); status != tt.want {
			t.Errorf("%s: GET %s = %d, want %d: %s", tt.name, tt.path, status, tt.want, raw)
		}
	}
	raw := ministry.must(http.StatusOK, "GET", "/api/v1/applications/stats", nil, nil)
	if !strings.Contains(raw, harz.ID) || !strings.Contains(raw, wb.ID) || strings.Contains(raw, own.applicationID) || strings.Contains(raw, "Muster") {
		t.Errorf("ministry stats: %s", raw)
	}
	raw = clerk.must(http.StatusOK, "GET", "/api/v1/applications/stats", nil, nil)
	if strings.Contains(raw, wb.ID) {
		t.Errorf("clerk counts another municipality: %s", raw)
	}
	var list struct {
		Items []forms.Application
		Total int
	}
	admin.must(http.StatusOK, "GET", "/api/v1/tenants/"+harz.ID+"/applications", nil, &list)
	if list.Total != 1 || list.Items[0].ID != own.applicationID || list.Items[0].Status != forms.StatusEingereicht {
		t.Errorf("list %+v", list)
	}
	clerk.must(http.StatusForbidden, "PUT", "/api/v1/tenants/"+harz.ID+"/application-settings", map[string]int{"draftDays": 10, "retentionDays": 30}, nil)
	admin.must(http.StatusOK, "PUT", "/api/v1/tenants/"+harz.ID+"/application-settings", map[string]int{"draftDays": 10, "retentionDays": 30}, nil)
	admin.must(http.StatusUnprocessableEntity, "PUT", "/api/v1/tenants/"+harz.ID+"/application-settings", map[string]int{"draftDays": 0, "retentionDays": 30}, nil)
}
