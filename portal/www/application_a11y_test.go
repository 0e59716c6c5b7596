package www

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sozialplattform/portal/citizen"
	"sozialplattform/portal/forms"
	"sozialplattform/portal/forms/formstest"
	"sozialplattform/tenant/envelope"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
)

// applicationEnv is a portal with the application forms and the
// Servicekonto wired as the product wires them, and HzL live in Harz.
func applicationEnv(t *testing.T) (*env, *forms.Store, *citizen.Store) {
	t.Helper()
	e := newEnv(t)
	e.services.live[e.harz.ID] = []string{"hzl"}
	outbox, err := mail.NewOutbox(e.portal.db, mail.OutboxOptions{Templates: []fs.FS{MailTemplates(), forms.MailTemplates(), citizen.MailTemplates()}})
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := envelope.Parse(envelope.NewKey())
	reg, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	store, err := forms.NewStore(forms.Deps{DB: e.portal.db, Keys: keys, Registry: reg, Tenants: e.store, Mailer: outbox})
	if err != nil {
		t.Fatal(err)
	}
	accounts := citizen.NewStore(e.portal.db, outbox, citizen.Options{Passwords: passwordtest.Hasher()})
	if err := e.portal.RegisterApplications(ApplicationDeps{Forms: store, Accounts: accounts, Sessions: citizen.NewSessions(e.portal.sessions), Keys: keys}); err != nil {
		t.Fatal(err)
	}
	return e, store, accounts
}

// TestApplicationAccessibility runs axe-core (WCAG 2.1 A/AA) over the
// application and account pages – each HzL step with its error summary,
// the summary, the receipt, the account – in German and Arabic (RTL).
func TestApplicationAccessibility(t *testing.T) {
	t.Parallel()
	root := browserContext(t)
	e, fs, accounts := applicationEnv(t)
	ctx := context.Background()
	tok, err := accounts.Register(ctx, "jana@example.org", "ein-sicheres-passwort", "Jana", "landkreis-harz")
	if err != nil {
		t.Fatal(err)
	}
	acc, err := accounts.Confirm(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	axe := axeSource(t)
	check := func(path string) {
		t.Helper()
		for _, lang := range []string{"de", "ar"} {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			// The page and axe each have a deadline of their own.
			c, cancel := context.WithTimeout(root, pageWait)
			err := chromedp.Do(c, chromedp.Navigate(e.srv.URL+path+sep+"lang="+lang))
			cancel()
			var vs []axeViolation
			if err == nil {
				loc, _ := evaluate[string](root, `location.pathname`)
				if want, _, _ := strings.Cut(path, "?"); loc != want {
					t.Errorf("%s: landed on %s", path, loc)
				}
				vs, err = runAxe(root, axe)
			}
			if err != nil {
				t.Fatalf("%s %s: %v", lang, path, err)
			}
			for _, v := range vs {
				if v.Impact == "serious" || v.Impact == "critical" {
					t.Errorf("%s %s: %s (%s) %s\n    %s", lang, path, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n    "))
				}
			}
		}
	}
	for _, p := range []string{"/landkreis-harz/antrag/hzl", "/landkreis-harz/servicekonto/anmelden", "/landkreis-harz/servicekonto/registrieren",
		"/landkreis-harz/servicekonto/passwort-vergessen"} {
		check(p)
	}
	// Log in with the form.
	if err := chromedp.Do(root, chromedp.Navigate(e.srv.URL+"/landkreis-harz/servicekonto/anmelden?lang=de"),
		chromedp.SendKeys("#email", "jana@example.org"), chromedp.SendKeys("#passwort", "ein-sicheres-passwort")); err != nil {
		t.Fatal(err)
	}
	if err := submit(root, "#passwort"); err != nil {
		t.Fatalf("log in: %v", err)
	}
	if loc, _ := evaluate[string](root, `location.pathname`); strings.HasSuffix(loc, "/anmelden") {
		t.Fatalf("log in ended on %s", loc)
	}
	d, err := fs.CreateDraft(ctx, acc.ID, e.harz.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	base := "/landkreis-harz/antrag/hzl/entwurf/" + d.ID
	check(base + "/schritt/antragsteller?pruefen=1") // every required field with its error
	for _, st := range formstest.HzL() {
		if _, err := fs.SaveStep(ctx, acc.ID, d.ID, st.ID, st.Form, "de", nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range formstest.HzL() {
		check(base + "/schritt/" + st.ID)
	}
	check(base + "/absenden")
	rc, err := fs.Submit(ctx, d.ID, forms.SubmitInput{CitizenID: acc.ID, Trust: forms.TrustNiedrig, Declarations: formstest.Declarations()})
	if err != nil {
		t.Fatal(err)
	}
	check("/landkreis-harz/antrag/hzl/eingang/" + rc.ApplicationID)
	check("/landkreis-harz/servicekonto/")
	check("/landkreis-harz/servicekonto/antraege/" + rc.ApplicationID)
}
