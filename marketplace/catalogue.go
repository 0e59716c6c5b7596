package marketplace

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// CatalogueFilter narrows the catalogue. Within Types (and within Topics)
// any value matches; Types and Topics and Query must all match.
type CatalogueFilter struct {
	Query  string   // words that must all appear in number, name, descriptions or OZG-ID
	Types  []string // Art des Dienstes
	Topics []string // Themenfeld
	// Descending sorts Z–A instead of A–Z.
	Descending bool
	// All includes unpublished products (the ministry's view).
	All bool
	// Section limits the list to one section (SectionBasis …); "": all.
	Section string
	// BUS keeps only products marked "Vorlage im BUS".
	BUS bool
	// PricesEndingFrom/To, when set, keep only products whose last price
	// period ends in that span with nothing decided after it (the
	// ministry's work list).
	PricesEndingFrom, PricesEndingTo Day
}

// Facet is one value of a filter with the number of products it would
// show together with the other filters.
type Facet struct {
	Value  string `json:"value"`
	Count  int    `json:"count"`
	Active bool   `json:"active"`
}

// Catalogue is one page of the catalogue with its filters.
type Catalogue struct {
	Items  []Product `json:"items"`
	Types  []Facet   `json:"types" doc:"Art des Dienstes mit Anzahl"`
	Topics []Facet   `json:"topics" doc:"Themenfeld mit Anzahl"`
	// BUSCount is how many of the listed products (before the BUS filter)
	// are marked "Vorlage im BUS".
	BUSCount int `json:"busCount" doc:"Anzahl der Produkte mit „Vorlage im BUS“ unter den übrigen Filtern"`
}

// ListProducts returns the catalogue. The catalogue is small (dozens of
// products), so it is filtered, counted and sorted in Go: German collation
// and case-insensitive search with umlauts behave the same on both
// databases.
func (s *Store) ListProducts(ctx context.Context, f CatalogueFilter) (*Catalogue, error) {
	var rows []productRow
	q := s.db.Read.NewSelect().Model(&rows)
	if !f.All {
		q = q.Where("published = ?", true)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list products: %w", err)
	}
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	prices, err := loadPrices(ctx, s.db.Read, ids)
	if err != nil {
		return nil, err
	}
	words := strings.Fields(searchFold(f.Query))
	var found []Product
	for i := range rows {
		p := rows[i].product()
		p.Prices = nonNil(prices[p.ID])
		if !matchesWords(&p, words) || (f.Section != "" && p.Section != f.Section) {
			continue
		}
		if f.PricesEndingTo != "" {
			if _, ok := p.PriceEndsBetween(f.PricesEndingFrom, f.PricesEndingTo); !ok {
				continue
			}
		}
		found = append(found, p)
	}
	in := func(vals []string, v string) bool { return len(vals) == 0 || slices.Contains(vals, v) }
	out := &Catalogue{Items: []Product{}}
	// Every type and topic of the catalogue is offered, those that would
	// show nothing with count 0.
	typeCounts, topicCounts := map[string]int{}, map[string]int{}
	for i := range rows {
		typeCounts[rows[i].ServiceType] += 0
		topicCounts[rows[i].Topic] += 0
	}
	for _, p := range found {
		okType, okTopic := in(f.Types, p.ServiceType), in(f.Topics, p.Topic)
		// A facet counts what its value would show with the other filter.
		if okTopic {
			typeCounts[p.ServiceType]++
		}
		if okType {
			topicCounts[p.Topic]++
		}
		if okType && okTopic {
			if p.BUSTemplate {
				out.BUSCount++
			}
			if !f.BUS || p.BUSTemplate {
				out.Items = append(out.Items, p)
			}
		}
	}
	out.Types = facets(typeCounts, f.Types)
	out.Topics = facets(topicCounts, f.Topics)
	SortProducts(out.Items, f.Descending)
	return out, nil
}

// searchFold lower-cases s and writes umlauts and ß out (ä → ae, ß → ss),
// so that "mietrueckstaende" finds "Mietrückstände" and the other way round.
func searchFold(s string) string { return umlautFold.Replace(strings.ToLower(s)) }

func matchesWords(p *Product, words []string) bool {
	if len(words) == 0 {
		return true
	}
	hay := searchFold(strings.Join([]string{p.Number, p.Name, p.ShortDescription, p.Description, p.OZGID,
		p.ServiceType, p.Topic, strings.Join(p.Antragsstrecken, " ")}, "\n"))
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// facets lists every value with its count, active ones included even when
// no product has them (any more), sorted by German collation.
func facets(counts map[string]int, active []string) []Facet {
	for _, a := range active {
		if _, ok := counts[a]; !ok {
			counts[a] = 0
		}
	}
	out := make([]Facet, 0, len(counts))
	for v, n := range counts {
		out = append(out, Facet{Value: v, Count: n, Active: slices.Contains(active, v)})
	}
	col := collate.New(language.German, collate.IgnoreCase)
	slices.SortFunc(out, func(a, b Facet) int { return col.CompareString(a.Value, b.Value) })
	return out
}

// SortProducts sorts by name in German order (A–Z, or Z–A), then by
// product number.
func SortProducts(ps []Product, descending bool) {
	col := collate.New(language.German, collate.IgnoreCase)
	slices.SortStableFunc(ps, func(a, b Product) int {
		c := col.CompareString(a.Name, b.Name)
		if c == 0 {
			c = strings.Compare(a.Number, b.Number)
		}
		if descending {
			return -c
		}
		return c
	})
}
