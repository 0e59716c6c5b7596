package tenant

import (
	"context"
	"errors"
	"fmt"
)

// DemoPassword is the password of every demo account. It is printed at
// start so that a newcomer can log in; demo data is for trying the system,
// never for production. It passes the password rules like any other (the
// former "Sozialplattform-Demo-2026" was only the platform's name, the
// demo addresses' domain and a year).
const DemoPassword = "Demo-Elbaue-Brocken-2026"

// DemoLogin is a demo account, as printed at start.
type DemoLogin struct {
	Email, Role, Tenant string
}

type demoTenant struct {
	key, name, slug, kind, street, postal, city, parentKey, itProvider string
}

// demoTenants are Sachsen-Anhalt with its 14 Landkreise and kreisfreie
// Städte (Kreisschlüssel after the domain brief), two Gemeinden and the
// Landesverwaltungsamt. Mailboxes use the reserved .example domain, so that
// a demo with SMTP configured cannot mail a real authority.
var demoTenants = []demoTenant{
	{"15", "Land Sachsen-Anhalt – Ministerium für Infrastruktur und Digitales", "sachsen-anhalt", "land", "Turmschanzenstraße 30", "39114", "Magdeburg", "", ""},
	{"15001", "Stadt Dessau-Roßlau", "dessau-rosslau", "kreisfreie-stadt", "Zerbster Straße 4", "06844", "Dessau-Roßlau", "15", ""},
	{"15002", "Stadt Halle (Saale)", "halle-saale", "kreisfreie-stadt", "Marktplatz 1", "06108", "Halle (Saale)", "15", ""},
	{"15003", "Landeshauptstadt Magdeburg", "magdeburg", "kreisfreie-stadt", "Alter Markt 6", "39104", "Magdeburg", "15", ""},
	{"15081", "Altmarkkreis Salzwedel", "altmarkkreis-salzwedel", "landkreis", "Karl-Marx-Straße 32", "29410", "Salzwedel", "15", ""},
	{"15082", "Landkreis Anhalt-Bitterfeld", "landkreis-anhalt-bitterfeld", "landkreis", "Am Flugplatz 1", "06366", "Köthen (Anhalt)", "15", ""},
	{"15083", "Landkreis Börde", "landkreis-boerde", "landkreis", "Gerikestraße 104", "39340", "Haldensleben", "15", ""},
	{"15084", "Burgenlandkreis", "burgenlandkreis", "landkreis", "Schönburger Straße 41", "06618", "Naumburg (Saale)", "15", ""},
	{"15085", "Landkreis Harz", "landkreis-harz", "landkreis", "Friedrich-Ebert-Straße 42", "38820", "Halberstadt", "15", "Dataport"},
	{"15086", "Landkreis Jerichower Land", "landkreis-jerichower-land", "landkreis", "Bahnhofstraße 9", "39288", "Burg", "15", ""},
	{"15087", "Landkreis Mansfeld-Südharz", "landkreis-mansfeld-suedharz", "landkreis", "Rudolf-Breitscheid-Straße 20", "06526", "Sangerhausen", "15", ""},
	{"15088", "Saalekreis", "saalekreis", "landkreis", "Domplatz 9", "06217", "Merseburg", "15", ""},
	{"15089", "Salzlandkreis", "salzlandkreis", "landkreis", "Karlsplatz 37", "06406", "Bernburg (Saale)", "15", ""},
	{"15090", "Landkreis Stendal", "landkreis-stendal", "landkreis", "Hospitalstraße 1", "39576", "Stendal", "15", ""},
	{"15091", "Landkreis Wittenberg", "landkreis-wittenberg", "landkreis", "Breitscheidstraße 3", "06886", "Lutherstadt Wittenberg", "15", ""},
	{"15085370", "Stadt Wernigerode", "wernigerode", "gemeinde", "Marktplatz 1", "38855", "Wernigerode", "15085", ""},
	{"15091375", "Lutherstadt Wittenberg", "lutherstadt-wittenberg", "gemeinde", "Lutherstraße 56", "06886", "Lutherstadt Wittenberg", "15091", ""},
	{"", "Landesverwaltungsamt Sachsen-Anhalt", "landesverwaltungsamt", "landesbehoerde", "Ernst-Kamieth-Straße 2", "06112", "Halle (Saale)", "15", ""},
}

type demoUser struct {
	email, name, tenantSlug string
	role                    Role
}

var demoUsers = []demoUser{
	{"ministerium@demo.example", "Maria Ministerium", "sachsen-anhalt", RoleMinistryAdmin},
	{"harz@demo.example", "Hannes Harz", "landkreis-harz", RoleMunicipalityAdmin},
	{"sachbearbeitung.harz@demo.example", "Sabine Sachbearbeitung", "landkreis-harz", RoleMunicipalityClerk},
	{"wittenberg@demo.example", "Wiebke Wittenberg", "landkreis-wittenberg", RoleMunicipalityAdmin},
}

// LoadDemo creates the demo tenants and accounts that are missing; run
// twice, it changes nothing.
func (s *Store) LoadDemo(ctx context.Context) ([]DemoLogin, error) {
	ctx = WithActor(ctx, Actor{ID: "system", Label: "Demodaten"})
	bySlug := map[string]*Tenant{}
	byKey := map[string]*Tenant{}
	// The tenants in one transaction: one commit and one reload of the
	// access policy instead of eighteen.
	err := s.InTx(ctx, func(ctx context.Context) error {
		for _, d := range demoTenants {
			t, err := s.ResolveTenant(ctx, d.slug)
			if errors.Is(err, ErrNotFound) {
				t = &Tenant{Kind: Kind(d.kind), Name: d.name, Slug: d.slug, Street: d.street, PostalCode: d.postal,
					City: d.city, ITProvider: d.itProvider, Active: true,
					FunctionMailbox: "sozialamt@" + d.slug + ".example"}
				if d.key != "" {
					k := d.key
					t.OfficialKey = &k
				}
				if d.parentKey != "" {
					pid := byKey[d.parentKey].ID
					t.ParentID = &pid
				}
				if t.Kind == KindLand {
					t.FunctionMailbox = "ozg-sozialplattform@mid.sachsen-anhalt.example"
				}
				if err = s.CreateTenant(ctx, t); err != nil {
					return fmt.Errorf("demo tenant %s: %w", d.name, err)
				}
			} else if err != nil {
				return fmt.Errorf("demo tenant %s: %w", d.name, err)
			}
			bySlug[d.slug] = t
			if d.key != "" {
				byKey[d.key] = t
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var logins []DemoLogin
	for _, d := range demoUsers {
		t := bySlug[d.tenantSlug]
		if _, err := s.UserByEmail(ctx, d.email); errors.Is(err, ErrNotFound) {
			if _, err := s.CreateUser(ctx, NewUserInput{Email: d.email, Name: d.name, Password: DemoPassword, TenantID: t.ID, Role: d.role}); err != nil {
				return nil, fmt.Errorf("demo user %s: %w", d.email, err)
			}
		} else if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", d.email, err)
		}
		logins = append(logins, DemoLogin{Email: d.email, Role: d.role.Label(), Tenant: t.Name})
	}
	return logins, nil
}
