package marketplace_test

import (
	"context"
	"strings"
	"testing"

	"sozialplattform/marketplace"
)

func TestDemoIsTheSeedsStateAndLoadsOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	for range 2 {
		if err := w.market.LoadDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	all, _ := w.market.ListProducts(ctx, marketplace.CatalogueFilter{All: true})
	if len(all.Items) != 19 {
		t.Errorf("%d demo products after two loads", len(all.Items))
	}
	orders, err := w.market.ListOrders(ctx, marketplace.OrderFilter{})
	if err != nil || len(orders) != 2 {
		t.Fatalf("demo orders: %d, %v", len(orders), err)
	}
	witt, harz := orders[0], orders[1]
	if witt.Number != 10173 || witt.TenantID != w.wittenberg.ID || witt.Items[0].ProductNumber != "SW10181" || witt.Items[0].Name != "ELiA-Online" ||
		witt.OrderedAt.In(w.market.Location()).Format("02.01.2006 15:04") != "16.09.2025 15:50" {
		t.Errorf("Wittenberg's order %+v", witt)
	}
	var got []string
	for _, it := range harz.Items {
		got = append(got, it.ProductNumber)
	}
	if harz.Number != 10042 || harz.TenantID != w.harz.ID || strings.Join(got, " ") != "SW10187 SW10186 SW10183" ||
		harz.State != marketplace.OrderCompleted || harz.OrderedAt.Year() != 2025 {
		t.Errorf("Harz's order %d %s %v", harz.Number, harz.State, got)
	}
	full, _ := w.market.GetOrder(ctx, harz.ID)
	if len(full.Events) != 4 {
		t.Errorf("Harz's order history has %d steps", len(full.Events))
	}
	// Onboarding heard of both orders, once each.
	placed := w.handedOff()
	if len(placed) != 2 {
		t.Fatalf("%d hand-offs, want 2", len(placed))
	}
	var keys []string
	for _, it := range placed[0].Items {
		keys = append(keys, it.Antragsstrecken...)
	}
	if placed[0].OrderNumber != 10042 || strings.Join(keys, ",") != "hzl,eb-hzl,grusi,but" {
		t.Errorf("Harz's hand-off %+v", placed[0])
	}
	// No mails for the past, the next real order is 10174.
	if len(w.mails(t)) != 0 {
		t.Errorf("the demo queued %d mails", len(w.mails(t)))
	}
	p, _ := w.market.GetProduct(ctx, "SW10186")
	if _, err := w.market.SetCartItem(as("harz@test.example"), w.harz.ID, p.ID, 1); err != nil {
		t.Fatal(err)
	}
	o, err := w.market.PlaceOrder(as("harz@test.example"), w.harz.ID, 0)
	if err != nil || o.Number != 10174 {
		t.Errorf("first order after the demo: %v, %v", o, err)
	}
	// Börde waits for the ministry; Wittenberg has a Merkzettel.
	regs, _ := w.market.ListRegistrations(ctx, marketplace.RegistrationFilter{State: marketplace.RegistrationConfirmed})
	if len(regs) != 1 || regs[0].OfficialKey != "15083" {
		t.Errorf("demo registrations %+v", regs)
	}
	if wl, _ := w.market.Wishlist(ctx, w.wittenberg.ID); len(wl) != 2 {
		t.Errorf("Wittenberg's Merkzettel: %d", len(wl))
	}
}
