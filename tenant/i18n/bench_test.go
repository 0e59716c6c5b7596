package i18n

import "testing"

// The portal looks texts up on every page, dozens per page; these keep
// the lookups allocation-light.
func BenchmarkLookup(b *testing.B) {
	c := Default().Catalogue("uk")
	for b.Loop() {
		_ = c.T("counselling.results.from")
	}
}

func BenchmarkTf(b *testing.B) {
	c := Default().Catalogue("ar")
	for b.Loop() {
		_ = c.Tf("counselling.results.from", "Halberstadt")
	}
}

func BenchmarkPlural(b *testing.B) {
	c := Default().Catalogue("ru")
	for b.Loop() {
		_ = c.Plural("counselling.results", 23)
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}
