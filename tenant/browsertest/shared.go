package browsertest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// Shared is one headless Chromium for all the tests of a package: it
// starts with the first test that asks for it, each test gets a browser
// context of its own (its own cookies and storage, closed when the test
// ends) and the package's TestMain closes it after the last test. A
// browser per test costs a start of Chromium and its helper processes
// each time, and as many browsers side by side as tests run in parallel.
type Shared struct {
	extra []chromedp.ExecAllocatorOption

	once   sync.Once
	root   context.Context
	cancel context.CancelFunc
	dir    string
	err    error
}

// NewShared prepares a shared Chromium with extra allocator options after
// the common ones; it starts with the first Context.
func NewShared(extra ...chromedp.ExecAllocatorOption) *Shared {
	return &Shared{extra: extra}
}

// Context returns the first tab of a new browser context in the shared
// Chromium for t (skipped under -short and where Chromium is missing, as
// Start); the browser context closes with the test. Tabs opened from it
// with chromedp.NewContext share its cookies; chromedp.WithNewBrowserContext
// gives a tab cookies of its own.
func (s *Shared) Context(t testing.TB) context.Context {
	t.Helper()
	skipWithoutChromium(t)
	s.once.Do(s.start)
	if s.err != nil {
		t.Fatalf("start chromium: %v", s.err)
	}
	ctx, cancel := chromedp.NewContext(s.root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first action opens the tab and binds it to this context, not to
	// a shorter deadline a test puts on its first step.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a browser context: %v", err)
	}
	return ctx
}

// Close ends the shared Chromium, if it started, and removes its profile.
func (s *Shared) Close() {
	if s.cancel != nil {
		s.cancel()
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

func (s *Shared) start() {
	dir, err := os.MkdirTemp("", "browsertest-")
	if err != nil {
		s.err = fmt.Errorf("profile folder: %w", err)
		return
	}
	s.dir = dir
	opts := append(commonOptions(dir),
		// Tabs of parallel tests are in the background of each other:
		// their timers and rendering must not be throttled.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(opts, s.extra...)...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	s.root = browser
	s.cancel = func() { cancelBrowser(); cancelAlloc() }
	if err := chromedp.Do(browser); err != nil {
		s.err = err
	}
}

// skipWithoutChromium skips t under -short and where Chromium is missing,
// except in CI, where a missing browser fails t (as Start does).
func skipWithoutChromium(t testing.TB) {
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
}

// commonOptions are the allocator options of every browser the tests
// start (Start, Shared), with its profile in dir.
func commonOptions(dir string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
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
		chromedp.UserDataDir(dir),
	}
}
