package pdf

import (
	"math"
	"strconv"
	"unicode"
)

// k converts millimetres, the unit of the layout, to PDF points.
const k = 72 / 25.4

type color struct{ r, g, b uint8 }

// canvas appends the operators of page content streams to buf. It tracks
// the graphics state of the page so that a colour, font size or line width
// is only set when it changes, and records which glyphs are drawn and
// which character each stands for (for the font subset and ToUnicode).
type canvas struct {
	f    *font
	buf  []byte
	used []bool // glyphs drawn, by glyph ID
	uni  []rune // the character a drawn glyph stands for (first seen)

	size          float64 // font size in pt, 0 when not yet set on this page
	fill, stroke  color
	fillOK, strOK bool
	lineW         float64 // in mm, 0 when not yet set on this page
}

// resetState forgets the graphics state, as at the start of a content
// stream: the next text and line set their font, colour and width anew.
func (c *canvas) resetState() {
	c.size, c.lineW, c.fillOK, c.strOK = 0, 0, false, false
}

// glyphOf returns the glyph drawn for r: a tab is a space, format and
// control characters are not drawn (ok false), and a character the font
// lacks is drawn as "?" – never as .notdef, which PDF/A forbids.
func (c *canvas) glyphOf(r rune) (g uint16, ok bool) {
	if r >= 0x20 && r < 0x7F {
		if g = c.f.bmp[r]; g != 0 {
			return g, true
		}
		return c.f.fallback, true
	}
	switch {
	case r == '\t':
		return c.f.space, c.f.space != 0
	case r < 0x20 || r >= 0x7F && r < 0xA0 || r == 0xAD || r >= 0x600 && unicode.Is(unicode.Cf, r):
		// (the soft hyphen is the only format character below U+0600)
		return 0, false
	}
	if g = c.f.glyph(r); g != 0 {
		return g, true
	}
	return c.f.fallback, true
}

// width returns the advance of s in 1/1000 em.
func (c *canvas) width(s string) int {
	w := 0
	for _, r := range s {
		if g, ok := c.glyphOf(r); ok {
			w += c.f.width[g]
		}
	}
	return w
}

// text draws s with its baseline starting at (x, y) millimetres from the
// top left corner of the page.
func (c *canvas) text(x, y, size float64, col color, s string) {
	if size != c.size {
		c.buf = append(c.buf, "/F1 "...)
		c.buf = appendNum(c.buf, size, 2)
		c.buf = append(c.buf, " Tf\n"...)
		c.size = size
	}
	if !c.fillOK || c.fill != col {
		c.buf = appendColor(c.buf, col)
		c.buf = append(c.buf, " rg\n"...)
		c.fill, c.fillOK = col, true
	}
	c.buf = append(c.buf, "BT "...)
	c.buf = appendNum(c.buf, x*k, 2)
	c.buf = append(c.buf, ' ')
	c.buf = appendNum(c.buf, (pageH-y)*k, 2)
	c.buf = append(c.buf, " Td <"...)
	for _, r := range s {
		g, ok := c.glyphOf(r)
		if !ok {
			continue
		}
		c.buf = appendHex16(c.buf, g)
		if !c.used[g] {
			c.used[g] = true
			switch {
			case r == '\t':
				r = ' '
			case g == c.f.fallback:
				r = '?'
			}
			c.uni[g] = r
		}
	}
	c.buf = append(c.buf, ">Tj ET\n"...)
}

// beginMarked opens a marked-content sequence of structure element type r
// with its MCID: "/TD <</MCID 3>> BDC".
func (c *canvas) beginMarked(r role, mcid int32) {
	c.buf = append(c.buf, '/')
	c.buf = append(c.buf, roleNames[r]...)
	c.buf = append(c.buf, " <</MCID "...)
	c.buf = strconv.AppendInt(c.buf, int64(mcid), 10)
	c.buf = append(c.buf, ">> BDC\n"...)
}

// Artifact property lists: running headers and footers, the draft mark on
// every page, and rules that only structure the layout.
const (
	artifactHeader    = "/Artifact <</Type /Pagination /Subtype /Header>> BDC\n"
	artifactFooter    = "/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"
	artifactWatermark = "/Artifact <</Type /Pagination /Subtype /Watermark>> BDC\n"
	artifactLayout    = "/Artifact BMC\n"
)

// beginArtifact opens an artifact, content that is not part of the
// document's structure and that assistive technology skips.
func (c *canvas) beginArtifact(props string) { c.buf = append(c.buf, props...) }

// endMarked closes the innermost marked-content sequence.
func (c *canvas) endMarked() { c.buf = append(c.buf, "EMC\n"...) }

// line strokes a line between two points given in millimetres.
func (c *canvas) line(x1, y1, x2, y2, width float64, col color) {
	if width != c.lineW {
		c.buf = appendNum(c.buf, width*k, 2)
		c.buf = append(c.buf, " w\n"...)
		c.lineW = width
	}
	if !c.strOK || c.stroke != col {
		c.buf = appendColor(c.buf, col)
		c.buf = append(c.buf, " RG\n"...)
		c.stroke, c.strOK = col, true
	}
	c.buf = appendNum(c.buf, x1*k, 2)
	c.buf = append(c.buf, ' ')
	c.buf = appendNum(c.buf, (pageH-y1)*k, 2)
	c.buf = append(c.buf, " m "...)
	c.buf = appendNum(c.buf, x2*k, 2)
	c.buf = append(c.buf, ' ')
	c.buf = appendNum(c.buf, (pageH-y2)*k, 2)
	c.buf = append(c.buf, " l S\n"...)
}

// appendColor writes the three RGB components as fractions of 1.
func appendColor(b []byte, c color) []byte {
	b = appendNum(b, float64(c.r)/255, 3)
	b = append(b, ' ')
	b = appendNum(b, float64(c.g)/255, 3)
	b = append(b, ' ')
	return appendNum(b, float64(c.b)/255, 3)
}

// appendNum writes v with at most prec (≤ 3) decimals and no trailing
// zeros – faster than strconv's float formatting, which dominated the
// content streams.
func appendNum(b []byte, v float64, prec int) []byte {
	scale := int64(100)
	if prec == 3 {
		scale = 1000
	}
	n := int64(math.Round(v * float64(scale)))
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	b = strconv.AppendInt(b, n/scale, 10)
	frac := n % scale
	if frac == 0 {
		return b
	}
	var d [3]byte
	for i := prec - 1; i >= 0; i-- {
		d[i] = byte('0' + frac%10)
		frac /= 10
	}
	end := prec
	for d[end-1] == '0' {
		end--
	}
	b = append(b, '.')
	return append(b, d[:end]...)
}

const hexDigits = "0123456789ABCDEF"

func appendHex16(b []byte, v uint16) []byte {
	return append(b, hexDigits[v>>12], hexDigits[v>>8&15], hexDigits[v>>4&15], hexDigits[v&15])
}
