package ordering_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"sozialplattform/marketplace"
	"sozialplattform/migrations/testdb"
	"sozialplattform/onboarding"
	"sozialplattform/onboarding/ordering"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
)

// An order of a product with Antragsstrecken opens one onboarding case
// per Antragsstrecke in the order's transaction; a product may name only
// Antragsstrecken of onboarding's catalogue; the confirmation names the
// Sprechstunde (its dates and the support contacts come with the ministry's
// entries: admin's TestSupportContactsFromConsoleToCaseAndOrderMail).
func TestOrderOpensCasesAndNamesTheSprechstunde(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{BaseURL: "https://sozial.example", PlatformName: "Test",
		Templates: []fs.FS{marketplace.MailTemplates(), onboarding.MailTemplates()}})
	if err != nil {
		t.Fatal(err)
	}
	store := tenant.NewStore(db, outbox, tenant.Options{Passwords: passwordtest.Hasher()})
	if _, err := store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	onboard, err := onboarding.NewStore(db, outbox, onboarding.Options{MinistryMailbox: "mid-55@mid.example"})
	if err != nil {
		t.Fatal(err)
	}
	if err := onboard.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	market, err := marketplace.NewStore(db, store, outbox, ordering.Options(marketplace.Options{MinistryOrderMailbox: "mid-55@mid.example"}, onboard))
	if err != nil {
		t.Fatal(err)
	}
	product := marketplace.ProductInput{Number: "SW10186", Name: "Sozialplattform: Grundsicherung", ServiceType: "EfA-Dienst",
		Topic: "Arbeit und Ruhestand", Published: true, OZGID: "10084", Antragsstrecken: []string{"grusi", "gibt-es-nicht"},
		Prices: []marketplace.Price{{ValidFrom: "2025-01-01"}}}
	var fe tenant.FieldErrors
	if _, err := market.CreateProduct(ctx, product); !errors.As(err, &fe) {
		t.Fatalf("a product with an Antragsstrecke onboarding does not know: %v", err)
	}
	product.Antragsstrecken = []string{"grusi", "hzl"}
	if _, err := market.CreateProduct(ctx, product); err != nil {
		t.Fatal(err)
	}
	harz, err := store.ResolveTenant(ctx, "15085")
	if err != nil {
		t.Fatal(err)
	}
	cart, err := market.SetCartItem(ctx, harz.ID, "SW10186", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := market.PlaceOrder(ctx, harz.ID, cart.Version); err != nil {
		t.Fatal(err)
	}
	cases, err := onboard.ListCases(ctx, harz.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range cases {
		got[c.Antragsstrecke] = true
	}
	if len(cases) != 2 || !got["grusi"] || !got["hzl"] {
		t.Errorf("cases after the order: %+v", got)
	}

	f, err := ordering.FollowUp(ctx, db.Read, onboard)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.ConsultationTitle, "Sprechstunde") || !strings.Contains(f.ConsultationWhen, "Mittwoch") || f.ConsultationWhere == "" {
		t.Errorf("follow-up %+v", f)
	}
}
