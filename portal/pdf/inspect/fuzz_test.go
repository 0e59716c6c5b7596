package inspect

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzInspect: whatever a citizen uploads, Inspect returns – no panic, no
// endless loop – with pages, or with one of its reasons.
func FuzzInspect(f *testing.F) {
	f.Add(classic(1))
	f.Add(compressed(2))
	f.Add(update(classic(1), map[int]string{2: "<< /Type /Pages /Count 0 /Kids [] >>"}))
	f.Add([]byte("%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF"))
	files, _ := filepath.Glob("testdata/*.pdf")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Inspect(data)
		switch {
		case err == nil && info.Pages < 1:
			t.Fatalf("accepted without pages: %+v", info)
		case err != nil && !errors.Is(err, ErrNotPDF) && !errors.Is(err, ErrDamaged) && !errors.Is(err, ErrNoPages) && !errors.Is(err, ErrPassword):
			t.Fatalf("error of no known kind: %v", err)
		}
	})
}
