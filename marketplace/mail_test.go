package marketplace

import (
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
	"sozialplattform/tenant/web"
)

var updateMails = flag.Bool("update-mails", false, "rewrite the mail golden files in testdata/")

// TestMailsMatchGoldenFiles pins the wording of every marketplace mail.
// The ministry's copy of order 10173 reproduces the seed's sample order
// confirmation of Landkreis Wittenberg. After a deliberate change run:
// go test ./marketplace -run Golden -update-mails
func TestMailsMatchGoldenFiles(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{BaseURL: "https://sozial.example", From: "noreply@sozial.example",
		PlatformName: "Sozialplattform Sachsen-Anhalt", Templates: []fs.FS{MailTemplates()}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewStore(db, tenant.NewStore(db, outbox, tenant.Options{Passwords: passwordtest.Hasher()}), outbox, Options{Links: Links{Order: web.LinkTo("https://sozial.example", "/admin/marktplatz/bestellungen/{oid}")}})
	if err != nil {
		t.Fatal(err)
	}
	seedOrder := &Order{ID: "0199-bestellung-10173", Number: 10173, AuthorityName: "Landkreis Wittenberg", OfficialKey: "15091",
		FunctionMailbox: "sozialamt@landkreis-wittenberg.example", Street: "Breitscheidstraße 3", PostalCode: "06886",
		City: "Lutherstadt Wittenberg", OrderedBy: "wittenberg@demo.example",
		OrderedAt: time.Date(2025, 9, 16, 13, 50, 0, 0, time.UTC), // 15:50 in Magdeburg
		Items:     []OrderItem{{Position: 1, ProductNumber: "SW10181", Name: "ELiA-Online", Quantity: 1}}}
	twoItems := *seedOrder
	twoItems.Number, twoItems.TotalCents = 10174, 2*49900
	twoItems.Items = []OrderItem{
		{Position: 1, ProductNumber: "SW10187", Name: "Sozialplattform: Hilfe zum Lebensunterhalt", Quantity: 1},
		{Position: 2, ProductNumber: "SW30001", Name: "Schnittstelle <XTA2> & Betrieb", Quantity: 2, UnitPriceCents: 49900, LineTotalCents: 2 * 49900},
	}
	// What onboarding's demo data gives (onboarding.Store.OrderInfo).
	followUp := FollowUp{ConsultationTitle: "Sprechstunde „Anbindung zur Sozialplattform“",
		ConsultationWhen:  "jeden zweiten Mittwoch um 14 Uhr, 30 Minuten",
		ConsultationWhere: "Teams-Veranstaltung (Link wird per Verteiler zur Verfügung gestellt)",
		NextConsultations: []string{"Mittwoch, 01.10.2025, 14:00 Uhr", "Mittwoch, 15.10.2025, 14:00 Uhr"},
		Contacts: []SupportContact{{Name: "Anbindungssupport NRW", Mailbox: "anbindung@sozialplattform.info",
			Role: "Technische Begleitung der Anbindung."}, {Name: "Dataport Roll-In-Management", Mailbox: "roll-in@dataport.example",
			Phone: "0391 99999-0", Role: "Planung und Aufnahme in den Betrieb."}}}
	reg := RegistrationMail{AuthorityName: "Salzlandkreis", OfficialKey: "15089", FunctionMailbox: "sozialamt@salzlandkreis.example",
		ContactName: "Sina Salz", ExpiresAt: time.Date(2025, 12, 1, 11, 0, 0, 0, time.UTC)}
	confirm, activated, rejected := reg, reg, reg
	confirm.Link = "https://sozial.example/marktplatz/registrierung/bestaetigen/geheimes-token"
	activated.Link = "https://sozial.example/marktplatz/"
	review := reg
	review.Link = "https://sozial.example/admin/marktplatz/registrierungen/0199-registrierung"
	rejected.Link, rejected.Reason = "https://sozial.example/marktplatz/registrierung", "Bitte verwenden Sie das Postfach des Sozialamts,\nnicht das der Poststelle."
	tests := []struct {
		golden, template string
		data             any
	}{
		{"mail-registrierung-bestaetigen.golden", TemplateRegistrationConfirm, confirm},
		{"mail-registrierung-freigeschaltet.golden", TemplateRegistrationActivated, activated},
		{"mail-registrierung-abgelehnt.golden", TemplateRegistrationRejected, rejected},
		{"mail-registrierung-pruefen.golden", TemplateRegistrationToReview, review},
		{"mail-bestellung-ministerium-10173.golden", TemplateOrderConfirmation, s.orderMail(seedOrder, true, FollowUp{})},
		{"mail-bestellung-kommune.golden", TemplateOrderConfirmation, s.orderMail(&twoItems, false, followUp)},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			if err := outbox.Enqueue(ctx, db.Write, mail.Message{To: "empfang@example.org", Template: tt.template, Data: tt.data}); err != nil {
				t.Fatal(err)
			}
			list, err := outbox.List(ctx, mail.ListFilter{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			m, err := outbox.Get(ctx, list[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			got := "Subject: " + m.Subject + "\n\n--- text ---\n" + m.TextBody + "\n--- html ---\n" + m.HTMLBody
			path := filepath.Join("testdata", tt.golden)
			if *updateMails {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update-mails to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the rendered mail:\n%s", path, got)
			}
			if strings.Contains(m.HTMLBody, "<XTA2>") {
				t.Error("HTML not escaped")
			}
		})
	}
}
