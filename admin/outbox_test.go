package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRetryingAFailedMail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ministry := e.client()
	ministry.login(e.ministry.Email, ministryPW)
	path := "/admin/koerperschaften/" + e.harz.ID + "/einladungen"
	ministry.submit(path, path, url.Values{"email": {"neu@kreis-harz.de"}, "rolle": {"municipality-clerk"}})
	m := e.outboxMail("neu@kreis-harz.de")
	if _, err := e.db.Write.NewUpdate().Model(&m).Set("status = 'failed'").Set("attempts = 5").
		Set("last_error = ?", "550 Postfach unbekannt").WherePK().Exec(context.Background()); err != nil {
		t.Fatal(err)
	}

	// The municipality reads its mail but may not send it again.
	harz := e.client()
	harz.login(e.harzAdmin.Email, harzPW)
	p := harz.get("/admin/postausgang/" + m.ID)
	if p.status != http.StatusOK || !p.has("550 Postfach unbekannt") || !p.has("Fehlgeschlagen") || p.has("Erneut versenden") {
		t.Errorf("municipality's view of a failed mail:\n%s", p.body)
	}
	if p := harz.submit("/admin/postausgang/"+m.ID, "/admin/postausgang/"+m.ID+"/erneut", url.Values{}); p.status != http.StatusForbidden {
		t.Errorf("municipality retry: status %d, want 403", p.status)
	}
	wb := e.client()
	wb.login(e.wbAdmin.Email, wbPW)
	if p := wb.get("/admin/postausgang/" + m.ID); p.status != http.StatusNotFound {
		t.Errorf("another Landkreis reads Harz mail: status %d", p.status)
	}
	if p := wb.get("/admin/postausgang"); p.has("neu@kreis-harz.de") {
		t.Error("another Landkreis lists Harz mail")
	}

	p = ministry.submit("/admin/postausgang/"+m.ID, "/admin/postausgang/"+m.ID+"/erneut", url.Values{})
	if !p.has("Die E-Mail steht wieder in der Warteschlange") || !p.has("In Warteschlange") {
		t.Errorf("retry:\n%s", p.body)
	}
}

// Without a mail server the Postausgang is how a link reaches its person:
// the admins of the tenant the mail belongs to see it in full; the ministry
// above, another Landkreis and everyone for mails of no tenant (password
// resets) see it masked.
func TestSecretLinksOnlyForTheRecipientsOwnTenantAdmins(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	harz := e.client()
	harz.login(e.harzAdmin.Email, harzPW)
	path := "/admin/koerperschaften/" + e.harz.ID + "/einladungen"
	harz.submit(path, path, url.Values{"email": {"neu@kreis-harz.de"}, "rolle": {"municipality-clerk"}})
	inv := e.outboxMail("neu@kreis-harz.de")
	token := inv.TextBody[strings.Index(inv.TextBody, "/admin/einladung/")+len("/admin/einladung/"):]
	token = strings.Fields(token)[0]

	if p := harz.get("/admin/postausgang/" + inv.ID); !p.has("/admin/einladung/"+token) || p.has("ausgeblendet") {
		t.Errorf("Harz's own admin does not see Harz's invitation link:\n%s", p.text())
	}
	ministry := e.client()
	ministry.login(e.ministry.Email, ministryPW)
	p := ministry.get("/admin/postausgang/" + inv.ID)
	if p.status != http.StatusOK || p.has(token) || !p.has("[Link ausgeblendet]") || !p.has("nur der Administration") {
		t.Errorf("the ministry's view of Harz's invitation (status %d):\n%s", p.status, p.text())
	}

	// A password reset belongs to no tenant: nobody sees its link.
	if _, err := e.store.RequestPasswordReset(context.Background(), e.harzAdmin.Email, "192.0.2.10"); err != nil {
		t.Fatal(err)
	}
	reset := e.outboxMail(e.harzAdmin.Email)
	resetToken := reset.TextBody[strings.Index(reset.TextBody, "/passwort/neu/")+len("/passwort/neu/"):]
	resetToken = strings.Fields(resetToken)[0]
	p = ministry.get("/admin/postausgang/" + reset.ID)
	if p.status != http.StatusOK || p.has(resetToken) || !p.has("[Link ausgeblendet]") {
		t.Errorf("the ministry sees a password-reset link:\n%s", p.text())
	}
	for _, c := range []*client{ministry, harz} {
		if list := c.get("/admin/postausgang"); list.has(token) || list.has(resetToken) {
			t.Error("a secret in the list")
		}
	}
}
