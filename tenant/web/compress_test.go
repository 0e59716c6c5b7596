package web

import (
	"bufio"
	"bytes"
	"compress/gzip" // the standard library's reader checks the klauspost writer
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// testPage is an HTML page of n bytes or a little more, varied enough to
// compress like a real one.
func testPage(n int) []byte {
	var b bytes.Buffer
	b.WriteString("<!doctype html><html lang=\"de\"><head><title>Hilfe zum Lebensunterhalt</title></head><body><main>\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "<li class=\"kern-list__item\"><a href=\"/landkreis-harz/leistungen/%d\">Leistung Nr. %d – Antrag stellen</a></li>\n", i*7, i)
	}
	b.WriteString("</main></body></html>\n")
	return b.Bytes()
}

// decode returns the body of w decoded by its Content-Encoding.
func decode(t *testing.T, header http.Header, body []byte) []byte {
	t.Helper()
	switch header.Get("Content-Encoding") {
	case "":
		return body
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		return out
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("zstd: %v", err)
		}
		defer zr.Close()
		out, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("zstd: %v", err)
		}
		return out
	default:
		return body // the handler's own coding: compared as it is
	}
}

func TestCompress(t *testing.T) {
	page := testPage(5000)
	small := testPage(500)[:500]
	const browser = "gzip, deflate, br, zstd"
	html := func(body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write(body)
		}
	}
	typed := func(ct string, body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			_, _ = w.Write(body)
		}
	}
	modTime := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	serveContent := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("ETag", `"seite1"`)
		http.ServeContent(w, r, "seite.html", modTime, bytes.NewReader(page))
	}
	tests := []struct {
		name     string
		method   string
		header   []string // request header pairs
		handler  http.HandlerFunc
		status   int
		encoding string // wanted Content-Encoding
		vary     bool   // wanted Vary: Accept-Encoding
		check    func(t *testing.T, h http.Header, body []byte)
		want     []byte // wanted decoded body (nil: page)
	}{
		{name: "HTML page, gzip", header: []string{"Accept-Encoding", "gzip"}, handler: html(page), encoding: "gzip", vary: true},
		{name: "HTML page, browser gets zstd", header: []string{"Accept-Encoding", browser}, handler: html(page), encoding: "zstd", vary: true},
		{name: "no Accept-Encoding: identity, still Vary", handler: html(page), vary: true},
		{name: "gzip;q=0 and no other coding", header: []string{"Accept-Encoding", "gzip;q=0"}, handler: html(page), vary: true},
		{name: "small body stays plain", header: []string{"Accept-Encoding", browser}, handler: html(small), vary: true, want: small},
		{name: "small body compressed when identity is refused", header: []string{"Accept-Encoding", "gzip, identity;q=0"},
			handler: html(small), encoding: "gzip", vary: true, want: small},
		{name: "JSON", header: []string{"Accept-Encoding", "gzip"}, handler: typed("application/json", page), encoding: "gzip", vary: true},
		{name: "problem+json error", header: []string{"Accept-Encoding", "gzip"}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write(page)
		}, status: http.StatusBadRequest, encoding: "gzip", vary: true},
		{name: "CSS", header: []string{"Accept-Encoding", "zstd"}, handler: typed("text/css", page), encoding: "zstd", vary: true},
		{name: "SVG", header: []string{"Accept-Encoding", "gzip"}, handler: typed("image/svg+xml", page), encoding: "gzip", vary: true},
		{name: "XML", header: []string{"Accept-Encoding", "gzip"}, handler: typed("application/xml", page), encoding: "gzip", vary: true},
		{name: "PDF is not compressed", header: []string{"Accept-Encoding", browser}, handler: typed("application/pdf", page)},
		{name: "PNG is not compressed", header: []string{"Accept-Encoding", browser}, handler: typed("image/png", page)},
		{name: "woff2 is not compressed", header: []string{"Accept-Encoding", browser}, handler: typed("font/woff2", page)},
		{name: "zip is not compressed", header: []string{"Accept-Encoding", browser}, handler: typed("application/zip", page)},
		{name: "handler's own Content-Encoding passes", header: []string{"Accept-Encoding", browser}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "br")
			_, _ = w.Write(page)
		}, encoding: "br"},
		{name: "Content-Length dropped when compressing", header: []string{"Accept-Encoding", "gzip"}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Length", strconv.Itoa(len(page)))
			_, _ = w.Write(page) // one write, as the portal's cached finder pages
		}, encoding: "gzip", vary: true, check: func(t *testing.T, h http.Header, body []byte) {
			if cl := h.Get("Content-Length"); cl != "" {
				t.Errorf("Content-Length %s kept on a compressed body", cl)
			}
		}},
		{name: "small Content-Length kept", header: []string{"Accept-Encoding", "gzip"}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Length", strconv.Itoa(len(small)))
			_, _ = w.Write(small)
		}, vary: true, want: small, check: func(t *testing.T, h http.Header, body []byte) {
			if h.Get("Content-Length") != strconv.Itoa(len(small)) {
				t.Errorf("Content-Length %q, want %d", h.Get("Content-Length"), len(small))
			}
		}},
		{name: "no Content-Type: sniffed before compressing", header: []string{"Accept-Encoding", "gzip"}, handler: func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write(page)
		}, encoding: "gzip", vary: true, check: func(t *testing.T, h http.Header, body []byte) {
			if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q, want the sniffed HTML type", ct)
			}
		}},
		{name: "no Content-Type, binary body: plain", header: []string{"Accept-Encoding", "gzip"}, handler: func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write(bytes.Repeat([]byte{0, 1, 2, 0xff}, 2000))
		}, want: bytes.Repeat([]byte{0, 1, 2, 0xff}, 2000)},
		{name: "many small writes", header: []string{"Accept-Encoding", "zstd"}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			for chunk := range slices(page, 37) {
				_, _ = w.Write(chunk)
			}
		}, encoding: "zstd", vary: true},
		{name: "ETag gets the coding's suffix", header: []string{"Accept-Encoding", "gzip"}, handler: serveContent, encoding: "gzip", vary: true,
			check: func(t *testing.T, h http.Header, body []byte) {
				if h.Get("ETag") != `"seite1-gzip"` {
					t.Errorf("ETag %s, want \"seite1-gzip\"", h.Get("ETag"))
				}
				if h.Get("Accept-Ranges") != "" {
					t.Error("Accept-Ranges on a compressed body")
				}
			}},
		{name: "weak ETag stays weak", header: []string{"Accept-Encoding", "zstd"}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("ETag", `W/"liste"`)
			_, _ = w.Write(page)
		}, encoding: "zstd", vary: true, check: func(t *testing.T, h http.Header, body []byte) {
			if h.Get("ETag") != `W/"liste-zstd"` {
				t.Errorf("ETag %s, want W/\"liste-zstd\"", h.Get("ETag"))
			}
		}},
		{name: "identity answer keeps its ETag", handler: serveContent, vary: true, check: func(t *testing.T, h http.Header, body []byte) {
			if h.Get("ETag") != `"seite1"` {
				t.Errorf("ETag %s, want \"seite1\"", h.Get("ETag"))
			}
		}},
		{name: "304 for the compressed ETag, which it repeats", header: []string{"Accept-Encoding", "gzip", "If-None-Match", `"seite1-gzip"`},
			handler: serveContent, status: http.StatusNotModified, want: []byte{}, vary: true, check: func(t *testing.T, h http.Header, body []byte) {
				if h.Get("ETag") != `"seite1-gzip"` {
					t.Errorf("ETag %s, want \"seite1-gzip\"", h.Get("ETag"))
				}
			}},
		{name: "304 for the identity ETag", header: []string{"Accept-Encoding", "gzip", "If-None-Match", `"seite1"`},
			handler: serveContent, status: http.StatusNotModified, want: []byte{}, vary: true, check: func(t *testing.T, h http.Header, body []byte) {
				if h.Get("ETag") != `"seite1"` {
					t.Errorf("ETag %s, want \"seite1\"", h.Get("ETag"))
				}
			}},
		{name: "range request: identity bytes", header: []string{"Accept-Encoding", "gzip", "Range", "bytes=0-99"}, handler: serveContent,
			status: http.StatusPartialContent, want: page[:100], check: func(t *testing.T, h http.Header, body []byte) {
				if h.Get("Content-Range") == "" || h.Get("ETag") != `"seite1"` {
					t.Errorf("Content-Range %q, ETag %s", h.Get("Content-Range"), h.Get("ETag"))
				}
			}},
		{name: "If-Range with a compressed ETag: whole identity body", header: []string{"Accept-Encoding", "gzip", "Range", "bytes=0-99",
			"If-Range", `"seite1-gzip"`}, handler: serveContent, vary: true},
		{name: "HEAD: headers of the compressed GET, no body", method: http.MethodHead, header: []string{"Accept-Encoding", "gzip"},
			handler: serveContent, encoding: "gzip", vary: true, want: []byte{}, check: func(t *testing.T, h http.Header, body []byte) {
				if h.Get("Content-Length") != "" || h.Get("ETag") != `"seite1-gzip"` {
					t.Errorf("Content-Length %q, ETag %s", h.Get("Content-Length"), h.Get("ETag"))
				}
			}},
		{name: "no-transform is respected", header: []string{"Accept-Encoding", "gzip"}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Cache-Control", "private, no-transform")
			_, _ = w.Write(page)
		}},
		{name: "204 has nothing to compress", header: []string{"Accept-Encoding", "gzip"}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNoContent)
		}, status: http.StatusNoContent, want: []byte{}},
		{name: "handler that writes nothing", header: []string{"Accept-Encoding", "gzip"}, handler: func(w http.ResponseWriter, r *http.Request) {},
			want: []byte{}},
		{name: "Vary of the handler is kept", header: []string{"Accept-Encoding", "gzip"}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Vary", "Accept-Language, Cookie")
			_, _ = w.Write(page)
		}, encoding: "gzip", vary: true, check: func(t *testing.T, h http.Header, body []byte) {
			if got := strings.Join(h.Values("Vary"), ", "); got != "Accept-Language, Cookie, Accept-Encoding" {
				t.Errorf("Vary %q", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			r := httptest.NewRequest(method, "/seite", nil)
			for i := 0; i+1 < len(tt.header); i += 2 {
				r.Header.Set(tt.header[i], tt.header[i+1])
			}
			w := httptest.NewRecorder()
			Compress(CompressOptions{})(tt.handler).ServeHTTP(w, r)
			res := w.Result()
			status := tt.status
			if status == 0 {
				status = http.StatusOK
			}
			if res.StatusCode != status {
				t.Errorf("status %d, want %d", res.StatusCode, status)
			}
			if got := res.Header.Get("Content-Encoding"); got != tt.encoding {
				t.Errorf("Content-Encoding %q, want %q", got, tt.encoding)
			}
			if got := strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding"); got != tt.vary {
				t.Errorf("Vary: Accept-Encoding %v, want %v (Vary %q)", got, tt.vary, res.Header.Values("Vary"))
			}
			raw := w.Body.Bytes()
			want := tt.want
			if want == nil {
				want = page
			}
			if method == http.MethodHead {
				if len(raw) != 0 {
					t.Errorf("HEAD answered with %d body bytes", len(raw))
				}
			} else if got := decode(t, res.Header, raw); !bytes.Equal(got, want) {
				t.Errorf("decoded body: %d bytes, want %d", len(got), len(want))
			}
			if tt.encoding == "gzip" || tt.encoding == "zstd" {
				if len(want) >= DefaultCompressMinSize && len(raw) >= len(want)/2 {
					t.Errorf("compressed body %d bytes of %d: hardly compressed", len(raw), len(want))
				}
			}
			if tt.check != nil {
				tt.check(t, res.Header, raw)
			}
		})
	}
}

// slices cuts b into pieces of n bytes.
func slices(b []byte, n int) func(yield func([]byte) bool) {
	return func(yield func([]byte) bool) {
		for len(b) > 0 {
			k := min(n, len(b))
			if !yield(b[:k]) {
				return
			}
			b = b[k:]
		}
	}
}

// TestCompressBrowserLikeClient fetches pages over a real connection with
// Go's HTTP client, which asks for gzip and decodes it as browsers do.
func TestCompressBrowserLikeClient(t *testing.T) {
	page := testPage(14000)
	srv := httptest.NewServer(Compress(CompressOptions{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(page)))
		_, _ = w.Write(page)
	})))
	defer srv.Close()
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		req := must(http.NewRequest(method, srv.URL+"/", nil))
		if method == http.MethodHead {
			// The client asks for gzip on its own only for GET.
			req.Header.Set("Accept-Encoding", "gzip")
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		if method == http.MethodHead {
			if len(body) != 0 || resp.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("HEAD: %d bytes, Content-Encoding %q", len(body), resp.Header.Get("Content-Encoding"))
			}
			continue
		}
		if !resp.Uncompressed {
			t.Error("the client got no compressed answer to decode")
		}
		if !bytes.Equal(body, page) {
			t.Errorf("decoded page: %d bytes, want %d", len(body), len(page))
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestCompressStreaming checks that Flush pushes compressed data out at
// once: the client reads the first part before the handler writes the
// second.
func TestCompressStreaming(t *testing.T) {
	for _, enc := range []string{"gzip", "zstd"} {
		t.Run(enc, func(t *testing.T) {
			read := make(chan struct{})
			srv := httptest.NewServer(Compress(CompressOptions{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				fmt.Fprintln(w, "erste Zeile")
				w.(http.Flusher).Flush()
				select {
				case <-read:
				case <-time.After(10 * time.Second):
					fmt.Fprintln(w, "the client did not get the first line")
					return
				}
				fmt.Fprintln(w, "zweite Zeile")
			})))
			defer srv.Close()
			req := must(http.NewRequest(http.MethodGet, srv.URL, nil))
			req.Header.Set("Accept-Encoding", enc)
			tr := &http.Transport{DisableCompression: true}
			defer tr.CloseIdleConnections()
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.Header.Get("Content-Encoding") != enc {
				t.Fatalf("Content-Encoding %q, want %s", resp.Header.Get("Content-Encoding"), enc)
			}
			var zr io.Reader
			if enc == "gzip" {
				zr, err = gzip.NewReader(resp.Body)
			} else {
				var d *zstd.Decoder
				d, err = zstd.NewReader(resp.Body)
				defer func() {
					if d != nil {
						d.Close()
					}
				}()
				zr = d
			}
			if err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(zr)
			first, err := br.ReadString('\n')
			if err != nil || first != "erste Zeile\n" {
				t.Fatalf("first line %q, %v", first, err)
			}
			close(read)
			rest, err := io.ReadAll(br)
			if err != nil || string(rest) != "zweite Zeile\n" {
				t.Fatalf("rest %q, %v", rest, err)
			}
		})
	}
}

// TestCompressPanicBreaksAnswer: a handler that panics after it began a
// compressed answer leaves it broken (Recover aborts), never completed
// with a valid trailer that would make the truncated page look whole.
func TestCompressPanicBreaksAnswer(t *testing.T) {
	page := testPage(8000)
	h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
		w.(http.Flusher).Flush()
		panic("kaputt")
	}), Compress(CompressOptions{}), Recover(discardLogger()))
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = nil
	srv.Start()
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		return // broken before the headers: fine as well
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Error("the client read a complete answer from a handler that panicked")
	}
}

// TestCompressUpgradePassesThrough: an upgrade request reaches the handler
// with the server's own ResponseWriter, which it can hijack.
func TestCompressUpgradePassesThrough(t *testing.T) {
	var hijackable bool
	h := Compress(CompressOptions{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, hijackable = w.(http.Hijacker)
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	req := must(http.NewRequest(http.MethodGet, srv.URL, nil))
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Connection", "Upgrade")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !hijackable {
		t.Error("the handler of an upgrade request got a wrapped ResponseWriter")
	}
}

// BenchmarkCompress measures real answers per coding: the marketplace
// catalogue page (13 KB HTML) and a counselling search of the public API
// (14 KB JSON), both saved from the demo. The allocation figures show that
// the pools work; wire-bytes is the size sent.
func BenchmarkCompress(b *testing.B) {
	for _, body := range []struct{ name, file, ct string }{
		{"html", "testdata/page.html", "text/html; charset=utf-8"},
		{"json", "testdata/list.json", "application/json"},
	} {
		data, err := os.ReadFile(body.file)
		if err != nil {
			b.Fatal(err)
		}
		h := Compress(CompressOptions{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", body.ct)
			_, _ = w.Write(data)
		}))
		for _, enc := range []string{"identity", "gzip", "zstd"} {
			b.Run(body.name+"/"+enc, func(b *testing.B) {
				r := httptest.NewRequest(http.MethodGet, "/", nil)
				if enc != "identity" {
					r.Header.Set("Accept-Encoding", enc)
				}
				w := &discardWriter{h: http.Header{}}
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					clear(w.h)
					w.n = 0
					h.ServeHTTP(w, r)
				}
				b.ReportMetric(float64(w.n), "wire-bytes")
			})
		}
	}
}

// discardWriter is a ResponseWriter that counts and forgets.
type discardWriter struct {
	h http.Header
	n int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(int)             {}
func (w *discardWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
