package pdf

import (
	"slices"
	"strings"
	"unicode"
)

// forms holds the presentation forms of an Arabic letter: isolated, final,
// initial, medial (0 where the letter has none: it joins only to the right).
type forms [4]rune

var arabicForms = map[rune]forms{
	0x0621: {0xFE80, 0, 0, 0},
	0x0622: {0xFE81, 0xFE82, 0, 0}, 0x0623: {0xFE83, 0xFE84, 0, 0}, 0x0624: {0xFE85, 0xFE86, 0, 0},
	0x0625: {0xFE87, 0xFE88, 0, 0}, 0x0626: {0xFE89, 0xFE8A, 0xFE8B, 0xFE8C}, 0x0627: {0xFE8D, 0xFE8E, 0, 0},
	0x0628: {0xFE8F, 0xFE90, 0xFE91, 0xFE92}, 0x0629: {0xFE93, 0xFE94, 0, 0}, 0x062A: {0xFE95, 0xFE96, 0xFE97, 0xFE98},
	0x062B: {0xFE99, 0xFE9A, 0xFE9B, 0xFE9C}, 0x062C: {0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0}, 0x062D: {0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4},
	0x062E: {0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8}, 0x062F: {0xFEA9, 0xFEAA, 0, 0}, 0x0630: {0xFEAB, 0xFEAC, 0, 0},
	0x0631: {0xFEAD, 0xFEAE, 0, 0}, 0x0632: {0xFEAF, 0xFEB0, 0, 0}, 0x0633: {0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4},
	0x0634: {0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8}, 0x0635: {0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC}, 0x0636: {0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0},
	0x0637: {0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4}, 0x0638: {0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8}, 0x0639: {0xFEC9, 0xFECA, 0xFECB, 0xFECC},
	0x063A: {0xFECD, 0xFECE, 0xFECF, 0xFED0}, 0x0641: {0xFED1, 0xFED2, 0xFED3, 0xFED4}, 0x0642: {0xFED5, 0xFED6, 0xFED7, 0xFED8},
	0x0643: {0xFED9, 0xFEDA, 0xFEDB, 0xFEDC}, 0x0644: {0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0}, 0x0645: {0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4},
	0x0646: {0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8}, 0x0647: {0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC}, 0x0648: {0xFEED, 0xFEEE, 0, 0},
	0x0649: {0xFEEF, 0xFEF0, 0, 0}, 0x064A: {0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4},
}

// lamAlef are the ligatures of lam with an alef: isolated, final.
var lamAlef = map[rune][2]rune{0x0622: {0xFEF5, 0xFEF6}, 0x0623: {0xFEF7, 0xFEF8}, 0x0625: {0xFEF9, 0xFEFA}, 0x0627: {0xFEFB, 0xFEFC}}

const tatweel = 0x0640

func isTransparent(r rune) bool { return r >= 0x064B && r <= 0x065F || r == 0x0670 }

// joinsLeft reports whether r connects to the following letter.
func joinsLeft(r rune) bool {
	if r == tatweel {
		return true
	}
	f, ok := arabicForms[r]
	return ok && f[2] != 0
}

func joinsRight(r rune) bool {
	if r == tatweel {
		return true
	}
	f, ok := arabicForms[r]
	return ok && f[1] != 0
}

// shapeArabic replaces Arabic letters by their contextual presentation
// forms (in logical order) and forms the lam-alef ligatures.
func shapeArabic(s string) string {
	rs := []rune(s)
	var b strings.Builder
	neighbour := func(i, step int) rune {
		for j := i + step; j >= 0 && j < len(rs); j += step {
			if !isTransparent(rs[j]) {
				return rs[j]
			}
		}
		return 0
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		f, ok := arabicForms[r]
		if !ok {
			b.WriteRune(r)
			continue
		}
		prev := neighbour(i, -1)
		joinPrev := prev != 0 && joinsLeft(prev)
		if r == 0x0644 {
			if next := neighbour(i, 1); next != 0 {
				if lig, ok := lamAlef[next]; ok {
					if joinPrev {
						b.WriteRune(lig[1])
					} else {
						b.WriteRune(lig[0])
					}
					// skip to the alef (transparent marks between are dropped)
					for i++; i < len(rs) && rs[i] != next; i++ {
					}
					continue
				}
			}
		}
		next := neighbour(i, 1)
		joinNext := next != 0 && joinsRight(next) && f[2] != 0
		switch {
		case joinPrev && joinNext && f[3] != 0:
			b.WriteRune(f[3])
		case joinPrev && f[1] != 0:
			b.WriteRune(f[1])
		case joinNext && f[2] != 0:
			b.WriteRune(f[2])
		default:
			b.WriteRune(f[0])
		}
	}
	return b.String()
}

// hasRTL reports whether s holds right-to-left letters.
func hasRTL(s string) bool {
	for _, r := range s {
		if r >= 0x0590 && r <= 0x08FF || r >= 0xFB1D && r <= 0xFEFC {
			return true
		}
	}
	return false
}

// visual returns a line in the order it is drawn: Arabic shaped, and a
// simplified Unicode bidi algorithm applied: runs of right-to-left letters
// are reversed, numbers and Latin text stay left to right, neutral
// characters take the direction of their surroundings (or of the line),
// and a line that starts right to left has its runs in reverse order. rtl
// tells whether the line's base direction is right to left.
func visual(s string) (out string, rtl bool) {
	if !hasRTL(s) {
		return s, false
	}
	rs := []rune(shapeArabic(s))
	base := firstStrongRTL(s)
	dir := make([]int8, len(rs)) // 1 RTL, -1 LTR, 0 neutral
	for i, r := range rs {
		switch {
		case r >= 0x0590 && r <= 0x08FF || r >= 0xFB1D && r <= 0xFEFC:
			dir[i] = 1
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			dir[i] = -1
		}
	}
	baseDir := int8(-1)
	if base {
		baseDir = 1
	}
	for i := range dir {
		if dir[i] != 0 {
			continue
		}
		j := i
		for j < len(dir) && dir[j] == 0 {
			j++
		}
		var before, after int8 = baseDir, baseDir
		if i > 0 {
			before = dir[i-1]
		}
		if j < len(dir) {
			after = dir[j]
		}
		d := baseDir
		if before == after {
			d = before
		}
		for k := i; k < j; k++ {
			dir[k] = d
		}
	}
	var runs [][]rune
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && dir[j] == dir[i] {
			j++
		}
		run := append([]rune(nil), rs[i:j]...)
		if dir[i] == 1 {
			slices.Reverse(run)
		}
		runs = append(runs, run)
		i = j
	}
	if base {
		slices.Reverse(runs)
	}
	var b strings.Builder
	for _, r := range runs {
		b.WriteString(string(r))
	}
	return b.String(), base
}

// firstStrongRTL reports whether the first letter of s is right to left.
func firstStrongRTL(s string) bool {
	for _, r := range s {
		switch {
		case r >= 0x0590 && r <= 0x08FF || r >= 0xFB1D && r <= 0xFEFC:
			return true
		case r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= 0x00C0 && r <= 0x04FF:
			return false
		}
	}
	return false
}
