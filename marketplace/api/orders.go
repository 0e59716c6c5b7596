package api

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/marketplace"
	"sozialplattform/tenant"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/download"
)

type placeOrderInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	Body     struct {
		CartVersion int `json:"cartVersion,omitempty" minimum:"0" doc:"Stand des Warenkorbs, den die bestellende Person gesehen hat (aus GET …/cart). Wer ihn mitsendet, bekommt bei doppeltem Absenden oder zwischenzeitlicher Änderung 409 statt einer zweiten Bestellung."`
	}
}

type orderOutput struct{ Body *marketplace.Order }

type orderList struct {
	Items []marketplace.Order `json:"items"`
	coreapi.PageBody
}

type listTenantOrdersInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	coreapi.PageQuery
}

type listTenantOrdersOutput struct {
	coreapi.PageHeaders
	Body orderList
}

type listOrdersInput struct {
	State  string    `query:"state" enum:"eingegangen,bestaetigt,in-anbindung,abgeschlossen,storniert"`
	Q      string    `query:"q" maxLength:"100" doc:"Bestellnummer, amtlicher Schlüssel oder Teil des Behördennamens"`
	Since  time.Time `query:"since" doc:"bestellt ab (RFC 3339)"`
	Until  time.Time `query:"until" doc:"bestellt vor (RFC 3339)"`
	Format string    `query:"format" enum:"json,csv" default:"json" doc:"csv: Tabelle für Excel (UTF-8 mit BOM, Semikolon, Dezimalkomma), immer vollständig: limit und cursor gelten nur für JSON"`
	coreapi.PageQuery
}

type listOrdersOutput struct {
	coreapi.PageHeaders
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               any
}

type orderPathInput struct {
	OrderID string `path:"orderId" maxLength:"64" doc:"ID oder Bestellnummer"`
}

type updateOrderInput struct {
	OrderID string `path:"orderId" maxLength:"64" doc:"ID oder Bestellnummer"`
	Body    struct {
		State   marketplace.OrderState `json:"state" enum:"eingegangen,bestaetigt,in-anbindung,abgeschlossen,storniert" doc:"der neue Stand"`
		Reason  string                 `json:"reason,omitempty" maxLength:"1000" doc:"Pflicht bei storniert"`
		Version int                    `json:"version,omitempty" minimum:"0" doc:"Stand, auf dem die Änderung beruht; bei Abweichung 409"`
	}
}

// scope returns the tenants whose orders the caller may act on; nil when
// the caller holds the right in a root tenant (the ministry: all orders).
func (a *API) scope(ctx context.Context, act string) []string {
	ids := a.authz.Tenants(authz.PrincipalFrom(ctx), marketplace.ObjOrder, act)
	for _, id := range ids {
		if a.authz.IsRoot(id) {
			return nil
		}
	}
	return ids
}

// orderInScope loads an order and answers 404 when it lies outside the
// caller's area, as if it did not exist.
func (a *API) orderInScope(ctx context.Context, id, act string) (*marketplace.Order, error) {
	o, err := a.store.GetOrder(ctx, id)
	if errors.Is(err, tenant.ErrNotFound) || (err == nil && !a.authz.Allowed(authz.PrincipalFrom(ctx), o.TenantID, marketplace.ObjOrder, act)) {
		return nil, huma.Error404NotFound("Diese Bestellung gibt es nicht.")
	}
	if err != nil {
		return nil, a.problem(ctx, err)
	}
	return o, nil
}

// listOrders answers one page of the orders f matches.
func (a *API) listOrders(ctx context.Context, f marketplace.OrderFilter, q coreapi.PageQuery) (orderList, coreapi.Page, error) {
	var list orderList
	p, err := coreapi.PageOf[marketplace.OrderKey](q, "orders")
	if err != nil {
		return list, coreapi.Page{}, err
	}
	rows, err := a.store.ListOrdersPage(ctx, f, p)
	if err != nil {
		return list, coreapi.Page{}, a.problem(ctx, err)
	}
	var pg coreapi.Page
	if list.Items, pg, err = coreapi.NextPage(ctx, "orders", rows, p, marketplace.Order.PageKey); err != nil {
		return list, coreapi.Page{}, a.problem(ctx, err)
	}
	list.PageBody = pg.Body
	return list, pg, nil
}

func (a *API) registerOrders(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "placeOrder", Method: http.MethodPost, Path: "/v1/tenants/{tenantId}/orders", Tags: []string{tagOrders},
		Summary: "Warenkorb bestellen",
		Description: "Bestellt den Warenkorb: fortlaufende Bestellnummer, Momentaufnahme von Produkten, Mengen, Preisen und Anschrift, Bestätigung per E-Mail an das Funktionspostfach und das Ministerium, Übergabe an das Onboarding. " +
			"Ein leerer Warenkorb oder ein nicht mehr bestellbares Produkt antwortet 422, ein schon bestellter oder geänderter Warenkorb 409.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: marketplace.ObjOrder, Act: authz.Create, TenantParam: "tenantId"}, func(ctx context.Context, in *placeOrderInput) (*orderOutput, error) {
		o, err := a.store.PlaceOrder(ctx, in.TenantID, in.Body.CartVersion)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &orderOutput{Body: o}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "listTenantOrders", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/orders", Tags: []string{tagOrders},
		Summary: "Bestellungen einer Körperschaft", Description: "Die Bestellungen der Körperschaft mit ihrem Stand, die neuesten zuerst.",
	}, coreapi.Access{Obj: marketplace.ObjOrder, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *listTenantOrdersInput) (*listTenantOrdersOutput, error) {
		list, pg, err := a.listOrders(ctx, marketplace.OrderFilter{TenantIDs: []string{in.TenantID}}, in.PageQuery)
		if err != nil {
			return nil, err
		}
		return &listTenantOrdersOutput{PageHeaders: pg.Headers, Body: list}, nil
	})
	listOp := huma.Operation{
		OperationID: "listOrders", Method: http.MethodGet, Path: "/v1/orders", Tags: []string{tagOrders},
		Summary:     "Alle Bestellungen",
		Description: "Das Ministerium sieht alle Bestellungen, andere die ihres Bereichs. Mit `format=csv` als Tabelle für Excel: eine Zeile je Produkt mit Bestellnummer, Datum, Behörde, amtlicher Schlüssel (5-stelliger Kreisschlüssel oder 8-stelliger Gemeindeschlüssel), Produktnr., Beschreibung, Menge, Preis, Summe und Status.",
		Responses: map[string]*huma.Response{"200": {Description: "Bestellungen als JSON oder CSV", Content: map[string]*huma.MediaType{
			"application/json":        {Schema: api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[orderList](), true, "OrderList")},
			"text/csv; charset=utf-8": {Schema: &huma.Schema{Type: "string"}},
		}}},
	}
	coreapi.Register(api, listOp, coreapi.Access{Obj: marketplace.ObjOrder, Act: authz.Read}, func(ctx context.Context, in *listOrdersInput) (*listOrdersOutput, error) {
		f := marketplace.OrderFilter{TenantIDs: a.scope(ctx, authz.Read), State: marketplace.OrderState(in.State), Query: in.Q,
			Since: in.Since, Until: in.Until}
		if in.Format == "csv" {
			var buf bytes.Buffer
			if err := a.store.ExportOrdersCSV(ctx, &buf, f); err != nil {
				return nil, a.problem(ctx, err)
			}
			name := "bestellungen-" + time.Now().In(a.store.Location()).Format("2006-01-02") + ".csv"
			return &listOrdersOutput{ContentType: "text/csv; charset=utf-8",
				ContentDisposition: download.Attachment(name), Body: buf.Bytes()}, nil
		}
		list, pg, err := a.listOrders(ctx, f, in.PageQuery)
		if err != nil {
			return nil, err
		}
		return &listOrdersOutput{PageHeaders: pg.Headers, Body: list}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "getOrder", Method: http.MethodGet, Path: "/v1/orders/{orderId}", Tags: []string{tagOrders},
		Summary: "Bestellung lesen", Description: "Eine Bestellung mit Positionen und Verlauf. Bestellungen außerhalb des eigenen Bereichs antworten 404.",
	}, coreapi.Access{Obj: marketplace.ObjOrder, Act: authz.Read}, func(ctx context.Context, in *orderPathInput) (*orderOutput, error) {
		o, err := a.orderInScope(ctx, in.OrderID, authz.Read)
		if err != nil {
			return nil, err
		}
		return &orderOutput{Body: o}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "updateOrder", Method: http.MethodPatch, Path: "/v1/orders/{orderId}", Tags: []string{tagOrders},
		Summary: "Stand einer Bestellung ändern",
		Description: "Nur das Ministerium: eingegangen → bestaetigt → in-anbindung → abgeschlossen, oder storniert (mit Begründung) aus jedem nicht abgeschlossenen Stand. " +
			"Jeder Schritt steht mit Person und Zeit im Verlauf und im Protokoll.",
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: marketplace.ObjOrder, Act: authz.Update}, func(ctx context.Context, in *updateOrderInput) (*orderOutput, error) {
		cur, err := a.orderInScope(ctx, in.OrderID, authz.Update)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(marketplace.OrderStates, in.Body.State) {
			return nil, huma.Error422UnprocessableEntity("Unbekannter Stand.")
		}
		o, err := a.store.ChangeOrderState(ctx, cur.ID, in.Body.State, in.Body.Reason, in.Body.Version)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &orderOutput{Body: o}, nil
	})
}
