package www

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sozialplattform/portal/appointments"
)

// TestCounsellingAccessibility runs axe-core (WCAG 2.1 A and AA) on the
// counselling-centre search, the entry pages and the appointment pages in
// every portal language, as TestAccessibility does for the portal's own
// pages: no serious or critical violation may remain. The booking form is
// also checked after a submission with errors.
func TestCounsellingAccessibility(t *testing.T) {
	t.Parallel()
	root := browserContext(t)
	e := newCounsellingEnv(t)
	axe := axeSource(t)
	slots, err := e.appts.Slots(t.Context(), e.cal, time.Now(), time.Now().AddDate(0, 0, 7))
	if err != nil || len(slots) == 0 {
		t.Fatalf("slots: %v", err)
	}
	_, tok, err := e.appts.Book(t.Context(), appointments.BookingInput{CalendarID: e.cal.ID, Start: slots[len(slots)-1].Start,
		Name: "Erika Muster", Email: "erika@example.org", SiteSlug: "landkreis-harz"})
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{
		"/landkreis-harz/beratung", "/beratung?thema=schuldnerberatung",
		"/landkreis-harz/beratung?ort=Magdeburg&thema=migrationsberatung&barriere=step-free&umkreis=25",
		"/landkreis-harz/beratung?ort=Atlantis",
		"/landkreis-harz/beratung/" + e.debt,
		"/landkreis-harz/beratung/" + e.addiction,
		"/landkreis-harz/termine/",
		"/landkreis-harz/termine/kalender/" + e.cal.ID,
		"/landkreis-harz/termine/buchung/" + tok.Page,
		"/landkreis-harz/termine/absagen/" + tok.Cancel,
		"/landkreis-harz/termine/absagen/ungueltig",
	}
	ctx, cancel := context.WithTimeout(root, 10*time.Minute)
	defer cancel()
	checked := 0
	check := func(lang, label string) {
		t.Helper()
		vs, err := runAxe(ctx, axe)
		if err != nil {
			t.Fatalf("%s %s: %v", lang, label, err)
		}
		checked++
		for _, v := range vs {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("%s %s: %s (%s) %s\n    %s", lang, label, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n    "))
			} else {
				t.Logf("%s %s: %s (%s) %s", lang, label, v.ID, v.Impact, v.Help)
			}
		}
	}
	for _, l := range Languages {
		for _, page := range pages {
			sep := "?"
			if strings.Contains(page, "?") {
				sep = "&"
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+page+sep+"lang="+l.Code)); err != nil {
				t.Fatalf("%s %s: %v", l.Code, page, err)
			}
			check(l.Code, page)
		}
		// The booking form after sending it empty: error summary and messages.
		if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/landkreis-harz/termine/kalender/"+e.cal.ID+"?lang="+l.Code),
			chromedp.Click(`form button[type="submit"]`), chromedp.WaitVisible("#fehlerliste")); err != nil {
			t.Fatalf("%s: submit the empty booking form: %v", l.Code, err)
		}
		check(l.Code, "booking form with errors")
	}
	t.Logf("axe-core checked %s", fmt.Sprintf("%d page views (%d pages × %d languages)", checked, len(pages)+1, len(Languages)))
}
