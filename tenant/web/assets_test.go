package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func newTestAssets(t *testing.T) *Assets {
	t.Helper()
	a, err := NewAssets()
	if err != nil {
		t.Fatalf("NewAssets: %v", err)
	}
	return a
}

func get(t *testing.T, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestAssetsPathFingerprint(t *testing.T) {
	a := newTestAssets(t)
	tests := []struct {
		name string
		want string // regexp
	}{
		{"kern/kern.min.css", `^/static/kern/kern\.min\.[0-9a-f]{8}\.css$`},
		{"/kern/kern.min.css", `^/static/kern/kern\.min\.[0-9a-f]{8}\.css$`},
		{"kern/fonts/fira-sans.css", `^/static/kern/fonts/fira-sans\.[0-9a-f]{8}\.css$`},
		{"kern/fonts/fira-sans/FiraSans-Regular.woff2", `^/static/kern/fonts/fira-sans/FiraSans-Regular\.[0-9a-f]{8}\.woff2$`},
		{"app.css", `^/static/app\.[0-9a-f]{8}\.css$`},
		{"nicht/vorhanden.css", `^/static/nicht/vorhanden\.css$`},
	}
	for _, tt := range tests {
		if got := a.Path(tt.name); !regexp.MustCompile(tt.want).MatchString(got) {
			t.Errorf("Path(%q) = %q, want match %s", tt.name, got, tt.want)
		}
	}
	if a.Path("app.css") != a.Path("app.css") {
		t.Error("Path is not stable")
	}
}

func TestAssetsServe(t *testing.T) {
	a := newTestAssets(t)
	h := a.Handler()
	tests := []struct {
		name        string
		target      string
		status      int
		contentType string
		cache       string
	}{
		{"fingerprinted css", a.Path("kern/kern.min.css"), 200, "text/css; charset=utf-8", "public, max-age=31536000, immutable"},
		{"fingerprinted font", a.Path("kern/fonts/fira-sans/FiraSans-Bold.woff2"), 200, "font/woff2", "public, max-age=31536000, immutable"},
		{"fingerprinted app.css", a.Path("app.css"), 200, "text/css; charset=utf-8", "public, max-age=31536000, immutable"},
		{"plain css", "/static/kern/kern.min.css", 200, "text/css; charset=utf-8", "no-cache"},
		{"plain font", "/static/kern/fonts/fira-sans/FiraSans-Bold.woff2", 200, "font/woff2", "no-cache"},
		{"wrong hash", "/static/kern/kern.min.00000000.css", 404, "", ""},
		{"missing", "/static/kern/nichts.css", 404, "", ""},
		{"directory", "/static/kern/", 404, "", ""},
		{"traversal", "/static/../assets.go", 404, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(t, h, tt.target)
			if w.Code != tt.status {
				t.Fatalf("GET %s: status %d, want %d", tt.target, w.Code, tt.status)
			}
			if tt.status != 200 {
				return
			}
			if got := w.Header().Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if got := w.Header().Get("Cache-Control"); got != tt.cache {
				t.Errorf("Cache-Control = %q, want %q", got, tt.cache)
			}
			if w.Header().Get("ETag") == "" {
				t.Error("no ETag")
			}
			if w.Body.Len() == 0 {
				t.Error("empty body")
			}
		})
	}
}

func TestAssetsStripPrefixMount(t *testing.T) {
	a := newTestAssets(t)
	mux := http.NewServeMux()
	mux.Handle("GET /static/", a.Handler())
	mux.Handle("GET /x/", http.StripPrefix("/x", a.Handler()))
	if w := get(t, mux, a.Path("app.css")); w.Code != 200 {
		t.Errorf("via mux: status %d", w.Code)
	}
	if w := get(t, mux, "/x/app.css"); w.Code != 200 {
		t.Errorf("behind StripPrefix: status %d", w.Code)
	}
}

func TestAssetsPlainRevalidation(t *testing.T) {
	a := newTestAssets(t)
	h := a.Handler()
	w := get(t, h, "/static/app.css")
	etag, lastMod := w.Header().Get("ETag"), w.Header().Get("Last-Modified")
	if etag == "" || lastMod == "" {
		t.Fatalf("ETag %q, Last-Modified %q: want both", etag, lastMod)
	}
	if w := get(t, h, "/static/app.css", "If-None-Match", etag); w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", w.Code)
	}
	if w := get(t, h, "/static/app.css", "If-Modified-Since", lastMod); w.Code != http.StatusNotModified {
		t.Errorf("If-Modified-Since: status %d, want 304", w.Code)
	}
}

func TestAssetsGzip(t *testing.T) {
	a := newTestAssets(t)
	h := a.Handler()
	target := a.Path("kern/kern.min.css")
	plain := get(t, h, target)
	gz := get(t, h, target, "Accept-Encoding", "br, gzip;q=0.8")
	if gz.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip answer: %v", gz.Header())
	}
	if gz.Header().Get("Vary") != "Accept-Encoding" || plain.Header().Get("Vary") != "Accept-Encoding" {
		t.Error("Vary: Accept-Encoding missing")
	}
	if gz.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Error("gzip and identity answers share an ETag")
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, plain.Body.Bytes()) {
		t.Error("gzip body differs from identity body")
	}
	if w := get(t, h, target, "Accept-Encoding", "gzip;q=0"); w.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still got gzip")
	}
	// Fonts are compressed already.
	w := get(t, h, a.Path("kern/fonts/fira-sans/FiraSans-Bold.woff2"), "Accept-Encoding", "gzip")
	if w.Header().Get("Content-Encoding") != "" {
		t.Error("woff2 served gzipped")
	}
	// They are served straight from the embedded file, byte for byte, and
	// answer range requests.
	want, err := fs.ReadFile(staticFS, "static/kern/fonts/fira-sans/FiraSans-Bold.woff2")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w.Body.Bytes(), want) {
		t.Errorf("font body: %d bytes, want the embedded %d", w.Body.Len(), len(want))
	}
	if r := get(t, h, a.Path("kern/fonts/fira-sans/FiraSans-Bold.woff2"), "Range", "bytes=0-9"); r.Code != http.StatusPartialContent || !bytes.Equal(r.Body.Bytes(), want[:10]) {
		t.Errorf("range request: %d %q", r.Code, r.Body.Bytes())
	}
}

// TestAssetsPrecompressed: the stylesheets are sent in the coding the
// client prefers, compressed once; a client holding a compressed copy
// revalidates it through the Compress middleware, and a range request gets
// the identity bytes.
func TestAssetsPrecompressed(t *testing.T) {
	a := newTestAssets(t)
	h := Compress(CompressOptions{})(a.Handler())
	target := a.Path("kern/kern.min.css")
	plain := get(t, h, target)
	if plain.Header().Get("Content-Encoding") != "" || plain.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("identity answer: %v", plain.Header())
	}
	for _, tt := range []struct{ accept, want string }{
		{"gzip, deflate, br, zstd", "zstd"},
		{"gzip, zstd;q=0.5", "gzip"},
		{"x-gzip", "gzip"},
		{"br", ""},
	} {
		w := get(t, h, target, "Accept-Encoding", tt.accept)
		if got := w.Header().Get("Content-Encoding"); got != tt.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.want)
			continue
		}
		if got := decode(t, w.Header(), w.Body.Bytes()); !bytes.Equal(got, plain.Body.Bytes()) {
			t.Errorf("Accept-Encoding %q: decoded body differs from the identity body", tt.accept)
		}
		if tt.want == "" {
			continue
		}
		if w.Body.Len() > plain.Body.Len()/4 {
			t.Errorf("%s: %d of %d bytes", tt.want, w.Body.Len(), plain.Body.Len())
		}
		etag := w.Header().Get("ETag")
		if etag != etagFor(plain.Header().Get("ETag"), Encoding(tt.want)) {
			t.Errorf("%s: ETag %s, identity ETag %s", tt.want, etag, plain.Header().Get("ETag"))
		}
		if again := get(t, h, target, "Accept-Encoding", tt.accept, "If-None-Match", etag); again.Code != http.StatusNotModified ||
			again.Header().Get("ETag") != etag {
			t.Errorf("%s: revalidation: status %d, ETag %s", tt.want, again.Code, again.Header().Get("ETag"))
		}
	}
	// Compressed once: the second answer is the very same slice.
	as := a.byHashed[strings.TrimPrefix(target, StaticPrefix)]
	first, second := as.static.variant(Zstd), as.static.variant(Zstd)
	if len(first) == 0 || &first[0] != &second[0] {
		t.Error("the zstd form is built again per request")
	}
	r := get(t, h, target, "Accept-Encoding", "gzip", "Range", "bytes=0-99")
	if r.Code != http.StatusPartialContent || r.Header().Get("Content-Encoding") != "" || !bytes.Equal(r.Body.Bytes(), plain.Body.Bytes()[:100]) {
		t.Errorf("range request: status %d, Content-Encoding %q", r.Code, r.Header().Get("Content-Encoding"))
	}
}

func TestAssetsMethodNotAllowed(t *testing.T) {
	a := newTestAssets(t)
	w := httptest.NewRecorder()
	a.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/static/app.css", nil))
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q", w.Code, w.Header().Get("Allow"))
	}
}

// The vendored stylesheets must find every file they reference in the
// embedded file system, and the served (rewritten) stylesheets must point at
// fingerprinted files that are served.
func TestAssetsCSSReferencesEmbedded(t *testing.T) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		t.Fatal(err)
	}
	var sheets []string
	_ = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Ext(name) == ".css" {
			sheets = append(sheets, name)
		}
		return err
	})
	if len(sheets) < 3 {
		t.Fatalf("stylesheets found: %v", sheets)
	}
	fonts := 0
	for _, sheet := range sheets {
		css, err := fs.ReadFile(sub, sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range cssRefs(css) {
			target := path.Join(path.Dir(sheet), ref)
			if _, err := fs.Stat(sub, target); err != nil {
				t.Errorf("%s references %s: %v", sheet, ref, err)
			}
			if strings.HasSuffix(target, ".woff2") {
				fonts++
			}
		}
	}
	if fonts != 10 {
		t.Errorf("font references = %d, want the 10 of fira-sans.css", fonts)
	}

	a := newTestAssets(t)
	h := a.Handler()
	sheetPath := a.Path("kern/fonts/fira-sans.css")
	served := get(t, h, sheetPath).Body.Bytes()
	refs := cssRefs(served)
	if len(refs) != 10 {
		t.Fatalf("served fira-sans.css has %d references, want 10", len(refs))
	}
	for _, ref := range refs {
		u := path.Join(path.Dir(sheetPath), ref)
		if !regexp.MustCompile(`\.[0-9a-f]{8}\.woff2$`).MatchString(u) {
			t.Errorf("reference %s is not fingerprinted", ref)
		}
		w := get(t, h, u)
		if w.Code != 200 || w.Header().Get("Content-Type") != "font/woff2" ||
			w.Header().Get("Cache-Control") != cacheImmutable {
			t.Errorf("GET %s: %d %v", u, w.Code, w.Header())
		}
	}
}

func TestAssetsVendoredFiles(t *testing.T) {
	for _, name := range []string{"static/kern/LICENSE.md", "static/kern/README.kern.md", "static/kern/kern.min.css", "static/app.css"} {
		if _, err := fs.Stat(staticFS, name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	var total int64
	_ = fs.WalkDir(staticFS, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasSuffix(name, ".map") {
			t.Errorf("source map vendored: %s", name)
		}
		if !d.IsDir() {
			info, _ := d.Info()
			total += info.Size()
		}
		return nil
	})
	if total > 3<<20 {
		t.Errorf("static/ holds %d bytes, more than 3 MiB", total)
	}
}

func TestNewAssetsRewriting(t *testing.T) {
	fsys := fstest.MapFS{
		"a/main.css":     {Data: []byte(`@font-face{src:url("../f/x.woff2?v=1#a") format("woff2"),url(../f/x.woff)}.i{background:url('data:image/svg+xml,%3Csvg%3E')}.j{background:url(https://example.org/x.png)}@import url(sub.css);`)},
		"a/sub.css":      {Data: []byte(`.k{background:url(img/k.svg)}`)},
		"a/img/k.svg":    {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
		"f/x.woff2":      {Data: []byte("woff2")},
		"f/x.woff":       {Data: []byte("woff")},
		"LICENSE":        {Data: []byte("licence")},
		"b/.hidden.json": {Data: []byte("{}")},
	}
	a, err := newAssets(fsys, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	main := string(a.byName["a/main.css"].body)
	for _, want := range []string{
		`url("../f/` + path.Base(a.Path("f/x.woff2")) + `?v=1#a")`,
		`url(../f/` + path.Base(a.Path("f/x.woff")) + `)`,
		`url('data:image/svg+xml,%3Csvg%3E')`,
		`url(https://example.org/x.png)`,
		`url(` + path.Base(a.Path("a/sub.css")) + `)`,
	} {
		if !strings.Contains(main, want) {
			t.Errorf("main.css = %s\nwant it to contain %s", main, want)
		}
	}
	if sub := string(a.byName["a/sub.css"].body); !strings.Contains(sub, "url(img/"+path.Base(a.Path("a/img/k.svg"))+")") {
		t.Errorf("sub.css = %s", sub)
	}
	if got := a.Path("LICENSE"); !regexp.MustCompile(`^/static/LICENSE\.[0-9a-f]{8}$`).MatchString(got) {
		t.Errorf("Path(LICENSE) = %s", got)
	}
	if got := a.Path("b/.hidden.json"); !regexp.MustCompile(`^/static/b/\.hidden\.json\.[0-9a-f]{8}$`).MatchString(got) {
		t.Errorf("Path(b/.hidden.json) = %s", got)
	}

	for name, fsys := range map[string]fstest.MapFS{
		"missing":  {"x.css": {Data: []byte(`a{b:url(nope.woff2)}`)}},
		"outside":  {"x.css": {Data: []byte(`a{b:url(../up.woff2)}`)}},
		"cycle":    {"x.css": {Data: []byte(`@import url(y.css);`)}, "y.css": {Data: []byte(`@import url(x.css);`)}},
		"selfloop": {"x.css": {Data: []byte(`@import url(./x.css);`)}},
	} {
		if _, err := newAssets(fsys, time.Now()); err == nil {
			t.Errorf("%s: newAssets succeeded", name)
		}
	}
}

func BenchmarkAssetsServeFingerprinted(b *testing.B) {
	a, err := NewAssets()
	if err != nil {
		b.Fatal(err)
	}
	h := a.Handler()
	r := httptest.NewRequest(http.MethodGet, a.Path("kern/kern.min.css"), nil)
	r.Header.Set("Accept-Encoding", "gzip")
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
}

func BenchmarkNewAssets(b *testing.B) {
	for b.Loop() {
		if _, err := NewAssets(); err != nil {
			b.Fatal(err)
		}
	}
}
