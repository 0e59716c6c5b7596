package main

// The console's browser tests (layout guard, README screenshots, seed
// story) share what is here, beside the headless Chromium of
// tenant/browsertest: the demo data they run on, and a person – a browser context of its own (its own
// cookies) that loads pages and sends forms as a person does, with the
// layout guard on every page it sees.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sozialplattform/tenant/browsertest"
)

// TestConsoleInTheBrowser runs the console's browser walks – the layout
// guard, the README screenshots and the seed story – side by side in one
// Chromium, each person in a browser context of its own (own cookies, own
// tab). A Chromium per walk cost a start and some 300 MB each, and as
// serial tests the walks ran alone, one after the other. The walks are
// subtests run from goroutines of this test rather than parallel subtests:
// those would wait for a free slot of -parallel behind every other test
// of the package, and the longest walks would start last.
func TestConsoleInTheBrowser(t *testing.T) {
	t.Parallel()
	root := browsertest.Start(t)
	var wg sync.WaitGroup
	for _, walk := range []struct {
		name string
		run  func(*testing.T, context.Context)
	}{
		{"SeedStory", seedStory},
		{"LayoutGuard", layoutGuard},
		{"READMEScreenshots", readmeScreenshots},
	} {
		wg.Go(func() { t.Run(walk.name, func(t *testing.T) { walk.run(t, root) }) })
	}
	wg.Wait()
}

// demoConsole is the application with the demo data of the marketplace
// and of onboarding, and with counsellingToo also the Beratungsstellen
// with their calendars.
func demoConsole(t *testing.T, counsellingToo bool) (*app, *httptest.Server) {
	t.Helper()
	a, srv := testApp(t)
	if err := a.market.LoadDemo(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := a.onboard.LoadDemo(t.Context()); err != nil {
		t.Fatal(err)
	}
	if counsellingToo {
		loadCounsellingDemo(t, a)
	}
	return a, srv
}

// person is one person's browser: a browser context of its own, the
// server's address and the layout problems of the pages it visited.
type person struct {
	t        *testing.T
	ctx      context.Context
	base     string
	problems *[]string
	leave    context.CancelFunc
}

// newPerson opens a browser context for one person in the test's Chromium;
// leave (or the test's end) closes it.
func newPerson(t *testing.T, root context.Context, base string, problems *[]string) person {
	t.Helper()
	ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first Run opens the tab and binds it to the context it gets:
	// this one, not a page's shorter deadline.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a browser context: %v", err)
	}
	return person{t: t, ctx: ctx, base: base, problems: problems, leave: cancel}
}

// visit loads path, runs the layout guard on it (at 390 and 1366 px) and
// returns the page's text.
func (p person) visit(path string) string {
	p.t.Helper()
	problems, _, err := checkLayoutWithin(p.ctx, p.base, path)
	if err != nil {
		p.t.Fatalf("%s: %v", path, err)
	}
	for _, pr := range problems {
		*p.problems = append(*p.problems, path+": "+pr)
	}
	ctx, cancel := context.WithTimeout(p.ctx, pageWait)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		p.t.Fatalf("%s: %v", path, err)
	}
	return text
}

// submit sends the form of the current page whose action is action and
// whose hidden fields hold match, after filling fill (text, select,
// radio, checkbox by name), as a person clicks its button; it waits for
// the next page and returns its path (with query), after the layout
// guard ran on it.
func (p person) submit(action string, match, fill map[string]string) string {
	p.t.Helper()
	path, err := sendForm(p.ctx, p.base, action, match, fill)
	if err != nil {
		p.t.Fatal(err)
	}
	p.visit(path)
	return path
}

// login signs in on the console's login page and fails the test unless
// it lands on the start page.
func (p person) login(email, password string) {
	p.t.Helper()
	if err := loadPage(p.ctx, p.base+"/admin/anmelden"); err != nil {
		p.t.Fatalf("login %s: %v", email, err)
	}
	path, err := sendForm(p.ctx, p.base, "/admin/anmelden", nil, map[string]string{"email": email, "passwort": password})
	if err != nil || path != "/admin/" {
		p.t.Fatalf("login %s ended at %s (%v)", email, path, err)
	}
}

// sendForm fills and sends a form of the current page (see submit) and
// returns the path of the page it leads to, once that page has loaded.
func sendForm(ctx context.Context, base, action string, match, fill map[string]string) (string, error) {
	m, _ := json.Marshal(match)
	f, _ := json.Marshal(fill)
	found, err := evaluate[bool](ctx, fmt.Sprintf(`(() => {
  const action = %q, match = %s || {}, fill = %s || {};
  const form = Array.from(document.forms).find(fm => {
    const a = fm.getAttribute("action");
    if (!(a === action || (action === "" && a === null && fm.method === "post"))) return false;
    return Object.entries(match).every(([k, v]) => fm.elements[k] && fm.elements[k].value === v);
  });
  if (!form) return false;
  for (const [k, v] of Object.entries(fill)) {
    const el = form.elements[k];
    if (!el) throw new Error("no field " + k);
    if (el instanceof RadioNodeList) { for (const r of el) r.checked = (r.value === v); }
    else if (el.type === "checkbox") el.checked = v !== "";
    else el.value = v;
  }
  window.__leaving = true;
  setTimeout(() => form.requestSubmit(), 0);
  return true;
})()`, action, m, f))
	if err != nil || !found {
		return "", fmt.Errorf("no form %s %v on the page (%v)", action, match, err)
	}
	loc, err := waitForNewDocument(ctx)
	if err != nil {
		return "", fmt.Errorf("form %s: %w", action, err)
	}
	path, _, _ := strings.Cut(strings.TrimPrefix(loc, base), "#")
	return path, nil
}

// loadPage opens url in the tab and waits until the new document has
// loaded: it marks the current document, lets the page navigate and asks
// until a document without the mark is complete.
//
// Why not chromedp.Navigate, SendKeys, Submit or WaitVisible: they wait
// for Chromium's events (a load event after an "init" lifecycle event of
// the frame chromedp believes current) and for chromedp's own copy of the
// DOM, which it fetches again after each navigation. Under load that copy
// can be the old page's (WaitVisible("h1") after Submit found the login
// page's heading; the next step saw /admin/anmelden) or missing, and a
// wait on an event that does not come has no end. Here every question
// is one Runtime.evaluate with a deadline of its own, asked again until
// the page says it is there.
func loadPage(ctx context.Context, url string) error {
	u, _ := json.Marshal(url)
	if _, err := evaluate[bool](ctx, `(() => { window.__leaving = true; location.assign(`+string(u)+`); return true; })()`); err != nil {
		return fmt.Errorf("navigate to %s: %w", url, err)
	}
	_, err := waitForNewDocument(ctx)
	return err
}

// pageWait bounds the wait for one page; evalWait one of the questions
// asked again and again while it loads.
const (
	pageWait = time.Minute
	evalWait = 20 * time.Second
)

// waitForNewDocument waits until the document that set window.__leaving
// has been replaced by one that has loaded completely, and returns its
// address.
func waitForNewDocument(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, pageWait)
	defer cancel()
	var last error
	for {
		loc, err := evaluate[string](ctx, `window.__leaving === undefined && document.readyState === "complete" ? location.href : ""`)
		if err == nil && loc != "" {
			return loc, nil
		}
		if err != nil {
			last = err
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("the next page did not load within %s (last answer: %v): %w", pageWait, last, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// evaluate runs a script in the page with a deadline of evalWait: during
// a navigation the page may not answer, and the caller asks again.
func evaluate[T any](ctx context.Context, script string, opts ...chromedp.EvaluateOption) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, evalWait)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](script, opts...))
}
