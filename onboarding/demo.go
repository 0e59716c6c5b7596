package onboarding

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
)

// defaultTemplate is a checklist template shipped with the platform.
type defaultTemplate struct {
	id string
	in TemplateInput
}

// defaultTemplates are the ministry's starting checklist: per variant what
// the seed names (variant 1: DVDV entry, OSCI certificate, intermediary,
// XTA2 server in the secured network; variant 3: DestinationID from the
// self-service portal, test certificate, FIT-Connect interface), and for
// all variants contract, Sprechstunde and test application.
func defaultTemplates() []defaultTemplate {
	t := func(id string, v Variant, p Phase, pos int, title, desc string) defaultTemplate {
		return defaultTemplate{id, TemplateInput{Variant: v, Phase: p, Position: pos, Title: title, Description: desc, Active: true}}
	}
	tenantWide := func(d defaultTemplate) defaultTemplate { d.in.Scope = ScopeTenant; return d }
	checked := func(d defaultTemplate, f Fact) defaultTemplate { d.in.Fact = f; return d }
	return []defaultTemplate{
		tenantWide(t("alle-vertrag", VariantNone, PhasePreparation, 10, "Sub-Nachnutzungsvertrag unterzeichnet",
			"Der Sub-Nachnutzungsvertrag zwischen Land und Kommune ist unterzeichnet. Bitte laden Sie ihn als PDF hoch.")),
		tenantWide(t("alle-ansprechpersonen", VariantNone, PhasePreparation, 20, "Ansprechpersonen benannt",
			"Fachliche und technische Ansprechpersonen – auch beim IT-Dienstleister – sind dem Anbindungssupport genannt.")),
		tenantWide(checked(t("alle-sprechstunde", VariantNone, PhasePreparation, 30, "Sprechstunde „Anbindung zur Sozialplattform“ besucht",
			"Mindestens eine Sprechstunde besucht; Fragen zur Anbindung sind geklärt."), FactConsultationAttended)),
		checked(t("v1-dvdv", VariantOSCIXTA2, PhasePreparation, 40, "DVDV-Eintrag vorhanden",
			"Die Behörde ist mit ihrer Behördenkennung im DVDV eingetragen, damit Anträge zum richtigen Intermediär geleitet werden."), FactDVDVEntry),
		checked(t("v1-osci-zertifikat", VariantOSCIXTA2, PhasePreparation, 50, "OSCI-Zertifikat beschafft und hinterlegt", ""), FactDVDVCertificate),
		checked(t("v1-intermediaer", VariantOSCIXTA2, PhasePreparation, 60, "Intermediär festgelegt",
			"Der OSCI-Intermediär (z. B. beim IT-Dienstleister) ist festgelegt; seine Adresse steht im DVDV-Eintrag der Behördenkennung."), FactDVDVEntry),
		t("v1-xta2", VariantOSCIXTA2, PhasePreparation, 70, "XTA2-Server im gesicherten Netz eingerichtet",
			"Empfohlen ist ein XTA2-Server im gleichen gesicherten Netz wie die Kommune. Holt das Fachverfahren direkt per OSCI beim Intermediär ab, vermerken Sie das im Kommentar."),
		t("v1-schnittstelle", VariantOSCIXTA2, PhasePreparation, 80, "XTA2- oder OSCI-Schnittstelle im Fachverfahren eingerichtet", ""),
		checked(t("v2-postfach", VariantOSCIClient, PhasePreparation, 40, "Postfach-Benutzerinnen und -Benutzer benannt",
			"Wer in der Konsole Anträge abholt, ist in den Anbindungsdaten als Postfach-Benutzer eingetragen."), FactMailboxUsers),
		t("v2-einweisung", VariantOSCIClient, PhasePreparation, 50, "Sachbearbeitung in die Abholung eingewiesen",
			"Abholung als XML und PDF und die Übernahme ins Fachverfahren sind geübt."),
		checked(t("v3-zustellpunkt", VariantFITConnect, PhasePreparation, 40, "Zustellpunkt (DestinationID) im Self-Service-Portal angelegt",
			"Der Zustellpunkt wird im Self-Service-Portal von FIT-Connect durch die Kommune oder ihren IT-Dienstleister eingerichtet."), FactDestinationActive),
		checked(t("v3-zertifikat", VariantFITConnect, PhasePreparation, 50, "(Test-)Zertifikat für den Zustellpunkt hinterlegt",
			"Die Plattform hat den öffentlichen Verschlüsselungsschlüssel vom Zustellpunkt abgerufen und geprüft (RSA, mindestens 4096 Bit, gültiges Zertifikat)."), FactKeyValid),
		t("v3-schnittstelle", VariantFITConnect, PhasePreparation, 60, "FIT-Connect-Schnittstelle im Fachverfahren eingerichtet", ""),
		checked(t("alle-testantrag", VariantNone, PhaseConnectionTests, 10, "Testantrag empfangen",
			"Ein Testantrag der Sozialplattform ist angekommen und vollständig lesbar (XML und PDF)."), FactTestReceived),
		t("alle-testpruefung", VariantNone, PhaseConnectionTests, 20, "Testantrag fachlich geprüft",
			"Die Sachbearbeitung hat den Testantrag im Fachverfahren bzw. im Postfach fachlich geprüft."),
		t("alle-produktivtest", VariantNone, PhaseProduction, 10, "Produktivtest mit einem echten Antrag bestanden", ""),
		t("alle-information", VariantNone, PhaseProduction, 20, "Bürgerinformation vorbereitet",
			"Die eigene Website verweist auf die Antragsstrecke; für externe Verlinkungen ist die Landesredaktion informiert."),
	}
}

// EnsureDefaults stores the default checklist templates when there are
// none yet; run at every start, it changes nothing once the ministry has
// templates.
func (s *Store) EnsureDefaults(ctx context.Context) error {
	n, err := s.db.Read.NewSelect().Model((*templateRow)(nil)).Count(ctx)
	if err != nil {
		return fmt.Errorf("count checklist templates: %w", err)
	}
	if n > 0 {
		return nil
	}
	ctx = tenant.WithActor(ctx, tenant.Actor{ID: "system", Label: "Standardvorlagen"})
	for _, t := range defaultTemplates() {
		if _, err := s.PutTemplate(ctx, t.id, 0, t.in); err != nil {
			return fmt.Errorf("default checklist template %s: %w", t.id, err)
		}
	}
	return nil
}

// demoFachverfahren is the seed's "Status der Anbindung der Fachverfahren"
// (Stand 23.06.2025). Cells the seed shows with text are taken as written
// (▲ Unbekannt, ▲ Nicht geplant, ▲ 2025); its cells shown by colour only are
// read from the notes: "Produktive Anbindung auf Anfrage möglich" means
// the interfaces used in production are done.
func demoFachverfahren() []struct {
	id string
	in FachverfahrenInput
} {
	asOf := time.Date(2025, 6, 23, 0, 0, 0, 0, time.UTC)
	done := InterfaceStatus{State: StateDone}
	unknown := InterfaceStatus{State: StateUnknown}
	wip := InterfaceStatus{State: StateInProgress}
	notPlanned := InterfaceStatus{State: StateNotPlanned}
	in2025 := InterfaceStatus{State: StatePlanned, Year: 2025}
	row := func(product, vendor string, fit, osci, xta2, xsoz InterfaceStatus, remarks string) FachverfahrenInput {
		return FachverfahrenInput{Product: product, Vendor: vendor, Remarks: remarks, AsOf: asOf,
			Interfaces: map[Interface]InterfaceStatus{IfaceFITConnect: fit, IfaceOSCI: osci, IfaceXTA2: xta2, IfaceXSozialBasis: xsoz}}
	}
	pos := func(i int) *int { return &i }
	out := []struct {
		id string
		in FachverfahrenInput
	}{
		{"ok-jus", row("OK.JUS", "AKDB", unknown, unknown, unknown, unknown, "Neu-Implementierung des Fachverfahrens")},
		{"laemmkom-lissa", row("LÄMMkom Lissa", "Lämmerzahl", done, notPlanned, unknown, done,
			"Produktive Anbindung auf Anfrage möglich. Erweiterung des Produktportfolios im Laufe des Jahres 2025 geplant.")},
		{"open-prosoz", row("Open/Prosoz + XOEV.Exchange", "Prosoz", wip, done, done, done, "Produktive Anbindung auf Anfrage möglich.")},
		{"comp-ass-21", row("Comp.ASS 21", "Prosozial", unknown, done, unknown, done,
			"Produktive Anbindung auf Anfrage möglich. Voraussetzung: vor Ort installierter externer Client.")},
		{"care-4", row("Care 4", "Infosys-Kommunal", in2025, unknown, unknown, in2025,
			"In abschließender Entwicklungsphase bei FIT-Connect und XSozial-basis.")},
		{"kdn-sozial", row("KDN.Sozial", "", unknown, unknown, unknown, done,
			"Import von Anträgen, die mit XSozial-basis übertragen werden, grundsätzlich möglich.")},
	}
	for i := range out {
		out[i].in.Position = pos(i + 1)
	}
	return out
}

// demoConsultations are the seed's OZG-Sprechstunden: the 63. of the
// presentation and the announced 64. to 68. (the Anbindungs-Sprechstunde's
// dates come from the rule).
func demoConsultations(loc *time.Location) []ConsultationInput {
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 14, 0, 0, 0, loc) }
	return []ConsultationInput{
		{Kind: KindOZG, Number: 63, StartsAt: at(2025, 9, 17), Topic: "EfA-Dienste der Sozialplattform (NRW) – Nachnutzung in Sachsen-Anhalt"},
		{Kind: KindOZG, Number: 64, StartsAt: at(2025, 9, 24), Topic: "GDST Forum"},
		{Kind: KindOZG, Number: 65, StartsAt: at(2025, 10, 8), Topic: "Zielarchitektur Postfach- u. Kommunikationslösungen"},
		{Kind: KindOZG, Number: 66, StartsAt: at(2025, 11, 5), Topic: "Standardverordnung"},
		{Kind: KindOZG, Number: 67, StartsAt: at(2025, 11, 19), Topic: "1st Level Support Onlinedienste durch die 115"},
		{Kind: KindOZG, Number: 68, StartsAt: at(2025, 12, 3), Topic: "GDST Forum"},
	}
}

// demoHarzOrder is what Landkreis Harz ordered in February 2025 (the
// marketplace demo's order 10042: Hilfe zum Lebensunterhalt with both
// Antragsstrecken, GruSi and BuT); demoHarzLive the three that went live in
// May 2025 (the seed's field report). demoWittenbergOrder is Wittenberg's
// order 10173 of 16.09.2025 (ELiA-Online, linked to HzL).
func demoHarzOrder() []string       { return []string{"hzl", "eb-hzl", "grusi", "but"} }
func demoHarzLive() []string        { return []string{"hzl", "grusi", "but"} }
func demoWittenbergOrder() []string { return []string{"hzl", "eb-hzl"} }

// LoadDemo loads the demo data that is missing: default checklist, the
// seed's Fachverfahren matrix and Sprechstunden (continued into 2027), and
// the onboarding history of the seed – Landkreis Harz live since May 2025
// with HzL, GruSi and BuT via variant 1 (OSCI) with Open/Prosoz, Landkreis
// Wittenberg ordered on 16.09.2025 and in preparation. Cases the
// marketplace's demo opened are used; missing ones are opened here. Cases
// somebody already worked on are left alone, so LoadDemo is idempotent.
// It needs the tenant demo data (tenant.Store.LoadDemo) first.
func (s *Store) LoadDemo(ctx context.Context) error {
	ctx = tenant.WithActor(ctx, tenant.Actor{ID: "system", Label: "Demodaten"})
	if err := s.EnsureDefaults(ctx); err != nil {
		return err
	}
	for _, f := range demoFachverfahren() {
		if _, err := s.GetFachverfahren(ctx, f.id); errors.Is(err, tenant.ErrNotFound) {
			if _, err := s.PutFachverfahren(ctx, f.id, 0, f.in); err != nil {
				return fmt.Errorf("demo Fachverfahren %s: %w", f.id, err)
			}
		} else if err != nil {
			return err
		}
	}
	if err := s.loadDemoConsultations(ctx); err != nil {
		return err
	}
	if err := s.loadDemoSupportContacts(ctx); err != nil {
		return err
	}
	if err := s.loadDemoFITConnectServices(ctx); err != nil {
		return err
	}
	harz, err := s.demoTenant(ctx, "15085")
	if err != nil {
		return err
	}
	wittenberg, err := s.demoTenant(ctx, "15091")
	if err != nil {
		return err
	}
	if err := s.ensureDemoCases(ctx, harz, "demo-harz", demoHarzOrder(), time.Date(2025, 2, 12, 10, 30, 0, 0, s.loc)); err != nil {
		return err
	}
	if err := s.ensureDemoCases(ctx, wittenberg, "10173", demoWittenbergOrder(), time.Date(2025, 9, 16, 15, 50, 0, 0, s.loc)); err != nil {
		return err
	}
	if err := s.loadDemoHarz(ctx, harz); err != nil {
		return err
	}
	return s.loadDemoWittenberg(ctx, wittenberg)
}

// demoSupportContacts are the two actors the seed names for the
// onboarding ("Begleitung der Kommune durch den Anbindungssupport NRW und
// das Dataport-Roll-In Management"; "Wer? Ihr Anbindungssupport" of the
// Sprechstunde). The seed gives no phone numbers and no mailbox of the
// Roll-In-Management: the demo leaves the phone empty and uses a
// reserved example address for Dataport, which the ministry replaces in
// the console.
func demoSupportContacts() []SupportContactInput {
	return []SupportContactInput{
		{Name: "Anbindungssupport NRW", Mailbox: "anbindung@sozialplattform.info", Position: 10,
			Role: "Technische Begleitung der Anbindung im Auftrag des Landes: Wahl der Anbindungsvariante, Fachverfahren, " +
				"OSCI/XTA2, OSCI-Client und FIT-Connect, Anbindungstests; leitet die Sprechstunde „Anbindung zur Sozialplattform“.",
			Phases: []Phase{PhasePreparation, PhaseConnectionTests}},
		{Name: "Dataport Roll-In-Management", Mailbox: "roll-in@dataport.example", Position: 20,
			Role: "Planung und Aufnahme in den Betrieb der Sozialplattform: Roll-In-Termine, Produktivtest und Livegang, " +
				"Freischaltung der Antragsstrecke im Portal.",
			Phases: []Phase{PhasePreparation, PhaseProduction}},
	}
}

// loadDemoSupportContacts adds the demo's actors when the ministry has
// none yet.
func (s *Store) loadDemoSupportContacts(ctx context.Context) error {
	n, err := s.db.Read.NewSelect().Model((*supportContactRow)(nil)).Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	for _, in := range demoSupportContacts() {
		if _, err := s.CreateSupportContact(ctx, in); err != nil {
			return fmt.Errorf("demo support contact %s: %w", in.Name, err)
		}
	}
	return nil
}

func (s *Store) demoTenant(ctx context.Context, key string) (string, error) {
	var id string
	if err := s.db.Read.NewSelect().Table("tenants").Column("id").Where("official_key = ?", key).Scan(ctx, &id); err != nil {
		return "", fault.NotFound(err, "demo tenant "+key+" (load the tenant demo data first)")
	}
	return id, nil
}

func (s *Store) loadDemoConsultations(ctx context.Context) error {
	for _, c := range demoConsultations(s.loc) {
		n, err := s.db.Read.NewSelect().Model((*consultationRow)(nil)).Where("kind = ? AND number = ?", KindOZG, c.Number).Count(ctx)
		if err != nil {
			return fmt.Errorf("demo Sprechstunde %d: %w", c.Number, err)
		}
		if n > 0 {
			continue
		}
		if _, err := s.CreateConsultation(ctx, c); err != nil {
			return fmt.Errorf("demo Sprechstunde %d: %w", c.Number, err)
		}
	}
	if _, err := s.ExtendSeries(ctx, time.Date(2027, 12, 31, 23, 59, 0, 0, s.loc)); err != nil {
		return fmt.Errorf("demo Sprechstunden series: %w", err)
	}
	return nil
}

// ensureDemoCases opens the demo's cases of a tenant that has none of
// them yet (the marketplace demo was not wired or not run).
func (s *Store) ensureDemoCases(ctx context.Context, tenantID, orderID string, streams []string, orderedAt time.Time) error {
	n, err := s.db.Read.NewSelect().Model((*caseRow)(nil)).Where("tenant_id = ?", tenantID).Count(ctx)
	if err != nil {
		return fmt.Errorf("demo cases: %w", err)
	}
	if n > 0 {
		return nil
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.RecordCases(ctx, tx, tenantID, orderID, streams, orderedAt)
	})
}

// loadDemoHarz gives Harz's fresh HzL, GruSi and BuT cases the history of
// the field report: variant 1 via OSCI with Open/Prosoz (IT provider
// Dataport), preparation from February, tests in spring, live in May 2025
// on the ministry's confirmation. EB-HzL stays ordered.
func (s *Store) loadDemoHarz(ctx context.Context, tenantID string) error {
	d := func(m time.Month, day int) *time.Time {
		t := time.Date(2025, m, day, 9, 0, 0, 0, s.loc).UTC()
		return &t
	}
	transport := Transport{DVDVKennung: "sop:150850000100"}
	raw, err := json.Marshal(transport)
	if err != nil {
		return err
	}
	fv := "open-prosoz"
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var rows []caseRow
		if err := tx.NewSelect().Model(&rows).Where("tenant_id = ? AND antragsstrecke IN (?)", tenantID, bun.In(demoHarzLive())).
			Where("preparation_status = ? AND tests_status = ? AND production_status = ?", NotStarted, NotStarted, NotStarted).Scan(ctx); err != nil {
			return fmt.Errorf("demo cases of Harz: %w", err)
		}
		for i := range rows {
			r := &rows[i]
			r.Variant = int(VariantOSCIXTA2)
			r.FachverfahrenID = &fv
			r.Transport = string(raw)
			r.PreparationStatus, r.PreparationStartedAt, r.PreparationCompletedAt = string(Completed), d(2, 14), d(3, 14)
			r.TestsStatus, r.TestsStartedAt, r.TestsCompletedAt = string(Completed), d(3, 17), d(4, 25)
			r.ProductionStatus, r.ProductionStartedAt, r.ProductionCompletedAt = string(Completed), d(4, 28), d(5, 12)
			r.LiveMonth = "2025-05"
			r.LiveConfirmedAt, r.LiveConfirmedBy = d(5, 8), "ministerium@demo.example"
			r.LastProgressAt = *d(5, 12)
			if err := s.saveCaseRow(ctx, tx, r); err != nil {
				return err
			}
			if err := s.syncItems(ctx, tx, &caseRow{ID: r.ID, Variant: r.Variant, PreparationStatus: string(NotStarted),
				TestsStatus: string(NotStarted), ProductionStatus: string(NotStarted)}); err != nil {
				return err
			}
			doneAt := map[string]*time.Time{string(PhasePreparation): d(3, 12), string(PhaseConnectionTests): d(4, 24), string(PhaseProduction): d(5, 9)}
			for phase, at := range doneAt {
				if _, err := tx.NewUpdate().Model((*itemRow)(nil)).Set("done = ?", true).Set("done_at = ?", at).
					Set("done_by = ?", "harz@demo.example").Set("version = version + 1").
					Where("case_id = ? AND phase = ? AND variant IN (?)", r.ID, phase, bun.In([]int{0, r.Variant})).Exec(ctx); err != nil {
					return fmt.Errorf("demo checklist of Harz: %w", err)
				}
			}
			if _, err := tx.NewUpdate().Model((*itemRow)(nil)).Set("comment = ?", "Abholung direkt per OSCI vom Intermediär bei Dataport (Variante B).").
				Where("id = ?", itemID(r.ID, "v1-xta2")).Exec(ctx); err != nil {
				return fmt.Errorf("demo checklist of Harz: %w", err)
			}
			if err := audit(ctx, tx, tenantID, "update", ObjCase, r.ID, map[string]any{"antragsstrecke": r.Antragsstrecke,
				"demo": "Erfahrungsbericht Landkreis Harz: live seit Mai 2025, Variante 1 (OSCI) mit Open/Prosoz"}); err != nil {
				return err
			}
		}
		return nil
	})
}

// loadDemoWittenberg starts the preparation of Wittenberg's fresh
// cases on the day of the order, with the contacts already named, and
// registers Wittenberg for the next Sprechstunde.
func (s *Store) loadDemoWittenberg(ctx context.Context, tenantID string) error {
	start := time.Date(2025, 9, 16, 16, 4, 0, 0, s.loc).UTC()
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var rows []caseRow
		if err := tx.NewSelect().Model(&rows).Where("tenant_id = ?", tenantID).
			Where("preparation_status = ? AND tests_status = ? AND production_status = ?", NotStarted, NotStarted, NotStarted).Scan(ctx); err != nil {
			return fmt.Errorf("demo cases of Wittenberg: %w", err)
		}
		for i := range rows {
			r := &rows[i]
			r.PreparationStatus, r.PreparationStartedAt = string(InProgress), &start
			r.LastProgressAt = start
			if err := s.saveCaseRow(ctx, tx, r); err != nil {
				return err
			}
			if _, err := tx.NewUpdate().Model((*itemRow)(nil)).Set("done = ?", true).Set("done_at = ?", start).
				Set("done_by = ?", "wittenberg@demo.example").Set("version = version + 1").
				Where("id = ?", itemID(r.ID, "alle-ansprechpersonen")).Exec(ctx); err != nil {
				return fmt.Errorf("demo checklist of Wittenberg: %w", err)
			}
			if err := audit(ctx, tx, tenantID, "update", ObjCase, r.ID, map[string]any{"antragsstrecke": r.Antragsstrecke,
				"demo": "Bestellung vom 16.09.2025, Vorbereitung läuft"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	next, err := s.nextConsultation(ctx, s.db.Read, s.now())
	if err != nil || next == nil {
		return err
	}
	_, err = s.Register(ctx, next.ID, tenantID, "Wiebke Wittenberg", "wittenberg@demo.example")
	return err
}
