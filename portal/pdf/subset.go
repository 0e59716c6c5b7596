package pdf

import (
	"encoding/binary"
	"slices"
)

// addComponents marks the glyphs that the used composite glyphs are built
// from (an "ü" is a "u" and a dieresis), so the subset can draw them.
func (f *font) addComponents(used []bool) {
	for g, ok := range used {
		if ok {
			for _, c := range f.components[g] {
				used[c] = true
			}
		}
	}
}

// subset appends a TrueType font program to dst that keeps every glyph ID
// of the font – so the PDF can map CIDs to glyphs by identity – but holds
// outlines and advances only for the used glyphs; the others are empty.
// glyf, loca, hmtx and head are rebuilt, the other tables are copied.
func (f *font) subset(dst []byte, used []bool) []byte {
	var tables [24]table
	n := 0
	for _, t := range f.keep {
		if n < len(tables)-4 {
			tables[n] = t
			n++
		}
	}
	for _, tag := range []string{"glyf", "head", "hmtx", "loca"} {
		tables[n] = table{tag: tag}
		n++
	}
	list := tables[:n]
	slices.SortFunc(list, func(a, b table) int {
		switch {
		case a.tag < b.tag:
			return -1
		case a.tag > b.tag:
			return 1
		}
		return 0
	})

	start := len(dst)
	// offset table: version, numTables, searchRange, entrySelector, rangeShift
	entrySel := 0
	for 1<<(entrySel+1) <= n {
		entrySel++
	}
	dst = binary.BigEndian.AppendUint32(dst, 0x00010000)
	dst = binary.BigEndian.AppendUint16(dst, uint16(n))
	dst = binary.BigEndian.AppendUint16(dst, uint16(16<<entrySel))
	dst = binary.BigEndian.AppendUint16(dst, uint16(entrySel))
	dst = binary.BigEndian.AppendUint16(dst, uint16(16*n-16<<entrySel))
	dir := len(dst)
	dst = append(dst, make([]byte, 16*n)...)

	headAt := 0
	for i, t := range list {
		off := len(dst)
		switch t.tag {
		case "glyf":
			dst = f.appendGlyf(dst, used)
		case "loca":
			dst = f.appendLoca(dst, used)
		case "hmtx":
			dst = f.appendHmtx(dst, used)
		case "head":
			headAt = off
			dst = append(dst, f.head...)
			// checkSumAdjustment is computed over the finished file below
			binary.BigEndian.PutUint32(dst[off+8:], 0)
		default:
			dst = append(dst, t.data...)
		}
		length := len(dst) - off
		sum := t.sum
		if t.data == nil {
			sum = checksum(dst[off:])
		}
		for len(dst)%4 != 0 {
			dst = append(dst, 0)
		}
		rec := dst[dir+16*i:]
		copy(rec, t.tag)
		binary.BigEndian.PutUint32(rec[4:], sum)
		binary.BigEndian.PutUint32(rec[8:], uint32(off-start))
		binary.BigEndian.PutUint32(rec[12:], uint32(length))
	}
	binary.BigEndian.PutUint32(dst[headAt+8:], 0xB1B0AFBA-checksum(dst[start:]))
	return dst
}

func (f *font) appendGlyf(dst []byte, used []bool) []byte {
	for g, ok := range used {
		if ok {
			dst = append(dst, f.glyf[f.loca[g]:f.loca[g+1]]...)
		}
	}
	return dst
}

// appendLoca writes loca in the format of the font: the short one (offsets
// halved) stays valid, since every glyph of such a font has an even length
// and the subset's glyf is never longer than the font's.
func (f *font) appendLoca(dst []byte, used []bool) []byte {
	var off uint32
	for g, ok := range used {
		dst = f.appendLocaEntry(dst, off)
		if ok {
			off += f.loca[g+1] - f.loca[g]
		}
	}
	return f.appendLocaEntry(dst, off)
}

func (f *font) appendLocaEntry(dst []byte, off uint32) []byte {
	if f.longLoca {
		return binary.BigEndian.AppendUint32(dst, off)
	}
	return binary.BigEndian.AppendUint16(dst, uint16(off/2))
}

// appendHmtx keeps the metrics of used glyphs and zeroes the others, which
// compresses them to almost nothing.
func (f *font) appendHmtx(dst []byte, used []bool) []byte {
	for g, ok := range used {
		size := 4
		if g >= f.numHMetric {
			size = 2 // only a left side bearing
		}
		at := 4*min(g, f.numHMetric) + 2*max(g-f.numHMetric, 0)
		if ok {
			dst = append(dst, f.hmtx[at:at+size]...)
		} else {
			dst = append(dst, make([]byte, size)...)
		}
	}
	return dst
}
