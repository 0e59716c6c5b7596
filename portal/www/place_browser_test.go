package www

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sozialplattform/tenant/web"
)

// TestPlaceChoiceLayout opens the choice a shared postcode and an
// uncertain Ortsteil give, and a Gemeinde's pages that name the Landkreis,
// on a 390 px phone and a 1366 px screen: nothing runs off the side, and
// each choice is a target of at least 24 × 24 px (WCAG 2.2 SC 2.5.8). With
// SCREENSHOT_DIR set it saves the pages there (ortswahl-390.png,
// ortswahl-1366.png …) to look at.
func TestPlaceChoiceLayout(t *testing.T) {
	t.Parallel()
	root := browserContext(t)
	e := a11yEnv(t)
	// With the KERN styles, as the server serves them (the portal's own
	// handler leaves them to the platform).
	mux := http.NewServeMux()
	mux.Handle("GET "+web.StaticPrefix, e.portal.assets.Handler())
	e.portal.Register(mux)
	srv := httptest.NewServer(web.Chain(mux, web.SecurityHeaders(web.HeaderOptions{})))
	t.Cleanup(srv.Close)
	dir := os.Getenv("SCREENSHOT_DIR")
	for _, page := range []struct{ name, path string }{
		{"ortswahl", "/?ort=38871"},
		{"ortswahl-ortsteil", "/?ort=Dr%C3%BCbeck"},
		{"ortswahl-ar", "/?ort=39606&lang=ar"},
		{"gemeinde-start", "/wernigerode/"},
		{"gemeinde-beantragen", "/wernigerode/leistungen/hzl/beantragen"},
	} {
		for _, width := range []int64{390, 1366} {
			ctx, cancel := context.WithTimeout(root, 30*time.Second)
			err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(srv.URL+page.path))
			var overflow bool
			var smallest float64
			var png []byte
			if err == nil {
				overflow, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
			}
			if err == nil {
				smallest, err = chromedp.Run(ctx, chromedp.Evaluate[float64](`Math.min(1e9, ...[...document.querySelectorAll("section[aria-labelledby=orte] li a")]
					.map(a => { const r = a.getBoundingClientRect(); return Math.min(r.width, r.height) }))`))
			}
			if err == nil && dir != "" {
				// The screenshot is for a person to look at, not for a
				// check: taken only when SCREENSHOT_DIR asks for it.
				png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
			}
			cancel()
			if err != nil {
				t.Fatalf("%s at %d px: %v", page.path, width, err)
			}
			if overflow {
				t.Errorf("%s at %d px runs off the side", page.path, width)
			}
			if smallest < 24 {
				t.Errorf("%s at %d px: a choice is %.0f px, want at least 24", page.path, width, smallest)
			}
			if dir != "" {
				name := filepath.Join(dir, page.name+"-"+strconv.FormatInt(width, 10)+".png")
				if err := os.WriteFile(name, png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
