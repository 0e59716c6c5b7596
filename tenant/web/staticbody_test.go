package web

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"
)

func TestStaticBody(t *testing.T) {
	page, err := os.ReadFile("testdata/page.html")
	if err != nil {
		t.Fatal(err)
	}
	const etag = `"seite"`
	for _, kind := range []struct {
		name string
		body *StaticBody
	}{
		{"best levels", NewStaticBody(page, "text/html; charset=utf-8", etag)},
		{"pooled encoders", NewPrecompressor().Body(page, "text/html; charset=utf-8", etag)},
	} {
		t.Run(kind.name, func(t *testing.T) {
			tests := []struct {
				name     string
				method   string
				header   []string
				status   int
				encoding string
				etag     string
				length   bool // Content-Length of the body sent
			}{
				{"identity", "GET", nil, 200, "", etag, true},
				{"gzip", "GET", []string{"Accept-Encoding", "gzip"}, 200, "gzip", `"seite-gzip"`, true},
				{"zstd", "GET", []string{"Accept-Encoding", "gzip, br, zstd"}, 200, "zstd", `"seite-zstd"`, true},
				{"HEAD tells the encoded length", "HEAD", []string{"Accept-Encoding", "zstd"}, 200, "zstd", `"seite-zstd"`, true},
				{"held identity, now offers zstd", "GET", []string{"Accept-Encoding", "zstd", "If-None-Match", etag}, 304, "", etag, false},
				{"held gzip, now offers zstd", "GET", []string{"Accept-Encoding", "zstd", "If-None-Match", `W/"seite-gzip"`}, 304, "", `"seite-gzip"`, false},
				{"held another page", "GET", []string{"Accept-Encoding", "zstd", "If-None-Match", `"andere-zstd"`}, 200, "zstd", `"seite-zstd"`, true},
				{"If-None-Match star", "GET", []string{"If-None-Match", "*"}, 304, "", etag, false},
				{"failed If-Match: 412 without a length", "GET", []string{"Accept-Encoding", "gzip", "If-Match", `"andere"`}, 412, "gzip", `"seite-gzip"`, false},
				{"range: identity bytes", "GET", []string{"Accept-Encoding", "gzip", "Range", "bytes=10-19"}, 206, "", etag, true},
			}
			for _, tt := range tests {
				r := httptest.NewRequest(tt.method, "/seite", nil)
				for i := 0; i+1 < len(tt.header); i += 2 {
					r.Header.Set(tt.header[i], tt.header[i+1])
				}
				w := httptest.NewRecorder()
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				kind.body.Serve(w, r, "", time.Time{})
				h := w.Header()
				if w.Code != tt.status || h.Get("Content-Encoding") != tt.encoding || h.Get("ETag") != tt.etag || h.Get("Vary") != "Accept-Encoding" {
					t.Errorf("%s: %d, Content-Encoding %q, ETag %s, Vary %q; want %d, %q, %s", tt.name, w.Code, h.Get("Content-Encoding"),
						h.Get("ETag"), h.Get("Vary"), tt.status, tt.encoding, tt.etag)
					continue
				}
				cl := h.Get("Content-Length")
				if !tt.length {
					if cl != "" {
						t.Errorf("%s: Content-Length %s on an answer without body", tt.name, cl)
					}
					continue
				}
				want := w.Body.Len()
				if tt.method == http.MethodHead {
					want = len(kind.body.variant(Encoding(tt.encoding)))
				}
				if cl != strconv.Itoa(want) {
					t.Errorf("%s: Content-Length %q, want %d", tt.name, cl, want)
				}
				if tt.status == 200 && tt.method == http.MethodGet {
					if got := decode(t, h, w.Body.Bytes()); string(got) != string(page) {
						t.Errorf("%s: decoded body differs", tt.name)
					}
				}
			}
		})
	}
}

func TestStaticBodyNotCompressible(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n" + string(make([]byte, 4000)))
	sb := NewStaticBody(png, "image/png", `"bild"`)
	r := httptest.NewRequest(http.MethodGet, "/bild.png", nil)
	r.Header.Set("Accept-Encoding", "gzip, zstd")
	w := httptest.NewRecorder()
	sb.Serve(w, r, "bild.png", time.Time{})
	if w.Header().Get("Content-Encoding") != "" || w.Header().Get("Vary") != "" || w.Body.Len() != len(png) {
		t.Errorf("PNG: Content-Encoding %q, Vary %q, %d bytes", w.Header().Get("Content-Encoding"), w.Header().Get("Vary"), w.Body.Len())
	}
}

// BenchmarkStaticBodyServe is the cost of sending a kept page in a coding
// made once (compare BenchmarkCompress, which compresses per request).
func BenchmarkStaticBodyServe(b *testing.B) {
	page, err := os.ReadFile("testdata/page.html")
	if err != nil {
		b.Fatal(err)
	}
	sb := NewPrecompressor().Body(page, "text/html; charset=utf-8", `"seite"`)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	w := &discardWriter{h: http.Header{}}
	sb.Serve(w, r, "", time.Time{}) // compresses
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		w.h.Set("Content-Type", "text/html; charset=utf-8")
		sb.Serve(w, r, "", time.Time{})
	}
}
