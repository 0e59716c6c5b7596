package www

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"sozialplattform/portal/forms/formstest"
	"sozialplattform/tenant/web"
)

// TestStepPageInTheBrowser: on a 390 px phone the first question of a
// step is on the first screen; "Ja" to "Sind Sie schwerbehindert?" shows
// "Grad der Behinderung" at once and records it as seen; the step
// buttons are tabbed in the order they are read; the main navigation's
// focus ring is visible on its white background.
func TestStepPageInTheBrowser(t *testing.T) {
	t.Parallel()
	root := browserContext(t)
	e, fstore, accounts := newAccountEnv(t)
	mux := http.NewServeMux()
	mux.Handle("GET "+web.StaticPrefix, e.portal.assets.Handler())
	e.portal.Register(mux)
	srv := httptest.NewServer(web.Chain(mux, web.SecurityHeaders(web.HeaderOptions{})))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(root, 8*time.Minute)
	defer cancel()
	acc := login(t, e, accounts, e.browser(t), "jana@example.org", "Ilse-Brocken-Harzweg-2026")
	d, err := fstore.CreateDraft(ctx, acc.ID, e.harz.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	st := formstest.HzL()[0]
	if _, err := fstore.SaveStep(ctx, acc.ID, d.ID, st.ID, st.Form, "de", nil); err != nil {
		t.Fatal(err)
	}
	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		for _, a := range actions {
			if err := chromedp.Do(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
	}
	eval := func(js string) float64 {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	str := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	run(chromedp.EmulateViewport(390, 844), chromedp.Navigate(srv.URL+"/landkreis-harz/servicekonto/anmelden?lang=de"),
		chromedp.SendKeys("#email", "jana@example.org"), chromedp.SendKeys("#passwort", "Ilse-Brocken-Harzweg-2026"))
	if err := submit(ctx, "#passwort"); err != nil {
		t.Fatalf("log in: %v", err)
	}
	if loc := str(`location.pathname`); strings.HasSuffix(loc, "/anmelden") {
		t.Fatalf("log in ended on %s", loc)
	}
	run(chromedp.Navigate(srv.URL + "/landkreis-harz/antrag/hzl/entwurf/" + d.ID + "/schritt/situation"))
	if err := waitFor(ctx, `document.querySelector("#schritt")`); err != nil {
		t.Fatal(err)
	}

	top := eval(`document.querySelector("#schritt .portal-field:not([hidden]) input, #schritt .portal-field:not([hidden]) select").getBoundingClientRect().top + window.scrollY`)
	t.Logf("first question at %.0f px on a 390 px phone", top)
	if top > 844 {
		t.Errorf("first question at %.0f px, below the first screen (844 px)", top)
	}
	if str(`String(document.querySelector('[data-name="gdb"]').hidden)`) != "true" {
		t.Fatal("gdb shown before its trigger")
	}
	run(chromedp.Click(`#f-schwerbehinderung-0`))
	if str(`String(document.querySelector('[data-name="gdb"]').hidden)`) != "false" {
		t.Error(`"Ja" does not show "Grad der Behinderung" at once`)
	}
	if seen := str(`document.querySelector('input[name="gesehen"]').value`); !containsWord(seen, "gdb") {
		t.Errorf("gdb not recorded as seen: %q", seen)
	}
	run(chromedp.Click(`#f-schwerbehinderung-1`))
	if str(`String(document.querySelector('[data-name="gdb"]').hidden)`) != "true" {
		t.Error(`"Nein" leaves "Grad der Behinderung" shown`)
	}
	// Tab order of the step buttons = reading order (top to bottom, then
	// left to right): the DOM order, as no tabindex reorders them.
	order := str(`(() => { const bs = [...document.querySelectorAll(".portal-steps button")].map(b => b.getBoundingClientRect());
		for (let i = 1; i < bs.length; i++) { const a = bs[i-1], b = bs[i];
			if (b.top < a.top - 1 || (Math.abs(b.top - a.top) <= 1 && b.left < a.left)) return "button " + i + " before " + (i-1); }
		return document.querySelector(".portal-steps [tabindex]") ? "tabindex" : "ok" })()`)
	if order != "ok" {
		t.Errorf("step buttons: %s", order)
	}
	// The main navigation's focus ring, reached with Tab.
	run(chromedp.Navigate(srv.URL + "/landkreis-harz/?lang=de"))
	for range 30 {
		if str(`document.activeElement.closest(".portal-nav") ? "nav" : ""`) == "nav" {
			break
		}
		run(chromedp.KeyEvent(kb.Tab))
	}
	ring := str(`(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + " " + s.outlineColor })()`)
	if ring == "" || strings.HasPrefix(ring, "none") || strings.Contains(ring, "rgb(255, 255, 255)") {
		t.Errorf("main navigation focus ring: %q", ring)
	}
}

func containsWord(list, w string) bool { return slices.Contains(strings.Fields(list), w) }
