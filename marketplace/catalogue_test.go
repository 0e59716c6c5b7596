package marketplace_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"sozialplattform/marketplace"
	"sozialplattform/tenant"
)

func names(ps []marketplace.Product) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

func facetMap(fs []marketplace.Facet) map[string]int {
	m := map[string]int{}
	for _, f := range fs {
		m[f.Value] = f.Count
	}
	return m
}

func TestCatalogueFiltersCountsAndSorts(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	if err := w.market.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	seedEight := []string{
		"Sozialplattform: Aktivierung und berufliche Eingliederung",
		"Sozialplattform: Bedarf für Bildung und Teilhabe",
		"Sozialplattform: Bescheinigung für Geringverdiener",
		"Sozialplattform: Förderung der Aufnahme einer Erwerbstätigkeit",
		"Sozialplattform: Grundsicherung im Alter und bei Erwerbsminderung",
		"Sozialplattform: Hilfe zum Lebensunterhalt",
		"Sozialplattform: Leistungen nach Asylbewerberleistungsgesetz (AsylbLG)",
		"Sozialplattform: Übernahme von Mietrückständen",
	}
	tests := []struct {
		name       string
		filter     marketplace.CatalogueFilter
		wantCount  int
		wantFirst  string
		wantTypes  map[string]int
		wantTopics map[string]int
	}{
		{name: "everything published", filter: marketplace.CatalogueFilter{}, wantCount: 18, wantFirst: "Bauantrag digital",
			wantTypes:  map[string]int{"EfA-Dienst": 11, "AFM Online-Dienst": 3, "AM4.0": 2, "Basisdienst": 2},
			wantTopics: map[string]int{"Arbeit und Ruhestand": 8, "Bauen und Wohnen": 2, "Bildung": 1, "Ein- und Auswanderung": 1, "Engagement und Hobby": 2, "Familie und Kind": 2, "Sonstiges": 2}},
		{name: "the seed's screenshot: EfA-Dienst and Arbeit und Ruhestand",
			filter:    marketplace.CatalogueFilter{Types: []string{"EfA-Dienst"}, Topics: []string{"Arbeit und Ruhestand"}},
			wantCount: 8, wantFirst: seedEight[0],
			// Each facet counts with the other filter applied.
			wantTypes:  map[string]int{"EfA-Dienst": 8, "AFM Online-Dienst": 0, "AM4.0": 0, "Basisdienst": 0},
			wantTopics: map[string]int{"Arbeit und Ruhestand": 8, "Bauen und Wohnen": 1, "Bildung": 0, "Ein- und Auswanderung": 1, "Engagement und Hobby": 0, "Familie und Kind": 1, "Sonstiges": 0}},
		{name: "two types", filter: marketplace.CatalogueFilter{Types: []string{"AM4.0", "AFM Online-Dienst"}}, wantCount: 5, wantFirst: "Ehrenamtskarte"},
		{name: "Z–A", filter: marketplace.CatalogueFilter{Descending: true, Topics: []string{"Arbeit und Ruhestand"}}, wantCount: 8, wantFirst: seedEight[7]},
		{name: "search ignores case, also for umlauts", filter: marketplace.CatalogueFilter{Query: "übernahme MIETRÜCK"}, wantCount: 1, wantFirst: seedEight[7]},
		// Finding m26: a keyboard without umlauts writes them out.
		{name: "search with umlauts written out", filter: marketplace.CatalogueFilter{Query: "mietrueckstaende"}, wantCount: 1, wantFirst: seedEight[7]},
		{name: "search with umlauts written out, in capitals", filter: marketplace.CatalogueFilter{Query: "UEBERNAHME MIETRUECK"}, wantCount: 1, wantFirst: seedEight[7]},
		{name: "search by OZG-ID", filter: marketplace.CatalogueFilter{Query: "10084"}, wantCount: 1, wantFirst: seedEight[4]},
		{name: "search by product number", filter: marketplace.CatalogueFilter{Query: "sw10187"}, wantCount: 1, wantFirst: seedEight[5]},
		{name: "search with a filter", filter: marketplace.CatalogueFilter{Query: "online", Types: []string{"EfA-Dienst"}}, wantCount: 10},
		{name: "nothing found", filter: marketplace.CatalogueFilter{Query: "Hundesteuer"}, wantCount: 0},
		{name: "the ministry sees unpublished products", filter: marketplace.CatalogueFilter{All: true}, wantCount: 19},
		{name: "the seed's sections: Basisdienste", filter: marketplace.CatalogueFilter{Section: marketplace.SectionBasis}, wantCount: 2, wantFirst: "ePayment Sachsen-Anhalt"},
		{name: "the seed's sections: Geplante Dienste", filter: marketplace.CatalogueFilter{Section: marketplace.SectionPlanned}, wantCount: 1, wantFirst: "Fischereischein online"},
		{name: "the seed's sections: Online-Dienste hold the eight", filter: marketplace.CatalogueFilter{Section: marketplace.SectionOnline, Topics: []string{"Arbeit und Ruhestand"}}, wantCount: 8, wantFirst: seedEight[0]},
		{name: "Vorlage im BUS", filter: marketplace.CatalogueFilter{BUS: true}, wantCount: 3, wantFirst: "Einbürgerung digital"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := w.market.ListProducts(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Items) != tt.wantCount {
				t.Fatalf("%d products, want %d: %v", len(c.Items), tt.wantCount, names(c.Items))
			}
			if tt.wantFirst != "" && c.Items[0].Name != tt.wantFirst {
				t.Errorf("first %q, want %q", c.Items[0].Name, tt.wantFirst)
			}
			if tt.wantTypes != nil {
				if got := facetMap(c.Types); !equalCounts(got, tt.wantTypes) {
					t.Errorf("types %v, want %v", got, tt.wantTypes)
				}
			}
			if tt.wantTopics != nil {
				if got := facetMap(c.Topics); !equalCounts(got, tt.wantTopics) {
					t.Errorf("topics %v, want %v", got, tt.wantTopics)
				}
			}
			for _, f := range append(c.Types, c.Topics...) {
				want := false
				for _, v := range append(tt.filter.Types, tt.filter.Topics...) {
					want = want || v == f.Value
				}
				if f.Active != want {
					t.Errorf("facet %s active=%v", f.Value, f.Active)
				}
			}
		})
	}
	c, _ := w.market.ListProducts(ctx, marketplace.CatalogueFilter{Types: []string{"EfA-Dienst"}, Topics: []string{"Arbeit und Ruhestand"}})
	if got := strings.Join(names(c.Items), "\n"); got != strings.Join(seedEight, "\n") {
		t.Errorf("the seed's list differs:\n%s", got)
	}
	for _, p := range c.Items {
		if price, ok := p.PriceAt("2026-12-31"); !ok || price != 0 {
			t.Errorf("%s costs %v on 31.12.2026", p.Name, price)
		}
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestProductsAreValidatedAndVersioned(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := as("ministerium@test.example")
	for _, tt := range []struct {
		name  string
		in    marketplace.ProductInput
		field string
		want  string
	}{
		{"number", marketplace.ProductInput{Number: "10186", Name: "X", ServiceType: "EfA-Dienst", Topic: "T"}, "number", "SW"},
		{"name", marketplace.ProductInput{Number: "SW30001", ServiceType: "EfA-Dienst", Topic: "T"}, "name", "Namen"},
		{"type", marketplace.ProductInput{Number: "SW30001", Name: "X", Topic: "T"}, "serviceType", "Art des Dienstes"},
		{"topic", marketplace.ProductInput{Number: "SW30001", Name: "X", ServiceType: "EfA-Dienst"}, "topic", "Themenfeld"},
		{"unknown Antragsstrecke", marketplace.ProductInput{Number: "SW30001", Name: "X", ServiceType: "E", Topic: "T", OZGID: "10086",
			Antragsstrecken: []string{"hzl", "kfz"}}, "antragsstrecken[1]", "gibt es im Katalog nicht"},
		{"Antragsstrecken need an OZG-ID", marketplace.ProductInput{Number: "SW30001", Name: "X", ServiceType: "E", Topic: "T",
			Antragsstrecken: []string{"hzl"}}, "ozgId", "OZG-ID"},
		{"OZG-ID", marketplace.ProductInput{Number: "SW30001", Name: "X", ServiceType: "E", Topic: "T", OZGID: "OZG-1"}, "ozgId", "Ziffern"},
		{"preview", marketplace.ProductInput{Number: "SW30001", Name: "X", ServiceType: "E", Topic: "T", PreviewURL: "javascript:alert(1)"}, "previewUrl", "https://"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.market.CreateProduct(ctx, tt.in)
			fieldErr(t, err, tt.field, tt.want)
		})
	}
	p := w.product(t, "SW30001", "Sozialplattform: Hilfe zum Lebensunterhalt", "HZL", " eb-hzl", "hzl")
	if strings.Join(p.Antragsstrecken, ",") != "hzl,eb-hzl" {
		t.Errorf("Antragsstrecken normalised to %v", p.Antragsstrecken)
	}
	_, err := w.market.CreateProduct(ctx, marketplace.ProductInput{Number: "SW30001", Name: "Zweites", ServiceType: "E", Topic: "T"})
	fieldErr(t, err, "number", "bereits vergeben")

	off := false
	up, err := w.market.UpdateProduct(ctx, p.ID, p.Version, marketplace.ProductPatch{Published: &off})
	if err != nil || up.Published || up.Version != 2 {
		t.Fatalf("unpublish: %+v, %v", up, err)
	}
	if _, err := w.market.UpdateProduct(ctx, p.ID, p.Version, marketplace.ProductPatch{Published: &off}); !errors.Is(err, tenant.ErrStaleVersion) {
		t.Errorf("update on an old version: %v, want ErrStaleVersion", err)
	}
	c, _ := w.market.ListProducts(context.Background(), marketplace.CatalogueFilter{})
	if len(c.Items) != 0 {
		t.Errorf("the public sees an unpublished product: %v", names(c.Items))
	}
	audit, err := w.tenants.ListAudit(context.Background(), tenant.AuditFilter{TenantIDs: []string{w.land.ID}, ObjectType: marketplace.ObjProduct})
	if err != nil || len(audit) != 2 || audit[0].Action != "unpublish" || audit[0].ActorLabel != "ministerium@test.example" {
		t.Errorf("audit of products (kept under the Land): %+v, %v", audit, err)
	}
}
