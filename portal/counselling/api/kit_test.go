package api_test

import (
	"context"
	"io/fs"
	"testing"

	"github.com/danielgtaylor/huma/v2/humatest"

	"sozialplattform/migrations/testdb"
	"sozialplattform/portal/appointments"
	"sozialplattform/portal/counselling"
	counsellingapi "sozialplattform/portal/counselling/api"
	"sozialplattform/tenant"
	"sozialplattform/tenant/api/apitest"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
	"sozialplattform/tenant/web"
)

// fixture is the directory's and the appointments' API on a fresh
// database with the demo's Körperschaften, accounts, Beratungsstellen and
// calendars, behind the server's guard (tenant/api/apitest).
type fixture struct {
	t       *testing.T
	api     humatest.TestAPI
	store   *tenant.Store
	counsel *counselling.Store
	appts   *appointments.Store
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := testdb.New(t)
	const base = "https://sozial.example"
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{BaseURL: base, PlatformName: "Test",
		Templates: []fs.FS{counselling.MailTemplates(), appointments.MailTemplates()}})
	if err != nil {
		t.Fatal(err)
	}
	for _, rules := range [][]authz.Rule{authz.DefaultRules, counselling.Rules(), appointments.Rules()} {
		if err := authz.SyncRules(ctx, db.Write, rules); err != nil {
			t.Fatal(err)
		}
	}
	store := tenant.NewStore(db, outbox, tenant.Options{Passwords: passwordtest.Hasher()})
	if _, err := store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, store: store}
	if f.counsel, err = counselling.NewStore(db, store, outbox, counselling.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := f.counsel.EnsureTopics(ctx); err != nil {
		t.Fatal(err)
	}
	// The portal's addresses of a booking (portal/www's AppointmentLinks,
	// a surface this domain's tests may not import).
	if f.appts, err = appointments.NewStore(db, outbox, appointments.Options{Links: appointments.Links{
		Booking:  web.LinkTo(base, "/{site}/termine/buchung/{token}"),
		Calendar: web.LinkTo(base, "/{site}/termine/buchung/{token}/termin.ics"),
		Cancel:   web.LinkTo(base, "/{site}/termine/absagen/{token}")}}); err != nil {
		t.Fatal(err)
	}
	// The demo as serve --demo loads it, twice (it is idempotent).
	for range 2 {
		d, err := f.counsel.LoadDemo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.appts.LoadDemo(ctx, store, d.CalendarTenants); err != nil {
			t.Fatal(err)
		}
	}
	az, err := authz.New(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.api = apitest.New(t, az, store, counsellingapi.New(counsellingapi.Deps{Store: f.counsel, Appointments: f.appts, Tenants: store, Authz: az}).Register)
	return f
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
