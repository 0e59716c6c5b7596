package admin_test

import (
	"net/http"
	"net/url"
	"testing"
)

func TestAccountChangesPasswordAndStaysLoggedIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	c.login(e.wbAdmin.Email, wbPW)
	p := c.get("/admin/konto")
	if !p.has("admin@landkreis-wittenberg.de") || !p.has("Landkreis Wittenberg") || !p.has("Kommune: Administration") {
		t.Errorf("account page:\n%s", p.body)
	}
	const next = "Kaffee-mit-Milch-im-Amt"
	wrong := c.submit("/admin/konto", "/admin/konto", url.Values{"aktuell": {"falsch-falsch-falsch"}, "passwort": {next}, "passwort2": {next}})
	if wrong.status != http.StatusUnprocessableEntity || !wrong.has(`id="aktuell-fehler"`) {
		t.Errorf("wrong current password: status %d", wrong.status)
	}
	// Findings m3: a common password repeated was accepted.
	for _, weak := range []string{"passwortpasswort", "Wittenberg-2026!"} {
		p := c.submit("/admin/konto", "/admin/konto", url.Values{"aktuell": {wbPW}, "passwort": {weak}, "passwort2": {weak}})
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="passwort-fehler"`) || !p.has("zu leicht zu erraten") {
			t.Errorf("guessable password %q: status %d", weak, p.status)
		}
	}
	ok := c.submit("/admin/konto", "/admin/konto", url.Values{"aktuell": {wbPW}, "passwort": {next}, "passwort2": {next}})
	if ok.url.Path != "/admin/konto" || !ok.has("Ihr Passwort wurde geändert.") {
		t.Errorf("change: at %s:\n%s", ok.url, ok.body)
	}
}
