package site

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
)

// The entries a tenant keeps on its portal page (offices, links, sign
// videos) are each a row of the tenant with an ID, capped in number and
// audited as objectType ("portal-link"). What they share lives here once:
// the cap, the insert with its audit line and the delete of an own entry.

// checkCap answers the field error full (a format with %d for max) on
// field when the tenant already keeps max entries of model's kind, so that
// one tenant cannot fill the page (and the table). Run it in the
// transaction that inserts, so the count and the insert see the same rows.
func checkCap(ctx context.Context, tx bun.Tx, model any, objectType, tenantID string, max int, field, full string) error {
	n, err := tx.NewSelect().Model(model).Where("tenant_id = ?", tenantID).Count(ctx)
	if err != nil {
		return fmt.Errorf("count %s of %s: %w", objectType, tenantID, err)
	}
	if n >= int64(max) {
		var fe tenant.FieldErrors
		fe.Add(field, full, max)
		return fe
	}
	return nil
}

// insertEntry inserts a new entry (its ID and time already set) and writes
// the audit line of its creation with summary.
func insertEntry(ctx context.Context, tx bun.Tx, model any, objectType, tenantID, id string, summary map[string]any) error {
	if _, err := tx.NewInsert().Model(model).Exec(ctx); err != nil {
		return fmt.Errorf("insert %s: %w", objectType, err)
	}
	return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: tenantID, Action: "create", ObjectType: objectType,
		ObjectID: id, Summary: summary})
}

// deleteOwned deletes the entry id of the tenant, or answers
// tenant.ErrNotFound when the tenant has no such entry (another tenant's
// ID included), and writes the audit line of the deletion.
func (s *Store) deleteOwned(ctx context.Context, model any, objectType, tenantID, id string) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Model(model).Where("id = ? AND tenant_id = ?", id, tenantID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("delete %s %s: %w", objectType, id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("%s %s: %w", objectType, id, tenant.ErrNotFound)
		}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: tenantID, Action: "delete", ObjectType: objectType, ObjectID: id})
	})
}
