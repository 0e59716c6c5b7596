package admin_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/onboarding/delivery/pki"
	"sozialplattform/tenant"
)

// mailboxObjects are an application delivered into a municipality's
// console mailbox and the onboarding case that routes it there.
type mailboxObjects struct {
	messageID, deliveryID, caseID string
}

// mailboxKennung is the DVDV entry seedMailbox makes sure of.
const mailboxKennung = "sop:150850000100"

// minimalPDF is the smallest file the upload checks take for a PDF.
const minimalPDF = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

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
	cases, err := e.onboard.ListCases(ctx, tt.ID)
	if err != nil {
		t.Fatal(err)
	}
	// A case in preparation of an Antragsstrecke with an online form (the
	// connection test sends a test application of it); without one, a
	// case opens as an order would open it.
	hasForm := func(key string) bool { _, ok := e.forms.Registry().Latest(key); return ok }
	find := func() *onboarding.Case {
		for i := range cases {
			if cases[i].Phase(onboarding.PhasePreparation).Status != onboarding.Completed && hasForm(cases[i].Antragsstrecke) {
				return &cases[i]
			}
		}
		return nil
	}
	c := find()
	if c == nil {
		have := map[string]bool{}
		for _, cs := range cases {
			have[cs.Antragsstrecke] = true
		}
		var strecke string
		for _, k := range e.forms.Registry().Keys() {
			if !have[k] {
				strecke = k
				break
			}
		}
		if err := e.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			return e.onboard.OpenCases(ctx, tx, tt.ID, "konsole", []string{strecke}, time.Now())
		}); err != nil {
			t.Fatal(err)
		}
		if cases, err = e.onboard.ListCases(ctx, tt.ID); err != nil {
			t.Fatal(err)
		}
		if c = find(); c == nil {
			t.Fatalf("%s has no case of an Antragsstrecke with a form", tt.Name)
		}
	}
	if v := onboarding.VariantOSCIClient; c.Variant != v {
		if _, err := e.onboard.UpdateCase(ctx, c.ID, 0, onboarding.CasePatch{Variant: &v}); err != nil {
			t.Fatal(err)
		}
	}
	var id string
	err = e.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		id, err = delivery.Enqueue(ctx, tx, delivery.Document{ApplicationID: "isolation-" + tt.ID, TenantID: tt.ID, Antragsstrecke: c.Antragsstrecke,
			ReferenceNumber: "ISO-" + tt.Key(), XML: []byte(`<?xml version="1.0"?><antrag/>`), PDF: []byte(minimalPDF)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.delivery.Drive(ctx, id, 0); err != nil {
		t.Fatal(err)
	}
	list, err := e.delivery.ListMailbox(ctx, tt.ID, delivery.MailboxFilter{})
	if err != nil || len(list) == 0 {
		t.Fatalf("mailbox of %s: %v (%d)", tt.Name, err, len(list))
	}
	if _, err := e.dir.Lookup(ctx, mailboxKennung); errors.Is(err, dvdv.ErrNotFound) {
		ca, err := pki.NewCA("Test-Intermediär", time.Now(), 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.dir.Put(ctx, "", mailboxKennung, 0, dvdv.Input{Name: "Landkreis Harz", Endpoint: "https://xta.example/ws",
			Certificate: string(pki.CertPEM(ca.Cert)), Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	return mailboxObjects{messageID: list[0].ID, deliveryID: id, caseID: c.ID}
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
