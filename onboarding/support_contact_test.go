package onboarding_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
)

// nrw and dataport are the seed's two support actors as the ministry
// enters them.
var (
	nrw = onboarding.SupportContactInput{Name: "Anbindungssupport NRW", Role: "Technische Begleitung der Anbindung.",
		Mailbox: "Anbindung@Sozialplattform.info", Phases: []onboarding.Phase{onboarding.PhasePreparation, onboarding.PhaseConnectionTests}, Position: 10}
	dataport = onboarding.SupportContactInput{Name: "Dataport Roll-In-Management", Role: "Planung und Aufnahme in den Betrieb.",
		Mailbox: "roll-in@dataport.example", Phone: " 040  000-0 ", Phases: []onboarding.Phase{onboarding.PhasePreparation, onboarding.PhaseProduction}, Position: 20}
	fitOnly = onboarding.SupportContactInput{Name: "FIT-Connect-Support", Role: "Zustellpunkte und Zertifikate.",
		Mailbox: "fit@example.org", Variants: []onboarding.Variant{onboarding.VariantFITConnect}, Position: 30}
)

// TestSupportContactInputIsChecked: every wrong field is named, in
// German, under the field's name, so the console can put it next to it.
func TestSupportContactInputIsChecked(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		name   string
		change func(*onboarding.SupportContactInput)
		fields []string
	}{
		{"name missing", func(in *onboarding.SupportContactInput) { in.Name = "  " }, []string{"name"}},
		{"what it helps with missing", func(in *onboarding.SupportContactInput) { in.Role = "" }, []string{"role"}},
		{"mailbox missing", func(in *onboarding.SupportContactInput) { in.Mailbox = "" }, []string{"mailbox"}},
		{"mailbox not an address", func(in *onboarding.SupportContactInput) { in.Mailbox = "anbindung(at)nrw" }, []string{"mailbox"}},
		{"phone with letters", func(in *onboarding.SupportContactInput) { in.Phone = "0391 ANRUF" }, []string{"phone"}},
		{"unknown variant", func(in *onboarding.SupportContactInput) { in.Variants = []onboarding.Variant{4} }, []string{"variants"}},
		{"unknown phase", func(in *onboarding.SupportContactInput) { in.Phases = []onboarding.Phase{"betrieb"} }, []string{"phases"}},
		{"several at once", func(in *onboarding.SupportContactInput) { in.Name, in.Mailbox = "", "x" }, []string{"name", "mailbox"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := nrw
			tt.change(&in)
			_, err := f.store.CreateSupportContact(ctx, in)
			var fe tenant.FieldErrors
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want field errors", err)
			}
			var got []string
			for _, e := range fe {
				got = append(got, e.Field)
				if e.Message == "" {
					t.Errorf("%s: no message", e.Field)
				}
			}
			if !slices.Equal(got, tt.fields) {
				t.Errorf("fields %v, want %v", got, tt.fields)
			}
		})
	}
	all, err := f.store.ListSupportContacts(ctx)
	if err != nil || len(all) != 0 {
		t.Errorf("refused input stored: %v, %v", all, err)
	}
}

// TestSupportContactsFollowTheCase: a case page names the actors of its
// variant and its current phase; the order confirmation those of the
// first phase. Changes are audited and guarded by the version.
func TestSupportContactsFollowTheCase(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	var ids []string
	for _, in := range []onboarding.SupportContactInput{fitOnly, dataport, nrw} {
		c, err := f.store.CreateSupportContact(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	all, err := f.store.ListSupportContacts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if names := contactNames(all); !slices.Equal(names, []string{"Anbindungssupport NRW", "Dataport Roll-In-Management", "FIT-Connect-Support"}) {
		t.Errorf("order %v, want by position", names)
	}
	if all[0].Mailbox != "anbindung@sozialplattform.info" || all[1].Phone != "040 000-0" {
		t.Errorf("mailbox %q and phone %q not normalized", all[0].Mailbox, all[1].Phone)
	}

	c := f.open(t, f.harz.ID, "hzl")[0]
	step := func(variant onboarding.Variant) *onboarding.Case {
		t.Helper()
		if variant != c.Variant {
			if _, err := f.store.UpdateCase(ctx, c.ID, 0, onboarding.CasePatch{Variant: &variant}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := f.store.GetCase(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		c = *got
		return got
	}
	// inProduction moves the case past its tests without the phase rules
	// (their evidence is another test's business).
	inProduction := func() *onboarding.Case {
		t.Helper()
		if _, err := f.db.Write.NewRaw(`UPDATE onboarding_cases SET preparation_status = 'completed', tests_status = 'completed',
			production_status = 'in-progress' WHERE id = ?`, c.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		return step(c.Variant)
	}
	tests := []struct {
		name  string
		case_ func() *onboarding.Case
		phase onboarding.Phase
		want  []string
	}{
		{"ordered, no variant yet: everybody of the first phase", func() *onboarding.Case { return step(onboarding.VariantNone) },
			onboarding.PhasePreparation, []string{"Anbindungssupport NRW", "Dataport Roll-In-Management", "FIT-Connect-Support"}},
		{"variant 1 chosen: not the FIT-Connect support", func() *onboarding.Case { return step(onboarding.VariantOSCIXTA2) },
			onboarding.PhasePreparation, []string{"Anbindungssupport NRW", "Dataport Roll-In-Management"}},
		{"variant 3 chosen: the FIT-Connect support too", func() *onboarding.Case { return step(onboarding.VariantFITConnect) },
			onboarding.PhasePreparation, []string{"Anbindungssupport NRW", "Dataport Roll-In-Management", "FIT-Connect-Support"}},
		{"in the Produktivtest: the Roll-In-Management, not the Anbindungssupport", inProduction,
			onboarding.PhaseProduction, []string{"Dataport Roll-In-Management", "FIT-Connect-Support"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := tt.case_()
			if cs.CurrentPhase() != tt.phase {
				t.Errorf("current phase %s, want %s", cs.CurrentPhase(), tt.phase)
			}
			got, err := f.store.SupportContactsFor(ctx, cs)
			if err != nil {
				t.Fatal(err)
			}
			if names := contactNames(got); !slices.Equal(names, tt.want) {
				t.Errorf("actors %v, want %v", names, tt.want)
			}
		})
	}

	t.Run("covers by variant and phase", func(t *testing.T) {
		specs := []struct {
			in    onboarding.SupportContactInput
			v     onboarding.Variant
			p     onboarding.Phase
			wants bool
		}{
			{nrw, onboarding.VariantOSCIClient, onboarding.PhaseConnectionTests, true},
			{nrw, onboarding.VariantOSCIClient, onboarding.PhaseProduction, false},
			{dataport, onboarding.VariantFITConnect, onboarding.PhaseProduction, true},
			{dataport, onboarding.VariantFITConnect, onboarding.PhaseConnectionTests, false},
			{fitOnly, onboarding.VariantOSCIXTA2, onboarding.PhaseProduction, false},
			{fitOnly, onboarding.VariantNone, onboarding.PhaseProduction, true},
		}
		for _, s := range specs {
			sc := onboarding.SupportContact{Variants: s.in.Variants, Phases: s.in.Phases}
			if got := sc.Covers(s.v, s.p); got != s.wants {
				t.Errorf("%s covers %s/%s = %v, want %v", s.in.Name, s.v.ShortLabel(), s.p, got, s.wants)
			}
		}
	})

	t.Run("the order confirmation names those of the first phase", func(t *testing.T) {
		info, err := f.store.OrderInfo(ctx, f.db.Read, 3)
		if err != nil {
			t.Fatal(err)
		}
		if names := contactNames(info.Contacts); !slices.Equal(names, []string{"Anbindungssupport NRW", "Dataport Roll-In-Management", "FIT-Connect-Support"}) {
			t.Errorf("actors %v", names)
		}
	})

	t.Run("edit: audited, stale version refused, delete", func(t *testing.T) {
		in := dataport
		in.Phases = []onboarding.Phase{onboarding.PhaseProduction}
		got, err := f.store.UpdateSupportContact(ctx, ids[1], 1, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || !slices.Equal(got.Phases, []onboarding.Phase{onboarding.PhaseProduction}) {
			t.Errorf("after update: %+v", got)
		}
		if _, err := f.store.UpdateSupportContact(ctx, ids[1], 1, in); !errors.Is(err, tenant.ErrStaleVersion) {
			t.Errorf("update with the old version: %v, want stale", err)
		}
		if err := f.store.DeleteSupportContact(ctx, ids[1], 1); !errors.Is(err, tenant.ErrStaleVersion) {
			t.Errorf("delete with the old version: %v, want stale", err)
		}
		if err := f.store.DeleteSupportContact(ctx, ids[1], 2); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.GetSupportContact(ctx, ids[1]); !errors.Is(err, tenant.ErrNotFound) {
			t.Errorf("deleted actor still there: %v", err)
		}
		if n := f.auditCount(t, onboarding.ObjSupportContact, ids[1]); n != 3 {
			t.Errorf("%d audit entries for create, update and delete, want 3", n)
		}
	})

	t.Run("all variants or all phases are stored as all", func(t *testing.T) {
		in := nrw
		in.Variants = []onboarding.Variant{3, 1, 2, 1}
		in.Phases = onboarding.Phases()
		got, err := f.store.CreateSupportContact(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Variants) != 0 || len(got.Phases) != 0 || got.CoverageLabel() != "alle Anbindungsvarianten · alle Phasen" {
			t.Errorf("variants %v phases %v label %q", got.Variants, got.Phases, got.CoverageLabel())
		}
	})
}

// TestOrderInfoNamesTheSprechstunde is finding m32: the order confirmation
// says when the Anbindungs-Sprechstunde is, from the rule and the next
// dates of its series (cancelled ones left out).
func TestOrderInfoNamesTheSprechstunde(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.store.ExtendSeries(ctx, seedNow.AddDate(0, 3, 0)); err != nil {
		t.Fatal(err)
	}
	series, err := f.store.ListConsultations(ctx, onboarding.ConsultationFilter{From: seedNow})
	if err != nil {
		t.Fatal(err)
	}
	var anb []onboarding.Consultation
	for _, c := range series {
		if c.Kind == onboarding.KindAnbindung {
			anb = append(anb, c)
		}
	}
	if len(anb) < 4 {
		t.Fatalf("%d dates in the series", len(anb))
	}
	cancel := true
	if _, err := f.store.UpdateConsultation(ctx, anb[0].ID, anb[0].Version, onboarding.ConsultationPatch{Cancelled: &cancel}); err != nil {
		t.Fatal(err)
	}
	info, err := f.store.OrderInfo(ctx, f.db.Read, 3)
	if err != nil {
		t.Fatal(err)
	}
	if info.ConsultationWhen != "jeden zweiten Mittwoch um 14 Uhr, 30 Minuten" {
		t.Errorf("when %q", info.ConsultationWhen)
	}
	if info.ConsultationTitle != "Sprechstunde „Anbindung zur Sozialplattform“" || info.ConsultationWhere == "" {
		t.Errorf("title %q, where %q", info.ConsultationTitle, info.ConsultationWhere)
	}
	var want []string
	for _, c := range anb[1:4] {
		want = append(want, "Mittwoch, "+c.StartsAt.In(berlin).Format("02.01.2006")+", 14:00 Uhr")
	}
	if !slices.Equal(info.NextConsultations, want) {
		t.Errorf("next dates %v, want %v (the cancelled %s left out)", info.NextConsultations, want, anb[0].StartsAt)
	}

	rules := []struct {
		rule onboarding.ConsultationRule
		want string
	}{
		{onboarding.ConsultationRule{Weekday: time.Wednesday, IntervalWeeks: 2, StartTime: "14:00", DurationMinutes: 30}, "jeden zweiten Mittwoch um 14 Uhr, 30 Minuten"},
		{onboarding.ConsultationRule{Weekday: time.Monday, IntervalWeeks: 1, StartTime: "09:30", DurationMinutes: 45}, "jeden Montag um 9:30 Uhr, 45 Minuten"},
		{onboarding.ConsultationRule{Weekday: time.Friday, IntervalWeeks: 6, StartTime: "10:00", DurationMinutes: 60}, "alle 6 Wochen am Freitag um 10 Uhr, 60 Minuten"},
	}
	for _, r := range rules {
		if got := r.rule.When(); got != r.want {
			t.Errorf("When() = %q, want %q", got, r.want)
		}
	}
}

func contactNames(cs []onboarding.SupportContact) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

// TestDemoSeedsTheSupportActors: the demo names the seed's two actors
// ("Begleitung der Kommune durch den Anbindungssupport NRW und das
// Dataport-Roll-In Management") once, however often it loads.
func TestDemoSeedsTheSupportActors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	for range 2 {
		if err := f.store.LoadDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := f.store.ListSupportContacts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if names := contactNames(cs); !slices.Equal(names, []string{"Anbindungssupport NRW", "Dataport Roll-In-Management"}) {
		t.Fatalf("demo actors %v", names)
	}
	if cs[0].Mailbox != "anbindung@sozialplattform.info" || !cs[0].Covers(onboarding.VariantFITConnect, onboarding.PhaseConnectionTests) ||
		cs[0].Covers(onboarding.VariantFITConnect, onboarding.PhaseProduction) || !cs[1].Covers(onboarding.VariantOSCIXTA2, onboarding.PhaseProduction) {
		t.Errorf("demo actors' coverage: %+v", cs)
	}
}
