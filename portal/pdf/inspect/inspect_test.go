package inspect

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sozialplattform/portal/pdf"
)

func classic(pages int) []byte {
	b := builder{objs: document(pages)}
	return b.bytes("")
}

func compressed(pages int) []byte {
	b := builder{objs: document(pages), compressed: true}
	return b.bytes("")
}

// rendered is an application PDF of the portal's own writer.
func rendered(t testing.TB) []byte {
	r, err := pdf.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	d := &pdf.Document{Title: "Antrag auf Hilfe zum Lebensunterhalt", Tenant: "Landkreis Harz", Platform: "Sozialplattform Sachsen-Anhalt",
		Date: time.Date(2026, 3, 2, 10, 15, 0, 0, time.UTC), Reference: "SP-2026-000123"}
	s := pdf.Section{Title: "Einkommen"}
	for range 80 {
		s.Rows = append(s.Rows, pdf.Row{Label: "Lohn", Value: "1.234,56 €"})
	}
	d.Sections = []pdf.Section{s}
	out, err := r.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func fixture(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestInspect is the specification: what a clerk's viewer opens passes
// with its page count, what it does not is refused with the reason.
func TestInspect(t *testing.T) {
	base := classic(2)
	shifted := bytes.Replace(base, []byte("%\xE2\xE3\xCF\xD3\n"), []byte("%\xE2\xE3\xCF\xD3\n% a comment a tool inserted after writing the offsets\n"), 1)
	loop := builder{objs: document(1)}
	loop.objs[2] = "<< /Type /Pages /Count 1 /Kids [2 0 R 3 0 R] >>" // the tree contains itself
	empty := builder{objs: map[int]string{1: "<< /Type /Catalog /Pages 2 0 R >>", 2: "<< /Type /Pages /Count 0 /Kids [] >>"}}
	noTree := builder{objs: map[int]string{1: "<< /Type /Catalog >>"}}
	dangling := builder{objs: map[int]string{1: "<< /Type /Catalog /Pages 2 0 R >>", 2: "<< /Type /Pages /Count 2 /Kids [7 0 R 8 0 R] >>"}}
	// (objects 7 and 8 are the object and cross-reference streams of the
	// compressed variant)
	secondPage := map[int]string{
		2:  "<< /Type /Pages /Count 3 /Kids [3 0 R 5 0 R 20 0 R] >>",
		20: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 21 0 R >>",
		21: "<< /Length 0 >>\nstream\n\nendstream",
	}
	deleted := map[int]string{2: "<< /Type /Pages /Count 0 /Kids [] >>"}
	deep := append([]byte("%PDF-1.7\n1 0 obj\n"), bytes.Repeat([]byte("["), 100_000)...)
	deep = append(deep, "\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"...)
	rendered := rendered(t)

	for _, tc := range []struct {
		name     string
		data     []byte
		pages    int
		err      error
		repaired bool
		enc      bool
	}{
		// valid files, as producers write them
		{"classic cross-reference table", base, 2, nil, false, false},
		{"object stream and cross-reference stream with predictor", compressed(3), 3, nil, false, false},
		{"incremental update adding a page", update(base, secondPage), 3, nil, false, false},
		{"incremental update on a cross-reference stream", update(compressed(2), secondPage), 3, nil, false, false},
		{"the portal's own application PDF", rendered, 3, nil, false, false},
		{"offsets wrong: repaired as viewers do", shifted, 2, nil, true, false},
		{"linearized, object streams (qpdf)", fixture(t, "linearized-objstm.pdf"), 2, nil, false, false},
		{"RC4 40 bit, no user password (qpdf)", fixture(t, "rc4-40-empty-user.pdf"), 2, nil, false, true},
		{"RC4 128 bit, no user password (qpdf)", fixture(t, "rc4-128-empty-user.pdf"), 2, nil, false, true},
		{"RC4 128 bit with object streams, no user password (qpdf)", fixture(t, "rc4-128-objstm-empty-user.pdf"), 2, nil, false, true},
		{"AES-128 with object streams, no user password (qpdf)", fixture(t, "aes128-objstm-empty-user.pdf"), 2, nil, false, true},
		{"AES-256 with object streams, no user password (qpdf)", fixture(t, "aes256-objstm-empty-user.pdf"), 2, nil, false, true},
		{"AES-256 revision 5, no user password (qpdf)", fixture(t, "aes256-r5-objstm-empty-user.pdf"), 2, nil, false, true},
		{"a page tree that contains itself still counts its page once", loop.bytes(""), 1, nil, false, false},

		// refused
		{"not a PDF", []byte("<html><script>alert(1)</script></html>"), 0, ErrNotPDF, false, false},
		{"HTML behind a PDF header (47 bytes)", []byte("%PDF-1.4\n<html><script>alert(1)</script></html>"), 0, ErrDamaged, false, false},
		{"HTML behind a PDF header, with %%EOF", []byte("%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n"), 0, ErrDamaged, true, false},
		{"cut short", base[:len(base)*2/3], 0, ErrDamaged, false, false},
		{"cut short, object streams", compressed(2)[:400], 0, ErrDamaged, false, false},
		{"zero pages", empty.bytes(""), 0, ErrNoPages, false, false},
		{"zero pages after an update deleted them", update(base, deleted), 0, ErrNoPages, false, false},
		{"catalog without a page tree", noTree.bytes(""), 0, ErrDamaged, false, false},
		{"page tree pointing at missing objects", dangling.bytes(""), 0, ErrNoPages, false, false},
		{"nested a hundred thousand arrays deep", deep, 0, ErrDamaged, true, false},
		{"AES-256 with a user password (qpdf)", fixture(t, "aes256-user-password.pdf"), 0, ErrPassword, false, true},
		{"RC4 with a user password (qpdf)", fixture(t, "rc4-128-user-password.pdf"), 0, ErrPassword, false, true},
		{"unknown security handler", []byte(strings.Replace(string(base), "/Root 1 0 R", "/Root 1 0 R /Encrypt << /Filter /Adobe.PubSec /V 4 /R 4 >>", 1)), 0, ErrPassword, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Inspect(tc.data)
			if tc.err == nil && err != nil || tc.err != nil && !errors.Is(err, tc.err) {
				t.Fatalf("Inspect = %+v, %v; want error %v", info, err, tc.err)
			}
			if info.Pages != tc.pages || info.Repaired != tc.repaired || info.Encrypted != tc.enc {
				t.Errorf("Inspect = %+v, want %d pages, repaired %v, encrypted %v", info, tc.pages, tc.repaired, tc.enc)
			}
		})
	}
}

// TestInspectAgreesWithPoppler: where poppler is installed, it counts the
// same pages in the files this package accepts.
func TestInspectAgreesWithPoppler(t *testing.T) {
	if _, err := execLookPath("pdfinfo"); err != nil {
		t.Skip("pdfinfo (poppler-utils) not installed; CI installs it with .ci/poppler-install")
	}
	for name, data := range map[string][]byte{"classic": classic(2), "compressed": compressed(3), "update": update(classic(1), map[int]string{
		2: "<< /Type /Pages /Count 2 /Kids [3 0 R 7 0 R] >>", 7: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"})} {
		info, err := Inspect(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := popplerPages(t, data); got != info.Pages {
			t.Errorf("%s: poppler counts %d pages, Inspect %d", name, got, info.Pages)
		}
	}
}

func BenchmarkInspect(b *testing.B) {
	for _, bc := range []struct {
		name string
		data []byte
	}{{"application-3-pages", rendered(b)}, {"aes256-objstm", fixture(b, "aes256-objstm-empty-user.pdf")}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Inspect(bc.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
