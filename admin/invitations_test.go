package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestInvitingAndAcceptingAnInvitation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.client()
	admin.login(e.harzAdmin.Email, harzPW)
	path := "/admin/koerperschaften/" + e.harz.ID + "/einladungen"

	p := admin.get(path)
	if !p.has(`<option value="municipality-clerk"`) || p.has(`<option value="ministry-admin"`) || p.has(`<option value="counselling-editor"`) {
		t.Errorf("role choice should hold the grantable roles fitting a Landkreis:\n%s", p.body)
	}
	p = admin.submit(path, path, url.Values{"email": {"Neu.Person@Kreis-Harz.de"}, "rolle": {"municipality-clerk"}})
	if p.status != http.StatusOK || !p.has("Die Einladung wurde angelegt") || !p.has("neu.person@kreis-harz.de") || !p.has("offen") {
		t.Fatalf("invite: status %d:\n%s", p.status, p.body)
	}
	forged := admin.submit(path, path, url.Values{"email": {"chef@kreis-harz.de"}, "rolle": {"ministry-admin"}})
	if forged.status != http.StatusUnprocessableEntity || !forged.has(`id="rolle-fehler"`) {
		t.Errorf("a role the admin may not grant: status %d", forged.status)
	}

	// The mail is in the Postausgang, with the link a newcomer follows.
	box := admin.get("/admin/postausgang")
	if !box.has("neu.person@kreis-harz.de") || !box.has("Einladung zu Sozialplattform Sachsen-Anhalt: Landkreis Harz") || !box.has("In Warteschlange") {
		t.Fatalf("invitation mail not in the Postausgang:\n%s", box.body)
	}
	m := e.outboxMail("neu.person@kreis-harz.de")
	detail := admin.get("/admin/postausgang/" + m.ID)
	link := regexp.MustCompile(`<a class="kern-link" href="(` + regexp.QuoteMeta(e.srv.URL) + `/admin/einladung/[^"]+)"`).FindStringSubmatch(detail.body)
	if link == nil || !detail.has("<pre") {
		t.Fatalf("mail page offers no invitation link:\n%s", detail.body)
	}

	newcomer := e.client()
	inv := newcomer.get(strings.TrimPrefix(link[1], e.srv.URL))
	for _, want := range []string{"Landkreis Harz", "neu.person@kreis-harz.de", "Kommune: Sachbearbeitung", `for="passwort2"`} {
		if !inv.has(want) {
			t.Errorf("invitation page lacks %q", want)
		}
	}
	invPath := inv.url.Path
	short := newcomer.submit(invPath, invPath, url.Values{"name": {"Nora Neu"}, "passwort": {"kurz"}, "passwort2": {"kurz"}})
	if short.status != http.StatusUnprocessableEntity || !short.has(`id="passwort-fehler"`) || !short.has(`value="Nora Neu"`) {
		t.Errorf("short password: status %d", short.status)
	}
	common := newcomer.submit(invPath, invPath, url.Values{"name": {"Nora Neu"}, "passwort": {"passwortpasswort"}, "passwort2": {"passwortpasswort"}})
	if common.status != http.StatusUnprocessableEntity || !common.has(`id="passwort-fehler"`) || !common.has("zu leicht zu erraten") {
		t.Errorf("findings m3, a common password: status %d", common.status)
	}
	const pw = "Mittags-Spaziergang-am-See"
	done := newcomer.submit(invPath, invPath, url.Values{"name": {"Nora Neu"}, "passwort": {pw}, "passwort2": {pw}})
	if done.status != http.StatusOK || !done.has("Sie sind jetzt Mitglied von Landkreis Harz") || !done.has(`href="/admin/anmelden"`) {
		t.Fatalf("accept: status %d:\n%s", done.status, done.body)
	}
	again := newcomer.get(invPath)
	if again.status != http.StatusGone || !again.has("Der Link ist ungültig, abgelaufen oder wurde bereits verwendet.") {
		t.Errorf("used link: status %d", again.status)
	}

	dash := newcomer.login("neu.person@kreis-harz.de", pw)
	if !dash.has("Guten Tag, Nora Neu") || !dash.has("Landkreis Harz") {
		t.Error("the new account does not reach its dashboard")
	}
	members := admin.get("/admin/koerperschaften/" + e.harz.ID + "/benutzer")
	if !members.has("Nora Neu") || !members.has("Ihr eigenes Konto") {
		t.Error("the new member is not listed")
	}

	invs := admin.get(path)
	if !invs.has("angenommen") {
		t.Error("the invitation is not shown as accepted")
	}
}

func TestRevokingAnInvitation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	c.login(e.harzAdmin.Email, harzPW)
	path := "/admin/koerperschaften/" + e.harz.ID + "/einladungen"
	p := c.submit(path, path, url.Values{"email": {"weg@kreis-harz.de"}, "rolle": {"municipality-clerk"}})
	revoke := regexp.MustCompile(`action="(` + regexp.QuoteMeta(path) + `/[^"]+/zurueckziehen)"`).FindStringSubmatch(p.body)
	if revoke == nil {
		t.Fatalf("no revoke button:\n%s", p.body)
	}
	p = c.confirm(c.submit(path, revoke[1], url.Values{}))
	if !p.has("Die Einladung wurde zurückgezogen.") || !p.has("zurückgezogen</td>") {
		t.Errorf("revoke:\n%s", p.body)
	}
	if again := c.submit(path, revoke[1], url.Values{"bestaetigung": {"ja"}}); again.status != http.StatusConflict {
		t.Errorf("revoking twice: status %d, want 409", again.status)
	}
	m := e.outboxMail("weg@kreis-harz.de")
	link := regexp.MustCompile(`(/admin/einladung/[A-Za-z0-9_-]+)`).FindStringSubmatch(m.TextBody)
	if p := e.client().get(link[1]); p.status != http.StatusGone {
		t.Errorf("revoked link: status %d, want 410", p.status)
	}
}

// The attack of issue 13 (2) in the console: the inviting ministry reads
// the link meant for Wittenberg's administrator and tries passwords on the
// acceptance page. The page never asks an existing account for its
// password, never says that the address has an account, and answers every
// try – the right password included – with the same "please log in".
func TestAnExistingAccountAcceptsOnlyWhileLoggedIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ministry := e.client()
	ministry.login(e.ministry.Email, ministryPW)
	path := "/admin/koerperschaften/" + e.harz.ID + "/einladungen"
	ministry.submit(path, path, url.Values{"email": {e.wbAdmin.Email}, "rolle": {"municipality-clerk"}})
	m := e.outboxMail(e.wbAdmin.Email)
	link := regexp.MustCompile(`(/admin/einladung/[A-Za-z0-9_-]+)`).FindStringSubmatch(m.TextBody)
	if link == nil {
		t.Fatalf("no link in:\n%s", m.TextBody)
	}
	attacker := e.client()
	p := attacker.get(link[1])
	if p.has("bereits ein Konto") || !p.has(`href="/admin/anmelden?next=`+url.QueryEscape(link[1])+`"`) || !p.has(`for="passwort2"`) {
		t.Errorf("the page should offer login and a new account alike, saying nothing about the address:\n%s", p.body)
	}
	var first string
	for i, guess := range []string{"geraten-00-passwort", "geraten-01-passwort", "geraten-02-passwort", wbPW} {
		try := attacker.submit(link[1], link[1], url.Values{"name": {"Mallory"}, "passwort": {guess}, "passwort2": {guess}})
		if try.status != http.StatusUnauthorized || !try.has("Bitte melden Sie sich an, um die Einladung anzunehmen.") {
			t.Fatalf("guess %d: status %d", i, try.status)
		}
		text := csrfField.ReplaceAllString(try.body, "")
		if first == "" {
			first = text
		} else if text != first {
			t.Errorf("guess %d got another answer than the first guess", i)
		}
	}

	// Logged in as another account: the page says so and offers to log out.
	harz := e.client()
	harz.login(e.harzAdmin.Email, harzPW)
	if p := harz.get(link[1]); !p.has("Mit einem anderen Konto angemeldet") || !p.has(`name="next" value="`+link[1]+`"`) {
		t.Errorf("another account's view:\n%s", p.body)
	}
	if p := harz.submit(link[1], link[1], url.Values{}); p.status != http.StatusForbidden {
		t.Errorf("accepting as another account: status %d", p.status)
	}
	if p := harz.submit(link[1], "/admin/abmelden", url.Values{"next": {link[1]}}); p.url.Path != "/admin/anmelden" || p.url.Query().Get("next") != link[1] {
		t.Errorf("logging out from the invitation leads to %s, want the login that returns to it", p.url)
	}

	// The invited account logs in through the page and comes back to it.
	wb := e.client()
	p = wb.get(link[1])
	login := wb.get("/admin/anmelden?next=" + url.QueryEscape(link[1]))
	back := wb.post("/admin/anmelden", url.Values{"email": {e.wbAdmin.Email}, "passwort": {wbPW}, "next": {link[1]}, "csrf": {wb.csrf(login)}})
	if back.url.Path != link[1] || !back.has("Sie sind als "+e.wbAdmin.Email+" angemeldet") || back.has(`type="password"`) {
		t.Fatalf("after login at %s:\n%s", back.url, back.body)
	}
	if done := wb.submit(link[1], link[1], url.Values{}); !done.has("Sie sind jetzt Mitglied von Landkreis Harz") {
		t.Fatalf("accept:\n%s", done.body)
	}
	if dash := wb.get("/admin/"); !dash.has("Landkreis Harz") || !dash.has("Landkreis Wittenberg") {
		t.Error("the account does not see both Landkreise after accepting")
	}
}
