package onboarding_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
)

func TestOpenCasesIsIdempotentAndJoinsTheOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	cases := f.open(t, f.witt.ID, "hzl", "eb-hzl", "hzl")
	if len(cases) != 2 || cases[0].Antragsstrecke != "hzl" || cases[1].Antragsstrecke != "eb-hzl" {
		t.Fatalf("cases %+v", cases)
	}
	first := cases[0].ID
	// The same Antragsstrecke again, with a new one: only the new one opens.
	cases = f.open(t, f.witt.ID, "hzl", "grusi")
	if len(cases) != 3 || cases[1].ID != first {
		t.Fatalf("second order: %+v", cases)
	}
	// Each new case has the checklist items of all variants.
	items, err := f.store.Checklist(ctx, first)
	if err != nil || len(items) == 0 {
		t.Fatalf("items %v, %v", items, err)
	}
	for _, it := range items {
		if it.Variant != onboarding.VariantNone {
			t.Errorf("item of variant %d before a variant was chosen", it.Variant)
		}
	}
	// One mail per order that opened something, none for nothing new.
	f.open(t, f.witt.ID, "hzl")
	mails := f.mails(t, onboarding.MailCasesOpened)
	if len(mails) != 2 || !strings.Contains(mails[0].TextBody+mails[1].TextBody, "Grundsicherung (GruSi)") {
		t.Errorf("mails: %d", len(mails))
	}
	if n := f.auditCount(t, onboarding.ObjCase, first); n != 1 {
		t.Errorf("%d audit entries for the opened case", n)
	}
	// An unknown Antragsstrecke rolls the order back.
	err = f.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return f.store.OpenCases(ctx, tx, f.witt.ID, "o", []string{"mrh", "gibt-es-nicht"}, seedNow)
	})
	if err == nil {
		t.Fatal("unknown Antragsstrecke accepted")
	}
	if all, _ := f.store.ListCases(ctx, f.witt.ID); len(all) != 3 {
		t.Errorf("rolled-back order left %d cases", len(all))
	}
	// A rolled-back order leaves nothing behind either.
	_ = f.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := f.store.OpenCases(ctx, tx, f.harz.ID, "o", []string{"wbs"}, seedNow); err != nil {
			return err
		}
		return errors.New("order failed")
	})
	if c, _ := f.store.ListCases(ctx, f.harz.ID); len(c) != 0 {
		t.Errorf("cases survived a rollback: %v", c)
	}
}

func TestUpdateCaseValidatesAndLocks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if err := f.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	c := f.caseOf(t, f.witt.ID, "hzl")

	// Field errors, nothing stored.
	v3 := onboarding.VariantFITConnect
	bad := onboarding.Transport{DestinationID: "nicht-uuid"}
	fv := "gibt-es-nicht"
	_, err := f.store.UpdateCase(ctx, c.ID, c.Version, onboarding.CasePatch{Variant: &v3, Transport: &bad, FachverfahrenID: &fv})
	var fe tenant.FieldErrors
	if !errors.As(err, &fe) || fe.For("transport.destinationId") == "" || fe.For("fachverfahrenId") == "" {
		t.Fatalf("err = %v", err)
	}
	if got := f.caseOf(t, f.witt.ID, "hzl"); got.Version != c.Version || got.Variant != onboarding.VariantNone {
		t.Fatalf("invalid patch changed the case: %+v", got)
	}

	// A valid patch: variant 3 with Care 4 and a key; the detail warns.
	good := onboarding.Transport{DestinationID: "7B0E3C1A-5D2F-4E8A-9C61-0F3B2A4D5E6F", Key: &onboarding.KeyInfo{Bits: 1024, Thumbprint: "aus der Anfrage"}}
	care := "care-4"
	planned := time.Date(2027, 3, 1, 0, 0, 0, 0, berlin)
	got, err := f.store.UpdateCase(ctx, c.ID, c.Version, onboarding.CasePatch{Variant: &v3, Transport: &good, FachverfahrenID: &care, PlannedLiveOn: &planned})
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != c.Version+1 || got.Transport.DestinationID != "7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f" ||
		got.PlannedLiveOn.Format("2006-01-02") != "2027-03-01" {
		t.Fatalf("updated %+v", got)
	}
	if got.Transport.Key != nil {
		t.Fatalf("a key given in the request was stored: %+v (only the delivery records the destination's key)", got.Transport.Key)
	}
	d, err := f.store.Detail(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Warnings) == 0 || d.Warnings[0].Message != "Care 4: FIT-Connect geplant 2025 (überholt)" || !d.Warnings[0].Outdated {
		t.Errorf("warnings %+v", d.Warnings)
	}
	var v3items int
	for _, it := range d.Items {
		if it.Variant == onboarding.VariantFITConnect {
			v3items++
		}
	}
	if v3items != 3 {
		t.Errorf("%d items of variant 3", v3items)
	}

	// Stale version → ErrCaseChanged, also a tenant.ErrStaleVersion.
	v1 := onboarding.VariantOSCIXTA2
	_, err = f.store.UpdateCase(ctx, c.ID, c.Version, onboarding.CasePatch{Variant: &v1})
	if !errors.Is(err, onboarding.ErrCaseChanged) || !errors.Is(err, tenant.ErrStaleVersion) || !strings.Contains(err.Error(), "zwischenzeitlich geändert") {
		t.Fatalf("stale edit: %v", err)
	}
	// Switching the variant keeps what was recorded on the old one.
	if _, err := f.store.UpdateCase(ctx, c.ID, got.Version, onboarding.CasePatch{Variant: &v1}); err != nil {
		t.Fatal(err)
	}
	d, _ = f.store.Detail(ctx, c.ID)
	for _, it := range d.Items {
		if it.Variant == onboarding.VariantFITConnect {
			t.Errorf("item %q of variant 3 still counts for variant 1", it.Title)
		}
	}
	if d.Transport.DestinationID == "" {
		t.Error("transport parameters lost when switching the variant")
	}
	// Mailbox users must be members of the tenant.
	v2 := onboarding.VariantOSCIClient
	mb := onboarding.Transport{MailboxUsers: []string{"fremd@example.org"}}
	_, err = f.store.UpdateCase(ctx, c.ID, 0, onboarding.CasePatch{Variant: &v2, Transport: &mb})
	if !errors.As(err, &fe) || !strings.Contains(fe.For("transport.mailboxUsers[0]"), "kein aktives Mitglied") {
		t.Errorf("foreign mailbox user: %v", err)
	}
}

// TestConcurrentEditsOfOneCase: two editors start from the same version;
// exactly one wins, the other learns the case changed meanwhile.
func TestConcurrentEditsOfOneCase(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	c := f.open(t, f.witt.ID, "hzl")[0]
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			v := onboarding.Variant(i%3 + 1)
			_, errs[i] = f.store.UpdateCase(ctx, c.ID, c.Version, onboarding.CasePatch{Variant: &v})
		}(i)
	}
	wg.Wait()
	ok, stale := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, onboarding.ErrCaseChanged):
			stale++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 || stale != len(errs)-1 {
		t.Errorf("%d succeeded, %d stale", ok, stale)
	}
	if got := f.caseOf(t, f.witt.ID, "hzl"); got.Version != c.Version+1 {
		t.Errorf("version %d after one successful edit", got.Version)
	}
}

func TestNextStepsGuideTheMunicipality(t *testing.T) {
	t.Parallel()
	now := seedNow
	c := &onboarding.Case{Phases: []onboarding.PhaseState{{Phase: onboarding.PhasePreparation, Status: onboarding.InProgress},
		{Phase: onboarding.PhaseConnectionTests, Status: onboarding.NotStarted}, {Phase: onboarding.PhaseProduction, Status: onboarding.NotStarted}}}
	titles := func(steps []onboarding.Step) string {
		var out []string
		for _, s := range steps {
			out = append(out, s.Kind+":"+s.Title)
		}
		return strings.Join(out, " | ")
	}
	got := titles(onboarding.NextSteps(c, []onboarding.Item{{Phase: onboarding.PhasePreparation, Title: "Vertrag"}}, nil, now))
	if got != "todo:Anbindungsvariante wählen | todo:Fachverfahren angeben | todo:Checkliste „Vorbereitung technische Anbindung“: 1 offen" {
		t.Errorf("fresh case: %s", got)
	}
	c.Variant = onboarding.VariantFITConnect
	c.FachverfahrenID = "care-4"
	c.Transport = onboarding.Transport{DestinationID: "x", Key: &onboarding.KeyInfo{NotAfter: now.Add(10 * 24 * time.Hour)}}
	care := &onboarding.Fachverfahren{Product: "Care 4", Interfaces: map[onboarding.Interface]onboarding.InterfaceStatus{
		onboarding.IfaceFITConnect: {State: onboarding.StatePlanned, Year: 2025}, onboarding.IfaceXSozialBasis: {State: onboarding.StateDone}}}
	got = titles(onboarding.NextSteps(c, nil, care, now))
	if got != "warning:Care 4: FIT-Connect geplant 2025 (überholt) | warning:Zertifikat läuft bald ab | todo:„Vorbereitung technische Anbindung“ abschließen" {
		t.Errorf("variant 3: %s", got)
	}
	c.Phases[0].Status, c.Phases[1].Status, c.Phases[2].Status = onboarding.Completed, onboarding.Completed, onboarding.InProgress
	got = titles(onboarding.NextSteps(c, nil, nil, now))
	if !strings.Contains(got, "waiting:Freigabe des Livegangs") {
		t.Errorf("production: %s", got)
	}
}
