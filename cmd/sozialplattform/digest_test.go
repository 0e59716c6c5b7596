package main

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
)

// TestWeeklyReportCountsFailingLiveCases is issue 15 item 11 end to end:
// a live case of Landkreis Harz whose application failed to reach the
// Fachverfahren this week is counted in the ministry's weekly report – the
// same count as in the Umsetzungsstand – and the report's link leads the
// ministry to Harz's failed deliveries, where the application is listed.
func TestWeeklyReportCountsFailingLiveCases(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	ctx := context.Background()
	if err := a.market.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.onboard.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	harz, err := a.store.ResolveTenant(ctx, "15085")
	if err != nil {
		t.Fatal(err)
	}
	// Harz's HzL is live (demo); one application failed an hour ago, one
	// was rejected ten days ago (outside the week), one was accepted, and
	// a connection test failed too.
	now := time.Now().UTC()
	for _, d := range []struct {
		ref, purpose, status string
		ago                  time.Duration
	}{
		{"SP-2026-990001", delivery.PurposeApplication, delivery.StatusFailed, time.Hour},
		{"SP-2026-990002", delivery.PurposeApplication, delivery.StatusRejected, 10 * 24 * time.Hour},
		{"SP-2026-990003", delivery.PurposeConnectionTest, delivery.StatusFailed, time.Hour},
		{"SP-2026-990004", delivery.PurposeApplication, delivery.StatusAccepted, 2 * time.Hour},
	} {
		at := now.Add(-d.ago)
		if _, err := a.db.Write.NewRaw(`INSERT INTO deliveries (id, tenant_id, application_id, antragsstrecke, reference_number, purpose, status, last_error,
			next_attempt_at, submitted_at, created_at, updated_at) VALUES (?, ?, ?, 'hzl', ?, ?, ?, 'Fachverfahren nicht erreichbar', ?, ?, ?, ?)`,
			"d-"+d.ref, harz.ID, "a-"+d.ref, d.ref, d.purpose, d.status, at, at, at, at).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}

	if n, err := a.onboard.SendDigest(ctx); err != nil || n != 1 {
		t.Fatalf("weekly report: %d, %v", n, err)
	}
	list, err := a.outbox.List(ctx, mail.ListFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var report mail.Stored
	for _, m := range list {
		if m.Template == onboarding.MailDigest {
			if report, err = a.outbox.Get(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, want := range []string{"davon mit gescheiterten Zustellungen in den letzten 7 Tagen: 1\n",
		"- Landkreis Harz: Hilfe zum Lebensunterhalt 1.0 (1 Antrag)\n"} {
		if !strings.Contains(report.TextBody, want) {
			t.Errorf("weekly report lacks %q:\n%s", want, report.TextBody)
		}
	}

	ministry := newClient(t, srv.URL)
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	// The Umsetzungsstand counts the same.
	rollout := ministry.onbPage(200, "/admin/rollout")
	if !regexp.MustCompile(`Live-Antragsstrecken mit gescheiterten Zustellungen \(letzte 7 Tage\)</dt><dd[^>]*><strong>1</strong>`).MatchString(rollout) {
		t.Errorf("the Umsetzungsstand does not count the one failing live case:\n%s", rollout)
	}
	// The link, followed (on the test server: the mail names the public
	// address configured at start): Harz's failed deliveries – the one of
	// this week and the older one, not the accepted one nor the test.
	const label = "Zustellungen mit Problem: "
	link := firstLink(report.TextBody[strings.Index(report.TextBody, label)+len(label):], "http")
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if !u.IsAbs() || u.Path != "/admin/zustellung/"+harz.ID || u.Query().Get("status") != delivery.FilterProblem {
		t.Fatalf("link %s, want Harz's failed deliveries", link)
	}
	page := ministry.onbPage(200, u.RequestURI())
	for _, want := range []string{"SP-2026-990001", "SP-2026-990002"} {
		if !strings.Contains(page, want) {
			t.Errorf("failed deliveries page lacks %s:\n%s", want, page)
		}
	}
	for _, not := range []string{"SP-2026-990003", "SP-2026-990004"} {
		if strings.Contains(page, not) {
			t.Errorf("failed deliveries page lists %s (a test, an accepted one):\n%s", not, page)
		}
	}
}
