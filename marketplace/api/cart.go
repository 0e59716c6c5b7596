package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/marketplace"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
)

type tenantPathInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
}

type tenantProductInput struct {
	TenantID  string `path:"tenantId" maxLength:"64"`
	ProductID string `path:"productId" maxLength:"64" doc:"ID oder Produktnummer (SW…)"`
}

type wishlistOutput struct {
	Body struct {
		Items []marketplace.WishlistItem `json:"items"`
	}
}

type cartOutput struct{ Body *marketplace.Cart }

type putCartItemInput struct {
	TenantID  string `path:"tenantId" maxLength:"64"`
	ProductID string `path:"productId" maxLength:"64" doc:"ID oder Produktnummer (SW…)"`
	Body      struct {
		Quantity int `json:"quantity,omitempty" default:"1" doc:"Menge, 1 bis 99"`
	}
}

func (a *API) wishlist(ctx context.Context, tenantID string) (*wishlistOutput, error) {
	items, err := a.store.Wishlist(ctx, tenantID)
	if err != nil {
		return nil, a.problem(ctx, err)
	}
	out := &wishlistOutput{}
	out.Body.Items = items
	return out, nil
}

func (a *API) registerWishlist(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "getWishlist", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/wishlist", Tags: []string{tagCart},
		Extensions: map[string]any{coreapi.UnpagedKey: "Merkliste einer Körperschaft: höchstens jedes Produkt des Katalogs einmal"},
		Summary:    "Merkzettel",
	}, coreapi.Access{Obj: marketplace.ObjWishlist, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *tenantPathInput) (*wishlistOutput, error) {
		return a.wishlist(ctx, in.TenantID)
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "addToWishlist", Method: http.MethodPut, Path: "/v1/tenants/{tenantId}/wishlist/{productId}", Tags: []string{tagCart},
		Summary: "Auf den Merkzettel", Description: "Setzt ein veröffentlichtes Produkt auf den Merkzettel; zweimal ist einmal.",
		Errors: []int{http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: marketplace.ObjWishlist, Act: authz.Create, TenantParam: "tenantId"}, func(ctx context.Context, in *tenantProductInput) (*wishlistOutput, error) {
		if err := a.store.AddToWishlist(ctx, in.TenantID, in.ProductID); err != nil {
			return nil, a.problem(ctx, err)
		}
		return a.wishlist(ctx, in.TenantID)
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "removeFromWishlist", Method: http.MethodDelete, Path: "/v1/tenants/{tenantId}/wishlist/{productId}", Tags: []string{tagCart},
		Summary: "Vom Merkzettel nehmen", DefaultStatus: http.StatusNoContent,
	}, coreapi.Access{Obj: marketplace.ObjWishlist, Act: authz.Delete, TenantParam: "tenantId"}, func(ctx context.Context, in *tenantProductInput) (*struct{}, error) {
		if err := a.store.RemoveFromWishlist(ctx, in.TenantID, in.ProductID); err != nil {
			return nil, a.problem(ctx, err)
		}
		return nil, nil
	})
}

func (a *API) registerCart(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "getCart", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/cart", Tags: []string{tagCart},
		Extensions: map[string]any{coreapi.UnpagedKey: "Warenkorb einer Körperschaft: höchstens jedes Produkt des Katalogs einmal, mit Summe"},
		Summary:    "Warenkorb", Description: "Der Warenkorb mit den heutigen Preisen und seinem Stand (`version`), den die Bestellung mitsendet.",
	}, coreapi.Access{Obj: marketplace.ObjCart, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *tenantPathInput) (*cartOutput, error) {
		c, err := a.store.Cart(ctx, in.TenantID)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &cartOutput{Body: c}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "putCartItem", Method: http.MethodPut, Path: "/v1/tenants/{tenantId}/cart/{productId}", Tags: []string{tagCart},
		Summary: "In den Warenkorb, Menge ändern", Description: "Legt ein veröffentlichtes Produkt mit der Menge (1–99, Standard 1) in den Warenkorb oder ändert die Menge.",
		Errors: []int{http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: marketplace.ObjCart, Act: authz.Update, TenantParam: "tenantId"}, func(ctx context.Context, in *putCartItemInput) (*cartOutput, error) {
		c, err := a.store.SetCartItem(ctx, in.TenantID, in.ProductID, in.Body.Quantity)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &cartOutput{Body: c}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "removeCartItem", Method: http.MethodDelete, Path: "/v1/tenants/{tenantId}/cart/{productId}", Tags: []string{tagCart},
		Summary: "Aus dem Warenkorb nehmen", DefaultStatus: http.StatusNoContent,
	}, coreapi.Access{Obj: marketplace.ObjCart, Act: authz.Delete, TenantParam: "tenantId"}, func(ctx context.Context, in *tenantProductInput) (*struct{}, error) {
		if _, err := a.store.RemoveFromCart(ctx, in.TenantID, in.ProductID); err != nil {
			return nil, a.problem(ctx, err)
		}
		return nil, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "clearCart", Method: http.MethodDelete, Path: "/v1/tenants/{tenantId}/cart", Tags: []string{tagCart},
		Summary: "Warenkorb leeren", DefaultStatus: http.StatusNoContent,
	}, coreapi.Access{Obj: marketplace.ObjCart, Act: authz.Delete, TenantParam: "tenantId"}, func(ctx context.Context, in *tenantPathInput) (*struct{}, error) {
		if _, err := a.store.ClearCart(ctx, in.TenantID); err != nil {
			return nil, a.problem(ctx, err)
		}
		return nil, nil
	})
}
