package admin_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func TestLoginPageCarriesAFormToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.client().get("/admin/anmelden")
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	for _, want := range []string{`<title>Anmelden – Sozialplattform Konsole</title>`, `<label class="kern-label" for="email">`,
		`<label class="kern-label" for="passwort">`, `autocomplete="current-password"`, `href="/admin/passwort/vergessen"`} {
		if !p.has(want) {
			t.Errorf("login page lacks %s", want)
		}
	}
	if tok := csrfField.FindStringSubmatch(p.body); tok == nil || len(tok[1]) < 40 {
		t.Errorf("login form has no csrf token: %v", tok)
	}
}

func TestAnonymousVisitorIsSentToLoginAndBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	target := "/admin/koerperschaften/" + e.harz.ID
	p := c.get(target)
	if p.url.Path != "/admin/anmelden" || p.url.Query().Get("next") != target {
		t.Fatalf("anonymous visitor ended at %s", p.url)
	}
	form := url.Values{"email": {e.harzAdmin.Email}, "passwort": {harzPW}, "next": {p.url.Query().Get("next")}, "csrf": {c.csrf(p)}}
	p = c.post("/admin/anmelden", form)
	if p.url.Path != target || !p.has("Landkreis Harz") {
		t.Errorf("after login at %s, want %s", p.url, target)
	}
}

func TestLoginRejectsForeignNext(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	p := c.get("/admin/anmelden?next=//evil.example/admin/")
	form := url.Values{"email": {e.harzAdmin.Email}, "passwort": {harzPW}, "next": {"https://evil.example/"}, "csrf": {c.csrf(p)}}
	p = c.post("/admin/anmelden", form)
	if p.url.Host != strings.TrimPrefix(e.srv.URL, "http://") || p.url.Path != "/admin/" {
		t.Errorf("login with a foreign next ended at %s", p.url)
	}
}

func TestLoginWithWrongPasswordShowsGermanError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	p := c.submit("/admin/anmelden", "/admin/anmelden", url.Values{"email": {e.harzAdmin.Email}, "passwort": {"falsches-Passwort-123"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Errorf("status %d, want 422", p.status)
	}
	if !p.has("E-Mail-Adresse oder Passwort ist falsch.") || !p.has(`role="alert"`) {
		t.Errorf("no German login error:\n%s", p.body)
	}
	if !p.has(`value="admin@kreis-harz.de"`) || strings.Contains(p.body, "falsches-Passwort-123") {
		t.Error("the e-mail address should be kept and the password never shown again")
	}
	if c.get("/admin/").url.Path != "/admin/anmelden" {
		t.Error("a failed login must not open the console")
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	dash := c.login(e.harzAdmin.Email, harzPW)
	old := c.cookie()
	if old == nil {
		t.Fatal("no session cookie")
	}
	p := c.post("/admin/abmelden", url.Values{"csrf": {c.csrf(dash)}})
	if p.url.Path != "/admin/anmelden" || !p.has("Sie haben sich abgemeldet.") {
		t.Fatalf("logout ended at %s", p.url)
	}
	// A browser that kept the old cookie gets no further.
	stale := e.client()
	u, _ := url.Parse(e.srv.URL)
	stale.http.Jar.SetCookies(u, []*http.Cookie{{Name: old.Name, Value: old.Value, Path: "/"}})
	if p := stale.get("/admin/"); p.url.Path != "/admin/anmelden" {
		t.Errorf("old cookie still opens %s", p.url)
	}
}

func TestPasswordResetByMail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	anon := e.client()
	p := anon.submit("/admin/passwort/vergessen", "/admin/passwort/vergessen", url.Values{"email": {e.harzAdmin.Email}})
	unknown := e.client().submit("/admin/passwort/vergessen", "/admin/passwort/vergessen", url.Values{"email": {"niemand@example.org"}})
	if !p.has("Bitte sehen Sie in Ihr Postfach") || p.text() != unknown.text() {
		t.Error("the confirmation must be the same for known and unknown addresses")
	}

	// A mail without tenant: the ministry sees it, a municipality does not;
	// nobody but the recipient sees its link.
	m := e.outboxMail(e.harzAdmin.Email)
	link := regexp.MustCompile(regexp.QuoteMeta(e.srv.URL) + `(/admin/passwort/neu/[A-Za-z0-9_-]+)`).FindStringSubmatch(m.TextBody)
	if link == nil {
		t.Fatalf("no reset link in the mail:\n%s", m.TextBody)
	}
	ministry := e.client()
	ministry.login(e.ministry.Email, ministryPW)
	detail := ministry.get("/admin/postausgang/" + m.ID)
	if detail.status != http.StatusOK || !detail.has("Passwort zurücksetzen") || !detail.has("[Link ausgeblendet]") || detail.has(link[1]) {
		t.Errorf("ministry's view of a reset mail must hide its link:\n%s", detail.body)
	}
	wb := e.client()
	wb.login(e.wbAdmin.Email, wbPW)
	if p := wb.get("/admin/postausgang/" + m.ID); p.status != http.StatusNotFound {
		t.Errorf("a municipality reads a platform mail: status %d", p.status)
	}

	const pw = "Ganz-neues-Passwort-42"
	mismatch := anon.submit(link[1], link[1], url.Values{"passwort": {pw}, "passwort2": {pw + "x"}})
	if mismatch.status != http.StatusUnprocessableEntity || !mismatch.has("Die beiden Passwörter stimmen nicht überein.") {
		t.Errorf("mismatch: status %d", mismatch.status)
	}
	done := anon.submit(link[1], link[1], url.Values{"passwort": {pw}, "passwort2": {pw}})
	if !done.has("Passwort geändert") {
		t.Fatalf("reset:\n%s", done.body)
	}
	used := anon.submit(link[1], link[1], url.Values{"passwort": {pw}, "passwort2": {pw}})
	if used.status != http.StatusGone || !used.has("Der Link ist ungültig, abgelaufen oder wurde bereits verwendet.") {
		t.Errorf("used link: status %d", used.status)
	}
	anon.login(e.harzAdmin.Email, pw)
}

// The attack of issue 13 (4) through the login form: thirty wrong
// passwords at once. Each is counted before the password is hashed, so
// five are checked ("falsch", 422) and the others are refused unseen (429
// with Retry-After) – a sixth check only if the burst outlasted the first
// one-second delay.
func TestParallelWrongLoginsAreCountedBeforeTheHash(t *testing.T) {
	// Not parallel: the throttle's lockout runs on the wall clock, and on a
	// busy machine a lockout may end before the last attempt arrives.
	e := newEnv(t)
	type attempt struct {
		c    *client
		form url.Values
	}
	attempts := make([]attempt, 30)
	for i := range attempts {
		c := e.client()
		attempts[i] = attempt{c, url.Values{"email": {e.harzAdmin.Email}, "passwort": {fmt.Sprintf("falsch-%02d-passwort", i)},
			"csrf": {c.csrf(c.get("/admin/anmelden"))}}}
	}
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for _, a := range attempts {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/admin/anmelden", strings.NewReader(a.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := a.c.http.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			mu.Lock()
			defer mu.Unlock()
			statuses[resp.StatusCode]++
			if resp.StatusCode == http.StatusTooManyRequests {
				secs := resp.Header.Get("Retry-After")
				unit := " Sekunden"
				if secs == "1" {
					unit = " Sekunde"
				}
				if secs == "" || !strings.Contains(string(body), "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in "+secs+unit+" erneut.") {
					t.Errorf("429 without Retry-After (%q) or the German explanation of that wait:\n%s", secs, body)
				}
			}
		})
	}
	wg.Wait()
	checked := statuses[http.StatusUnprocessableEntity]
	if checked < 5 || checked > 6 || checked+statuses[http.StatusTooManyRequests] != 30 {
		t.Fatalf("30 parallel wrong logins: %v, want 5 checked (422) and the rest refused (429)", statuses)
	}
}
