package tenant_test

import (
	"context"
	"errors"
	"testing"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
	"sozialplattform/tenant/keyset"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
)

// instance is one process of the platform: its own connections and its
// own store (with its own memory of tenant pages) on the shared database.
func instance(t *testing.T, dsn string) (*migrations.DB, *tenant.Store) {
	t.Helper()
	db, err := migrations.Open(context.Background(), dsn, migrations.Options{MaxOpenConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{BaseURL: "http://test.example", From: "test@example.org", PlatformName: "Test"})
	if err != nil {
		t.Fatal(err)
	}
	return db, tenant.NewStore(db, outbox, tenant.Options{Passwords: passwordtest.Hasher()})
}

func names(t *testing.T, s *tenant.Store, f tenant.TenantFilter) map[string]string {
	t.Helper()
	rows, err := s.ListTenantsPage(context.Background(), f, keyset.Page[tenant.TenantKey]{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	// The whole listing (start page, audit log) is kept the same way.
	all, err := s.ListTenants(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(rows) {
		t.Errorf("ListTenants has %d tenants, ListTenantsPage %d", len(all), len(rows))
	}
	for _, r := range all {
		if out[r.ID] != r.Name {
			t.Errorf("ListTenants has %s named %q, ListTenantsPage %q", r.ID, r.Name, out[r.ID])
		}
	}
	return out
}

func TestTenantListThroughOneInstanceShowsWritesThroughAnotherAtOnce(t *testing.T) {
	dsn := testdb.DSN(t)
	dbA, a := instance(t, dsn)
	dbB, b := instance(t, dsn)
	m, err := migrations.NewMigrator(dbA)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	land := &tenant.Tenant{Kind: tenant.KindLand, Name: "Sachsen-Anhalt", OfficialKey: key("15"), Active: true}
	if err := a.CreateTenant(ctx, land); err != nil {
		t.Fatal(err)
	}
	harz := &tenant.Tenant{Kind: tenant.KindLandkreis, Name: "Landkreis Harz", OfficialKey: key("15085"), ParentID: &land.ID, Active: true}
	if err := a.CreateTenant(ctx, harz); err != nil {
		t.Fatal(err)
	}
	all := tenant.TenantFilter{}
	onlyHarz := tenant.TenantFilter{IDs: []string{harz.ID}}

	steps := []struct {
		name  string
		write func(t *testing.T) // nil: read only
		// keeps is true when the write must leave the counter as it was
		keeps bool
		// what both instances list afterwards, without and with a limit
		want, wantHarz map[string]string
	}{
		{name: "both instances list and keep the pages",
			want: map[string]string{land.ID: "Sachsen-Anhalt", harz.ID: "Landkreis Harz"}, wantHarz: map[string]string{harz.ID: "Landkreis Harz"}},
		{name: "a change through A is listed through B",
			write: func(t *testing.T) {
				if _, err := a.UpdateTenant(ctx, harz.ID, 0, tenant.TenantPatch{Name: key("Landkreis Harz (neu)")}); err != nil {
					t.Fatal(err)
				}
			},
			want: map[string]string{land.ID: "Sachsen-Anhalt", harz.ID: "Landkreis Harz (neu)"}, wantHarz: map[string]string{harz.ID: "Landkreis Harz (neu)"}},
		{name: "a tenant created through B is listed through A",
			write: func(t *testing.T) {
				wb := &tenant.Tenant{Kind: tenant.KindLandkreis, Name: "Landkreis Wittenberg", OfficialKey: key("15091"), ParentID: &land.ID, Active: true}
				if err := b.CreateTenant(ctx, wb); err != nil {
					t.Fatal(err)
				}
			},
			want:     nil, // checked by count below
			wantHarz: map[string]string{harz.ID: "Landkreis Harz (neu)"}},
		{name: "a write that bypasses the store (as migrations, demo data or other domains do) is listed",
			write: func(t *testing.T) {
				if _, err := dbB.Write.NewUpdate().Table("tenants").Set("name = ?", "Landkreis Harz (SQL)").Where("official_key = '15085'").Exec(ctx); err != nil {
					t.Fatal(err)
				}
			},
			wantHarz: map[string]string{harz.ID: "Landkreis Harz (SQL)"}},
		{name: "a write rolled back changes nothing",
			write: func(t *testing.T) {
				before, err := a.TenantsCounter(ctx)
				if err != nil {
					t.Fatal(err)
				}
				rollback := errors.New("rollback")
				err = dbA.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
					if _, err := tx.NewUpdate().Table("tenants").Set("name = 'verworfen'").Where("id = ?", land.ID).Exec(ctx); err != nil {
						return err
					}
					return rollback
				})
				if !errors.Is(err, rollback) {
					t.Fatal(err)
				}
				if after, err := b.TenantsCounter(ctx); err != nil || after != before {
					t.Fatalf("counter after a rollback = %d (%v), want %d", after, err, before)
				}
			},
			keeps: true, wantHarz: map[string]string{harz.ID: "Landkreis Harz (SQL)"}},
		{name: "a deleted tenant is no longer listed",
			write: func(t *testing.T) {
				if _, err := dbA.Write.NewDelete().Table("tenants").Where("official_key = '15091'").Exec(ctx); err != nil {
					t.Fatal(err)
				}
			},
			want: map[string]string{land.ID: "Sachsen-Anhalt", harz.ID: "Landkreis Harz (SQL)"}, wantHarz: map[string]string{harz.ID: "Landkreis Harz (SQL)"}},
	}
	for _, st := range steps {
		before, err := a.TenantsCounter(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.write != nil {
			st.write(t)
		}
		if after, _ := b.TenantsCounter(ctx); st.write != nil && !st.keeps && after <= before {
			t.Errorf("%s: counter %d → %d, want it to grow", st.name, before, after)
		}
		for _, inst := range []struct {
			name string
			s    *tenant.Store
		}{{"A", a}, {"B", b}} {
			got := names(t, inst.s, all)
			if st.want != nil && !equalMaps(got, st.want) {
				t.Errorf("%s: %s lists %v, want %v", st.name, inst.name, got, st.want)
			}
			if st.want == nil && len(got) != 3 {
				t.Errorf("%s: %s lists %v, want three tenants", st.name, inst.name, got)
			}
			if got := names(t, inst.s, onlyHarz); !equalMaps(got, st.wantHarz) {
				t.Errorf("%s: %s lists for a Kreis user %v, want %v", st.name, inst.name, got, st.wantHarz)
			}
		}
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
