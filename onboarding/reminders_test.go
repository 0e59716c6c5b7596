package onboarding_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sozialplattform/onboarding"
)

func TestReminders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if err := f.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	// Wittenberg's cases last moved on 16.09.2025; Harz's EB-HzL was
	// opened "today". 21 days on, both are stale; Harz's live cases never.
	f.clock.Add(22 * 24 * time.Hour)
	n, err := f.store.RemindStale(ctx, 21*24*time.Hour)
	if err != nil || n != 2 {
		t.Fatalf("stale reminders: %d, %v", n, err)
	}
	mails := f.mails(t, onboarding.MailStaleCases)
	var witt string
	for _, m := range mails {
		if m.To == f.witt.FunctionMailbox {
			witt = m.TextBody
		}
		if strings.Contains(m.TextBody, "Grundsicherung") || strings.Contains(m.TextBody, "Bildung und Teilhabe") {
			t.Errorf("live case in a stale reminder: %s", m.TextBody)
		}
	}
	if !strings.Contains(witt, "Hilfe zum Lebensunterhalt 1.0 (in Vorbereitung, zuletzt am 16.09.2025)") || !strings.Contains(witt, "Als Nächstes: Anbindungsvariante wählen") {
		t.Errorf("Wittenberg's reminder:\n%s", witt)
	}
	// Not again the next day; again after another period without progress.
	f.clock.Add(24 * time.Hour)
	if n, _ := f.store.RemindStale(ctx, 21*24*time.Hour); n != 0 {
		t.Errorf("reminded again after a day: %d", n)
	}
	f.clock.Add(21 * 24 * time.Hour)
	if n, _ := f.store.RemindStale(ctx, 21*24*time.Hour); n != 2 {
		t.Errorf("second period: %d", n)
	}
	// Progress resets the clock.
	c := f.caseOf(t, f.witt.ID, "hzl")
	v := onboarding.VariantFITConnect
	if _, err := f.store.UpdateCase(ctx, c.ID, 0, onboarding.CasePatch{Variant: &v}); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(22 * 24 * time.Hour)
	if n, _ := f.store.RemindStale(ctx, 21*24*time.Hour); n != 2 {
		t.Errorf("third period: %d", n)
	}

	// A certificate expiring within 30 days: one mail, once.
	now := f.clock.Now()
	tr := onboarding.Transport{DestinationID: "7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f"}
	if _, err := f.store.UpdateCase(ctx, c.ID, 0, onboarding.CasePatch{Transport: &tr}); err != nil {
		t.Fatal(err)
	}
	// The delivery fetched the destination's key and recorded it.
	notAfter := now.AddDate(0, 0, 20)
	key := onboarding.KeyInfo{Kid: "enc-1", Bits: 4096, Subject: "CN=Zustellpunkt Landkreis Wittenberg", NotBefore: now.AddDate(0, -11, 0),
		NotAfter: notAfter, Thumbprint: "ab12", FetchedAt: now}
	if err := f.store.RecordDestinationKey(ctx, f.db.Write, c.ID, key); err != nil {
		t.Fatal(err)
	}
	if n, err := f.store.RemindExpiringKeys(ctx); err != nil || n != 1 {
		t.Fatalf("certificate reminders: %d, %v", n, err)
	}
	if n, _ := f.store.RemindExpiringKeys(ctx); n != 0 {
		t.Errorf("certificate reminded twice: %d", n)
	}
	km := f.mails(t, onboarding.MailKeyExpiring)
	if len(km) != 1 || km[0].To != f.witt.FunctionMailbox || !strings.Contains(km[0].TextBody, "gültig bis "+notAfter.In(berlin).Format("02.01.2006")) {
		t.Errorf("certificate mail %+v", km)
	}
	d, _ := f.store.Detail(ctx, c.ID)
	found := false
	for _, s := range d.Steps {
		found = found || s.Title == "Zertifikat läuft bald ab"
	}
	if !found {
		t.Errorf("no warning step: %+v", d.Steps)
	}

	// The weekly digest goes to the Land's function mailbox.
	if n, err := f.store.SendDigest(ctx); err != nil || n != 1 {
		t.Fatalf("digest: %d, %v", n, err)
	}
	dm := f.mails(t, onboarding.MailDigest)
	if len(dm) != 1 || dm[0].To != f.land.FunctionMailbox || !strings.Contains(dm[0].TextBody, "- live: 3") ||
		!strings.Contains(dm[0].TextBody, "Landkreis Wittenberg: EB-HzL – Einmalige Bedarfe") {
		t.Errorf("digest:\n%s", dm[0].TextBody)
	}

	// The Sprechstunde reminder the day before, once per date.
	cs, _ := f.store.ListConsultations(ctx, onboarding.ConsultationFilter{From: f.clock.Now()})
	next := cs[0]
	if _, err := f.store.Register(ctx, next.ID, f.harz.ID, "Hannes Harz", "harz@example.org"); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(next.StartsAt.Add(-26 * time.Hour)) // the day before, in the morning
	if n, err := f.store.RemindConsultations(ctx); err != nil || n != 1 {
		t.Fatalf("Sprechstunde reminders: %d, %v", n, err)
	}
	if n, _ := f.store.RemindConsultations(ctx); n != 0 {
		t.Errorf("reminded twice: %d", n)
	}
	rm := f.mails(t, onboarding.MailConsultationReminder)
	if len(rm) != 1 || rm[0].To != "harz@example.org" || !strings.Contains(rm[0].Subject, "Erinnerung: ") ||
		!strings.Contains(rm[0].TextBody, "Beginn: "+next.StartsAt.In(berlin).Format("02.01.2006 15:04")) {
		t.Errorf("reminder %+v", rm)
	}

	// Every job is declared with a schedule the registry accepts.
	for _, j := range f.store.Jobs(onboarding.ReminderOptions{}) {
		if j.Name == "" || j.Schedule == "" || j.Description == "" || j.Run == nil {
			t.Errorf("job %+v", j)
		}
	}
}
