package onboarding_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"sozialplattform/onboarding"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/web"
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
	// The digest counts the Sprechstunde's registrations in proper German.
	if !strings.Contains(dm[0].TextBody, "(0 Anmeldungen)") {
		t.Errorf("digest without registrations:\n%s", dm[0].TextBody)
	}
	if _, err := f.store.SendDigest(ctx); err != nil {
		t.Fatal(err)
	}
	singular := 0
	for _, m := range f.mails(t, onboarding.MailDigest) {
		if strings.Contains(m.TextBody, "(1 Anmeldung)") && strings.Contains(m.HTMLBody, "(1 Anmeldung)") {
			singular++
		}
	}
	if singular != 1 {
		t.Errorf("%d digests say \"(1 Anmeldung)\" in text and HTML, want the second one", singular)
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

// TestDigestCountsLiveCasesWithFailingDeliveries is issue 15 item 11: the
// weekly report names the live cases whose deliveries failed in the week,
// per municipality, with the link to its failed deliveries – the count the
// delivery gives (onboarding.Options.FailingDeliveries; cmd wires the
// delivery's LiveFailing, and a test there follows the link).
func TestDigestCountsLiveCasesWithFailingDeliveries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if err := f.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	hzl, but := f.caseOf(t, f.harz.ID, "hzl").ID, f.caseOf(t, f.harz.ID, "but").ID
	links := onboarding.Links{
		Rollout: web.LinkTo("https://sozial.example", "/admin/rollout"),
		FailedDeliveries: func(v ...string) string {
			return web.Link("https://sozial.example", "/admin/zustellung/{id}", v...) + "?status=problem"
		},
	}
	tests := []struct {
		name    string
		failing func(ctx context.Context, tenantIDs []string) (map[string]int, error)
		want    []string
		notWant []string
		link    bool // the HTML part links the failed deliveries
	}{
		{name: "two live cases of Harz failing",
			failing: func(context.Context, []string) (map[string]int, error) { return map[string]int{hzl: 3, but: 1}, nil },
			want: []string{"- live: 3, davon mit gescheiterten Zustellungen in den letzten 7 Tagen: 2",
				"Live, aber Zustellungen gescheitert oder abgewiesen seit ",
				"- Landkreis Harz: Hilfe zum Lebensunterhalt 1.0 (3 Anträge), Bildung und Teilhabe (BuT) (1 Antrag)\n  Zustellungen mit Problem: https://sozial.example/admin/zustellung/" + f.harz.ID + "?status=problem\n"}, link: true},
		{name: "none failing",
			failing: func(context.Context, []string) (map[string]int, error) { return map[string]int{}, nil },
			want:    []string{"davon mit gescheiterten Zustellungen in den letzten 7 Tagen: 0", "gescheitert oder abgewiesen seit ", ": keine\n"},
			notWant: []string{"Zustellungen mit Problem"}},
		{name: "no delivery wired: no count rather than a wrong zero",
			notWant: []string{"gescheiterten Zustellungen", "Zustellungen mit Problem"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked []string
			opts := onboarding.Options{Now: f.clock.Now, Links: links}
			if tt.failing != nil {
				opts.FailingDeliveries = func(ctx context.Context, tenantIDs []string) (map[string]int, error) {
					asked = tenantIDs
					return tt.failing(ctx, tenantIDs)
				}
			}
			store, err := onboarding.NewStore(f.db, f.outbox, opts)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, d := range f.mails(t, onboarding.MailDigest) {
				seen[d.ID] = true
			}
			if n, err := store.SendDigest(ctx); err != nil || n != 1 {
				t.Fatalf("digest: %d, %v", n, err)
			}
			var fresh []mail.Stored
			for _, d := range f.mails(t, onboarding.MailDigest) {
				if !seen[d.ID] {
					fresh = append(fresh, d)
				}
			}
			if len(fresh) != 1 {
				t.Fatalf("%d new digests, want 1", len(fresh))
			}
			m := fresh[0]
			for _, w := range tt.want {
				if !strings.Contains(m.TextBody, w) {
					t.Errorf("digest lacks %q:\n%s", w, m.TextBody)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(m.TextBody, w) || strings.Contains(m.HTMLBody, w) {
					t.Errorf("digest has %q:\n%s", w, m.TextBody)
				}
			}
			if tt.failing != nil && !slices.Contains(asked, f.harz.ID) {
				t.Errorf("the delivery was asked about %v, not the Land's municipalities", asked)
			}
			if tt.link && !strings.Contains(m.HTMLBody, `<a href="https://sozial.example/admin/zustellung/`+f.harz.ID+`?status=problem">`) {
				t.Errorf("HTML part without the link:\n%s", m.HTMLBody)
			}
		})
	}
}
