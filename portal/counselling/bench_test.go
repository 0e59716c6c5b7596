package counselling_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"sozialplattform/portal/counselling"
)

// BenchmarkSearch searches 500 published entries (more than Sachsen-Anhalt
// has Beratungsstellen) from a point, with and without filters.
func BenchmarkSearch(b *testing.B) {
	f := newFixture(b)
	rng := rand.New(rand.NewPCG(1, 2))
	topics := []string{counselling.TopicDebt, "suchtberatung", "migrationsberatung", "sozialberatung"}
	for i := range 500 {
		e := entry(fmt.Sprintf("Beratungsstelle %03d", i), 51.0+rng.Float64()*2, 10.6+rng.Float64()*2.4, topics[i%len(topics)])
		e.Languages = []string{"de", []string{"en", "ar", "uk", "ru"}[i%4]}
		f.create(b, "15085", e)
	}
	ctx := context.Background()
	for _, q := range []struct {
		name string
		q    counselling.Query
	}{
		{"near", counselling.Query{Near: &halberstadt}},
		{"near+topic+language", counselling.Query{Near: &halberstadt, Topic: "suchtberatung", Language: "ar"}},
		{"near+radius25", counselling.Query{Near: &halberstadt, RadiusKm: 25}},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := f.store.Search(ctx, q.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
