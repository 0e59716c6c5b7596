package counselling

import (
	"strconv"
	"strings"

	"sozialplattform/portal/gazetteer"
)

// Place is where a search starts: a place of the portal's gazetteer
// (town, postcode, Kreis or AGS) or coordinates.
type Place struct {
	Name string  `json:"name"`
	Lat  float64 `json:"lat"`
	Lon  float64 `json:"lon"`
	// AGS is the place's official key where known (8 digits for a town,
	// 5 for a Kreis), for the service-area filter.
	AGS string `json:"ags,omitempty"`
}

// Point returns the place's coordinates.
func (p Place) Point() *Point { return &Point{Lat: p.Lat, Lon: p.Lon} }

// ResolvePlace finds the place a citizen typed: "lat,lon" in decimal
// degrees, or a name, postcode, Kreisschlüssel or AGS that the portal's
// gazetteer of Sachsen-Anhalt knows (the best match wins). False when
// nothing matches.
func ResolvePlace(q string) (Place, bool) {
	q = strings.TrimSpace(q)
	if q == "" || len(q) > gazetteer.MaxQueryLen {
		return Place{}, false
	}
	if a, b, ok := strings.Cut(q, ","); ok {
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
		if err1 == nil && err2 == nil {
			if lat < -90 || lat > 90 || lon < -180 || lon > 180 {
				return Place{}, false
			}
			return Place{Name: strconv.FormatFloat(lat, 'f', 4, 64) + ", " + strconv.FormatFloat(lon, 'f', 4, 64), Lat: lat, Lon: lon}, true
		}
	}
	hits := gazetteer.Lookup(q)
	if len(hits) == 0 {
		return Place{}, false
	}
	p := hits[0]
	ags := p.AGS
	if ags == "" {
		ags = p.Kreis
	}
	return Place{Name: p.Name, Lat: p.Lat, Lon: p.Lon, AGS: ags}, true
}
