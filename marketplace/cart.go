package marketplace

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant/fault"
)

// MaxQuantity is the most of one product a Warenkorb holds.
const MaxQuantity = 99

// CartItem is a product in the Warenkorb with its price today.
type CartItem struct {
	Product        Product `json:"product"`
	Quantity       int     `json:"quantity"`
	UnitPriceCents Cents   `json:"unitPriceCents"`
	LineTotalCents Cents   `json:"lineTotalCents"`
	// PriceValidUntil is the last day the unit price holds (nil: until
	// further notice, free for municipalities or undecided).
	PriceValidUntil *Day `json:"priceValidUntil,omitempty" doc:"letzter Tag, an dem der Preis gilt"`
	// PriceNote is the German hint on the price, e.g. "Preis ab
	// 01.01.2027 noch nicht entschieden; der Dienst bleibt bestellbar."
	PriceNote string `json:"priceNote,omitempty"`
	// Problem says why the item cannot be ordered now ("" when it can).
	Problem string    `json:"problem,omitempty"`
	AddedAt time.Time `json:"addedAt"`
}

// Cart is a municipality's Warenkorb. Version changes with every change;
// an order names the version it was placed from.
type Cart struct {
	TenantID   string     `json:"tenantId"`
	Version    int        `json:"version" doc:"Stand des Warenkorbs; beim Bestellen mitsenden"`
	Items      []CartItem `json:"items"`
	TotalCents Cents      `json:"totalCents"`
	// Orderable is true when the cart has items and all can be ordered.
	Orderable bool `json:"orderable"`
}

type cartRow struct {
	bun.BaseModel `bun:"table:market_carts"`

	TenantID       string    `bun:"tenant_id,pk"`
	Version        int       `bun:"version"`
	OrderedVersion int       `bun:"ordered_version"`
	LastOrderID    string    `bun:"last_order_id"`
	UpdatedAt      time.Time `bun:"updated_at"`
}

type cartItemRow struct {
	bun.BaseModel `bun:"table:market_cart_items"`

	TenantID  string    `bun:"tenant_id,pk"`
	ProductID string    `bun:"product_id,pk"`
	Quantity  int       `bun:"quantity"`
	AddedAt   time.Time `bun:"added_at"`
}

// Cart returns the tenant's Warenkorb with today's prices.
func (s *Store) Cart(ctx context.Context, tenantID string) (*Cart, error) {
	return s.loadCart(ctx, s.db.Read, tenantID)
}

func (s *Store) loadCart(ctx context.Context, db bun.IDB, tenantID string) (*Cart, error) {
	c := &Cart{TenantID: tenantID, Items: []CartItem{}}
	var row cartRow
	err := db.NewSelect().Model(&row).Where("tenant_id = ?", tenantID).Scan(ctx)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return c, nil
	case err != nil:
		return nil, fmt.Errorf("load Warenkorb: %w", err)
	}
	c.Version = row.Version
	var items []cartItemRow
	if err := db.NewSelect().Model(&items).Where("tenant_id = ?", tenantID).OrderExpr("added_at, product_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("load Warenkorb: %w", err)
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ProductID
	}
	products, err := loadProducts(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	today := s.today()
	c.Orderable = len(items) > 0
	for _, it := range items {
		p, ok := products[it.ProductID]
		if !ok {
			continue
		}
		ci := CartItem{Product: p, Quantity: it.Quantity, AddedAt: it.AddedAt}
		q := p.QuoteAt(today)
		switch {
		case !p.Published:
			ci.Problem = "Dieses Produkt ist nicht mehr im Angebot des Marktplatzes. Bitte entfernen Sie es aus dem Warenkorb."
		case p.Section == SectionPlanned:
			ci.Problem = "Dieser Dienst ist geplant und kann noch nicht bestellt werden."
		case !q.Orderable:
			ci.Problem = "Für dieses Produkt ist für heute kein Preis festgelegt; es kann derzeit nicht bestellt werden."
			if p.PriceAfter == PriceAfterClosed {
				ci.Problem = "Der Preis dieses Dienstes ist noch nicht entschieden; bis dahin kann er nicht bestellt werden."
			}
		default:
			ci.UnitPriceCents = q.Cents
			ci.LineTotalCents = q.Cents * Cents(it.Quantity)
			ci.PriceValidUntil, ci.PriceNote = q.ValidUntil, q.Note
		}
		if ci.Problem != "" {
			c.Orderable = false
		}
		c.TotalCents += ci.LineTotalCents
		c.Items = append(c.Items, ci)
	}
	return c, nil
}

// bumpCart creates the tenant's cart row or moves its version on; every
// change to the items goes through it, so that an order placed from an
// older version is refused.
func (s *Store) bumpCart(ctx context.Context, db bun.IDB, tenantID string) error {
	_, err := db.NewRaw(`INSERT INTO market_carts (tenant_id, version, ordered_version, last_order_id, updated_at)
		VALUES (?, 1, 0, '', ?)
		ON CONFLICT (tenant_id) DO UPDATE SET version = market_carts.version + 1, updated_at = excluded.updated_at`,
		tenantID, s.now()).Exec(ctx)
	if err != nil {
		return fmt.Errorf("update Warenkorb: %w", err)
	}
	return nil
}

// SetCartItem puts a published product into the Warenkorb with the given
// quantity (1–99), or changes its quantity.
func (s *Store) SetCartItem(ctx context.Context, tenantID, productRef string, quantity int) (*Cart, error) {
	if quantity < 1 || quantity > MaxQuantity {
		return nil, fault.Field("quantity", "Die Menge muss zwischen 1 und %d liegen.", MaxQuantity)
	}
	return s.changeCart(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
		p, err := s.orderableProduct(ctx, tx, productRef)
		if err != nil {
			return err
		}
		if p.Section == SectionPlanned {
			return refuse(ErrRefused, "„%s“ (%s) ist ein geplanter Dienst und kann noch nicht bestellt werden; setzen Sie ihn auf den Merkzettel.", p.Name, p.Number)
		}
		if err := s.bumpCart(ctx, tx, tenantID); err != nil {
			return err
		}
		_, err = tx.NewInsert().Model(&cartItemRow{TenantID: tenantID, ProductID: p.ID, Quantity: quantity, AddedAt: s.now()}).
			On("CONFLICT (tenant_id, product_id) DO UPDATE").Set("quantity = EXCLUDED.quantity").Exec(ctx)
		if err != nil {
			return fmt.Errorf("put into Warenkorb: %w", err)
		}
		return s.audit(ctx, tx, tenantID, "update", ObjCart, p.ID, map[string]any{"product": p.Number, "quantity": quantity})
	})
}

// AddToCart puts a published product into the Warenkorb once; a product
// already there keeps its quantity.
func (s *Store) AddToCart(ctx context.Context, tenantID, productRef string) (*Cart, error) {
	return s.changeCart(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
		p, err := s.orderableProduct(ctx, tx, productRef)
		if err != nil {
			return err
		}
		if p.Section == SectionPlanned {
			return refuse(ErrRefused, "„%s“ (%s) ist ein geplanter Dienst und kann noch nicht bestellt werden; setzen Sie ihn auf den Merkzettel.", p.Name, p.Number)
		}
		if err := s.bumpCart(ctx, tx, tenantID); err != nil {
			return err
		}
		res, err := tx.NewInsert().Model(&cartItemRow{TenantID: tenantID, ProductID: p.ID, Quantity: 1, AddedAt: s.now()}).
			On("CONFLICT (tenant_id, product_id) DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("put into Warenkorb: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.audit(ctx, tx, tenantID, "add", ObjCart, p.ID, map[string]any{"product": p.Number, "quantity": 1})
	})
}

// RemoveFromCart takes a product out of the Warenkorb; one not in it is no
// error.
func (s *Store) RemoveFromCart(ctx context.Context, tenantID, productRef string) (*Cart, error) {
	return s.changeCart(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
		p, err := s.getProduct(ctx, tx, productRef)
		if err != nil {
			return err
		}
		res, err := tx.NewDelete().Model((*cartItemRow)(nil)).Where("tenant_id = ? AND product_id = ?", tenantID, p.ID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("remove from Warenkorb: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if err := s.bumpCart(ctx, tx, tenantID); err != nil {
			return err
		}
		return s.audit(ctx, tx, tenantID, "remove", ObjCart, p.ID, map[string]any{"product": p.Number})
	})
}

// ClearCart empties the Warenkorb.
func (s *Store) ClearCart(ctx context.Context, tenantID string) (*Cart, error) {
	return s.changeCart(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*cartItemRow)(nil)).Where("tenant_id = ?", tenantID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("empty Warenkorb: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if err := s.bumpCart(ctx, tx, tenantID); err != nil {
			return err
		}
		return s.audit(ctx, tx, tenantID, "clear", ObjCart, tenantID, nil)
	})
}

// changeCart runs fn in a transaction and returns the cart as it then is.
func (s *Store) changeCart(ctx context.Context, tenantID string, fn func(ctx context.Context, tx bun.Tx) error) (*Cart, error) {
	var out *Cart
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := fn(ctx, tx); err != nil {
			return err
		}
		var err error
		out, err = s.loadCart(ctx, tx, tenantID)
		return err
	})
	return out, err
}
