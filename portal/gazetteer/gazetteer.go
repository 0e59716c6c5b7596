// Package gazetteer knows the places of Sachsen-Anhalt: the 14 Landkreise
// and kreisfreie Städte and their larger towns, each with postcodes,
// coordinates and the Kreis (by Kreisschlüssel) whose authorities are
// responsible for it. The portal routes a citizen by place; the
// counselling search measures distances with Place.Lat/Lon.
//
// The data is embedded (places.json). A town's 8-digit AGS is given where
// it was checked against a published source; a search by an AGS that is
// not listed falls back to its Kreis, which is the responsible body anyway.
package gazetteer

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

//go:embed places.json
var placesJSON []byte

// Kind is what sort of place an entry is.
type Kind string

// The kinds of places.
const (
	KindKreisfreieStadt Kind = "kreisfreie-stadt"
	KindLandkreis       Kind = "landkreis"
	KindStadt           Kind = "stadt"
	KindGemeinde        Kind = "gemeinde"
)

// Place is one entry of the gazetteer.
type Place struct {
	Name      string   `json:"name"`
	Kind      Kind     `json:"kind"`
	AGS       string   `json:"ags,omitempty"` // 8 digits, where known
	Kreis     string   `json:"kreis"`         // Kreisschlüssel of the responsible Kreis or kreisfreie Stadt
	Aliases   []string `json:"aliases,omitempty"`
	Postcodes []string `json:"postcodes,omitempty"`
	Lat       float64  `json:"lat"`
	Lon       float64  `json:"lon"`
}

// Key identifies the place in a URL: its AGS where known, else its Kreis
// and normalised name ("15085:ballenstedt").
func (p Place) Key() string {
	if p.AGS != "" {
		return p.AGS
	}
	return p.Kreis + ":" + fold(p.Name)
}

// Gazetteer is the list of places. It is immutable.
type Gazetteer struct {
	places []Place
	folded [][]string // per place: folded name and aliases
}

// MaxQueryLen caps what Lookup looks at; place names are short.
const MaxQueryLen = 100

// New builds a gazetteer from places, checking each entry.
func New(places []Place) (*Gazetteer, error) {
	g := &Gazetteer{places: places, folded: make([][]string, len(places))}
	seen := map[string]bool{}
	for i, p := range places {
		if p.Name == "" || len(p.Kreis) != 5 || !digits(p.Kreis) {
			return nil, fmt.Errorf("gazetteer: place %d (%q) needs a name and a 5-digit Kreisschlüssel", i, p.Name)
		}
		if p.AGS != "" && (len(p.AGS) != 8 || !digits(p.AGS) || !strings.HasPrefix(p.AGS, p.Kreis)) {
			return nil, fmt.Errorf("gazetteer: %s: AGS %q is not 8 digits within Kreis %s", p.Name, p.AGS, p.Kreis)
		}
		for _, pc := range p.Postcodes {
			if len(pc) != 5 || !digits(pc) {
				return nil, fmt.Errorf("gazetteer: %s: postcode %q", p.Name, pc)
			}
		}
		if p.Lat < 47 || p.Lat > 55.1 || p.Lon < 5.8 || p.Lon > 15.1 {
			return nil, fmt.Errorf("gazetteer: %s: coordinates %v,%v lie outside Germany", p.Name, p.Lat, p.Lon)
		}
		if seen[p.Key()] {
			return nil, fmt.Errorf("gazetteer: %s is listed twice", p.Name)
		}
		seen[p.Key()] = true
		names := []string{fold(p.Name)}
		for _, a := range p.Aliases {
			names = append(names, fold(a))
		}
		g.folded[i] = names
	}
	return g, nil
}

var defaultGazetteer = sync.OnceValues(func() (*Gazetteer, error) {
	var places []Place
	if err := json.Unmarshal(placesJSON, &places); err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	return New(places)
})

// Default returns the embedded gazetteer of Sachsen-Anhalt.
func Default() (*Gazetteer, error) { return defaultGazetteer() }

// Lookup searches the embedded gazetteer; see (*Gazetteer).Lookup.
func Lookup(q string) []Place {
	g, err := Default()
	if err != nil {
		return nil
	}
	return g.Lookup(q)
}

// All returns every place.
func (g *Gazetteer) All() []Place { return slices.Clone(g.places) }

// Get returns the place with the given Key.
func (g *Gazetteer) Get(key string) (Place, bool) {
	for _, p := range g.places {
		if p.Key() == key {
			return p, true
		}
	}
	return Place{}, false
}

// Kreis returns the entry of the Landkreis or kreisfreie Stadt with the
// given Kreisschlüssel.
func (g *Gazetteer) Kreis(key string) (Place, bool) {
	for _, p := range g.places {
		if p.Kreis == key && (p.Kind == KindLandkreis || p.Kind == KindKreisfreieStadt) {
			return p, true
		}
	}
	return Place{}, false
}

// Lookup finds places by name, postcode, Kreisschlüssel or AGS. A name
// matches case- and accent-insensitively ("koethen" finds "Köthen
// (Anhalt)"); exact names come first, then names that start with the
// query, then names that contain it. A postcode can name several places;
// an unknown AGS falls back to its Kreis. Nothing found is an empty
// result.
func (g *Gazetteer) Lookup(q string) []Place {
	q = strings.TrimSpace(q)
	if q == "" || len(q) > MaxQueryLen || !utf8.ValidString(q) {
		return nil
	}
	compact := strings.Join(strings.Fields(q), "")
	if digits(compact) {
		return g.byNumber(compact)
	}
	fq := fold(q)
	if fq == "" {
		return nil
	}
	var exact, prefix, contains []Place
	for i, p := range g.places {
		rank := 3
		for _, n := range g.folded[i] {
			switch {
			case n == fq || stripParens(n) == fq:
				rank = min(rank, 0)
			case strings.HasPrefix(n, fq):
				rank = min(rank, 1)
			case len(fq) >= 3 && strings.Contains(n, fq):
				rank = min(rank, 2)
			}
		}
		switch rank {
		case 0:
			exact = append(exact, p)
		case 1:
			prefix = append(prefix, p)
		case 2:
			contains = append(contains, p)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return append(prefix, contains...)
}

func (g *Gazetteer) byNumber(n string) []Place {
	var out []Place
	switch {
	case len(n) == 5 && strings.HasPrefix(n, "15"): // a Kreisschlüssel of Sachsen-Anhalt
		if p, ok := g.Kreis(n); ok {
			out = append(out, p)
		}
	case len(n) == 5: // a postcode
		for _, p := range g.places {
			if slices.Contains(p.Postcodes, n) {
				out = append(out, p)
			}
		}
	case len(n) == 8: // an AGS
		for _, p := range g.places {
			if p.AGS == n {
				return []Place{p}
			}
		}
		if p, ok := g.Kreis(n[:5]); ok {
			out = append(out, p)
		}
	}
	return out
}

// DistanceKm is the great-circle distance between two places in kilometres.
func DistanceKm(a, b Place) float64 {
	const earthRadiusKm = 6371.0
	rad := func(d float64) float64 { return d * math.Pi / 180 }
	dLat, dLon := rad(b.Lat-a.Lat), rad(b.Lon-a.Lon)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(a.Lat))*math.Cos(rad(b.Lat))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
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

var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")

// fold lowercases, spells umlauts out (so "Koethen" and "Köthen" meet),
// drops other accents and reduces punctuation to single spaces.
func fold(s string) string {
	s = umlauts.Replace(strings.ToLower(s))
	s = norm.NFD.String(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '(' || r == ')':
			b.WriteRune(r)
			space = false
		default:
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// stripParens drops a parenthesised suffix: "halle (saale)" → "halle".
func stripParens(s string) string {
	if i := strings.Index(s, "("); i > 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}
