package gemeinden

import (
	"slices"
	"strings"
	"testing"
)

func mustDefault(t testing.TB) *List {
	t.Helper()
	l, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestTheListHoldsEveryGemeindeAndKreis(t *testing.T) {
	l := mustDefault(t)
	if n := len(l.Gemeinden()); n != 218 {
		t.Errorf("%d Gemeinden, want 218 (Gebietsstand %s)", n, AsOf)
	}
	perKreis := map[string]int{"15001": 1, "15002": 1, "15003": 1, "15081": 13, "15082": 10, "15083": 34, "15084": 33,
		"15085": 20, "15086": 8, "15087": 22, "15088": 20, "15089": 21, "15090": 25, "15091": 9}
	if n := len(l.Kreise()); n != len(perKreis) {
		t.Errorf("%d Kreise, want %d", n, len(perKreis))
	}
	for key, want := range perKreis {
		k, ok := l.Kreis(key)
		if !ok {
			t.Errorf("Kreis %s missing", key)
			continue
		}
		if got := len(l.InKreis(key)); got != want || k.Gemeinden != want {
			t.Errorf("Kreis %s: %d Gemeinden (file: %d), want %d", key, got, k.Gemeinden, want)
		}
	}
	if n := len(l.Localities()); n != 1339 {
		t.Errorf("%d localities, want 1339", n)
	}
}

func TestSpotChecksOfSourcesMd(t *testing.T) {
	l := mustDefault(t)
	for _, tt := range []struct {
		ags, name, kreis string
		kind             Kind
		postcodes        string
	}{
		{"15085370", "Wernigerode", "15085", KindStadt, "38855 38879"},
		{"15085190", "Ilsenburg (Harz)", "15085", KindStadt, "38871"},
		{"15085230", "Osterwieck", "15085", KindStadt, "38835 38836"},
		{"15085145", "Harzgerode", "15085", KindStadt, "06493 06507"},
		{"15091160", "Kemberg", "15091", KindStadt, "06773 06785 06888 06901"},
		{"15090550", "Tangermünde", "15090", KindStadt, ""},
		{"15090535", "Hansestadt Stendal", "15090", KindStadt, ""},
		{"15091375", "Lutherstadt Wittenberg", "15091", KindStadt, ""},
		{"15085235", "Welterbestadt Quedlinburg", "15085", KindStadt, ""},
		{"15085140", "Harsleben / Harschlewe", "15085", KindGemeinde, ""},
		{"15003000", "Magdeburg", "15003", KindKreisfreieStadt, ""},
		{"15002000", "Halle (Saale)", "15002", KindKreisfreieStadt, ""},
	} {
		g, ok := l.Gemeinde(tt.ags)
		if !ok {
			t.Errorf("%s missing", tt.ags)
			continue
		}
		if g.Name() != tt.name || g.KreisKey != tt.kreis || g.Kind != tt.kind {
			t.Errorf("%s = %q in %s (%s), want %q in %s (%s)", tt.ags, g.Name(), g.KreisKey, g.Kind, tt.name, tt.kreis, tt.kind)
		}
		if tt.postcodes != "" && strings.Join(g.Postcodes, " ") != tt.postcodes {
			t.Errorf("%s postcodes %v, want %s", tt.name, g.Postcodes, tt.postcodes)
		}
	}
	if _, ok := l.Gemeinde("15090999"); ok {
		t.Error("15090999 is no Gemeinde")
	}
	for key, want := range map[string]string{"15085": "Landkreis Harz", "15081": "Altmarkkreis Salzwedel", "15084": "Burgenlandkreis",
		"15086": "Landkreis Jerichower Land", "15002": "Halle (Saale)", "15003": "Magdeburg"} {
		if k, _ := l.Kreis(key); k.Name() != want {
			t.Errorf("Kreis %s = %q, want %q", key, k.Name(), want)
		}
	}
}

func TestParseRefusesInconsistentData(t *testing.T) {
	const kreise = "kreis_ags,name,kind,n_gemeinden\n15085,Harz,Landkreis,1\n"
	const head = "ags,ars,name,kind,kreis_ags,verbandsgemeinde,postcodes,lat,lon,name_short,plz_verwaltungssitz,postcodes_unconfirmed\n"
	const good = `15085370,150855370370,"Wernigerode, Stadt","Stadt (Einheitsgemeinde, verbandsfrei)",15085,,38855 38879,51.83,10.78,Wernigerode,38855,` + "\n"
	const ortsteile = "locality,ags,postcode,gemeinde,kreis_ags,lat,lon,ags_method,confidence,flags\n"
	for _, tt := range []struct {
		name, kreise, gemeinden, ortsteile, want string
	}{
		{"good", kreise, head + good, ortsteile, ""},
		{"AGS outside its Kreis", kreise, head + strings.Replace(good, "15085370,", "15086370,", 1), ortsteile, "not 8 digits within Kreis"},
		{"count differs", strings.Replace(kreise, ",1\n", ",2\n", 1), head + good, ortsteile, "has 1 Gemeinden"},
		{"bad postcode", kreise, head + strings.Replace(good, "38879", "3887", 1), ortsteile, "postcode"},
		{"seat postcode not listed", kreise, head + strings.Replace(good, ",38855,", ",38800,", 1), ortsteile, "Verwaltungssitz"},
		{"outside the Land", kreise, head + strings.Replace(good, "51.83", "48.1", 1), ortsteile, "outside Sachsen-Anhalt"},
		{"unknown kind", kreise, head + strings.Replace(good, `"Stadt (Einheitsgemeinde, verbandsfrei)"`, "Dorf", 1), ortsteile, "kind"},
		{"locality in an unknown Gemeinde", kreise, head + good, ortsteile + "Drübeck,15085190,38871,x,15085,51.85,10.7,y,high,\n", "unknown Gemeinde"},
		{"column missing", kreise, strings.Replace(head, ",postcodes_unconfirmed", "", 1) + good, ortsteile, "column"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.gemeinden), strings.NewReader(tt.kreise), strings.NewReader(tt.ortsteile))
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestFoldAndVariants(t *testing.T) {
	for in, want := range map[string]string{
		"Köthen (Anhalt)": "koethen anhalt", "  Dessau-Roßlau ": "dessau rosslau", "Zerbst/Anhalt": "zerbst anhalt",
		"GRÖNINGEN": "groeningen", "Lützen, Stadt": "luetzen stadt", "Bad Dürrenberg": "bad duerrenberg", "<>": "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string][]string{
		"Halle (Saale)":          {"halle saale", "halle"},
		"Zerbst/Anhalt":          {"zerbst anhalt", "zerbst"},
		"Harsleben / Harschlewe": {"harsleben harschlewe", "harsleben", "harschlewe"},
		"Wernigerode":            {"wernigerode"},
	} {
		if got := Variants(in); !slices.Equal(got, want) {
			t.Errorf("Variants(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMentions(t *testing.T) {
	l := mustDefault(t)
	keys := func(ms []Mention) string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Key)
		}
		return strings.Join(out, " ")
	}
	for text, want := range map[string]string{
		"Stadt Tangermünde":              "15090550",
		"Landkreis Stendal":              "15090 15090535",
		"Salzlandkreis – Sozialamt":      "15089",
		"Landkreis Anhalt-Bitterfeld":    "15082",
		"Stadt Halle (Saale)":            "15002 15002000",
		"Landeshauptstadt Magdeburg":     "15003 15003000",
		"Stadt Oberharz am Brocken":      "15085228",
		"Behörde 15089":                  "",
		"Stadt Ilsenburg":                "15085190",
		"Lutherstadt Wittenberg":         "15091 15091375",
		"Sozialamt des Landkreises Harz": "15085",
	} {
		if got := keys(l.Mentions(text)); got != want {
			t.Errorf("Mentions(%q) = %q, want %q", text, got, want)
		}
	}
}
