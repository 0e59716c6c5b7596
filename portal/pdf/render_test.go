package pdf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sample(rows int) *Document {
	d := &Document{
		Title: "Antrag auf Hilfe zum Lebensunterhalt", Tenant: "Landkreis Harz", Address: []string{"Friedrich-Ebert-Straße 42", "38820 Halberstadt"},
		Reference: "SP-2026-000123", Date: time.Date(2026, 3, 2, 10, 15, 0, 0, time.UTC), Version: "HzL 1.0",
		Platform: "Sozialplattform Sachsen-Anhalt",
	}
	s := Section{Title: "Antragsteller:in", Rows: []Row{
		{Label: "Familienname", Value: "Müller-Lüdenscheidt"}, {Label: "Vorname", Value: "Jürgen"},
		{Label: "Name (Russisch)", Value: "Юрий Гагарин"}, {Label: "Name (Arabisch)", Value: "محمد علي"},
		{Label: "Türkçe", Value: "Gülşen Ağaoğlu"},
		{Label: "Beschreibung der Notlage", Value: strings.Repeat("Der Strom soll nächste Woche abgestellt werden. ", 8)},
	}}
	for i := 0; i < rows; i++ {
		s.Rows = append(s.Rows, Row{Label: fmt.Sprintf("Einkommen %d", i+1), Value: "1.234,56 €"})
	}
	d.Sections = []Section{s, {Title: "Haushalt", Rows: []Row{{Label: "Person 1", Heading: true}, {Label: "Vorname", Value: "Mia"}}}, {Title: "Vermögen"}}
	return d
}

func TestRender(t *testing.T) {
	out, err := Render(sample(60))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte("%PDF-")) || !bytes.Contains(out, []byte("FontFile2")) {
		t.Fatalf("not a PDF with an embedded TrueType font (%d bytes)", len(out))
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed: text check skipped")
	}
	path := filepath.Join(t.TempDir(), "antrag.pdf")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	txt, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Antrag auf Hilfe zum Lebensunterhalt", "SP-2026-000123", "Landkreis Harz", "Müller-Lüdenscheidt",
		"Юрий Гагарин", "Gülşen Ağaoğlu", "02.03.2026", "Seite 1 von 3", "Einkommen 60", "Keine Angaben"} {
		if !strings.Contains(string(txt), want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	info, _ := exec.Command("pdfinfo", path).Output()
	if !strings.Contains(string(info), "A4") && !strings.Contains(string(info), "595.28 x 841.89") {
		t.Errorf("not A4:\n%s", info)
	}
}

func TestShapeArabic(t *testing.T) {
	// محمد: meem initial, hah medial, meem medial, dal final.
	if got := shapeArabic("محمد"); got != "\uFEE3\uFEA4\uFEE4\uFEAA" {
		t.Errorf("shape = %U", []rune(got))
	}
	// لا forms the lam-alef ligature.
	if got := shapeArabic("لا"); got != "\uFEFB" {
		t.Errorf("lam-alef = %U", []rune(got))
	}
	v, rtl := visual("محمد 12")
	if !rtl || !strings.HasSuffix(v, "\uFEE3") {
		t.Errorf("visual = %U (rtl %v)", []rune(v), rtl)
	}
	if v, rtl := visual("Anna"); v != "Anna" || rtl {
		t.Errorf("latin changed: %q", v)
	}
}

func TestDraftMark(t *testing.T) {
	d := sample(1)
	d.Reference, d.Draft = "", true
	out, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext missing")
	}
	path := filepath.Join(t.TempDir(), "entwurf.pdf")
	os.WriteFile(path, out, 0o600)
	txt, _ := exec.Command("pdftotext", path, "-").Output()
	if !strings.Contains(string(txt), "ENTWURF") || !strings.Contains(string(txt), "noch nicht abgesendet") {
		t.Errorf("draft not marked:\n%s", txt)
	}
}

// BenchmarkRenderPage measures the PDF time per page.
func BenchmarkRenderPage(b *testing.B) {
	d := sample(120) // about four pages
	out, err := Render(d)
	if err != nil {
		b.Fatal(err)
	}
	pages := bytes.Count(out, []byte("/Type /Page\n"))
	if pages == 0 {
		pages = bytes.Count(out, []byte("/Type /Page"))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Render(d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(pages)/1000, "ms/page")
}
