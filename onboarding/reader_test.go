package onboarding_test

import (
	"context"
	"testing"

	"sozialplattform/onboarding"
)

// TestReaderIdentityPrefersTheRecordedKennung: a municipality reads under
// the Behördenkennung its case for the Antragsstrecke records; for other
// Antragsstrecken, and before anything is recorded, under the one derived
// from its official key.
func TestReaderIdentityPrefersTheRecordedKennung(t *testing.T) {
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
	for _, tc := range []struct{ strecke, want string }{
		{"grusi", "sop:150850000042"},
		{"hzl", "sop:150850000000"},
		{"but", "sop:150850000000"},
	} {
		kennung, name, err := f.store.ReaderIdentity(ctx, f.harz.ID, tc.strecke)
		if err != nil || kennung != tc.want || name != f.harz.Name {
			t.Errorf("%s: %q, %q, %v; want %q, %q", tc.strecke, kennung, name, err, tc.want, f.harz.Name)
		}
	}
	if _, _, err := f.store.ReaderIdentity(ctx, "gibt-es-nicht", "hzl"); err == nil {
		t.Error("reader identity of an unknown tenant")
	}
}
