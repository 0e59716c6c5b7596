package admin_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"sozialplattform/admin"
)

// Issue 16 (6): with --demo and no mail server, nobody could read the
// links of the demo's mails. The demo mailbox lists them for everyone who
// tries the demo, linked from the login page; with a mail server, or
// outside the demo, the page does not exist and the login page does not
// mention it.
func TestDemoMailboxOnlyInTheDemoWithoutMailServer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		demo, noSMTP bool
		want         bool
	}{
		{"demo without mail server", true, true, true},
		{"demo with mail server", true, false, false},
		{"operation without mail server", false, true, false},
		{"operation with mail server", false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvWith(t, envOptions{deps: func(d *admin.Deps) { d.Demo, d.NoSMTP = tc.demo, tc.noSMTP }})
			harz := e.client()
			harz.login(e.harzAdmin.Email, harzPW)
			invitations := "/admin/koerperschaften/" + e.harz.ID + "/einladungen"
			harz.submit(invitations, invitations, url.Values{"email": {"neu@kreis-harz.de"}, "rolle": {"municipality-clerk"}})
			m := regexp.MustCompile(regexp.QuoteMeta(e.srv.URL) + `/admin/einladung/[A-Za-z0-9_-]+`).FindString(e.outboxMail("neu@kreis-harz.de").TextBody)
			if m == "" {
				t.Fatal("the invitation mail has no link")
			}
			link := m

			visitor := e.client()
			login := visitor.get("/admin/anmelden")
			box := visitor.get("/demo/postfach")
			if !tc.want {
				if box.status != http.StatusNotFound || login.has("/demo/postfach") {
					t.Fatalf("the demo mailbox must not exist here: status %d, login page links it: %v", box.status, login.has("/demo/postfach"))
				}
				return
			}
			if !login.has(`href="/demo/postfach"`) {
				t.Error("the demo login page does not link the demo mailbox")
			}
			if box.status != http.StatusOK || !box.has("Demo-Postfach") || !box.has("An neu@kreis-harz.de") {
				t.Fatalf("demo mailbox: status %d\n%s", box.status, box.body)
			}
			hrefs := regexp.MustCompile(`<a class="kern-link" href="([^"]+)">`).FindAllStringSubmatch(box.body, -1)
			found := false
			for _, h := range hrefs {
				found = found || html.UnescapeString(h[1]) == link
			}
			if !found {
				t.Fatalf("the demo mailbox does not link the invitation %s:\n%s", link, box.body)
			}
			// The link works for who found it there.
			if p := visitor.get(strings.TrimPrefix(link, e.srv.URL)); p.status != http.StatusOK || !p.has("Einladung") {
				t.Errorf("the invitation link from the demo mailbox: status %d", p.status)
			}
		})
	}
}
