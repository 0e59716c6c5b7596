package onboarding

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/secret"
)

// NewCalendarFeed makes a secret subscription token for the tenant's
// calendar (Calendar): calendar apps fetch the feed without logging in, so
// the address itself is the key. Only its SHA-256 is stored; a new token
// replaces the old one, which then stops working. The change is audited.
func (s *Store) NewCalendarFeed(ctx context.Context, tenantID string) (string, error) {
	if _, err := tenantByID(ctx, s.db.Read, tenantID); err != nil {
		return "", err
	}
	token := secret.New()
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewRaw(`INSERT INTO calendar_feeds (tenant_id, token_hash, created_at) VALUES (?, ?, ?)
			ON CONFLICT (tenant_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at`,
			tenantID, secret.Hash(token), s.now()).Exec(ctx); err != nil {
			return fmt.Errorf("store calendar feed of %s: %w", tenantID, err)
		}
		return audit(ctx, tx, tenantID, "calendar-feed", "calendar", tenantID, map[string]any{"note": "neue Abo-Adresse, die alte gilt nicht mehr"})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// CalendarByFeed returns the tenant's calendar for a subscription token,
// or tenant.ErrNotFound when the token is not the tenant's current one.
func (s *Store) CalendarByFeed(ctx context.Context, tenantID, token string) ([]byte, error) {
	var stored string
	err := s.db.Read.NewSelect().Table("calendar_feeds").Column("token_hash").Where("tenant_id = ?", tenantID).Scan(ctx, &stored)
	if err != nil {
		return nil, fault.NotFound(err, "calendar feed of "+tenantID)
	}
	if !secret.Matches(token, stored) {
		return nil, fmt.Errorf("calendar feed of %s: %w", tenantID, tenant.ErrNotFound)
	}
	return s.Calendar(ctx, tenantID)
}
