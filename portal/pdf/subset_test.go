package pdf

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// TestSubsetParsesBack: the subset is a valid TrueType font by our own
// parser; glyph IDs, the character map and the advances of the used glyphs
// are unchanged, the used glyphs and their components keep their
// outlines, every other glyph is empty, and the checksums hold.
func TestSubsetParsesBack(t *testing.T) {
	t.Parallel()
	f := mustFont(t)
	used := make([]bool, f.numGlyphs)
	text := "Müller Юрий Ağaoğlu " + shapeArabic("محمد علي لا")
	for _, r := range text {
		used[f.glyph(r)] = true
	}
	direct := bytes.Clone(boolBytes(used))
	f.addComponents(used)
	sub := f.subset(nil, used)
	if len(sub) >= len(fontTTF)/2 {
		t.Errorf("subset is %d bytes, the font %d: nothing dropped?", len(sub), len(fontTTF))
	}

	g, err := parseFont(sub)
	if err != nil {
		t.Fatalf("subset does not parse: %v", err)
	}
	if g.numGlyphs != f.numGlyphs || g.name != f.name || g.unitsPerEm != f.unitsPerEm {
		t.Errorf("subset has %d glyphs, name %q, %d units/em", g.numGlyphs, g.name, g.unitsPerEm)
	}
	for _, r := range text {
		if g.glyph(r) != f.glyph(r) {
			t.Errorf("%q maps to glyph %d in the subset, %d in the font", r, g.glyph(r), f.glyph(r))
		}
	}
	outlines := 0
	for id := range f.numGlyphs {
		was, is := f.glyf[f.loca[id]:f.loca[id+1]], g.glyf[g.loca[id]:g.loca[id+1]]
		switch {
		case used[id] && !bytes.Equal(was, is):
			t.Errorf("used glyph %d: outline changed (%d → %d bytes)", id, len(was), len(is))
		case used[id] && g.width[id] != f.width[id]:
			t.Errorf("used glyph %d: width %d, font %d", id, g.width[id], f.width[id])
		case !used[id] && len(is) != 0:
			t.Errorf("unused glyph %d keeps %d bytes of outline", id, len(is))
		}
		if used[id] && len(is) > 0 {
			outlines++
		}
	}
	if outlines < 20 {
		t.Errorf("only %d glyphs with outlines", outlines)
	}
	if bytes.Equal(direct, boolBytes(used)) {
		t.Error("no composite components added: ü, ğ, Arabic forms are composites in DejaVu")
	}

	// table checksums and the whole-file checkSumAdjustment
	n := int(binary.BigEndian.Uint16(sub[4:]))
	prev := ""
	for i := range n {
		rec := sub[12+16*i:]
		tag := string(rec[:4])
		if tag <= prev {
			t.Errorf("table directory not sorted: %q after %q", tag, prev)
		}
		prev = tag
		off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if off%4 != 0 {
			t.Errorf("table %q at unaligned offset %d", tag, off)
		}
		data := bytes.Clone(sub[off : off+length])
		if tag == "head" {
			binary.BigEndian.PutUint32(data[8:], 0)
		}
		if got := checksum(data); got != binary.BigEndian.Uint32(rec[4:]) {
			t.Errorf("table %q checksum %#x, directory says %#x", tag, got, binary.BigEndian.Uint32(rec[4:]))
		}
	}
	if sum := checksum(sub); sum != 0xB1B0AFBA {
		t.Errorf("file checksum %#x, want 0xB1B0AFBA", sum)
	}
}

func boolBytes(b []bool) []byte {
	out := make([]byte, len(b))
	for i, v := range b {
		if v {
			out[i] = 1
		}
	}
	return out
}
