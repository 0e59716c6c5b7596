package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/mail/mailtest"
)

// The account takeover paths of issue 13, each sent as the attack through
// the JSON API of a server with the demo data.

var invitationToken = regexp.MustCompile(`/admin/einladung/([A-Za-z0-9_-]+)`)

// demoTenantID returns the ID of a demo tenant by its official key.
func demoTenantID(t *testing.T, a *app, key string) string {
	t.Helper()
	tn, err := a.store.ResolveTenant(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return tn.ID
}

// mailsTo returns the mails of a template to an address, oldest last.
func mailsTo(t *testing.T, a *app, template, to string) []mail.Stored {
	t.Helper()
	return mailtest.Listed(t, a.outbox, func(m mail.Stored) bool { return m.Template == template && m.To == to })
}

// problemDetail is the "detail" of a problem answer.
func problemDetail(t *testing.T, raw string) string {
	t.Helper()
	var p struct {
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatalf("no problem answer: %s", raw)
	}
	return p.Detail
}

// Issue 13 (2): the ministry invites the Harz administrator to Wittenberg,
// reads the link in the Postausgang and tries passwords at the API. The
// old acceptance checked them: 40 wrong ones got 422, the right one 200.
// Now no password of an existing account is checked there, every try gets
// the 401 an address without account gets, and the account accepts only
// while logged in as itself.
func TestInvitationAcceptanceIsNoPasswordOracle(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	ministry := newClient(t, srv.URL)
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	wittenberg := demoTenantID(t, a, "15091")
	for _, email := range []string{"harz@demo.example", "niemand@example.org"} {
		ministry.must(http.StatusCreated, "POST", "/api/v1/tenants/"+wittenberg+"/invitations",
			map[string]string{"email": email, "role": "municipality-clerk"}, nil)
	}
	token := func(to string) string {
		ms := mailsTo(t, a, "invitation", to)
		if len(ms) != 1 {
			t.Fatalf("%d invitation mails to %s", len(ms), to)
		}
		m := invitationToken.FindStringSubmatch(ms[0].TextBody)
		if m == nil {
			t.Fatalf("no invitation link in:\n%s", ms[0].TextBody)
		}
		return m[1]
	}
	existing, fresh := token("harz@demo.example"), token("niemand@example.org")

	attacker := newClient(t, srv.URL)
	status, raw := attacker.do("POST", "/api/v1/invitations/"+fresh+"/accept", map[string]string{}, nil)
	if status != http.StatusUnauthorized {
		t.Fatalf("address without account, no password: %d %s", status, raw)
	}
	want := problemDetail(t, raw)
	guesses := []string{tenant.DemoPassword}
	for i := range 40 {
		guesses = append(guesses, fmt.Sprintf("geraten-%02d-passwort", i))
	}
	guesses = append(guesses, tenant.DemoPassword, "")
	for _, pw := range guesses {
		body := map[string]string{}
		if pw != "" {
			body = map[string]string{"name": "Mallory", "password": pw}
		}
		status, raw := attacker.do("POST", "/api/v1/invitations/"+existing+"/accept", body, nil)
		if status != http.StatusUnauthorized || problemDetail(t, raw) != want {
			t.Fatalf("guess %q: %d %s, want the same 401 as for an address without account", pw, status, raw)
		}
	}

	// Logged in as another account: 403; as the invited one: accepted,
	// without any password.
	other := newClient(t, srv.URL)
	other.login("wittenberg@demo.example", tenant.DemoPassword)
	other.must(http.StatusForbidden, "POST", "/api/v1/invitations/"+existing+"/accept", map[string]string{}, nil)
	owner := newClient(t, srv.URL)
	owner.login("harz@demo.example", tenant.DemoPassword)
	owner.must(http.StatusOK, "POST", "/api/v1/invitations/"+existing+"/accept", map[string]string{}, nil)
	var me struct {
		Memberships []struct {
			TenantID string `json:"tenantId"`
		} `json:"memberships"`
	}
	owner.must(http.StatusOK, "GET", "/api/v1/me", nil, &me)
	if len(me.Memberships) != 2 {
		t.Errorf("memberships after accepting: %+v", me.Memberships)
	}

	// A new address still sets its password at acceptance – not a common one.
	newcomer := newClient(t, srv.URL)
	status, raw = newcomer.do("POST", "/api/v1/invitations/"+fresh+"/accept", map[string]string{"name": "Nina Neu", "password": "passwortpasswort"}, nil)
	if status != http.StatusUnprocessableEntity || !strings.Contains(raw, "zu leicht zu erraten") {
		t.Errorf("findings m3 at the API: %d %s", status, raw)
	}
	newcomer.must(http.StatusOK, "POST", "/api/v1/invitations/"+fresh+"/accept", map[string]string{"name": "Nina Neu", "password": "Mittags-am-Saaleufer"}, nil)
	newcomer.login("niemand@example.org", "Mittags-am-Saaleufer")
}

// Issue 13 (4): 30 parallel wrong logins got 29 × 401 and the right
// password still worked. Now five reach the password check, the rest get
// 429 with Retry-After (a sixth check only if the burst outlasted the
// first one-second delay).
func TestParallelLoginsAtTheAPI(t *testing.T) {
	// Not parallel: the throttle's lockout runs on the wall clock, and on a
	// busy machine a lockout may end before the last attempt arrives.
	_, srv := testApp(t)
	var mu sync.Mutex
	statuses := map[int]int{}
	retryAfter := 0
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Go(func() {
			body := strings.NewReader(fmt.Sprintf(`{"email":"ministerium@demo.example","password":"falsch-%02d-passwort"}`, i))
			resp, err := http.Post(srv.URL+"/api/v1/session", "application/json", body)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			defer mu.Unlock()
			statuses[resp.StatusCode]++
			if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") != "" {
				retryAfter++
			}
		})
	}
	wg.Wait()
	checked := statuses[http.StatusUnauthorized]
	if checked < 5 || checked > 6 || checked+statuses[http.StatusTooManyRequests] != 30 {
		t.Fatalf("30 parallel wrong logins: %v, want 5 password checks (401) and 429 for the rest", statuses)
	}
	if retryAfter != statuses[http.StatusTooManyRequests] {
		t.Errorf("%d of %d refusals carry Retry-After", retryAfter, statuses[http.StatusTooManyRequests])
	}
}

// Issue 13 (4): ten reset requests sent ten mails. Now three, and every
// request gets the same 202.
func TestResetRequestFloodAtTheAPI(t *testing.T) {
	// Not parallel: the throttle's lockout runs on the wall clock, and on a
	// busy machine a lockout may end before the last attempt arrives.
	a, srv := testApp(t)
	c := newClient(t, srv.URL)
	for range 10 {
		c.must(http.StatusAccepted, "POST", "/api/v1/password-resets", map[string]string{"email": "harz@demo.example"}, nil)
	}
	if n := len(mailsTo(t, a, "password-reset", "harz@demo.example")); n != 3 {
		t.Errorf("10 reset requests queued %d mails, want 3", n)
	}
}

// Issue 13 (8): a removal asks what happens to the tokens the person
// created (409 without revokeTokens), and kept ones show as orphaned.
func TestRemovingATokenCreatorAtTheAPI(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	harzID := demoTenantID(t, a, "15085")
	harz := newClient(t, srv.URL)
	harz.login("harz@demo.example", tenant.DemoPassword)
	var created struct {
		ID string `json:"id"`
	}
	harz.must(http.StatusCreated, "POST", "/api/v1/tenants/"+harzID+"/tokens",
		map[string]string{"name": "Fachverfahren Open/Prosoz", "role": "municipality-clerk"}, &created)
	var me struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	harz.must(http.StatusOK, "GET", "/api/v1/me", nil, &me)

	ministry := newClient(t, srv.URL)
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	member := "/api/v1/tenants/" + harzID + "/users/" + me.User.ID
	raw := ministry.must(http.StatusConflict, "DELETE", member, nil, nil)
	if !strings.Contains(raw, "Fachverfahren Open/Prosoz") || !strings.Contains(raw, "revokeTokens") {
		t.Errorf("409 without naming the token and the parameter: %s", raw)
	}
	ministry.must(http.StatusOK, "GET", member, nil, nil) // nothing changed
	ministry.must(http.StatusNoContent, "DELETE", member+"?revokeTokens=false", nil, nil)
	var list struct {
		Items []tenant.APIToken `json:"items"`
	}
	ministry.must(http.StatusOK, "GET", "/api/v1/tenants/"+harzID+"/tokens", nil, &list)
	for _, tok := range list.Items {
		if tok.ID == created.ID && !tok.Orphaned {
			t.Errorf("the kept token is not marked orphaned: %+v", tok)
		}
	}
}

// The Servicekonto through its HTML forms: a guessable password is refused
// with its own explanation (findings m3), and thirty parallel wrong logins
// get five password checks; the others are told in the citizen's language
// how long to wait (issue 13, 4).
func TestServicekontoPasswordRulesAndLoginThrottle(t *testing.T) {
	// Not parallel: the throttle's lockout runs on the wall clock, and on a
	// busy machine a lockout may end before the last attempt arrives.
	_, srv := testApp(t)
	const site = "/landkreis-harz/servicekonto"
	c := newClient(t, srv.URL)
	for pw, want := range map[string]string{
		"passwortpasswort":    "Dieses Passwort ist zu leicht zu erraten",
		"Jana-Beispiel-2026!": "Dieses Passwort ist zu leicht zu erraten",
		"kurz":                "Das Passwort muss mindestens 12 Zeichen lang sein.",
	} {
		_, body := c.submitPage(site+"/registrieren", url.Values{"email": {"jana.beispiel@example.org"}, "name": {"Jana Beispiel"},
			"passwort": {pw}, "passwort2": {pw}}, http.StatusUnprocessableEntity)
		if !strings.Contains(body, want) {
			t.Errorf("registration with %q does not say %q", pw, want)
		}
	}

	type attempt struct {
		c    *client
		csrf string
	}
	attempts := make([]attempt, 30)
	for i := range attempts {
		b := newClient(t, srv.URL)
		_, body, _ := b.get(site + "/anmelden?lang=en")
		m := csrfPattern.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no form token on the login page")
		}
		attempts[i] = attempt{b, m[1]}
	}
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for i, at := range attempts {
		wg.Go(func() {
			status, body, h := at.c.postForm(site+"/anmelden", url.Values{"email": {"jana.beispiel@example.org"},
				"passwort": {fmt.Sprintf("falsch-%02d-passwort", i)}, "csrf": {at.csrf}})
			mu.Lock()
			defer mu.Unlock()
			statuses[status]++
			if status == http.StatusTooManyRequests && (h.Get("Retry-After") == "" || !strings.Contains(body, "Too many failed attempts. Please try again in 1 min.")) {
				t.Errorf("429 without Retry-After or the English explanation:\n%s", body)
			}
		})
	}
	wg.Wait()
	checked := statuses[http.StatusUnauthorized]
	if checked < 5 || checked > 6 || checked+statuses[http.StatusTooManyRequests] != 30 {
		t.Fatalf("30 parallel wrong Servicekonto logins: %v, want 5 checked (401) and 429 for the rest", statuses)
	}
}
