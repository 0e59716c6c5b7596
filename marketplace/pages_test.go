package marketplace_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"sozialplattform/marketplace"
	"sozialplattform/tenant"
	"sozialplattform/tenant/keyset"
	"sozialplattform/tenant/keyset/keysettest"
)

func TestOrderPagesHoldEveryOrderOnceNewestFirst(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, "SW10186", "GruSi", "grusi")
	order := func(i int) *marketplace.Order {
		tt := &tenant.Tenant{Kind: tenant.KindGemeinde, Name: fmt.Sprintf("Gemeinde %02d", i), OfficialKey: key(fmt.Sprintf("15085%03d", 100+i)),
			ParentID: &w.harz.ID, Active: true, FunctionMailbox: fmt.Sprintf("rathaus%02d@gemeinde.example", i)}
		if err := w.tenants.CreateTenant(context.Background(), tt); err != nil {
			t.Fatal(err)
		}
		if _, err := w.market.SetCartItem(as("harz@test.example"), tt.ID, p.ID, 1); err != nil {
			t.Fatal(err)
		}
		o, err := w.market.PlaceOrder(as("harz@test.example"), tt.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	for i := range 8 { // the clock stands: equal times, the number decides
		order(i)
	}
	all, err := w.market.ListOrders(context.Background(), marketplace.OrderFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, o := range all { // every order there is
		want = append(want, o.ID)
	}
	got := keysettest.Walk(t, 3, func(pg keyset.Page[marketplace.OrderKey]) ([]marketplace.Order, error) {
		return w.market.ListOrdersPage(context.Background(), marketplace.OrderFilter{}, pg)
	}, marketplace.Order.PageKey, func(page int) {
		if page == 1 {
			order(50) // newest: before the position reached, so not on a later page
		}
	})
	var ids []string
	for i, o := range got {
		ids = append(ids, o.ID)
		if len(o.Items) == 0 {
			t.Errorf("order %d without its items", o.Number)
		}
		if i > 0 && (o.OrderedAt.After(got[i-1].OrderedAt) || o.OrderedAt.Equal(got[i-1].OrderedAt) && o.Number > got[i-1].Number) {
			t.Errorf("order %d listed after %d", o.Number, got[i-1].Number)
		}
	}
	keysettest.Once(t, ids, want)
}

func TestCataloguePagesFollowTheCatalogueOrder(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	if err := w.market.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	for _, descending := range []bool{false, true} {
		c, err := w.market.ListProducts(ctx, marketplace.CatalogueFilter{Descending: descending})
		if err != nil {
			t.Fatal(err)
		}
		got := keysettest.Walk(t, 4, func(p keyset.Page[marketplace.ProductKey]) ([]marketplace.Product, error) {
			return marketplace.ProductsPage(c.Items, p, descending), nil
		}, marketplace.ProductPageKey, nil)
		if !slices.Equal(names(got), names(c.Items)) || len(got) < 10 {
			t.Errorf("descending=%v: pages give %v, want %v", descending, names(got), names(c.Items))
		}
	}
}
