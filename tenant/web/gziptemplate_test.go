package web

import (
	"bytes"
	"compress/gzip" // the standard library's reader checks the spliced stream
	"io"
	"strings"
	"testing"
)

func TestGzipTemplate(t *testing.T) {
	const hole = "PLATZHALTER-0123456789"
	page := string(testPage(30000))
	mid := strings.Index(page, "Leistung Nr. 100")
	tests := []struct {
		name, body string
		fill       string
	}{
		{"two holes", page[:mid] + hole + page[mid:] + hole, "token-abc"},
		{"hole at the start and in the middle", hole + page[:mid] + hole + page[mid:], "t"},
		{"no hole", page, "unused"},
		{"empty fill", page[:mid] + hole + page[mid:], ""},
		{"fill longer than a stored block", page[:mid] + hole + page[mid:], strings.Repeat("x", 70000)},
		{"only a hole", hole, "token"},
	}
	pc := NewPrecompressor()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(tt.body)
			var holes []int
			for off := 0; ; {
				i := strings.Index(tt.body[off:], hole)
				if i < 0 {
					break
				}
				holes = append(holes, off+i)
				off += i + len(hole)
			}
			identity := []byte(strings.ReplaceAll(tt.body, hole, tt.fill))
			g := pc.Template(body, holes, len(hole))
			for round := range 2 { // compressed once, filled twice
				gz := g.AppendGzip(nil, []byte(tt.fill), identity)
				zr, err := gzip.NewReader(bytes.NewReader(gz))
				if err != nil {
					t.Fatal(err)
				}
				zr.Multistream(false)
				got, err := io.ReadAll(zr)
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				if !bytes.Equal(got, identity) {
					t.Fatalf("round %d: decoded %d bytes, want %d", round, len(got), len(identity))
				}
				if len(identity) > 20000 && len(tt.fill) < 100 && len(gz) > len(identity)/3 {
					t.Errorf("%d of %d bytes: hardly compressed", len(gz), len(identity))
				}
			}
		})
	}
}

// BenchmarkGzipTemplate is the cost of one answer of a kept 30 KB page
// with a filled hole (compare BenchmarkCompress).
func BenchmarkGzipTemplate(b *testing.B) {
	const hole = "PLATZHALTER-0123456789"
	page := testPage(30000)
	body := append(append(bytes.Clone(page[:15000]), hole...), page[15000:]...)
	g := NewPrecompressor().Template(body, []int{15000}, len(hole))
	fill := []byte("f0rm-t0ken-of-this-session-0123456789abcdef")
	identity := append(append(bytes.Clone(page[:15000]), fill...), page[15000:]...)
	dst := g.AppendGzip(nil, fill, identity)
	b.ReportAllocs()
	b.SetBytes(int64(len(identity)))
	for b.Loop() {
		dst = g.AppendGzip(dst[:0], fill, identity)
	}
}
