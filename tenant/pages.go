package tenant

import (
	"context"
	"fmt"

	"sozialplattform/tenant/keyset"
)

// The API pages the core's listings by these positions (see tenant/keyset):
// each names a row by the values of its listing's order, the ID last.

// TenantKey is a tenant's position in ListTenantsPage: tenants with an
// official key first, by key, then by name.
type TenantKey struct {
	NoKey int    `json:"n"`
	Key   string `json:"k"`
	Name  string `json:"m"`
	ID    string `json:"i"`
}

// PageKey is t's position in ListTenantsPage.
func (t Tenant) PageKey() TenantKey {
	k := TenantKey{NoKey: 1, Name: t.Name, ID: t.ID}
	if t.OfficialKey != nil {
		k.NoKey, k.Key = 0, *t.OfficialKey
	}
	return k
}

var tenantOrder = keyset.Order{
	{Expr: "CASE WHEN official_key IS NULL THEN 1 ELSE 0 END"}, {Expr: "COALESCE(official_key, '')"}, {Expr: "name"}, {Expr: "id"},
}

// ListTenantsPage returns one page of the tenants f matches, plus one row
// more when another page follows (see keyset.Cut). Pages come from the
// store's memory while the tenants' change counter stands (listcache.go);
// the caller owns the slice, but not what its tenants point to
// (OfficialKey, Contacts), which it must not change.
func (s *Store) ListTenantsPage(ctx context.Context, f TenantFilter, p keyset.Page[TenantKey]) ([]Tenant, error) {
	q, ok := f.query(s.db.Read)
	if !ok {
		return []Tenant{}, nil
	}
	// The counter is read before the rows: rows read after it are at
	// least as new as it says (see listcache.go).
	counter, err := s.TenantsCounter(ctx)
	if err != nil {
		return nil, err
	}
	key := s.tenantPages.key(f, p)
	if rows, ok := s.tenantPages.get(counter, key, f.IDs); ok {
		return rows, nil
	}
	var after []any
	if a := p.After; a != nil {
		after = []any{a.NoKey, a.Key, a.Name, a.ID}
	}
	rows, err := scanTenants(ctx, tenantOrder.Apply(q, p.Size(), after...))
	if err != nil {
		return nil, err
	}
	s.tenantPages.put(counter, key, f.IDs, rows)
	return rows, nil
}

// NameKey is a position in a listing ordered by name and e-mail address.
type NameKey struct {
	Name  string `json:"n"`
	Email string `json:"e"`
	ID    string `json:"i"`
}

// PageKey is m's position in ListMembersPage.
func (m Member) PageKey() NameKey { return NameKey{Name: m.Name, Email: m.Email, ID: m.ID} }

var memberOrder = keyset.Order{{Expr: "u.name"}, {Expr: "u.email"}, {Expr: "u.id"}}

// ListMembersPage returns one page of a tenant's members by name (plus one).
func (s *Store) ListMembersPage(ctx context.Context, tenantID string, p keyset.Page[NameKey]) ([]Member, error) {
	q := s.db.Read.NewSelect().
		ColumnExpr("u.*, m.role, m.tenant_id").
		TableExpr("users AS u").
		Join("JOIN memberships AS m ON m.user_id = u.id").
		Where("m.tenant_id = ?", tenantID)
	var after []any
	if a := p.After; a != nil {
		after = []any{a.Name, a.Email, a.ID}
	}
	out := []Member{}
	if err := memberOrder.Apply(q, p.Size(), after...).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("list members of %s: %w", tenantID, err)
	}
	return out, nil
}

// newestFirst orders by creation time, newest first.
var newestFirst = keyset.NewestFirst("created_at")

// InvitationKey is inv's position in ListInvitationsPage.
// (A function, not a method: the type is embedded in API answers, where
// huma cannot describe embedded types that carry methods.)
func InvitationKey(inv Invitation) keyset.TimeKey {
	return keyset.TimeKey{At: inv.CreatedAt, ID: inv.ID}
}

// ListInvitationsPage returns one page of a tenant's invitations, newest
// first (plus one).
func (s *Store) ListInvitationsPage(ctx context.Context, tenantID string, p keyset.Page[keyset.TimeKey]) ([]Invitation, error) {
	out := []Invitation{}
	q := s.db.Read.NewSelect().Model(&out).Where("tenant_id = ?", tenantID)
	if err := newestFirst.Apply(q, p.Size(), p.After.Values()...).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	return out, nil
}

// APITokenKey is tok's position in ListAPITokensPage.
// (A function, not a method: the type is embedded in API answers, where
// huma cannot describe embedded types that carry methods.)
func APITokenKey(tok APIToken) keyset.TimeKey { return keyset.TimeKey{At: tok.CreatedAt, ID: tok.ID} }

// ListAPITokensPage returns one page of a tenant's tokens, newest first
// (plus one).
func (s *Store) ListAPITokensPage(ctx context.Context, tenantID string, p keyset.Page[keyset.TimeKey]) ([]APIToken, error) {
	out := []APIToken{}
	q := s.db.Read.NewSelect().Model(&out).Where("tenant_id = ?", tenantID)
	if err := newestFirst.Apply(q, p.Size(), p.After.Values()...).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list api tokens: %w", err)
	}
	return out, s.markOrphaned(ctx, out)
}

// AuditKey is an entry's position in ListAuditPage (newest first; the
// sequential ID is the order).
type AuditKey struct {
	ID int64 `json:"i"`
}

// PageKey is e's position in ListAuditPage.
func (e AuditEntry) PageKey() AuditKey { return AuditKey{ID: e.ID} }

var auditOrder = keyset.Order{{Expr: "id", Desc: true}}

// ListAuditPage returns one page of matching entries, newest first (plus
// one); f's BeforeID and Limit are not used.
func (s *Store) ListAuditPage(ctx context.Context, f AuditFilter, p keyset.Page[AuditKey]) ([]AuditEntry, error) {
	q, ok := f.query(s.db.Read)
	if !ok {
		return []AuditEntry{}, nil
	}
	var after []any
	if p.After != nil {
		after = []any{p.After.ID}
	}
	return scanAudit(ctx, auditOrder.Apply(q, p.Size(), after...))
}
