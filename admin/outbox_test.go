package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

func TestRetryingAFailedMail(t *testing.T) {
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
