package i18ntest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
)

func TestGoKeys(t *testing.T) {
	dir := t.TempDir()
	src := `package x
func f(c interface{ T(string) string; Tf(string, ...any) string }, id string) {
	_ = c.T("a.one")
	_ = c.Tf("a.two", 1)
	_ = c.T("a." + id) // built at run time: not found
	_ = Notice(nil, "market")
	_ = other("not.a.key")
}`
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x_test.go"), []byte(`package x
func g(c interface{ T(string) string }) { c.T("only.in.test") }`), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := GoKeys(dir, 0, "T", "Tf")
	if err != nil || !slices.Equal(got, []string{"a.one", "a.two"}) {
		t.Errorf("GoKeys = %v, %v", got, err)
	}
	got, err = GoKeys(dir, 1, "Notice")
	if err != nil || !slices.Equal(got, []string{"market"}) {
		t.Errorf("GoKeys(arg 1) = %v, %v", got, err)
	}
}

func TestTemplateKeys(t *testing.T) {
	fsys := fstest.MapFS{
		"tpl/a.html": {Data: []byte(`<h1>{{t "h.title"}}</h1>{{- tf "h.n" .N}} {{tfi "h.i" .X | print}} {{printf "%s" (t "h.nested")}}`)},
		"tpl/b.html": {Data: []byte(`{{.T "not.a.func"}} {{template "x" .}} {{tp "h.plural" 3}}`)},
	}
	got, err := TemplateKeys(fsys, "tpl", "t", "tf", "tfi", "tp")
	want := []string{"h.i", "h.n", "h.nested", "h.plural", "h.title"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("TemplateKeys = %v, %v; want %v", got, err, want)
	}
}
