package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sozialplattform/tenant"
)

// screenshotDir holds the README's pictures of the console, beside its
// templates.
const screenshotDir = "../../admin/screenshots"

// readmeScreenshots photographs the ministry's start page, a case page
// and the marketplace catalogue with the demo data, at 390 and 1366 px,
// and runs the layout guard on each. The pictures are written only on
// request (UPDATE_SCREENSHOTS=1), not on every run.
func readmeScreenshots(t *testing.T, root context.Context) {
	a, srv := demoConsole(t, true)
	bg := context.Background()
	harz, err := a.store.ResolveTenant(bg, "15085")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := a.onboard.ListCases(bg, harz.ID)
	if err != nil || len(cases) == 0 {
		t.Fatalf("Harz's cases: %v, %v", cases, err)
	}
	root, cancel := context.WithTimeout(root, 5*time.Minute)
	defer cancel()
	var problems []string
	ministry := newPerson(t, root, srv.URL, &problems)
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	ctx := ministry.ctx
	write := os.Getenv("UPDATE_SCREENSHOTS") == "1"
	if write {
		if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, shot := range []struct{ name, path string }{
		{"ministerium-start", "/admin/"},
		{"anbindungsfall", "/admin/anbindung/fall/" + cases[0].ID},
		{"marktplatz-katalog", "/marktplatz/"},
	} {
		ministry.visit(shot.path)
		for _, w := range layoutWidths {
			h := int64(900)
			if w < 600 {
				h = 844
			}
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, h)); err != nil {
				t.Fatalf("%s at %d px: %v", shot.path, w, err)
			}
			if err := loadPage(ctx, srv.URL+shot.path); err != nil {
				t.Fatalf("%s at %d px: %v", shot.path, w, err)
			}
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatalf("%s at %d px: %v", shot.path, w, err)
			}
			if len(png) < 8 || string(png[1:4]) != "PNG" {
				t.Fatalf("%s at %d px: no PNG (%d bytes)", shot.path, w, len(png))
			}
			if write {
				name := filepath.Join(screenshotDir, shot.name+"-"+itoa(int(w))+".png")
				if err := os.WriteFile(name, png, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("wrote %s (%d KB)", name, len(png)/1024)
			}
		}
	}
	if len(problems) > 0 {
		t.Errorf("%d layout problems:\n%s", len(problems), strings.Join(problems, "\n"))
	}
}
