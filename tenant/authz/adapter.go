package authz

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
)

type ruleRow struct {
	bun.BaseModel `bun:"table:authz_rules"`

	ID    int64  `bun:"id,pk,autoincrement"`
	Ptype string `bun:"ptype"`
	V0    string `bun:"v0"`
	V1    string `bun:"v1"`
	V2    string `bun:"v2"`
	V3    string `bun:"v3"`
	V4    string `bun:"v4"`
	V5    string `bun:"v5"`
}

// Filter limits loading to the role assignments of some tenants.
type Filter struct {
	TenantIDs []string
}

// Adapter loads casbin policy from the database: permission rules ("p")
// from authz_rules, role assignments ("g") from memberships of active users
// in active tenants and from live API tokens. Assignments are changed
// through the tenant store, never through casbin, so the adapter refuses to
// write them.
type Adapter struct {
	db       *migrations.DB
	filtered bool
}

// NewAdapter returns an adapter on db.
func NewAdapter(db *migrations.DB) *Adapter { return &Adapter{db: db} }

var _ persist.FilteredAdapter = (*Adapter)(nil)

// errAssignments explains why casbin may not write role assignments.
var errAssignments = errors.New("role assignments are managed through memberships and API tokens")

// LoadPolicy loads every rule.
func (a *Adapter) LoadPolicy(m model.Model) error {
	a.filtered = false
	return a.load(context.Background(), m, nil)
}

// LoadFilteredPolicy loads all permission rules but only the role
// assignments in the filter's tenants.
func (a *Adapter) LoadFilteredPolicy(m model.Model, filter any) error {
	f, ok := filter.(Filter)
	if !ok {
		if fp, ok2 := filter.(*Filter); ok2 && fp != nil {
			f, ok = *fp, true
		}
	}
	if !ok {
		return fmt.Errorf("authz adapter: filter must be authz.Filter, not %T", filter)
	}
	a.filtered = true
	return a.load(context.Background(), m, f.TenantIDs)
}

// IsFiltered reports whether the last load was filtered.
func (a *Adapter) IsFiltered() bool { return a.filtered }

func (a *Adapter) load(ctx context.Context, m model.Model, tenantIDs []string) error {
	var rules []ruleRow
	if err := a.db.Read.NewSelect().Model(&rules).OrderExpr("id").Scan(ctx); err != nil {
		return fmt.Errorf("load permission rules: %w", err)
	}
	for _, r := range rules {
		vals := []string{r.V0, r.V1, r.V2, r.V3, r.V4, r.V5}
		for len(vals) > 0 && vals[len(vals)-1] == "" {
			vals = vals[:len(vals)-1]
		}
		if err := m.AddPolicy("p", r.Ptype, vals); err != nil && r.Ptype == "p" {
			return fmt.Errorf("add permission rule: %w", err)
		}
	}
	if tenantIDs != nil && len(tenantIDs) == 0 {
		return nil
	}
	var members []struct {
		UserID   string `bun:"user_id"`
		TenantID string `bun:"tenant_id"`
		Role     string `bun:"role"`
	}
	q := a.db.Read.NewSelect().TableExpr("memberships AS m").ColumnExpr("m.user_id, m.tenant_id, m.role").
		Join("JOIN users AS u ON u.id = m.user_id").Join("JOIN tenants AS t ON t.id = m.tenant_id").
		Where("u.active = ? AND t.active = ?", true, true)
	if tenantIDs != nil {
		q = q.Where("m.tenant_id IN (?)", bun.In(tenantIDs))
	}
	if err := q.Scan(ctx, &members); err != nil {
		return fmt.Errorf("load memberships: %w", err)
	}
	for _, mb := range members {
		if err := m.AddPolicy("g", "g", []string{userPrefix + mb.UserID, rolePrefix + mb.Role, domainOf(mb.TenantID)}); err != nil {
			return fmt.Errorf("add membership: %w", err)
		}
	}
	var tokens []struct {
		ID       string `bun:"id"`
		TenantID string `bun:"tenant_id"`
		Role     string `bun:"role"`
	}
	tq := a.db.Read.NewSelect().TableExpr("api_tokens AS k").ColumnExpr("k.id, k.tenant_id, k.role").
		Join("JOIN tenants AS t ON t.id = k.tenant_id").
		Where("k.revoked_at IS NULL AND t.active = ?", true).
		Where("(k.expires_at IS NULL OR k.expires_at > ?)", time.Now().UTC())
	if tenantIDs != nil {
		tq = tq.Where("k.tenant_id IN (?)", bun.In(tenantIDs))
	}
	if err := tq.Scan(ctx, &tokens); err != nil {
		return fmt.Errorf("load api tokens: %w", err)
	}
	for _, t := range tokens {
		if err := m.AddPolicy("g", "g", []string{tokenPrefix + t.ID, rolePrefix + t.Role, domainOf(t.TenantID)}); err != nil {
			return fmt.Errorf("add api token: %w", err)
		}
	}
	return nil
}

// SavePolicy replaces the stored permission rules with the model's.
func (a *Adapter) SavePolicy(m model.Model) error {
	ctx := context.Background()
	return a.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*ruleRow)(nil)).Where("ptype = 'p'").Exec(ctx); err != nil {
			return fmt.Errorf("clear permission rules: %w", err)
		}
		for _, rule := range m["p"]["p"].Policy {
			if err := insertRule(ctx, tx, "p", rule); err != nil {
				return err
			}
		}
		return bumpRevision(ctx, tx)
	})
}

// AddPolicy stores one permission rule.
func (a *Adapter) AddPolicy(sec, ptype string, rule []string) error {
	if sec != "p" {
		return errAssignments
	}
	ctx := context.Background()
	return a.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := insertRule(ctx, tx, ptype, rule); err != nil {
			return err
		}
		return bumpRevision(ctx, tx)
	})
}

// RemovePolicy deletes one permission rule.
func (a *Adapter) RemovePolicy(sec, ptype string, rule []string) error {
	if sec != "p" {
		return errAssignments
	}
	return a.RemoveFilteredPolicy(sec, ptype, 0, rule...)
}

// RemoveFilteredPolicy deletes permission rules matching the given values
// from fieldIndex on; empty values match anything.
func (a *Adapter) RemoveFilteredPolicy(sec, ptype string, fieldIndex int, fieldValues ...string) error {
	if sec != "p" {
		return errAssignments
	}
	ctx := context.Background()
	return a.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewDelete().Model((*ruleRow)(nil)).Where("ptype = ?", ptype)
		for i, v := range fieldValues {
			if v != "" {
				q = q.Where(fmt.Sprintf("v%d = ?", fieldIndex+i), v)
			}
		}
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("remove permission rules: %w", err)
		}
		return bumpRevision(ctx, tx)
	})
}

func insertRule(ctx context.Context, db bun.IDB, ptype string, rule []string) error {
	v := make([]string, 6)
	copy(v, rule)
	row := &ruleRow{Ptype: ptype, V0: v[0], V1: v[1], V2: v[2], V3: v[3], V4: v[4], V5: v[5]}
	if _, err := db.NewInsert().Model(row).On("CONFLICT (ptype, v0, v1, v2, v3, v4, v5) DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("store permission rule: %w", err)
	}
	return nil
}

func bumpRevision(ctx context.Context, db bun.IDB) error {
	if _, err := db.NewRaw("UPDATE authz_revision SET revision = revision + 1 WHERE id = 1").Exec(ctx); err != nil {
		return fmt.Errorf("bump policy revision: %w", err)
	}
	return nil
}
