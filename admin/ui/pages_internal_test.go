package ui

import (
	"html/template"
	"strings"
	"testing"
	"testing/fstest"
)

// A broken page stops the start with its file named, whichever pages come
// before it; the pages that parse each render their own content, although
// the check at start parsed them all into one set.
func TestParsePagesChecksEveryPageAndKeepsThemApart(t *testing.T) {
	t.Parallel()
	base := template.Must(template.New("layout").Funcs(template.FuncMap{"upper": strings.ToUpper}).
		Parse(`{{define "layout"}}<main>{{template "content" .}}</main>{{end}}`))
	good := fstest.MapFS{
		"pages/a.html": {Data: []byte(`{{define "content"}}A {{upper .}}{{end}}`)},
		"pages/b.html": {Data: []byte(`{{define "content"}}B {{.}}{{end}}`)},
	}
	for _, tc := range []struct{ name, file, body string }{
		{"syntax", "pages/c.html", `{{define "content"}}{{if .}}{{end}}`},
		{"unknown function", "pages/c.html", `{{define "content"}}{{lower .}}{{end}}`},
		{"first of all", "pages/0.html", `{{define "content"}}{{.Missing}`},
	} {
		fsys := fstest.MapFS{tc.file: {Data: []byte(tc.body)}}
		for k, v := range good {
			fsys[k] = v
		}
		if _, err := parsePages(base, fsys, "pages/*.html", ""); err == nil || !strings.Contains(err.Error(), tc.file) {
			t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.file)
		}
	}
	pages, err := parsePages(base, good, "pages/*.html", "x-")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"x-a": "<main>A HARZ</main>", "x-b": "<main>B harz</main>"} {
		tmpl, err := pages[name].template()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var out strings.Builder
		if err := tmpl.ExecuteTemplate(&out, "layout", "harz"); err != nil || out.String() != want {
			t.Errorf("%s renders %q (%v), want %q", name, out.String(), err, want)
		}
	}
}
