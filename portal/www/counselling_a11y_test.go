package www

import (
	"context"
	"fmt"
	"strings"
	"sync"
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
	// Two tabs share the work, each language is one job (as in
	// TestAccessibility); a tab's problems are reported at the end.
	jobs := make(chan string)
	var mu sync.Mutex
	var failures []string
	checked := 0
	check := func(ctx context.Context, lang, label string) {
		vs, err := runAxe(ctx, axe)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s %s: %v", lang, label, err))
			return
		}
		checked++
		for _, v := range vs {
			if v.Impact == "serious" || v.Impact == "critical" {
				failures = append(failures, fmt.Sprintf("%s %s: %s (%s) %s\n    %s", lang, label, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n    ")))
			} else {
				t.Logf("%s %s: %s (%s) %s", lang, label, v.ID, v.Impact, v.Help)
			}
		}
	}
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}
	var wg sync.WaitGroup
	for range 2 {
		tab, cancel := chromedp.NewContext(root)
		defer cancel()
		// The first action opens the tab; it must run without a timeout,
		// which would close the tab when it ends.
		if err := chromedp.Do(tab); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			for lang := range jobs {
				for _, page := range pages {
					sep := "?"
					if strings.Contains(page, "?") {
						sep = "&"
					}
					ctx, cancel := context.WithTimeout(tab, pageWait)
					err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+page+sep+"lang="+lang))
					cancel()
					if err != nil {
						fail("%s %s: %v", lang, page, err)
						continue
					}
					check(tab, lang, page)
				}
				// The booking form after sending it empty: error summary and messages.
				ctx, cancel := context.WithTimeout(tab, pageWait)
				err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/landkreis-harz/termine/kalender/"+e.cal.ID+"?lang="+lang))
				cancel()
				if err == nil {
					err = submit(tab, `form button[type="submit"]`)
				}
				if err == nil {
					err = waitFor(tab, `(e => e && e.getClientRects().length > 0)(document.getElementById("fehlerliste"))`)
				}
				if err != nil {
					fail("%s: submit the empty booking form: %v", lang, err)
					continue
				}
				check(tab, lang, "booking form with errors")
			}
		})
	}
	for _, l := range Languages {
		jobs <- l.Code
	}
	close(jobs)
	wg.Wait()
	t.Logf("axe-core checked %d page views (%d pages × %d languages)", checked, len(pages)+1, len(Languages))
	if want := (len(pages) + 1) * len(Languages); checked != want && len(failures) == 0 {
		t.Errorf("axe-core checked %d page views, want %d", checked, want)
	}
	for _, f := range failures {
		t.Error(f)
	}
}
