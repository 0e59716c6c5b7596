package onboarding

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// Onlinedienst is an online service of the OZG catalogue that the platform
// offers or links to, with its Antragsstrecken in the order of the
// "Umsetzungsstand" table. An Onlinedienst without Antragsstrecken is
// external (Bürgergeld at the Bundesagentur für Arbeit, Soziale
// Entschädigung at the Landesverwaltungsamt).
type Onlinedienst struct {
	OZGID           string           `json:"ozgId" doc:"OZG-ID, z. B. 10086"`
	Name            string           `json:"name"`
	LegalBasis      string           `json:"rechtskreis" doc:"Rechtskreis"`
	ExternalNote    string           `json:"externalNote,omitempty" doc:"Hinweis bei externen Onlinediensten"`
	Antragsstrecken []Antragsstrecke `json:"antragsstrecken"`
}

// External reports whether the platform runs no Antragsstrecke of it.
func (o Onlinedienst) External() bool { return len(o.Antragsstrecken) == 0 }

// Antragsstrecke is one application flow of an Onlinedienst, the unit that
// is ordered, connected and goes live per municipality.
type Antragsstrecke struct {
	Key        string `json:"key" doc:"Schlüssel, z. B. hzl, eb-hzl, grusi"`
	OZGID      string `json:"ozgId"`
	Label      string `json:"label"`
	LegalBasis string `json:"rechtskreis" doc:"Rechtskreis"`
	// FITConnectService is the LeiKa identifier under which FIT-Connect
	// destinations offer this Antragsstrecke; the ministry keeps it.
	FITConnectService string `json:"fitConnectService" doc:"FIT-Connect-Leistungskennung (LeiKa), urn:de:fim:leika:leistung: und 14 Ziffern; leer: noch nicht hinterlegt"`
	// FITConnectServiceDemo marks an identifier of the demo data set,
	// which no real destination lists.
	FITConnectServiceDemo bool `json:"fitConnectServiceDemo" doc:"die Kennung ist ein Demowert und keine echte LeiKa-Kennung"`
	// Level is who is responsible by law for the people of a Gemeinde: its
	// Landkreis (or the kreisfreie Stadt) or the Gemeinde itself. A
	// Landkreis may delegate a "kreis" Antragsstrecke to its Gemeinden
	// (see Responsibilities).
	Level Level `json:"responsibleLevel" enum:"kreis,gemeinde" doc:"zuständige Ebene nach Gesetz: kreis (Landkreis oder kreisfreie Stadt) oder gemeinde"`
}

type serviceRow struct {
	bun.BaseModel `bun:"table:onboarding_services"`
	OZGID         string `bun:"ozg_id,pk"`
	Name          string `bun:"name"`
	LegalBasis    string `bun:"legal_basis"`
	ExternalNote  string `bun:"external_note"`
	Position      int    `bun:"position"`
}

type streamRow struct {
	bun.BaseModel `bun:"table:onboarding_antragsstrecken"`
	Key           string `bun:"key,pk"`
	OZGID         string `bun:"ozg_id"`
	Label         string `bun:"label"`
	LegalBasis    string `bun:"legal_basis"`
	Level         string `bun:"responsible_level"`
	Position      int    `bun:"position"`
	Service       string `bun:"fitconnect_service"`
	ServiceDemo   bool   `bun:"fitconnect_service_demo"`
}

// Catalog returns every Onlinedienst with its Antragsstrecken, in the
// order of the seed's "Umsetzungsstand" table.
func (s *Store) Catalog(ctx context.Context) ([]Onlinedienst, error) {
	var services []serviceRow
	if err := s.db.Read.NewSelect().Model(&services).OrderExpr("position, ozg_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("load Onlinedienste: %w", err)
	}
	streams, err := s.streams(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Onlinedienst, len(services))
	idx := map[string]int{}
	for i, r := range services {
		out[i] = Onlinedienst{OZGID: r.OZGID, Name: r.Name, LegalBasis: r.LegalBasis, ExternalNote: r.ExternalNote,
			Antragsstrecken: []Antragsstrecke{}}
		idx[r.OZGID] = i
	}
	for _, a := range streams {
		if i, ok := idx[a.OZGID]; ok {
			out[i].Antragsstrecken = append(out[i].Antragsstrecken, a)
		}
	}
	return out, nil
}

// streams returns every Antragsstrecke in catalogue order.
func (s *Store) streams(ctx context.Context) ([]Antragsstrecke, error) {
	var rows []streamRow
	if err := s.db.Read.NewSelect().Model(&rows).OrderExpr("position, key").Scan(ctx); err != nil {
		return nil, fmt.Errorf("load Antragsstrecken: %w", err)
	}
	out := make([]Antragsstrecke, len(rows))
	for i, r := range rows {
		out[i] = Antragsstrecke{Key: r.Key, OZGID: r.OZGID, Label: r.Label, LegalBasis: r.LegalBasis, Level: Level(r.Level),
			FITConnectService: r.Service, FITConnectServiceDemo: r.ServiceDemo}
	}
	return out, nil
}

// Antragsstrecken returns the key and label of every Antragsstrecke
// ("hzl" → "Hilfe zum Lebensunterhalt 1.0"). The marketplace takes it as
// the list of Antragsstrecken its products may name.
func (s *Store) Antragsstrecken(ctx context.Context) (map[string]string, error) {
	streams, err := s.streams(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(streams))
	for _, a := range streams {
		out[a.Key] = a.Label
	}
	return out, nil
}

// streamIndex returns the Antragsstrecken by key.
func (s *Store) streamIndex(ctx context.Context) (map[string]Antragsstrecke, error) {
	streams, err := s.streams(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Antragsstrecke, len(streams))
	for _, a := range streams {
		out[a.Key] = a
	}
	return out, nil
}
