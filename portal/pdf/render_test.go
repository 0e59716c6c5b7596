package pdf

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
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

func render(t testing.TB, d *Document) []byte {
	t.Helper()
	out, err := testRenderer.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRenderRequiresTitleAndTenant(t *testing.T) {
	t.Parallel()
	for _, d := range []*Document{{Tenant: "Landkreis Harz"}, {Title: "Antrag"}} {
		if _, err := testRenderer.Render(d); err == nil {
			t.Errorf("Render(%+v) succeeded", d)
		}
	}
}

func TestRenderText(t *testing.T) {
	t.Parallel()
	out := render(t, sample(60))
	if !bytes.HasPrefix(out, []byte("%PDF-")) || !bytes.Contains(out, []byte("FontFile2")) {
		t.Fatalf("not a PDF with an embedded TrueType font (%d bytes)", len(out))
	}
	txt := poppler(t, out, "pdftotext", "-layout")
	for _, tc := range []struct{ what, want string }{
		{"title", "Antrag auf Hilfe zum Lebensunterhalt"},
		{"reference", "SP-2026-000123"},
		{"tenant", "Landkreis Harz"},
		{"German umlauts and ß", "Müller-Lüdenscheidt"},
		{"German umlauts and ß", "Friedrich-Ebert-Straße 42, 38820 Halberstadt"},
		{"Cyrillic", "Юрий Гагарин"},
		{"Turkish", "Gülşen Ağaoğlu"},
		// The PDF draws Arabic as presentation forms and maps them back to
		// those forms; poppler puts them into logical order again.
		{"Arabic", shapeArabic("محمد علي")},
		{"date", "02.03.2026, 10:15 Uhr"},
		{"wrapped text", "Strom soll nächste Woche abgestellt werden. Der"},
		{"euro sign", "1.234,56 €"},
		{"last row", "Einkommen 60"},
		{"heading row", "Person 1"},
		{"empty section", "Keine Angaben"},
		{"footer", "SP-2026-000123 · Antrag auf Hilfe zum Lebensunterhalt"},
	} {
		if !strings.Contains(txt, tc.want) {
			t.Errorf("%s: PDF text lacks %q", tc.what, tc.want)
		}
	}
}

func TestPageNumbers(t *testing.T) {
	t.Parallel()
	out := render(t, sample(60))
	if n := pageCount(out); n != 3 {
		t.Fatalf("%d pages, want 3", n)
	}
	txt := poppler(t, out, "pdftotext", "-layout")
	pages := strings.Split(txt, "\f")
	for i := 1; i <= 3; i++ {
		want := fmt.Sprintf("Seite %d von 3", i)
		if !strings.Contains(pages[i-1], want) {
			t.Errorf("page %d lacks %q", i, want)
		}
		if !strings.Contains(pages[i-1], "Landkreis Harz") || !strings.Contains(pages[i-1], "Sozialplattform Sachsen-Anhalt") {
			t.Errorf("page %d lacks the header", i)
		}
	}
	info := poppler(t, out, "pdfinfo")
	if !strings.Contains(info, "Pages:           3") {
		t.Errorf("pdfinfo disagrees on the page count:\n%s", info)
	}
}

func TestPageSizeIsA4(t *testing.T) {
	t.Parallel()
	out := render(t, sample(60))
	if got := bytes.Count(out, []byte("/MediaBox [0 0 595.28 841.89]")); got != pageCount(out) {
		t.Errorf("%d of %d pages have an A4 media box", got, pageCount(out))
	}
	info := poppler(t, out, "pdfinfo")
	if !strings.Contains(info, "595.28 x 841.89 pts (A4)") {
		t.Errorf("not A4:\n%s", info)
	}
}

// TestNothingLeavesTheCell checks the word boxes poppler finds: long
// unbroken words are cut between characters, long text wraps, and Arabic
// stays right-aligned inside the value column.
func TestNothingLeavesTheCell(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Donaudampfschifffahrtsgesellschaftskapitänswitwe", 6)
	d := sample(0)
	d.Sections = []Section{{Title: "Lange Wörter", Rows: []Row{
		{Label: "Ohne Leerzeichen", Value: long},
		{Label: strings.Repeat("Beschriftung", 12), Value: "kurz"},
		{Label: "Arabisch, lang", Value: strings.Repeat("محمد علي ", 30)},
		{Label: "Arabisch ohne Leerzeichen", Value: strings.Repeat("محمد", 40)},
		{Label: "Zeilenumbrüche", Value: "eins\r\nzwei\n\ndrei"},
	}}}
	out := render(t, d)
	html := poppler(t, out, "pdftotext", "-bbox")
	right := (pageW - margin) * k
	words := regexp.MustCompile(`xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<`).FindAllStringSubmatch(html, -1)
	if len(words) == 0 {
		t.Fatal("no words found")
	}
	var joined strings.Builder
	for _, w := range words {
		xMin, _ := strconv.ParseFloat(w[1], 64)
		xMax, _ := strconv.ParseFloat(w[2], 64)
		if xMin < margin*k-0.5 || xMax > right+0.5 {
			t.Errorf("%q spans %.1f–%.1f pt, outside the text area %.1f–%.1f", w[3], xMin, xMax, margin*k, right)
		}
		joined.WriteString(w[3])
	}
	if !strings.Contains(joined.String(), long) {
		t.Errorf("the long word lost characters in wrapping")
	}
	txt := poppler(t, out, "pdftotext", "-layout")
	for _, want := range []string{"eins\n", "zwei\n", "drei\n"} {
		if !strings.Contains(txt, want) {
			t.Errorf("line breaks of the answer lost: no %q in\n%s", want, txt)
		}
	}
}

func TestWrap(t *testing.T) {
	t.Parallel()
	f := mustFont(t)
	s := testRenderer.scratch.Get().(*scratch)
	defer testRenderer.scratch.Put(s)
	s.reset(f)
	l := layout{c: &s.canvas}
	wmax := int(math.Ceil((valueW - 2*cellPad) * 1000 / (bodySize / k)))
	for _, tc := range []struct {
		name, in string
		want     []string // nil: only check widths and content
	}{
		{"empty is a dash", "  ", []string{"–"}},
		{"short stays", "Mia", []string{"Mia"}},
		{"citizen's breaks stay, blank lines too", "a\r\nb\n\nc", []string{"a", "b", "", "c"}},
		{"breaks at spaces", strings.Repeat("Wort ", 40), nil},
		{"breaks inside an overlong word", strings.Repeat("x", 300), nil},
		{"no-break space holds", strings.Repeat("1\u00A0000 ", 30), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := l.wrap(nil, tc.in, valueW, bodySize)
			if tc.want != nil && strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("wrap = %q, want %q", got, tc.want)
			}
			for _, line := range got {
				// the space a line was broken at ends it, but does not count
				if w := l.c.width(strings.TrimRightFunc(line, unicode.IsSpace)); w > wmax {
					t.Errorf("line %q is %d wide, more than %d", line, w, wmax)
				}
				if strings.HasPrefix(line, "000") {
					t.Errorf("broke at a no-break space: %q", line)
				}
			}
			if tc.want == nil {
				if len(got) < 2 {
					t.Errorf("not wrapped: %q", got)
				}
				if strings.ReplaceAll(strings.Join(got, ""), " ", "") != strings.ReplaceAll(tc.in, " ", "") {
					t.Errorf("wrapping lost text: %q", got)
				}
			}
		})
	}
}

// TestRowTallerThanAPage: an answer longer than a page continues on the
// next page instead of running over the footer.
func TestRowTallerThanAPage(t *testing.T) {
	t.Parallel()
	var lines []string
	for i := 1; i <= 120; i++ {
		lines = append(lines, fmt.Sprintf("Zeile %d", i))
	}
	d := sample(0)
	d.Sections = []Section{{Title: "Lang", Rows: []Row{{Label: "Begründung", Value: strings.Join(lines, "\n")}, {Label: "Danach", Value: "ja"}}}}
	out := render(t, d)
	txt := poppler(t, out, "pdftotext", "-layout")
	for _, want := range []string{"Zeile 1\n", "Zeile 60\n", "Zeile 120\n", "Danach", "Seite 3 von 3"} {
		if !strings.Contains(txt, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	html := poppler(t, out, "pdftotext", "-bbox")
	for _, m := range regexp.MustCompile(`yMax="([\d.]+)">Zeile<`).FindAllStringSubmatch(html, -1) {
		if y, _ := strconv.ParseFloat(m[1], 64); y > limit*k {
			t.Errorf("a line ends at %.1f pt, below the body (%.1f pt)", y, limit*k)
		}
	}
}

func TestEmptySectionSaysKeineAngaben(t *testing.T) {
	t.Parallel()
	d := sample(0)
	d.Sections = []Section{{Title: "Vermögen"}, {Title: "Einkommen", Rows: []Row{{Label: "Lohn", Value: "1.000 €"}}}}
	txt := poppler(t, render(t, d), "pdftotext", "-layout")
	if i, j := strings.Index(txt, "Vermögen"), strings.Index(txt, "Keine Angaben"); i < 0 || j < i {
		t.Errorf("no \"Keine Angaben\" below the empty section:\n%s", txt)
	}
	if strings.Count(txt, "Keine Angaben") != 1 {
		t.Errorf("\"Keine Angaben\" under a section with answers:\n%s", txt)
	}
}

func TestDraftMark(t *testing.T) {
	t.Parallel()
	d := sample(1)
	d.Reference, d.Draft = "", true
	txt := poppler(t, render(t, d), "pdftotext")
	for _, want := range []string{"ENTWURF", "noch nicht abgesendet", "Stand"} {
		if !strings.Contains(txt, want) {
			t.Errorf("draft lacks %q:\n%s", want, txt)
		}
	}
}

// TestOddCharacters: control and format characters are not drawn,
// characters the font lacks print as "?", and the .notdef glyph (0) is
// never used.
func TestOddCharacters(t *testing.T) {
	t.Parallel()
	d := sample(0)
	d.Sections = []Section{{Title: "Sonderzeichen\x00", Rows: []Row{
		{Label: "Tab\tund Steuerzeichen\x07", Value: "a\u00ADb\u200Dc\u200Ed\uFEFFe"},
		{Label: "Emoji", Value: "Danke 🙂 \U0010FFFF"},
		{Label: "Kaputtes UTF-8", Value: "ab\xffcd"},
	}}}
	out := render(t, d)
	p := readPDF(t, out)
	for obj := pageObj + 1; obj < pageObj+2*pageCount(out); obj += 2 {
		for _, hex := range regexp.MustCompile(`<([0-9A-F]*)>Tj`).FindAllSubmatch(p.decoded(t, obj), -1) {
			for i := 0; i+4 <= len(hex[1]); i += 4 {
				if string(hex[1][i:i+4]) == "0000" {
					t.Fatalf("page content draws .notdef: %s", hex[0])
				}
			}
		}
	}
	txt := poppler(t, out, "pdftotext", "-layout")
	for _, want := range []string{"abcde", "Danke ? ?", "ab?cd", "Tab und Steuerzeichen"} {
		if !strings.Contains(txt, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, txt)
		}
	}
}

func TestShapeArabic(t *testing.T) {
	t.Parallel()
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

func TestRenderIsDeterministicAndConcurrent(t *testing.T) {
	t.Parallel()
	want := render(t, sample(60))
	done := make(chan []byte)
	for i := range 8 {
		go func() {
			d := sample(60)
			if i%2 == 1 {
				d = sample(3) // other documents in between must not leak into ours
			}
			out, _ := testRenderer.Render(d)
			done <- out
		}()
	}
	for i := 0; i < 8; i++ {
		<-done
	}
	if got := render(t, sample(60)); !bytes.Equal(got, want) {
		t.Error("the same document rendered twice differs")
	}
}

// BenchmarkRenderPage measures the PDF time per page.
func BenchmarkRenderPage(b *testing.B) {
	d := sample(120) // about four pages
	pages := pageCount(render(b, d))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := testRenderer.Render(d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(pages)/1000, "ms/page")
}

// BenchmarkRender measures whole documents: a one-page draft, an HzL
// application of about four pages, and the latter on all cores at once
// (the submission pipeline renders in parallel).
func BenchmarkRender(b *testing.B) {
	draft := sample(1)
	draft.Reference, draft.Draft = "", true
	for _, bc := range []struct {
		name     string
		d        *Document
		parallel bool
	}{
		{"draft", draft, false},
		{"hzl", sample(120), false},
		{"hzl-parallel", sample(120), true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			out := render(b, bc.d)
			pages := pageCount(out)
			b.ReportAllocs()
			b.ResetTimer()
			if bc.parallel {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := testRenderer.Render(bc.d); err != nil {
							b.Error(err)
						}
					}
				})
			} else {
				for b.Loop() {
					if _, err := testRenderer.Render(bc.d); err != nil {
						b.Fatal(err)
					}
				}
			}
			perDoc := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(perDoc/1e6/float64(pages), "ms/page")
			b.ReportMetric(1e9/perDoc, "docs/s")
			b.ReportMetric(float64(pages), "pages")
			b.ReportMetric(float64(len(out)), "bytes/doc")
		})
	}
}
