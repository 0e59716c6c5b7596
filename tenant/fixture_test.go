package tenant_test

import (
	"context"
	"testing"
	"time"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
)

// world is a small Sachsen-Anhalt: the Land, two Landkreise and a Gemeinde.
type world struct {
	db                                  *migrations.DB
	store                               *tenant.Store
	now                                 time.Time
	land, harz, wittenberg, wernigerode *tenant.Tenant
}

func key(s string) *string { return &s }

func newWorld(t *testing.T) *world {
	t.Helper()
	db := testdb.New(t)
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{BaseURL: "http://test.example", From: "test@example.org", PlatformName: "Test"})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{db: db, now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
	w.store = tenant.NewStore(db, outbox, tenant.Options{Passwords: passwordtest.Hasher(), Now: func() time.Time { return w.now }})
	ctx := context.Background()
	mk := func(parent *tenant.Tenant, kind tenant.Kind, name, k string) *tenant.Tenant {
		tt := &tenant.Tenant{Kind: kind, Name: name, OfficialKey: key(k), Active: true}
		if parent != nil {
			tt.ParentID = &parent.ID
		}
		if err := w.store.CreateTenant(ctx, tt); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return tt
	}
	w.land = mk(nil, tenant.KindLand, "Sachsen-Anhalt", "15")
	w.harz = mk(w.land, tenant.KindLandkreis, "Landkreis Harz", "15085")
	w.wittenberg = mk(w.land, tenant.KindLandkreis, "Landkreis Wittenberg", "15091")
	w.wernigerode = mk(w.harz, tenant.KindGemeinde, "Stadt Wernigerode", "15085370")
	return w
}

func (w *world) user(t *testing.T, email string, tt *tenant.Tenant, role tenant.Role) *tenant.User {
	t.Helper()
	u, err := w.store.CreateUser(context.Background(), tenant.NewUserInput{Email: email, Name: "Test " + email,
		Password: "ein-langes-passwort", TenantID: tt.ID, Role: role})
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// fieldOf returns the field error for field, failing when err is not a
// FieldErrors.
func fieldOf(t *testing.T, err error, field string) string {
	t.Helper()
	fe, ok := err.(tenant.FieldErrors)
	if !ok {
		t.Fatalf("want field errors, got %T: %v", err, err)
	}
	return fe.For(field)
}
