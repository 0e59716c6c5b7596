// Package api is the marketplace's JSON API under /api/v1 (huma v2): the
// public catalogue and registration, the ministry's products,
// registrations and orders, and each municipality's Merkzettel, Warenkorb
// and orders. Every operation declares its access the platform core's way
// (tenant/api.Register with an Access), so that the core's Guard enforces
// it; operations on objects addressed by their own ID check the object's
// tenant and answer 404 outside the caller's area.
package api

import (
	"context"
	"errors"
	"log/slog"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/marketplace"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
)

// Deps are what the marketplace's operations work with.
type Deps struct {
	Store  *marketplace.Store
	Authz  *authz.Authorizer
	Logger *slog.Logger
}

// API serves the marketplace's operations.
type API struct {
	store  *marketplace.Store
	authz  *authz.Authorizer
	logger *slog.Logger
}

// New returns the marketplace's operations.
func New(d Deps) *API {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &API{store: d.Store, authz: d.Authz, logger: d.Logger}
}

// Tags group the operations in the documentation.
const (
	tagCatalogue     = "Marktplatz: Katalog"
	tagRegistrations = "Marktplatz: Registrierung"
	tagCart          = "Marktplatz: Merkzettel und Warenkorb"
	tagOrders        = "Marktplatz: Bestellungen"
)

// Tags returns the marketplace's tags in the order the documentation
// shows them.
func Tags() []*huma.Tag {
	return []*huma.Tag{
		{Name: tagCatalogue, Description: "Der öffentliche Katalog der Onlinedienste; Produkte und Preise pflegt das Ministerium."},
		{Name: tagRegistrations, Description: "Registrierung einer Behörde mit Funktionspostfach, Bestätigung und Freischaltung durch das Ministerium."},
		{Name: tagCart, Description: "Merkzettel und Warenkorb einer Körperschaft."},
		{Name: tagOrders, Description: "Bestellungen mit Bestellnummer, Stand und CSV-Export."},
	}
}

// Register adds the marketplace's operations to api.
func (a *API) Register(api huma.API) {
	a.registerProducts(api)
	a.registerRegistrations(api)
	a.registerWishlist(api)
	a.registerCart(api)
	a.registerOrders(api)
}

// problem maps the marketplace's refusals to statuses and leaves the rest
// to the platform core's mapping.
func (a *API) problem(ctx context.Context, err error) error {
	var e *marketplace.Error
	if errors.As(err, &e) {
		switch {
		case errors.Is(err, marketplace.ErrDuplicate):
			return huma.Error409Conflict(e.Msg)
		case errors.Is(err, marketplace.ErrLinkGone):
			return huma.Error410Gone(e.Msg)
		default:
			return huma.Error422UnprocessableEntity(e.Msg)
		}
	}
	return coreapi.Problem(ctx, a.logger, err)
}

// isMinistry reports whether the caller may do act on obj in a root tenant
// (a Land): products, registrations and the state-wide order list are the
// ministry's, not a municipality's.
func (a *API) isMinistry(ctx context.Context, obj, act string) bool {
	p := authz.PrincipalFrom(ctx)
	if p.IsZero() {
		return false
	}
	for _, id := range a.authz.Tenants(p, obj, act) {
		if a.authz.IsRoot(id) {
			return true
		}
	}
	return false
}

func (a *API) requireMinistry(ctx context.Context, obj, act string) error {
	if !a.isMinistry(ctx, obj, act) {
		return huma.Error403Forbidden("Das ist dem Ministerium vorbehalten.")
	}
	return nil
}
