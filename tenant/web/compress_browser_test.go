package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"

	"sozialplattform/tenant/browsertest"
)

// TestCompressInBrowser loads a page through Compress and its stylesheet
// from the precompressed Assets in headless Chromium, once as the browser
// asks (it offers zstd) and once with zstd struck from its offer (gzip),
// and checks that both came compressed and that the browser shows the page
// and applies the stylesheet. Without Chromium the test is skipped, except
// in CI.
func TestCompressInBrowser(t *testing.T) {
	assets := newTestAssets(t)
	css := assets.Path("kern/kern.min.css")
	page := strings.Replace(string(testPage(20000)), "</title>", `</title><link rel="stylesheet" href="`+css+`">`, 1)
	var mu sync.Mutex
	sent := map[string]string{} // path → Content-Encoding sent
	offered := map[string]string{}
	mux := http.NewServeMux()
	mux.Handle("GET "+StaticPrefix, assets.Handler())
	mux.HandleFunc("GET /seite", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	})
	record := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r)
			mu.Lock()
			sent[r.URL.Path] = w.Header().Get("Content-Encoding")
			offered[r.URL.Path] = r.Header.Get("Accept-Encoding")
			mu.Unlock()
		})
	}
	var onlyGzip atomic.Bool
	h := record(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if onlyGzip.Load() {
			r.Header.Set("Accept-Encoding", strings.ReplaceAll(r.Header.Get("Accept-Encoding"), "zstd", "x-unknown"))
		}
		Compress(CompressOptions{})(mux).ServeHTTP(w, r)
	}))

	ctx := browsertest.Start(t)

	for _, want := range []string{"zstd", "gzip"} {
		onlyGzip.Store(want == "gzip")
		srv := httptest.NewServer(h)
		clear(sent)
		err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/seite"))
		var text string
		var rules int
		if err == nil {
			text, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
		}
		if err == nil {
			rules, err = chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.styleSheets).reduce((n, s) => n + s.cssRules.length, 0)`))
		}
		srv.Close()
		if err != nil {
			t.Fatalf("%s: %v", want, err)
		}
		mu.Lock()
		t.Logf("Chromium offered %q; page sent as %q, stylesheet as %q", offered["/seite"], sent["/seite"], sent[css])
		if sent["/seite"] != want || sent[css] != want {
			t.Errorf("page sent as %q, stylesheet as %q, want %s", sent["/seite"], sent[css], want)
		}
		mu.Unlock()
		if !strings.Contains(text, "Leistung Nr. 150 – Antrag stellen") {
			t.Errorf("%s: the page's text did not arrive intact: %.200q", want, text)
		}
		if rules < 100 {
			t.Errorf("%s: the stylesheet has %d rules: not decoded", want, rules)
		}
	}
}
