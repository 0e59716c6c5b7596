package www

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"sozialplattform/portal/site"
)

// axeTags are the rule sets of WCAG 2.1 level AA.
const axeTags = `["wcag2a","wcag2aa","wcag21a","wcag21aa"]`

// browserContext is a browser context of its own for a test in the
// package's Chromium (tenant/browsertest: skipped under -short and,
// outside CI, where Chromium is missing), with a 1280 × 900 window.
func browserContext(t *testing.T) context.Context {
	t.Helper()
	return chromium.Context(t)
}

// phoneBrowser is browserContext with a 390 px wide viewport (a phone).
func phoneBrowser(t *testing.T) context.Context {
	t.Helper()
	ctx := browserContext(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatalf("phone viewport: %v", err)
	}
	return ctx
}

// axeSource is the vendored axe-core (testdata/axe), to inject with
// runAxe.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// axeViolation is what the test keeps of an axe result.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeWait bounds one run of axe-core on one page, the tab's first with
// the injection (under a load of 40 on two cores that took over a minute).
const axeWait = 3 * time.Minute

// runAxe runs the vendored axe-core on the current page and returns its
// WCAG 2.1 AA violations. The first run in a tab injects axe and has
// Chromium evaluate it in each later document of the tab as the document
// is created (Page.addScriptToEvaluateOnNewDocument): measured on the
// portal's pages that is a quarter less time per page than sending and
// evaluating the 650 kB again for each page.
func runAxe(ctx context.Context, axe string) ([]axeViolation, error) {
	ctx, cancel := context.WithTimeout(ctx, axeWait)
	defer cancel()
	// preload only media: of the rules these tags run, only
	// no-autoplay-audio preloads anything, and it needs media; the default
	// also fetches every stylesheet again for the CSS object model, which
	// only the experimental css-orientation-lock reads – a rule these tags
	// do not run. Measured: about a quarter less time per page.
	script := `typeof axe === "undefined" ? null : axe.run(document, {runOnly: {type: "tag", values: ` + axeTags + `}, resultTypes: ["violations"], preload: {assets: ["media"]}})
		.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
			nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " – " + (n.failureSummary || "").replace(/\s+/g, " "))})))`
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](script, chromedp.EvalAwaitPromise))
	if err == nil && (len(raw) == 0 || string(raw) == "null") {
		// Not in this document: the tab's first run.
		if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: axe}); err != nil {
			return nil, fmt.Errorf("install axe in the tab: %w", err)
		}
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
			return nil, fmt.Errorf("inject axe: %w", err)
		}
		raw, err = chromedp.Run(ctx, chromedp.Evaluate[[]byte](script, chromedp.EvalAwaitPromise))
	}
	if err != nil {
		return nil, fmt.Errorf("run axe: %w", err)
	}
	var out []axeViolation
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("axe result: %w", err)
	}
	return out, nil
}

// a11yPages are every page of the portal (each finder step included), in
// the form a citizen reaches them.
func a11yPages(p *Portal) []string {
	pages := []string{"/", "/?ort=Parchim", "/?ort=San", "/?ort=38871", "/?ort=Dr%C3%BCbeck", "/leistungen/"}
	for _, s := range site.Services {
		pages = append(pages, "/leistungen/"+s.Key)
	}
	pages = append(pages,
		"/leistungen/buergergeld/beantragen", "/leistungen/buergergeld/beantragen?ort=Ballenstedt",
		"/landkreis-harz/", "/landkreis-harz/leistungen/", "/landkreis-harz/leistungen/hzl/beantragen",
		"/landkreis-harz/leistungen/wohngeld/beantragen", "/landkreis-harz/antrag/hzl", "/landkreis-harz/beratung",
		"/wernigerode/", "/wernigerode/leistungen/hzl", "/wernigerode/leistungen/hzl/beantragen",
		"/leistungen/hzl/beantragen?ort=Ilsenburg", "/leistungen/hzl/beantragen?ort=38871",
		"/sozialleistungsfinder/")
	for i := range p.rules.Groups() {
		pages = append(pages, fmt.Sprintf("/sozialleistungsfinder/schritt/%d", i+1))
	}
	pages = append(pages, "/sozialleistungsfinder/ergebnis", "/landkreis-harz/sozialleistungsfinder/ergebnis",
		"/barrierefreiheit", "/impressum", "/datenschutz", "/landkreis-harz/impressum",
		"/leichte-sprache/", "/leichte-sprache/navigation", "/leichte-sprache/barrierefreiheit",
		"/gebaerdensprache", "/gibt-es-nicht/")
	return pages
}

// a11yEnv is a portal with content on every kind of page: a live
// Antragsstrecke, links, offices and a sign-language video.
func a11yEnv(t *testing.T) *env {
	e := newEnv(t)
	ctx := t.Context()
	e.services.live[e.harz.ID] = []string{"hzl", "grusi"}
	land, err := e.portal.landSite(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []*site.Link{
		{TenantID: land.Tenant.ID, Service: "buergergeld", Title: "Bürgergeld online beantragen", URL: "https://www.arbeitsagentur.de/arbeitslos-arbeit-finden/buergergeld"},
		{TenantID: e.harz.ID, Service: "wohngeld", Title: "Wohngeld beim Landkreis Harz", URL: "https://www.kreis-hz.de/wohngeld", Description: "Online-Antrag des Landkreises"},
	} {
		if err := e.portal.site.AddLink(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.portal.site.SaveOffice(ctx, &site.Office{TenantID: e.harz.ID, Rechtskreis: "sgb12", Name: "Sozialamt Landkreis Harz",
		Street: "Friedrich-Ebert-Straße 42", PostalCode: "38820", City: "Halberstadt", Phone: "03941 5970-0", Email: "sozialamt@kreis-hz.example", Hours: "Di 9–12 Uhr"}); err != nil {
		t.Fatal(err)
	}
	if err := e.portal.site.AddSignVideo(ctx, &site.SignVideo{TenantID: land.Tenant.ID, Title: "Die Sozialplattform in Gebärdensprache", URL: "https://video.example/dgs.mp4"}); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestAccessibility drives headless Chromium over every portal page in
// every language and runs axe-core (WCAG 2.1 A and AA rules) on each: no
// serious or critical violation may remain. Minor findings are logged.
func TestAccessibility(t *testing.T) {
	t.Parallel()
	root := browserContext(t)
	e := a11yEnv(t)
	axe := axeSource(t)
	pages := a11yPages(e.portal)

	// axe must see a planted violation, or a green run means nothing.
	if err := chromedp.Do(root, chromedp.Navigate(e.srv.URL+"/?lang=de"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("main").insertAdjacentHTML("beforeend", "<img src='x.png'>")`)); err != nil {
		t.Fatal(err)
	}
	planted, err := runAxe(root, axe)
	if err != nil || !slices.ContainsFunc(planted, func(v axeViolation) bool { return v.ID == "image-alt" }) {
		t.Fatalf("axe did not report a planted image without alt text: %v, %+v", err, planted)
	}

	// Three tabs share the work, each language is one job: while one tab
	// waits for the server or for the pipe to Chromium, another renders.
	jobs := make(chan Language)
	var mu sync.Mutex
	var failures []string
	checked, minor := 0, 0
	var wg sync.WaitGroup
	for range 3 {
		tab, cancel := chromedp.NewContext(root)
		defer cancel()
		// The first action opens the tab; it must run without a timeout,
		// which would close the tab when it ends.
		if err := chromedp.Do(tab); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lang := range jobs {
				for _, page := range pages {
					url := e.srv.URL + page
					sep := "?"
					if strings.Contains(page, "?") {
						sep = "&"
					}
					// The page and axe each have a deadline of their own.
					ctx, cancel := context.WithTimeout(tab, pageWait)
					err := chromedp.Do(ctx, chromedp.Navigate(url+sep+"lang="+lang.Code))
					cancel()
					var vs []axeViolation
					if err == nil {
						vs, err = runAxe(tab, axe)
					}
					mu.Lock()
					checked++
					if err != nil {
						failures = append(failures, fmt.Sprintf("%s %s: %v", lang.Code, page, err))
					}
					for _, v := range vs {
						if v.Impact == "serious" || v.Impact == "critical" {
							failures = append(failures, fmt.Sprintf("%s %s: %s (%s) %s\n    %s", lang.Code, page, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n    ")))
						} else {
							minor++
							t.Logf("%s %s: %s (%s) %s", lang.Code, page, v.ID, v.Impact, v.Help)
						}
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, l := range Languages {
		jobs <- l
	}
	close(jobs)
	wg.Wait()
	t.Logf("axe-core checked %d page views (%d pages × %d languages): %d serious or critical, %d minor violations",
		checked, len(pages), len(Languages), len(failures), minor)
	for _, f := range failures {
		t.Error(f)
	}
}

// TestKeyboardFinder walks through the whole finder with the keyboard only
// (Tab to reach a field, Space to choose, typing, Enter to go on) and runs
// axe on the pages that only a form submission reaches.
func TestKeyboardFinder(t *testing.T) {
	t.Parallel()
	root := browserContext(t)
	e := a11yEnv(t)
	axe := axeSource(t)
	ctx, cancel := context.WithTimeout(root, 8*time.Minute)
	defer cancel()
	active := func() string {
		id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.activeElement && (document.activeElement.id || document.activeElement.textContent.trim())) || ""`))
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// tabTo presses Tab until the element with the id (or a link or button
	// with the text) has the focus.
	tabTo := func(target string) {
		t.Helper()
		for range 80 {
			if os.Getenv("A11Y_DEBUG") != "" {
				t.Logf("focus: %q", active())
			}
			if active() == target {
				return
			}
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
				t.Fatal(err)
			}
		}
		t.Fatalf("Tab never reached %q (focus on %q)", target, active())
	}
	// choose selects a radio button the way a keyboard user does: Tab
	// into the group (onto its checked button), then the arrow keys.
	choose := func(group, id string) {
		t.Helper()
		for range 80 {
			if strings.HasPrefix(active(), group+"-") {
				break
			}
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
				t.Fatal(err)
			}
		}
		for range 10 {
			if active() == id {
				return
			}
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
				t.Fatal(err)
			}
		}
		t.Fatalf("arrow keys never reached %s", id)
	}
	press := func(keys string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.KeyEvent(keys)); err != nil {
			t.Fatal(err)
		}
	}
	arriveAt := func(path string) {
		t.Helper()
		p, _ := json.Marshal(path)
		if err := waitFor(ctx, "location.pathname === "+string(p)); err != nil {
			t.Fatalf("never arrived at %s: %v", path, err)
		}
	}
	axeCheck := func(what string) {
		t.Helper()
		vs, err := runAxe(ctx, axe)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("%s: %s (%s) %s\n    %s", what, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n    "))
			}
		}
	}

	base := "/landkreis-harz/sozialleistungsfinder/"
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+base+"?lang=de")); err != nil {
		t.Fatal(err)
	}
	cat := e.portal.cats["de"]
	tabTo(cat.T("finder.start"))
	press(kb.Enter)
	arriveAt(base + "schritt/1")

	// A wrong number first: the error is shown next to the field.
	choose("q-partner", "q-partner-yes")
	tabTo("q-children")
	press("99")
	tabTo(cat.T("finder.next"))
	press(kb.Enter)
	// The answer comes back to the same address, so wait for the error
	// itself rather than for the location.
	if err := waitFor(ctx, `((document.getElementById("q-children-fehler")||{}).textContent||"").includes("15")`); err != nil {
		msg, _ := evaluate[string](ctx, `(document.getElementById("q-children-fehler")||{}).textContent||""`)
		t.Fatalf("no error next to the field: %q (%v)", msg, err)
	}
	axeCheck("finder step with an error")
	tabTo("q-children")
	press(strings.Repeat(kb.Backspace, 3) + "1")

	// Each field: a radio group and the button to choose, or an input
	// (or checkbox) and what to type (Space ticks a checkbox).
	type step struct{ group, field, keys string }
	steps := [][]step{
		{{"q-child_care", "q-child_care-yes", ""}},
		{{"", "q-birth_year", "1958"}},
		{{"q-work_capacity", "q-work_capacity-yes", ""}, {"q-addiction", "q-addiction-yes", ""}},
		{{"q-education", "q-education-none", ""}},
		{{"", "q-income_gross", "0"}, {"", "q-income_net", "500"}, {"", "q-current_benefits-none", " "}, {"q-debts", "q-debts-yes", ""}},
		{{"", "q-rent", "400"}, {"q-rent_arrears", "q-rent_arrears-yes", ""}},
		{{"q-residence_status", "q-residence_status-german", ""}},
	}
	for i, fields := range steps {
		for _, f := range fields {
			if f.group != "" {
				choose(f.group, f.field)
				continue
			}
			tabTo(f.field)
			press(f.keys)
		}
		label := cat.T("finder.next")
		next := fmt.Sprintf("%sschritt/%d", base, i+2)
		if i == len(steps)-1 {
			label, next = cat.T("finder.showresult"), base+"ergebnis"
		}
		tabTo(label)
		press(kb.Enter)
		arriveAt(next)
	}
	body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Möglicherweise Anspruch", "Grundsicherung im Alter und bei Erwerbsminderung", "Übernahme von Mietrückständen"} {
		if !strings.Contains(body, want) {
			t.Errorf("result after the keyboard walk lacks %q", want)
		}
	}
	axeCheck("finder result after a full run")

	// The skip link is the first stop and moves the focus to the content.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/landkreis-harz/barrierefreiheit")); err != nil {
		t.Fatal(err)
	}
	press(kb.Tab)
	if got := active(); got != cat.T("nav.skip") {
		t.Errorf("first Tab stop = %q, want the skip link", got)
	}
	// The feedback form sent empty: errors next to the fields.
	tabTo(cat.T("feedback.submit"))
	press(kb.Enter)
	// The answer comes back to the same address: wait for the marked fields.
	if err := waitFor(ctx, `document.querySelectorAll('[aria-invalid="true"]').length > 0`); err != nil {
		t.Fatalf("the empty feedback form shows no field errors: %v", err)
	}
	axeCheck("feedback form with errors")
}
