package gazetteer

import (
	"math"
	"strings"
	"testing"
)

func names(ps []Place) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return strings.Join(out, "|")
}

func TestLookup(t *testing.T) {
	g, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ q, want string }{
		{"Ballenstedt", "Ballenstedt"},
		{"  ballenstedt ", "Ballenstedt"},
		{"Köthen", "Köthen (Anhalt)"},
		{"koethen", "Köthen (Anhalt)"},
		{"Halle", "Halle (Saale)"},
		{"halle (saale)", "Halle (Saale)"},
		{"Wittenberg", "Lutherstadt Wittenberg"},
		{"06493", "Ballenstedt"},
		{"39104", "Magdeburg"},
		{"15085370", "Wernigerode"},
		{"15 085 370", "Wernigerode"},
		{"15085999", "Landkreis Harz"}, // unknown AGS → its Kreis
		{"15085", "Landkreis Harz"},
		{"Bitterfeld", "Bitterfeld-Wolfen"},
		{"San", "Sandersdorf-Brehna|Sangerhausen"},
		{"bitterf", "Bitterfeld-Wolfen|Landkreis Anhalt-Bitterfeld"},
		{"Parchim", ""},
		{"99999", ""},
		{"", ""},
		{strings.Repeat("a", 101), ""},
		{"\xff\xfe", ""},
		{"<script>", ""},
	} {
		if got := names(g.Lookup(tt.q)); got != tt.want {
			t.Errorf("Lookup(%.30q) = %q, want %q", tt.q, got, tt.want)
		}
	}
	if len(Lookup("Stendal")) == 0 {
		t.Error("package Lookup finds nothing")
	}
}

func TestEveryKreisIsListed(t *testing.T) {
	g, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"15001", "15002", "15003", "15081", "15082", "15083", "15084", "15085", "15086", "15087", "15088", "15089", "15090", "15091"} {
		p, ok := g.Kreis(k)
		if !ok {
			t.Errorf("Kreis %s missing", k)
			continue
		}
		towns := 0
		for _, q := range g.All() {
			if q.Kreis == k {
				towns++
			}
		}
		if p.Kind == KindLandkreis && towns < 4 {
			t.Errorf("%s has only %d entries", p.Name, towns-1)
		}
	}
}

func TestKeysRoundTrip(t *testing.T) {
	g, _ := Default()
	for _, p := range g.All() {
		got, ok := g.Get(p.Key())
		if !ok || got.Name != p.Name {
			t.Errorf("Get(%s) = %v, %v", p.Key(), got.Name, ok)
		}
	}
}

func TestNewRejectsBadEntries(t *testing.T) {
	for _, p := range []Place{
		{Name: "", Kreis: "15085", Lat: 51, Lon: 11},
		{Name: "X", Kreis: "1508", Lat: 51, Lon: 11},
		{Name: "X", Kreis: "15085", AGS: "15091375", Lat: 51, Lon: 11},
		{Name: "X", Kreis: "15085", Postcodes: []string{"123"}, Lat: 51, Lon: 11},
		{Name: "X", Kreis: "15085", Lat: 0, Lon: 0},
	} {
		if _, err := New([]Place{p}); err == nil {
			t.Errorf("New(%+v) accepted", p)
		}
	}
}

func TestDistance(t *testing.T) {
	g, _ := Default()
	md, _ := g.Get("15003000")
	halle, _ := g.Get("15002000")
	if d := DistanceKm(md, halle); math.Abs(d-71) > 5 {
		t.Errorf("Magdeburg–Halle = %.1f km, want about 71", d)
	}
}
