package marketplace

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"sozialplattform/tenant/keyset"
)

// The API pages the marketplace's listings by these positions (see
// tenant/keyset).

// OrderKey is an order's position in ListOrdersPage: newest first, the
// unique order number breaking ties.
type OrderKey struct {
	At     time.Time `json:"t"`
	Number int64     `json:"n"`
}

// PageKey is o's position in ListOrdersPage.
func (o Order) PageKey() OrderKey { return OrderKey{At: o.OrderedAt, Number: o.Number} }

var orderOrder = keyset.Order{{Expr: "ordered_at", Desc: true}, {Expr: "number", Desc: true}}

// ListOrdersPage returns one page of the orders f matches with their items,
// newest first, plus one when another page follows; f.Limit is not used.
func (s *Store) ListOrdersPage(ctx context.Context, f OrderFilter, p keyset.Page[OrderKey]) ([]Order, error) {
	var rows []orderRow
	q, ok := f.query(s.db.Read.NewSelect().Model(&rows))
	if !ok {
		return []Order{}, nil
	}
	var after []any
	if a := p.After; a != nil {
		after = []any{a.At.UTC(), a.Number}
	}
	if err := orderOrder.Apply(q, p.Size(), after...).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	return s.withItems(ctx, rows)
}

// PageKey is r's position in ListRegistrationsPage.
func (r Registration) PageKey() keyset.TimeKey { return keyset.TimeKey{At: r.CreatedAt, ID: r.ID} }

// ListRegistrationsPage returns one page of the registrations in f's state,
// newest first, plus one when another page follows.
func (s *Store) ListRegistrationsPage(ctx context.Context, f RegistrationFilter, p keyset.Page[keyset.TimeKey]) ([]Registration, error) {
	out := []Registration{}
	now := s.now()
	q := f.query(s.db.Read.NewSelect().Model(&out), now)
	if err := keyset.NewestFirst("created_at").Apply(q, p.Size(), p.After.Values()...).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list registrations: %w", err)
	}
	for i := range out {
		out[i].effective(now)
	}
	return out, nil
}

// ProductKey is a product's position in the catalogue's order (SortProducts).
type ProductKey struct {
	Name   string `json:"m"`
	Number string `json:"n"`
}

// ProductPageKey is p's position in the catalogue.
// (A function, not a method: the type is embedded in API answers, where
// huma cannot describe embedded types that carry methods.)
func ProductPageKey(p Product) ProductKey { return ProductKey{Name: p.Name, Number: p.Number} }

// ProductsPage is the page of a catalogue sorted by SortProducts (in Go, by
// German collation) that starts after p's position, plus one product when
// another page follows.
func ProductsPage(sorted []Product, p keyset.Page[ProductKey], descending bool) []Product {
	var after func(Product) bool
	if a := p.After; a != nil {
		col := collate.New(language.German, collate.IgnoreCase)
		after = func(pr Product) bool {
			c := col.CompareString(pr.Name, a.Name)
			if c == 0 {
				c = strings.Compare(pr.Number, a.Number)
			}
			if descending {
				c = -c
			}
			return c > 0
		}
	}
	return keyset.Seek(sorted, after, p.Size())
}
