package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"sozialplattform/onboarding/delivery/deliverytest"
	"sozialplattform/tenant"
)

// mailboxObjects are an application delivered into a municipality's
// console mailbox and the onboarding case that routes it there.
type mailboxObjects struct {
	messageID, deliveryID, caseID string
}

// mailboxKennung is the DVDV entry seedMailbox makes sure of.
const mailboxKennung = "sop:150850000100"

// seedMailbox loads onboarding's demo (idempotent), routes one of the
// tenant's not yet prepared cases to the mailbox (variant 2), delivers an
// application there and makes sure the DVDV directory has an entry.
func (e *env) seedMailbox(tt *tenant.Tenant) mailboxObjects {
	t := e.t
	t.Helper()
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "system", Label: "Test"})
	if err := e.onboard.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	// A case in preparation of an Antragsstrecke with an online form (the
	// connection test sends a test application of it); without one, a
	// case opens as an order would open it.
	hasForm := func(key string) bool { _, ok := e.forms.Registry().Latest(key); return ok }
	m := deliverytest.Mailbox{DB: e.db, Cases: e.onboard, Delivery: e.delivery, DVDV: e.dir}
	d := m.Deliver(t, tt, m.PreparingCase(t, tt, "konsole", e.forms.Registry().Keys(), hasForm), mailboxKennung)
	return mailboxObjects{messageID: d.MessageID, deliveryID: d.DeliveryID, caseID: d.CaseID}
}

// TestDeliveryConsole walks the delivery pages as clerk, municipal admin
// and ministry.
func TestDeliveryConsole(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true, ordering: true, delivery: true, worldOptions: worldOptions{demo: true, applications: true}})
	own, other := e.seedMailbox(e.harz), e.seedMailbox(e.wittenberg)
	login := func(email string) *client {
		c := e.client()
		c.login(email, tenant.DemoPassword)
		return c
	}
	clerk, admin, ministry := login("sachbearbeitung.harz@demo.example"), login("harz@demo.example"), login("ministerium@demo.example")
	o := own

	box := clerk.mustPage(http.StatusOK, "/admin/postfach/"+e.harz.ID)
	if !strings.Contains(box, "ISO-15085") || strings.Contains(box, "ISO-15091") {
		t.Fatalf("mailbox page:\n%s", box)
	}
	msgPage := "/admin/postfach/nachricht/" + o.messageID
	if p := clerk.mustPage(http.StatusOK, msgPage); !strings.Contains(p, "Als abgeholt vermerken") || !strings.Contains(p, "datei/0") {
		t.Fatalf("message page:\n%s", p)
	}
	clerk.mustPage(http.StatusNotFound, "/admin/postfach/nachricht/"+other.messageID)
	clerk.mustPage(http.StatusNotFound, "/admin/postfach/nachricht/"+other.messageID+"/datei/0")
	if st, h, _ := clerk.raw(msgPage + "/datei/0"); st != http.StatusOK || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %v", st, h)
	}
	if status, loc, _ := clerk.send(msgPage, msgPage+"/abgeholt", nil, nil); status != http.StatusSeeOther || !strings.Contains(loc, "hinweis=abgeholt") {
		t.Fatalf("pickup: %d %s", status, loc)
	}
	if p := clerk.mustPage(http.StatusOK, msgPage); !strings.Contains(p, "von sachbearbeitung.harz@demo.example") || strings.Contains(p, "Als abgeholt vermerken") {
		t.Fatalf("after pickup:\n%s", p)
	}

	list := admin.mustPage(http.StatusOK, "/admin/zustellung/"+e.harz.ID)
	if !strings.Contains(list, "ISO-15085") {
		t.Fatalf("deliveries page:\n%s", list)
	}
	admin.mustPage(http.StatusOK, "/admin/zustellung/eintrag/"+o.deliveryID)
	admin.mustPage(http.StatusNotFound, "/admin/zustellung/eintrag/"+other.deliveryID)
	admin.mustPage(http.StatusNotFound, "/admin/zustellung/"+e.wittenberg.ID)
	if status, _, _ := admin.send("/admin/zustellung/eintrag/"+o.deliveryID, "/admin/zustellung/eintrag/"+o.deliveryID+"/wiederholen", nil, nil); status != http.StatusConflict {
		t.Fatalf("retry of an arrived delivery: %d", status)
	}

	testPage := "/admin/anbindungstest/" + o.caseID
	if p := admin.mustPage(http.StatusOK, testPage); !strings.Contains(p, "Testantrag senden") {
		t.Fatalf("test page:\n%s", p)
	}
	if status, loc, _ := admin.send(testPage, testPage, nil, nil); status != http.StatusSeeOther || !strings.Contains(loc, "hinweis=test") {
		t.Fatalf("run test: %d %s", status, loc)
	}
	if p := admin.mustPage(http.StatusOK, testPage); !strings.Contains(p, "erfolgreich") || !strings.Contains(p, "Im Postfach der Körperschaft eingegangen") {
		t.Fatalf("after the test:\n%s", p)
	}
	clerk.mustPage(http.StatusOK, testPage)
	admin.mustPage(http.StatusNotFound, "/admin/anbindungstest/"+other.caseID)
	// The case page shows the test's result and links the test page.
	if p := admin.mustPage(http.StatusOK, "/admin/anbindung/fall/"+o.caseID); !strings.Contains(p, "Letzter Testantrag:") ||
		!strings.Contains(p, "kern-badge--success") || !strings.Contains(p, `href="`+testPage+`"`) {
		t.Fatalf("case page after the test:\n%s", p)
	}

	if p := ministry.mustPage(http.StatusOK, "/admin/zustellung"); !strings.Contains(p, "Zustellungen je Kommune und Variante") {
		t.Fatalf("ministry overview:\n%s", p)
	}
	if p := ministry.mustPage(http.StatusOK, "/admin/dvdv"); !strings.Contains(p, mailboxKennung) {
		t.Fatalf("DVDV page:\n%s", p)
	}
	// A failed delivery shows in the ministry's rollout view, at the
	// district and in the totals.
	if _, err := e.db.Write.NewRaw("UPDATE deliveries SET status = 'failed' WHERE id = ?", o.deliveryID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p := ministry.mustPage(http.StatusOK, "/admin/rollout"); !strings.Contains(p, "Anträge mit gescheiterter Zustellung</dt><dd class=\"kern-description-list-item__value\"><strong>1</strong>") ||
		!strings.Contains(p, "Zustellung gescheitert") {
		t.Fatalf("rollout without the failed delivery:\n%s", p)
	}
	ministry.mustPage(http.StatusForbidden, "/admin/postfach/"+e.harz.ID)
	ministry.mustPage(http.StatusNotFound, msgPage)
	admin.mustPage(http.StatusForbidden, "/admin/dvdv")
}
