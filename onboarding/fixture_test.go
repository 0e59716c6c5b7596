package onboarding_test

import (
	"context"
	"io/fs"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	"sozialplattform/tenant/clock/clocktest"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/mail/mailtest"
	"sozialplattform/tenant/passwordtest"
	"sozialplattform/tenant/web"
)

// fixture is a database with the Land, its 14 districts and two Gemeinden,
// and the stores on it.
type fixture struct {
	db      *migrations.DB
	tenants *tenant.Store
	outbox  *mail.Outbox
	store   *onboarding.Store
	clock   *clocktest.Clock
	byKey   map[string]*tenant.Tenant
	land    *tenant.Tenant
	harz    *tenant.Tenant
	witt    *tenant.Tenant
}

var berlin = mustLocation("Europe/Berlin")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// districts are Sachsen-Anhalt's Landkreise and kreisfreie Städte.
var districts = []struct {
	key, name string
	kind      tenant.Kind
}{
	{"15001", "Stadt Dessau-Roßlau", tenant.KindKreisfreieStadt},
	{"15002", "Stadt Halle (Saale)", tenant.KindKreisfreieStadt},
	{"15003", "Landeshauptstadt Magdeburg", tenant.KindKreisfreieStadt},
	{"15081", "Altmarkkreis Salzwedel", tenant.KindLandkreis},
	{"15082", "Landkreis Anhalt-Bitterfeld", tenant.KindLandkreis},
	{"15083", "Landkreis Börde", tenant.KindLandkreis},
	{"15084", "Burgenlandkreis", tenant.KindLandkreis},
	{"15085", "Landkreis Harz", tenant.KindLandkreis},
	{"15086", "Landkreis Jerichower Land", tenant.KindLandkreis},
	{"15087", "Landkreis Mansfeld-Südharz", tenant.KindLandkreis},
	{"15088", "Saalekreis", tenant.KindLandkreis},
	{"15089", "Salzlandkreis", tenant.KindLandkreis},
	{"15090", "Landkreis Stendal", tenant.KindLandkreis},
	{"15091", "Landkreis Wittenberg", tenant.KindLandkreis},
}

// ministryMailbox is the ministry's function mailbox in the tests.
const ministryMailbox = "mid55@mid.sachsen-anhalt.example"

// seedNow is "today" in the tests unless a test sets the clock.
var seedNow = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	db := testdb.New(t)
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{BaseURL: "https://sozial.example", From: "noreply@sozial.example",
		PlatformName: "Sozialplattform Sachsen-Anhalt", Templates: []fs.FS{onboarding.MailTemplates()}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, outbox: outbox, clock: clocktest.New(seedNow), byKey: map[string]*tenant.Tenant{}}
	f.tenants = tenant.NewStore(db, outbox, tenant.Options{Passwords: passwordtest.Hasher()})
	f.store, err = onboarding.NewStore(db, outbox, onboarding.Options{Now: f.clock.Now, Links: onboarding.Links{
		Cases:         web.LinkTo("https://sozial.example", "/admin/anbindung/{id}"),
		Case:          web.LinkTo("https://sozial.example", "/admin/anbindung/fall/{cid}"),
		Rollout:       web.LinkTo("https://sozial.example", "/admin/rollout"),
		Consultations: web.LinkTo("https://sozial.example", "/admin/sprechstunden"),
	}, MinistryMailbox: ministryMailbox})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(parent *tenant.Tenant, kind tenant.Kind, name, key string) *tenant.Tenant {
		tt := &tenant.Tenant{Kind: kind, Name: name, OfficialKey: &key, Active: true, FunctionMailbox: "sozialamt-" + key + "@example.org"}
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
	for _, d := range districts {
		mk(f.land, d.kind, d.name, d.key)
	}
	mk(f.byKey["15085"], tenant.KindGemeinde, "Stadt Wernigerode", "15085370")
	f.harz, f.witt = f.byKey["15085"], f.byKey["15091"]
	if err := f.store.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	return f
}

// open opens cases for a tenant in a transaction, as the marketplace does.
func (f *fixture) open(t testing.TB, tenantID string, keys ...string) []onboarding.Case {
	t.Helper()
	ctx := context.Background()
	err := f.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return f.store.OpenCases(ctx, tx, tenantID, "order-1", keys, f.clock.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	cases, err := f.store.ListCases(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

// caseOf returns the tenant's case of an Antragsstrecke.
func (f *fixture) caseOf(t testing.TB, tenantID, key string) *onboarding.Case {
	t.Helper()
	cases, err := f.store.ListCases(context.Background(), tenantID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cases {
		if cases[i].Antragsstrecke == key {
			return &cases[i]
		}
	}
	t.Fatalf("no case %s for %s", key, tenantID)
	return nil
}

// mails returns the queued mails of a template.
func (f *fixture) mails(t testing.TB, template string) []mail.Stored {
	t.Helper()
	return mailtest.Listed(t, f.outbox, mailtest.OfTemplate(template))
}

// tenantUser is a clerk account of the tenant.
func tenantUser(email, tenantID string) tenant.NewUserInput {
	return tenant.NewUserInput{Email: email, Name: "Test " + email, Password: "ein-langes-test-passwort", TenantID: tenantID,
		Role: tenant.RoleMunicipalityClerk}
}

// auditCount counts the audit entries of an object.
func (f *fixture) auditCount(t testing.TB, objectType, objectID string) int {
	t.Helper()
	entries, err := f.tenants.ListAudit(context.Background(), tenant.AuditFilter{ObjectType: objectType, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.ObjectID == objectID {
			n++
		}
	}
	return n
}

// attend registers the tenant for a Sprechstunde tomorrow and moves the
// clock past it: the fact "Sprechstunde besucht".
func (f *fixture) attend(t testing.TB, tenantID string) {
	t.Helper()
	ctx := context.Background()
	c, err := f.store.CreateConsultation(ctx, onboarding.ConsultationInput{StartsAt: f.clock.Now().Add(24 * time.Hour), Topic: "Anbindung"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Register(ctx, c.ID, tenantID, "Test", "test@example.org"); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(25 * time.Hour)
}
