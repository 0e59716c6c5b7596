package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/danielgtaylor/huma/v2/humatest"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/onboarding"
	onboardingapi "sozialplattform/onboarding/api"
	"sozialplattform/tenant"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/mail"
)

// fixture is onboarding's API on a fresh database with the demo's
// Körperschaften, accounts and onboarding data, behind the server's guard
// (the pattern of marketplace/api's tests: a principal in the request's
// context stands for the login, which tenant/api tests).
type fixture struct {
	t       *testing.T
	api     humatest.TestAPI
	db      *migrations.DB
	store   *tenant.Store
	onboard *onboarding.Store
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := testdb.New(t)
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{BaseURL: "https://sozial.example", PlatformName: "Test",
		Templates: []fs.FS{onboarding.MailTemplates()}})
	if err != nil {
		t.Fatal(err)
	}
	for _, rules := range [][]authz.Rule{authz.DefaultRules, onboarding.Rules()} {
		if err := authz.SyncRules(ctx, db.Write, rules); err != nil {
			t.Fatal(err)
		}
	}
	store := tenant.NewStore(db, outbox, tenant.Options{})
	if _, err := store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	onboard, err := onboarding.NewStore(db, outbox, onboarding.Options{MinistryMailbox: "mid-55@mid.example"})
	if err != nil {
		t.Fatal(err)
	}
	if err := onboard.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	if err := onboard.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	az, err := authz.New(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, api := humatest.New(t)
	api.UseMiddleware(coreapi.KeepHumaContext, coreapi.NewGuard(api, az, store).Middleware, coreapi.CheckBodies(api))
	onboardingapi.New(onboardingapi.Deps{Store: onboard, Tenants: store, Authz: az}).Register(api)
	if err := coreapi.MustDeclareAccess(api); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, api: api, db: db, store: store, onboard: onboard}
}

// tenant resolves a Körperschaft by slug or official key.
func (f *fixture) tenant(key string) *tenant.Tenant {
	f.t.Helper()
	tn, err := f.store.ResolveTenant(context.Background(), key)
	if err != nil {
		f.t.Fatal(err)
	}
	return tn
}

// caller sends requests as one account.
type caller struct {
	f   *fixture
	ctx context.Context
}

// as is the demo account with the address, logged in.
func (f *fixture) as(email string) *caller {
	f.t.Helper()
	u, err := f.store.UserByEmail(context.Background(), email)
	if err != nil {
		f.t.Fatal(err)
	}
	// As the authenticator puts them: the principal for the guard, the
	// actor for the audit log and the "done by" of the changes.
	p := authz.Principal{UserID: u.ID, Label: email}
	ctx := tenant.WithActor(authz.WithPrincipal(context.Background(), p), tenant.Actor{ID: p.Subject(), Label: email})
	return &caller{f: f, ctx: ctx}
}

// do sends a JSON request and decodes a 2xx answer into out (if not nil).
func (c *caller) do(method, path string, body, out any) (int, string) {
	c.f.t.Helper()
	var args []any
	if body != nil {
		args = append(args, body)
	}
	resp := c.f.api.DoCtx(c.ctx, method, path, args...)
	raw := resp.Body.String()
	if out != nil && resp.Code < 300 && raw != "" {
		if err := json.Unmarshal([]byte(raw), out); err != nil {
			c.f.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
	return resp.Code, raw
}

// must is do that fails unless the status is want.
func (c *caller) must(want int, method, path string, body, out any) string {
	c.f.t.Helper()
	status, raw := c.do(method, path, body, out)
	if status != want {
		c.f.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	return raw
}

// upload sends a file as multipart/form-data in the field "file".
func (c *caller) upload(path, filename string, data []byte) (int, string) {
	c.f.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", filename)
	if err != nil {
		c.f.t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	resp := c.f.api.DoCtx(c.ctx, http.MethodPost, path, "Content-Type: "+w.FormDataContentType(), &body)
	return resp.Code, resp.Body.String()
}

// raw sends a GET and returns status, headers and body.
func (c *caller) raw(path string) (int, http.Header, []byte) {
	c.f.t.Helper()
	resp := c.f.api.DoCtx(c.ctx, http.MethodGet, path)
	return resp.Code, resp.Header(), resp.Body.Bytes()
}
