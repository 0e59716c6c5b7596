package onboarding_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"sozialplattform/onboarding"
)

// seedTable is the seed's "Umsetzungsstand" table: OZG-ID, Antragsstrecke
// key, label and Rechtskreis, in its order.
var seedTable = []struct{ ozg, key, label, legal string }{
	{"10084", "grusi", "Grundsicherung (GruSi)", "SGB XII"},
	{"10086", "hzl", "Hilfe zum Lebensunterhalt 1.0", "SGB XII"},
	{"10086", "eb-hzl", "EB-HzL – Einmalige Bedarfe", "§31 SGB XII"},
	{"10606", "asylblg", "AsylbLG", "AsylbLG"},
	{"10090", "mrh", "Mietrückstände (MRH)", "§36 Abs. 1 SGB XII bzw. §22 Abs. 8 SGB II, §6 AsylbLG"},
	{"10088", "but", "Bildung und Teilhabe (BuT)", "§22, §28 SGB II, SGB XII, BKGG, AsylbLG"},
	{"10083", "wbs", "Wohnberechtigungsschein (WBS)", ""},
	{"10726", "lza", "Langzeitarbeitslose (LZA)", "§16e SGB II"},
	{"10726", "tam", "Teilhabe Arbeitsmarkt (TAM)", "§16i SGB II"},
	{"10726", "esg", "Einstiegsgeld (ESG)", "§16b SGB II"},
	{"10726", "frf", "Freie Förderung (FRF)", "§16f SGB II"},
	{"10628", "ess", "Leistungen zur Eingliederung von Selbstständigen (ESS)", "§16c SGB II"},
	{"10628", "avg", "Aktivierungs- und Vermittlungsgutschein (AVG)", "§16 Abs. 1 SGB II i. V. m. § 45 SGB III"},
	{"10628", "vmb", "Vermittlungsbudget (VMB)", "§16 Abs. 1 SGB II i. V. m. § 44 SGB III"},
	{"10628", "agh", "Arbeitsgelegenheiten (AGH)", "§16d SGB II"},
	{"10628", "kel", "Kommunale Eingliederung (KEL)", "§16a SGB II"},
	{"10628", "16h", "Förderung schwer erreichbarer junger Menschen", "§16h SGB II"},
	{"10082", "", "–", "SGB II"},
	{"10728", "", "–", "SGB XIV"},
}

func TestDemoReproducesTheSeed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	for range 2 { // idempotent
		if err := f.store.LoadDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}

	// The catalogue and the marketplace's view of it.
	streams, err := f.store.Antragsstrecken(ctx)
	if err != nil || len(streams) != 17 || streams["hzl"] != "Hilfe zum Lebensunterhalt 1.0" || streams["eb-hzl"] != "EB-HzL – Einmalige Bedarfe" {
		t.Fatalf("Antragsstrecken = %v, %v", streams, err)
	}
	r, err := f.store.RolloutReport(ctx, onboarding.RolloutFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != len(seedTable) {
		t.Fatalf("%d rows, want %d", len(r.Rows), len(seedTable))
	}
	for i, want := range seedTable {
		row := r.Rows[i]
		if row.OZGID != want.ozg || row.Key != want.key || row.Label != want.label || row.LegalBasis != want.legal {
			t.Errorf("row %d = %s %s %q %q, want %+v", i, row.OZGID, row.Key, row.Label, row.LegalBasis, want)
		}
	}

	// Landkreis Harz: live since May 2025 with HzL, GruSi and BuT via
	// variant 1 (OSCI) with Open/Prosoz; EB-HzL ordered with them.
	live, err := f.store.LiveAntragsstrecken(ctx, f.harz.ID)
	if err != nil || !slices.Equal(live, []string{"grusi", "hzl", "but"}) {
		t.Fatalf("Harz live = %v, %v", live, err)
	}
	for _, key := range live {
		c := f.caseOf(t, f.harz.ID, key)
		if c.Variant != onboarding.VariantOSCIXTA2 || c.FachverfahrenID != "open-prosoz" || c.LiveAt == nil ||
			c.LiveAt.In(berlin).Format("01/2006") != "05/2025" || c.Transport.DVDVKennung == "" || c.LiveConfirmedAt == nil {
			t.Errorf("Harz %s: %+v", key, c)
		}
		d, err := f.store.Detail(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Warnings) != 0 || len(d.Steps) != 1 || d.Steps[0].Kind != "done" {
			t.Errorf("Harz %s: warnings %v, steps %v", key, d.Warnings, d.Steps)
		}
		for _, it := range d.Items {
			if !it.Done {
				t.Errorf("Harz %s: item %q open", key, it.Title)
			}
		}
	}
	if c := f.caseOf(t, f.harz.ID, "eb-hzl"); c.Stage != onboarding.StageOrdered {
		t.Errorf("Harz EB-HzL: %s", c.Stage)
	}

	// Kreis Wittenberg: ordered on 16.09.2025, in preparation.
	wc, err := f.store.ListCases(ctx, f.witt.ID)
	if err != nil || len(wc) == 0 {
		t.Fatalf("Wittenberg cases: %v", err)
	}
	for _, c := range wc {
		if c.OrderedAt.In(berlin).Format("02.01.2006") != "16.09.2025" || c.Stage != onboarding.StagePreparation ||
			c.Phase(onboarding.PhasePreparation).Status != onboarding.InProgress {
			t.Errorf("Wittenberg %s: ordered %s, %s", c.Antragsstrecke, c.OrderedAt, c.Stage)
		}
		d, _ := f.store.Detail(ctx, c.ID)
		if len(d.Steps) == 0 || d.Steps[0].Title != "Anbindungsvariante wählen" {
			t.Errorf("Wittenberg %s: first step %v", c.Antragsstrecke, d.Steps)
		}
	}
	hzl := r.Rows[1]
	if hzl.Phases[2].Status != onboarding.Completed || hzl.Phases[2].Completed != 1 || hzl.Counts.Ordered != 2 || hzl.Counts.Live != 1 {
		t.Errorf("HzL row: %+v", hzl)
	}
	if r.Totals.Live != 3 || r.Tenants != 2 {
		t.Errorf("totals %+v, %d tenants", r.Totals, r.Tenants)
	}
	if len(r.GoLives) == 0 || r.GoLives[0].Month != "2025-05" || r.GoLives[0].Count != 3 || r.GoLives[len(r.GoLives)-1].Cumulative != 3 {
		t.Errorf("go-lives %+v", r.GoLives)
	}
	if len(r.Districts) != 14 {
		t.Errorf("%d districts", len(r.Districts))
	}

	// The Fachverfahren matrix of 23.06.2025.
	fvs, err := f.store.ListFachverfahren(ctx)
	if err != nil || len(fvs) != 6 {
		t.Fatalf("Fachverfahren: %d, %v", len(fvs), err)
	}
	var products []string
	for _, fv := range fvs {
		products = append(products, fv.Product)
		if fv.AsOf.Format("2006-01-02") != "2025-06-23" {
			t.Errorf("%s as of %s", fv.Product, fv.AsOf)
		}
	}
	if !slices.Equal(products, []string{"OK.JUS", "LÄMMkom Lissa", "Open/Prosoz + XOEV.Exchange", "Comp.ASS 21", "Care 4", "KDN.Sozial"}) {
		t.Errorf("products %v", products)
	}

	// The Sprechstunden: the seed's 63. to 68., then every second
	// Wednesday at 14:00 into 2027.
	// The OZG-Sprechstunden are the seed's rows, numbered, with topics.
	ozg, err := f.store.ListConsultations(ctx, onboarding.ConsultationFilter{Kind: onboarding.KindOZG})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		n                 int
		day, topic, title string
	}{
		{63, "17.09.2025", "EfA-Dienste der Sozialplattform (NRW) – Nachnutzung in Sachsen-Anhalt", "63. OZG-Sprechstunde"},
		{64, "24.09.2025", "GDST Forum", "64. OZG-Sprechstunde"},
		{65, "08.10.2025", "Zielarchitektur Postfach- u. Kommunikationslösungen", "65. OZG-Sprechstunde"},
		{66, "05.11.2025", "Standardverordnung", "66. OZG-Sprechstunde"},
		{67, "19.11.2025", "1st Level Support Onlinedienste durch die 115", "67. OZG-Sprechstunde"},
		{68, "03.12.2025", "GDST Forum", "68. OZG-Sprechstunde"},
	}
	if len(ozg) != len(want) {
		t.Fatalf("%d OZG-Sprechstunden, want %d", len(ozg), len(want))
	}
	for i, w := range want {
		c := ozg[i]
		local := c.StartsAt.In(berlin)
		if c.Number != w.n || c.Title != w.title || local.Format("02.01.2006 15:04") != w.day+" 14:00" || c.Topic != w.topic || c.DurationMinutes != 30 {
			t.Errorf("OZG-Sprechstunde %d: %d %q %s %q", i, c.Number, c.Title, local.Format("02.01.2006 15:04"), c.Topic)
		}
	}
	// The Anbindungs-Sprechstunde follows the rule: every second Wednesday
	// at 14:00, without numbers, through 2027, none between 24.12. and
	// 01.01. and none on a public holiday.
	cs, err := f.store.ListConsultations(ctx, onboarding.ConsultationFilter{Kind: onboarding.KindAnbindung})
	if err != nil || len(cs) < 20 {
		t.Fatalf("Anbindungs-Sprechstunden: %d, %v", len(cs), err)
	}
	last := cs[len(cs)-1]
	if last.StartsAt.In(berlin).Year() != 2027 || last.StartsAt.In(berlin).Month() != time.December {
		t.Errorf("series ends %s", last.StartsAt)
	}
	days := map[string]bool{}
	for i, c := range cs {
		local := c.StartsAt.In(berlin)
		days[local.Format("2006-01-02")] = true
		if local.Weekday() != time.Wednesday || local.Hour() != 14 || c.Number != 0 || c.Title != "Anbindungs-Sprechstunde" {
			t.Errorf("Anbindungs-Sprechstunde %s: number %d, %q", local, c.Number, c.Title)
		}
		if i > 0 && c.StartsAt.Sub(cs[i-1].StartsAt).Hours() < 13*24 {
			t.Errorf("Anbindungs-Sprechstunde %s less than two weeks after the one before", local)
		}
	}
	for _, tc := range []struct {
		day  string
		held bool
	}{
		{"2026-12-16", true},
		{"2026-12-30", false}, // Jahreswechsel
		{"2027-01-13", true},  // the series goes on in its fortnight
		{"2027-03-24", true},
		{"2027-11-03", true},
		{"2027-12-29", false}, // Jahreswechsel
	} {
		if days[tc.day] != tc.held {
			t.Errorf("Anbindungs-Sprechstunde on %s: %v, want %v", tc.day, days[tc.day], tc.held)
		}
	}
	// Wittenberg is registered for the next one.
	next, err := f.store.ListConsultations(ctx, onboarding.ConsultationFilter{From: seedNow, OnlyTenant: f.witt.ID})
	if err != nil || len(next) != 1 || next[0].Attendees[0].TenantID != f.witt.ID {
		t.Errorf("Wittenberg's registration: %v, %v", next, err)
	}
}
