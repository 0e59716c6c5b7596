package marketplace

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/i18n"
)

// OrderState is where an order stands.
type OrderState string

// An order arrives (eingegangen), the ministry confirms it, connects the
// municipality (in Anbindung) and completes it; until it is completed it
// can be cancelled with a reason.
const (
	OrderReceived   OrderState = "eingegangen"
	OrderConfirmed  OrderState = "bestaetigt"
	OrderConnecting OrderState = "in-anbindung"
	OrderCompleted  OrderState = "abgeschlossen"
	OrderCancelled  OrderState = "storniert"
)

// OrderStates lists the states in their order.
var OrderStates = []OrderState{OrderReceived, OrderConfirmed, OrderConnecting, OrderCompleted, OrderCancelled}

// Label is the German name of the state.
func (s OrderState) Label() string {
	switch s {
	case OrderReceived:
		return "Eingegangen"
	case OrderConfirmed:
		return "Bestätigt"
	case OrderConnecting:
		return "In Anbindung"
	case OrderCompleted:
		return "Abgeschlossen"
	case OrderCancelled:
		return "Storniert"
	}
	return string(s)
}

// Valid reports whether s is a known state.
func (s OrderState) Valid() bool { return slices.Contains(OrderStates, s) }

// Final reports whether nothing follows the state.
func (s OrderState) Final() bool { return s == OrderCompleted || s == OrderCancelled }

// Next lists the states an order may move to from s.
func (s OrderState) Next() []OrderState {
	switch s {
	case OrderReceived:
		return []OrderState{OrderConfirmed, OrderCancelled}
	case OrderConfirmed:
		return []OrderState{OrderConnecting, OrderCancelled}
	case OrderConnecting:
		return []OrderState{OrderCompleted, OrderCancelled}
	}
	return nil
}

// CanMoveTo reports whether an order in state s may move to next.
func (s OrderState) CanMoveTo(next OrderState) bool { return slices.Contains(s.Next(), next) }

// Order is what a municipality ordered, as it was at that moment: products,
// quantities and prices, and the authority's address.
type Order struct {
	ID              string      `json:"id"`
	Number          int64       `json:"number" doc:"Bestellnummer"`
	TenantID        string      `json:"tenantId"`
	State           OrderState  `json:"state" enum:"eingegangen,bestaetigt,in-anbindung,abgeschlossen,storniert"`
	AuthorityName   string      `json:"authorityName"`
	OfficialKey     string      `json:"officialKey"`
	FunctionMailbox string      `json:"functionMailbox"`
	Street          string      `json:"street"`
	PostalCode      string      `json:"postalCode"`
	City            string      `json:"city"`
	TotalCents      Cents       `json:"totalCents"`
	OrderedAt       time.Time   `json:"orderedAt"`
	OrderedBy       string      `json:"orderedBy"`
	CancelReason    string      `json:"cancelReason,omitempty"`
	Version         int         `json:"version"`
	UpdatedAt       time.Time   `json:"updatedAt"`
	Items           []OrderItem `json:"items"`
	// Events is the state history, oldest first (GetOrder only).
	Events []OrderEvent `json:"events,omitempty"`
}

// OrderItem is one line of an order.
type OrderItem struct {
	Position        int      `json:"position"`
	ProductID       string   `json:"productId"`
	ProductNumber   string   `json:"productNumber"`
	Name            string   `json:"name"`
	OZGID           string   `json:"ozgId"`
	Antragsstrecken []string `json:"antragsstrecken"`
	Quantity        int      `json:"quantity"`
	UnitPriceCents  Cents    `json:"unitPriceCents"`
	LineTotalCents  Cents    `json:"lineTotalCents"`
}

// OrderEvent is one step of an order's history.
type OrderEvent struct {
	At         time.Time  `json:"at"`
	FromState  OrderState `json:"fromState,omitempty"`
	ToState    OrderState `json:"toState"`
	ActorLabel string     `json:"actor"`
	Reason     string     `json:"reason,omitempty"`
}

// OrderPlaced is what onboarding learns of a new order, inside the order's
// transaction.
type OrderPlaced struct {
	OrderID     string
	OrderNumber int64
	TenantID    string
	OrderedAt   time.Time
	Items       []OrderedItem
	// History marks an order recorded after the fact (the demo's orders
	// of 2025): nothing that follows it is announced by mail.
	History bool
}

// Antragsstrecken returns the keys of all Antragsstrecken of the order's
// products, each once, in the order of the items.
func (e OrderPlaced) Antragsstrecken() []string {
	var out []string
	for _, it := range e.Items {
		for _, k := range it.Antragsstrecken {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

// OrderedItem is an ordered product as onboarding needs it.
type OrderedItem struct {
	ProductID, ProductNumber, Name, OZGID string
	Antragsstrecken                       []string
}

type orderRow struct {
	bun.BaseModel `bun:"table:market_orders"`

	ID              string     `bun:"id,pk"`
	Number          int64      `bun:"number"`
	TenantID        string     `bun:"tenant_id"`
	State           OrderState `bun:"state"`
	AuthorityName   string     `bun:"authority_name"`
	OfficialKey     string     `bun:"official_key"`
	FunctionMailbox string     `bun:"function_mailbox"`
	Street          string     `bun:"street"`
	PostalCode      string     `bun:"postal_code"`
	City            string     `bun:"city"`
	TotalCents      Cents      `bun:"total_cents"`
	OrderedAt       time.Time  `bun:"ordered_at"`
	OrderedBy       string     `bun:"ordered_by"`
	CancelReason    string     `bun:"cancel_reason"`
	Version         int        `bun:"version"`
	UpdatedAt       time.Time  `bun:"updated_at"`
}

type orderItemRow struct {
	bun.BaseModel `bun:"table:market_order_items"`

	OrderID         string   `bun:"order_id,pk"`
	Position        int      `bun:"position,pk"`
	ProductID       string   `bun:"product_id"`
	ProductNumber   string   `bun:"product_number"`
	Name            string   `bun:"name"`
	OZGID           string   `bun:"ozg_id"`
	Antragsstrecken []string `bun:"antragsstrecken,type:text"`
	Quantity        int      `bun:"quantity"`
	UnitPriceCents  Cents    `bun:"unit_price_cents"`
	LineTotalCents  Cents    `bun:"line_total_cents"`
}

type orderEventRow struct {
	bun.BaseModel `bun:"table:market_order_events"`

	ID         int64      `bun:"id,pk,autoincrement"`
	OrderID    string     `bun:"order_id"`
	At         time.Time  `bun:"at"`
	FromState  OrderState `bun:"from_state"`
	ToState    OrderState `bun:"to_state"`
	ActorID    string     `bun:"actor_id"`
	ActorLabel string     `bun:"actor_label"`
	Reason     string     `bun:"reason"`
}

func (r *orderRow) order() Order {
	return Order{ID: r.ID, Number: r.Number, TenantID: r.TenantID, State: r.State, AuthorityName: r.AuthorityName,
		OfficialKey: r.OfficialKey, FunctionMailbox: r.FunctionMailbox, Street: r.Street, PostalCode: r.PostalCode,
		City: r.City, TotalCents: r.TotalCents, OrderedAt: r.OrderedAt, OrderedBy: r.OrderedBy, CancelReason: r.CancelReason,
		Version: r.Version, UpdatedAt: r.UpdatedAt, Items: []OrderItem{}}
}

// PlaceOrder orders the tenant's Warenkorb. cartVersion is the version the
// orderer saw (0: whatever the cart holds now); when the cart changed or
// was ordered since, the order is refused with ErrDuplicate, so that a
// double submit yields exactly one order. An empty cart or a product no
// longer orderable is refused with ErrRefused.
//
// In one transaction the order takes the next order number, keeps a
// snapshot of the items and the authority's address, empties the cart,
// queues the confirmation mails, writes the audit entry and calls
// Options.OnOrderPlaced.
func (s *Store) PlaceOrder(ctx context.Context, tenantID string, cartVersion int) (*Order, error) {
	var out *Order
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var cart cartRow
		err := tx.NewSelect().Model(&cart).Where("tenant_id = ?", tenantID).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return refuse(ErrRefused, "Ihr Warenkorb ist leer. Bitte legen Sie zuerst Produkte in den Warenkorb.")
		}
		if err != nil {
			return fmt.Errorf("load Warenkorb: %w", err)
		}
		if cartVersion == 0 {
			cartVersion = cart.Version
		}
		if cartVersion != cart.Version {
			return s.cartMoved(ctx, tx, cart, cartVersion)
		}
		// Claim this version of the cart first: of two submits of the same
		// cart only one gets past this update; the other waits for it (on
		// PostgreSQL, the row lock) and then finds the version moved on.
		res, err := tx.NewUpdate().Model((*cartRow)(nil)).Set("version = version + 1").Set("ordered_version = ?", cartVersion).
			Set("updated_at = ?", s.now()).Where("tenant_id = ? AND version = ?", tenantID, cartVersion).Exec(ctx)
		if err != nil {
			return fmt.Errorf("claim Warenkorb: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			if err := tx.NewSelect().Model(&cart).Where("tenant_id = ?", tenantID).Scan(ctx); err != nil {
				return fmt.Errorf("load Warenkorb: %w", err)
			}
			return s.cartMoved(ctx, tx, cart, cartVersion)
		}
		c, err := s.loadCart(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		if len(c.Items) == 0 {
			return refuse(ErrRefused, "Ihr Warenkorb ist leer. Bitte legen Sie zuerst Produkte in den Warenkorb.")
		}
		items := make([]OrderItem, 0, len(c.Items))
		for i, it := range c.Items {
			if it.Problem != "" {
				return refuse(ErrRefused, "„%s“ (%s) kann nicht bestellt werden: %s", it.Product.Name, it.Product.Number, it.Problem)
			}
			items = append(items, OrderItem{Position: i + 1, ProductID: it.Product.ID, ProductNumber: it.Product.Number,
				Name: it.Product.Name, OZGID: it.Product.OZGID, Antragsstrecken: slices.Clone(it.Product.Antragsstrecken),
				Quantity: it.Quantity, UnitPriceCents: it.UnitPriceCents, LineTotalCents: it.LineTotalCents})
		}
		number, err := nextOrderNumber(ctx, tx)
		if err != nil {
			return err
		}
		o, err := s.createOrder(ctx, tx, newOrder{tenantID: tenantID, number: number, at: s.now(), items: items, mail: true})
		if err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*cartItemRow)(nil)).Where("tenant_id = ?", tenantID).Exec(ctx); err != nil {
			return fmt.Errorf("empty Warenkorb: %w", err)
		}
		if _, err := tx.NewUpdate().Model((*cartRow)(nil)).Set("last_order_id = ?", o.ID).Where("tenant_id = ?", tenantID).Exec(ctx); err != nil {
			return fmt.Errorf("link Warenkorb to order: %w", err)
		}
		out = o
		return nil
	})
	return out, err
}

// cartMoved explains why an order from an older cart version is refused.
func (s *Store) cartMoved(ctx context.Context, db bun.IDB, cart cartRow, seen int) error {
	if cart.OrderedVersion == seen && cart.LastOrderID != "" {
		var number int64
		if err := db.NewSelect().Table("market_orders").Column("number").Where("id = ?", cart.LastOrderID).Scan(ctx, &number); err == nil {
			return refuse(ErrDuplicate, "Dieser Warenkorb wurde bereits bestellt (Bestellnummer %d). Ihre Bestellungen finden Sie unter „Bestellungen“.", number)
		}
	}
	return refuse(ErrDuplicate, "Ihr Warenkorb wurde zwischenzeitlich geändert. Bitte prüfen Sie ihn und bestellen Sie dann erneut.")
}

// nextOrderNumber takes the next order number from the counter row. The
// update locks the row until the transaction ends, so concurrent orders
// get consecutive, distinct numbers on both databases.
func nextOrderNumber(ctx context.Context, tx bun.IDB) (int64, error) {
	var n int64
	if err := tx.NewRaw("UPDATE market_order_counter SET last_number = last_number + 1 WHERE id = 1 RETURNING last_number").Scan(ctx, &n); err != nil {
		return 0, fmt.Errorf("next order number: %w", err)
	}
	return n, nil
}

// newOrder is what createOrder stores.
type newOrder struct {
	tenantID string
	number   int64
	at       time.Time
	items    []OrderItem
	mail     bool // queue the confirmation mails
}

// createOrder stores an order in state "eingegangen" with the tenant's
// address, writes its first event and audit entry, queues the mails and
// hands off to onboarding.
func (s *Store) createOrder(ctx context.Context, tx bun.IDB, n newOrder) (*Order, error) {
	t, err := s.tenantInDB(ctx, tx, n.tenantID)
	if err != nil {
		return nil, err
	}
	actor := tenant.ActorFrom(ctx)
	row := &orderRow{ID: uuid.Must(uuid.NewV7()).String(), Number: n.number, TenantID: t.ID, State: OrderReceived,
		AuthorityName: t.Name, OfficialKey: t.Key(), FunctionMailbox: t.FunctionMailbox, Street: t.Street,
		PostalCode: t.PostalCode, City: t.City, OrderedAt: n.at, OrderedBy: actor.Label, Version: 1, UpdatedAt: n.at}
	itemRows := make([]orderItemRow, len(n.items))
	for i, it := range n.items {
		row.TotalCents += it.LineTotalCents
		itemRows[i] = orderItemRow{OrderID: row.ID, Position: it.Position, ProductID: it.ProductID, ProductNumber: it.ProductNumber,
			Name: it.Name, OZGID: it.OZGID, Antragsstrecken: nonNil(it.Antragsstrecken), Quantity: it.Quantity,
			UnitPriceCents: it.UnitPriceCents, LineTotalCents: it.LineTotalCents}
	}
	if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
		if migrations.IsUniqueViolation(err) {
			return nil, fmt.Errorf("order number %d is taken: %w", n.number, err)
		}
		return nil, fmt.Errorf("insert order: %w", err)
	}
	if _, err := tx.NewInsert().Model(&itemRows).Exec(ctx); err != nil {
		return nil, fmt.Errorf("insert order items: %w", err)
	}
	if err := insertEvent(ctx, tx, row.ID, n.at, "", OrderReceived, ""); err != nil {
		return nil, err
	}
	o := row.order()
	o.Items = n.items
	if n.mail {
		if err := s.queueOrderMails(ctx, tx, &o); err != nil {
			return nil, err
		}
	}
	if err := s.audit(ctx, tx, t.ID, "create", ObjOrder, o.ID, map[string]any{
		"number": o.Number, "items": len(o.Items), "totalCents": int64(o.TotalCents), "products": orderProducts(&o)}); err != nil {
		return nil, err
	}
	if s.opts.OnOrderPlaced != nil {
		e := OrderPlaced{OrderID: o.ID, OrderNumber: o.Number, TenantID: o.TenantID, OrderedAt: o.OrderedAt, History: !n.mail}
		for _, it := range o.Items {
			e.Items = append(e.Items, OrderedItem{ProductID: it.ProductID, ProductNumber: it.ProductNumber, Name: it.Name,
				OZGID: it.OZGID, Antragsstrecken: slices.Clone(it.Antragsstrecken)})
		}
		if err := s.opts.OnOrderPlaced(ctx, tx, e); err != nil {
			return nil, fmt.Errorf("hand order %d to onboarding: %w", o.Number, err)
		}
	}
	return &o, nil
}

func orderProducts(o *Order) string {
	parts := make([]string, len(o.Items))
	for i, it := range o.Items {
		parts[i] = fmt.Sprintf("%d× %s", it.Quantity, it.ProductNumber)
	}
	return strings.Join(parts, ", ")
}

func insertEvent(ctx context.Context, db bun.IDB, orderID string, at time.Time, from, to OrderState, reason string) error {
	actor := tenant.ActorFrom(ctx)
	ev := &orderEventRow{OrderID: orderID, At: at, FromState: from, ToState: to, ActorID: actor.ID, ActorLabel: actor.Label, Reason: reason}
	if _, err := db.NewInsert().Model(ev).Exec(ctx); err != nil {
		return fmt.Errorf("insert order event: %w", err)
	}
	return nil
}

// tenantInDB reads a tenant through db (inside a transaction: the
// transaction).
func (s *Store) tenantInDB(ctx context.Context, db bun.IDB, id string) (*tenant.Tenant, error) {
	var t tenant.Tenant
	err := db.NewSelect().Table("tenants").Column("id", "parent_id", "kind", "name", "official_key", "slug", "function_mailbox",
		"street", "postal_code", "city", "contacts", "it_provider", "active", "version", "created_at", "updated_at").
		Where("id = ?", id).Scan(ctx, &t)
	if err != nil {
		return nil, fault.NotFound(err, "tenant "+id)
	}
	return &t, nil
}

// OrderFilter narrows an order listing.
type OrderFilter struct {
	// TenantIDs limits the list to these tenants; nil means all (the
	// ministry), an empty non-nil slice none.
	TenantIDs []string
	State     OrderState
	// Query matches the order number or part of the authority's name.
	Query string
	Since time.Time
	Until time.Time
	Limit int // default 500, at most 5000
}

// ListOrders returns orders with their items, newest first.
func (s *Store) ListOrders(ctx context.Context, f OrderFilter) ([]Order, error) {
	var rows []orderRow
	q, ok := f.query(s.db.Read.NewSelect().Model(&rows))
	if !ok {
		return []Order{}, nil
	}
	switch {
	case f.Limit <= 0:
		f.Limit = 500
	case f.Limit > 5000:
		f.Limit = 5000
	}
	if err := q.OrderExpr("ordered_at DESC, number DESC").Limit(int64(f.Limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	return s.withItems(ctx, rows)
}

// query narrows q to the orders f matches (but for Limit); ok is false
// when none can.
func (f OrderFilter) query(q *bun.SelectQuery) (_ *bun.SelectQuery, ok bool) {
	if f.TenantIDs != nil && len(f.TenantIDs) == 0 {
		return nil, false
	}
	if f.TenantIDs != nil {
		q = q.Where("tenant_id IN (?)", bun.In(f.TenantIDs))
	}
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	if qs := strings.TrimSpace(f.Query); qs != "" {
		if n, err := strconv.ParseInt(qs, 10, 64); err == nil {
			q = q.Where("(number = ? OR official_key = ?)", n, qs)
		} else {
			q = q.Where("LOWER(authority_name) LIKE ?", "%"+strings.ToLower(qs)+"%")
		}
	}
	if !f.Since.IsZero() {
		q = q.Where("ordered_at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("ordered_at < ?", f.Until.UTC())
	}
	return q, true
}

// withItems loads the items of the listed orders.
func (s *Store) withItems(ctx context.Context, rows []orderRow) ([]Order, error) {
	out := make([]Order, len(rows))
	ids := make([]string, len(rows))
	byID := map[string]int{}
	for i := range rows {
		out[i] = rows[i].order()
		ids[i] = rows[i].ID
		byID[rows[i].ID] = i
	}
	if len(ids) == 0 {
		return out, nil
	}
	var items []orderItemRow
	if err := s.db.Read.NewSelect().Model(&items).Where("order_id IN (?)", bun.In(ids)).OrderExpr("order_id, position").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list order items: %w", err)
	}
	for _, it := range items {
		o := &out[byID[it.OrderID]]
		o.Items = append(o.Items, it.item())
	}
	return out, nil
}

func (r orderItemRow) item() OrderItem {
	return OrderItem{Position: r.Position, ProductID: r.ProductID, ProductNumber: r.ProductNumber, Name: r.Name,
		OZGID: r.OZGID, Antragsstrecken: nonNil(r.Antragsstrecken), Quantity: r.Quantity,
		UnitPriceCents: r.UnitPriceCents, LineTotalCents: r.LineTotalCents}
}

// GetOrder returns an order with its items and history.
func (s *Store) GetOrder(ctx context.Context, id string) (*Order, error) {
	return s.getOrder(ctx, s.db.Read, id)
}

func (s *Store) getOrder(ctx context.Context, db bun.IDB, id string) (*Order, error) {
	var row orderRow
	q := db.NewSelect().Model(&row)
	if n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64); err == nil {
		q = q.Where("number = ?", n)
	} else {
		q = q.Where("id = ?", id)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "order "+id)
	}
	o := row.order()
	var items []orderItemRow
	if err := db.NewSelect().Model(&items).Where("order_id = ?", o.ID).OrderExpr("position").Scan(ctx); err != nil {
		return nil, fmt.Errorf("load order items: %w", err)
	}
	for _, it := range items {
		o.Items = append(o.Items, it.item())
	}
	var events []orderEventRow
	if err := db.NewSelect().Model(&events).Where("order_id = ?", o.ID).OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("load order events: %w", err)
	}
	o.Events = make([]OrderEvent, len(events))
	for i, e := range events {
		o.Events[i] = OrderEvent{At: e.At, FromState: e.FromState, ToState: e.ToState, ActorLabel: e.ActorLabel, Reason: e.Reason}
	}
	return &o, nil
}

// ChangeOrderState moves an order on: eingegangen → bestätigt → in
// Anbindung → abgeschlossen, or to storniert (with a reason) from any state
// but the final ones. When version is not 0 it must match (optimistic
// locking). Every step is kept in the order's history and the audit log.
func (s *Store) ChangeOrderState(ctx context.Context, id string, to OrderState, reason string, version int) (*Order, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case !to.Valid():
		return nil, fault.Field("state", "Unbekannter Stand %q.", to)
	case to == OrderCancelled && reason == "":
		return nil, fault.Field("reason", "Bitte begründen Sie die Stornierung.")
	case utf8.RuneCountInString(reason) > MaxReason:
		return nil, i18n.FieldCoded("reason", i18n.CodeMaxLength, map[string]any{"max": MaxReason})
	}
	var out *Order
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		o, err := s.getOrder(ctx, tx, id)
		if err != nil {
			return err
		}
		if version != 0 && version != o.Version {
			return tenant.ErrStaleVersion
		}
		if !o.State.CanMoveTo(to) {
			if o.State.Final() {
				return refuse(ErrRefused, "Die Bestellung %d ist %s; ihr Stand lässt sich nicht mehr ändern.", o.Number, strings.ToLower(o.State.Label()))
			}
			next := make([]string, 0, 2)
			for _, n := range o.State.Next() {
				next = append(next, "„"+n.Label()+"“")
			}
			return refuse(ErrRefused, "Von „%s“ geht es nur weiter zu %s, nicht zu „%s“.", o.State.Label(), strings.Join(next, " oder "), to.Label())
		}
		now := s.now()
		q := tx.NewUpdate().Model((*orderRow)(nil)).Set("state = ?", to).Set("updated_at = ?", now).Set("version = version + 1")
		if to == OrderCancelled {
			q = q.Set("cancel_reason = ?", reason)
		}
		res, err := q.Where("id = ? AND version = ?", o.ID, o.Version).Exec(ctx)
		if err != nil {
			return fmt.Errorf("change order state: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return tenant.ErrStaleVersion
		}
		if err := insertEvent(ctx, tx, o.ID, now, o.State, to, reason); err != nil {
			return err
		}
		summary := map[string]any{"number": o.Number, "from": string(o.State), "to": string(to)}
		if reason != "" {
			summary["reason"] = reason
		}
		if err := s.audit(ctx, tx, o.TenantID, "state", ObjOrder, o.ID, summary); err != nil {
			return err
		}
		out, err = s.getOrder(ctx, tx, o.ID)
		return err
	})
	return out, err
}
