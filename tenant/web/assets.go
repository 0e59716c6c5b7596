package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"
)

// staticFS holds the files under static/: the vendored KERN UX build in
// static/kern/ and the platform's own app.css. It is read once by NewAssets.
//
//go:embed static
var staticFS embed.FS

// StaticPrefix is the URL prefix under which callers mount Assets.Handler.
const StaticPrefix = "/static/"

// fingerprintLen is the number of hex digits of the content hash put into a
// fingerprinted file name.
const fingerprintLen = 8

const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
)

// Assets serves the embedded static files. Each file is read and hashed once
// at start; Path gives the fingerprinted URL to put into pages, and Handler
// serves both the fingerprinted URL (cached for a year) and the plain one
// (revalidated with ETag and Last-Modified).
//
// CSS files have their relative url(...) references rewritten to the
// fingerprinted names, so fonts referenced by a stylesheet are cached for a
// year as well. A reference to a file that is not embedded makes NewAssets
// fail.
//
// Text files (CSS, JS, SVG, …) are sent gzip- or zstd-compressed to the
// clients that accept it, compressed once at the best level on first use
// (StaticBody); fonts and images as they are.
type Assets struct {
	byName   map[string]*asset // "kern/kern.min.css"
	byHashed map[string]*asset // "kern/kern.min.3f2a9c1b.css"
	modTime  time.Time
	fsys     fs.FS // where files kept as they are (fonts, images) are read from
}

type asset struct {
	name        string
	hashedName  string
	contentType string
	etag        string      // quoted, for the identity body
	body        []byte      // nil: served straight from the embedded file, not copied to the heap
	static      *StaticBody // for compressible files: the body with its gzip and zstd forms
}

// NewAssets reads and fingerprints the embedded files under static/.
func NewAssets() (*Assets, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("static assets: %w", err)
	}
	return newAssets(sub, time.Now())
}

// newAssets builds Assets from fsys; modTime is sent as Last-Modified for
// plain (not fingerprinted) names.
func newAssets(fsys fs.FS, modTime time.Time) (*Assets, error) {
	raw := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		raw[name] = b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static assets: %w", err)
	}

	a := &Assets{
		byName:   make(map[string]*asset, len(raw)),
		byHashed: make(map[string]*asset, len(raw)),
		modTime:  modTime.UTC().Truncate(time.Second),
		fsys:     fsys,
	}
	// Stylesheets are rewritten before they are hashed, so they are
	// resolved recursively: a stylesheet's hash depends on the hashes of the
	// files it references.
	building := map[string]bool{}
	var build func(name string) (*asset, error)
	build = func(name string) (*asset, error) {
		if done, ok := a.byName[name]; ok {
			return done, nil
		}
		if building[name] {
			return nil, fmt.Errorf("static assets: reference cycle through %s", name)
		}
		body, ok := raw[name]
		if !ok {
			return nil, fmt.Errorf("static assets: %s is not embedded", name)
		}
		if path.Ext(name) == ".css" {
			building[name] = true
			var err error
			body, err = rewriteCSSURLs(name, body, func(target string) (string, error) {
				t, err := build(target)
				if err != nil {
					return "", err
				}
				return t.hashedName, nil
			})
			delete(building, name)
			if err != nil {
				return nil, err
			}
		}
		as := newAsset(name, body)
		if path.Ext(name) != ".css" && as.static == nil {
			// Unchanged and sent as it is (fonts, images): read from
			// the embedded file per request rather than held twice.
			as.body = nil
		}
		a.byName[name] = as
		a.byHashed[as.hashedName] = as
		return as, nil
	}
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := build(name); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func newAsset(name string, body []byte) *asset {
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	as := &asset{
		name:        name,
		hashedName:  fingerprint(name, hash[:fingerprintLen]),
		contentType: contentType(name),
		etag:        `"` + hash[:32] + `"`,
		body:        body,
	}
	if CompressibleType(as.contentType) {
		as.static = NewStaticBody(body, as.contentType, as.etag)
	}
	return as
}

// fingerprint puts hash before the extension: "kern/kern.min.css" becomes
// "kern/kern.min.3f2a9c1b.css".
func fingerprint(name, hash string) string {
	ext := path.Ext(name)
	if ext == "" || strings.HasPrefix(path.Base(name), ".") {
		return name + "." + hash
	}
	return strings.TrimSuffix(name, ext) + "." + hash + ext
}

// Path returns the fingerprinted URL of the embedded file name, given
// relative to static/ ("kern/kern.min.css", "app.css"), e.g.
// "/static/kern/kern.min.3f2a9c1b.css". For a name that is not embedded it
// returns the plain URL, which the handler answers with 404.
func (a *Assets) Path(name string) string {
	name = strings.TrimPrefix(name, "/")
	if as, ok := a.byName[name]; ok {
		return StaticPrefix + as.hashedName
	}
	return StaticPrefix + name
}

// Handler serves the embedded files. Mount it at StaticPrefix
// (mux.Handle("GET /static/", assets.Handler())); it also works behind
// http.StripPrefix. Fingerprinted names are served with a one-year immutable
// Cache-Control, plain names with ETag and Last-Modified for revalidation; a
// fingerprinted name whose hash is not the current one is 404.
func (a *Assets) Handler() http.Handler {
	return http.HandlerFunc(a.serve)
}

func (a *Assets) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Methode nicht erlaubt", http.StatusMethodNotAllowed)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, StaticPrefix)
	if !ok {
		name = strings.TrimPrefix(r.URL.Path, "/")
	}
	as, immutable := a.byName[name], false
	if as == nil {
		as, immutable = a.byHashed[name], true
	}
	if as == nil {
		http.Error(w, "Datei nicht gefunden", http.StatusNotFound)
		return
	}

	h := w.Header()
	h.Set("Content-Type", as.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	modTime := a.modTime
	if immutable {
		h.Set("Cache-Control", cacheImmutable)
		modTime = time.Time{}
	} else {
		h.Set("Cache-Control", cacheRevalidate)
	}
	if as.static != nil {
		as.static.Serve(w, r, path.Base(as.name), modTime)
		return
	}
	h.Set("ETag", as.etag)
	if as.body != nil {
		http.ServeContent(w, r, path.Base(as.name), modTime, bytes.NewReader(as.body))
		return
	}
	f, err := a.fsys.Open(as.name)
	if err != nil {
		http.Error(w, "Datei nicht lesbar", http.StatusInternalServerError)
		return
	}
	defer f.Close()
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		http.Error(w, "Datei nicht lesbar", http.StatusInternalServerError)
		return
	}
	http.ServeContent(w, r, path.Base(as.name), modTime, rs)
}

// contentType maps the extensions of the files we embed; Go's built-in table
// lacks the font types and the system table differs between machines.
func contentType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".woff2":
		return "font/woff2"
	case ".woff":
		return "font/woff"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".ico":
		return "image/vnd.microsoft.icon"
	case ".json":
		return "application/json"
	case ".md":
		return "text/markdown; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

// cssURLs calls fn with each url(...) of a stylesheet, left to right and
// not overlapping, as the regular expression
//
//	url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)
//
// finds them: m holds the offsets in css of the whole match and of the
// double-quoted, single-quoted and bare value (-1 for the two not taken).
// A scan by hand, because the expression spent milliseconds in the long
// data: URIs of KERN's stylesheet at every start (and every test's server).
func cssURLs(css []byte, fn func(m []int)) {
	space := func(i int) int {
		for i < len(css) && strings.IndexByte(" \t\n\f\r", css[i]) >= 0 {
			i++
		}
		return i
	}
	for at := 0; ; {
		i := bytes.Index(css[at:], []byte("url("))
		if i < 0 {
			return
		}
		start := at + i
		m := []int{start, -1, -1, -1, -1, -1, -1, -1}
		v := space(start + len("url("))
		end := v
		g := 3 // the bare value
		if v < len(css) && (css[v] == '"' || css[v] == '\'') {
			if q := bytes.IndexByte(css[v+1:], css[v]); q >= 0 {
				g = 1
				if css[v] == '\'' {
					g = 2
				}
				m[2*g], m[2*g+1] = v+1, v+1+q
				end = v + 1 + q + 1
			}
		}
		if g == 3 {
			for end < len(css) && strings.IndexByte(")'\" \t\n\f\r", css[end]) < 0 {
				end++
			}
			m[6], m[7] = v, end
		}
		end = space(end)
		if end >= len(css) || css[end] != ')' {
			at = start + 1
			continue
		}
		m[1] = end + 1
		fn(m)
		at = m[1]
	}
}

// cssURLValue is the value of a url(...) that cssURLs found.
func cssURLValue(css []byte, m []int) string {
	for g := 1; g <= 3; g++ {
		if m[2*g] >= 0 {
			return string(css[m[2*g]:m[2*g+1]])
		}
	}
	return ""
}

// cssRefs returns the relative file references (url(...) values that are
// not data: URIs, absolute URLs or fragments) of a stylesheet, without any
// query or fragment.
func cssRefs(css []byte) []string {
	var refs []string
	cssURLs(css, func(m []int) {
		if p, _, ok := relativeRef(cssURLValue(css, m)); ok {
			refs = append(refs, p)
		}
	})
	return refs
}

// relativeRef splits a url(...) value into its path and a "?query#fragment"
// suffix; ok is false for references that are not relative file paths.
func relativeRef(ref string) (p, suffix string, ok bool) {
	if ref == "" || strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "/") ||
		strings.Contains(ref, ":") {
		return "", "", false
	}
	if i := strings.IndexAny(ref, "?#"); i >= 0 {
		return ref[:i], ref[i:], true
	}
	return ref, "", true
}

// rewriteCSSURLs replaces each relative url(...) of the stylesheet name with
// the fingerprinted name hashed(target) returns, keeping the reference
// relative.
func rewriteCSSURLs(name string, css []byte, hashed func(target string) (string, error)) ([]byte, error) {
	var out []byte
	var firstErr error
	done := 0 // css[:done] is in out
	cssURLs(css, func(m []int) {
		quote := ""
		switch {
		case m[2] >= 0:
			quote = `"`
		case m[4] >= 0:
			quote = `'`
		}
		ref := cssURLValue(css, m)
		p, suffix, ok := relativeRef(ref)
		if !ok || firstErr != nil {
			return
		}
		target := path.Join(path.Dir(name), p)
		if strings.HasPrefix(target, "../") {
			firstErr = fmt.Errorf("static assets: %s references %s outside static/", name, ref)
			return
		}
		h, err := hashed(target)
		if err != nil {
			firstErr = fmt.Errorf("static assets: %s references %s: %w", name, ref, err)
			return
		}
		dir := ""
		if i := strings.LastIndex(p, "/"); i >= 0 {
			dir = p[:i+1]
		}
		out = append(out, css[done:m[0]]...)
		out = append(out, "url("+quote+dir+path.Base(h)+suffix+quote+")"...)
		done = m[1]
	})
	if firstErr != nil {
		return nil, firstErr
	}
	return append(out, css[done:]...), nil
}
