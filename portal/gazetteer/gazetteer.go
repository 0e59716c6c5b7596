// Package gazetteer is the portal's place search for Sachsen-Anhalt: the
// 14 Landkreise and kreisfreie Städte, all 218 Gemeinden and their
// localities (Ortsteile), each with postcodes, coordinates and the Kreis
// (by Kreisschlüssel) whose authorities are responsible for it. The portal
// routes a citizen by place; the counselling search measures distances
// with Place.Lat/Lon.
//
// The places come from the official list in tenant/gemeinden (Destatis,
// BKG, GeoNames; see its data/NOTICE.md). This package adds the search: an
// index built once, tolerant of umlauts and ß, of designations such as
// "Stadt", "Hansestadt" or "Lutherstadt" before or after the name, of
// hyphens, brackets and slashes, and of one typo.
package gazetteer

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"sozialplattform/tenant/gemeinden"
)

// Kind is what sort of place an entry is.
type Kind string

// The kinds of places.
const (
	KindKreisfreieStadt Kind = "kreisfreie-stadt"
	KindLandkreis       Kind = "landkreis"
	KindStadt           Kind = "stadt"
	KindGemeinde        Kind = "gemeinde"
	KindOrtsteil        Kind = "ortsteil"
)

// Place is one entry of the gazetteer, or one hit of a search.
type Place struct {
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// AGS is the Gemeinde's 8-digit key; for an Ortsteil the key of the
	// Gemeinde it lies in; "" for a Landkreis.
	AGS   string `json:"ags,omitempty"`
	Kreis string `json:"kreis"` // Kreisschlüssel of the Landkreis or kreisfreie Stadt
	// Gemeinde names the Gemeinde of an Ortsteil.
	Gemeinde  string   `json:"gemeinde,omitempty"`
	Postcodes []string `json:"postcodes,omitempty"`
	Lat       float64  `json:"lat"`
	Lon       float64  `json:"lon"`
	// Uncertain marks a suggestion rather than a fact: an Ortsteil placed
	// with low confidence, or a Gemeinde found by a postcode that is not
	// confirmed for it. The portal never routes to it without asking.
	Uncertain bool `json:"uncertain,omitempty"`

	order string // folded name and key, how hits of one class are sorted
}

// Key identifies the place in a URL: the AGS of a Gemeinde, the
// Kreisschlüssel of a Landkreis, the Gemeinde's AGS and the folded name of
// an Ortsteil ("15085190:druebeck").
func (p Place) Key() string {
	switch {
	case p.Kind == KindOrtsteil:
		return p.AGS + ":" + strings.ReplaceAll(gemeinden.Fold(p.Name), " ", "-")
	case p.AGS != "":
		return p.AGS
	}
	return p.Kreis
}

// IsGemeinde reports whether the place is a Gemeinde or a kreisfreie Stadt.
func (p Place) IsGemeinde() bool {
	return p.Kind == KindStadt || p.Kind == KindGemeinde || p.Kind == KindKreisfreieStadt
}

// MaxQueryLen caps what Lookup looks at; place names are short.
const MaxQueryLen = 100

// MaxResults caps the places one search returns.
const MaxResults = 25

// Gazetteer is the list of places with its search index. It is immutable
// and safe for concurrent use.
type Gazetteer struct {
	places []Place
	byKey  map[string]int32
	kreise map[string]int32
	// exact maps every folded spelling (designations removed) to places.
	exact map[string][]int32
	// words holds every spelling from each of its word starts, sorted, for
	// prefix search ("bitterf" finds "anhalt bitterfeld").
	words []word
	// byLen holds the spellings of five letters or more by length, for the
	// one-typo search.
	byLen       map[int][]string
	postcodes   map[string][]int32 // confirmed
	unconfirmed map[string][]int32 // suggestions only
}

type word struct {
	text  string
	place int32
	inner bool // starts after the first word of the spelling
}

var defaultGazetteer = sync.OnceValues(func() (*Gazetteer, error) {
	list, err := gemeinden.Default()
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	return New(list), nil
})

// Default returns the gazetteer of Sachsen-Anhalt, built once.
func Default() (*Gazetteer, error) { return defaultGazetteer() }

// Lookup searches the default gazetteer; see (*Gazetteer).Lookup.
func Lookup(q string) []Place {
	g, err := Default()
	if err != nil {
		return nil
	}
	return g.Lookup(q)
}

// New builds the gazetteer and its index from the official list.
func New(list *gemeinden.List) *Gazetteer {
	g := &Gazetteer{byKey: map[string]int32{}, kreise: map[string]int32{}, exact: map[string][]int32{},
		byLen: map[int][]string{}, postcodes: map[string][]int32{}, unconfirmed: map[string][]int32{}}
	for _, k := range list.Kreise() {
		if k.Kind != gemeinden.KindLandkreis {
			continue // a kreisfreie Stadt is listed once, as its Gemeinde
		}
		i := g.add(Place{Name: k.Name(), Kind: KindLandkreis, Kreis: k.Key, Lat: k.Lat, Lon: k.Lon})
		g.kreise[k.Key] = i
		names := slices.Concat(k.Names(), gemeinden.Variants(plain(k.OfficialName)), gemeinden.Variants(plain(k.Name())))
		if !strings.Contains(names[0], "kreis") {
			names = append(names, "kreis "+names[0]) // "Kreis Harz"
		}
		g.index(i, names...)
	}
	for _, gm := range list.Gemeinden() {
		p := Place{Name: gm.Name(), Kind: Kind(gm.Kind), AGS: gm.AGS, Kreis: gm.KreisKey,
			Postcodes: gm.Postcodes, Lat: gm.Lat, Lon: gm.Lon}
		i := g.add(p)
		if gm.Kind == gemeinden.KindKreisfreieStadt {
			g.kreise[gm.KreisKey] = i
		}
		g.index(i, slices.Concat(gm.Names(), gemeinden.Variants(plain(gm.ShortName)), []string{gemeinden.Fold(gm.Name())})...)
		for _, pc := range gm.Postcodes {
			g.postcodes[pc] = append(g.postcodes[pc], i)
		}
		for _, pc := range gm.UnconfirmedPostcodes {
			if !slices.Contains(g.postcodes[pc], i) {
				g.unconfirmed[pc] = append(g.unconfirmed[pc], i)
			}
		}
	}
	g.addLocalities(list)
	slices.SortFunc(g.words, func(a, b word) int { return strings.Compare(a.text, b.text) })
	return g
}

// addLocalities adds the Ortsteile, one entry per name and Gemeinde with
// all its postcodes. An Ortsteil named like its own Gemeinde is that
// Gemeinde and gets no entry of its own.
func (g *Gazetteer) addLocalities(list *gemeinden.List) {
	type group struct {
		certain, uncertain []gemeinden.Locality
	}
	groups := map[string]*group{}
	var order []string
	for _, l := range list.Localities() {
		k := l.AGS + "\x00" + l.Name
		gr := groups[k]
		if gr == nil {
			gr = &group{}
			groups[k] = gr
			order = append(order, k)
		}
		if l.Certain() {
			gr.certain = append(gr.certain, l)
		} else {
			gr.uncertain = append(gr.uncertain, l)
		}
	}
	for _, k := range order {
		gr := groups[k]
		rows, uncertain := gr.certain, false
		if len(rows) == 0 {
			rows, uncertain = gr.uncertain, true
		}
		first := rows[0]
		gm, _ := list.Gemeinde(first.AGS)
		names := slices.Concat(gemeinden.Variants(first.Name), gemeinden.Variants(plain(first.Name)))
		own := slices.Concat(gm.Names(), gemeinden.Variants(plain(gm.ShortName)))
		if slices.ContainsFunc(names, func(n string) bool {
			c := core(n)
			return slices.ContainsFunc(own, func(o string) bool { return strings.Contains(" "+o+" ", " "+c+" ") })
		}) {
			continue // "Wernigerode" in Wernigerode, "Laucha" in Laucha an der Unstrut, "Roßlau" in Dessau-Roßlau
		}
		p := Place{Name: first.Name, Kind: KindOrtsteil, AGS: gm.AGS, Kreis: gm.KreisKey, Gemeinde: gm.Name(),
			Lat: first.Lat, Lon: first.Lon, Uncertain: uncertain}
		for _, r := range rows {
			if !slices.Contains(p.Postcodes, r.Postcode) {
				p.Postcodes = append(p.Postcodes, r.Postcode)
			}
		}
		if _, dup := g.byKey[p.Key()]; dup {
			continue // the same name spelled twice in one Gemeinde
		}
		g.index(g.add(p), names...)
	}
}

func (g *Gazetteer) add(p Place) int32 {
	p.order = gemeinden.Fold(p.Name) + "\x00" + p.Key()
	i := int32(len(g.places))
	g.places = append(g.places, p)
	g.byKey[p.Key()] = i
	return i
}

// index files the place under each spelling, without designations.
func (g *Gazetteer) index(i int32, spellings ...string) {
	var seen []string
	for _, s := range spellings {
		c := core(s)
		if c == "" || slices.Contains(seen, c) {
			continue
		}
		seen = append(seen, c)
		g.exact[c] = append(g.exact[c], i)
		g.words = append(g.words, word{text: c, place: i})
		for j := 1; j < len(c); j++ {
			if c[j-1] == ' ' {
				g.words = append(g.words, word{text: c[j:], place: i, inner: true})
			}
		}
		if len(c) >= minTypoLen && len(g.exact[c]) == 1 { // first time this spelling is seen
			g.byLen[len(c)] = append(g.byLen[len(c)], c)
		}
	}
}

// designations are words before or after a name that do not tell places
// apart ("Stadt Wernigerode", "Stendal, Hansestadt").
var designations = []string{"stadt", "gemeinde", "einheitsgemeinde", "hansestadt", "lutherstadt", "welterbestadt",
	"landeshauptstadt", "flecken", "solestadt", "goethestadt"}

// core drops the designations from a folded name; a name that is nothing
// but designations stays as it is.
func core(folded string) string {
	words := strings.Fields(folded)
	kept := words[:0:0]
	for _, w := range words {
		if !slices.Contains(designations, w) {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		return folded
	}
	return strings.Join(kept, " ")
}

// plainUmlauts spells umlauts as their base letter, for people who type
// "Kothen" for Köthen.
var plainUmlauts = strings.NewReplacer("ä", "a", "ö", "o", "ü", "u", "Ä", "A", "Ö", "O", "Ü", "U")

func plain(s string) string { return plainUmlauts.Replace(s) }

// All returns every place: Landkreise, Gemeinden and Ortsteile.
func (g *Gazetteer) All() []Place { return slices.Clone(g.places) }

// Get returns the place with the given Key.
func (g *Gazetteer) Get(key string) (Place, bool) {
	i, ok := g.byKey[key]
	if !ok {
		return Place{}, false
	}
	return g.places[i], true
}

// Kreis returns the entry of the Landkreis or kreisfreie Stadt with the
// given Kreisschlüssel.
func (g *Gazetteer) Kreis(key string) (Place, bool) {
	i, ok := g.kreise[key]
	if !ok {
		return Place{}, false
	}
	return g.places[i], true
}

// DistanceKm is the great-circle distance between two places in kilometres.
func DistanceKm(a, b Place) float64 {
	const earthRadiusKm = 6371.0
	rad := func(d float64) float64 { return d * math.Pi / 180 }
	dLat, dLon := rad(b.Lat-a.Lat), rad(b.Lon-a.Lon)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(a.Lat))*math.Cos(rad(b.Lat))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

// class orders hits: Gemeinden, then Landkreise, then Ortsteile, then
// suggestions.
func (p Place) class() int {
	switch {
	case p.Uncertain:
		return 3
	case p.Kind == KindOrtsteil:
		return 2
	case p.Kind == KindLandkreis:
		return 1
	}
	return 0
}

func byClassAndName(a, b Place) int {
	return cmp.Or(cmp.Compare(a.class(), b.class()), strings.Compare(a.order, b.order))
}
