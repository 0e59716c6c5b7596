package onboarding

// Variant is the Anbindungsvariante of a case: how applications reach the
// municipality. 0 means not chosen yet.
type Variant int

// The three connection variants of the Sozialplattform.
const (
	VariantNone       Variant = 0
	VariantOSCIXTA2   Variant = 1 // OSCI/XTA2: machine to machine via DVDV and an intermediary
	VariantOSCIClient Variant = 2 // OSCI-Client: a clerk fetches applications (here: the console mailbox)
	VariantFITConnect Variant = 3 // FIT-Connect: delivery point (DestinationID), no DVDV
)

// Variants lists the choosable variants in order.
func Variants() []Variant { return []Variant{VariantOSCIXTA2, VariantOSCIClient, VariantFITConnect} }

// Valid reports whether v is one of the three variants.
func (v Variant) Valid() bool { return v >= VariantOSCIXTA2 && v <= VariantFITConnect }

// Label is the German name, "Variante 1 (OSCI/XTA2)".
func (v Variant) Label() string {
	switch v {
	case VariantOSCIXTA2:
		return "Variante 1 (OSCI/XTA2)"
	case VariantOSCIClient:
		return "Variante 2 (OSCI-Client)"
	case VariantFITConnect:
		return "Variante 3 (FIT-Connect)"
	}
	return "noch nicht gewählt"
}

// ShortLabel is the variant's technical name, "OSCI/XTA2".
func (v Variant) ShortLabel() string {
	switch v {
	case VariantOSCIXTA2:
		return "OSCI/XTA2"
	case VariantOSCIClient:
		return "OSCI-Client"
	case VariantFITConnect:
		return "FIT-Connect"
	}
	return "–"
}

// VariantInfo is what the console shows beside each choice: the seed's
// explanation ("Treffen Sie eine Entscheidung für eine Anbindungsvariante").
type VariantInfo struct {
	Variant Variant  `json:"variant"`
	Label   string   `json:"label"`
	Points  []string `json:"points" doc:"Eigenschaften laut Anbindungsprozess im Überblick"`
	Concept string   `json:"concept" doc:"Anbindungskonzept der Variante"`
	Needs   []string `json:"needs" doc:"Was die Kommune dafür braucht"`
}

// Info returns the variant's explanation.
func (v Variant) Info() VariantInfo {
	i := VariantInfo{Variant: v, Label: v.Label()}
	switch v {
	case VariantOSCIXTA2:
		i.Points = []string{
			"Machine-to-Machine-Kommunikation; Übermittlung des Antrages direkt ins Fachverfahren, volldigitalisierter Empfang und medienbruchfreie Weiterverarbeitung",
			"Bedarf einer OSCI- oder XTA2-Schnittstelle im Fachverfahren",
		}
		i.Concept = "Die Antragsdaten werden vom Portal übergeben. Anhand der Routinginformationen aus dem DVDV wird der zuständige " +
			"OSCI-Empfänger (Intermediär) angesprochen. Für die Abholung gibt es zwei Möglichkeiten: A) direkt vom XTA2-Server " +
			"des Intermediärsbetreibers über die XTA2-Schnittstelle des Fachverfahrens – das Projekt empfiehlt den XTA2-Server " +
			"im gleichen gesicherten Netz wie die nachnutzende Kommune; B) direkt vom Intermediär über die OSCI-Schnittstelle " +
			"des Fachverfahrens."
		i.Needs = []string{"DVDV-Eintrag (Behördenkennung)", "OSCI-Zertifikat", "Intermediär", "XTA2- oder OSCI-Schnittstelle im Fachverfahren"}
	case VariantOSCIClient:
		i.Points = []string{
			"Insbesondere für Kommunen mit geringen Antragszahlen und Kommunen ohne entsprechendes Fachverfahren geeignet",
			"Vollumfänglich verfügbar und wird bereits im Produktivbetrieb genutzt",
			"Gute Übergangslösung, falls die Schnittstelle des Fachverfahrens noch nicht bereit ist",
		}
		i.Concept = "Für Stellen ohne kompatibles Fachverfahren: Eine Sachbearbeiterin oder ein Sachbearbeiter holt die Antragsdaten " +
			"ab – als XML und zusätzlich als PDF – und überträgt sie manuell in das Fachverfahren. Auf der Sozialplattform " +
			"geschieht die Abholung im Postfach der Körperschaft in der Konsole."
		i.Needs = []string{"Benannte Postfach-Benutzerinnen und -Benutzer", "Keine Schnittstelle im Fachverfahren"}
	case VariantFITConnect:
		i.Points = []string{
			"Bedarf einer FIT-Connect-Schnittstelle im Fachverfahren",
			"Kein DVDV-Eintrag notwendig; dafür wird ein Zustellpunkt (DestinationID) eingerichtet",
		}
		i.Concept = "Der Zustellpunkt wird im Self-Service-Portal von FIT-Connect durch die Kommune oder ihren IT-Dienstleister " +
			"eingerichtet; auch hier ist ein (Test-)Zertifikat erforderlich. Das Fachverfahren holt die Anträge über die " +
			"FIT-Connect-Schnittstelle ab."
		i.Needs = []string{"Zustellpunkt (DestinationID)", "Öffentlicher Verschlüsselungsschlüssel mit Zertifikat (RSA, mindestens 4096 Bit)", "FIT-Connect-Schnittstelle im Fachverfahren"}
	}
	return i
}
