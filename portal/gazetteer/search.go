package gazetteer

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"sozialplattform/tenant/gemeinden"
)

// minTypoLen is the shortest name searched with a typo: shorter names
// have too many neighbours one letter away.
const minTypoLen = 5

// Lookup finds places by name, postcode, Kreisschlüssel or AGS, best
// first, at most MaxResults.
//
// A name is compared folded (case, umlauts as "ae" or "a", ß as "ss",
// hyphens, brackets and slashes as spaces) and without designations
// ("Stadt", "Hansestadt", "Lutherstadt" … before or after it). Exact names
// win alone; a Gemeinde hides the Landkreis and its own Ortsteile of the
// same name. Without an exact name come the names that start with the
// query (also at a later word, from three letters), then names one typo
// away (Damerau–Levenshtein, names of five letters or more). Within each
// group Gemeinden come before Landkreise, Ortsteile and suggestions.
//
// A postcode gives its Gemeinden, those for which it is only a suggestion
// last and marked Uncertain; "38871 Drübeck" narrows the postcode by the
// name. An 8-digit AGS gives its Gemeinde, a 5-digit Kreisschlüssel its
// Kreis; an unknown key gives nothing.
func (g *Gazetteer) Lookup(q string) []Place {
	q = strings.TrimSpace(q)
	if q == "" || len(q) > MaxQueryLen || !utf8.ValidString(q) {
		return nil
	}
	compact := strings.Join(strings.Fields(q), "")
	if digits(compact) {
		return g.byNumber(compact)
	}
	fq := gemeinden.Fold(q)
	if fq == "" {
		return nil
	}
	if pc, rest, ok := postcodeAndName(fq); ok {
		byPostcode := g.byNumber(pc)
		named := g.search(rest)
		var both []Place
		for _, p := range named {
			if slices.ContainsFunc(byPostcode, func(b Place) bool { return b.AGS == p.AGS && p.AGS != "" }) {
				both = append(both, p)
			}
		}
		switch {
		case len(both) > 0:
			return both
		case len(byPostcode) > 0:
			return byPostcode
		}
		return named
	}
	return g.search(fq)
}

// postcodeAndName splits "38871 druebeck" or "druebeck 38871".
func postcodeAndName(fq string) (string, string, bool) {
	words := strings.Fields(fq)
	if len(words) < 2 {
		return "", "", false
	}
	for i, w := range words {
		if len(w) == 5 && digits(w) {
			rest := strings.Join(slices.Delete(slices.Clone(words), i, i+1), " ")
			return w, rest, rest != "" && !strings.ContainsFunc(rest, func(r rune) bool { return r >= '0' && r <= '9' })
		}
	}
	return "", "", false
}

// hit is a place found by a search, with how it was found.
type hit struct {
	place int32
	how   int // 0 prefix of the name, 1 prefix of a later word, 2 one typo away
}

func (g *Gazetteer) search(fq string) []Place {
	cq := core(fq)
	if ids := g.exact[cq]; len(ids) > 0 {
		return g.exactHits(ids)
	}
	var hits []hit
	at := make(map[int32]int) // place → index in hits
	record := func(place int32, how int) {
		if i, ok := at[place]; ok {
			hits[i].how = min(hits[i].how, how)
			return
		}
		at[place] = len(hits)
		hits = append(hits, hit{place, how})
	}
	for i := sort.Search(len(g.words), func(i int) bool { return g.words[i].text >= cq }); i < len(g.words); i++ {
		w := g.words[i]
		if !strings.HasPrefix(w.text, cq) {
			break
		}
		if w.inner && len(cq) < 3 {
			continue
		}
		how := 0
		if w.inner {
			how = 1
		}
		record(w.place, how)
	}
	if n := len(cq); n >= minTypoLen {
		for l := n - 1; l <= n+1; l++ {
			for _, name := range g.byLen[l] {
				if withinOneEdit(cq, name) {
					for _, id := range g.exact[name] {
						record(id, 2)
					}
				}
			}
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.how, b.how), byClassAndName(g.places[a.place], g.places[b.place]))
	})
	out := make([]Place, 0, min(len(hits), MaxResults))
	for _, h := range hits {
		out = append(out, g.places[h.place])
	}
	return capped(g.withPostcodeGemeinden(dropCovered(out)))
}

// withPostcodeGemeinden adds, when every hit is a suggestion (Ortsteile
// placed with low confidence), the Gemeinden their postcodes are confirmed
// for: "Drübeck" (38871, placed in Ilsenburg with low confidence) offers
// Ilsenburg (Harz) and Nordharz to choose from.
func (g *Gazetteer) withPostcodeGemeinden(ps []Place) []Place {
	if len(ps) == 0 || slices.ContainsFunc(ps, func(p Place) bool { return !p.Uncertain }) {
		return ps
	}
	var more []Place
	for _, p := range ps {
		for _, pc := range p.Postcodes {
			for _, id := range g.postcodes[pc] {
				if q := g.places[id]; !slices.ContainsFunc(more, func(m Place) bool { return m.AGS == q.AGS }) {
					more = append(more, q)
				}
			}
		}
	}
	slices.SortFunc(more, byClassAndName)
	return append(ps, more...)
}

// exactHits orders the places of one exact name. A Gemeinde hides the
// Landkreise it lies in (it leads there anyway) and Ortsteile of its own
// ("Stendal" is the Hansestadt, not also the Landkreis); Ortsteile of the
// same name elsewhere stay, so that the citizen is asked.
func (g *Gazetteer) exactHits(ids []int32) []Place {
	out := make([]Place, 0, len(ids))
	for _, id := range ids {
		out = append(out, g.places[id])
	}
	slices.SortFunc(out, byClassAndName)
	var kreise []string
	for _, p := range out {
		if p.IsGemeinde() {
			kreise = append(kreise, p.Kreis)
		}
	}
	out = slices.DeleteFunc(out, func(p Place) bool { return p.Kind == KindLandkreis && slices.Contains(kreise, p.Kreis) })
	return capped(g.withPostcodeGemeinden(dropCovered(out)))
}

// dropCovered removes Ortsteile whose Gemeinde is among the places.
func dropCovered(ps []Place) []Place {
	var own []string
	for _, p := range ps {
		if p.IsGemeinde() {
			own = append(own, p.AGS)
		}
	}
	return slices.DeleteFunc(ps, func(p Place) bool { return p.Kind == KindOrtsteil && slices.Contains(own, p.AGS) })
}

func capped(ps []Place) []Place {
	if len(ps) > MaxResults {
		return ps[:MaxResults]
	}
	return ps
}

func (g *Gazetteer) byNumber(n string) []Place {
	switch {
	case len(n) == 5 && strings.HasPrefix(n, gemeinden.LandKey): // a Kreisschlüssel of Sachsen-Anhalt
		if p, ok := g.Kreis(n); ok {
			return []Place{p}
		}
	case len(n) == 5: // a postcode
		var out []Place
		for _, id := range g.postcodes[n] {
			out = append(out, g.places[id])
		}
		slices.SortFunc(out, byClassAndName)
		var maybe []Place
		for _, id := range g.unconfirmed[n] {
			p := g.places[id]
			p.Uncertain = true
			maybe = append(maybe, p)
		}
		slices.SortFunc(maybe, byClassAndName)
		return append(out, maybe...)
	case len(n) == 8: // an AGS
		if i, ok := g.byKey[n]; ok {
			return []Place{g.places[i]}
		}
	case len(n) == 12: // an ARS: Land, Kreis, Verband, Gemeinde
		if i, ok := g.byKey[n[:5]+n[9:]]; ok {
			return []Place{g.places[i]}
		}
	}
	return nil
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or transposition of neighbours (optimal string
// alignment distance ≤ 1), byte-wise: the names are folded to ASCII.
func withinOneEdit(a, b string) bool {
	la, lb := len(a), len(b)
	switch {
	case la == lb:
		i := 0
		for i < la && a[i] == b[i] {
			i++
		}
		if i >= la-1 || a[i+1:] == b[i+1:] {
			return true
		}
		return a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case la == lb+1:
		return oneDeleted(a, b)
	case lb == la+1:
		return oneDeleted(b, a)
	}
	return false
}

// oneDeleted reports whether short is long with one byte removed.
func oneDeleted(long, short string) bool {
	i := 0
	for i < len(short) && long[i] == short[i] {
		i++
	}
	return long[i+1:] == short[i:]
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
