package marketplace_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sozialplattform/marketplace"
)

// The ministry's work list on the marketplace (issue 16): confirmed
// registrations wait for activation, orders in "Eingegangen" are new, and
// a published product whose last price period ends within 60 days with
// nothing after it needs a decision. The confirmation of a registration
// also tells the ministry's mailbox.
func TestMinistryWorkList(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	work := func() *marketplace.Work {
		t.Helper()
		got, err := w.market.Work(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := work(); got.RegistrationsWaiting != 0 || got.NewOrders != 0 || len(got.PricesEnding) != 0 {
		t.Fatalf("empty marketplace: %+v", got)
	}

	// A registration waits once its mailbox is confirmed.
	reg, token, err := w.market.Register(ctx, registration("15089", "sozialamt@salzlandkreis.example"))
	if err != nil {
		t.Fatal(err)
	}
	if got := work(); got.RegistrationsWaiting != 0 {
		t.Errorf("an unconfirmed registration waits for the ministry: %+v", got)
	}
	if len(w.mailsTo(t, ministryMailbox)) != 0 {
		t.Error("the ministry hears of an unconfirmed registration")
	}
	if _, err := w.market.ConfirmRegistration(ctx, token); err != nil {
		t.Fatal(err)
	}
	if got := work(); got.RegistrationsWaiting != 1 {
		t.Errorf("confirmed registration: %+v", got)
	}
	sent := w.mailsTo(t, ministryMailbox)
	if len(sent) != 1 || sent[0].Template != marketplace.TemplateRegistrationToReview ||
		!strings.Contains(sent[0].TextBody, "https://sozial.example/admin/marktplatz/registrierungen/"+reg.ID) {
		t.Fatalf("mails to the ministry: %+v", sent)
	}
	if _, err := w.market.ActivateRegistration(as("ministerium@test.example"), reg.ID); err != nil {
		t.Fatal(err)
	}
	if got := work(); got.RegistrationsWaiting != 0 {
		t.Errorf("an activated registration still waits: %+v", got)
	}

	// An order is new until its state changes.
	buyer := as("harz@test.example")
	hzl := w.product(t, "SW10187", "Sozialplattform: Hilfe zum Lebensunterhalt", "hzl")
	c, err := w.market.SetCartItem(buyer, w.harz.ID, hzl.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	o, err := w.market.PlaceOrder(buyer, w.harz.ID, c.Version)
	if err != nil {
		t.Fatal(err)
	}
	if got := work(); got.NewOrders != 1 {
		t.Errorf("after an order: %+v", got)
	}
	if _, err := w.market.ChangeOrderState(as("ministerium@test.example"), o.ID, marketplace.OrderConfirmed, "", o.Version); err != nil {
		t.Fatal(err)
	}
	if got := work(); got.NewOrders != 0 {
		t.Errorf("a confirmed order is still new: %+v", got)
	}

	// Prices: every product of the world is free until 31.12.2026. In
	// mid-November 2026 that end is within 60 days – unless a later
	// period follows.
	grusi := w.product(t, "SW10186", "Sozialplattform: Grundsicherung im Alter und bei Erwerbsminderung", "grusi")
	until, next := marketplace.Day("2026-12-31"), marketplace.Day("2027-12-31")
	if _, err := w.market.UpdateProduct(as("ministerium@test.example"), grusi.ID, 0, marketplace.ProductPatch{Prices: &[]marketplace.Price{
		{ValidFrom: "2025-01-01", ValidUntil: &until}, {ValidFrom: "2027-01-01", ValidUntil: &next, AmountCents: 1250}}}); err != nil {
		t.Fatal(err)
	}
	if got := work(); len(got.PricesEnding) != 0 {
		t.Errorf("in 2025 nothing ends within 60 days: %+v", got.PricesEnding)
	}
	w.advance(time.Date(2026, 11, 15, 9, 0, 0, 0, time.UTC).Sub(w.clock()))
	got := work()
	if len(got.PricesEnding) != 1 || got.PricesEnding[0].Number != "SW10187" || got.PricesEnding[0].ValidUntil != until {
		t.Errorf("prices ending in November 2026: %+v", got.PricesEnding)
	}
}
