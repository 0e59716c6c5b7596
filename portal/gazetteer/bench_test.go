package gazetteer

import (
	"runtime"
	"testing"

	"sozialplattform/tenant/gemeinden"
)

// BenchmarkLookup: one search of each kind; each should stay well under
// 50 µs (a portal page asks once).
func BenchmarkLookup(b *testing.B) {
	g := mustDefault(b)
	for _, bm := range []struct{ name, q string }{
		{"exact", "Wernigerode"},
		{"designation", "Lutherstadt Wittenberg"},
		{"postcode", "38871"},
		{"prefix", "Sangerh"},
		{"short prefix", "Sa"},
		{"typo", "Ilsneburg"},
		{"unknown", "Parchim"},
		{"postcode and name", "38871 Drübeck"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g.Lookup(bm.q)
			}
		})
	}
}

// BenchmarkNew builds the index from the parsed list and reports the heap
// it keeps.
func BenchmarkNew(b *testing.B) {
	list, err := gemeinden.Default()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var keep *Gazetteer
	for b.Loop() {
		keep = New(list)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	keep = New(list)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1024, "KiB-kept")
	runtime.KeepAlive(keep)
}
