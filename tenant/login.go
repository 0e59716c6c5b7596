package tenant

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Login throttling: an account is locked for a while after a few failures,
// and an address after many, whichever comes first. Both counters live in
// the database so that every instance sees them.
const (
	accountFailureLimit = 5
	ipFailureLimit      = 30
	throttleWindow      = 15 * time.Minute
	throttleLock        = 15 * time.Minute
)

type throttleRow struct {
	bun.BaseModel `bun:"table:login_throttle"`

	Key         string     `bun:"key,pk"`
	Failures    int        `bun:"failures"`
	WindowStart time.Time  `bun:"window_start"`
	LockedUntil *time.Time `bun:"locked_until"`
}

// Authenticate checks an e-mail address and password. Unknown address,
// wrong password and inactive account all answer ErrInvalidLogin, after the
// same work, so that answers reveal nothing about which accounts exist.
func (s *Store) Authenticate(ctx context.Context, email, password, clientIP string) (*User, error) {
	e, _ := NormalizeEmail(email)
	keys := []string{"account:" + e, "ip:" + clientIP}
	if err := s.checkThrottle(ctx, keys); err != nil {
		return nil, err
	}
	u, err := s.UserByEmail(ctx, e)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if u == nil {
		VerifyPassword(dummyHash, password)
	}
	if u == nil || !VerifyPassword(u.PasswordHash, password) || !u.Active {
		if err := s.recordFailure(ctx, keys); err != nil {
			return nil, err
		}
		return nil, ErrInvalidLogin
	}
	now := s.now()
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*throttleRow)(nil)).Where("key = ?", keys[0]).Exec(ctx); err != nil {
			return fmt.Errorf("reset login throttle: %w", err)
		}
		if _, err := tx.NewUpdate().Model(u).Set("last_login_at = ?", now).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("record login: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	u.LastLoginAt = &now
	return u, nil
}

func (s *Store) checkThrottle(ctx context.Context, keys []string) error {
	var rows []throttleRow
	if err := s.db.Read.NewSelect().Model(&rows).Where("key IN (?)", bun.In(keys)).Scan(ctx); err != nil {
		return fmt.Errorf("read login throttle: %w", err)
	}
	now := s.now()
	for _, r := range rows {
		if r.LockedUntil != nil && r.LockedUntil.After(now) {
			return ErrThrottled
		}
	}
	return nil
}

func (s *Store) recordFailure(ctx context.Context, keys []string) error {
	now := s.now()
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for _, key := range keys {
			limit := accountFailureLimit
			if key[:3] == "ip:" {
				limit = ipFailureLimit
			}
			var r throttleRow
			err := tx.NewSelect().Model(&r).Where("key = ?", key).Scan(ctx)
			if err != nil || now.Sub(r.WindowStart) > throttleWindow {
				r = throttleRow{Key: key, WindowStart: now}
			}
			r.Failures++
			if r.Failures >= limit {
				until := now.Add(throttleLock)
				r.LockedUntil = &until
				r.Failures = 0
				r.WindowStart = now
			}
			if _, err := tx.NewInsert().Model(&r).On("CONFLICT (key) DO UPDATE").
				Set("failures = EXCLUDED.failures").Set("window_start = EXCLUDED.window_start").
				Set("locked_until = EXCLUDED.locked_until").Exec(ctx); err != nil {
				return fmt.Errorf("record login failure: %w", err)
			}
		}
		return nil
	})
}
