package counselling_test

import (
	"context"
	"io/fs"
	"testing"
	"time"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
	"sozialplattform/tenant/clock"
	"sozialplattform/tenant/clock/clocktest"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/mail/mailtest"
	"sozialplattform/tenant/passwordtest"
	"sozialplattform/tenant/web"
)

var berlin = clock.Berlin()

// seedNow is "today" in the tests unless a test sets the clock: a
// Wednesday, 10:00 German time.
var seedNow = time.Date(2026, 6, 17, 8, 0, 0, 0, time.UTC)

// fixture is a database with the Land, four districts and a Gemeinde.
type fixture struct {
	db      *migrations.DB
	tenants *tenant.Store
	outbox  *mail.Outbox
	store   *counselling.Store
	clock   *clocktest.Clock
	land    *tenant.Tenant
	byKey   map[string]*tenant.Tenant
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	db := testdb.New(t)
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{BaseURL: "https://sozial.example", From: "noreply@sozial.example",
		PlatformName: "Sozialplattform Sachsen-Anhalt", Templates: []fs.FS{counselling.MailTemplates()}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, outbox: outbox, clock: clocktest.New(seedNow), byKey: map[string]*tenant.Tenant{}}
	f.tenants = tenant.NewStore(db, outbox, tenant.Options{Passwords: passwordtest.Hasher()})
	f.store, err = counselling.NewStore(db, f.tenants, outbox, counselling.Options{Now: f.clock.Now, Links: counselling.Links{
		Centre:  web.LinkTo("https://sozial.example", "/admin/beratung/{id}"),
		Reviews: web.LinkTo("https://sozial.example", "/admin/beratung/pruefung"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.EnsureTopics(ctx); err != nil {
		t.Fatal(err)
	}
	mk := func(parent *tenant.Tenant, kind tenant.Kind, name, key string) *tenant.Tenant {
		tt := &tenant.Tenant{Kind: kind, Name: name, OfficialKey: &key, Active: true, FunctionMailbox: "amt-" + key + "@example.org"}
		if parent != nil {
			tt.ParentID = &parent.ID
		}
		if err := f.tenants.CreateTenant(ctx, tt); err != nil {
			t.Fatal(err)
		}
		f.byKey[key] = tt
		return tt
	}
	f.land = mk(nil, tenant.KindLand, "Land Sachsen-Anhalt", "15")
	mk(f.land, tenant.KindKreisfreieStadt, "Landeshauptstadt Magdeburg", "15003")
	mk(f.land, tenant.KindKreisfreieStadt, "Stadt Halle (Saale)", "15002")
	mk(f.land, tenant.KindLandkreis, "Landkreis Harz", "15085")
	mk(f.land, tenant.KindLandkreis, "Landkreis Wittenberg", "15091")
	mk(f.byKey["15085"], tenant.KindGemeinde, "Stadt Wernigerode", "15085370")
	return f
}

// entry is a valid entry at the given place.
func entry(name string, lat, lon float64, topics ...string) counselling.Entry {
	if len(topics) == 0 {
		topics = []string{counselling.TopicDebt}
	}
	return counselling.Entry{
		Name: name, Provider: "Diakonie", Topics: topics,
		Addresses:    []counselling.Address{{Street: "Hauptstraße 1", PostalCode: "38820", City: "Halberstadt", Lat: lat, Lon: lon}},
		ServiceArea:  []string{"15085"},
		OpeningHours: []counselling.Interval{{Day: "mon", From: "09:00", To: "12:00"}, {Day: "wed", From: "09:00", To: "16:00"}},
		Phone:        "03941 555-1", Email: "info@beratung.example", Languages: []string{"de"}, Ways: []string{"on-site", "phone"},
	}
}

// create makes a centre below the tenant with the key, published directly.
func (f *fixture) create(t testing.TB, parentKey string, e counselling.Entry) *counselling.Centre {
	t.Helper()
	c, err := f.store.Create(context.Background(), counselling.CreateInput{ParentID: f.byKey[parentKey].ID, Entry: e, Direct: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// mails returns the queued mails of a template.
func (f *fixture) mails(t testing.TB, template string) []mail.Stored {
	t.Helper()
	return mailtest.Listed(t, f.outbox, mailtest.OfTemplate(template))
}
