package marketplace

import (
	"context"
	"fmt"
	"sort"
)

// PriceEndingDays is how far ahead the ministry's work list looks for
// price periods that end with nothing after them.
const PriceEndingDays = 60

// EndingPrice is a published product whose last price period ends soon:
// after ValidUntil nothing is decided.
type EndingPrice struct {
	ProductID, Number, Name string
	ValidUntil              Day
}

// Work is what waits on the marketplace for the ministry: the queries
// behind the console's start page.
type Work struct {
	RegistrationsWaiting int // mailbox confirmed, not yet activated or rejected
	NewOrders            int // state "Eingegangen"
	// PricesEnding are published products whose last price period ends
	// within PriceEndingDays while nothing is decided for after it
	// (neither a later period nor a PriceAfter; products free for
	// municipalities anyway do not count).
	PricesEnding []EndingPrice
}

// Work gathers the ministry's marketplace work list.
func (s *Store) Work(ctx context.Context) (*Work, error) {
	w := &Work{PricesEnding: []EndingPrice{}}
	n, err := s.db.Read.NewSelect().Model((*Registration)(nil)).Where("state = ?", RegistrationConfirmed).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("count waiting registrations: %w", err)
	}
	w.RegistrationsWaiting = int(n)
	if n, err = s.db.Read.NewSelect().Model((*orderRow)(nil)).Where("state = ?", OrderReceived).Count(ctx); err != nil {
		return nil, fmt.Errorf("count new orders: %w", err)
	}
	w.NewOrders = int(n)
	today, horizon := s.today(), s.PriceEndingHorizon()
	// One product counts once, by the same rule the filtered product list
	// applies (Product.PriceEndsBetween).
	c, err := s.ListProducts(ctx, CatalogueFilter{PricesEndingFrom: today, PricesEndingTo: horizon})
	if err != nil {
		return nil, fmt.Errorf("prices ending: %w", err)
	}
	for _, p := range c.Items {
		end, _ := p.PriceEndsBetween(today, horizon)
		w.PricesEnding = append(w.PricesEnding, EndingPrice{ProductID: p.ID, Number: p.Number, Name: p.Name, ValidUntil: end})
	}
	sort.Slice(w.PricesEnding, func(i, j int) bool {
		a, b := w.PricesEnding[i], w.PricesEnding[j]
		if a.ValidUntil != b.ValidUntil {
			return a.ValidUntil < b.ValidUntil
		}
		return a.Number < b.Number
	})
	return w, nil
}

// PriceEndingHorizon is the last day the work list looks ahead to for
// ending prices: today plus PriceEndingDays.
func (s *Store) PriceEndingHorizon() Day {
	return DayOf(s.now().AddDate(0, 0, PriceEndingDays), s.loc)
}
