package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

// TestDeliveryConsole walks the delivery pages as clerk, municipal admin
// and ministry.
func TestDeliveryConsole(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	own := seedScope(t, a, "landkreis-harz", "harz@demo.example")
	other := seedScope(t, a, "landkreis-wittenberg", "wittenberg@demo.example")
	login := func(email string) *client {
		c := newClient(t, srv.URL)
		c.login(email, tenant.DemoPassword)
		return c
	}
	clerk, admin, ministry := login("sachbearbeitung.harz@demo.example"), login("harz@demo.example"), login("ministerium@demo.example")
	o := own.delivery

	box := clerk.onbPage(http.StatusOK, "/admin/postfach/"+own.tenant.ID)
	if !strings.Contains(box, "ISO-15085") || strings.Contains(box, "ISO-15091") {
		t.Fatalf("mailbox page:\n%s", box)
	}
	msgPage := "/admin/postfach/nachricht/" + o.messageID
	if p := clerk.onbPage(http.StatusOK, msgPage); !strings.Contains(p, "Als abgeholt vermerken") || !strings.Contains(p, "datei/0") {
		t.Fatalf("message page:\n%s", p)
	}
	clerk.onbPage(http.StatusNotFound, "/admin/postfach/nachricht/"+other.delivery.messageID)
	clerk.onbPage(http.StatusNotFound, "/admin/postfach/nachricht/"+other.delivery.messageID+"/datei/0")
	resp, err := clerk.http.Get(srv.URL + msgPage + "/datei/0")
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %v %v", resp, err)
	}
	resp.Body.Close()
	if status, loc, _ := clerk.onbPost(msgPage, msgPage+"/abgeholt", nil, nil); status != http.StatusSeeOther || !strings.Contains(loc, "hinweis=abgeholt") {
		t.Fatalf("pickup: %d %s", status, loc)
	}
	if p := clerk.onbPage(http.StatusOK, msgPage); !strings.Contains(p, "von sachbearbeitung.harz@demo.example") || strings.Contains(p, "Als abgeholt vermerken") {
		t.Fatalf("after pickup:\n%s", p)
	}

	list := admin.onbPage(http.StatusOK, "/admin/zustellung/"+own.tenant.ID)
	if !strings.Contains(list, "ISO-15085") {
		t.Fatalf("deliveries page:\n%s", list)
	}
	admin.onbPage(http.StatusOK, "/admin/zustellung/eintrag/"+o.deliveryID)
	admin.onbPage(http.StatusNotFound, "/admin/zustellung/eintrag/"+other.delivery.deliveryID)
	admin.onbPage(http.StatusNotFound, "/admin/zustellung/"+other.tenant.ID)
	if status, _, _ := admin.onbPost("/admin/zustellung/eintrag/"+o.deliveryID, "/admin/zustellung/eintrag/"+o.deliveryID+"/wiederholen", nil, nil); status != http.StatusConflict {
		t.Fatalf("retry of an arrived delivery: %d", status)
	}

	testPage := "/admin/anbindungstest/" + o.caseID
	if p := admin.onbPage(http.StatusOK, testPage); !strings.Contains(p, "Testantrag senden") {
		t.Fatalf("test page:\n%s", p)
	}
	if status, loc, _ := admin.onbPost(testPage, testPage, nil, nil); status != http.StatusSeeOther || !strings.Contains(loc, "hinweis=test") {
		t.Fatalf("run test: %d %s", status, loc)
	}
	if p := admin.onbPage(http.StatusOK, testPage); !strings.Contains(p, "erfolgreich") || !strings.Contains(p, "Im Postfach der Körperschaft eingegangen") {
		t.Fatalf("after the test:\n%s", p)
	}
	clerk.onbPage(http.StatusOK, testPage)
	admin.onbPage(http.StatusNotFound, "/admin/anbindungstest/"+other.delivery.caseID)
	// The case page shows the test's result and links the test page.
	if p := admin.onbPage(http.StatusOK, "/admin/anbindung/fall/"+o.caseID); !strings.Contains(p, "Letzter Testantrag:") ||
		!strings.Contains(p, "kern-badge--success") || !strings.Contains(p, `href="`+testPage+`"`) {
		t.Fatalf("case page after the test:\n%s", p)
	}

	if p := ministry.onbPage(http.StatusOK, "/admin/zustellung"); !strings.Contains(p, "Zustellungen je Kommune und Variante") {
		t.Fatalf("ministry overview:\n%s", p)
	}
	if p := ministry.onbPage(http.StatusOK, "/admin/dvdv"); !strings.Contains(p, isolationKennung) {
		t.Fatalf("DVDV page:\n%s", p)
	}
	// A failed delivery shows in the ministry's rollout view, at the
	// district and in the totals.
	if _, err := a.db.Write.NewRaw("UPDATE deliveries SET status = 'failed' WHERE id = ?", o.deliveryID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p := ministry.onbPage(http.StatusOK, "/admin/rollout"); !strings.Contains(p, "Anträge mit gescheiterter Zustellung</dt><dd class=\"kern-description-list-item__value\"><strong>1</strong>") ||
		!strings.Contains(p, "Zustellung gescheitert") {
		t.Fatalf("rollout without the failed delivery:\n%s", p)
	}
	ministry.onbPage(http.StatusForbidden, "/admin/postfach/"+own.tenant.ID)
	ministry.onbPage(http.StatusNotFound, msgPage)
	admin.onbPage(http.StatusForbidden, "/admin/dvdv")
}
