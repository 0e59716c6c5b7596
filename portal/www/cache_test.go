package www

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// TestCachedPageCompressedOnce: a kept page is sent in the coding the
// client asks for from a form made once, with the coding's ETag, answers
// HEAD with the length GET sends, and is revalidated with any coding's
// ETag.
func TestCachedPageCompressedOnce(t *testing.T) {
	t.Parallel()
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

// TestFinderResultGzipped: the finder's result page, kept with a hole for
// the form token, goes to a client that takes gzip as a gzip stream spliced
// from its parts compressed once and this session's token; it decodes to
// exactly the identity answer, token included.
func TestFinderResultGzipped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.services.live[e.harz.ID] = []string{"grusi", "hzl"}
	b := e.browser(t)
	walk(t, b, "/landkreis-harz/sozialleistungsfinder/", map[string][]string{
		"partner": {"no"}, "children": {"0"}, "child_care": {"no"}, "birth_year": {"1955"}, "birth_month": {"4"},
		"work_capacity": {"temporary"}, "education": {"none"}, "income_gross": {"0"}, "income_net": {"700"},
		"current_benefits": {"none"}, "debts": {"yes"}, "rent": {"450"}, "rent_arrears": {"no"}, "residence_status": {"german"},
	}, e.portal)
	const result = "/landkreis-harz/sozialleistungsfinder/ergebnis"
	plain := b.do("GET", result, nil, "Accept-Encoding", "identity")
	if plain.status != http.StatusOK || plain.header.Get("Content-Encoding") != "" || !strings.Contains(plain.body, "Ihr Ergebnis") {
		t.Fatalf("identity result page: %d, Content-Encoding %q", plain.status, plain.header.Get("Content-Encoding"))
	}
	tok := csrf(t, plain.body)
	for round := range 2 { // the second answer comes from the kept page
		gz := b.do("GET", result, nil, "Accept-Encoding", "gzip, deflate, br, zstd")
		if gz.header.Get("Content-Encoding") != "gzip" || gz.header.Get("Content-Length") != strconv.Itoa(len(gz.body)) ||
			!strings.Contains(strings.Join(gz.header.Values("Vary"), ","), "Accept-Encoding") {
			t.Fatalf("round %d: Content-Encoding %q, Content-Length %s of %d bytes, Vary %q", round, gz.header.Get("Content-Encoding"),
				gz.header.Get("Content-Length"), len(gz.body), gz.header.Values("Vary"))
		}
		zr, err := gzip.NewReader(strings.NewReader(gz.body))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if string(got) != plain.body {
			t.Errorf("round %d: the gzip answer decodes to %d bytes, the identity answer has %d", round, len(got), len(plain.body))
		}
		if !strings.Contains(string(got), tok) || strings.Contains(string(got), tokenPlaceholder) {
			t.Errorf("round %d: the session's token is not in its holes", round)
		}
		if len(gz.body) > len(plain.body)/3 {
			t.Errorf("round %d: %d of %d bytes", round, len(gz.body), len(plain.body))
		}
	}
}
