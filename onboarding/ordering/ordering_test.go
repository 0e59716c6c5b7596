package ordering_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"sozialplattform/marketplace"
	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/onboarding"
	"sozialplattform/onboarding/ordering"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
)

// world is the marketplace and onboarding joined as the server joins them,
// on the platform core's demo tenants.
type world struct {
	db      *migrations.DB
	outbox  *mail.Outbox
	tenants *tenant.Store
	onboard *onboarding.Store
	market  *marketplace.Store
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: testdb.New(t)}
	var err error
	w.outbox, err = mail.NewOutbox(w.db, mail.OutboxOptions{BaseURL: "https://sozial.example", PlatformName: "Test",
		Templates: []fs.FS{marketplace.MailTemplates(), onboarding.MailTemplates()}})
	if err != nil {
		t.Fatal(err)
	}
	w.tenants = tenant.NewStore(w.db, w.outbox, tenant.Options{Passwords: passwordtest.Hasher()})
	if _, err := w.tenants.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if w.onboard, err = onboarding.NewStore(w.db, w.outbox, onboarding.Options{MinistryMailbox: "mid-55@mid.example"}); err != nil {
		t.Fatal(err)
	}
	if err := w.onboard.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	if w.market, err = marketplace.NewStore(w.db, w.tenants, w.outbox,
		ordering.Options(marketplace.Options{MinistryOrderMailbox: "mid-55@mid.example"}, w.onboard)); err != nil {
		t.Fatal(err)
	}
	return w
}

// casesOpenedMails counts the "Anbindungsprozess gestartet" mails to the
// tenant.
func (w *world) casesOpenedMails(t *testing.T, tenantID string) int {
	t.Helper()
	list, err := w.outbox.List(context.Background(), mail.ListFilter{TenantIDs: []string{tenantID}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range list {
		if m.Template == onboarding.MailCasesOpened {
			n++
		}
	}
	return n
}

// TestHistoricOrdersAnnounceNothing: the demo's orders of 2025 open their
// cases, but Landkreis Harz, live since May 2025, gets no mail today that
// its Anbindung starts (finding m33); an order placed now does.
func TestHistoricOrdersAnnounceNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	if err := w.market.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"15085", "15091"} {
		tn, err := w.tenants.ResolveTenant(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		cases, err := w.onboard.ListCases(ctx, tn.ID)
		if err != nil || len(cases) == 0 {
			t.Errorf("%s: the demo order opened no cases (%v)", tn.Name, err)
		}
		if n := w.casesOpenedMails(t, tn.ID); n != 0 {
			t.Errorf("%s: %d mails that the Anbindung starts, for an order of 2025", tn.Name, n)
		}
	}
	stendal, err := w.tenants.ResolveTenant(ctx, "15090")
	if err != nil {
		t.Fatal(err)
	}
	cart, err := w.market.SetCartItem(ctx, stendal.ID, "SW10187", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.market.PlaceOrder(ctx, stendal.ID, cart.Version); err != nil {
		t.Fatal(err)
	}
	if n := w.casesOpenedMails(t, stendal.ID); n != 1 {
		t.Errorf("an order placed now: %d mails that the Anbindung starts, want 1", n)
	}
}

// An order of a product with Antragsstrecken opens one onboarding case
// per Antragsstrecke in the order's transaction; a product may name only
// Antragsstrecken of onboarding's catalogue; the confirmation names the
// Sprechstunde (its dates and the support contacts come with the ministry's
// entries: admin's TestSupportContactsFromConsoleToCaseAndOrderMail).
func TestOrderOpensCasesAndNamesTheSprechstunde(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	db, store, onboard, market := w.db, w.tenants, w.onboard, w.market
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
