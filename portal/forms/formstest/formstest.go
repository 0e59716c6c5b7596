// Package formstest holds complete example answers for tests, benchmarks
// and demos: a HzL application of a family of three in Halberstadt, step by
// step as the form posts them.
package formstest

import "net/url"

// Step is one step's form submission.
type Step struct {
	ID   string
	Form url.Values
}

// HzL returns the form submissions of every data step of HzL 1.0, in
// order, for a complete and valid application (uploads not included).
func HzL() []Step {
	return []Step{
		{"antragsteller", url.Values{
			"beantragende_person": {"selbst"}, "familienname": {"Muster"}, "vorname": {"Erika"}, "geburtsdatum": {"1988-05-17"},
			"geburtsort": {"Quedlinburg"}, "geschlecht": {"w"}, "staatsangehoerigkeit": {"000"},
			"strasse": {"Breiter Weg"}, "hausnummer": {"12"}, "plz": {"38820"}, "ort": {"Halberstadt"},
			"email": {"erika@example.org"}, "telefon": {"03941 123456"},
			"kontoinhaber": {"Erika Muster"}, "iban": {"DE89 3704 0044 0532 0130 00"},
		}},
		{"situation", url.Values{
			"aktuelle_situation": {"rente"}, "rentenart": {"em_teil"}, "erwerbsfaehigkeit": {"voruebergehend"},
			"familienstand": {"GS"}, "krankenversicherung": {"gesetzlich"}, "krankenkasse": {"AOK Sachsen-Anhalt"},
			"schwerbehinderung": {"nein"}, "schwanger": {"nein"}, "alleinerziehend": {"ja"}, "ernaehrung": {"nein"},
		}},
		{"haushalt", url.Values{
			"weitere_personen": {"ja"},
			"haushalt.0._row":  {"1"}, "haushalt.0.beziehung": {"kind"}, "haushalt.0.familienname": {"Muster"}, "haushalt.0.vorname": {"Mia"},
			"haushalt.0.geburtsdatum": {"2016-01-03"}, "haushalt.0.geschlecht": {"w"}, "haushalt.0.staatsangehoerigkeit": {"000"},
			"haushalt.0.beantragt": {"ja"}, "haushalt.0.schule": {"ja"},
			"haushalt.1._row": {"1"}, "haushalt.1.beziehung": {"kind"}, "haushalt.1.familienname": {"Muster"}, "haushalt.1.vorname": {"Tom"},
			"haushalt.1.geburtsdatum": {"2019-07-21"}, "haushalt.1.geschlecht": {"m"}, "haushalt.1.beantragt": {"ja"},
		}},
		{"unterkunft", url.Values{
			"wohnsituation": {"miete"}, "einzug": {"2020-04-01"}, "wohnflaeche": {"68"}, "zimmer": {"3"},
			"grundmiete": {"420,00"}, "nebenkosten": {"110,50"}, "heizkosten": {"85"}, "warmwasser": {"zentral"},
			"vermieter": {"Wohnungsbaugesellschaft Halberstadt mbH\nMusterstraße 1, 38820 Halberstadt"}, "mietrueckstaende": {"nein"},
		}},
		{"einkommen", url.Values{
			"hat_einkommen":    {"ja"},
			"einkommen.0._row": {"1"}, "einkommen.0.person": {"p0"}, "einkommen.0.art": {"rente"}, "einkommen.0.betrag": {"612,34"}, "einkommen.0.turnus": {"monatlich"},
			"einkommen.1._row": {"1"}, "einkommen.1.person": {"p1"}, "einkommen.1.art": {"kindergeld"}, "einkommen.1.betrag": {"259"}, "einkommen.1.turnus": {"monatlich"},
			"einkommen.2._row": {"1"}, "einkommen.2.person": {"p2"}, "einkommen.2.art": {"kindergeld"}, "einkommen.2.betrag": {"259"}, "einkommen.2.turnus": {"monatlich"},
		}},
		{"ausgaben", url.Values{
			"hat_ausgaben":    {"ja"},
			"ausgaben.0._row": {"1"}, "ausgaben.0.art": {"versicherung_haftpflicht"}, "ausgaben.0.bezeichnung": {"Haftpflicht"},
			"ausgaben.0.betrag": {"6,50"}, "ausgaben.0.turnus": {"monatlich"},
		}},
		{"vermoegen", url.Values{
			"vermoegen":              {"konten"},
			"vermoegenswerte.0._row": {"1"}, "vermoegenswerte.0.art": {"girokonto"}, "vermoegenswerte.0.bezeichnung": {"Sparkasse Harz"},
			"vermoegenswerte.0.inhaber": {"p0"}, "vermoegenswerte.0.wert": {"143,20"},
		}},
		{"unterlagen", url.Values{}},
		{"nothilfe", url.Values{"notlage": {"nein"}}},
	}
}

// Declarations confirms every declaration of the HzL definition.
func Declarations() map[string]bool {
	return map[string]bool{"richtigkeit": true, "mitwirkung": true, "datenschutz": true}
}

// PDF is a minimal valid one-page PDF for upload tests.
var PDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
