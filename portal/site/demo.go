package site

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"sozialplattform/tenant"
)

// demoOffice is a responsible office the demo registers for a tenant,
// named by its official key.
type demoOffice struct {
	tenantKey string
	office    Office
}

// Opening hours of the demo Kreisverwaltungen (Sozialamt, Wohngeldstelle).
const (
	demoHoursHarz       = "Di 9–12 Uhr und 13–18 Uhr, Do 9–12 Uhr und 13–15 Uhr, Fr 9–12 Uhr; sonst nach Terminvereinbarung"
	demoHoursWittenberg = "Di 8:30–12 Uhr und 13–17:30 Uhr, Do 8:30–12 Uhr und 13–15 Uhr; sonst nach Terminvereinbarung"
)

// demoOffices are the offices the portal names for the services the
// platform does not run itself (Bürgergeld, Wohngeld, Kindergeld,
// Kinderzuschlag …) and for those it runs. The Familienkasse and the
// Landesverwaltungsamt serve the whole Land and are registered on the
// Land's tenant; the Kreise register their Jobcenter, Sozialamt and
// Wohngeldstelle. The Kreis offices carry the Kreisverwaltung's public
// address and switchboard: demonstration data that a Kreis replaces with
// its own in the console before it goes live.
var demoOffices = []demoOffice{
	{"15", Office{Rechtskreis: "bkgg", Name: "Familienkasse Sachsen-Anhalt-Thüringen der Bundesagentur für Arbeit",
		Street: "Schopenhauerstraße 2", PostalCode: "06114", City: "Halle (Saale)", Phone: "0800 4 5555 30",
		Website: "https://www.familienkasse.de",
		Hours:   "Servicetelefon (gebührenfrei) Mo–Fr 8–18 Uhr; persönliche Vorsprache nach Terminvereinbarung"}},
	{"15", Office{Rechtskreis: "sgb14", Name: "Landesverwaltungsamt Sachsen-Anhalt – Soziale Entschädigung",
		Street: "Ernst-Kamieth-Straße 2", PostalCode: "06112", City: "Halle (Saale)", Phone: "0345 514-0",
		Website: "https://lvwa.sachsen-anhalt.de", Hours: "Mo–Do 9–15 Uhr, Fr 9–12 Uhr; sonst nach Terminvereinbarung"}},

	{"15085", Office{Rechtskreis: "sgb2", Name: "Jobcenter Landkreis Harz", Street: "Friedrich-Ebert-Straße 42", PostalCode: "38820",
		City: "Halberstadt", Phone: "03941 5970-0", Email: "jobcenter@landkreis-harz.example", Hours: demoHoursHarz}},
	{"15085", Office{Rechtskreis: "sgb12", Name: "Sozialamt des Landkreises Harz", Street: "Friedrich-Ebert-Straße 42", PostalCode: "38820",
		City: "Halberstadt", Phone: "03941 5970-0", Email: "sozialamt@landkreis-harz.example", Hours: demoHoursHarz}},
	{"15085", Office{Rechtskreis: "asylblg", Name: "Sozialamt des Landkreises Harz – Leistungen für Asylsuchende", Street: "Friedrich-Ebert-Straße 42",
		PostalCode: "38820", City: "Halberstadt", Phone: "03941 5970-0", Email: "sozialamt@landkreis-harz.example", Hours: demoHoursHarz}},
	{"15085", Office{Rechtskreis: "wogg", Name: "Wohngeldstelle des Landkreises Harz", Street: "Friedrich-Ebert-Straße 42", PostalCode: "38820",
		City: "Halberstadt", Phone: "03941 5970-0", Email: "wohngeld@landkreis-harz.example", Hours: demoHoursHarz}},

	{"15091", Office{Rechtskreis: "sgb2", Name: "Jobcenter Landkreis Wittenberg", Street: "Breitscheidstraße 3", PostalCode: "06886",
		City: "Lutherstadt Wittenberg", Phone: "03491 479-0", Email: "jobcenter@landkreis-wittenberg.example", Hours: demoHoursWittenberg}},
	{"15091", Office{Rechtskreis: "sgb12", Name: "Sozialamt des Landkreises Wittenberg", Street: "Breitscheidstraße 3", PostalCode: "06886",
		City: "Lutherstadt Wittenberg", Phone: "03491 479-0", Email: "sozialamt@landkreis-wittenberg.example", Hours: demoHoursWittenberg}},
	{"15091", Office{Rechtskreis: "wogg", Name: "Wohngeldstelle des Landkreises Wittenberg", Street: "Breitscheidstraße 3", PostalCode: "06886",
		City: "Lutherstadt Wittenberg", Phone: "03491 479-0", Email: "wohngeld@landkreis-wittenberg.example", Hours: demoHoursWittenberg}},
}

// demoLinks are the official online services the Landesredaktion
// registers state-wide on the Land's tenant.
var demoLinks = []Link{
	{Service: "buergergeld", Title: "Bürgergeld online beantragen – jobcenter.digital", URL: "https://www.jobcenter.digital/",
		Description: "Onlinedienst der Jobcenter und der Bundesagentur für Arbeit: Erstantrag, Weiterbewilligung, Veränderungen mitteilen, Nachweise hochladen."},
	{Service: "kindergeld", Title: "Kindergeld online beantragen – Familienkasse", URL: "https://www.arbeitsagentur.de/familie-und-kinder/kindergeld-beantragen",
		Description: "Onlineantrag der Familienkasse der Bundesagentur für Arbeit."},
	{Service: "kinderzuschlag", Title: "Kinderzuschlag online beantragen – Familienkasse", URL: "https://www.arbeitsagentur.de/familie-und-kinder/kinderzuschlag",
		Description: "Onlineantrag und KiZ-Lotse der Familienkasse der Bundesagentur für Arbeit."},
}

// LoadDemo registers the demo offices and the state-wide links for the
// demo tenants that exist; run twice, it changes nothing (an office is
// known by tenant, Rechtskreis and name, a link by tenant, service and
// address).
func (s *Store) LoadDemo(ctx context.Context, tenants *tenant.Store) error {
	ctx = tenant.WithActor(ctx, tenant.Actor{ID: "system", Label: "Demodaten"})
	ids := map[string]string{}
	tenantID := func(key string) (string, error) {
		if id, ok := ids[key]; ok {
			return id, nil
		}
		t, err := tenants.ResolveTenant(ctx, key)
		if errors.Is(err, tenant.ErrNotFound) {
			ids[key] = ""
			return "", nil
		}
		if err != nil {
			return "", fmt.Errorf("demo offices: tenant %s: %w", key, err)
		}
		ids[key] = t.ID
		return t.ID, nil
	}
	for _, d := range demoOffices {
		id, err := tenantID(d.tenantKey)
		if err != nil {
			return err
		}
		if id == "" {
			continue
		}
		have, err := s.Offices(ctx, id)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(have, func(o Office) bool { return o.Rechtskreis == d.office.Rechtskreis && o.Name == d.office.Name }) {
			continue
		}
		o := d.office
		o.TenantID = id
		if err := s.SaveOffice(ctx, &o); err != nil {
			return fmt.Errorf("demo office %s: %w", o.Name, err)
		}
	}
	land, err := tenantID("15")
	if err != nil || land == "" {
		return err
	}
	have, err := s.Links(ctx, land)
	if err != nil {
		return err
	}
	for _, l := range demoLinks {
		if slices.ContainsFunc(have, func(h Link) bool { return h.Service == l.Service && h.URL == l.URL }) {
			continue
		}
		l.TenantID = land
		if err := s.AddLink(ctx, &l); err != nil {
			return fmt.Errorf("demo link %s: %w", l.Title, err)
		}
	}
	return nil
}
