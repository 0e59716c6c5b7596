package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"sozialplattform/portal/citizen"
	"sozialplattform/tenant"
)

func sessionRows(t *testing.T, a *app) int {
	t.Helper()
	n, err := a.db.Read.NewSelect().Table("sessions").Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// TestStrangersWriteNoSessionRows is the attack of issue 13, item 7: every
// anonymous GET of a login page wrote a session row (150 GETs, 150 rows).
// Now 150 strangers open every page with a form before login – console,
// marketplace and every portal form – and the session table does not grow;
// the forms still work with the token from the signed cookie and are
// refused without it.
func TestStrangersWriteNoSessionRows(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	ctx := context.Background()
	if _, err := a.citizens.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	demo, err := a.counsel.LoadDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.appts.LoadDemo(ctx, a.store, demo.CalendarTenants); err != nil {
		t.Fatal(err)
	}
	_, calendars, _ := newClient(t, srv.URL).get("/landkreis-harz/termine/")
	cal := regexp.MustCompile(`href="(/landkreis-harz/termine/kalender/[^"?]+)"`).FindStringSubmatch(calendars)
	if cal == nil {
		t.Fatalf("no calendar on the appointments page:\n%s", calendars)
	}
	unknown := strings.Repeat("x", 43)
	pages := []string{
		"/admin/anmelden", "/admin/passwort/vergessen", "/admin/passwort/neu/" + unknown, "/admin/einladung/" + unknown,
		"/marktplatz/", "/marktplatz/registrierung", "/marktplatz/registrierung/bestaetigen/" + unknown,
		"/landkreis-harz/servicekonto/anmelden", "/landkreis-harz/servicekonto/registrieren",
		"/landkreis-harz/servicekonto/passwort-vergessen", "/landkreis-harz/servicekonto/passwort/" + unknown,
		"/landkreis-harz/servicekonto/bestaetigen/" + unknown, "/landkreis-harz/barrierefreiheit",
		"/landkreis-harz/sozialleistungsfinder/", "/landkreis-harz/sozialleistungsfinder/schritt/1",
		"/landkreis-harz/antrag/hzl", cal[1], "/landkreis-harz/termine/absagen/" + unknown,
	}
	before := sessionRows(t, a)
	for _, p := range pages {
		for range 150 {
			status, body, _ := newClient(t, srv.URL).get(p) // a new stranger each time
			if status >= 500 {
				t.Fatalf("GET %s = %d:\n%s", p, status, body)
			}
		}
	}
	if after := sessionRows(t, a); after != before {
		t.Fatalf("%d anonymous GETs of %d pages left %d session rows more", 150*len(pages), len(pages), after-before)
	}

	// The forms still work: console login, Servicekonto login.
	staff := newClient(t, srv.URL)
	if loc, _ := staff.submitPage("/admin/anmelden", url.Values{"email": {"harz@demo.example"}, "passwort": {tenant.DemoPassword}}, http.StatusSeeOther); loc != "/admin/" {
		t.Errorf("console login went to %s", loc)
	}
	citizenClient := newClient(t, srv.URL)
	citizenLoginWith(t, citizenClient, "landkreis-harz", citizen.DemoEmail, tenant.DemoPassword)
	if after := sessionRows(t, a); after != before+2 {
		t.Errorf("two logins made %d session rows", after-before)
	}

	// Without the cookie, or with another browser's, the token is refused.
	for _, form := range []struct{ page, email, password string }{
		{"/admin/anmelden", "harz@demo.example", tenant.DemoPassword},
		{"/landkreis-harz/servicekonto/anmelden", citizen.DemoEmail, tenant.DemoPassword},
	} {
		victim := newClient(t, srv.URL)
		_, body, _ := victim.get(form.page)
		token := csrfPattern.FindStringSubmatch(body)[1]
		values := url.Values{"csrf": {token}, "email": {form.email}, "passwort": {form.password}}
		attacker := newClient(t, srv.URL) // no cookie at all
		if status, _, _ := attacker.postForm(form.page, values); status != http.StatusForbidden {
			t.Errorf("%s without the cookie: %d, want 403", form.page, status)
		}
		attacker.get(form.page) // a cookie of its own, not the victim's
		if status, _, _ := attacker.postForm(form.page, values); status != http.StatusForbidden {
			t.Errorf("%s with another browser's cookie: %d, want 403", form.page, status)
		}
		if status, _, _ := victim.postForm(form.page, values); status != http.StatusSeeOther {
			t.Errorf("%s with its own cookie: %d, want 303", form.page, status)
		}
	}
}
