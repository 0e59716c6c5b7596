package mail

import (
	"context"
	"fmt"

	"sozialplattform/tenant/keyset"
)

// PageKey is m's position in ListPage.
func (m Stored) PageKey() keyset.TimeKey { return keyset.TimeKey{At: m.CreatedAt, ID: m.ID} }

var newestFirst = keyset.NewestFirst("created_at")

// ListPage is List by pages for the API: the staff mails of f, newest
// first, without bodies, plus one row when another page follows; f.Limit
// is not used.
func (o *Outbox) ListPage(ctx context.Context, f ListFilter, p keyset.Page[keyset.TimeKey]) ([]Stored, error) {
	out := []Stored{}
	if f.TenantIDs != nil && len(f.TenantIDs) == 0 {
		return out, nil
	}
	q := f.scope(o.db.Read.NewSelect().Model(&out).Column(listColumns...).Where("audience = ?", AudienceStaff))
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if err := newestFirst.Apply(q, p.Size(), p.After.Values()...).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list mails: %w", err)
	}
	return out, nil
}
