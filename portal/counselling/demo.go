package counselling

import (
	"context"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
)

// DemoEditor is the demo account of a Beratungsstelle's editor.
const DemoEditor = "beratung.harz@demo.example"

// Demo is what LoadDemo made: logins to print and the tenants that get
// demo appointment calendars.
type Demo struct {
	Logins []tenant.DemoLogin
	// CalendarTenants are the IDs of two Beratungsstellen and of the
	// Landkreis Harz (for its Sozialamt), which offer online appointments
	// in the demo.
	CalendarTenants []string
}

type demoCentre struct {
	slug, parentKey string
	outdated        bool // verified 13 months ago: shows "possibly outdated"
	calendar        bool
	entry           Entry
}

func wait(d int) *int { return &d }

func hours(spec ...string) []Interval {
	var out []Interval
	for i := 0; i+2 < len(spec); i += 3 {
		out = append(out, Interval{Day: spec[i], From: spec[i+1], To: spec[i+2]})
	}
	return out
}

// demoCentres are a dozen plausible Beratungsstellen in Sachsen-Anhalt.
// Names, Träger and places are typical of the Land; street numbers,
// phone numbers and the .example addresses are made up.
func demoCentres() []demoCentre {
	office := hours("mon", "09:00", "12:00", "tue", "09:00", "12:00", "tue", "13:00", "17:00", "thu", "09:00", "12:00", "thu", "13:00", "18:00", "fri", "09:00", "12:00")
	return []demoCentre{
		{slug: "schuldnerberatung-diakonie-halberstadt", parentKey: "15085", calendar: true, entry: Entry{
			Name: "Schuldner- und Insolvenzberatung Halberstadt", Provider: "Diakonisches Werk im Kirchenkreis Halberstadt e. V.",
			Description: "Kostenlose Beratung bei Schulden, Pfändungen und Mietschulden; Begleitung ins Verbraucherinsolvenzverfahren.",
			Topics:      []string{TopicDebt, "sozialberatung"},
			Addresses: []Address{{Street: "Dominikanerstraße 16", PostalCode: "38820", City: "Halberstadt", Lat: 51.8961, Lon: 11.0518},
				{Label: "Außenstelle Quedlinburg", Street: "Carl-Ritter-Straße 3", PostalCode: "06484", City: "Quedlinburg", Lat: 51.7895, Lon: 11.1431}},
			ServiceArea: []string{"15085"}, OpeningHours: office, EmergencyHours: []Interval{},
			Phone: "03941 555-210", Email: "schuldnerberatung@diakonie-halberstadt.example", Website: "https://diakonie-halberstadt.example/schuldnerberatung",
			Languages: []string{"de", "en"}, Accessibility: []string{"step-free", "accessible-toilet"}, Ways: []string{"on-site", "phone", "video"},
			WaitingDays: wait(21), Insolvency305: true}},
		{slug: "schuldnerberatung-caritas-wernigerode", parentKey: "15085370", entry: Entry{
			Name: "Schuldnerberatung Wernigerode", Provider: "Caritasverband für das Dekanat Halberstadt e. V.",
			Topics:      []string{TopicDebt},
			Addresses:   []Address{{Street: "Westernstraße 29", PostalCode: "38855", City: "Wernigerode", Lat: 51.8349, Lon: 10.7815}},
			ServiceArea: []string{"15085370"}, OpeningHours: hours("mon", "08:30", "12:00", "wed", "13:00", "16:00", "thu", "08:30", "12:00"),
			Phone: "03943 555-118", Email: "schuldnerberatung@caritas-wernigerode.example", Languages: []string{"de"},
			Accessibility: []string{"step-free"}, Ways: []string{"on-site", "phone"}, WaitingDays: wait(35), Insolvency305: true}},
		{slug: "suchtberatung-awo-quedlinburg", parentKey: "15085", entry: Entry{
			Name: "Sucht- und Drogenberatung Quedlinburg", Provider: "AWO Kreisverband Harz e. V.",
			Description: "Beratung für Menschen mit Alkohol-, Medikamenten-, Drogen- und Glücksspielproblemen und ihre Angehörigen; anonym möglich.",
			Topics:      []string{"suchtberatung"},
			Addresses:   []Address{{Street: "Steinweg 22", PostalCode: "06484", City: "Quedlinburg", Lat: 51.7880, Lon: 11.1502}},
			ServiceArea: []string{"15085"}, OpeningHours: hours("mon", "09:00", "16:00", "tue", "09:00", "18:00", "wed", "09:00", "16:00", "thu", "09:00", "18:00", "fri", "09:00", "13:00"),
			EmergencyHours: hours("sat", "10:00", "14:00"),
			Phone:          "03946 555-77", Email: "suchtberatung@awo-harz.example", Languages: []string{"de", "ru"},
			Accessibility: []string{"step-free", "hearing-loop"}, Ways: []string{"on-site", "phone", "chat"}, WaitingDays: wait(7)}},
		{slug: "schuldnerberatung-awo-magdeburg", parentKey: "15003", calendar: true, entry: Entry{
			Name: "Schuldner- und Insolvenzberatung Magdeburg", Provider: "AWO Landesverband Sachsen-Anhalt e. V.",
			Topics:      []string{TopicDebt},
			Addresses:   []Address{{Street: "Seepark 7", PostalCode: "39116", City: "Magdeburg", Lat: 52.1010, Lon: 11.5870}},
			ServiceArea: []string{"15003"}, OpeningHours: office,
			Phone: "0391 555-4410", Email: "sib@awo-magdeburg.example", Website: "https://awo-magdeburg.example/sib",
			Languages: []string{"de", "en", "ar"}, Accessibility: []string{"step-free", "accessible-toilet", "disabled-parking"},
			Ways: []string{"on-site", "phone", "video"}, WaitingDays: wait(28), Insolvency305: true}},
		{slug: "migrationsberatung-caritas-magdeburg", parentKey: "15003", entry: Entry{
			Name: "Migrationsberatung für Erwachsene Magdeburg", Provider: "Caritasverband für das Bistum Magdeburg e. V.",
			Description: "Beratung zu Aufenthalt, Arbeit, Sprachkursen, Anerkennung von Abschlüssen und Sozialleistungen.",
			Topics:      []string{"migrationsberatung", "sozialberatung"},
			Addresses:   []Address{{Street: "Max-Josef-Metzger-Straße 1", PostalCode: "39104", City: "Magdeburg", Lat: 52.1247, Lon: 11.6350}},
			ServiceArea: []string{"15003", "15083", "15086"}, OpeningHours: hours("mon", "09:00", "15:00", "tue", "09:00", "15:00", "thu", "09:00", "17:00"),
			Phone: "0391 555-6060", Email: "migration@caritas-magdeburg.example",
			Languages: []string{"de", "en", "ar", "ru", "uk", "fa"}, Accessibility: []string{"step-free"},
			Ways: []string{"on-site", "phone", "video", "chat"}, WaitingDays: wait(10)}},
		{slug: "suchtberatung-diakonie-halle", parentKey: "15002", entry: Entry{
			Name: "Suchtberatungsstelle Halle", Provider: "Diakoniewerk Halle",
			Topics:      []string{"suchtberatung"},
			Addresses:   []Address{{Street: "Lafontainestraße 15", PostalCode: "06114", City: "Halle (Saale)", Lat: 51.4930, Lon: 11.9665}},
			ServiceArea: []string{"15002", "15088"}, OpeningHours: hours("mon", "08:00", "16:00", "tue", "08:00", "18:00", "wed", "08:00", "16:00", "thu", "08:00", "18:00", "fri", "08:00", "14:00"),
			Phone: "0345 555-2190", Email: "sucht@diakonie-halle.example", Languages: []string{"de", "en"},
			Accessibility: []string{"hearing-loop"}, Ways: []string{"on-site", "phone", "video"}, WaitingDays: wait(14)}},
		{slug: "sozialberatung-paritaet-halle", parentKey: "15002", outdated: true, entry: Entry{
			Name: "Allgemeine Sozialberatung Halle-Neustadt", Provider: "Paritätischer Wohlfahrtsverband Sachsen-Anhalt e. V.",
			Topics:      []string{"sozialberatung", "seniorenberatung"},
			Addresses:   []Address{{Street: "Am Stadion 6", PostalCode: "06122", City: "Halle (Saale)", Lat: 51.4805, Lon: 11.9100}},
			ServiceArea: []string{"15002"}, OpeningHours: hours("tue", "10:00", "16:00", "thu", "10:00", "16:00"),
			Phone: "0345 555-3001", Languages: []string{"de", "tr"}, Accessibility: []string{"step-free", "easy-language"},
			Ways: []string{"on-site", "phone", "home-visit"}}},
		{slug: "schuldnerberatung-volkssolidaritaet-dessau", parentKey: "15001", entry: Entry{
			Name: "Schuldner- und Insolvenzberatung Dessau-Roßlau", Provider: "Volkssolidarität Dessau-Roßlau e. V.",
			Topics:      []string{TopicDebt},
			Addresses:   []Address{{Street: "Ackerstraße 14", PostalCode: "06842", City: "Dessau-Roßlau", Lat: 51.8410, Lon: 12.2380}},
			ServiceArea: []string{"15001", "15082"}, OpeningHours: office,
			Phone: "0340 555-8820", Email: "sib@volkssolidaritaet-dessau.example", Languages: []string{"de"},
			Accessibility: []string{"step-free", "accessible-toilet"}, Ways: []string{"on-site", "phone"}, WaitingDays: wait(42), Insolvency305: true}},
		{slug: "schwangerschaftsberatung-dessau", parentKey: "15001", entry: Entry{
			Name: "Schwangerschafts- und Schwangerschaftskonfliktberatung Dessau", Provider: "pro familia Landesverband Sachsen-Anhalt e. V.",
			Topics:      []string{"schwangerschaftsberatung", "familienberatung"},
			Addresses:   []Address{{Street: "Kavalierstraße 30", PostalCode: "06844", City: "Dessau-Roßlau", Lat: 51.8330, Lon: 12.2450}},
			ServiceArea: []string{"15001", "15082", "15091"}, OpeningHours: hours("mon", "09:00", "17:00", "wed", "09:00", "17:00", "fri", "09:00", "13:00"),
			Phone: "0340 555-1122", Email: "dessau@profamilia-lsa.example", Languages: []string{"de", "en", "ar"},
			Accessibility: []string{"step-free"}, Ways: []string{"on-site", "phone", "video"}, WaitingDays: wait(3)}},
		{slug: "schuldnerberatung-diakonie-wittenberg", parentKey: "15091", entry: Entry{
			Name: "Schuldnerberatung Lutherstadt Wittenberg", Provider: "Diakonisches Werk im Kirchenkreis Wittenberg e. V.",
			Topics:      []string{TopicDebt, "wohnungsnotfallhilfe"},
			Addresses:   []Address{{Street: "Bürgermeisterstraße 6", PostalCode: "06886", City: "Lutherstadt Wittenberg", Lat: 51.8667, Lon: 12.6460}},
			ServiceArea: []string{"15091"}, OpeningHours: hours("mon", "09:00", "12:00", "tue", "13:00", "17:00", "thu", "09:00", "12:00", "thu", "13:00", "16:00"),
			Phone: "03491 555-440", Email: "schuldnerberatung@diakonie-wittenberg.example", Languages: []string{"de"},
			Accessibility: []string{"step-free"}, Ways: []string{"on-site", "phone"}, WaitingDays: wait(30), Insolvency305: true}},
		{slug: "wohnungsnotfallhilfe-stendal", parentKey: "15090", entry: Entry{
			Name: "Wohnungsnotfallhilfe Stendal", Provider: "Evangelische Stadtmission Stendal e. V.",
			Topics:      []string{"wohnungsnotfallhilfe", "sozialberatung"},
			Addresses:   []Address{{Street: "Bahnhofstraße 10", PostalCode: "39576", City: "Stendal", Lat: 52.6014, Lon: 11.8580}},
			ServiceArea: []string{"15090"}, OpeningHours: hours("mon", "08:00", "14:00", "tue", "08:00", "14:00", "wed", "08:00", "14:00", "thu", "08:00", "14:00", "fri", "08:00", "12:00"),
			EmergencyHours: hours("sat", "09:00", "12:00", "sun", "09:00", "12:00"),
			Phone:          "03931 555-300", Email: "wohnungsnot@stadtmission-stendal.example", Languages: []string{"de", "pl"},
			Accessibility: []string{"step-free"}, Ways: []string{"on-site", "phone", "home-visit"}, WaitingDays: wait(0)}},
		{slug: "familienberatung-bernburg", parentKey: "15089", entry: Entry{
			Name: "Familien- und Erziehungsberatungsstelle Bernburg", Provider: "Salzlandkreis – Jugendamt",
			Topics:      []string{"familienberatung"},
			Addresses:   []Address{{Street: "Karlsplatz 37", PostalCode: "06406", City: "Bernburg (Saale)", Lat: 51.7936, Lon: 11.7404}},
			ServiceArea: []string{"15089"}, OpeningHours: hours("mon", "08:00", "16:00", "tue", "08:00", "18:00", "thu", "08:00", "18:00", "fri", "08:00", "12:00"),
			Phone: "03471 555-680", Email: "erziehungsberatung@salzlandkreis.example", Languages: []string{"de", "en"},
			Accessibility: []string{"step-free", "accessible-toilet", "sign-language"}, Ways: []string{"on-site", "phone", "video"}, WaitingDays: wait(28)}},
		{slug: "seniorenberatung-naumburg", parentKey: "15084", entry: Entry{
			Name: "Senioren- und Pflegeberatung Naumburg", Provider: "Volkssolidarität Burgenlandkreis e. V.",
			Topics:      []string{"seniorenberatung", "behindertenberatung"},
			Addresses:   []Address{{Street: "Lindenring 21", PostalCode: "06618", City: "Naumburg (Saale)", Lat: 51.1522, Lon: 11.8098}},
			ServiceArea: []string{"15084"}, OpeningHours: hours("mon", "09:00", "15:00", "wed", "09:00", "15:00"),
			Phone: "03445 555-910", Email: "seniorenberatung@vs-burgenlandkreis.example", Languages: []string{"de"},
			Accessibility: []string{"step-free", "accessible-toilet", "hearing-loop", "easy-language"}, Ways: []string{"on-site", "phone", "home-visit"}}},
	}
}

// LoadDemo creates the demo Beratungsstellen (organisation tenants below
// their districts, each with a published entry), the editor account of
// the first, and marks one as not verified for 13 months. It needs the
// core's demo tenants and changes nothing when run again.
func (s *Store) LoadDemo(ctx context.Context) (Demo, error) {
	ctx = tenant.WithActor(ctx, tenant.Actor{ID: "system", Label: "Demodaten"})
	if err := s.EnsureTopics(ctx); err != nil {
		return Demo{}, err
	}
	var out Demo
	for i, d := range demoCentres() {
		t, err := s.tenants.ResolveTenant(ctx, d.slug)
		if errors.Is(err, tenant.ErrNotFound) {
			parent, err := s.tenants.ResolveTenant(ctx, d.parentKey)
			if err != nil {
				return Demo{}, fmt.Errorf("demo centre %s: parent %s: %w", d.slug, d.parentKey, err)
			}
			err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
				org := &tenant.Tenant{Kind: tenant.KindOrganisation, Name: d.entry.Name, Slug: d.slug, ParentID: &parent.ID, Active: true,
					Street: d.entry.Addresses[0].Street, PostalCode: d.entry.Addresses[0].PostalCode, City: d.entry.Addresses[0].City,
					FunctionMailbox: d.entry.Email}
				if err := s.tenants.CreateTenant(ctx, org); err != nil {
					return err
				}
				if _, err := s.create(ctx, tx, CreateInput{TenantID: org.ID, Entry: d.entry, Direct: true}); err != nil {
					return err
				}
				if d.outdated {
					old := s.today().AddDate(-1, -1, 0)
					if _, err := tx.NewUpdate().Model((*centreRow)(nil)).Where("id = ?", org.ID).
						Set("verified_on = ?", old).Set("created_at = ?", old).Exec(ctx); err != nil {
						return fmt.Errorf("age demo entry: %w", err)
					}
				}
				t = org
				return nil
			})
			if err != nil {
				return Demo{}, fmt.Errorf("demo centre %s: %w", d.slug, err)
			}
		} else if err != nil {
			return Demo{}, fmt.Errorf("demo centre %s: %w", d.slug, err)
		}
		if d.calendar {
			out.CalendarTenants = append(out.CalendarTenants, t.ID)
		}
		if i == 0 {
			if _, err := s.tenants.UserByEmail(ctx, DemoEditor); errors.Is(err, tenant.ErrNotFound) {
				if _, err := s.tenants.CreateUser(ctx, tenant.NewUserInput{Email: DemoEditor, Name: "Berit Beratung",
					Password: tenant.DemoPassword, TenantID: t.ID, Role: tenant.RoleCounsellingEditor}); err != nil {
					return Demo{}, fmt.Errorf("demo editor: %w", err)
				}
			} else if err != nil {
				return Demo{}, fmt.Errorf("demo editor: %w", err)
			}
			out.Logins = append(out.Logins, tenant.DemoLogin{Email: DemoEditor, Role: tenant.RoleCounsellingEditor.Label(), Tenant: t.Name})
		}
	}
	if harz, err := s.tenants.ResolveTenant(ctx, "15085"); err == nil {
		out.CalendarTenants = append(out.CalendarTenants, harz.ID)
	}
	return out, nil
}
