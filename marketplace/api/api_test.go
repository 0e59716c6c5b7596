package api_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2/humatest"

	"sozialplattform/marketplace"
	marketapi "sozialplattform/marketplace/api"
	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
)

type fixture struct {
	api                       humatest.TestAPI
	market                    *marketplace.Store
	harz, wittenberg          *tenant.Tenant
	ministry, harzAdmin, witt context.Context
	anon                      context.Context
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := testdb.New(t)
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{BaseURL: "https://sozial.example", PlatformName: "Test",
		Templates: []fs.FS{marketplace.MailTemplates()}})
	if err != nil {
		t.Fatal(err)
	}
	for _, rules := range [][]authz.Rule{authz.DefaultRules, marketplace.AuthzRules()} {
		if err := authz.SyncRules(ctx, db.Write, rules); err != nil {
			t.Fatal(err)
		}
	}
	store := tenant.NewStore(db, outbox, tenant.Options{Passwords: passwordtest.Hasher()})
	market, err := marketplace.NewStore(db, store, outbox, marketplace.Options{MinistryOrderMailbox: "mid-55@mid.example"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{market: market, anon: ctx}
	mk := func(parent *tenant.Tenant, kind tenant.Kind, key, name string) *tenant.Tenant {
		tn := &tenant.Tenant{Kind: kind, OfficialKey: &key, Name: name, Active: true, FunctionMailbox: "sozialamt@" + key + ".example"}
		if parent != nil {
			tn.ParentID = &parent.ID
		}
		if err := store.CreateTenant(ctx, tn); err != nil {
			t.Fatal(err)
		}
		return tn
	}
	land := mk(nil, tenant.KindLand, "15", "Sachsen-Anhalt")
	f.harz = mk(land, tenant.KindLandkreis, "15085", "Landkreis Harz")
	f.wittenberg = mk(land, tenant.KindLandkreis, "15091", "Landkreis Wittenberg")
	as := func(email string, tn *tenant.Tenant, role tenant.Role) context.Context {
		u, err := store.CreateUser(ctx, tenant.NewUserInput{Email: email, Name: "Test", Password: "ein-langes-passwort", TenantID: tn.ID, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		return authz.WithPrincipal(ctx, authz.Principal{UserID: u.ID, Label: email})
	}
	f.ministry = as("ministerium@test.example", land, tenant.RoleMinistryAdmin)
	f.harzAdmin = as("harz@test.example", f.harz, tenant.RoleMunicipalityAdmin)
	f.witt = as("wittenberg@test.example", f.wittenberg, tenant.RoleMunicipalityAdmin)
	az, err := authz.New(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, api := humatest.New(t)
	api.UseMiddleware(coreapi.NewGuard(api, az, store).Middleware)
	marketapi.New(marketapi.Deps{Store: market, Authz: az}).Register(api)
	if err := coreapi.MustDeclareAccess(api); err != nil {
		t.Fatal(err)
	}
	f.api = api
	until := marketplace.Day("2026-12-31")
	for _, p := range []marketplace.ProductInput{
		{Number: "SW10186", Name: "Sozialplattform: Grundsicherung", ServiceType: "EfA-Dienst", Topic: "Arbeit und Ruhestand", Published: true,
			OZGID: "10084", Antragsstrecken: []string{"grusi"}, Prices: []marketplace.Price{{ValidFrom: "2025-01-01", ValidUntil: &until}}},
		{Number: "SW10108", Name: "Fischereischein online", ServiceType: "AFM Online-Dienst", Topic: "Engagement und Hobby"},
	} {
		if _, err := market.CreateProduct(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *fixture) do(t *testing.T, ctx context.Context, want int, method, path string, body ...any) string {
	t.Helper()
	resp := f.api.DoCtx(ctx, method, path, body...)
	if resp.Code != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.Code, want, resp.Body.String())
	}
	return resp.Body.String()
}

func TestCatalogueIsPublicAndTheMinistrySeesMore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var out struct {
		Items []struct {
			Number       string `json:"number"`
			CurrentPrice string `json:"currentPrice"`
		} `json:"items"`
		Types []marketplace.Facet `json:"types"`
	}
	json.Unmarshal([]byte(f.do(t, f.anon, http.StatusOK, "GET", "/v1/products")), &out)
	if len(out.Items) != 1 || out.Items[0].Number != "SW10186" || out.Items[0].CurrentPrice != "0,00 €" || len(out.Types) != 1 {
		t.Errorf("public catalogue: %+v", out)
	}
	json.Unmarshal([]byte(f.do(t, f.ministry, http.StatusOK, "GET", "/v1/products?published=false")), &out)
	if len(out.Items) != 1 || out.Items[0].Number != "SW10108" {
		t.Errorf("ministry's unpublished: %+v", out.Items)
	}
	f.do(t, f.anon, http.StatusNotFound, "GET", "/v1/products/SW10108")
	f.do(t, f.ministry, http.StatusOK, "GET", "/v1/products/SW10108")
	body := f.do(t, f.anon, http.StatusOK, "GET", "/v1/products?type=AFM+Online-Dienst&type=EfA-Dienst&sort=-name")
	if !strings.Contains(body, "SW10186") {
		t.Errorf("repeated type filter: %s", body)
	}
}

func TestOnlyTheMinistryManagesProducts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	in := map[string]any{"number": "SW20001", "name": "Neu", "serviceType": "EfA-Dienst", "topic": "Bildung"}
	f.do(t, f.anon, http.StatusUnauthorized, "POST", "/v1/products", in)
	f.do(t, f.harzAdmin, http.StatusForbidden, "POST", "/v1/products", in)
	f.do(t, f.ministry, http.StatusCreated, "POST", "/v1/products", in)
	body := f.do(t, f.ministry, http.StatusUnprocessableEntity, "POST", "/v1/products", in)
	if !strings.Contains(body, "body.number") || !strings.Contains(body, "bereits vergeben") {
		t.Errorf("duplicate number: %s", body)
	}
	f.do(t, f.ministry, http.StatusOK, "PATCH", "/v1/products/SW20001", map[string]any{"published": true,
		"prices": []map[string]any{{"validFrom": "2025-01-01", "amountCents": 1250}}})
	f.do(t, f.ministry, http.StatusConflict, "PATCH", "/v1/products/SW20001", map[string]any{"version": 1, "name": "Alt"})
	f.do(t, f.ministry, http.StatusNotFound, "PATCH", "/v1/products/SW99999", map[string]any{"name": "X"})
	body = f.do(t, f.anon, http.StatusOK, "GET", "/v1/products/SW20001")
	if !strings.Contains(body, `"currentPrice":"12,50 €"`) {
		t.Errorf("price: %s", body)
	}
}

func TestRegistrationAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	in := map[string]any{"authorityName": "Salzlandkreis", "officialKey": "15089", "functionMailbox": "sozialamt@salzlandkreis.example",
		"street": "Karlsplatz 37", "postalCode": "06406", "city": "Bernburg (Saale)", "contactName": "Sina Salz", "acceptTerms": true}
	body := f.do(t, f.anon, http.StatusCreated, "POST", "/v1/registrations", in)
	if strings.Contains(body, "token") {
		t.Errorf("the answer shows a token: %s", body)
	}
	f.do(t, f.anon, http.StatusConflict, "POST", "/v1/registrations", in)
	in["officialKey"], in["functionMailbox"] = "15088", "vorname.nachname@saalekreis.example"
	body = f.do(t, f.anon, http.StatusUnprocessableEntity, "POST", "/v1/registrations", in)
	if !strings.Contains(body, "body.functionMailbox") || !strings.Contains(body, "Funktionspostfach") {
		t.Errorf("personal mailbox: %s", body)
	}
	body = f.do(t, f.anon, http.StatusGone, "POST", "/v1/registrations/confirm", map[string]string{"token": "ausgedacht"})
	if !strings.Contains(body, "ungültig") {
		t.Errorf("unknown token: %s", body)
	}
	f.do(t, f.harzAdmin, http.StatusForbidden, "GET", "/v1/registrations")
	f.do(t, f.ministry, http.StatusOK, "GET", "/v1/registrations?state=unbestaetigt")
}

func TestOrdersByTheirOwnIDStayWithTheirTenant(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tp := "/v1/tenants/" + f.harz.ID
	f.do(t, f.harzAdmin, http.StatusOK, "PUT", tp+"/cart/SW10186", map[string]int{"quantity": 2})
	f.do(t, f.witt, http.StatusForbidden, "PUT", tp+"/cart/SW10186", map[string]int{"quantity": 2})
	f.do(t, f.harzAdmin, http.StatusUnprocessableEntity, "PUT", tp+"/cart/SW10108", map[string]int{"quantity": 1}) // unpublished
	f.do(t, f.harzAdmin, http.StatusUnprocessableEntity, "PUT", tp+"/cart/SW10186", map[string]int{"quantity": 100})
	var o marketplace.Order
	json.Unmarshal([]byte(f.do(t, f.harzAdmin, http.StatusCreated, "POST", tp+"/orders", map[string]any{})), &o)
	if o.Number != 10174 || o.Items[0].Quantity != 2 {
		t.Fatalf("order %+v", o)
	}
	f.do(t, f.harzAdmin, http.StatusUnprocessableEntity, "POST", tp+"/orders", map[string]any{})
	f.do(t, f.harzAdmin, http.StatusOK, "GET", "/v1/orders/"+o.ID)
	f.do(t, f.witt, http.StatusNotFound, "GET", "/v1/orders/"+o.ID)
	f.do(t, f.witt, http.StatusNotFound, "GET", "/v1/orders/10174")
	f.do(t, f.harzAdmin, http.StatusForbidden, "PATCH", "/v1/orders/"+o.ID, map[string]any{"state": "bestaetigt"})
	f.do(t, f.ministry, http.StatusOK, "PATCH", "/v1/orders/"+o.ID, map[string]any{"state": "bestaetigt"})
	f.do(t, f.ministry, http.StatusUnprocessableEntity, "PATCH", "/v1/orders/"+o.ID, map[string]any{"state": "abgeschlossen"})
	f.do(t, f.ministry, http.StatusUnprocessableEntity, "PATCH", "/v1/orders/"+o.ID, map[string]any{"state": "storniert"})
	f.do(t, f.ministry, http.StatusConflict, "PATCH", "/v1/orders/"+o.ID, map[string]any{"state": "storniert", "reason": "x", "version": 1})

	var list struct{ Items []marketplace.Order }
	json.Unmarshal([]byte(f.do(t, f.witt, http.StatusOK, "GET", "/v1/orders")), &list)
	if len(list.Items) != 0 {
		t.Errorf("Wittenberg sees %d orders", len(list.Items))
	}
	resp := f.api.DoCtx(f.ministry, "GET", "/v1/orders?format=csv")
	if resp.Code != http.StatusOK || resp.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(resp.Body.String(), "\uFEFFBestellnummer;") || !strings.Contains(resp.Body.String(), "10174;") ||
		!strings.Contains(resp.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("CSV: %d %v\n%s", resp.Code, resp.Header(), resp.Body.String())
	}
	doc, _ := json.Marshal(f.api.OpenAPI().Paths["/v1/orders"].Get.Responses["200"].Content)
	if !strings.Contains(string(doc), "text/csv") || !strings.Contains(string(doc), "OrderList") {
		t.Errorf("the documentation of GET /v1/orders lacks CSV or JSON: %s", doc)
	}
}

// TestSectionsBUSAndUndecidedPrice: the ministry files a product under a
// section, marks it "Vorlage im BUS" and says its price after the last
// period is undecided; the public catalogue filters by both and shows the
// note; a bad section is refused as problem+json naming the field.
func TestSectionsBUSAndUndecidedPrice(t *testing.T) {
	f := newFixture(t)
	f.do(t, f.ministry, http.StatusCreated, "POST", "/v1/products", map[string]any{"number": "SW10190", "name": "Servicekonto",
		"serviceType": "Basisdienst", "topic": "Sonstiges", "section": "basisdienst", "busTemplate": true, "published": true,
		"priceAfter": "undecided-orderable", "prices": []map[string]any{{"validFrom": "2025-01-01", "validUntil": "2026-12-31", "amountCents": 0}}})
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"?section=basisdienst", []string{"SW10190"}},
		{"?section=online", []string{"SW10186"}},
		{"?bus=true", []string{"SW10190"}},
		{"?section=geplant", nil},
	} {
		var out struct {
			Items []struct {
				Number, PriceNote string
				Orderable         bool
			}
			BUSCount int
		}
		json.Unmarshal([]byte(f.do(t, f.anon, http.StatusOK, "GET", "/v1/products"+tc.query)), &out)
		var got []string
		for _, it := range out.Items {
			got = append(got, it.Number)
			if it.Number == "SW10190" && (!it.Orderable || !strings.Contains(it.PriceNote, "noch nicht entschieden; der Dienst bleibt bestellbar")) {
				t.Errorf("%s: note %q, orderable %v", tc.query, it.PriceNote, it.Orderable)
			}
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
	body := f.do(t, f.ministry, http.StatusUnprocessableEntity, "PATCH", "/v1/products/SW10190", map[string]any{"section": "zubehoer"})
	if !strings.Contains(body, "section") {
		t.Errorf("bad section: %s", body)
	}
}
