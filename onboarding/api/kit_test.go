package api_test

import (
	"context"
	"io/fs"
	"testing"

	"github.com/danielgtaylor/huma/v2/humatest"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/onboarding"
	onboardingapi "sozialplattform/onboarding/api"
	"sozialplattform/tenant"
	"sozialplattform/tenant/api/apitest"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
)

// fixture is onboarding's API on a fresh database with the demo's
// Körperschaften, accounts and onboarding data, behind the server's guard
// (tenant/api/apitest).
type fixture struct {
	t       *testing.T
	api     humatest.TestAPI
	db      *migrations.DB
	store   *tenant.Store
	onboard *onboarding.Store
	az      *authz.Authorizer
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
	store := tenant.NewStore(db, outbox, tenant.Options{Passwords: passwordtest.Hasher()})
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
	api := apitest.New(t, az, store, onboardingapi.New(onboardingapi.Deps{Store: onboard, Tenants: store, Authz: az}).Register)
	return &fixture{t: t, api: api, db: db, store: store, onboard: onboard, az: az}
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

// as sends requests as the demo account with the address.
func (f *fixture) as(email string) *apitest.Caller { return apitest.As(f.t, f.api, f.store, email) }
