package pdf

import (
	"hash/fnv"
	"strconv"
)

// writeFont writes the font objects: a Type0 font with Identity-H encoding
// (two-byte codes that are glyph IDs), its CIDFontType2 with the widths of
// the drawn glyphs, the descriptor, the TrueType subset and the ToUnicode
// CMap that lets viewers extract and copy the text.
func (s *scratch) writeFont(w *pdfWriter, f *font) error {
	c := &s.canvas
	name := subsetTag(c.used) + "+" + f.name

	w.begin(fontObj)
	w.out = append(w.out, "<< /Type /Font /Subtype /Type0 /BaseFont /"...)
	w.out = append(w.out, name...)
	w.out = append(w.out, " /Encoding /Identity-H /DescendantFonts ["...)
	w.ref(cidFontObj)
	w.out = append(w.out, "] /ToUnicode "...)
	w.ref(toUnicodeObj)
	w.out = append(w.out, " >>"...)
	w.end()

	w.begin(cidFontObj)
	w.out = append(w.out, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /"...)
	w.out = append(w.out, name...)
	w.out = append(w.out, " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"+
		" /FontDescriptor "...)
	w.ref(descriptorObj)
	w.out = append(w.out, " /CIDToGIDMap /Identity /DW 1000 /W ["...)
	w.out = appendWidths(w.out, f, c.uni)
	w.out = append(w.out, "] >>"...)
	w.end()

	w.begin(descriptorObj)
	w.out = append(w.out, "<< /Type /FontDescriptor /FontName /"...)
	w.out = append(w.out, name...)
	w.out = append(w.out, " /Flags 4 /FontBBox ["...)
	for i, v := range f.bbox {
		if i > 0 {
			w.out = append(w.out, ' ')
		}
		w.out = strconv.AppendInt(w.out, int64(v), 10)
	}
	w.out = append(w.out, "] /ItalicAngle "...)
	w.out = appendNum(w.out, f.italicAngle, 2)
	w.out = append(w.out, " /Ascent "...)
	w.out = strconv.AppendInt(w.out, int64(f.ascent), 10)
	w.out = append(w.out, " /Descent "...)
	w.out = strconv.AppendInt(w.out, int64(f.descent), 10)
	w.out = append(w.out, " /CapHeight "...)
	w.out = strconv.AppendInt(w.out, int64(f.capHeight), 10)
	w.out = append(w.out, " /StemV "...)
	w.out = strconv.AppendInt(w.out, int64(f.stemV), 10)
	w.out = append(w.out, " /FontFile2 "...)
	w.ref(fontFileObj)
	w.out = append(w.out, " >>"...)
	w.end()

	key := f.subsets.key(c.used)
	sub, ok := f.subsets.get(key)
	if !ok {
		s.font = f.subset(s.font[:0], c.used)
		z, err := s.deflate(s.font, nil)
		if err != nil {
			return err
		}
		sub = compressedSubset{z: append([]byte(nil), z...), length: len(s.font)}
		f.subsets.put(key, sub)
	}
	w.stream(fontFileObj, "/Length1 "+strconv.Itoa(sub.length)+" /Filter /FlateDecode", sub.z)

	s.misc = appendToUnicode(s.misc[:0], c.uni)
	z, err := s.deflate(s.misc, nil)
	if err != nil {
		return err
	}
	w.stream(toUnicodeObj, "/Filter /FlateDecode", z)
	return nil
}

// subsetTag is the six capital letters that name a font subset ("ABCDEF+"),
// derived from the glyphs it holds so equal subsets get equal names.
func subsetTag(used []bool) string {
	h := fnv.New32a()
	var b [2]byte
	for g, ok := range used {
		if ok {
			b[0], b[1] = byte(g>>8), byte(g)
			h.Write(b[:])
		}
	}
	v := h.Sum32()
	var tag [6]byte
	for i := range tag {
		tag[i] = 'A' + byte(v%26)
		v /= 26
	}
	return string(tag[:])
}

// appendWidths writes the /W array for the drawn glyphs, in runs of
// consecutive glyph IDs: "3 [633 684] 40 [600]".
func appendWidths(b []byte, f *font, uni []rune) []byte {
	first := true
	for g := 0; g < len(uni); {
		if uni[g] == 0 {
			g++
			continue
		}
		if !first {
			b = append(b, ' ')
		}
		first = false
		b = strconv.AppendInt(b, int64(g), 10)
		b = append(b, " ["...)
		for start := g; g < len(uni) && uni[g] != 0; g++ {
			if g > start {
				b = append(b, ' ')
			}
			b = strconv.AppendInt(b, int64(f.width[g]), 10)
		}
		b = append(b, ']')
	}
	return b
}

// appendToUnicode writes a CMap mapping each drawn glyph to the character
// it was drawn for. Arabic maps to the presentation forms that were drawn,
// so extracted Arabic text is in those forms.
func appendToUnicode(b []byte, uni []rune) []byte {
	b = append(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"+
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"+
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"+
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"...)
	total := 0
	for _, r := range uni {
		if r != 0 {
			total++
		}
	}
	// at most 100 entries per bfchar block
	done := 0
	for g, r := range uni {
		if r == 0 {
			continue
		}
		if done%100 == 0 {
			if done > 0 {
				b = append(b, "endbfchar\n"...)
			}
			b = strconv.AppendInt(b, int64(min(100, total-done)), 10)
			b = append(b, " beginbfchar\n"...)
		}
		b = append(b, '<')
		b = appendHex16(b, uint16(g))
		b = append(b, "> <"...)
		if r >= 0x10000 {
			r -= 0x10000
			b = appendHex16(b, uint16(0xD800+r>>10))
			b = appendHex16(b, uint16(0xDC00+r&0x3FF))
		} else {
			b = appendHex16(b, uint16(r))
		}
		b = append(b, ">\n"...)
		done++
	}
	if done > 0 {
		b = append(b, "endbfchar\n"...)
	}
	return append(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"...)
}
