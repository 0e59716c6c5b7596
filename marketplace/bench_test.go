package marketplace_test

import (
	"context"
	"fmt"
	"testing"

	"sozialplattform/marketplace"
	"sozialplattform/tenant"
)

// BenchmarkCatalogue is the public catalogue's query: the demo catalogue
// (17 products) loaded, searched, filtered, counted and sorted.
func BenchmarkCatalogue(b *testing.B) {
	w := newWorld(b)
	ctx := context.Background()
	if err := w.market.LoadDemo(ctx); err != nil {
		b.Fatal(err)
	}
	f := marketplace.CatalogueFilter{Query: "sozialplattform", Types: []string{"EfA-Dienst"}, Topics: []string{"Arbeit und Ruhestand"}}
	b.ResetTimer()
	for b.Loop() {
		c, err := w.market.ListProducts(ctx, f)
		if err != nil || len(c.Items) != 8 {
			b.Fatalf("%d items, %v", len(c.Items), err)
		}
	}
}

// BenchmarkPlaceOrder is one order of a one-product Warenkorb: the cart
// claimed, the number taken, the snapshot, two mails, audit and hand-off
// written in one transaction.
func BenchmarkPlaceOrder(b *testing.B) {
	w := newWorld(b)
	ctx := context.Background()
	p, err := w.market.CreateProduct(ctx, marketplace.ProductInput{Number: "SW10186", Name: "GruSi", ServiceType: "EfA-Dienst",
		Topic: "Arbeit und Ruhestand", Published: true, Prices: []marketplace.Price{{ValidFrom: "2025-01-01"}}})
	if err != nil {
		b.Fatal(err)
	}
	actor := tenant.WithActor(ctx, tenant.Actor{ID: "user:bench", Label: "bench@test.example"})
	b.ResetTimer()
	i := 0
	for b.Loop() {
		b.StopTimer()
		if _, err := w.market.SetCartItem(actor, w.harz.ID, p.ID, 1+i%5); err != nil {
			b.Fatal(err)
		}
		i++
		b.StartTimer()
		if _, err := w.market.PlaceOrder(actor, w.harz.ID, 0); err != nil {
			b.Fatal(fmt.Errorf("order %d: %w", i, err))
		}
	}
}
