package marketplace

import (
	"fmt"
	"slices"
	"strings"

	"sozialplattform/tenant"
	"sozialplattform/tenant/gemeinden"
)

// landKey is Sachsen-Anhalt's Länderschlüssel; the marketplace registers
// its authorities only.
const landKey = gemeinden.LandKey

// place is where an official key points in Sachsen-Anhalt.
type place struct {
	key       string      // 5 digits (Kreis) or 8 (Gemeinde)
	kind      tenant.Kind // what the tenant of this key is
	parentKey string      // "15" or the Kreis
	name      string      // "Landkreis Harz", "Tangermünde"
	the       string      // with its article: "der Landkreis Harz", "die Stadt Tangermünde"
	toThe     string      // after "gehört": "zum Landkreis Harz", "zur Stadt Tangermünde"
}

// kreisPlace describes a Landkreis or kreisfreie Stadt.
func kreisPlace(k gemeinden.Kreis) place {
	p := place{key: k.Key, kind: tenant.Kind(k.Kind), parentKey: landKey, name: k.Name()}
	if k.Kind == gemeinden.KindKreisfreieStadt {
		p.the, p.toThe = "die kreisfreie Stadt "+p.name, "zur kreisfreien Stadt "+p.name
	} else {
		p.the, p.toThe = "der "+p.name, "zum "+p.name
	}
	return p
}

// gemeindePlace describes a Gemeinde.
func gemeindePlace(g gemeinden.Gemeinde) place {
	p := place{key: g.AGS, kind: tenant.KindGemeinde, parentKey: g.KreisKey, name: g.Name()}
	called := g.Name() // "Hansestadt Stendal"
	switch {
	case g.Title == "Stadt" || g.Title == "Landeshauptstadt":
		called = g.Title + " " + g.ShortName
	case g.Title == "" && g.Kind == gemeinden.KindStadt:
		called = "Stadt " + g.Name()
	case g.Title == "":
		called = "Gemeinde " + g.Name()
	}
	p.the, p.toThe = "die "+called, "zur "+called
	if g.Title == "Flecken" {
		p.the, p.toThe = "der "+called, "zum "+called
	}
	return p
}

// placeOf checks that key names a Landkreis, a kreisfreie Stadt or a
// Gemeinde of Sachsen-Anhalt's official list and says what it is. An AGS
// of a kreisfreie Stadt ("15003000") means the city itself ("15003").
func placeOf(list *gemeinden.List, raw string) (place, error) {
	key, err := tenant.ParseOfficialKey(raw)
	if err != nil {
		return place{}, fmt.Errorf("Bitte geben Sie den amtlichen Gemeindeschlüssel (8 Ziffern) oder den Kreisschlüssel (5 Ziffern) an: %s.", err)
	}
	if key[:2] != landKey {
		return place{}, fmt.Errorf("Der Schlüssel %s liegt nicht in Sachsen-Anhalt (Länderschlüssel 15); der Marktplatz ist für Behörden in Sachsen-Anhalt.", key)
	}
	switch len(key) {
	case 2:
		return place{}, fmt.Errorf("Der Schlüssel 15 ist das Land selbst; bitte geben Sie den Schlüssel Ihres Kreises, Ihrer Stadt oder Ihrer Gemeinde an.")
	case 12:
		return place{}, fmt.Errorf("Bitte geben Sie statt des 12-stelligen Regionalschlüssels den 8-stelligen Gemeindeschlüssel an.")
	}
	k, ok := list.Kreis(key[:5])
	if !ok {
		return place{}, fmt.Errorf("Der Schlüssel %s gehört zu keinem Landkreis und keiner kreisfreien Stadt in Sachsen-Anhalt (15001–15003, 15081–15091).", key)
	}
	if len(key) == 5 {
		return kreisPlace(k), nil
	}
	if key[5:] == "000" {
		if k.Kind == gemeinden.KindKreisfreieStadt {
			return kreisPlace(k), nil
		}
		return place{}, fmt.Errorf("Der Schlüssel %s ist keine Gemeinde; für %s lautet der Kreisschlüssel %s.", key, kreisPlace(k).the, k.Key)
	}
	if k.Kind == gemeinden.KindKreisfreieStadt {
		return place{}, fmt.Errorf("Die kreisfreie Stadt %s hat keine Gemeinden; ihr Schlüssel ist %s.", k.Name(), k.Key)
	}
	g, ok := list.Gemeinde(key)
	if !ok {
		return place{}, fmt.Errorf("Den Gemeindeschlüssel %s gibt es im amtlichen Gemeindeverzeichnis Sachsen-Anhalts (Gebietsstand %s) nicht.",
			key, gemeinden.AsOf)
	}
	return gemeindePlace(g), nil
}

// kreisWords and townWords in an authority's name say which level it is.
var (
	kreisWords = []string{"landkreis", "landkreises", "kreis", "kreises", "kreisverwaltung", "landratsamt"}
	townWords  = []string{"stadt", "gemeinde", "hansestadt", "lutherstadt", "welterbestadt", "solestadt", "goethestadt",
		"stadtverwaltung", "gemeindeverwaltung", "einheitsgemeinde", "flecken"}
)

// checkName tells whether an authority's name plausibly belongs to the
// key's place: the name must not name another Gemeinde or Kreis instead
// ("Stadt Tangermünde" with Stendal's key), nor a town for a Landkreis'
// key or a Landkreis for a Gemeinde's. A name that names no place of
// Sachsen-Anhalt at all ("Sozialamt") is left to the ministry, which sees
// it on the registration.
func checkName(list *gemeinden.List, name string, p place) error {
	words := strings.Fields(gemeinden.Fold(name))
	has := func(set []string) bool {
		return slices.ContainsFunc(words, func(w string) bool { return slices.Contains(set, w) })
	}
	mentions := list.Mentions(name)
	own := slices.ContainsFunc(mentions, func(m gemeinden.Mention) bool { return m.Key == p.key })
	switch {
	case own && p.kind == tenant.KindLandkreis && has(townWords) && !has(kreisWords):
		if i := slices.IndexFunc(mentions, func(m gemeinden.Mention) bool { return !m.Kreis && strings.HasPrefix(m.Key, p.key) }); i >= 0 {
			return fmt.Errorf("Der Schlüssel %s ist %s, „%s“ nennt aber eine Stadt oder Gemeinde: %s hat den Gemeindeschlüssel %s.",
				p.key, p.the, name, mentions[i].Name, mentions[i].Key)
		}
		return fmt.Errorf("Der Schlüssel %s ist %s, „%s“ nennt aber eine Stadt oder Gemeinde. Bitte geben Sie deren 8-stelligen Gemeindeschlüssel an.",
			p.key, p.the, name)
	case own && p.kind == tenant.KindGemeinde && has(kreisWords):
		return fmt.Errorf("Der Schlüssel %s ist %s, „%s“ nennt aber einen Landkreis: sein Kreisschlüssel ist %s.",
			p.key, p.the, name, p.parentKey)
	case own || len(mentions) == 0:
		return nil
	}
	other, _ := named(list, name)
	return fmt.Errorf("Der Schlüssel %s gehört %s, nicht zu „%s“. %s hat den Schlüssel %s.", p.key, p.toThe, name, other.Name, other.Key)
}

// named returns the place an authority's name names, preferring the level
// its words say ("Landkreis Stendal" the Landkreis, "Hansestadt Stendal"
// the town).
func named(list *gemeinden.List, name string) (gemeinden.Mention, bool) {
	mentions := list.Mentions(name)
	if len(mentions) == 0 {
		return gemeinden.Mention{}, false
	}
	words := strings.Fields(gemeinden.Fold(name))
	kreis := slices.ContainsFunc(words, func(w string) bool { return slices.Contains(kreisWords, w) })
	for _, m := range mentions {
		if m.Kreis == kreis {
			return m, true
		}
	}
	return mentions[0], true
}
