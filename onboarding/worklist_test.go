package onboarding_test

import (
	"context"
	"testing"
	"time"

	"sozialplattform/onboarding"
)

// The ministry's work list names each case by tenant, Antragsstrecke and
// what is due: the Behördenkennung of a variant-1 case, the day a
// destination's key expires. The lists read only these columns; a case
// reference must still carry every one of them.
func TestWorkListCarriesWhatTheTaskShows(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.open(t, f.harz.ID, "hzl")
	f.open(t, f.witt.ID, "hzl")
	osci := f.caseOf(t, f.harz.ID, "hzl")
	v1 := onboarding.VariantOSCIXTA2
	tr := onboarding.Transport{DVDVKennung: "sop:150850000100"}
	if _, err := f.store.UpdateCase(ctx, osci.ID, 0, onboarding.CasePatch{Variant: &v1, Transport: &tr}); err != nil {
		t.Fatal(err)
	}
	expiring := f.caseOf(t, f.witt.ID, "hzl")
	due := f.clock.Now().Add(10 * 24 * time.Hour).UTC().Truncate(time.Second)
	if _, err := f.db.Write.ExecContext(ctx, "UPDATE onboarding_cases SET key_expires_at = ? WHERE id = ?", due, expiring.ID); err != nil {
		t.Fatal(err)
	}
	w, err := f.store.Work(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.OSCICases) != 1 {
		t.Fatalf("variant-1 cases: %+v", w.OSCICases)
	}
	if c := w.OSCICases[0]; c.CaseID != osci.ID || c.TenantID != f.harz.ID || c.TenantName != f.harz.Name || c.Antragsstrecke != "hzl" ||
		c.Label == "" || c.DVDVKennung != "sop:150850000100" {
		t.Errorf("variant-1 case reference: %+v", c)
	}
	if len(w.ExpiringKeys) != 1 {
		t.Fatalf("expiring keys: %+v", w.ExpiringKeys)
	}
	if c := w.ExpiringKeys[0]; c.CaseID != expiring.ID || c.TenantName != f.witt.Name || c.Due == nil || !c.Due.Equal(due) {
		t.Errorf("expiring key reference: %+v (due %v)", c, due)
	}
}
