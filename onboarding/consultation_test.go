package onboarding_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
)

func TestRuleDatesAcrossDaylightSaving(t *testing.T) {
	t.Parallel()
	r := onboarding.ConsultationRule{Weekday: time.Wednesday, IntervalWeeks: 2, StartTime: "14:00", DurationMinutes: 30,
		AnchorOn: time.Date(2025, 12, 3, 0, 0, 0, 0, time.UTC)}
	got := r.Next(time.Date(2026, 3, 1, 0, 0, 0, 0, berlin), 4, berlin)
	want := []string{"2026-03-11 14:00 CET", "2026-03-25 14:00 CET", "2026-04-08 14:00 CEST", "2026-04-22 14:00 CEST"}
	for i, d := range got {
		if s := d.In(berlin).Format("2006-01-02 15:04 MST"); s != want[i] {
			t.Errorf("date %d = %s, want %s", i, s, want[i])
		}
	}
	// An anchor on another weekday moves to the rule's weekday; the next
	// date after a Sprechstunde's start is a fortnight later.
	r.AnchorOn = time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC) // a Monday
	first := r.Next(time.Date(2025, 12, 3, 14, 0, 0, 0, berlin), 1, berlin)[0]
	if first.In(berlin).Format("02.01.2006 15:04") != "17.12.2025 14:00" {
		t.Errorf("after 03.12.: %s", first.In(berlin))
	}
	if r.Describe() != "Jeden zweiten Mittwoch, 14:00 Uhr, 30 Minuten" {
		t.Errorf("describe: %q", r.Describe())
	}
}

func TestConsultationsRegistrationAndRule(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "user:1", Label: "mid@example.org"})
	if err := f.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	upcoming, err := f.store.ListConsultations(ctx, onboarding.ConsultationFilter{From: seedNow})
	if err != nil || len(upcoming) < 20 {
		t.Fatalf("upcoming: %d, %v", len(upcoming), err)
	}
	next := upcoming[0]
	// Register, again (updates), list per visibility.
	if _, err := f.store.Register(ctx, next.ID, f.harz.ID, "Hannes Harz", "harz@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Register(ctx, next.ID, f.harz.ID, "Hannes Harz", "h.harz@example.org"); err != nil {
		t.Fatal(err)
	}
	got, _ := f.store.ListConsultations(ctx, onboarding.ConsultationFilter{From: seedNow, VisibleTenants: []string{f.harz.ID}})
	if got[0].AttendeeCount != 2 || len(got[0].Attendees) != 1 || got[0].Attendees[0].Email != "h.harz@example.org" {
		t.Errorf("attendees seen by Harz: %d of %d", len(got[0].Attendees), got[0].AttendeeCount)
	}
	var fe tenant.FieldErrors
	if _, err := f.store.Register(ctx, next.ID, f.harz.ID, "", "keine-adresse"); !errors.As(err, &fe) {
		t.Errorf("bad address: %v", err)
	}
	past, _ := f.store.ListConsultations(ctx, onboarding.ConsultationFilter{To: seedNow})
	var rule *onboarding.RuleError
	if _, err := f.store.Register(ctx, past[0].ID, f.harz.ID, "", "harz@example.org"); !errors.As(err, &rule) {
		t.Errorf("past Sprechstunde: %v", err)
	}

	// Cancelling mails the attendees; a cancelled one takes no registration.
	yes := true
	if _, err := f.store.UpdateConsultation(ctx, next.ID, next.Version, onboarding.ConsultationPatch{Cancelled: &yes}); err != nil {
		t.Fatal(err)
	}
	if m := f.mails(t, onboarding.MailConsultationCancelled); len(m) != 2 || !strings.Contains(m[0].Subject, "Abgesagt") {
		t.Errorf("cancellation mails: %d", len(m))
	}
	if _, err := f.store.Register(ctx, next.ID, f.byKey["15001"].ID, "", "dessau@example.org"); !errors.As(err, &rule) {
		t.Errorf("cancelled Sprechstunde: %v", err)
	}
	if _, err := f.store.UpdateConsultation(ctx, next.ID, next.Version, onboarding.ConsultationPatch{Cancelled: &yes}); !errors.Is(err, tenant.ErrStaleVersion) {
		t.Errorf("stale update: %v", err)
	}
	if err := f.store.Unregister(ctx, next.ID, f.harz.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Unregister(ctx, next.ID, f.harz.ID); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("second unregister: %v", err)
	}

	// A topic keeps a date when the rule changes; untouched dates follow.
	topic := "Anbindung per FIT-Connect"
	withTopic := upcoming[2]
	if _, err := f.store.UpdateConsultation(ctx, withTopic.ID, 0, onboarding.ConsultationPatch{Topic: &topic}); err != nil {
		t.Fatal(err)
	}
	rule0, _ := f.store.Rule(ctx)
	newRule := rule0
	newRule.Weekday, newRule.StartTime, newRule.IntervalWeeks = time.Thursday, "10:00", 4
	stored, err := f.store.PutRule(ctx, rule0.Version, newRule)
	if err != nil || stored.Version != rule0.Version+1 || stored.Describe() != "Jeden vierten Donnerstag, 10:00 Uhr, 30 Minuten" {
		t.Fatalf("rule %+v, %v", stored, err)
	}
	after, _ := f.store.ListConsultations(ctx, onboarding.ConsultationFilter{From: seedNow})
	kept, thursdays := false, 0
	for _, c := range after {
		local := c.StartsAt.In(berlin)
		switch {
		case c.ID == withTopic.ID:
			kept = true
		case local.Weekday() == time.Thursday && local.Hour() == 10:
			thursdays++
		case c.ID != next.ID && c.ID != upcoming[1].ID && !c.Generated:
		default:
			if c.ID != next.ID && c.ID != upcoming[1].ID {
				t.Errorf("left over: %d %s", c.Number, local)
			}
		}
	}
	if !kept || thursdays < 10 {
		t.Errorf("kept topic date: %v, %d Thursdays", kept, thursdays)
	}
	if _, err := f.store.PutRule(ctx, stored.Version+1, newRule); !errors.Is(err, tenant.ErrStaleVersion) {
		t.Errorf("stale rule: %v", err)
	}
	bad := newRule
	bad.StartTime, bad.IntervalWeeks = "25:00", 0
	if _, err := f.store.PutRule(ctx, 0, bad); !errors.As(err, &fe) || fe.For("startTime") == "" || fe.For("intervalWeeks") == "" {
		t.Errorf("bad rule: %v", err)
	}
	// ExtendSeries is idempotent.
	if n, err := f.store.ExtendSeries(ctx, seedNow.AddDate(1, 0, 0)); err != nil || n != 0 {
		t.Errorf("extend again: %d, %v", n, err)
	}
	// A date of its own, numbered after the highest.
	c, err := f.store.CreateConsultation(ctx, onboarding.ConsultationInput{StartsAt: time.Date(2027, 1, 20, 14, 0, 0, 0, berlin), Topic: "Sondertermin"})
	if err != nil || c.DurationMinutes != 30 || c.Number <= after[len(after)-1].Number {
		t.Errorf("created %+v, %v", c, err)
	}
}

func TestAnbindungsSprechstundeSkipsHolidaysAndTheTurnOfTheYear(t *testing.T) {
	f := newFixture(t)
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "user:1", Label: "mid@example.org"})
	rule, err := f.store.Rule(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A weekly Monday series meets Ostermontag, Pfingstmontag and the
	// days between the years.
	rule.Weekday, rule.IntervalWeeks, rule.AnchorOn = time.Monday, 1, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	if _, err := f.store.PutRule(ctx, 0, rule); err != nil {
		t.Fatal(err)
	}
	cs, err := f.store.ListConsultations(ctx, onboarding.ConsultationFilter{Kind: onboarding.KindAnbindung})
	if err != nil {
		t.Fatal(err)
	}
	days := map[string]bool{}
	for _, c := range cs {
		days[c.StartsAt.In(berlin).Format("2006-01-02")] = true
	}
	for _, tc := range []struct {
		day  string
		held bool
		why  string
	}{
		{"2026-12-21", true, "last Monday before the break"},
		{"2026-12-28", false, "Jahreswechsel"},
		{"2027-01-04", true, "first Monday after the break"},
		{"2027-03-22", true, "an ordinary Monday"},
		{"2027-03-29", false, "Ostermontag 2027"},
		{"2027-05-17", false, "Pfingstmontag 2027"},
		{"2027-05-24", true, "the Monday after Pfingsten"},
	} {
		if days[tc.day] != tc.held {
			t.Errorf("%s (%s): held %v, want %v", tc.day, tc.why, days[tc.day], tc.held)
		}
	}
}

func TestCreateConsultationKinds(t *testing.T) {
	f := newFixture(t)
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "user:1", Label: "mid@example.org"})
	if err := f.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2027, 2, 17, 14, 0, 0, 0, berlin)
	for _, tc := range []struct {
		name      string
		in        onboarding.ConsultationInput
		wantTitle string
		wantField string
	}{
		{"OZG without number takes the next after 68", onboarding.ConsultationInput{Kind: onboarding.KindOZG, StartsAt: at, Topic: "Standardverordnung"}, "69. OZG-Sprechstunde", ""},
		{"no kind is an OZG-Sprechstunde", onboarding.ConsultationInput{StartsAt: at, Topic: "GDST Forum"}, "70. OZG-Sprechstunde", ""},
		{"a number given is kept", onboarding.ConsultationInput{Kind: onboarding.KindOZG, Number: 80, StartsAt: at}, "80. OZG-Sprechstunde", ""},
		{"a number twice is refused", onboarding.ConsultationInput{Kind: onboarding.KindOZG, Number: 64, StartsAt: at}, "", "number"},
		{"an extra Anbindungs-Sprechstunde has no number", onboarding.ConsultationInput{Kind: onboarding.KindAnbindung, StartsAt: at}, "Anbindungs-Sprechstunde", ""},
		{"an Anbindungs-Sprechstunde with a number is refused", onboarding.ConsultationInput{Kind: onboarding.KindAnbindung, Number: 3, StartsAt: at}, "", "number"},
		{"an unknown kind is refused", onboarding.ConsultationInput{Kind: "webinar", StartsAt: at}, "", "kind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := f.store.CreateConsultation(ctx, tc.in)
			if tc.wantField != "" {
				var fe tenant.FieldErrors
				if !errors.As(err, &fe) || fe.For(tc.wantField) == "" {
					t.Fatalf("want a message for %s, got %v", tc.wantField, err)
				}
				return
			}
			if err != nil || c.Title != tc.wantTitle {
				t.Fatalf("created %+v, %v; want %q", c, err, tc.wantTitle)
			}
		})
	}
}
