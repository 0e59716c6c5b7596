package gazetteer

import (
	"math"
	"slices"
	"strings"
	"testing"

	"sozialplattform/tenant/gemeinden"
)

func mustDefault(t testing.TB) *Gazetteer {
	t.Helper()
	g, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// names lists the hits as "Name" (a Gemeinde or Landkreis), "Name@Gemeinde"
// (an Ortsteil) and a trailing "?" for a suggestion.
func names(ps []Place) string {
	var out []string
	for _, p := range ps {
		s := p.Name
		if p.Kind == KindOrtsteil {
			s += "@" + p.Gemeinde
		}
		if p.Uncertain {
			s += "?"
		}
		out = append(out, s)
	}
	return strings.Join(out, "|")
}

func TestLookup(t *testing.T) {
	g := mustDefault(t)
	for _, tt := range []struct{ name, q, want string }{
		// The towns the walk-through missed.
		{"Ilsenburg", "Ilsenburg", "Ilsenburg (Harz)"},
		{"Osterwieck", "Osterwieck", "Osterwieck"},
		{"Harzgerode", "harzgerode", "Harzgerode"},
		{"Kemberg", "Kemberg", "Kemberg"},
		{"a shared postcode asks", "38871", "Ilsenburg (Harz)|Nordharz"},
		{"postcode with a name narrows it", "38871 Ilsenburg", "Ilsenburg (Harz)"},
		{"name with a postcode narrows it", "Nordharz 38871", "Nordharz"},
		// Spelling.
		{"space around", "  ballenstedt ", "Ballenstedt"},
		{"umlaut", "Köthen", "Köthen (Anhalt)"},
		{"umlaut spelled out", "koethen", "Köthen (Anhalt)"},
		{"umlaut without e", "Kothen", "Köthen (Anhalt)"},
		{"ß spelled out", "Weissenfels", "Weißenfels"},
		{"ß", "Weißenfels", "Weißenfels"},
		{"brackets left out", "Halle", "Halle (Saale)"},
		{"brackets as written", "halle (saale)", "Halle (Saale)"},
		{"brackets as a slash", "Halle/Saale", "Halle (Saale)"},
		{"brackets as a space", "Ilsenburg Harz", "Ilsenburg (Harz)"},
		{"hyphen as a space", "Dessau Rosslau", "Dessau-Roßlau"},
		{"hyphen", "Bitterfeld-Wolfen", "Bitterfeld-Wolfen"},
		{"slash qualifier left out", "Zerbst", "Zerbst/Anhalt"},
		{"second of two names", "Harschlewe", "Harsleben / Harschlewe"},
		// Designations before and after the name.
		{"Stadt before", "Stadt Wernigerode", "Wernigerode"},
		{"Stadt after, as Destatis writes it", "Wernigerode, Stadt", "Wernigerode"},
		{"Lutherstadt", "Lutherstadt Wittenberg", "Lutherstadt Wittenberg"},
		{"Lutherstadt left out", "Wittenberg", "Lutherstadt Wittenberg"},
		{"Lutherstadt after", "Eisleben, Lutherstadt", "Lutherstadt Eisleben"},
		{"Hansestadt left out", "Stendal", "Hansestadt Stendal"},
		{"Hansestadt", "Hansestadt Salzwedel", "Hansestadt Salzwedel"},
		{"Welterbestadt", "Welterbestadt Quedlinburg", "Welterbestadt Quedlinburg"},
		{"Welterbestadt left out", "Quedlinburg", "Welterbestadt Quedlinburg"},
		{"Landeshauptstadt", "Landeshauptstadt Magdeburg", "Magdeburg"},
		{"Landkreis asked for", "Landkreis Wittenberg", "Landkreis Wittenberg"},
		{"Kreis by its short name", "Harz", "Landkreis Harz"},
		{"Kreis with umlaut without e", "Borde", "Landkreis Börde"},
		// One typo, for names of five letters or more.
		{"transposition", "Ilsneburg", "Ilsenburg (Harz)"},
		{"deletion", "Wernigrode", "Wernigerode"},
		{"insertion", "Osterwiecck", "Osterwieck"},
		{"substitution", "Harzgerade", "Harzgerode"},
		{"two typos", "Hrazgerade", ""},
		{"five letters get a typo", "Barbi", "Barby"},
		{"shorter names get none", "Huyy", ""},
		// Prefixes, also of later words.
		{"prefix", "Sangerh", "Sangerhausen"},
		{"prefix of a later word", "bitterf", "Bitterfeld-Wolfen|Landkreis Anhalt-Bitterfeld"},
		// Ortsteile.
		{"Ortsteil", "Gernrode", "Gernrode@Welterbestadt Quedlinburg"},
		{"part of a Gemeinde's name, then typos", "Roßlau", "Dessau-Roßlau|Roßla@Südharz|Rossau@Hansestadt Osterburg (Altmark)?"},
		{"Ortsteil placed with low confidence asks with its postcode's Gemeinden", "Drübeck",
			"Drübeck@Ilsenburg (Harz)?|Ilsenburg (Harz)|Nordharz"},
		{"Ortsteil with its postcode", "38871 Drübeck", "Drübeck@Ilsenburg (Harz)?|Ilsenburg (Harz)|Nordharz"},
		{"Ortsteil named like the start of its Gemeinde", "Laucha", "Laucha an der Unstrut|Taucha@Hohenmölsen"},
		// Keys.
		{"postcode", "06493", "Ballenstedt|Harzgerode"},
		{"postcode of a city", "39104", "Magdeburg"},
		{"AGS", "15085370", "Wernigerode"},
		{"AGS with blanks", "15 085 370", "Wernigerode"},
		{"ARS", "150850190190", "Ilsenburg (Harz)"},
		{"unknown AGS", "15090999", ""},
		{"Kreisschlüssel", "15085", "Landkreis Harz"},
		{"Kreisschlüssel of a kreisfreie Stadt", "15002", "Halle (Saale)"},
		// Nothing.
		{"elsewhere", "Parchim", ""},
		{"unknown postcode", "99999", ""},
		{"empty", "", ""},
		{"too long", strings.Repeat("a", 101), ""},
		{"not UTF-8", "\xff\xfe", ""},
		{"markup", "<script>", ""},
	} {
		if got := names(g.Lookup(tt.q)); got != tt.want {
			t.Errorf("%s: Lookup(%.30q) = %q, want %q", tt.name, tt.q, got, tt.want)
		}
	}
	if len(Lookup("Stendal")) == 0 {
		t.Error("package Lookup finds nothing")
	}
}

func TestUnconfirmedPostcodesAreSuggestions(t *testing.T) {
	g := mustDefault(t)
	list, _ := gemeinden.Default()
	n := 0
	for _, gm := range list.Gemeinden() {
		for _, pc := range gm.UnconfirmedPostcodes {
			n++
			hits := g.Lookup(pc)
			i := slices.IndexFunc(hits, func(p Place) bool { return p.AGS == gm.AGS })
			if i < 0 || !hits[i].Uncertain {
				t.Errorf("%s: %s not offered as a suggestion: %s", pc, gm.Name(), names(hits))
			}
			if !slices.ContainsFunc(hits[:i], func(p Place) bool { return !p.Uncertain }) {
				t.Errorf("%s: the suggestion %s comes before the confirmed Gemeinden: %s", pc, gm.Name(), names(hits))
			}
		}
	}
	if n == 0 {
		t.Fatal("no unconfirmed postcodes in the list")
	}
}

// TestEveryGemeindeIsFound: each Gemeinde by its AGS alone, by every way of
// writing its name (shown, official, short, with the designation in front)
// among the hits, and by each of its postcodes.
func TestEveryGemeindeIsFound(t *testing.T) {
	g := mustDefault(t)
	list, _ := gemeinden.Default()
	for _, gm := range list.Gemeinden() {
		if hits := g.Lookup(gm.AGS); len(hits) != 1 || hits[0].AGS != gm.AGS {
			t.Errorf("AGS %s: %s", gm.AGS, names(hits))
		}
		spellings := []string{gm.Name(), gm.OfficialName, gm.ShortName}
		if gm.Title != "" {
			spellings = append(spellings, gm.Title+" "+gm.ShortName)
		}
		for _, s := range spellings {
			hits := g.Lookup(s)
			if !slices.ContainsFunc(hits, func(p Place) bool { return p.IsGemeinde() && p.AGS == gm.AGS && !p.Uncertain }) {
				t.Errorf("%q: %s not among %s", s, gm.Name(), names(hits))
			}
		}
		for _, pc := range gm.Postcodes {
			hits := g.Lookup(pc)
			if !slices.ContainsFunc(hits, func(p Place) bool { return p.AGS == gm.AGS && !p.Uncertain }) {
				t.Errorf("%s: %s not among %s", pc, gm.Name(), names(hits))
			}
		}
	}
	for _, k := range list.Kreise() {
		if hits := g.Lookup(k.Key); len(hits) != 1 || hits[0].Kreis != k.Key {
			t.Errorf("Kreis %s: %s", k.Key, names(hits))
		}
		if hits := g.Lookup(k.Name()); len(hits) == 0 || hits[0].Kreis != k.Key {
			t.Errorf("%s: %s", k.Name(), names(hits))
		}
	}
}

func TestTyposComeAfterPrefixes(t *testing.T) {
	g := mustDefault(t)
	for q, want := range map[string]string{
		// Lübars starts with the query, Neuermark-Lübars has a word that
		// does, Jübar is one letter away.
		"Lübar": "Lübars@Möckern|Neuermark-Lübars@Klietz|Jübar",
		"Zucha": "Zuchau@Barby|Bucha@Kaiserpfalz?",
	} {
		if got := names(g.Lookup(q)); got != want {
			t.Errorf("Lookup(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestKeysRoundTrip(t *testing.T) {
	g := mustDefault(t)
	kinds := map[Kind]int{}
	for _, p := range g.All() {
		kinds[p.Kind]++
		got, ok := g.Get(p.Key())
		if !ok || got.Name != p.Name || got.AGS != p.AGS {
			t.Errorf("Get(%s) = %v, %v", p.Key(), got.Name, ok)
		}
	}
	if kinds[KindLandkreis] != 11 || kinds[KindKreisfreieStadt] != 3 || kinds[KindStadt]+kinds[KindGemeinde] != 215 || kinds[KindOrtsteil] < 1000 {
		t.Errorf("kinds %v", kinds)
	}
	if p, ok := g.Get("15085190:druebeck"); !ok || p.Name != "Drübeck" || p.Gemeinde != "Ilsenburg (Harz)" {
		t.Errorf("Drübeck by key: %+v", p)
	}
}

func TestWithinOneEdit(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"kemberg", "kemberg", true}, {"kemberg", "kenberg", true}, {"kemberg", "kmeberg", true},
		{"kemberg", "kemberge", true}, {"kemberg", "emberg", true}, {"kemberg", "kmebreg", false},
		{"kemberg", "kembe", false}, {"kemberg", "kembegr", true}, {"kemberg", "xemberx", false},
	} {
		if got := withinOneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("withinOneEdit(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

func TestDistance(t *testing.T) {
	g := mustDefault(t)
	md, _ := g.Get("15003000")
	halle, _ := g.Get("15002000")
	if d := DistanceKm(md, halle); math.Abs(d-71) > 5 {
		t.Errorf("Magdeburg–Halle = %.1f km, want about 71", d)
	}
}
