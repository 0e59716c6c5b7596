package marketplace

import (
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// The marketplace's objects in access rules. Products and registrations
// are the ministry's (its "*" rule covers them); a municipality works on
// its own Merkzettel, Warenkorb and orders.
const (
	ObjProduct      = "product"
	ObjRegistration = "registration"
	ObjWishlist     = "wishlist"
	ObjCart         = "cart"
	ObjOrder        = "order"
)

// AuthzRules are the marketplace's permissions, synced at start next to
// authz.DefaultRules. The ministry holds "*" already. A municipality's
// administration keeps Merkzettel and Warenkorb and orders; its clerks see
// them and the orders.
func AuthzRules() []authz.Rule {
	return []authz.Rule{
		{Role: tenant.RoleMunicipalityAdmin, Obj: ObjWishlist, Act: "*"},
		{Role: tenant.RoleMunicipalityAdmin, Obj: ObjCart, Act: "*"},
		{Role: tenant.RoleMunicipalityAdmin, Obj: ObjOrder, Act: authz.Read},
		{Role: tenant.RoleMunicipalityAdmin, Obj: ObjOrder, Act: authz.Create},

		{Role: tenant.RoleMunicipalityClerk, Obj: ObjWishlist, Act: authz.Read},
		{Role: tenant.RoleMunicipalityClerk, Obj: ObjCart, Act: authz.Read},
		{Role: tenant.RoleMunicipalityClerk, Obj: ObjOrder, Act: authz.Read},
		// The ministry's readers see the catalogue and every order.
		{Role: tenant.RoleMinistryReader, Obj: ObjProduct, Act: authz.Read},
		{Role: tenant.RoleMinistryReader, Obj: ObjOrder, Act: authz.Read},
	}
}
