package marketplace_test

import (
	"context"
	"testing"

	"sozialplattform/marketplace"
)

func TestWishlistAndCart(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := as("harz@test.example")
	grusi := w.product(t, "SW10186", "Sozialplattform: Grundsicherung im Alter und bei Erwerbsminderung", "grusi")
	hzl := w.product(t, "SW10187", "Sozialplattform: Hilfe zum Lebensunterhalt", "hzl", "eb-hzl")

	// Merkzettel: by ID or number, twice is once, removing what is not there is fine.
	for _, ref := range []string{grusi.ID, "sw10186", hzl.Number} {
		if err := w.market.AddToWishlist(ctx, w.harz.ID, ref); err != nil {
			t.Fatal(err)
		}
	}
	list, err := w.market.Wishlist(ctx, w.harz.ID)
	if err != nil || len(list) != 2 || list[0].Product.Number != "SW10186" {
		t.Fatalf("Merkzettel %+v, %v", list, err)
	}
	if err := w.market.RemoveFromWishlist(ctx, w.harz.ID, grusi.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.market.RemoveFromWishlist(ctx, w.harz.ID, grusi.ID); err != nil {
		t.Errorf("removing again: %v", err)
	}
	if list, _ = w.market.Wishlist(ctx, w.harz.ID); len(list) != 1 {
		t.Errorf("Merkzettel after removal: %d", len(list))
	}

	// Warenkorb with quantities 1–99.
	c, err := w.market.SetCartItem(ctx, w.harz.ID, grusi.ID, 2)
	if err != nil || len(c.Items) != 1 || c.Items[0].Quantity != 2 || !c.Orderable || c.Version != 1 {
		t.Fatalf("cart %+v, %v", c, err)
	}
	for _, q := range []int{0, -1, 100} {
		_, err := w.market.SetCartItem(ctx, w.harz.ID, grusi.ID, q)
		fieldErr(t, err, "quantity", "zwischen 1 und 99")
	}
	c, err = w.market.AddToCart(ctx, w.harz.ID, hzl.Number)
	if err != nil || len(c.Items) != 2 || c.Version != 2 {
		t.Fatalf("add: %+v, %v", c, err)
	}
	if c, _ = w.market.AddToCart(ctx, w.harz.ID, grusi.Number); c.Items[0].Quantity != 2 {
		t.Errorf("adding again changed the quantity to %d", c.Items[0].Quantity)
	}
	c, err = w.market.RemoveFromCart(ctx, w.harz.ID, hzl.ID)
	if err != nil || len(c.Items) != 1 {
		t.Fatalf("remove: %+v, %v", c, err)
	}

	// Only published products go in.
	off := false
	if _, err := w.market.UpdateProduct(as("ministerium@test.example"), hzl.ID, 0, marketplace.ProductPatch{Published: &off}); err != nil {
		t.Fatal(err)
	}
	_, err = w.market.SetCartItem(ctx, w.harz.ID, hzl.ID, 1)
	refusal(t, err, marketplace.ErrRefused, "nicht im Angebot")
	err = w.market.AddToWishlist(ctx, w.harz.ID, hzl.ID)
	refusal(t, err, marketplace.ErrRefused, "nicht im Angebot")
	// …and a product unpublished while on the Merkzettel stays, marked.
	list, _ = w.market.Wishlist(ctx, w.harz.ID)
	if len(list) != 1 || list[0].Product.Published {
		t.Errorf("Merkzettel keeps the unpublished product marked: %+v", list)
	}

	if _, err := w.market.SetCartItem(ctx, w.harz.ID, "SW99999", 1); err == nil {
		t.Error("unknown product accepted")
	}
}

// TestMunicipalitiesNeverSeeEachOther: every read is scoped to its tenant.
func TestMunicipalitiesNeverSeeEachOther(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, "SW10186", "GruSi", "grusi")
	q := w.product(t, "SW10183", "BuT", "but")
	if _, err := w.market.SetCartItem(as("harz@test.example"), w.harz.ID, p.ID, 3); err != nil {
		t.Fatal(err)
	}
	if err := w.market.AddToWishlist(as("harz@test.example"), w.harz.ID, q.ID); err != nil {
		t.Fatal(err)
	}
	harzOrder, err := w.market.PlaceOrder(as("harz@test.example"), w.harz.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.market.SetCartItem(as("harz@test.example"), w.harz.ID, q.ID, 1); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	if c, _ := w.market.Cart(ctx, w.wittenberg.ID); len(c.Items) != 0 || c.Version != 0 {
		t.Errorf("Wittenberg's cart shows %+v", c)
	}
	if l, _ := w.market.Wishlist(ctx, w.wittenberg.ID); len(l) != 0 {
		t.Errorf("Wittenberg's Merkzettel shows %+v", l)
	}
	if o, _ := w.market.ListOrders(ctx, marketplace.OrderFilter{TenantIDs: []string{w.wittenberg.ID}}); len(o) != 0 {
		t.Errorf("Wittenberg's orders show %+v", o)
	}
	if o, _ := w.market.ListOrders(ctx, marketplace.OrderFilter{TenantIDs: []string{}}); len(o) != 0 {
		t.Errorf("an empty scope shows %d orders", len(o))
	}
	// Removing from the other's cart touches nothing of Harz.
	if _, err := w.market.RemoveFromCart(as("wittenberg@test.example"), w.wittenberg.ID, q.ID); err != nil {
		t.Fatal(err)
	}
	if c, _ := w.market.Cart(ctx, w.harz.ID); len(c.Items) != 1 {
		t.Errorf("Harz's cart lost its item")
	}
	// Wittenberg orders its own (empty) cart: refused, Harz's cart stays.
	_, err = w.market.PlaceOrder(as("wittenberg@test.example"), w.wittenberg.ID, 0)
	refusal(t, err, marketplace.ErrRefused, "leer")
	if o, _ := w.market.ListOrders(ctx, marketplace.OrderFilter{TenantIDs: []string{w.harz.ID}}); len(o) != 1 || o[0].ID != harzOrder.ID {
		t.Errorf("Harz's orders: %+v", o)
	}
}
