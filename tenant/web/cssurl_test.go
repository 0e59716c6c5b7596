package web

import (
	"regexp"
	stdslices "slices"
	"testing"
)

// cssURLSpec is what cssURLs finds, as a regular expression: the
// specification the hand-written scan is held to.
var cssURLSpec = regexp.MustCompile(`url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)`)

func scanCSSURLs(css []byte) [][]int {
	var got [][]int
	cssURLs(css, func(m []int) { got = append(got, stdslices.Clone(m)) })
	return got
}

// FuzzCSSURLsMatchTheRegexp: the scan finds exactly the matches (and
// groups) the expression finds, on the seeds below and whatever the fuzzer
// makes of them.
func FuzzCSSURLsMatchTheRegexp(f *testing.F) {
	for _, seed := range []string{
		`a{background:url(img/a.png)}`,
		`@font-face{src:url( "fonts/f.woff2" ) format("woff2"),url('f.woff')}`,
		`x{mask:url("data:image/svg+xml,%3Csvg fill='url(%23g)'%3E")}`,
		`url()url( )url("")url('')url(a b)url("a"b)url('a)url(a"b)`,
		"url(\n\tx.png\r\n)url(\vx)",
		`url(url(a))`,
		`uurl(a)url(`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, css []byte) {
		want := cssURLSpec.FindAllSubmatchIndex(css, -1)
		if got := scanCSSURLs(css); !stdslices.EqualFunc(got, want, stdslices.Equal[[]int]) {
			t.Errorf("cssURLs(%q) = %v, the expression finds %v", css, got, want)
		}
	})
}

// BenchmarkCSSURLs scans KERN's stylesheet, whose data: URIs made the
// regular expression slow.
func BenchmarkCSSURLs(b *testing.B) {
	css, err := staticFS.ReadFile("static/kern/kern.min.css")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		cssURLs(css, func([]int) {})
	}
}
