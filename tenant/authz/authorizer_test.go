package authz_test

import (
	"context"
	"slices"
	"testing"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
)

type fixture struct {
	db                                  *migrations.DB
	store                               *tenant.Store
	az                                  *authz.Authorizer
	land, harz, wittenberg, wernigerode *tenant.Tenant
	ministry, harzAdmin, clerk          authz.Principal
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := testdb.New(t)
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{BaseURL: "http://test.example", From: "t@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db}
	if err := authz.SyncRules(ctx, db.Write, authz.DefaultRules); err != nil {
		t.Fatal(err)
	}
	f.store = tenant.NewStore(db, outbox, tenant.Options{Passwords: passwordtest.Hasher(), PolicyChanged: func() {
		if f.az != nil {
			if err := f.az.Reload(ctx); err != nil {
				t.Errorf("reload: %v", err)
			}
		}
	}})
	mk := func(parent *tenant.Tenant, kind tenant.Kind, name, key string) *tenant.Tenant {
		tt := &tenant.Tenant{Kind: kind, Name: name, OfficialKey: &key, Active: true}
		if parent != nil {
			tt.ParentID = &parent.ID
		}
		if err := f.store.CreateTenant(ctx, tt); err != nil {
			t.Fatal(err)
		}
		return tt
	}
	f.land = mk(nil, tenant.KindLand, "Sachsen-Anhalt", "15")
	f.harz = mk(f.land, tenant.KindLandkreis, "Landkreis Harz", "15085")
	f.wittenberg = mk(f.land, tenant.KindLandkreis, "Landkreis Wittenberg", "15091")
	f.wernigerode = mk(f.harz, tenant.KindGemeinde, "Stadt Wernigerode", "15085370")
	user := func(email string, tt *tenant.Tenant, role tenant.Role) authz.Principal {
		u, err := f.store.CreateUser(ctx, tenant.NewUserInput{Email: email, Name: email, Password: "ein-langes-passwort", TenantID: tt.ID, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		return authz.Principal{UserID: u.ID, Label: email}
	}
	f.ministry = user("mid@example.org", f.land, tenant.RoleMinistryAdmin)
	f.harzAdmin = user("harz@example.org", f.harz, tenant.RoleMunicipalityAdmin)
	f.clerk = user("clerk@example.org", f.harz, tenant.RoleMunicipalityClerk)
	if f.az, err = authz.New(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestRightsPassDownTheTreeButNotAcross(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		who      string
		p        authz.Principal
		tenant   *tenant.Tenant
		obj, act string
		want     bool
	}{
		{"ministry reads the Land", f.ministry, f.land, authz.ObjTenant, authz.Read, true},
		{"ministry updates a Kreis", f.ministry, f.wittenberg, authz.ObjTenant, authz.Update, true},
		{"ministry invites into a Gemeinde", f.ministry, f.wernigerode, authz.ObjInvitation, authz.Create, true},
		{"Harz admin updates Harz", f.harzAdmin, f.harz, authz.ObjTenant, authz.Update, true},
		{"Harz admin manages users of its Gemeinde", f.harzAdmin, f.wernigerode, authz.ObjUser, authz.Update, true},
		{"Harz admin cannot read Wittenberg", f.harzAdmin, f.wittenberg, authz.ObjTenant, authz.Read, false},
		{"Harz admin cannot read the Land", f.harzAdmin, f.land, authz.ObjTenant, authz.Read, false},
		{"Harz admin cannot create tenants", f.harzAdmin, f.harz, authz.ObjTenant, authz.Create, false},
		{"clerk reads Harz", f.clerk, f.harz, authz.ObjTenant, authz.Read, true},
		{"clerk cannot update Harz", f.clerk, f.harz, authz.ObjTenant, authz.Update, false},
		{"clerk cannot invite", f.clerk, f.harz, authz.ObjInvitation, authz.Create, false},
		{"anonymous may nothing", authz.Principal{}, f.harz, authz.ObjTenant, authz.Read, false},
	}
	for _, tt := range tests {
		if got := f.az.Allowed(tt.p, tt.tenant.ID, tt.obj, tt.act); got != tt.want {
			t.Errorf("%s: Allowed = %v, want %v", tt.who, got, tt.want)
		}
	}
}

func TestTenantsListsWhatAPrincipalMaySee(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	all := []string{f.land.ID, f.harz.ID, f.wittenberg.ID, f.wernigerode.ID}
	slices.Sort(all)
	if got := f.az.Tenants(f.ministry, authz.ObjTenant, authz.Read); !slices.Equal(got, all) {
		t.Errorf("ministry sees %v, want all %v", got, all)
	}
	harz := []string{f.harz.ID, f.wernigerode.ID}
	slices.Sort(harz)
	if got := f.az.Tenants(f.harzAdmin, authz.ObjTenant, authz.Read); !slices.Equal(got, harz) {
		t.Errorf("Harz admin sees %v, want %v", got, harz)
	}
	if got := f.az.Tenants(f.clerk, authz.ObjUser, authz.Read); len(got) != 0 {
		t.Errorf("clerk may read users in %v", got)
	}
}

// AllowedHere counts only roles held in the tenant itself: the ministry
// may read Harz's mail, but is not Harz's own administration.
func TestAllowedHereIgnoresInheritedRoles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		who    string
		p      authz.Principal
		tenant *tenant.Tenant
		want   bool
	}{
		{"ministry in the Land", f.ministry, f.land, true},
		{"ministry in Harz", f.ministry, f.harz, false},
		{"Harz admin in Harz", f.harzAdmin, f.harz, true},
		{"Harz admin in its Gemeinde", f.harzAdmin, f.wernigerode, false},
		{"Harz admin in the Land", f.harzAdmin, f.land, false},
		{"clerk in Harz (no mail right)", f.clerk, f.harz, false},
		{"anonymous", authz.Principal{}, f.harz, false},
	}
	for _, tt := range tests {
		if got := f.az.AllowedHere(tt.p, tt.tenant.ID, authz.ObjMail, authz.Read); got != tt.want {
			t.Errorf("%s: AllowedHere = %v, want %v", tt.who, got, tt.want)
		}
	}
	if !f.az.Allowed(f.ministry, f.harz.ID, authz.ObjMail, authz.Read) {
		t.Error("the ministry lost its inherited right")
	}
}

func TestCanGrant(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if !f.az.CanGrant(f.ministry, f.harz.ID, tenant.RoleMunicipalityAdmin) || !f.az.CanGrant(f.ministry, f.land.ID, tenant.RoleMinistryAdmin) {
		t.Error("ministry may grant municipal and ministry roles")
	}
	if f.az.CanGrant(f.harzAdmin, f.harz.ID, tenant.RoleMinistryAdmin) {
		t.Error("Harz admin may grant ministry-admin")
	}
	if !f.az.CanGrant(f.harzAdmin, f.wernigerode.ID, tenant.RoleMunicipalityClerk) {
		t.Error("Harz admin may not grant clerk in its Gemeinde")
	}
	if f.az.CanGrant(f.harzAdmin, f.wittenberg.ID, tenant.RoleMunicipalityClerk) {
		t.Error("Harz admin may grant roles in Wittenberg")
	}
	if f.az.CanGrant(f.clerk, f.harz.ID, tenant.RoleMunicipalityClerk) {
		t.Error("clerk may grant roles")
	}
}

func TestPolicyChangeReachesAnotherInstance(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	other, err := authz.New(ctx, f.db, nil) // a second instance on the same database
	if err != nil {
		t.Fatal(err)
	}
	if !other.Allowed(f.clerk, f.harz.ID, authz.ObjTenant, authz.Read) {
		t.Fatal("clerk cannot read Harz on the second instance")
	}
	if err := f.store.SetUserActive(ctx, f.harz.ID, f.clerk.UserID, false); err != nil {
		t.Fatal(err)
	}
	if f.az.Allowed(f.clerk, f.harz.ID, authz.ObjTenant, authz.Read) {
		t.Error("the instance that made the change still allows the deactivated clerk")
	}
	if err := other.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if other.Allowed(f.clerk, f.harz.ID, authz.ObjTenant, authz.Read) {
		t.Error("the second instance still allows the deactivated clerk after refresh")
	}
}

func TestAPITokenHoldsItsRoleInItsTenant(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	tok, _, err := f.store.CreateAPIToken(ctx, f.harz.ID, "Fachverfahren", tenant.RoleMunicipalityAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := authz.Principal{TokenID: tok.ID}
	if !f.az.Allowed(p, f.harz.ID, authz.ObjUser, authz.Read) || f.az.Allowed(p, f.wittenberg.ID, authz.ObjTenant, authz.Read) {
		t.Error("token rights wrong")
	}
	if err := f.store.RevokeAPIToken(ctx, f.harz.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if f.az.Allowed(p, f.harz.ID, authz.ObjUser, authz.Read) {
		t.Error("revoked token still allowed")
	}
}

func TestUserIDsNeverActAsRoles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// A principal whose ID spells a role name must not gain that role.
	p := authz.Principal{UserID: "ministry-admin"}
	if f.az.Allowed(p, f.land.ID, authz.ObjTenant, authz.Read) {
		t.Error("a user named like a role acts as the role")
	}
}

func TestFilteredLoadingKeepsOnlyTheNamedTenants(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e, err := authz.NewFilteredEnforcer(f.db, authz.Filter{TenantIDs: []string{f.harz.ID}})
	if err != nil {
		t.Fatal(err)
	}
	ok, _ := e.Enforce(f.harzAdmin.Subject(), "tenant:"+f.harz.ID, authz.ObjTenant, authz.Read)
	if !ok {
		t.Error("Harz admin missing from a Harz-filtered policy")
	}
	ok, _ = e.Enforce(f.ministry.Subject(), "tenant:"+f.land.ID, authz.ObjTenant, authz.Read)
	if ok {
		t.Error("the ministry's assignment was loaded although the filter names only Harz")
	}
}
