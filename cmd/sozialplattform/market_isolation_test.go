package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"sozialplattform/marketplace"
	"sozialplattform/tenant"
)

// marketObjects are a municipality's marketplace objects for the
// isolation matrix: a product in its cart, an order and a registration.
type marketObjects struct {
	productID, orderID, registrationID string
}

// seedMarket gives the tenant an order of a (shared) product and a fresh
// registration of another authority.
func seedMarket(t *testing.T, a *app, tt *tenant.Tenant) marketObjects {
	t.Helper()
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "system", Label: "Test"})
	p, err := a.market.GetProduct(ctx, "SW90001")
	if errors.Is(err, tenant.ErrNotFound) {
		p, err = a.market.CreateProduct(ctx, marketplace.ProductInput{Number: "SW90001", Name: "Sozialplattform: Testdienst",
			ServiceType: "EfA-Dienst", Topic: "Arbeit und Ruhestand", OZGID: "10086", Antragsstrecken: []string{"hzl"}, Published: true,
			Prices: []marketplace.Price{{ValidFrom: "2025-01-01", AmountCents: 0}}})
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.market.SetCartItem(ctx, tt.ID, p.ID, 1); err != nil {
		t.Fatal(err)
	}
	o, err := a.market.PlaceOrder(ctx, tt.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.market.SetCartItem(ctx, tt.ID, p.ID, 2); err != nil { // something in the cart again
		t.Fatal(err)
	}
	if err := a.market.AddToWishlist(ctx, tt.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	key := map[string]string{"15085": "15089", "15091": "15087"}[tt.Key()]
	if key == "" {
		key = "15090"
	}
	r, _, err := a.market.Register(ctx, marketplace.RegistrationInput{AuthorityName: "Behörde " + key, OfficialKey: key,
		FunctionMailbox: "sozialamt@behoerde-" + key + ".example", Street: "Markt 1", PostalCode: "06108", City: "Halle (Saale)",
		ContactName: "Test", AcceptTerms: true})
	if err != nil {
		t.Fatal(err)
	}
	return marketObjects{productID: p.ID, orderID: o.ID, registrationID: r.ID}
}

// TestMarketplaceIsolation: what the matrix cannot say in general – an
// order addressed by its own ID is 404 for another municipality, lists
// and exports hold only the caller's orders, and only the ministry moves
// orders on.
func TestMarketplaceIsolation(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("every operation as every role: full suite only")
	}
	a, srv := testApp(t)
	ctx := context.Background()
	harz, _ := a.store.ResolveTenant(ctx, "landkreis-harz")
	witt, _ := a.store.ResolveTenant(ctx, "landkreis-wittenberg")
	own, other := seedMarket(t, a, harz), seedMarket(t, a, witt)

	login := func(email string) *client {
		c := newClient(t, srv.URL)
		c.login(email, tenant.DemoPassword)
		return c
	}
	harzAdmin, clerk, ministry := login("harz@demo.example"), login("sachbearbeitung.harz@demo.example"), login("ministerium@demo.example")

	harzAdmin.must(http.StatusOK, "GET", "/api/v1/orders/"+own.orderID, nil, nil)
	clerk.must(http.StatusOK, "GET", "/api/v1/orders/"+own.orderID, nil, nil)
	harzAdmin.must(http.StatusNotFound, "GET", "/api/v1/orders/"+other.orderID, nil, nil)
	harzAdmin.must(http.StatusForbidden, "PATCH", "/api/v1/orders/"+own.orderID, map[string]any{"state": "bestaetigt"}, nil)
	clerk.must(http.StatusForbidden, "PUT", "/api/v1/tenants/"+harz.ID+"/cart/"+own.productID, map[string]any{"quantity": 3}, nil)
	clerk.must(http.StatusForbidden, "POST", "/api/v1/tenants/"+harz.ID+"/orders", map[string]any{}, nil)
	harzAdmin.must(http.StatusForbidden, "GET", "/api/v1/registrations", nil, nil)
	harzAdmin.must(http.StatusForbidden, "POST", "/api/v1/products", map[string]any{"number": "SW90002", "name": "X", "serviceType": "E", "topic": "T"}, nil)

	var list struct{ Items []marketplace.Order }
	harzAdmin.must(http.StatusOK, "GET", "/api/v1/orders", nil, &list)
	if len(list.Items) != 1 || list.Items[0].ID != own.orderID {
		t.Errorf("Harz's state-wide list shows %d orders", len(list.Items))
	}
	csv := harzAdmin.must(http.StatusOK, "GET", "/api/v1/orders?format=csv", nil, nil)
	if strings.Contains(csv, "Wittenberg") || !strings.Contains(csv, "Landkreis Harz") {
		t.Errorf("Harz's export:\n%s", csv)
	}
	ministry.must(http.StatusOK, "GET", "/api/v1/orders", nil, &list)
	if len(list.Items) != 2 {
		t.Errorf("the ministry sees %d orders, want 2", len(list.Items))
	}
	ministry.must(http.StatusOK, "PATCH", "/api/v1/orders/"+other.orderID, map[string]any{"state": "bestaetigt"}, nil)
	ministry.must(http.StatusUnprocessableEntity, "PATCH", "/api/v1/orders/"+other.orderID, map[string]any{"state": "storniert"}, nil)
}
