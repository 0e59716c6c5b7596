package www

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"sozialplattform/tenant/web"
)

// StaticPrefix is where the portal's own static files are served, with
// fingerprinted names (/static/portal/portal.3f2a9c1b.css) cached for a
// year and plain names revalidated with ETag and Last-Modified – as
// tenant/web's Assets do for KERN UX.
const StaticPrefix = "/static/portal/"

type staticFile struct {
	name, hashed, contentType string
	body                      *web.StaticBody // with its gzip and zstd forms, made once
}

// staticFiles serves the embedded files below static/.
type staticFiles struct {
	byName, byHashed map[string]*staticFile
	modTime          time.Time
}

func newStaticFiles(fsys fs.FS, dir string) (*staticFiles, error) {
	sf := &staticFiles{byName: map[string]*staticFile{}, byHashed: map[string]*staticFile{}, modTime: time.Now().UTC().Truncate(time.Second)}
	err := fs.WalkDir(fsys, dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(name, dir+"/")
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:])
		ext := path.Ext(rel)
		ct := staticType(ext)
		f := &staticFile{name: rel, hashed: strings.TrimSuffix(rel, ext) + "." + h[:8] + ext,
			contentType: ct, body: web.NewStaticBody(body, ct, `"`+h[:32]+`"`)}
		sf.byName[rel], sf.byHashed[f.hashed] = f, f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("portal static files: %w", err)
	}
	return sf, nil
}

func staticType(ext string) string {
	switch ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".png":
		return "image/png"
	case ".svg":
		return "image/svg+xml"
	}
	return "application/octet-stream"
}

// Path returns the fingerprinted URL of a file ("portal.css").
func (sf *staticFiles) Path(name string) string {
	if f, ok := sf.byName[name]; ok {
		return StaticPrefix + f.hashed
	}
	return StaticPrefix + name
}

func (sf *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, StaticPrefix)
	f, immutable := sf.byHashed[name], true
	if f == nil {
		f, immutable = sf.byName[name], false
	}
	if f == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	modTime := sf.modTime
	if immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		modTime = time.Time{}
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	f.body.Serve(w, r, path.Base(f.name), modTime)
}
