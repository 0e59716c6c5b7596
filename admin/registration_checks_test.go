package admin_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

// TestRegistrationChecksKeyNameAndMailbox (findings m1, m2, m28): the form
// refuses a key that is not in the official list and a name that belongs
// to another key, with the problem next to the key and the summary in the
// form's order; a borderline mailbox passes but the ministry's view says
// it looks personal and what the key stands for.
func TestRegistrationChecksKeyNameAndMailbox(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true, worldOptions: worldOptions{demo: true}})
	anon := e.client()
	form := func(name, key, mailbox string) url.Values {
		return url.Values{"authorityName": {name}, "officialKey": {key}, "functionMailbox": {mailbox},
			"street": {"Markt 1"}, "postalCode": {"39590"}, "city": {"Tangermünde"}, "contactName": {"Team Soziales"}, "acceptTerms": {"1"}}
	}
	status, _, body := anon.form("/marktplatz/registrierung", "/marktplatz/registrierung", form("Stadt Tangermünde", "15090999", "mmustermann@tangermuende.example"))
	body = html.UnescapeString(body)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("m2 registration: %d", status)
	}
	contains(t, body, "refused registration", `id="officialKey-fehler"`, "gibt es im amtlichen Gemeindeverzeichnis",
		"Tangermünde hat den Schlüssel 15090550", `id="functionMailbox-fehler"`, "persönlichen Postfach")
	if i, j := strings.Index(body, `href="#officialKey"`), strings.Index(body, `href="#functionMailbox"`); i < 0 || j < i {
		t.Error("error summary not in the form's order")
	}

	status, loc, _ := anon.form("/marktplatz/registrierung", "/marktplatz/registrierung", form("Stadt Tangermünde", "15090550", "mueller@tangermuende.example"))
	if status != http.StatusSeeOther || loc != "/marktplatz/registrierung/eingegangen" {
		t.Fatalf("registration: %d %s", status, loc)
	}
	ministry := e.client()
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	page := ministry.mustPage(http.StatusOK, "/admin/marktplatz/registrierungen")
	contains(t, page, "registration list", "1 Hinweis zur Prüfung")
	m := regexp.MustCompile(`/admin/marktplatz/registrierungen/[0-9a-f-]{36}`).FindString(page)
	if m == "" {
		t.Fatalf("no registration link in the list")
	}
	detail := html.UnescapeString(ministry.mustPage(http.StatusOK, m))
	contains(t, detail, "registration view", "Bitte vor dem Freischalten prüfen", "Funktionspostfach wirkt persönlich",
		"häufiger Nachname", "laut amtlichem Gemeindeverzeichnis Stadt Tangermünde, Landkreis Stendal")
}
