// Package browsertest starts headless Chromium for the browser tests of
// the web surfaces (console, citizen portal): one browser per test,
// skipped under -short and where Chromium is missing – except in CI, where
// a missing browser is a failure.
package browsertest

import (
	"context"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// Chromium is Debian's Chromium, which .ci/chromium-install provides.
const Chromium = "/usr/bin/chromium"

// Start starts headless Chromium for t, with extra allocator options
// after the common ones, and returns the context of its first tab; the
// browser ends with the test.
func Start(t testing.TB, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("starts Chromium: full suite only")
	}
	if _, err := os.Stat(Chromium); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing (.ci/chromium-install installs it)", Chromium)
		}
		t.Skipf("%s not installed; run .ci/chromium-install", Chromium)
	}
	opts := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	}, extra...)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}
