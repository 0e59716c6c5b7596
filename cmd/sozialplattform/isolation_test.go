package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus"

	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
	"sozialplattform/tenant/api"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
)

// testApp builds the whole application on a fresh database with the demo
// data and serves it with httptest.
func testApp(t *testing.T) (*app, *httptest.Server) {
	t.Helper()
	return benchApp(t)
}

// testAppWith is testApp with a changed configuration.
func testAppWith(t *testing.T, change func(*config)) (*app, *httptest.Server) {
	t.Helper()
	return buildTestApp(t, change)
}

// benchApp is testApp for tests and benchmarks alike.
func benchApp(t testing.TB) (*app, *httptest.Server) {
	t.Helper()
	return buildTestApp(t, nil)
}

func buildTestApp(t testing.TB, change func(*config)) (*app, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	// The instance's files (data key, SAML key pair) go to a folder of the
	// test's own: on PostgreSQL the default would be ./data of the package
	// folder, shared by the tests that run in parallel.
	cfg, _, err := parseConfig("test", []string{"--db", testdb.MigratedDSN(t), "--data-dir", t.TempDir()}, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(cfg)
	}
	a, err := newAppHashing(ctx, cfg, slog.New(slog.DiscardHandler), passwordtest.Hasher())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.close() })
	if _, err := a.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := newHandler(a, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	a.cfg.BaseURL = srv.URL
	return a, srv
}

// scope is one municipality with an object of every kind, so that every
// path parameter can name something that exists there.
type scope struct {
	tenant                                  *tenant.Tenant
	adminID, invitationID, apiToken, mailID string
	market                                  marketObjects
	onboarding                              onboardingObjects
	counselling                             counsellingObjects
	delivery                                deliveryObjects
	applications                            applicationObjects
}

func seedScope(t *testing.T, a *app, slug, adminEmail string) scope {
	t.Helper()
	ctx := context.Background()
	tt, err := a.store.ResolveTenant(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := a.store.UserByEmail(ctx, adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	inv, _, err := a.store.Invite(ctx, tt.ID, "neu-"+slug+"@example.org", tenant.RoleMunicipalityClerk)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := a.store.CreateAPIToken(ctx, tt.ID, "Skript "+slug, tenant.RoleMunicipalityClerk, nil)
	if err != nil {
		t.Fatal(err)
	}
	mails, err := a.outbox.List(ctx, mail.ListFilter{TenantIDs: []string{tt.ID}})
	if err != nil || len(mails) == 0 {
		t.Fatalf("invitation mail of %s: %v", slug, err)
	}
	sc := scope{tenant: tt, adminID: admin.ID, invitationID: inv.ID, apiToken: tok.ID, mailID: mails[0].ID, market: seedMarket(t, a, tt),
		onboarding: seedOnboarding(t, a, tt), counselling: seedCounselling(t, a, tt)}
	sc.delivery = seedDelivery(t, a, tt)
	sc.applications = seedApplications(t, a, tt)
	return sc
}

// fill substitutes the path parameters of an operation with the scope's
// objects; an unknown parameter fails the test, so that every new
// operation must be taught here.
func (s scope) fill(t *testing.T, path string) string {
	r := strings.NewReplacer(append([]string{"{tenantId}", s.tenant.ID, "{userId}", s.adminID, "{invitationId}", s.invitationID,
		"{tokenId}", s.apiToken, "{token}", "unbekannter-token",
		"{mailId}", s.mailID, "{name}", "sitzungen-aufraeumen",
		"{productId}", s.market.productID, "{orderId}", s.market.orderID, "{registrationId}", s.market.registrationID,
		"{linkId}", "unbekannter-link", "{officeId}", "unbekannte-stelle", "{template}", "appointment-confirmation"},
		append(append(append(s.onboarding.replacements(), s.counselling.replacements()...), s.delivery.replacements()...), s.applications.replacements()...)...)...)
	out := r.Replace(path)
	if strings.Contains(out, "{") {
		t.Fatalf("isolation matrix cannot fill %s: teach it the new parameter", path)
	}
	return out
}

type operation struct {
	method, path string
	access       api.Access
}

func operations(t *testing.T, a *app) []operation {
	t.Helper()
	humaAPI, err := newAPI(http.NewServeMux(), a)
	if err != nil {
		t.Fatal(err)
	}
	var ops []operation
	for path, item := range humaAPI.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			access, _ := api.AccessOf(op)
			ops = append(ops, operation{method: op.Method, path: "/api" + path, access: access})
		}
	}
	slices.SortFunc(ops, func(x, y operation) int { return strings.Compare(x.path+x.method, y.path+y.method) })
	if len(ops) < 20 {
		t.Fatalf("only %d operations found", len(ops))
	}
	return ops
}

// TestTenantIsolationMatrix sends every operation of the OpenAPI document
// as every role, against the own municipality, another municipality and
// without a session. Another municipality's objects never answer 2xx, and
// no answer of a municipal principal mentions the other municipality.
func TestTenantIsolationMatrix(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("every operation as every role: full suite only")
	}
	a, srv := testApp(t)
	ctx := context.Background()
	own := seedScope(t, a, "landkreis-harz", "harz@demo.example")
	other := seedScope(t, a, "landkreis-wittenberg", "wittenberg@demo.example")

	// A Beratungsstelle below Harz with its editor, and a Harz API token.
	org := &tenant.Tenant{Kind: tenant.KindOrganisation, Name: "Schuldnerberatung Harz", ParentID: &own.tenant.ID, Active: true}
	if err := a.store.CreateTenant(ctx, org); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.CreateUser(ctx, tenant.NewUserInput{Email: "beratung@demo.example", Name: "Bea Beratung",
		Password: tenant.DemoPassword, TenantID: org.ID, Role: tenant.RoleCounsellingEditor}); err != nil {
		t.Fatal(err)
	}
	_, harzSecret, err := a.store.CreateAPIToken(ctx, own.tenant.ID, "Harz-Admin-Token", tenant.RoleMunicipalityAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}

	type principal struct {
		name     string
		client   *client
		ministry bool
	}
	login := func(email string) *client {
		c := newClient(t, srv.URL)
		c.login(email, tenant.DemoPassword)
		return c
	}
	tokenClient := newClient(t, srv.URL)
	tokenClient.bearer = harzSecret
	principals := []principal{
		{name: "municipality-admin", client: login("harz@demo.example")},
		{name: "municipality-clerk", client: login("sachbearbeitung.harz@demo.example")},
		{name: "counselling-editor", client: login("beratung@demo.example")},
		{name: "api-token (municipality-admin)", client: tokenClient},
		{name: "ministry-admin", client: login("ministerium@demo.example"), ministry: true},
	}
	anonymous := newClient(t, srv.URL)
	otherIDs := []string{other.tenant.ID, other.adminID, other.invitationID, other.apiToken, other.mailID, other.market.orderID,
		other.onboarding.caseID, other.onboarding.attachmentID, other.counselling.centreID, other.counselling.bookingID,
		other.delivery.messageID, other.delivery.deliveryID, other.applications.applicationID}

	for _, op := range operations(t, a) {
		if op.access.Public {
			continue // login, invitation acceptance, password reset: tested on their own
		}
		body := any(nil)
		if op.method != http.MethodGet && op.method != http.MethodDelete {
			body = map[string]any{}
		}
		path := own.fill(t, op.path)
		if status, raw := anonymous.do(op.method, path, body, nil); status != http.StatusUnauthorized {
			t.Errorf("no session: %s %s = %d, want 401: %s", op.method, op.path, status, raw)
		}
		for _, p := range principals {
			if p.ministry {
				continue
			}
			if strings.Contains(op.path, "{") && !sharedRead(op) { // the path names an object of the other municipality
				status, raw := p.client.do(op.method, other.fill(t, op.path), body, nil)
				if status != http.StatusForbidden && status != http.StatusNotFound {
					t.Errorf("%s on another municipality: %s %s = %d, want 403 or 404: %s", p.name, op.method, op.path, status, raw)
				}
			}
			if op.method == http.MethodGet {
				status, raw := p.client.do(op.method, path, nil, nil)
				if status != http.StatusOK && status != http.StatusForbidden {
					t.Errorf("%s on its own municipality: GET %s = %d, want 200 or 403: %s", p.name, op.path, status, raw)
				}
				for _, id := range otherIDs {
					if status == http.StatusOK && strings.Contains(raw, id) {
						t.Errorf("%s: GET %s mentions the other municipality's %s", p.name, op.path, id)
					}
				}
			}
		}
		// The ministry sees both municipalities – but not what citizens
		// applied for (delivery_isolation_test.go checks that).
		if op.method == http.MethodGet && !mailboxContent(op) && !applicationContent(op) {
			for _, s := range []scope{own, other} {
				if status, raw := principals[len(principals)-1].client.do("GET", s.fill(t, op.path), nil, nil); status != http.StatusOK {
					t.Errorf("ministry: GET %s in %s = %d: %s", op.path, s.tenant.Name, status, raw)
				}
			}
		}
	}

	// Spot checks of what each role may do in its own tenant.
	for _, tt := range []struct {
		who  *client
		path string
		want int
	}{
		{principals[0].client, "/api/v1/tenants/" + own.tenant.ID + "/users", 200},
		{principals[1].client, "/api/v1/tenants/" + own.tenant.ID + "/users", 403},
		{principals[1].client, "/api/v1/tenants/" + own.tenant.ID, 200},
		{principals[2].client, "/api/v1/tenants/" + org.ID, 200},
		{principals[2].client, "/api/v1/tenants/" + own.tenant.ID, 403},
		{principals[3].client, "/api/v1/tenants/" + own.tenant.ID + "/tokens", 200},
	} {
		if status, raw := tt.who.do("GET", tt.path, nil, nil); status != tt.want {
			t.Errorf("GET %s = %d, want %d: %s", tt.path, status, tt.want, raw)
		}
	}
}
