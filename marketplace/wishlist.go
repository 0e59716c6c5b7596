package marketplace

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// WishlistItem is a product on a municipality's Merkzettel.
type WishlistItem struct {
	Product Product   `json:"product"`
	AddedAt time.Time `json:"addedAt"`
}

type wishlistRow struct {
	bun.BaseModel `bun:"table:market_wishlist_items"`

	TenantID  string    `bun:"tenant_id,pk"`
	ProductID string    `bun:"product_id,pk"`
	AddedAt   time.Time `bun:"added_at"`
}

// Wishlist returns the tenant's Merkzettel, oldest first. A product
// unpublished since stays on it, marked by its Published flag.
func (s *Store) Wishlist(ctx context.Context, tenantID string) ([]WishlistItem, error) {
	var rows []wishlistRow
	if err := s.db.Read.NewSelect().Model(&rows).Where("tenant_id = ?", tenantID).OrderExpr("added_at, product_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("load Merkzettel: %w", err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ProductID
	}
	products, err := loadProducts(ctx, s.db.Read, ids)
	if err != nil {
		return nil, err
	}
	out := make([]WishlistItem, 0, len(rows))
	for _, r := range rows {
		if p, ok := products[r.ProductID]; ok {
			out = append(out, WishlistItem{Product: p, AddedAt: r.AddedAt})
		}
	}
	return out, nil
}

// AddToWishlist puts a published product on the tenant's Merkzettel;
// adding it twice changes nothing.
func (s *Store) AddToWishlist(ctx context.Context, tenantID, productRef string) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		p, err := s.orderableProduct(ctx, tx, productRef)
		if err != nil {
			return err
		}
		res, err := tx.NewInsert().Model(&wishlistRow{TenantID: tenantID, ProductID: p.ID, AddedAt: s.now()}).
			On("CONFLICT (tenant_id, product_id) DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("add to Merkzettel: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.audit(ctx, tx, tenantID, "add", ObjWishlist, p.ID, map[string]any{"product": p.Number})
	})
}

// RemoveFromWishlist takes a product off the tenant's Merkzettel; a
// product not on it is no error.
func (s *Store) RemoveFromWishlist(ctx context.Context, tenantID, productRef string) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		p, err := s.getProduct(ctx, tx, productRef)
		if err != nil {
			return err
		}
		res, err := tx.NewDelete().Model((*wishlistRow)(nil)).Where("tenant_id = ? AND product_id = ?", tenantID, p.ID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("remove from Merkzettel: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.audit(ctx, tx, tenantID, "remove", ObjWishlist, p.ID, map[string]any{"product": p.Number})
	})
}

// orderableProduct loads a product and refuses one that is not published.
func (s *Store) orderableProduct(ctx context.Context, db bun.IDB, ref string) (*Product, error) {
	p, err := s.getProduct(ctx, db, ref)
	if err != nil {
		return nil, err
	}
	if !p.Published {
		return nil, refuse(ErrRefused, "Das Produkt „%s“ (%s) ist derzeit nicht im Angebot des Marktplatzes.", p.Name, p.Number)
	}
	return p, nil
}

// loadProducts returns products with prices by ID.
func loadProducts(ctx context.Context, db bun.IDB, ids []string) (map[string]Product, error) {
	out := map[string]Product{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []productRow
	if err := db.NewSelect().Model(&rows).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("load products: %w", err)
	}
	prices, err := loadPrices(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		p := rows[i].product()
		p.Prices = nonNil(prices[p.ID])
		out[p.ID] = p
	}
	return out, nil
}
