package deliverytest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
)

// systemContext is the actor the set-up writes as.
func systemContext() context.Context {
	return tenant.WithActor(context.Background(), tenant.Actor{ID: "system", Label: "Test"})
}

// PreparingCase returns the first of the tenant's cases whose preparation
// is not completed and whose Antragsstrecke usable accepts (nil: any).
// Without one, it opens a case for the first of candidates the tenant has
// no case of, as the order openedBy would, and returns that.
func (m Mailbox) PreparingCase(t testing.TB, tt *tenant.Tenant, openedBy string, candidates []string, usable func(strecke string) bool) *onboarding.Case {
	t.Helper()
	ctx := systemContext()
	cases, err := m.Cases.ListCases(ctx, tt.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cases {
		if cases[i].Phase(onboarding.PhasePreparation).Status != onboarding.Completed && (usable == nil || usable(cases[i].Antragsstrecke)) {
			return &cases[i]
		}
	}
	have := map[string]bool{}
	for _, cs := range cases {
		have[cs.Antragsstrecke] = true
	}
	i := slices.IndexFunc(candidates, func(k string) bool { return !have[k] })
	if i < 0 {
		t.Fatalf("%s has a case of every Antragsstrecke of %v", tt.Name, candidates)
	}
	strecke := candidates[i]
	if err := m.DB.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return m.Cases.OpenCases(ctx, tx, tt.ID, openedBy, []string{strecke}, time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	if cases, err = m.Cases.ListCases(ctx, tt.ID); err != nil {
		t.Fatal(err)
	}
	for i := range cases {
		if cases[i].Antragsstrecke == strecke {
			return &cases[i]
		}
	}
	t.Fatalf("%s has no case of %s after opening it", tt.Name, strecke)
	return nil
}
