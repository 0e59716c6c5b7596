package tenant_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

func TestCreateTenantRejectsBadInput(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		in    tenant.Tenant
		field string
	}{
		{"missing name", tenant.Tenant{Kind: tenant.KindLandkreis, ParentID: &w.land.ID, OfficialKey: key("15089")}, "name"},
		{"malformed key", tenant.Tenant{Kind: tenant.KindLandkreis, Name: "X", ParentID: &w.land.ID, OfficialKey: key("15x89")}, "officialKey"},
		{"key of wrong length for kind", tenant.Tenant{Kind: tenant.KindLandkreis, Name: "X", ParentID: &w.land.ID, OfficialKey: key("15089000")}, "officialKey"},
		{"key outside parent", tenant.Tenant{Kind: tenant.KindLandkreis, Name: "X", ParentID: &w.land.ID, OfficialKey: key("05111")}, "officialKey"},
		{"duplicate key", tenant.Tenant{Kind: tenant.KindLandkreis, Name: "Noch ein Harz", ParentID: &w.land.ID, OfficialKey: key("15085")}, "officialKey"},
		{"duplicate slug", tenant.Tenant{Kind: tenant.KindLandkreis, Name: "Landkreis Harz", ParentID: &w.land.ID, OfficialKey: key("15089")}, "slug"},
		{"Gemeinde below the Land", tenant.Tenant{Kind: tenant.KindGemeinde, Name: "X", ParentID: &w.land.ID, OfficialKey: key("15089001")}, "parentId"},
		{"Landkreis without parent", tenant.Tenant{Kind: tenant.KindLandkreis, Name: "X", OfficialKey: key("15089")}, "parentId"},
		{"unknown parent", tenant.Tenant{Kind: tenant.KindLandkreis, Name: "X", ParentID: key("nope"), OfficialKey: key("15089")}, "parentId"},
		{"personal mailbox typo", tenant.Tenant{Kind: tenant.KindLandkreis, Name: "X", ParentID: &w.land.ID, OfficialKey: key("15089"), FunctionMailbox: "kein postfach"}, "functionMailbox"},
		{"bad postal code", tenant.Tenant{Kind: tenant.KindLandkreis, Name: "X", ParentID: &w.land.ID, OfficialKey: key("15089"), PostalCode: "1234"}, "postalCode"},
		{"casbin separator in slug", tenant.Tenant{Kind: tenant.KindLandkreis, Name: "X", Slug: "a::b", ParentID: &w.land.ID, OfficialKey: key("15089")}, "slug"},
		{"the console's path as slug", tenant.Tenant{Kind: tenant.KindLandkreis, Name: "X", Slug: "admin", ParentID: &w.land.ID, OfficialKey: key("15089")}, "slug"},
		{"the marketplace's path as slug", tenant.Tenant{Kind: tenant.KindLandkreis, Name: "X", Slug: "marktplatz", ParentID: &w.land.ID, OfficialKey: key("15089")}, "slug"},
		{"a name that makes a reserved slug", tenant.Tenant{Kind: tenant.KindOrganisation, Name: "API", ParentID: &w.land.ID}, "slug"},
		{"a name that makes no slug", tenant.Tenant{Kind: tenant.KindOrganisation, Name: "„…“", ParentID: &w.land.ID}, "slug"},
		{"a contact's phone that is no number", tenant.Tenant{Kind: tenant.KindLandkreis, Name: "X", ParentID: &w.land.ID, OfficialKey: key("15089"),
			Contacts: []tenant.Contact{{Name: "Frau Muster", Phone: "0391 567-0"}, {Name: "Herr Beispiel", Phone: "ruft zurück"}}}, "contacts[1].phone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			err := w.store.CreateTenant(ctx, &in)
			if err == nil {
				t.Fatal("accepted")
			}
			if msg := fieldOf(t, err, tt.field); msg == "" {
				t.Fatalf("no message for %s in %v", tt.field, err)
			}
		})
	}
	all, _ := w.store.ListTenants(ctx, tenant.TenantFilter{})
	if len(all) != 4 {
		t.Errorf("rejected input left tenants behind: %d tenants", len(all))
	}
}

func TestUpdateTenantRefusesReservedSlug(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	for _, slug := range []string{"api", "static", "servicekonto", "beratung", "healthz", "readyz", "metrics", "fit-connect"} {
		s := slug
		_, err := w.store.UpdateTenant(ctx, w.harz.ID, 0, tenant.TenantPatch{Slug: &s})
		if msg := fieldOf(t, err, "slug"); !strings.Contains(msg, "reserviert") {
			t.Errorf("slug %q: %v", slug, err)
		}
	}
	got, err := w.store.GetTenant(ctx, w.harz.ID)
	if err != nil || got.Slug != "landkreis-harz" {
		t.Errorf("slug changed to %q (%v)", got.Slug, err)
	}
}

func TestCreateTenantDerivesSlugAndAudits(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "user:x", Label: "mid@example.org"})
	tt := &tenant.Tenant{Kind: tenant.KindLandkreis, Name: "Salzlandkreis", ParentID: &w.land.ID, OfficialKey: key("15 089"), Active: true}
	if err := w.store.CreateTenant(ctx, tt); err != nil {
		t.Fatal(err)
	}
	if tt.Slug != "salzlandkreis" || tt.Key() != "15089" {
		t.Errorf("slug %q key %q", tt.Slug, tt.Key())
	}
	for _, ref := range []string{"15089", "salzlandkreis", tt.ID} {
		got, err := w.store.ResolveTenant(ctx, ref)
		if err != nil || got.ID != tt.ID {
			t.Errorf("ResolveTenant(%q) = %v, %v", ref, got, err)
		}
	}
	entries, err := w.store.ListAudit(ctx, tenant.AuditFilter{TenantIDs: []string{tt.ID}})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit: %v, %v", entries, err)
	}
	if e := entries[0]; e.Action != "create" || e.ActorLabel != "mid@example.org" || e.ObjectID != tt.ID {
		t.Errorf("audit entry %+v", e)
	}
}

func TestUpdateTenantOptimisticLocking(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	name := "Landkreis Harz (neu)"
	updated, err := w.store.UpdateTenant(ctx, w.harz.ID, w.harz.Version, tenant.TenantPatch{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	if updated.Version != w.harz.Version+1 || updated.Name != name {
		t.Fatalf("updated %+v", updated)
	}
	other := "Zweite Änderung"
	if _, err := w.store.UpdateTenant(ctx, w.harz.ID, w.harz.Version, tenant.TenantPatch{Name: &other}); !errors.Is(err, tenant.ErrStaleVersion) {
		t.Fatalf("stale update: %v", err)
	}
	bad := "12"
	if _, err := w.store.UpdateTenant(ctx, w.harz.ID, 0, tenant.TenantPatch{PostalCode: &bad}); fieldOf(t, err, "postalCode") == "" {
		t.Fatal("bad postal code accepted")
	}
	got, _ := w.store.GetTenant(ctx, w.harz.ID)
	if got.Name != name || got.PostalCode != "" {
		t.Errorf("rejected updates changed the tenant: %+v", got)
	}
	entries, _ := w.store.ListAudit(ctx, tenant.AuditFilter{TenantIDs: []string{w.harz.ID}, Action: "update"})
	if len(entries) != 1 {
		t.Fatalf("want one update entry, got %d", len(entries))
	}
	after := entries[0].Summary["after"].(map[string]any)
	if after["name"] != name || len(after) != 1 {
		t.Errorf("audit summary should hold only the changed field: %v", entries[0].Summary)
	}
}
