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
	// PricesEnding are published products whose price ends within
	// PriceEndingDays with no later period (e.g. "ab 2027 noch nicht
	// entschieden").
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
	now := s.now()
	today, horizon := DayOf(now, s.loc), DayOf(now.AddDate(0, 0, PriceEndingDays), s.loc)
	var rows []struct {
		ProductID  string `bun:"product_id"`
		Number     string `bun:"number"`
		Name       string `bun:"name"`
		ValidUntil Day    `bun:"valid_until"`
	}
	// A period ending in [today, horizon] with no period of the same
	// product starting after it.
	err = s.db.Read.NewSelect().TableExpr("market_prices AS pr").
		ColumnExpr("pr.product_id, p.number, p.name, pr.valid_until").
		Join("JOIN market_products AS p ON p.id = pr.product_id").
		Where("p.published = ?", true).
		Where("pr.valid_until IS NOT NULL AND pr.valid_until >= ? AND pr.valid_until <= ?", today, horizon).
		Where("NOT EXISTS (SELECT 1 FROM market_prices AS later WHERE later.product_id = pr.product_id AND later.valid_from > pr.valid_until)").
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("prices ending: %w", err)
	}
	for _, r := range rows {
		w.PricesEnding = append(w.PricesEnding, EndingPrice{ProductID: r.ProductID, Number: r.Number, Name: r.Name, ValidUntil: r.ValidUntil})
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
