package pdf

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// wrap appends the lines of s that fit a cell w millimetres wide at size
// points, keeping the citizen's line breaks; an empty text is one dash.
// A line broken at a space keeps that space at its end, drawn but not
// counted: text extraction and screen readers, which join the lines of a
// table cell, must not run the last word of a line into the next one.
func (l *layout) wrap(dst []string, s string, w, size float64) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return append(dst, "–")
	}
	wmax := int(math.Ceil((w - 2*cellPad) * 1000 / (size / k)))
	for para := range strings.SplitSeq(s, "\n") {
		para = strings.TrimSuffix(para, "\r")
		switch {
		case strings.TrimSpace(para) == "":
			dst = append(dst, "")
		case hasRTL(para):
			dst = l.wrapWords(dst, para, wmax)
		default:
			dst = l.splitText(dst, para, wmax)
		}
	}
	return dst
}

// splitText breaks a left-to-right paragraph at the last space that keeps
// the line within wmax (1/1000 em), the space ending the line; a word
// longer than a line is broken between characters, so nothing runs out of
// its cell. The lines are substrings of s.
func (l *layout) splitText(dst []string, s string, wmax int) []string {
	start, width := 0, 0
	sep, after := -1, 0 // the last space of the line and where the next line starts
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if g, ok := l.c.glyphOf(r); ok {
			width += l.c.f.width[g]
		}
		if isBreak(r) {
			sep, after = i, i+n
		}
		if width <= wmax {
			i += n
			continue
		}
		if sep < 0 {
			if i == start { // a single character wider than the line
				i += n
			}
			dst = append(dst, s[start:i])
		} else {
			dst = append(dst, s[start:after])
			i = after
		}
		start, width, sep = i, 0, -1
	}
	if start < len(s) {
		dst = append(dst, s[start:])
	}
	return dst
}

// isBreak reports whether a line may break at r: any space but the
// no-break ones.
func isBreak(r rune) bool {
	return r == ' ' || r != 0xA0 && r != 0x202F && r != 0x2007 && r > 0x7F && unicode.IsSpace(r) || r == '\t'
}

// wrapWords breaks a paragraph with right-to-left text between words of
// its logical order, measuring the shaped words.
func (l *layout) wrapWords(dst []string, s string, wmax int) []string {
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if line != "" && l.c.width(shapeArabic(try)) > wmax {
			dst = append(dst, line+" ")
			try = word
		}
		line = try
		// a word wider than the line is cut between characters
		for l.c.width(shapeArabic(line)) > wmax && utf8.RuneCountInString(line) > 1 {
			cut := 0
			for i, r := range line {
				if i > 0 && l.c.width(shapeArabic(line[:i+utf8.RuneLen(r)])) > wmax {
					cut = i
					break
				}
			}
			if cut == 0 {
				break
			}
			dst = append(dst, line[:cut])
			line = line[cut:]
		}
	}
	return append(dst, line)
}
