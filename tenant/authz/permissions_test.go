package authz_test

import (
	"context"
	"testing"

	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// SyncRules stores each rule once, however often it is given (twice in one
// call, again at the next start), leaves rules it does not know alone and
// marks the policy as changed every time.
func TestSyncRulesStoresEachRuleOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	count := func(query string) int {
		t.Helper()
		var n int
		if err := db.Read.NewRaw(query).Scan(ctx, &n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	rules := func() int { return count("SELECT count(*) FROM authz_rules WHERE ptype = 'p'") }
	revision := func() int { return count("SELECT revision FROM authz_revision WHERE id = 1") }
	if _, err := db.Write.NewRaw("INSERT INTO authz_rules (ptype, v0, v1, v2, v3, v4, v5) VALUES ('p', 'role:operator', '*', 'audit', 'read', '', '')").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	start, rev := rules(), revision()
	clerkRead := authz.Rule{Role: tenant.RoleMunicipalityClerk, Obj: "probe", Act: authz.Read}
	adminAll := authz.Rule{Role: tenant.RoleMunicipalityAdmin, Obj: "probe", Act: "*"}
	steps := []struct {
		name  string
		rules []authz.Rule
		added int
	}{
		{"two new rules, one given twice", []authz.Rule{clerkRead, adminAll, clerkRead}, 2},
		{"the same again (next start)", []authz.Rule{adminAll, clerkRead}, 0},
		{"one new among known ones", []authz.Rule{clerkRead, {Role: tenant.RoleMunicipalityClerk, Obj: "probe", Act: authz.Update}}, 1},
		{"none", nil, 0},
	}
	want := start
	for i, s := range steps {
		if err := authz.SyncRules(ctx, db.Write, s.rules); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		want += s.added
		if got := rules(); got != want {
			t.Errorf("%s: %d rules, want %d", s.name, got, want)
		}
		if got := revision(); got != rev+i+1 {
			t.Errorf("%s: revision %d, want %d", s.name, got, rev+i+1)
		}
	}
	if count("SELECT count(*) FROM authz_rules WHERE v0 = 'role:operator'") != 1 {
		t.Error("the operator's own rule is gone")
	}
}
