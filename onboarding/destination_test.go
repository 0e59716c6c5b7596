package onboarding_test

import (
	"context"
	"errors"
	"testing"

	"sozialplattform/onboarding"
	"sozialplattform/tenant/fault"
)

// TestDestination: a municipality reads under the Behördenkennung its case
// for the Antragsstrecke records; for other Antragsstrecken, and before
// anything is recorded, under the one derived from its official key. It
// is live only where that case's last phase is completed.
func TestDestination(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.open(t, f.harz.ID, "hzl", "grusi")
	c := f.caseOf(t, f.harz.ID, "grusi")
	v1 := onboarding.VariantOSCIXTA2
	if _, err := f.store.UpdateCase(ctx, c.ID, c.Version, onboarding.CasePatch{Variant: &v1,
		Transport: &onboarding.Transport{DVDVKennung: "sop:150850000042"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Write.NewRaw("UPDATE onboarding_cases SET production_status = 'completed' WHERE id = ?", c.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		strecke, kennung string
		live             bool
	}{
		{"grusi", "sop:150850000042", true},
		{"hzl", "sop:150850000000", false}, // a case, not live yet
		{"but", "sop:150850000000", false}, // no case
	} {
		d, err := f.store.Destination(ctx, f.harz.ID, tc.strecke)
		if err != nil || d.Kennung != tc.kennung || d.Live != tc.live || d.Tenant.ID != f.harz.ID || d.Tenant.Name != f.harz.Name {
			t.Errorf("%s: %+v, %v; want Kennung %q, live %v, tenant %s", tc.strecke, d, err, tc.kennung, tc.live, f.harz.Name)
		}
	}
	if _, err := f.store.Destination(ctx, "gibt-es-nicht", "hzl"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("destination of an unknown tenant: %v, want not found", err)
	}
}
