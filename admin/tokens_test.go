package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

func TestCreatingATokenShowsTheSecretOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	c.login(e.harzAdmin.Email, harzPW)
	path := "/admin/koerperschaften/" + e.harz.ID + "/token"
	p := c.submit(path, path, url.Values{"name": {"Fachverfahren Open/Prosoz"}, "rolle": {"municipality-clerk"}, "ablauf": {"31.12.2099"}})
	if p.status != http.StatusCreated {
		t.Fatalf("status %d:\n%s", p.status, p.body)
	}
	secret := regexp.MustCompile(`value="(spt_[A-Za-z0-9_-]+)"`).FindStringSubmatch(p.body)
	if secret == nil || !p.has("nur dieses eine Mal angezeigt") {
		t.Fatalf("no secret with its warning:\n%s", p.body)
	}
	list := c.get(path)
	if !list.has("Fachverfahren Open/Prosoz") || !list.has(secret[1][:10]+"…") || !list.has("01.01.2100") {
		t.Errorf("token list lacks the token:\n%s", list.body)
	}
	if list.has(secret[1]) {
		t.Error("the token list shows the secret again")
	}
	if p := c.submit(path, path, url.Values{"name": {"Alt"}, "rolle": {"municipality-clerk"}, "ablauf": {"2001-01-01"}}); p.status != http.StatusUnprocessableEntity || !p.has(`id="ablauf-fehler"`) {
		t.Errorf("expiry in the past: status %d", p.status)
	}

	id := regexp.MustCompile(`/token/([^/"]+)/widerrufen`).FindStringSubmatch(list.body)
	if id == nil {
		t.Fatal("no revoke button")
	}
	ask := c.submit(path, path+"/"+id[1]+"/widerrufen", url.Values{})
	if !ask.has("API-Token widerrufen?") || !ask.has("Ja, widerrufen") {
		t.Fatalf("revoking should ask first:\n%s", ask.body)
	}
	if list := c.get(path); !list.has("Fachverfahren Open/Prosoz") || list.has("widerrufen am") {
		t.Fatalf("asking revoked the token already:\n%s", list.body)
	}
	revoked := c.confirm(ask)
	if !revoked.has("Das API-Token wurde widerrufen.") || !revoked.has("widerrufen am") {
		t.Errorf("revoke:\n%s", revoked.body)
	}
}
