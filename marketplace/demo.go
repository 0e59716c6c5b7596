package marketplace

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/secret"
)

// The demo catalogue. The eight "Sozialplattform: …" products of the seed
// (type EfA-Dienst, topic Arbeit und Ruhestand, OZG-IDs and Antragsstrecken
// after the seed's implementation table) carry SW10182–SW10189. SW10181 is
// "ELiA-Online", the product the seed's sample order confirmation of
// Landkreis Wittenberg names (order 10173 of 16.09.2025), so that this
// mail can be reproduced as it is; the seed does not say what ELiA-Online
// comprises, so it is linked to Hilfe zum Lebensunterhalt (10086: hzl,
// eb-hzl) – the ministry can relink it – and left out of the public list,
// which then shows the eight products as the seed's screenshot does. The
// eight are Online-Dienste whose price after 2026 is "noch nicht
// entschieden" (orderable, with the note the seed's slide "Kosten für die
// Kommunen" gives). A few other services give the filters and sections
// something to show: the seed names the sections Basisdienste and Geplante
// Dienste and the filter "Vorlage im BUS" but not their members, so those
// members are the demo's own.
// demoPreviews are the portal's service pages the demo's products show
// as "Zur Vorschau": the page where a citizen meets the Antragsstrecke.
var demoPreviews = map[string]string{"SW10186": "grusi", "SW10187": "hzl", "SW10188": "asylblg", "SW10189": "mietrueckstaende"}

var demoProducts = []ProductInput{
	{Number: "SW10181", Name: "ELiA-Online", ServiceType: "EfA-Dienst", Topic: "Arbeit und Ruhestand", OZGID: "10086",
		Antragsstrecken: []string{"hzl", "eb-hzl"}, FreeForState: true,
		ShortDescription: "Online-Antrag auf Hilfe zum Lebensunterhalt (Produkt der Muster-Bestellbestätigung vom 16.09.2025; nicht mehr im Katalog)."},
	{PriceAfter: PriceAfterOrderable, Number: "SW10182", Name: "Sozialplattform: Aktivierung und berufliche Eingliederung", ServiceType: "EfA-Dienst", Topic: "Arbeit und Ruhestand",
		OZGID: "10628", Antragsstrecken: []string{"ess", "avg", "vmb", "agh", "kel", "16h"}, Published: true,
		ShortDescription: "Leistungen zur Eingliederung in Arbeit nach dem SGB II online beantragen.",
		Description: "Antragsstrecken: Einstiegsgeld/ESS (§ 16c SGB II), Arbeitsgelegenheiten (AGH, § 16d), kommunale Eingliederungsleistungen (KEL, § 16a), " +
			"Förderung schwer zu erreichender junger Menschen (§ 16h), Aktivierung und berufliche Eingliederung (AVG) und Vermittlungsbudget (VMB)."},
	{PriceAfter: PriceAfterOrderable, Number: "SW10183", Name: "Sozialplattform: Bedarf für Bildung und Teilhabe", ServiceType: "EfA-Dienst", Topic: "Arbeit und Ruhestand",
		OZGID: "10088", Antragsstrecken: []string{"but"}, Published: true,
		ShortDescription: "Leistungen für Bildung und Teilhabe (BuT) für Kinder, Jugendliche und junge Erwachsene online beantragen.",
		Description: "Schulbedarf, Ausflüge und Klassenfahrten, Lernförderung, Mittagsverpflegung, Schülerbeförderung und Teilhabe am sozialen und kulturellen Leben – " +
			"für Familien mit Bürgergeld, Sozialhilfe, Leistungen nach dem AsylbLG, Wohngeld oder Kinderzuschlag."},
	{PriceAfter: PriceAfterOrderable, Number: "SW10184", Name: "Sozialplattform: Bescheinigung für Geringverdiener", ServiceType: "EfA-Dienst", Topic: "Arbeit und Ruhestand",
		OZGID: "10083", Antragsstrecken: []string{"wbs"}, Published: true,
		ShortDescription: "Bescheinigung über ein geringes Einkommen online beantragen."},
	{PriceAfter: PriceAfterOrderable, Number: "SW10185", Name: "Sozialplattform: Förderung der Aufnahme einer Erwerbstätigkeit", ServiceType: "EfA-Dienst", Topic: "Arbeit und Ruhestand",
		OZGID: "10726", Antragsstrecken: []string{"lza", "tam", "esg", "frf"}, Published: true,
		ShortDescription: "Förderleistungen nach dem SGB II für die Aufnahme einer Arbeit online beantragen.",
		Description: "Antragsstrecken: Eingliederung von Langzeitarbeitslosen (LZA, § 16e SGB II), Teilhabe am Arbeitsmarkt (TAM, § 16i), " +
			"Leistungen zur Eingliederung von Selbständigen (ESG, § 16b) und Freie Förderung (FRF, § 16f)."},
	{PriceAfter: PriceAfterOrderable, Number: "SW10186", Name: "Sozialplattform: Grundsicherung im Alter und bei Erwerbsminderung", ServiceType: "EfA-Dienst", Topic: "Arbeit und Ruhestand",
		OZGID: "10084", Antragsstrecken: []string{"grusi"}, Published: true,
		ShortDescription: "Grundsicherung im Alter und bei Erwerbsminderung (SGB XII, 4. Kapitel) online beantragen."},
	{PriceAfter: PriceAfterOrderable, Number: "SW10187", Name: "Sozialplattform: Hilfe zum Lebensunterhalt", ServiceType: "EfA-Dienst", Topic: "Arbeit und Ruhestand",
		OZGID: "10086", Antragsstrecken: []string{"hzl", "eb-hzl"}, Published: true, FreeForState: true,
		ShortDescription: "Hilfe zum Lebensunterhalt (SGB XII, 3. Kapitel) und einmalige Bedarfe online beantragen.",
		Description: "Antragsstrecken: HzL 1.0 und EB-HzL – Einmalige Bedarfe (§ 31 SGB XII). Der Dienst wird auch von einer Landesbehörde genutzt " +
			"und bleibt für die Kommunen daher unentgeltlich."},
	{PriceAfter: PriceAfterOrderable, Number: "SW10188", Name: "Sozialplattform: Leistungen nach Asylbewerberleistungsgesetz (AsylbLG)", ServiceType: "EfA-Dienst", Topic: "Arbeit und Ruhestand",
		OZGID: "10606", Antragsstrecken: []string{"asylblg"}, Published: true,
		ShortDescription: "Leistungen nach dem Asylbewerberleistungsgesetz online beantragen."},
	{PriceAfter: PriceAfterOrderable, Number: "SW10189", Name: "Sozialplattform: Übernahme von Mietrückständen", ServiceType: "EfA-Dienst", Topic: "Arbeit und Ruhestand",
		OZGID: "10090", Antragsstrecken: []string{"mrh"}, Published: true,
		ShortDescription: "Übernahme von Mietschulden zur Sicherung der Unterkunft online beantragen (§ 36 SGB XII, § 22 Abs. 8 SGB II, § 6 AsylbLG)."},

	{Number: "SW10101", Name: "Wohngeld online", ServiceType: "AFM Online-Dienst", Topic: "Bauen und Wohnen", Published: true, BUSTemplate: true,
		ShortDescription: "Miet- und Lastenzuschuss online beantragen."},
	{Number: "SW10102", Name: "Bauantrag digital", ServiceType: "EfA-Dienst", Topic: "Bauen und Wohnen", Published: true,
		ShortDescription: "Bauanträge und Bauvoranfragen digital bei der unteren Bauaufsicht einreichen."},
	{Number: "SW10103", Name: "Schülerbeförderung", ServiceType: "AM4.0", Topic: "Bildung", Published: true,
		ShortDescription: "Übernahme der Fahrkosten zur Schule beantragen."},
	{Number: "SW10104", Name: "Einbürgerung digital", ServiceType: "EfA-Dienst", Topic: "Ein- und Auswanderung", Published: true, BUSTemplate: true,
		ShortDescription: "Die Einbürgerung online beantragen."},
	{Number: "SW10105", Name: "Ehrenamtskarte", ServiceType: "AM4.0", Topic: "Engagement und Hobby", Published: true,
		ShortDescription: "Die Ehrenamtskarte für engagierte Bürgerinnen und Bürger beantragen."},
	{Number: "SW10106", Name: "Kita-Platz-Anmeldung", ServiceType: "AFM Online-Dienst", Topic: "Familie und Kind", Published: true,
		ShortDescription: "Einen Betreuungsplatz in einer Kindertageseinrichtung anmelden."},
	{Number: "SW10107", Name: "Elterngeld Digital", ServiceType: "EfA-Dienst", Topic: "Familie und Kind", Published: true, BUSTemplate: true,
		ShortDescription: "Elterngeld online beantragen."},
	{Number: "SW10108", Name: "Fischereischein online", ServiceType: "AFM Online-Dienst", Topic: "Engagement und Hobby",
		Section: SectionPlanned, Published: true, PriceAfter: PriceAfterClosed,
		ShortDescription: "Geplant: den Fischereischein online beantragen."},
	{Number: "SW10109", Name: "Servicekonto Sachsen-Anhalt", ServiceType: "Basisdienst", Topic: "Sonstiges", Section: SectionBasis, Published: true,
		ShortDescription: "Anmeldung der Bürgerinnen und Bürger mit Benutzername und Passwort, Online-Ausweis oder BundID für die Online-Dienste der Kommune."},
	{Number: "SW10110", Name: "ePayment Sachsen-Anhalt", ServiceType: "Basisdienst", Topic: "Sonstiges", Section: SectionBasis, Published: true,
		ShortDescription: "Gebühren und Entgelte in Online-Diensten bezahlen."},
}

// demoPrices: free for municipalities until the end of 2026; what comes
// after is undecided.
var demoPrices = []Price{{ValidFrom: "2025-01-01", ValidUntil: dayPtr("2026-12-31"), AmountCents: 0}}

func dayPtr(d Day) *Day { return &d }

// demoOrder is an order of the seed's state.
type demoOrder struct {
	number    int64
	tenantKey string
	by        string
	at        time.Time
	products  []string
	// history are the later states with the day each was reached.
	history []demoStep
}

type demoStep struct {
	state OrderState
	at    time.Time
}

func berlin(loc *time.Location, y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, loc).UTC()
}

func demoOrders(loc *time.Location) []demoOrder {
	return []demoOrder{
		// Landkreis Harz ordered HzL, GruSi and BuT early in 2025 and went
		// live in May 2025 (the seed's field report).
		{number: 10042, tenantKey: "15085", by: "harz@demo.example", at: berlin(loc, 2025, time.February, 12, 10, 30),
			products: []string{"SW10187", "SW10186", "SW10183"},
			history: []demoStep{
				{OrderConfirmed, berlin(loc, 2025, time.February, 14, 9, 0)},
				{OrderConnecting, berlin(loc, 2025, time.March, 3, 11, 0)},
				{OrderCompleted, berlin(loc, 2025, time.May, 15, 14, 0)},
			}},
		// Landkreis Wittenberg's order of the seed's sample mail.
		{number: 10173, tenantKey: "15091", by: "wittenberg@demo.example", at: berlin(loc, 2025, time.September, 16, 15, 50),
			products: []string{"SW10181"}},
	}
}

// LoadDemo creates the demo catalogue, the seed's orders (which are handed
// to onboarding like any order, without confirmation mails), a Merkzettel
// and a registration waiting for the ministry. It needs the platform
// core's demo tenants (tenant.Store.LoadDemo) and changes nothing when run
// again.
func (s *Store) LoadDemo(ctx context.Context) error {
	ctx = tenant.WithActor(ctx, tenant.Actor{ID: "system", Label: "Demodaten"})
	for _, in := range demoProducts {
		if _, err := s.GetProduct(ctx, in.Number); err == nil {
			continue
		} else if !errors.Is(err, tenant.ErrNotFound) {
			return fmt.Errorf("demo product %s: %w", in.Number, err)
		}
		in.Prices = demoPrices
		if slug := demoPreviews[in.Number]; slug != "" {
			in.PreviewURL = s.opts.ServicePage.To(slug)
		}
		if _, err := s.CreateProduct(ctx, in); err != nil {
			return fmt.Errorf("demo product %s: %w", in.Number, err)
		}
	}
	for _, d := range demoOrders(s.loc) {
		if err := s.loadDemoOrder(ctx, d); err != nil {
			return fmt.Errorf("demo order %d: %w", d.number, err)
		}
	}
	return s.loadDemoRegistration(ctx)
}

func (s *Store) loadDemoOrder(ctx context.Context, d demoOrder) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Table("market_orders").Where("number = ?", d.number).Count(ctx)
		if err != nil || n > 0 {
			return err
		}
		var t struct {
			ID string `bun:"id"`
		}
		if err := tx.NewSelect().Table("tenants").Column("id").Where("official_key = ?", d.tenantKey).Scan(ctx, &t); err != nil {
			return fault.NotFound(err, "demo tenant "+d.tenantKey)
		}
		day := DayOf(d.at, s.loc)
		var items []OrderItem
		for i, ref := range d.products {
			p, err := s.getProduct(ctx, tx, ref)
			if err != nil {
				return err
			}
			price, _ := p.PriceAt(day)
			items = append(items, OrderItem{Position: i + 1, ProductID: p.ID, ProductNumber: p.Number, Name: p.Name,
				OZGID: p.OZGID, Antragsstrecken: p.Antragsstrecken, Quantity: 1, UnitPriceCents: price, LineTotalCents: price})
		}
		octx := tenant.WithActor(ctx, tenant.Actor{ID: "system", Label: d.by})
		o, err := s.createOrder(octx, tx, newOrder{tenantID: t.ID, number: d.number, at: d.at, items: items})
		if err != nil {
			return err
		}
		from := OrderReceived
		for _, step := range d.history {
			if err := insertEvent(ctx, tx, o.ID, step.at, from, step.state, ""); err != nil {
				return err
			}
			from = step.state
		}
		if from != OrderReceived {
			last := d.history[len(d.history)-1].at
			if _, err := tx.NewUpdate().Model((*orderRow)(nil)).Set("state = ?", from).Set("updated_at = ?", last).
				Set("version = ?", 1+len(d.history)).Where("id = ?", o.ID).Exec(ctx); err != nil {
				return fmt.Errorf("set demo order state: %w", err)
			}
		}
		if d.tenantKey == "15091" {
			// Wittenberg keeps two more services on its Merkzettel.
			for _, ref := range []string{"SW10186", "SW10183"} {
				p, err := s.getProduct(ctx, tx, ref)
				if err != nil {
					return err
				}
				if _, err := tx.NewInsert().Model(&wishlistRow{TenantID: t.ID, ProductID: p.ID, AddedAt: d.at}).
					On("CONFLICT (tenant_id, product_id) DO NOTHING").Exec(ctx); err != nil {
					return fmt.Errorf("demo Merkzettel: %w", err)
				}
			}
		}
		return nil
	})
}

// loadDemoRegistration leaves Landkreis Börde's confirmed registration for
// the ministry to activate or reject. It is stored directly, without the
// confirmation mail a real registration sends.
func (s *Store) loadDemoRegistration(ctx context.Context) error {
	const key = "15083"
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*Registration)(nil)).Where("official_key = ?", key).Count(ctx)
		if err != nil || n > 0 {
			return err
		}
		if err := s.checkNotRegistered(ctx, tx, key); err != nil {
			if errors.Is(err, ErrDuplicate) {
				return nil // Börde has an account by now
			}
			return err
		}
		now := s.now()
		in := RegistrationInput{AuthorityName: "Landkreis Börde", OfficialKey: key,
			FunctionMailbox: "sozialamt@landkreis-boerde.example", Street: "Gerikestraße 104", PostalCode: "39340",
			City: "Haldensleben", ContactName: "Bernd Beispiel", ContactPhone: "03904 7240-0", AcceptTerms: true}
		if _, err := checkRegistration(&in); err != nil {
			return err
		}
		confirmed := now.Add(-26 * time.Hour)
		r := &Registration{ID: uuid.Must(uuid.NewV7()).String(), AuthorityName: in.AuthorityName, OfficialKey: in.OfficialKey,
			FunctionMailbox: in.FunctionMailbox, Street: in.Street, PostalCode: in.PostalCode, City: in.City,
			ContactName: in.ContactName, ContactPhone: in.ContactPhone, State: RegistrationConfirmed,
			TokenHash: secret.Hash(secret.New()), ConfirmBy: now.Add(-28 * time.Hour).Add(s.opts.ConfirmationTTL),
			TermsAcceptedAt: now.Add(-28 * time.Hour), ConfirmedAt: &confirmed, Version: 2,
			CreatedAt: now.Add(-28 * time.Hour), UpdatedAt: confirmed}
		if _, err := tx.NewInsert().Model(r).Exec(ctx); err != nil {
			return fmt.Errorf("demo registration: %w", err)
		}
		return s.audit(ctx, tx, "", "create", ObjRegistration, r.ID, map[string]any{
			"authorityName": r.AuthorityName, "officialKey": r.OfficialKey, "functionMailbox": r.FunctionMailbox})
	})
}
