package www

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"sozialplattform/portal/forms/formstest"
)

var accountNavBlock = regexp.MustCompile(`(?s)<nav class="portal-account"[^>]*>.*?</nav>`)

// TestServicekontoInTheHeader: every portal page carries the Servicekonto
// entry. Pages the same for everyone lead to "Mein Servicekonto" and
// "Meine Anträge" (through the login when needed); personal pages offer
// the login to a visitor and the logout to a citizen logged in. Every
// link of the entry answers 200.
func TestServicekontoInTheHeader(t *testing.T) {
	t.Parallel()
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

// TestDraftsInTheServicekonto: a draft is deleted from "Mein
// Servicekonto" after a question; after submitting, every address of the
// old draft leads to the receipt; the documents step shows only the
// messages its own codes name, never text from the address.
func TestDraftsInTheServicekonto(t *testing.T) {
	t.Parallel()
	e, fstore, accounts := newAccountEnv(t)
	ctx := t.Context()
	b := e.browser(t)
	acc := login(t, e, accounts, b, "jana@example.org", "Ilse-Brocken-Harzweg-2026")
	d, err := fstore.CreateDraft(ctx, acc.ID, e.harz.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	draft := "/landkreis-harz/antrag/hzl/entwurf/" + d.ID
	r := b.get("/landkreis-harz/servicekonto/")
	if !strings.Contains(r.body, `href="`+draft+`/loeschen"`) {
		t.Fatalf("account lists the draft without a delete link:\n%s", r.body)
	}
	r = b.get(draft + "/loeschen")
	if r.status != 200 || !strings.Contains(r.body, "Antragsentwurf löschen?") {
		t.Fatalf("delete question: %d", r.status)
	}
	if r := b.do("POST", draft+"/loeschen", url.Values{"csrf": {csrf(t, r.body)}}); r.status != http.StatusSeeOther || r.header.Get("Location") != "/landkreis-harz/servicekonto/?geloescht=1" {
		t.Fatalf("delete: %d %s", r.status, r.header.Get("Location"))
	}
	if r := b.get(draft + "/schritt/antragsteller"); r.status != http.StatusNotFound {
		t.Errorf("deleted draft: %d", r.status)
	}

	// A submitted draft's addresses lead to its receipt.
	d, err = fstore.CreateDraft(ctx, acc.ID, e.harz.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	draft = "/landkreis-harz/antrag/hzl/entwurf/" + d.ID
	// Only the codes of the upload redirects are shown, never the text.
	spoof := "Ihr Antrag wurde gesperrt. Rufen Sie sofort 0900-123456 an!"
	for _, st := range formstest.HzL() {
		if _, err := fstore.SaveStep(ctx, acc.ID, d.ID, st.ID, st.Form, "de", nil); err != nil {
			t.Fatal(err)
		}
	}
	if r := b.get(draft + "/schritt/unterlagen?fehler=" + url.QueryEscape(spoof)); r.status != 200 || strings.Contains(r.body, "0900-123456") {
		t.Errorf("free text through ?fehler= is shown (%d)", r.status)
	}
	if r := b.get(draft + "/schritt/unterlagen?fehler=zu-gross"); !strings.Contains(r.body, "Die Datei ist zu groß") {
		t.Errorf("the code zu-gross shows no message")
	}
	summary := b.get(draft + "/absenden")
	decl := url.Values{"csrf": {csrf(t, summary.body)}}
	for id := range formstest.Declarations() {
		decl.Add("erklaerung", id)
	}
	r = b.do("POST", draft+"/absenden", decl)
	if r.status != http.StatusSeeOther {
		t.Fatalf("submit: %d", r.status)
	}
	receipt := r.header.Get("Location")
	for _, old := range []string{draft, draft + "/absenden", draft + "/schritt/einkommen", draft + "/loeschen"} {
		r := b.get(old)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != receipt+"?bereits=1" {
			t.Errorf("%s after submitting: %d %s, want the receipt", old, r.status, r.header.Get("Location"))
		}
	}
	if r := b.do("POST", draft+"/schritt/einkommen", url.Values{"csrf": {decl.Get("csrf")}, "aktion": {"weiter"}}); r.header.Get("Location") != receipt+"?bereits=1" {
		t.Errorf("saving a step of the submitted draft: %d %s", r.status, r.header.Get("Location"))
	}
	if r := b.get(receipt + "?bereits=1"); r.status != 200 || !strings.Contains(r.body, "bereits abgesendet") {
		t.Errorf("receipt after coming back: %d", r.status)
	}
	// Another citizen's browser finds nothing there.
	other := e.browser(t)
	login(t, e, accounts, other, "max@example.org", "Ilse-Brocken-Harzweg-2027")
	if r := other.get(draft + "/absenden"); r.status != http.StatusNotFound {
		t.Errorf("another citizen on the old draft: %d", r.status)
	}
}

// TestSubstanziellShowsTheWay: GruSi needs the trust level substanziell.
// A citizen logged in with a password on a portal without an identity
// provider is not sent into a form he cannot submit: the start page says
// why and leads to the office that takes the application.
func TestSubstanziellShowsTheWay(t *testing.T) {
	t.Parallel()
	e, _, accounts := newAccountEnv(t)
	e.services.live[e.harz.ID] = []string{"hzl", "grusi"}
	b := e.browser(t)
	login(t, e, accounts, b, "jana@example.org", "Ilse-Brocken-Harzweg-2026")
	r := b.get("/landkreis-harz/antrag/grusi")
	if r.status != 200 || !strings.Contains(r.body, "noch nicht eingerichtet") || strings.Contains(r.body, `action="/landkreis-harz/antrag/grusi"`) {
		t.Fatalf("start page: %d\n%s", r.status, r.body)
	}
	if !strings.Contains(r.body, `href="/landkreis-harz/leistungen/grusi/beantragen"`) {
		t.Errorf("no way to the office")
	}
	if r, _ := b.follow(t, "/landkreis-harz/leistungen/grusi/beantragen"); r.status != 200 {
		t.Errorf("office page: %d", r.status)
	}
	// Posting anyway gets the same explanation, with the same way.
	if r := b.do("POST", "/landkreis-harz/antrag/grusi", url.Values{"csrf": {csrf(t, r.body)}}); r.status != http.StatusForbidden ||
		!strings.Contains(r.body, `href="/landkreis-harz/leistungen/grusi/beantragen"`) {
		t.Errorf("create with a low trust level: %d", r.status)
	}
}

// TestAGemeindesAddressLeadsToTheKreisService: "/wernigerode/antrag/hzl",
// typed or bookmarked, leads to the Landkreis Harz' live HzL (the Kreis is
// responsible for Wernigerode's SGB XII cases) instead of "not online";
// a service nobody runs live stays on the Gemeinde's page.
func TestAGemeindesAddressLeadsToTheKreisService(t *testing.T) {
	t.Parallel()
	e, _, _ := newAccountEnv(t)
	b := e.browser(t)
	for _, tt := range []struct {
		method, path string
		status       int
		location     string
	}{
		{"GET", "/wernigerode/antrag/hzl", http.StatusSeeOther, "/landkreis-harz/antrag/hzl"},
		{"POST", "/wernigerode/antrag/hzl", http.StatusSeeOther, "/landkreis-harz/antrag/hzl"},
		{"GET", "/wernigerode/antrag/grusi", http.StatusOK, ""},
		{"GET", "/landkreis-harz/antrag/hzl", http.StatusOK, ""},
	} {
		var form url.Values
		if tt.method == "POST" {
			form = url.Values{}
		}
		r := b.do(tt.method, tt.path, form)
		if r.status != tt.status || r.header.Get("Location") != tt.location {
			t.Errorf("%s %s: %d %s, want %d %s", tt.method, tt.path, r.status, r.header.Get("Location"), tt.status, tt.location)
		}
	}
}

// TestNotOnlineHereSaysSoFirst: a service that is not online in this
// municipality does not begin with "Diesen Antrag stellen Sie online"; it
// says that it is not online and leads to the office's other ways
// (finding F23).
func TestNotOnlineHereSaysSoFirst(t *testing.T) {
	t.Parallel()
	e, _, _ := newAccountEnv(t)
	e.services.live[e.harz.ID] = []string{"hzl"}
	b := e.browser(t)
	for _, tt := range []struct {
		path   string
		live   bool
		office string
	}{
		{"/landkreis-harz/antrag/hzl", true, ""},
		{"/landkreis-harz/antrag/grusi", false, `href="/landkreis-harz/leistungen/grusi/beantragen"`},
	} {
		r := b.get(tt.path)
		if r.status != 200 {
			t.Fatalf("%s: %d", tt.path, r.status)
		}
		if got := strings.Contains(r.body, "Diesen Antrag stellen Sie online"); got != tt.live {
			t.Errorf("%s: says it is applied for online: %v, want %v", tt.path, got, tt.live)
		}
		if got := strings.Contains(r.body, "Nicht online verfügbar"); got == tt.live {
			t.Errorf("%s: says it is not online: %v", tt.path, got)
		}
		if tt.office != "" && !strings.Contains(r.body, tt.office) {
			t.Errorf("%s: no way to the office", tt.path)
		}
	}
}
