package pdf

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"
)

// testRenderer is shared by the package's tests, as the platform shares
// one Renderer.
var testRenderer = func() *Renderer {
	r, err := NewRenderer()
	if err != nil {
		panic(err)
	}
	return r
}()

func mustFont(t testing.TB) *font {
	t.Helper()
	return testRenderer.font
}

func TestEmbeddedFont(t *testing.T) {
	t.Parallel()
	f := mustFont(t)
	if f.numGlyphs != 1493 || f.unitsPerEm != 2048 || f.name != "DejaVuSans" {
		t.Errorf("font = %d glyphs, %d units/em, name %q; want 1493, 2048, DejaVuSans", f.numGlyphs, f.unitsPerEm, f.name)
	}
	if f.ascent <= 0 || f.descent >= 0 || f.bbox[2] <= f.bbox[0] || f.stemV <= 0 {
		t.Errorf("implausible metrics: ascent %d descent %d bbox %v stemV %d", f.ascent, f.descent, f.bbox, f.stemV)
	}
	// every script the portal's languages need has glyphs with outlines
	for _, s := range []string{
		"AZaz09 .,;:-–€§@", "ÄÖÜäöüß", "ÇçĞğİıŞş", "ЖжЮюЁё", "ĄąŁłŻżČčŠšŽž",
		shapeArabic("محمد علي لا"),
	} {
		for _, r := range s {
			g := f.glyph(r)
			if g == 0 {
				t.Errorf("no glyph for %q %U", r, r)
				continue
			}
			if r != ' ' && f.loca[g+1] == f.loca[g] {
				t.Errorf("glyph %d for %q has no outline", g, r)
			}
		}
	}
	if f.glyph('🙂') != 0 || f.glyph(0x10FFFF) != 0 || f.glyph(-1) != 0 {
		t.Error("glyphs for characters the font lacks")
	}
}

// TestWidths: the advances that layout measures and /W states are the
// font's hmtx advances in 1/1000 em.
func TestWidths(t *testing.T) {
	t.Parallel()
	f := mustFont(t)
	for r, want := range map[rune]int{' ': 318, 'A': 684, 'i': 278, 'W': 989} {
		if got := f.width[f.glyph(r)]; got != want {
			t.Errorf("width of %q = %d, want %d", r, got, want)
		}
	}
}

func TestCompositeGlyphs(t *testing.T) {
	t.Parallel()
	f := mustFont(t)
	// "ü" is drawn from "u" and a dieresis; the subset must keep "u".
	u, uml := f.glyph('u'), f.glyph('ü')
	if !slices.Contains(f.components[uml], u) {
		t.Errorf("components of ü (%d) = %v, want to include u (%d)", uml, f.components[uml], u)
	}
	if len(f.components[u]) != 0 {
		t.Errorf("u is simple but has components %v", f.components[u])
	}
}

func TestParseFontRejectsBrokenFiles(t *testing.T) {
	t.Parallel()
	valid := fontTTF
	withTable := func(tag string, mutate func(t []byte)) []byte {
		b := slices.Clone(valid)
		n := int(binary.BigEndian.Uint16(b[4:]))
		for i := range n {
			rec := b[12+16*i:]
			if string(rec[:4]) == tag {
				off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
				mutate(b[off : off+length])
				return b
			}
		}
		panic("no table " + tag)
	}
	renamed := func(tag string) []byte {
		b := slices.Clone(valid)
		i := strings.Index(string(b[:12+16*20]), tag)
		copy(b[i:], "xxxx")
		return b
	}
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"not TrueType", []byte("OTTO\x00\x01\x00\x00\x00\x00\x00\x00")},
		{"truncated directory", valid[:40]},
		{"table beyond the file", valid[:len(valid)/2]},
		{"no glyf", renamed("glyf")},
		{"no cmap", renamed("cmap")},
		{"zero unitsPerEm", withTable("head", func(t []byte) { t[18], t[19] = 0, 0 })},
		{"more metrics than glyphs", withTable("hhea", func(t []byte) { t[34], t[35] = 0xFF, 0xFF })},
		{"loca out of order", withTable("loca", func(t []byte) { t[4], t[5] = 0xFF, 0xFF })},
		{"cmap without Unicode subtable", withTable("cmap", func(t []byte) {
			for i := range int(binary.BigEndian.Uint16(t[2:])) {
				binary.BigEndian.PutUint16(t[4+8*i:], 1) // Macintosh
				binary.BigEndian.PutUint16(t[6+8*i:], 0)
			}
		})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := parseFont(tc.in); err == nil {
				t.Error("parseFont accepted it")
			}
		})
	}
}

// TestCmapFormat12 builds a tiny format 12 subtable: it maps the BMP and
// the planes beyond.
func TestCmapFormat12(t *testing.T) {
	t.Parallel()
	f := &font{numGlyphs: 100, bmp: make([]uint16, 0x10000)}
	var sub []byte
	sub = binary.BigEndian.AppendUint16(sub, 12)
	sub = append(sub, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	sub = binary.BigEndian.AppendUint32(sub, 2)
	for _, g := range [][3]uint32{{'A', 'C', 10}, {0xFFFE, 0x10002, 20}} {
		for _, v := range g {
			sub = binary.BigEndian.AppendUint32(sub, v)
		}
	}
	if err := f.cmap12(sub); err != nil {
		t.Fatal(err)
	}
	for r, want := range map[rune]uint16{'A': 10, 'C': 12, 'D': 0, 0xFFFE: 20, 0x10000: 22, 0x10002: 24, 0x10003: 0} {
		if got := f.glyph(r); got != want {
			t.Errorf("glyph(%U) = %d, want %d", r, got, want)
		}
	}
}
