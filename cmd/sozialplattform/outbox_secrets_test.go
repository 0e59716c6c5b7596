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
	"sozialplattform/tenant/mail"
)

// mailRow is a stored mail as the database holds it: what the attacker
// hopes to find.
func storedMailTo(t *testing.T, a *app, to, template string) mail.Stored {
	t.Helper()
	var m mail.Stored
	if err := a.db.Read.NewSelect().Model(&m).Where("to_addr = ? AND template = ?", to, template).
		OrderExpr("created_at DESC").Limit(1).Scan(context.Background()); err != nil {
		t.Fatalf("mail %s to %s: %v", template, to, err)
	}
	return m
}

// tokenAfter returns the path segment after prefix in text.
func tokenAfter(t *testing.T, text, prefix string) string {
	t.Helper()
	i := strings.Index(text, prefix)
	if i < 0 {
		t.Fatalf("no %s in:\n%s", prefix, text)
	}
	return strings.FieldsFunc(text[i+len(prefix):], func(r rune) bool { return r == '/' || r == ' ' || r == '\n' || r == '"' })[0]
}

// crawlOutbox fetches everything of the Postausgang a staff client can
// reach – the console's list and every mail it links, the API's list in
// each status – and returns it as one text.
func crawlOutbox(t *testing.T, c *client) string {
	t.Helper()
	var all strings.Builder
	_, list, _ := c.get("/admin/postausgang")
	all.WriteString(list)
	for _, m := range regexp.MustCompile(`href="(/admin/postausgang/[0-9a-f-]{36})"`).FindAllStringSubmatch(list, -1) {
		_, body, _ := c.get(m[1])
		all.WriteString(body)
	}
	for _, q := range []string{"", "?status=queued", "?status=sent", "?status=failed", "?limit=500"} {
		_, body := c.do("GET", "/api/v1/mails"+q, nil, nil)
		all.WriteString(body)
	}
	return all.String()
}

// TestTheMinistryCannotTakeOverACitizenAccount is the attack of issue 13:
// a ministry user asks for a password reset of a citizen's Servicekonto
// (and registers an account for someone else's address) and then searches
// the console and the API for the link. Even without a mail server –
// where the Postausgang shows the most – the citizen's mails appear only
// as counts, by ID they are 404, and nothing there is a usable link.
func TestTheMinistryCannotTakeOverACitizenAccount(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	ctx := context.Background()
	if _, err := a.citizens.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	ministry := newClient(t, srv.URL)
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	harz := newClient(t, srv.URL)
	harz.login("harz@demo.example", tenant.DemoPassword)

	// The ministry, through the public forms.
	ministry.submitPage("/landkreis-harz/servicekonto/passwort-vergessen", url.Values{"email": {citizen.DemoEmail}}, http.StatusOK)
	ministry.submitPage("/landkreis-harz/servicekonto/registrieren", url.Values{"email": {"opfer@example.org"}, "name": {"Olga Opfer"},
		"passwort": {"ein-sicheres-passwort"}, "passwort2": {"ein-sicheres-passwort"}}, http.StatusOK)
	reset := storedMailTo(t, a, citizen.DemoEmail, "servicekonto-passwort")
	confirm := storedMailTo(t, a, "opfer@example.org", "servicekonto-bestaetigen")
	secrets := []string{
		tokenAfter(t, reset.TextBody, "/servicekonto/passwort/"),
		tokenAfter(t, confirm.TextBody, "/servicekonto/bestaetigen/"),
		citizen.DemoEmail, "opfer@example.org",
	}

	for name, c := range map[string]*client{"ministry": ministry, "Harz": harz} {
		seen := crawlOutbox(t, c)
		for _, s := range secrets {
			if strings.Contains(seen, s) {
				t.Errorf("%s finds %q in the Postausgang", name, s)
			}
		}
		for _, id := range []string{reset.ID, confirm.ID} {
			if status, _, _ := c.get("/admin/postausgang/" + id); status != http.StatusNotFound {
				t.Errorf("%s opens a citizen's mail by ID: %d", name, status)
			}
			if status, body := c.do("POST", "/api/v1/mails/"+id+"/retry", nil, nil); status != http.StatusNotFound && status != http.StatusForbidden {
				t.Errorf("%s retries a citizen's mail by ID: %d %s", name, status, body)
			}
		}
	}
	// What staff may know: how many.
	var list struct {
		CitizenMails []mail.TemplateCount `json:"citizenMails"`
	}
	ministry.must(http.StatusOK, "GET", "/api/v1/mails", nil, &list)
	counted := map[string]int{}
	for _, c := range list.CitizenMails {
		counted[c.Template] = c.Queued + c.Sent + c.Failed
	}
	if counted["servicekonto-passwort"] != 1 || counted["servicekonto-bestaetigen"] != 1 {
		t.Errorf("citizen mail counts: %+v", list.CitizenMails)
	}
	if _, page, _ := ministry.get("/admin/postausgang"); !strings.Contains(page, "servicekonto-passwort") || !strings.Contains(page, "nur die Anzahl") {
		t.Error("the console does not count the citizens' mails")
	}
	// The link still works for its owner: the mail itself holds it.
	if status, _, _ := newClient(t, srv.URL).get("/landkreis-harz/servicekonto/passwort/" + secrets[0]); status != http.StatusOK {
		t.Errorf("the citizen's own reset link: %d", status)
	}
}

// TestStaffLinksAreMaskedOnceAMailServerDelivers: with an SMTP server the
// console shows no secret link to anyone, not even to the admins of the
// invited person's own tenant; the mail goes to its recipient.
func TestStaffLinksAreMaskedOnceAMailServerDelivers(t *testing.T) {
	t.Parallel()
	for _, smtp := range []bool{false, true} {
		a, srv := testAppWith(t, func(c *config) {
			if smtp {
				c.SMTP.Host = "smtp.invalid"
			}
		})
		harz := newClient(t, srv.URL)
		harz.login("harz@demo.example", tenant.DemoPassword)
		var me struct {
			Memberships []struct {
				TenantID string `json:"tenantId"`
			} `json:"memberships"`
		}
		harz.must(http.StatusOK, "GET", "/api/v1/me", nil, &me)
		harz.must(http.StatusCreated, "POST", "/api/v1/tenants/"+me.Memberships[0].TenantID+"/invitations",
			map[string]string{"email": "neu@kreis-harz.example", "role": "municipality-clerk"}, nil)
		inv := storedMailTo(t, a, "neu@kreis-harz.example", mail.TemplateInvitation)
		token := tokenAfter(t, inv.TextBody, "/admin/einladung/")
		_, page, _ := harz.get("/admin/postausgang/" + inv.ID)
		if got := strings.Contains(page, token); got == smtp {
			t.Errorf("SMTP %v: Harz's admin sees the link: %v", smtp, got)
		}
		ministry := newClient(t, srv.URL)
		ministry.login("ministerium@demo.example", tenant.DemoPassword)
		if _, page, _ := ministry.get("/admin/postausgang/" + inv.ID); strings.Contains(page, token) || !strings.Contains(page, "[Link ausgeblendet]") {
			t.Errorf("SMTP %v: the ministry sees Harz's invitation link", smtp)
		}
	}
}
