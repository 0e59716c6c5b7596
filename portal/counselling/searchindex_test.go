package counselling_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
)

// The search answers from entries kept in memory per Store. Two Stores on
// one database stand for two instances behind a load balancer: whatever
// changes through one – or past both, in SQL – must be found through the
// other with its next search, not after some expiry.
func TestSearchThroughOneInstanceFindsChangesThroughAnotherAtOnce(t *testing.T) {
	t.Parallel()
	a := newFixture(t)
	ctx := context.Background()
	b, err := counselling.NewStore(a.db, a.tenants, a.outbox, counselling.Options{Now: a.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	harz := a.create(t, "15085", entry("Schuldnerberatung Halberstadt", 51.8961, 11.0518))
	near := &counselling.Point{Lat: 51.8961, Lon: 11.0518}
	found := func(s *counselling.Store, q counselling.Query) []string {
		t.Helper()
		rs, err := s.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rs.Items {
			out = append(out, fmt.Sprintf("%s@%v", r.Name, r.DistanceKm != nil && *r.DistanceKm < 1))
		}
		return out
	}
	// Both instances have searched once, so both keep the entries.
	for _, s := range []*counselling.Store{a.store, b} {
		if got := found(s, counselling.Query{Near: near}); !slices.Equal(got, []string{"Schuldnerberatung Halberstadt@true"}) {
			t.Fatalf("before any change: %v", got)
		}
	}

	steps := []struct {
		name   string
		change func(t *testing.T)
		query  counselling.Query
		want   []string
	}{
		{"a new entry through A is found through B",
			func(t *testing.T) {
				a.create(t, "15003", entry("Migrationsberatung Magdeburg", 52.1247, 11.6350, "migrationsberatung"))
			},
			counselling.Query{Topic: "migrationsberatung"}, []string{"Migrationsberatung Magdeburg@false"}},
		{"a renamed entry through A is found by its new name through B",
			func(t *testing.T) {
				e := entry("Schuldner- und Insolvenzberatung Halberstadt", 51.8961, 11.0518)
				if _, err := a.store.Update(ctx, harz.ID, counselling.UpdateInput{Entry: e, Direct: true}); err != nil {
					t.Fatal(err)
				}
			},
			counselling.Query{Text: "insolvenz"}, []string{"Schuldner- und Insolvenzberatung Halberstadt@false"}},
		{"a place moved in SQL, past both stores, moves the hit through B",
			func(t *testing.T) {
				if _, err := a.db.Write.NewUpdate().Table("counselling_places").Set("lat = 52.5, lon = 12.5").
					Where("centre_id = ?", harz.ID).Exec(ctx); err != nil {
					t.Fatal(err)
				}
			},
			counselling.Query{Near: near, RadiusKm: 25}, nil},
		{"a tag added in SQL is searchable through B",
			func(t *testing.T) {
				if _, err := a.db.Write.ExecContext(ctx, "INSERT INTO counselling_tags (centre_id, kind, value) VALUES (?, 'language', 'uk')", harz.ID); err != nil {
					t.Fatal(err)
				}
			},
			counselling.Query{Language: "UK"}, []string{"Schuldner- und Insolvenzberatung Halberstadt@false"}},
		{"a rolled-back change leaves B's answer as it was",
			func(t *testing.T) {
				err := a.db.Write.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					if _, err := tx.NewDelete().Table("counselling_tags").Where("centre_id = ?", harz.ID).Exec(ctx); err != nil {
						return err
					}
					return errors.New("roll back")
				})
				if err == nil {
					t.Fatal("the transaction committed")
				}
			},
			counselling.Query{Language: "uk"}, []string{"Schuldner- und Insolvenzberatung Halberstadt@false"}},
		{"an organisation deactivated through A disappears through B",
			func(t *testing.T) {
				off := false
				if _, err := a.tenants.UpdateTenant(ctx, harz.ID, 0, tenant.TenantPatch{Active: &off}); err != nil {
					t.Fatal(err)
				}
			},
			counselling.Query{}, []string{"Migrationsberatung Magdeburg@false"}},
	}
	for _, st := range steps {
		st.change(t)
		if got := found(b, st.query); !slices.Equal(got, st.want) {
			t.Errorf("%s: B found %v, want %v", st.name, got, st.want)
		}
		if got := found(a.store, st.query); !slices.Equal(got, st.want) {
			t.Errorf("%s: A found %v, want %v", st.name, got, st.want)
		}
	}
}

// The hits are copies: changing one must not change what later searches
// find.
func TestSearchHitsAreTheCallersToChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.create(t, "15085", entry("Schuldnerberatung Halberstadt", 51.8961, 11.0518))
	rs, err := f.store.Search(ctx, counselling.Query{})
	if err != nil || len(rs.Items) != 1 {
		t.Fatalf("search: %v, %d hits", err, len(rs.Items))
	}
	rs.Items[0].Topics[0] = "geändert"
	rs.Items[0].Addresses[0].City = "Anderswo"
	again, err := f.store.Search(ctx, counselling.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if got := again.Items[0]; got.Topics[0] != counselling.TopicDebt || got.Addresses[0].City != "Halberstadt" {
		t.Errorf("a caller's change leaked into the kept entry: %v, %v", got.Topics, got.Addresses)
	}
}
