package marketplace_test

import (
	"testing"

	"sozialplattform/marketplace"
)

func TestQuoteSaysWhatHoldsAfterTheLastPricePeriod(t *testing.T) {
	until := marketplace.Day("2026-12-31")
	free := []marketplace.Price{{ValidFrom: "2025-01-01", ValidUntil: &until}}
	for _, tc := range []struct {
		name       string
		product    marketplace.Product
		day        marketplace.Day
		orderable  bool
		undecided  bool
		validUntil marketplace.Day
		note       string
		ending     bool // counts for the ministry's work list in Nov/Dec 2026
	}{
		{"nothing decided: the note says so and the ministry is warned",
			marketplace.Product{Prices: free}, "2026-12-07", true, false, "2026-12-31", "Preis ab 01.01.2027 noch nicht festgelegt.", true},
		{"nothing decided: not orderable once the period is over",
			marketplace.Product{Prices: free}, "2027-01-01", false, false, "", "", true},
		{"undecided but orderable: a clear note before …",
			marketplace.Product{Prices: free, PriceAfter: marketplace.PriceAfterOrderable}, "2026-12-07", true, false, "2026-12-31",
			"Preis ab 01.01.2027 noch nicht entschieden; der Dienst bleibt bestellbar.", false},
		{"… and after the period, orderable without a price",
			marketplace.Product{Prices: free, PriceAfter: marketplace.PriceAfterOrderable}, "2027-03-01", true, true, "",
			"Preis seit 01.01.2027 noch nicht entschieden; der Dienst bleibt bestellbar. Über ein Entgelt entscheidet das Land gesondert.", false},
		{"undecided and closed: orderable until the end …",
			marketplace.Product{Prices: free, PriceAfter: marketplace.PriceAfterClosed}, "2026-12-31", true, false, "2026-12-31",
			"Preis ab 01.01.2027 noch nicht entschieden; ab dann nicht bestellbar, bis ein Preis feststeht.", false},
		{"… then not orderable",
			marketplace.Product{Prices: free, PriceAfter: marketplace.PriceAfterClosed}, "2027-01-01", false, false, "", "", false},
		{"a later period follows: no note, no warning",
			marketplace.Product{Prices: []marketplace.Price{free[0], {ValidFrom: "2027-01-01", AmountCents: 1250}}}, "2026-12-07", true, false, "2026-12-31", "", false},
		{"free for municipalities because a state authority uses it: no warning",
			marketplace.Product{Prices: free, FreeForState: true}, "2027-06-01", true, false, "",
			"Für Kommunen unentgeltlich, da auch von einer Landesbehörde genutzt.", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.product.QuoteAt(tc.day)
			var until marketplace.Day
			if q.ValidUntil != nil {
				until = *q.ValidUntil
			}
			if q.Orderable != tc.orderable || q.Undecided != tc.undecided || until != tc.validUntil || q.Note != tc.note {
				t.Errorf("quote %+v (until %s)", q, until)
			}
			if _, ending := tc.product.PriceEndsBetween("2026-11-15", "2027-01-14"); ending != tc.ending {
				t.Errorf("ending within 60 days: %v, want %v", ending, tc.ending)
			}
		})
	}
}

func TestCatalogueSectionsAndBUSFilter(t *testing.T) {
	w := newWorld(t)
	ctx := as("ministerium@test.example")
	mk := func(number, name, section string, bus bool) {
		t.Helper()
		if _, err := w.market.CreateProduct(ctx, marketplace.ProductInput{Number: number, Name: name, ServiceType: "EfA-Dienst",
			Topic: "Arbeit und Ruhestand", Section: section, BUSTemplate: bus, Published: true}); err != nil {
			t.Fatal(err)
		}
	}
	mk("SW20001", "Servicekonto", marketplace.SectionBasis, false)
	mk("SW20002", "Wohngeld online", "", true)
	mk("SW20003", "Elterngeld Digital", marketplace.SectionOnline, false)
	mk("SW20004", "Fischereischein online", marketplace.SectionPlanned, true)
	if _, err := w.market.CreateProduct(ctx, marketplace.ProductInput{Number: "SW20005", Name: "X", ServiceType: "EfA-Dienst",
		Topic: "Bildung", Section: "zubehoer"}); err == nil {
		t.Error("an unknown section is taken")
	}
	for _, tc := range []struct {
		name  string
		f     marketplace.CatalogueFilter
		want  []string
		busIn int
	}{
		// A–Z by name: Elterngeld, Fischereischein, Servicekonto, Wohngeld.
		{"all sections", marketplace.CatalogueFilter{}, []string{"SW20003", "SW20004", "SW20001", "SW20002"}, 2},
		{"Basisdienste", marketplace.CatalogueFilter{Section: marketplace.SectionBasis}, []string{"SW20001"}, 0},
		{"Online-Dienste (the default section)", marketplace.CatalogueFilter{Section: marketplace.SectionOnline}, []string{"SW20003", "SW20002"}, 1},
		{"Geplante Dienste", marketplace.CatalogueFilter{Section: marketplace.SectionPlanned}, []string{"SW20004"}, 1},
		{"Vorlage im BUS", marketplace.CatalogueFilter{BUS: true}, []string{"SW20004", "SW20002"}, 2},
		{"Vorlage im BUS among the Online-Dienste", marketplace.CatalogueFilter{BUS: true, Section: marketplace.SectionOnline}, []string{"SW20002"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := w.market.ListProducts(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range c.Items {
				if p.Number >= "SW20000" {
					got = append(got, p.Number)
				}
			}
			if len(got) != len(tc.want) || c.BUSCount != tc.busIn {
				t.Fatalf("got %v (BUS %d), want %v (BUS %d)", got, c.BUSCount, tc.want, tc.busIn)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}
