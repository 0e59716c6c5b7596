package pdf

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
)

//go:embed fonts/DejaVuSans-subset.ttf
var fontTTF []byte

// font is a parsed TrueType font. Its tables are never changed after
// parseFont, so concurrent renderings share it without locks; only the
// cache of compressed subsets has its own.
type font struct {
	name       string // PostScript name, e.g. "DejaVuSans"
	unitsPerEm int
	numGlyphs  int
	numHMetric int  // hhea.numberOfHMetrics
	longLoca   bool // loca holds 32-bit offsets (else 16-bit, halved)

	bbox                       [4]int // in 1/1000 em
	ascent, descent, capHeight int    // in 1/1000 em
	italicAngle                float64
	stemV                      int
	bmp                        []uint16 // rune → glyph for the Basic Multilingual Plane
	ranges                     []cmapRange
	width                      []int    // advance per glyph in 1/1000 em, rounded as the PDF /W array states it
	loca                       []uint32 // glyf offsets, numGlyphs+1
	glyf, hmtx, head           []byte
	components                 [][]uint16 // per composite glyph: every glyph it needs, transitively
	keep                       []table    // tables copied unchanged into a subset
	fallback, space            uint16     // glyphs drawn for an unknown rune and for a tab
	subsets                    subsetCache
}

// table is one TrueType table with its precomputed checksum.
type table struct {
	tag  string
	data []byte
	sum  uint32
}

// cmapRange maps runes outside the BMP (cmap format 12 groups).
type cmapRange struct {
	lo, hi rune
	gid    uint32
}

// glyph returns the glyph of r, or 0 when the font has none.
func (f *font) glyph(r rune) uint16 {
	if r >= 0 && r < 0x10000 {
		return f.bmp[r]
	}
	i := sort.Search(len(f.ranges), func(i int) bool { return f.ranges[i].hi >= r })
	if i < len(f.ranges) && f.ranges[i].lo <= r {
		if g := f.ranges[i].gid + uint32(r-f.ranges[i].lo); g < uint32(f.numGlyphs) {
			return uint16(g)
		}
	}
	return 0
}

// parseFont reads the tables a PDF writer needs: metrics for layout and the
// font descriptor, the character map, and the glyph outlines for subsets.
func parseFont(b []byte) (*font, error) {
	if len(b) < 12 {
		return nil, errors.New("truetype: file too short")
	}
	if v := binary.BigEndian.Uint32(b); v != 0x00010000 && v != 0x74727565 {
		return nil, fmt.Errorf("truetype: not a TrueType outline font (version %#x)", v)
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	if len(b) < 12+16*n {
		return nil, errors.New("truetype: truncated table directory")
	}
	tables := make(map[string][]byte, n)
	var order []string
	for i := range n {
		rec := b[12+16*i:]
		tag := string(rec[:4])
		off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if uint64(off)+uint64(length) > uint64(len(b)) {
			return nil, fmt.Errorf("truetype: table %q out of bounds", tag)
		}
		tables[tag] = b[off : off+length]
		order = append(order, tag)
	}
	for _, tag := range []string{"head", "hhea", "maxp", "hmtx", "cmap", "loca", "glyf"} {
		if tables[tag] == nil {
			return nil, fmt.Errorf("truetype: table %q missing", tag)
		}
	}
	f := &font{glyf: tables["glyf"], hmtx: tables["hmtx"], head: tables["head"]}
	if err := f.parseHead(tables["head"], tables["maxp"], tables["hhea"]); err != nil {
		return nil, err
	}
	if err := f.parseHmtx(); err != nil {
		return nil, err
	}
	if err := f.parseLoca(tables["loca"]); err != nil {
		return nil, err
	}
	if err := f.parseCmap(tables["cmap"]); err != nil {
		return nil, err
	}
	if err := f.parseComponents(); err != nil {
		return nil, err
	}
	f.parseOS2(tables["OS/2"])
	f.parsePost(tables["post"])
	f.name = postScriptName(tables["name"])
	if f.name == "" {
		f.name = "Font"
	}
	// The subset rewrites glyf, loca, hmtx and head; the rest is copied.
	// DSIG would no longer match and is dropped.
	for _, tag := range order {
		switch tag {
		case "glyf", "loca", "hmtx", "head", "DSIG":
			continue
		}
		f.keep = append(f.keep, table{tag: tag, data: tables[tag], sum: checksum(tables[tag])})
	}
	if f.fallback = f.glyph('?'); f.fallback == 0 {
		return nil, errors.New("truetype: font lacks '?' for unknown characters")
	}
	f.space = f.glyph(' ')
	return f, nil
}

func (f *font) parseHead(head, maxp, hhea []byte) error {
	if len(head) < 54 || len(maxp) < 6 || len(hhea) < 36 {
		return errors.New("truetype: head, maxp or hhea too short")
	}
	f.unitsPerEm = int(binary.BigEndian.Uint16(head[18:]))
	if f.unitsPerEm == 0 {
		return errors.New("truetype: unitsPerEm is zero")
	}
	for i := range 4 {
		f.bbox[i] = f.scale(int(int16(binary.BigEndian.Uint16(head[36+2*i:]))))
	}
	f.numGlyphs = int(binary.BigEndian.Uint16(maxp[4:]))
	f.ascent = f.scale(int(int16(binary.BigEndian.Uint16(hhea[4:]))))
	f.descent = f.scale(int(int16(binary.BigEndian.Uint16(hhea[6:]))))
	f.capHeight = f.ascent
	f.numHMetric = int(binary.BigEndian.Uint16(hhea[34:]))
	if f.numHMetric == 0 || f.numHMetric > f.numGlyphs {
		return fmt.Errorf("truetype: %d horizontal metrics for %d glyphs", f.numHMetric, f.numGlyphs)
	}
	return nil
}

// scale converts font units to the 1/1000 em of PDF glyph space.
func (f *font) scale(v int) int {
	return int(math.Round(float64(v) * 1000 / float64(f.unitsPerEm)))
}

func (f *font) parseHmtx() error {
	if len(f.hmtx) < 4*f.numHMetric+2*(f.numGlyphs-f.numHMetric) {
		return errors.New("truetype: hmtx too short")
	}
	f.width = make([]int, f.numGlyphs)
	for g := range f.numGlyphs {
		// glyphs beyond numberOfHMetrics share the last advance
		adv := binary.BigEndian.Uint16(f.hmtx[4*min(g, f.numHMetric-1):])
		f.width[g] = f.scale(int(adv))
	}
	return nil
}

func (f *font) parseLoca(loca []byte) error {
	f.longLoca = binary.BigEndian.Uint16(f.head[50:]) == 1
	f.loca = make([]uint32, f.numGlyphs+1)
	for i := range f.loca {
		if f.longLoca {
			if len(loca) < 4*(i+1) {
				return errors.New("truetype: loca too short")
			}
			f.loca[i] = binary.BigEndian.Uint32(loca[4*i:])
		} else {
			if len(loca) < 2*(i+1) {
				return errors.New("truetype: loca too short")
			}
			f.loca[i] = 2 * uint32(binary.BigEndian.Uint16(loca[2*i:]))
		}
		if f.loca[i] > uint32(len(f.glyf)) || i > 0 && f.loca[i] < f.loca[i-1] {
			return fmt.Errorf("truetype: loca entry %d out of order or bounds", i)
		}
	}
	return nil
}

// parseCmap reads the Unicode subtables: format 4 (BMP) and format 12 (all
// planes). Several subtables are merged; the first mapping of a rune wins.
func (f *font) parseCmap(cmap []byte) error {
	if len(cmap) < 4 {
		return errors.New("truetype: cmap too short")
	}
	f.bmp = make([]uint16, 0x10000)
	n := int(binary.BigEndian.Uint16(cmap[2:]))
	found := false
	for i := range n {
		rec := cmap[4+8*i:]
		if len(rec) < 8 {
			return errors.New("truetype: cmap directory truncated")
		}
		platform, encoding := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:])
		if !(platform == 0 || platform == 3 && (encoding == 1 || encoding == 10)) {
			continue
		}
		off := binary.BigEndian.Uint32(rec[4:])
		if uint64(off)+4 > uint64(len(cmap)) {
			return errors.New("truetype: cmap subtable out of bounds")
		}
		sub := cmap[off:]
		var err error
		switch binary.BigEndian.Uint16(sub) {
		case 4:
			err, found = f.cmap4(sub), true
		case 12:
			err, found = f.cmap12(sub), true
		}
		if err != nil {
			return err
		}
	}
	if !found {
		return errors.New("truetype: no Unicode cmap of format 4 or 12")
	}
	sort.Slice(f.ranges, func(i, j int) bool { return f.ranges[i].lo < f.ranges[j].lo })
	return nil
}

func (f *font) set(r rune, g uint32) {
	if g == 0 || g >= uint32(f.numGlyphs) || f.bmp[r] != 0 {
		return
	}
	f.bmp[r] = uint16(g)
}

func (f *font) cmap4(t []byte) error {
	if len(t) < 14 {
		return errors.New("truetype: cmap format 4 too short")
	}
	segs := int(binary.BigEndian.Uint16(t[6:])) / 2
	if len(t) < 16+8*segs {
		return errors.New("truetype: cmap format 4 truncated")
	}
	ends, starts := t[14:], t[16+2*segs:]
	deltas, offsets := t[16+4*segs:], t[16+6*segs:]
	for s := range segs {
		end, start := int(binary.BigEndian.Uint16(ends[2*s:])), int(binary.BigEndian.Uint16(starts[2*s:]))
		delta, ro := int(binary.BigEndian.Uint16(deltas[2*s:])), int(binary.BigEndian.Uint16(offsets[2*s:]))
		for c := start; c <= end && c != 0xFFFF; c++ {
			if ro == 0 {
				f.set(rune(c), uint32((c+delta)&0xFFFF))
				continue
			}
			// idRangeOffset counts from its own position in the table
			at := 16 + 6*segs + 2*s + ro + 2*(c-start)
			if at+2 > len(t) {
				return errors.New("truetype: cmap format 4 glyph index out of bounds")
			}
			if g := int(binary.BigEndian.Uint16(t[at:])); g != 0 {
				f.set(rune(c), uint32((g+delta)&0xFFFF))
			}
		}
	}
	return nil
}

func (f *font) cmap12(t []byte) error {
	if len(t) < 16 {
		return errors.New("truetype: cmap format 12 too short")
	}
	n := int(binary.BigEndian.Uint32(t[12:]))
	if n > (len(t)-16)/12 {
		return errors.New("truetype: cmap format 12 truncated")
	}
	for i := range n {
		g := t[16+12*i:]
		lo, hi, gid := binary.BigEndian.Uint32(g), binary.BigEndian.Uint32(g[4:]), binary.BigEndian.Uint32(g[8:])
		if hi < lo || hi > 0x10FFFF {
			return errors.New("truetype: cmap format 12 group out of range")
		}
		for c := lo; c <= hi && c < 0x10000; c++ {
			f.set(rune(c), gid+c-lo)
		}
		if hi >= 0x10000 {
			from := max(lo, 0x10000)
			f.ranges = append(f.ranges, cmapRange{lo: rune(from), hi: rune(hi), gid: gid + from - lo})
		}
	}
	return nil
}

// Composite glyph flags (TrueType glyf table).
const (
	argsAreWords   = 0x0001
	haveScale      = 0x0008
	moreComponents = 0x0020
	haveXYScale    = 0x0040
	haveTwoByTwo   = 0x0080
)

// parseComponents lists, for every composite glyph, all glyphs its outline
// is built from, so that a subset can keep them.
func (f *font) parseComponents() error {
	direct := make([][]uint16, f.numGlyphs)
	for g := range f.numGlyphs {
		d := f.glyf[f.loca[g]:f.loca[g+1]]
		if len(d) < 10 || int16(binary.BigEndian.Uint16(d)) >= 0 {
			continue
		}
		for p := 10; ; {
			if p+4 > len(d) {
				return fmt.Errorf("truetype: composite glyph %d truncated", g)
			}
			flags, c := binary.BigEndian.Uint16(d[p:]), binary.BigEndian.Uint16(d[p+2:])
			if int(c) >= f.numGlyphs {
				return fmt.Errorf("truetype: glyph %d refers to glyph %d of %d", g, c, f.numGlyphs)
			}
			direct[g] = append(direct[g], c)
			p += 4
			if flags&argsAreWords != 0 {
				p += 4
			} else {
				p += 2
			}
			switch {
			case flags&haveScale != 0:
				p += 2
			case flags&haveXYScale != 0:
				p += 4
			case flags&haveTwoByTwo != 0:
				p += 8
			}
			if flags&moreComponents == 0 {
				break
			}
		}
	}
	f.components = make([][]uint16, f.numGlyphs)
	for g := range f.numGlyphs {
		if direct[g] == nil {
			continue
		}
		seen := map[uint16]bool{}
		var walk func(g uint16, depth int) error
		walk = func(g uint16, depth int) error {
			if depth > 16 {
				return fmt.Errorf("truetype: composite glyph %d nests too deep (a cycle?)", g)
			}
			for _, c := range direct[g] {
				if !seen[c] {
					seen[c] = true
					f.components[g] = append(f.components[g], c)
				}
				if err := walk(c, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		if err := walk(uint16(g), 0); err != nil {
			return err
		}
	}
	return nil
}

// parseOS2 reads the cap height (OS/2 version 2 and later) and the weight
// for the font descriptor's StemV estimate; a missing table keeps defaults.
func (f *font) parseOS2(os2 []byte) {
	weight := 400
	if len(os2) >= 6 {
		weight = int(binary.BigEndian.Uint16(os2[4:]))
	}
	if len(os2) >= 90 && binary.BigEndian.Uint16(os2) >= 2 {
		f.capHeight = f.scale(int(int16(binary.BigEndian.Uint16(os2[88:]))))
	}
	// The same estimate as most PDF writers: the font carries no stem width.
	f.stemV = 50 + int(math.Pow(float64(weight)/65, 2))
}

func (f *font) parsePost(post []byte) {
	if len(post) >= 8 {
		f.italicAngle = float64(int32(binary.BigEndian.Uint32(post[4:]))) / 65536
	}
}

// postScriptName returns name ID 6, from the Windows (UTF-16) or the
// Macintosh (Roman) record; only characters allowed in a PDF name remain.
func postScriptName(t []byte) string {
	if len(t) < 6 {
		return ""
	}
	n, strOff := int(binary.BigEndian.Uint16(t[2:])), int(binary.BigEndian.Uint16(t[4:]))
	for i := range n {
		rec := t[6+12*i:]
		if len(rec) < 12 || binary.BigEndian.Uint16(rec[6:]) != 6 {
			continue
		}
		platform := binary.BigEndian.Uint16(rec)
		length, off := int(binary.BigEndian.Uint16(rec[8:])), int(binary.BigEndian.Uint16(rec[10:]))
		if strOff+off+length > len(t) {
			continue
		}
		s := t[strOff+off : strOff+off+length]
		var out []byte
		for j := 0; j < len(s); j++ {
			c := s[j]
			if platform == 3 || platform == 0 {
				if j++; j >= len(s) || c != 0 {
					continue
				}
				c = s[j]
			}
			if c > 32 && c < 127 && c != '/' && c != '(' && c != ')' && c != '<' && c != '>' &&
				c != '[' && c != ']' && c != '{' && c != '}' && c != '%' && c != '#' {
				out = append(out, c)
			}
		}
		if len(out) > 0 {
			return string(out)
		}
	}
	return ""
}

// checksum is the TrueType table checksum: the sum of big-endian uint32
// words, the last one padded with zeros.
func checksum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	if len(b) > 0 {
		var pad [4]byte
		copy(pad[:], b)
		sum += binary.BigEndian.Uint32(pad[:])
	}
	return sum
}
