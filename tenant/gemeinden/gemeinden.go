// Package gemeinden is the official list of Sachsen-Anhalt's
// municipalities: the 218 Gemeinden with their Amtlicher Gemeindeschlüssel
// (Destatis, Gebietsstand 31.12.2024), the 14 Landkreise and kreisfreie
// Städte, the postcodes of each Gemeinde and 1,339 localities (Ortsteile
// with a postcode) placed in their Gemeinde.
//
// It sits in tenant because every level of the platform needs it: the
// marketplace checks a registering authority's key against it, onboarding
// knows which Gemeinden belong to a Kreis, and the portal's place search
// (portal/gazetteer) builds its index on it. The data is embedded
// (data/*.csv, copied unchanged from the reference data); data/NOTICE.md
// and data/SOURCES.md say where it comes from and which attribution its
// licences (dl-de/by-2-0, CC BY 4.0) require.
package gemeinden

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/gemeinden-sachsen-anhalt.csv data/kreise-sachsen-anhalt.csv data/ortsteile-sachsen-anhalt.csv
var dataFiles embed.FS

// LandKey is Sachsen-Anhalt's Länderschlüssel.
const LandKey = "15"

// AsOf is the Gebietsstand of the list, as the refusals quote it.
const AsOf = "31.12.2024"

// Kind is what sort of body a Gemeinde or Kreis is.
type Kind string

// The kinds, spelled as tenant.Kind spells the tenants of those bodies
// (a Stadt and a Gemeinde are both tenants of kind "gemeinde").
const (
	KindKreisfreieStadt Kind = "kreisfreie-stadt"
	KindLandkreis       Kind = "landkreis"
	KindStadt           Kind = "stadt"
	KindGemeinde        Kind = "gemeinde"
)

// Gemeinde is one municipality of the official list.
type Gemeinde struct {
	AGS          string // 8 digits: Land, Regierungsbezirk, Kreis, Gemeinde
	ARS          string // 12 digits, with the Gemeindeverband
	OfficialName string // as Destatis writes it: "Wernigerode, Stadt"
	ShortName    string // without the title: "Wernigerode"
	// Title is the designation Destatis appends ("Stadt", "Hansestadt",
	// "Lutherstadt", "Flecken" …), "" for a plain Gemeinde.
	Title string
	Kind  Kind
	// Verbandsgemeinde names the Verbandsgemeinde the Gemeinde belongs to,
	// "" for an Einheitsgemeinde or kreisfreie Stadt.
	Verbandsgemeinde string
	KreisKey         string   // 5 digits
	Postcodes        []string // confirmed postcodes (see data/SOURCES.md)
	SeatPostcode     string   // the postcode of the Verwaltungssitz
	// UnconfirmedPostcodes come from low-confidence placements only: most
	// are right, some are not. Use them for suggestions, never as fact.
	UnconfirmedPostcodes []string
	Lat, Lon             float64 // geographic centre (WGS84), not the town hall
}

// Name is how the portal and the console name the Gemeinde: the short name
// for a Stadt or Landeshauptstadt ("Wernigerode", "Magdeburg"), the title
// in front for the others ("Hansestadt Stendal", "Lutherstadt
// Wittenberg"), and the official name when it has no title
// ("Harsleben / Harschlewe").
func (g Gemeinde) Name() string {
	switch g.Title {
	case "":
		return g.OfficialName
	case "Stadt", "Landeshauptstadt":
		return g.ShortName
	}
	return g.Title + " " + g.ShortName
}

// Kreis is a Landkreis or a kreisfreie Stadt.
type Kreis struct {
	Key          string // 5 digits
	OfficialName string // "Harz", "Halle (Saale), Stadt"
	Kind         Kind   // KindLandkreis or KindKreisfreieStadt
	Gemeinden    int
	// Lat, Lon: for a kreisfreie Stadt its centre; for a Landkreis the mean
	// of its Gemeinden's centres (the list has no coordinates of its own
	// for a Kreis).
	Lat, Lon float64
	name     string
}

// Name is the Kreis as people write it: "Landkreis Harz", "Burgenlandkreis",
// "Altmarkkreis Salzwedel", "Halle (Saale)".
func (k Kreis) Name() string { return k.name }

// Confidence is how surely a locality was placed in its Gemeinde.
type Confidence string

// The confidences of data/SOURCES.md: high and medium are facts, low is a
// suggestion.
const (
	High   Confidence = "high"
	Medium Confidence = "medium"
	Low    Confidence = "low"
)

// Locality is a place with a postcode (GeoNames), placed in a Gemeinde.
// One locality with several postcodes is several rows.
type Locality struct {
	Name       string // as GeoNames writes it: "Drübeck", "Pretzsch/Elbe"
	AGS        string // the Gemeinde it lies in
	Postcode   string
	Lat, Lon   float64
	Confidence Confidence
}

// Certain reports whether the placement counts as a fact.
func (l Locality) Certain() bool { return l.Confidence == High || l.Confidence == Medium }

// List is the official list. It is immutable and safe for concurrent use.
type List struct {
	gemeinden  []Gemeinde
	kreise     []Kreis
	localities []Locality
	byAGS      map[string]int
	byKreis    map[string]int
}

var defaultList = sync.OnceValues(func() (*List, error) {
	open := func(name string) (io.ReadCloser, error) { return dataFiles.Open("data/" + name) }
	g, err := open("gemeinden-sachsen-anhalt.csv")
	if err != nil {
		return nil, err
	}
	defer g.Close()
	k, err := open("kreise-sachsen-anhalt.csv")
	if err != nil {
		return nil, err
	}
	defer k.Close()
	o, err := open("ortsteile-sachsen-anhalt.csv")
	if err != nil {
		return nil, err
	}
	defer o.Close()
	return Parse(g, k, o)
})

// Default returns the embedded list, parsed on first use.
func Default() (*List, error) { return defaultList() }

// Gemeinde returns the Gemeinde with the 8-digit AGS.
func (l *List) Gemeinde(ags string) (Gemeinde, bool) {
	i, ok := l.byAGS[ags]
	if !ok {
		return Gemeinde{}, false
	}
	return l.gemeinden[i], true
}

// Kreis returns the Landkreis or kreisfreie Stadt with the 5-digit key.
func (l *List) Kreis(key string) (Kreis, bool) {
	i, ok := l.byKreis[key]
	if !ok {
		return Kreis{}, false
	}
	return l.kreise[i], true
}

// Gemeinden returns every Gemeinde in key order.
func (l *List) Gemeinden() []Gemeinde { return slices.Clone(l.gemeinden) }

// Kreise returns the 14 Kreise in key order.
func (l *List) Kreise() []Kreis { return slices.Clone(l.kreise) }

// Localities returns every locality row in the file's order.
func (l *List) Localities() []Locality { return slices.Clone(l.localities) }

// InKreis returns the Gemeinden of a Kreis in key order.
func (l *List) InKreis(key string) []Gemeinde {
	var out []Gemeinde
	for _, g := range l.gemeinden {
		if g.KreisKey == key {
			out = append(out, g)
		}
	}
	return out
}

// Parse reads the three CSV files of data/ and checks them: keys well
// formed and consistent, each Gemeinde in a known Kreis, as many
// Gemeinden per Kreis as the Kreis file says, postcodes of five digits,
// coordinates inside Sachsen-Anhalt, each locality in a known Gemeinde.
func Parse(gemeinden, kreise, ortsteile io.Reader) (*List, error) {
	l := &List{byAGS: map[string]int{}, byKreis: map[string]int{}}
	if err := l.parseKreise(kreise); err != nil {
		return nil, err
	}
	if err := l.parseGemeinden(gemeinden); err != nil {
		return nil, err
	}
	if err := l.parseLocalities(ortsteile); err != nil {
		return nil, err
	}
	return l, nil
}

// table reads a CSV file with a header into rows of named columns.
func table(r io.Reader, name string, columns ...string) ([]map[string]string, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("gemeinden: %s: header: %w", name, err)
	}
	idx := map[string]int{}
	for i, h := range head {
		idx[h] = i
	}
	for _, c := range columns {
		if _, ok := idx[c]; !ok {
			return nil, fmt.Errorf("gemeinden: %s: column %q missing", name, c)
		}
	}
	var out []map[string]string
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("gemeinden: %s: %w", name, err)
		}
		row := make(map[string]string, len(columns)+1)
		for _, c := range columns {
			row[c] = strings.TrimSpace(rec[idx[c]])
		}
		row["#"] = strconv.Itoa(line)
		out = append(out, row)
	}
}

func (l *List) parseKreise(r io.Reader) error {
	rows, err := table(r, "kreise", "kreis_ags", "name", "kind", "n_gemeinden")
	if err != nil {
		return err
	}
	for _, row := range rows {
		k := Kreis{Key: row["kreis_ags"], OfficialName: row["name"]}
		if len(k.Key) != 5 || !digits(k.Key) || !strings.HasPrefix(k.Key, LandKey) {
			return fmt.Errorf("gemeinden: kreise line %s: key %q", row["#"], k.Key)
		}
		switch row["kind"] {
		case "kreisfreie Stadt":
			k.Kind = KindKreisfreieStadt
		case "Landkreis":
			k.Kind = KindLandkreis
		default:
			return fmt.Errorf("gemeinden: kreise line %s: kind %q", row["#"], row["kind"])
		}
		if k.Gemeinden, err = strconv.Atoi(row["n_gemeinden"]); err != nil || k.Gemeinden < 1 {
			return fmt.Errorf("gemeinden: kreise line %s: n_gemeinden %q", row["#"], row["n_gemeinden"])
		}
		if _, dup := l.byKreis[k.Key]; dup {
			return fmt.Errorf("gemeinden: Kreis %s listed twice", k.Key)
		}
		short, _ := splitTitle(k.OfficialName)
		switch {
		case k.Kind == KindKreisfreieStadt:
			k.name = short
		case strings.Contains(strings.ToLower(short), "kreis"):
			k.name = short
		default:
			k.name = "Landkreis " + short
		}
		l.byKreis[k.Key] = len(l.kreise)
		l.kreise = append(l.kreise, k)
	}
	return nil
}

func (l *List) parseGemeinden(r io.Reader) error {
	rows, err := table(r, "gemeinden", "ags", "ars", "name", "kind", "kreis_ags", "verbandsgemeinde", "postcodes",
		"lat", "lon", "name_short", "plz_verwaltungssitz", "postcodes_unconfirmed")
	if err != nil {
		return err
	}
	count := map[string]int{}
	sumLat, sumLon := map[string]float64{}, map[string]float64{}
	for _, row := range rows {
		at := "gemeinden line " + row["#"]
		g := Gemeinde{AGS: row["ags"], ARS: row["ars"], OfficialName: row["name"], ShortName: row["name_short"],
			Verbandsgemeinde: row["verbandsgemeinde"], KreisKey: row["kreis_ags"], SeatPostcode: row["plz_verwaltungssitz"],
			Postcodes: strings.Fields(row["postcodes"]), UnconfirmedPostcodes: strings.Fields(row["postcodes_unconfirmed"])}
		if len(g.AGS) != 8 || !digits(g.AGS) || !strings.HasPrefix(g.AGS, g.KreisKey) {
			return fmt.Errorf("gemeinden: %s: AGS %q is not 8 digits within Kreis %q", at, g.AGS, g.KreisKey)
		}
		if len(g.ARS) != 12 || !digits(g.ARS) || g.ARS[:5] != g.KreisKey || g.ARS[9:] != g.AGS[5:] {
			return fmt.Errorf("gemeinden: %s: ARS %q does not fit AGS %s", at, g.ARS, g.AGS)
		}
		k, ok := l.byKreis[g.KreisKey]
		if !ok {
			return fmt.Errorf("gemeinden: %s: unknown Kreis %q", at, g.KreisKey)
		}
		if g.ShortName == "" || g.OfficialName == "" {
			return fmt.Errorf("gemeinden: %s: name missing", at)
		}
		short, title := splitTitle(g.OfficialName)
		if title != "" && short != g.ShortName {
			return fmt.Errorf("gemeinden: %s: short name %q does not fit %q", at, g.ShortName, g.OfficialName)
		}
		g.Title = title
		switch kind := row["kind"]; {
		case kind == "kreisfreie Stadt":
			g.Kind = KindKreisfreieStadt
		case strings.HasPrefix(kind, "Stadt "):
			g.Kind = KindStadt
		case strings.HasPrefix(kind, "Gemeinde "):
			g.Kind = KindGemeinde
		default:
			return fmt.Errorf("gemeinden: %s: kind %q", at, kind)
		}
		if (g.Kind == KindKreisfreieStadt) != (l.kreise[k].Kind == KindKreisfreieStadt) {
			return fmt.Errorf("gemeinden: %s: %s is %s in a %s", at, g.AGS, g.Kind, l.kreise[k].Kind)
		}
		for _, pc := range slices.Concat(g.Postcodes, g.UnconfirmedPostcodes, []string{g.SeatPostcode}) {
			if len(pc) != 5 || !digits(pc) {
				return fmt.Errorf("gemeinden: %s: postcode %q", at, pc)
			}
		}
		if !slices.Contains(g.Postcodes, g.SeatPostcode) {
			return fmt.Errorf("gemeinden: %s: postcode of the Verwaltungssitz %s not among the postcodes", at, g.SeatPostcode)
		}
		if g.Lat, g.Lon, err = coordinates(row["lat"], row["lon"]); err != nil {
			return fmt.Errorf("gemeinden: %s: %w", at, err)
		}
		if _, dup := l.byAGS[g.AGS]; dup {
			return fmt.Errorf("gemeinden: AGS %s listed twice", g.AGS)
		}
		l.byAGS[g.AGS] = len(l.gemeinden)
		l.gemeinden = append(l.gemeinden, g)
		count[g.KreisKey]++
		sumLat[g.KreisKey] += g.Lat
		sumLon[g.KreisKey] += g.Lon
	}
	for i := range l.kreise {
		k := &l.kreise[i]
		if count[k.Key] != k.Gemeinden {
			return fmt.Errorf("gemeinden: Kreis %s has %d Gemeinden in the list, the Kreis file says %d", k.Key, count[k.Key], k.Gemeinden)
		}
		k.Lat, k.Lon = sumLat[k.Key]/float64(count[k.Key]), sumLon[k.Key]/float64(count[k.Key])
	}
	return nil
}

func (l *List) parseLocalities(r io.Reader) error {
	rows, err := table(r, "ortsteile", "locality", "ags", "postcode", "lat", "lon", "confidence")
	if err != nil {
		return err
	}
	l.localities = make([]Locality, 0, len(rows))
	for _, row := range rows {
		at := "ortsteile line " + row["#"]
		loc := Locality{Name: row["locality"], AGS: row["ags"], Postcode: row["postcode"], Confidence: Confidence(row["confidence"])}
		if loc.Name == "" {
			return fmt.Errorf("gemeinden: %s: name missing", at)
		}
		if _, ok := l.byAGS[loc.AGS]; !ok {
			return fmt.Errorf("gemeinden: %s: unknown Gemeinde %q", at, loc.AGS)
		}
		if len(loc.Postcode) != 5 || !digits(loc.Postcode) {
			return fmt.Errorf("gemeinden: %s: postcode %q", at, loc.Postcode)
		}
		if !slices.Contains([]Confidence{High, Medium, Low}, loc.Confidence) {
			return fmt.Errorf("gemeinden: %s: confidence %q", at, loc.Confidence)
		}
		if loc.Lat, loc.Lon, err = coordinates(row["lat"], row["lon"]); err != nil {
			return fmt.Errorf("gemeinden: %s: %w", at, err)
		}
		l.localities = append(l.localities, loc)
	}
	return nil
}

// coordinates parses a point and checks that it lies in Sachsen-Anhalt's
// bounding box (with a margin).
func coordinates(lat, lon string) (float64, float64, error) {
	la, err1 := strconv.ParseFloat(lat, 64)
	lo, err2 := strconv.ParseFloat(lon, 64)
	if err1 != nil || err2 != nil || la < 50.8 || la > 53.2 || lo < 10.4 || lo > 13.4 {
		return 0, 0, fmt.Errorf("coordinates %q, %q outside Sachsen-Anhalt", lat, lon)
	}
	return la, lo, nil
}

// splitTitle splits Destatis' "Wernigerode, Stadt" into the name and the
// title; a name without a comma has no title.
func splitTitle(official string) (string, string) {
	if i := strings.LastIndex(official, ", "); i > 0 {
		return official[:i], official[i+2:]
	}
	return official, ""
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
