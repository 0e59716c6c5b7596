package www

// What the browser tests share beside axe (a11y_test.go): the one
// Chromium of the package and waits that ask the page by script.
//
// Why the waits ask by script: chromedp's WaitReady and WaitVisible wait
// on chromedp's own copy of the DOM, which it fetches again after each
// navigation; after a form's redirect under load that copy can be the old
// page's, or missing, and the wait has no end (see
// cmd/sozialplattform/browser_helpers_test.go). Here every question is
// one Runtime.evaluate with a deadline of its own, asked again until the
// page says it is there.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sozialplattform/tenant/browsertest"
)

// chromium is the one headless Chromium of this package's browser tests;
// each test gets a browser context of its own in it (browserContext).
var chromium = browsertest.NewShared(chromedp.WindowSize(1280, 900))

func TestMain(m *testing.M) {
	code := m.Run()
	chromium.Close()
	os.Exit(code)
}

// pageWait bounds the wait for one page; evalWait one of the questions
// asked again and again while it loads, pollEvery apart.
const (
	pageWait  = time.Minute
	evalWait  = 20 * time.Second
	pollEvery = 25 * time.Millisecond
)

// evaluate runs a script in the page with a deadline of evalWait: during
// a navigation the page may not answer, and the caller asks again.
func evaluate[T any](ctx context.Context, script string) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, evalWait)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](script))
}

// waitFor asks the page until cond (a JavaScript expression) holds in a
// document that has loaded completely and that a leave (see submit) did
// not mark as the one before.
func waitFor(ctx context.Context, cond string) error {
	ctx, cancel := context.WithTimeout(ctx, pageWait)
	defer cancel()
	script := `window.__leaving === undefined && document.readyState === "complete" && !!(` + cond + `)`
	var last error
	for {
		ok, err := evaluate[bool](ctx, script)
		if err == nil && ok {
			return nil
		}
		if err != nil {
			last = err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the page did not show %s within %s (last error: %v)", cond, pageWait, last)
		case <-time.After(pollEvery):
		}
	}
}

// submit sends the form of the element sel as its submit button does,
// after marking the current document, and waits until the next document
// has loaded completely.
func submit(ctx context.Context, sel string) error {
	s, _ := json.Marshal(sel)
	ok, err := evaluate[bool](ctx, `(() => { const e = document.querySelector(`+string(s)+`); if (!e) return false;
		window.__leaving = true; const f = e.form || e.closest("form"); f.requestSubmit(e.type === "submit" ? e : undefined); return true; })()`)
	if err != nil {
		return fmt.Errorf("send the form of %s: %w", sel, err)
	}
	if !ok {
		return fmt.Errorf("no %s on the page", sel)
	}
	return waitFor(ctx, "true")
}
