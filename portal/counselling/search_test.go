package counselling_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
)

// Places of the search tests.
var (
	halberstadt = counselling.Point{Lat: 51.8957, Lon: 11.0566}
	magdeburg   = counselling.Point{Lat: 52.1205, Lon: 11.6276}
)

func TestDistanceKm(t *testing.T) {
	t.Parallel()
	// Halberstadt – Magdeburg is about 47 km as the crow flies.
	d := counselling.DistanceKm(halberstadt.Lat, halberstadt.Lon, magdeburg.Lat, magdeburg.Lon)
	if math.Abs(d-46.6) > 1.5 {
		t.Errorf("Halberstadt–Magdeburg = %.1f km", d)
	}
	if d := counselling.DistanceKm(1, 2, 1, 2); d != 0 {
		t.Errorf("same point: %v", d)
	}
}

func TestSearchRankingAndFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	mk := func(parent, name string, lat, lon float64, change func(e *counselling.Entry)) string {
		e := entry(name, lat, lon)
		if change != nil {
			change(&e)
		}
		return f.create(t, parent, e).ID
	}
	hbs := mk("15085", "Schuldnerberatung Halberstadt", 51.8961, 11.0518, func(e *counselling.Entry) {
		e.Insolvency305 = true
		e.Accessibility = []string{"step-free", "hearing-loop"}
	})
	wr := mk("15085370", "Schuldnerberatung Wernigerode", 51.8349, 10.7815, func(e *counselling.Entry) { e.ServiceArea = []string{"15085370"} })
	sucht := mk("15085", "Suchtberatung Quedlinburg", 51.7880, 11.1502, func(e *counselling.Entry) {
		e.Topics = []string{"suchtberatung"}
		e.Languages = []string{"de", "ru"}
		e.Ways = []string{"chat"}
	})
	md := mk("15003", "Migrationsberatung Magdeburg", 52.1247, 11.6350, func(e *counselling.Entry) {
		e.Topics = []string{"migrationsberatung"}
		e.Languages = []string{"de", "ar", "uk"}
		e.ServiceArea = []string{"15003"}
		e.Addresses = append(e.Addresses, counselling.Address{Label: "Sprechstunde Halberstadt", Street: "Markt 1", PostalCode: "38820", City: "Halberstadt", Lat: 51.8990, Lon: 11.0640})
	})
	halle := mk("15002", "Allgemeine Sozialberatung Halle", 51.4830, 11.9700, func(e *counselling.Entry) {
		e.Topics = []string{"sozialberatung"}
		e.ServiceArea = []string{"15002"}
	})
	// Not shown: an inactive organisation, a centre never published.
	inactive := mk("15085", "Geschlossene Beratung", 51.90, 11.05, nil)
	off := false
	if _, err := f.tenants.UpdateTenant(ctx, inactive, 0, tenant.TenantPatch{Active: &off}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SetReviewRequired(ctx, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Create(ctx, counselling.CreateInput{ParentID: f.byKey["15085"].ID, Entry: entry("Noch nicht geprüft", 51.9, 11.05)}); err != nil {
		t.Fatal(err)
	}

	names := func(rs counselling.Results) string {
		var out []string
		for _, r := range rs.Items {
			out = append(out, r.ID)
		}
		return strings.Join(out, ",")
	}
	join := func(ids ...string) string { return strings.Join(ids, ",") }
	for _, tt := range []struct {
		name string
		q    counselling.Query
		want string
	}{
		{"all by name", counselling.Query{}, join(halle, md, hbs, wr, sucht)},
		{"by distance from Halberstadt; Magdeburg's branch office counts", counselling.Query{Near: &halberstadt}, join(hbs, md, sucht, wr, halle)},
		{"by distance from Magdeburg", counselling.Query{Near: &magdeburg}, join(md, hbs, sucht, wr, halle)},
		{"radius 25 km", counselling.Query{Near: &halberstadt, RadiusKm: 25}, join(hbs, md, sucht, wr)},
		{"radius 5 km", counselling.Query{Near: &halberstadt, RadiusKm: 5}, join(hbs, md)},
		{"topic", counselling.Query{Topic: counselling.TopicDebt, Near: &halberstadt}, join(hbs, wr)},
		{"language", counselling.Query{Language: "uk"}, md},
		{"language upper case", counselling.Query{Language: "RU"}, sucht},
		{"way", counselling.Query{Way: "chat"}, sucht},
		{"accessibility, all needed", counselling.Query{Accessibility: []string{"step-free", "hearing-loop"}}, hbs},
		{"accessibility, none has both", counselling.Query{Accessibility: []string{"step-free", "sign-language"}}, ""},
		{"§ 305 InsO", counselling.Query{Insolvency305: true}, hbs},
		{"area: a Gemeinde of Harz is served by Harz's and its own", counselling.Query{Area: "15085370", Topic: counselling.TopicDebt}, join(hbs, wr)},
		{"area: Halberstadt", counselling.Query{Area: "15085135"}, join(hbs, sucht)},
		{"text", counselling.Query{Text: "quedlinburg"}, sucht},
		{"text in Träger", counselling.Query{Text: "diakonie", Topic: "sozialberatung"}, halle},
		{"paging", counselling.Query{Near: &halberstadt, Limit: 2, Offset: 2}, join(sucht, wr)},
		{"paging past the end", counselling.Query{Offset: 10}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := f.store.Search(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(rs); got != tt.want {
				t.Errorf("got %s\nwant %s", got, tt.want)
			}
		})
	}

	rs, err := f.store.Search(ctx, counselling.Query{Near: &halberstadt, Topic: "migrationsberatung"})
	if err != nil || len(rs.Items) != 1 || rs.Items[0].Nearest != 1 || *rs.Items[0].DistanceKm > 1 {
		t.Errorf("nearest address of Magdeburg's centre: %+v %v", rs.Items, err)
	}
	if rs, _ := f.store.Search(ctx, counselling.Query{Limit: 2}); rs.Total != 5 || len(rs.Items) != 2 {
		t.Errorf("total %d, items %d", rs.Total, len(rs.Items))
	}
	for _, q := range []counselling.Query{
		{RadiusKm: 10},
		{Near: &counselling.Point{Lat: 100, Lon: 0}},
		{Near: &halberstadt, RadiusKm: 10000},
		{Area: "99999"},
	} {
		var fe tenant.FieldErrors
		if _, err := f.store.Search(ctx, q); !errors.As(err, &fe) {
			t.Errorf("query %+v: %v", q, err)
		}
	}
	if _, err := f.store.GetPublic(ctx, inactive); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("inactive centre public: %v", err)
	}
}

// TestIsolationBetweenCentres: the directory's own checks that one
// centre's change never touches another's data.
func TestIsolationBetweenCentres(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a := f.create(t, "15085", entry("Beratung A", 51.89, 11.05))
	b := f.create(t, "15091", entry("Beratung B", 51.86, 12.64))
	e := a.Entry
	e.Name = "Beratung A neu"
	if _, err := f.store.Update(ctx, a.ID, counselling.UpdateInput{Version: a.Version, Entry: e}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.store.Get(ctx, b.ID); got.Entry.Name != "Beratung B" || got.CurrentVersion != 1 {
		t.Errorf("other centre changed: %+v", got)
	}
	// A version number of one centre does not apply to the other.
	if _, err := f.store.Review(ctx, b.ID, 2, true, ""); !errors.Is(err, counselling.ErrNotPending) {
		t.Errorf("review of a foreign version: %v", err)
	}
	below, err := f.store.List(ctx, counselling.ListFilter{Below: []string{f.byKey["15085"].ID, a.ID}})
	if err != nil || len(below) != 1 || below[0].ID != a.ID {
		t.Errorf("list below Harz: %+v %v", below, err)
	}
}

func TestResolvePlace(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		q, name string
		ok      bool
	}{
		{"Halberstadt", "Halberstadt", true},
		{"38820", "Halberstadt", true},
		{"15003", "Magdeburg", true},
		{"51.5, 11.9", "51.5000, 11.9000", true},
		{"95, 11", "", false},
		{"Atlantis", "", false},
		{"", "", false},
	} {
		p, ok := counselling.ResolvePlace(tt.q)
		if ok != tt.ok || (ok && p.Name != tt.name) {
			t.Errorf("ResolvePlace(%q) = %+v, %v", tt.q, p, ok)
		}
	}
}
