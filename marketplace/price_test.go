package marketplace_test

import (
	"context"
	"testing"

	"sozialplattform/marketplace"
)

func TestCentsAreFormattedTheGermanWay(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		c    marketplace.Cents
		want string
	}{
		{0, "0,00 €"}, {5, "0,05 €"}, {1250, "12,50 €"}, {123456, "1.234,56 €"}, {100000000, "1.000.000,00 €"}, {-199, "-1,99 €"},
	} {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("%d cents = %q, want %q", tt.c, got, tt.want)
		}
	}
}

func TestParseCentsReadsWhatPeopleType(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want marketplace.Cents
		ok   bool
	}{
		{"0", 0, true}, {"12", 1200, true}, {"12,5", 1250, true}, {"12,50 €", 1250, true}, {"1.234,56", 123456, true},
		{"12.50", 1250, true}, {"1.234", 123400, true}, {"", 0, false}, {"12,345", 0, false}, {"abc", 0, false}, {"-3", 0, false},
	} {
		got, err := marketplace.ParseCents(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseCents(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestPriceDependsOnTheDay(t *testing.T) {
	t.Parallel()
	until2026 := marketplace.Day("2026-12-31")
	p := &marketplace.Product{Prices: []marketplace.Price{
		{ValidFrom: "2025-01-01", ValidUntil: &until2026, AmountCents: 0},
		{ValidFrom: "2027-01-01", AmountCents: 49900},
	}}
	free := &marketplace.Product{FreeForState: true, Prices: p.Prices}
	for _, tt := range []struct {
		day    marketplace.Day
		want   marketplace.Cents
		priced bool
		free   marketplace.Cents
	}{
		{"2024-12-31", 0, false, 0},
		{"2025-01-01", 0, true, 0},
		{"2026-12-31", 0, true, 0},
		{"2027-01-01", 49900, true, 0},
		{"2031-06-30", 49900, true, 0},
	} {
		got, ok := p.PriceAt(tt.day)
		if got != tt.want || ok != tt.priced {
			t.Errorf("%s: %v, %v; want %v, %v", tt.day, got, ok, tt.want, tt.priced)
		}
		if got, ok := free.PriceAt(tt.day); got != 0 || !ok {
			t.Errorf("%s: a product a state authority uses costs %v (%v), want free", tt.day, got, ok)
		}
	}
}

func TestPricesAreCheckedWhenStored(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := as("ministerium@test.example")
	d := func(s string) *marketplace.Day { x := marketplace.Day(s); return &x }
	for _, tt := range []struct {
		name   string
		prices []marketplace.Price
		field  string
		want   string
	}{
		{"overlap", []marketplace.Price{{ValidFrom: "2025-01-01", ValidUntil: d("2026-12-31")}, {ValidFrom: "2026-06-01"}}, "prices", "überschneiden sich"},
		{"open end before another", []marketplace.Price{{ValidFrom: "2025-01-01"}, {ValidFrom: "2027-01-01", AmountCents: 100}}, "prices", "überschneiden sich"},
		{"end before start", []marketplace.Price{{ValidFrom: "2026-01-01", ValidUntil: d("2025-12-31")}}, "prices[0].validUntil", "vor dem Beginn"},
		{"no date", []marketplace.Price{{ValidFrom: "bald"}}, "prices[0].validFrom", "kein Datum"},
		{"negative", []marketplace.Price{{ValidFrom: "2025-01-01", AmountCents: -1}}, "prices[0].amountCents", "zwischen 0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.market.CreateProduct(ctx, marketplace.ProductInput{Number: "SW20001", Name: "X", ServiceType: "EfA-Dienst",
				Topic: "Bildung", Prices: tt.prices})
			fieldErr(t, err, tt.field, tt.want)
		})
	}
	// German dates are understood and the list comes back sorted.
	p, err := w.market.CreateProduct(ctx, marketplace.ProductInput{Number: "sw 20002", Name: "Y", ServiceType: "EfA-Dienst", Topic: "Bildung",
		Prices: []marketplace.Price{{ValidFrom: "01.01.2027", AmountCents: 1000}, {ValidFrom: "2025-01-01", ValidUntil: d("31.12.2026")}}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Number != "SW20002" || p.Prices[0].ValidFrom != "2025-01-01" || *p.Prices[0].ValidUntil != "2026-12-31" || p.Prices[1].ValidFrom != "2027-01-01" {
		t.Errorf("stored %s with %+v", p.Number, p.Prices)
	}
	got, err := w.market.GetProduct(context.Background(), "SW20002")
	if err != nil || len(got.Prices) != 2 || got.Prices[1].AmountCents != 1000 {
		t.Fatalf("read back: %+v, %v", got, err)
	}
}
