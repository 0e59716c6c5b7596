package i18n

import (
	"strings"
	"testing"
)

// TestEmbeddedCatalogues: the embedded catalogues load, and every area
// that is translated is translated completely – same keys as German (a
// plural by its base key), same placeholders. German-only areas (the
// console) fall back on purpose.
func TestEmbeddedCatalogues(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if p := b.Problems(); len(p) > 0 {
		t.Errorf("catalogues incomplete:\n%s", strings.Join(p, "\n"))
	}
	for area, langs := range b.areas {
		if _, ok := langs[German]; !ok {
			t.Errorf("area %s without German", area)
		}
	}
	if Default() == nil || Default().German().Lang().Code != German {
		t.Error("Default is not German-backed")
	}
}
