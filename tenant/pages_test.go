package tenant_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sozialplattform/tenant"
	"sozialplattform/tenant/keyset"
	"sozialplattform/tenant/keyset/keysettest"
)

func TestInvitationPagesHoldEveryInvitationOnceAlsoWithEqualTimes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		step time.Duration // between invitations; 0: all at the same instant
		size int
	}{
		{"same instant, pages of 2", 0, 2},
		{"a microsecond apart, pages of 3", time.Microsecond, 3},
		{"an hour apart, one page", time.Hour, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			ctx := context.Background()
			var want []string
			invite := func(i int) {
				inv, _, err := w.store.Invite(ctx, w.harz.ID, fmt.Sprintf("p%02d@test.example", i), tenant.RoleMunicipalityClerk)
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, inv.ID)
				w.now = w.now.Add(tt.step)
			}
			for i := 0; i < 11; i++ {
				invite(i)
			}
			got := keysettest.Walk(t, tt.size, func(p keyset.Page[keyset.TimeKey]) ([]tenant.Invitation, error) {
				return w.store.ListInvitationsPage(ctx, w.harz.ID, p)
			}, tenant.InvitationKey, func(page int) {
				if page == 1 {
					invite(99) // newest: sorts before the position reached, not listed
					want = want[:len(want)-1]
				}
			})
			ids := make([]string, len(got))
			for i, inv := range got {
				ids[i] = inv.ID
				if i > 0 && inv.CreatedAt.After(got[i-1].CreatedAt) {
					t.Errorf("not newest first at %d", i)
				}
			}
			keysettest.Once(t, ids, want)
		})
	}
}

func TestMemberAndAuditPagesHoldEveryRowOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	var members []string
	for i := 0; i < 9; i++ {
		u := w.user(t, fmt.Sprintf("m%d@test.example", i), w.harz, tenant.RoleMunicipalityClerk) // all named alike but for the address
		members = append(members, u.ID)
	}
	got := keysettest.Walk(t, 4, func(p keyset.Page[tenant.NameKey]) ([]tenant.Member, error) {
		return w.store.ListMembersPage(ctx, w.harz.ID, p)
	}, tenant.Member.PageKey, func(page int) {
		if page == 1 {
			u := w.user(t, "zz@test.example", w.harz, tenant.RoleMunicipalityClerk) // sorts last: listed
			members = append(members, u.ID)
		}
	})
	var ids []string
	for _, m := range got {
		ids = append(ids, m.ID)
	}
	keysettest.Once(t, ids, members)

	all, err := w.store.ListAudit(ctx, tenant.AuditFilter{TenantIDs: []string{w.harz.ID}, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range all {
		want = append(want, fmt.Sprint(e.ID))
	}
	entries := keysettest.Walk(t, 3, func(p keyset.Page[tenant.AuditKey]) ([]tenant.AuditEntry, error) {
		return w.store.ListAuditPage(ctx, tenant.AuditFilter{TenantIDs: []string{w.harz.ID}}, p)
	}, tenant.AuditEntry.PageKey, nil)
	ids = nil
	for _, e := range entries {
		ids = append(ids, fmt.Sprint(e.ID))
	}
	keysettest.Once(t, ids, want)
	if len(want) < 10 {
		t.Fatalf("only %d audit entries to page through", len(want))
	}
}

func TestTenantPagesPutTenantsWithoutKeyLast(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	org := &tenant.Tenant{Kind: tenant.KindOrganisation, Name: "Beratungsstelle Aschersleben", ParentID: &w.harz.ID, Active: true}
	if err := w.store.CreateTenant(ctx, org); err != nil {
		t.Fatal(err)
	}
	got := keysettest.Walk(t, 1, func(p keyset.Page[tenant.TenantKey]) ([]tenant.Tenant, error) {
		return w.store.ListTenantsPage(ctx, tenant.TenantFilter{}, p)
	}, tenant.Tenant.PageKey, nil)
	var names []string
	for _, tn := range got {
		names = append(names, tn.Name)
	}
	want := []string{"Sachsen-Anhalt", "Landkreis Harz", "Stadt Wernigerode", "Landkreis Wittenberg", "Beratungsstelle Aschersleben"}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("order %v, want %v", names, want)
	}
}
