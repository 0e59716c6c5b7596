package portal

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// TestCachedPageCompressedOnce: a kept page is sent in the coding the
// client asks for from a form made once, with the coding's ETag, answers
// HEAD with the length GET sends, and is revalidated with any coding's
// ETag.
func TestCachedPageCompressedOnce(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	const page = "/leistungen/hzl"
	fresh := b.do("GET", page, nil, "Accept-Encoding", "identity")
	etag := fresh.header.Get("ETag")
	if fresh.status != http.StatusOK || etag == "" {
		t.Fatalf("first answer: %d, ETag %q", fresh.status, etag)
	}

	kept := b.do("GET", page, nil, "Accept-Encoding", "gzip, zstd")
	if kept.header.Get("Content-Encoding") != "zstd" || kept.header.Get("ETag") != etag[:len(etag)-1]+`-zstd"` {
		t.Fatalf("kept page: Content-Encoding %q, ETag %s (identity %s)", kept.header.Get("Content-Encoding"), kept.header.Get("ETag"), etag)
	}
	zr, err := zstd.NewReader(bytes.NewReader([]byte(kept.body)))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	plain, err := io.ReadAll(zr)
	if err != nil || string(plain) != fresh.body {
		t.Fatalf("decoded kept page: %d bytes, %v; want the %d bytes of the first answer", len(plain), err, len(fresh.body))
	}
	for _, h := range []string{"Content-Language", "Cache-Control"} {
		if kept.header.Get(h) != fresh.header.Get(h) {
			t.Errorf("%s: kept %q, fresh %q", h, kept.header.Get(h), fresh.header.Get(h))
		}
	}
	if v := kept.header.Values("Vary"); len(v) != 2 || v[1] != "Accept-Encoding" {
		t.Errorf("Vary %q", v)
	}

	gz := b.do("GET", page, nil, "Accept-Encoding", "gzip")
	req, err := http.NewRequest(http.MethodHead, e.srv.URL+page, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	head, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	head.Body.Close()
	if gz.header.Get("Content-Encoding") != "gzip" || head.Header.Get("Content-Encoding") != "gzip" || head.ContentLength != int64(len(gz.body)) {
		t.Errorf("gzip GET %q (%d bytes), HEAD %q with length %d", gz.header.Get("Content-Encoding"), len(gz.body),
			head.Header.Get("Content-Encoding"), head.ContentLength)
	}
	gr, err := gzip.NewReader(bytes.NewReader([]byte(gz.body)))
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := io.ReadAll(gr); err != nil || string(plain) != fresh.body {
		t.Errorf("decoded gzip page: %d bytes, %v", len(plain), err)
	}

	for _, held := range []string{etag, kept.header.Get("ETag"), gz.header.Get("ETag")} {
		if r := b.do("GET", page, nil, "Accept-Encoding", "gzip, zstd", "If-None-Match", held); r.status != http.StatusNotModified ||
			r.header.Get("ETag") != held {
			t.Errorf("If-None-Match %s: %d, ETag %s", held, r.status, r.header.Get("ETag"))
		}
	}
}
