package www

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var accountNavBlock = regexp.MustCompile(`(?s)<nav class="portal-account"[^>]*>.*?</nav>`)

// TestServicekontoInTheHeader: every portal page carries the Servicekonto
// entry. Pages the same for everyone lead to "Mein Servicekonto" and
// "Meine Anträge" (through the login when needed); personal pages offer
// the login to a visitor and the logout to a citizen logged in. Every
// link of the entry answers 200.
func TestServicekontoInTheHeader(t *testing.T) {
	e, _, accounts := newAccountEnv(t)
	b := e.browser(t)
	entry := func(path string) string {
		t.Helper()
		r := b.get(path)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", path, r.status)
		}
		return accountNavBlock.FindString(r.body)
	}
	for _, path := range []string{"/", "/leistungen/hzl", "/sozialleistungsfinder/", "/landkreis-harz/", "/wernigerode/leistungen/"} {
		nav := entry(path)
		if !strings.Contains(nav, ">Mein Servicekonto</a>") || !strings.Contains(nav, ">Meine Anträge</a>") {
			t.Errorf("%s: no Servicekonto entry: %q", path, nav)
		}
	}
	// The Land's pages use the Land's own site for the account.
	if nav := entry("/"); !strings.Contains(nav, `href="/sachsen-anhalt/servicekonto/"`) {
		t.Errorf("Land: %q", nav)
	}
	if r, landed := b.follow(t, "/sachsen-anhalt/servicekonto/#antraege"); r.status != 200 || !strings.Contains(landed, "/anmelden") {
		t.Errorf("account without login: %d on %s", r.status, landed)
	}
	// A personal page knows the visitor: the login, back to this page.
	if nav := entry("/landkreis-harz/antrag/hzl"); !strings.Contains(nav, `href="/landkreis-harz/servicekonto/anmelden?ziel=%2Flandkreis-harz%2Fantrag%2Fhzl"`) || strings.Contains(nav, "abmelden") {
		t.Errorf("start page, logged out: %q", nav)
	}
	login(t, e, accounts, b, "jana@example.org", "Ilse-Brocken-Harzweg-2026")
	nav := entry("/landkreis-harz/antrag/hzl")
	if !strings.Contains(nav, `action="/landkreis-harz/servicekonto/abmelden"`) || !strings.Contains(nav, `name="csrf"`) || !strings.Contains(nav, ">Meine Anträge</a>") {
		t.Errorf("start page, logged in: %q", nav)
	}
	// Logged in, the cached pages' links lead straight to the account.
	for _, link := range []string{"/landkreis-harz/servicekonto/", "/landkreis-harz/servicekonto/#antraege", "/landkreis-harz/servicekonto/anmelden"} {
		if r, landed := b.follow(t, link); r.status != 200 || landed != "/landkreis-harz/servicekonto/" || !strings.Contains(r.body, `id="antraege"`) {
			t.Errorf("%s: %d on %s", link, r.status, landed)
		}
	}
	// The logout of the header ends the session.
	if r := b.do("POST", "/landkreis-harz/servicekonto/abmelden", url.Values{"csrf": {csrf(t, nav)}}); r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	if r := b.get("/landkreis-harz/servicekonto/"); r.status != http.StatusSeeOther {
		t.Errorf("account after logout: %d", r.status)
	}
}
