package www

import (
	"testing"

	"sozialplattform/portal/finder"
	"sozialplattform/tenant/i18n"
	"sozialplattform/tenant/i18n/i18ntest"
)

// TestKeysUsedExist: every message key the surface names – as a literal
// in its Go code (cat.T("…"), Tf, TfIsolated, Named, Plural, Lookup), in
// its templates (t, tf, tfi, tp) or built from the finder's rules – is in
// the German catalogue; translations are checked against German in
// tenant/i18n.
func TestKeysUsedExist(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	inGo, err := i18ntest.GoKeys(".", 0, "T", "Tf", "TfIsolated", "Named", "Plural", "Lookup")
	if err != nil {
		t.Fatal(err)
	}
	inTemplates, err := i18ntest.TemplateKeys(files, "templates", "t", "tf", "tfi", "tp")
	if err != nil {
		t.Fatal(err)
	}
	rules, err := finder.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(inGo) < 50 || len(inTemplates) < 200 {
		t.Errorf("found only %d keys in Go and %d in templates; the scan misses calls", len(inGo), len(inTemplates))
	}
	for what, keys := range map[string][]string{"Go code": inGo, "templates": inTemplates, "finder rules": rules.TextKeys()} {
		for _, k := range b.Missing(keys) {
			t.Errorf("%s use %s, which the German catalogue lacks", what, k)
		}
	}
}
