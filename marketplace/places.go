package marketplace

import (
	"fmt"

	"sozialplattform/tenant"
)

// landKey is Sachsen-Anhalt's Länderschlüssel; the marketplace registers
// its authorities only.
const landKey = "15"

// kreise are Sachsen-Anhalt's kreisfreie Städte and Landkreise by
// Kreisschlüssel (Statistisches Landesamt, since the 2007 district reform).
var kreise = map[string]struct {
	name string
	kind tenant.Kind
}{
	"15001": {"Dessau-Roßlau", tenant.KindKreisfreieStadt},
	"15002": {"Halle (Saale)", tenant.KindKreisfreieStadt},
	"15003": {"Magdeburg", tenant.KindKreisfreieStadt},
	"15081": {"Altmarkkreis Salzwedel", tenant.KindLandkreis},
	"15082": {"Anhalt-Bitterfeld", tenant.KindLandkreis},
	"15083": {"Börde", tenant.KindLandkreis},
	"15084": {"Burgenlandkreis", tenant.KindLandkreis},
	"15085": {"Harz", tenant.KindLandkreis},
	"15086": {"Jerichower Land", tenant.KindLandkreis},
	"15087": {"Mansfeld-Südharz", tenant.KindLandkreis},
	"15088": {"Saalekreis", tenant.KindLandkreis},
	"15089": {"Salzlandkreis", tenant.KindLandkreis},
	"15090": {"Stendal", tenant.KindLandkreis},
	"15091": {"Wittenberg", tenant.KindLandkreis},
}

// place is where an official key points in Sachsen-Anhalt.
type place struct {
	key       string      // 5 digits (Kreis) or 8 (Gemeinde)
	kind      tenant.Kind // what the tenant of this key is
	parentKey string      // "15" or the Kreis
}

// placeOf checks that key names a Landkreis, a kreisfreie Stadt or a
// Gemeinde in Sachsen-Anhalt and says what it is. An AGS of a kreisfreie
// Stadt ("15003000") means the city itself ("15003").
func placeOf(raw string) (place, error) {
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
	k, ok := kreise[key[:5]]
	if !ok {
		return place{}, fmt.Errorf("Der Schlüssel %s gehört zu keinem Landkreis und keiner kreisfreien Stadt in Sachsen-Anhalt (15001–15003, 15081–15091).", key)
	}
	if len(key) == 5 {
		return place{key: key, kind: k.kind, parentKey: landKey}, nil
	}
	if key[5:] == "000" {
		if k.kind == tenant.KindKreisfreieStadt {
			return place{key: key[:5], kind: k.kind, parentKey: landKey}, nil
		}
		return place{}, fmt.Errorf("Der Schlüssel %s ist keine Gemeinde; für den Landkreis %s lautet der Kreisschlüssel %s.", key, k.name, key[:5])
	}
	if k.kind == tenant.KindKreisfreieStadt {
		return place{}, fmt.Errorf("Die kreisfreie Stadt %s hat keine Gemeinden; ihr Schlüssel ist %s.", k.name, key[:5])
	}
	return place{key: key, kind: tenant.KindGemeinde, parentKey: key[:5]}, nil
}
