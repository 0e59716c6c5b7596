// Package browsertest starts headless Chromium for the browser tests of
// the web surfaces (console, citizen portal): one browser per test
// (Start) or one per package with a browser context per test (Shared),
// skipped under -short and where Chromium is missing – except in CI, where
// a missing browser is a failure.
package browsertest

import (
	"context"
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
	skipWithoutChromium(t)
	opts := append(commonOptions(t.TempDir()), extra...)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}
