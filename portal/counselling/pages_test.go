package counselling_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"sozialplattform/portal/counselling"
	"sozialplattform/tenant/keyset"
	"sozialplattform/tenant/keyset/keysettest"
)

func TestSearchPagesFollowTheRanking(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	// Pairs at the same place tie on the distance; Ärzte-like names test
	// the German collation ("Ä" with "A").
	places := [][2]float64{{51.8961, 11.0518}, {51.8961, 11.0518}, {51.8349, 10.7815}, {51.7880, 11.1502}, {51.7880, 11.1502}, {52.1247, 11.6350}}
	for i, pl := range places {
		name := fmt.Sprintf("Beratung %c%d", []rune("AÄBOÖZ")[i%6], i)
		f.create(t, "15085", entry(name, pl[0], pl[1]))
	}
	halberstadt := counselling.Point{Lat: 51.8961, Lon: 11.0518}
	for _, q := range []counselling.Query{{}, {Near: &halberstadt}, {Near: &halberstadt, RadiusKm: 30}} {
		all, err := f.store.Search(ctx, counselling.Query{Near: q.Near, RadiusKm: q.RadiusKm, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		got := keysettest.Walk(t, 2, func(p keyset.Page[counselling.SearchKey]) ([]counselling.Result, error) {
			q := q
			q.Page = &p
			rs, err := f.store.Search(ctx, q)
			return rs.Items, err
		}, counselling.Result.PageKey, nil)
		ids := func(rs []counselling.Result) []string {
			var out []string
			for _, r := range rs {
				out = append(out, r.ID)
			}
			return out
		}
		if !slices.Equal(ids(got), ids(all.Items)) || len(got) < 4 {
			t.Errorf("near=%v radius=%v: pages give %v, one search %v", q.Near != nil, q.RadiusKm, ids(got), ids(all.Items))
		}
	}
}

func TestCentreListPagesHoldEveryCentreOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	var want []string
	for i, name := range []string{"Ökumenische Beratung", "Beratung Süd", "beratung nord", "Zentrum", "Beratung Süd", "Awo"} {
		want = append(want, f.create(t, "15085", entry(name, 51.9, 11.0+float64(i)/100)).ID)
	}
	got := keysettest.Walk(t, 2, func(p keyset.Page[counselling.CentreKey]) ([]counselling.Centre, error) {
		return f.store.List(ctx, counselling.ListFilter{Page: &p})
	}, counselling.Centre.PageKey, func(page int) {
		if page == 1 {
			want = append(want, f.create(t, "15085", entry("Zuletzt", 51.9, 11.5)).ID) // sorts last: listed
		}
	})
	var ids []string
	for _, c := range got {
		ids = append(ids, c.ID)
	}
	keysettest.Once(t, ids, want)
}
