package gemeinden

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "ẞ", "ss")

// Fold is the form in which names are compared: lower case, umlauts and ß
// spelled out ("Köthen" and "Koethen" meet), other accents dropped, and
// everything that is not a letter or digit – hyphens, brackets, slashes,
// commas – reduced to single spaces ("Halle (Saale)" → "halle saale").
func Fold(s string) string {
	s = umlauts.Replace(strings.ToLower(s))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			space = false
		default:
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// Variants returns the folded spellings a place name is known by: the
// whole name; without a bracketed qualifier ("Halle (Saale)" → "halle
// saale", "halle"); without a qualifier after a slash ("Zerbst/Anhalt" →
// "zerbst anhalt", "zerbst"); and each of two names given with " / "
// ("Harsleben / Harschlewe" → "harsleben", "harschlewe"). No duplicates.
func Variants(name string) []string {
	var out []string
	add := func(s string) {
		if f := Fold(s); f != "" {
			for _, o := range out {
				if o == f {
					return
				}
			}
			out = append(out, f)
		}
	}
	add(name)
	if before, _, ok := strings.Cut(name, "("); ok {
		add(before)
	}
	switch {
	case strings.Contains(name, " / "):
		for part := range strings.SplitSeq(name, " / ") {
			add(part)
		}
	case strings.Contains(name, "/"):
		before, _, _ := strings.Cut(name, "/")
		add(before)
	}
	return out
}

// Names returns the folded spellings of the Gemeinde (see Variants).
func (g Gemeinde) Names() []string { return Variants(g.ShortName) }

// Names returns the folded spellings of the Kreis: "landkreis harz" and
// "harz"; "halle saale" and "halle" for the kreisfreie Stadt.
func (k Kreis) Names() []string {
	short, _ := splitTitle(k.OfficialName)
	out := Variants(short)
	if f := Fold(k.name); f != out[0] {
		out = append(out, f)
	}
	return out
}

// Mention is a Gemeinde or Kreis whose name a text contains.
type Mention struct {
	Key   string // the Gemeinde's AGS or the Kreisschlüssel
	Name  string // Gemeinde.Name or Kreis.Name
	Kreis bool   // a Landkreis or kreisfreie Stadt (by its Kreisschlüssel)
}

// Mentions returns the Gemeinden and Kreise whose name occurs in text as
// whole words, in key order: "Stadt Tangermünde" mentions Tangermünde,
// "Landkreis Stendal" the Landkreis Stendal and the Hansestadt Stendal,
// "Salzlandkreis – Sozialamt" the Salzlandkreis. A kreisfreie Stadt is
// mentioned twice, as Gemeinde and as Kreis.
func (l *List) Mentions(text string) []Mention {
	padded := " " + Fold(text) + " "
	if len(padded) <= 2 {
		return nil
	}
	has := func(names []string) bool {
		for _, n := range names {
			if strings.Contains(padded, " "+n+" ") {
				return true
			}
		}
		return false
	}
	var out []Mention
	for _, k := range l.kreise {
		if has(k.Names()) {
			out = append(out, Mention{Key: k.Key, Name: k.Name(), Kreis: true})
		}
	}
	for _, g := range l.gemeinden {
		if has(g.Names()) {
			out = append(out, Mention{Key: g.AGS, Name: g.Name()})
		}
	}
	return out
}
