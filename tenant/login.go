package tenant

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
)

// loginName is the account part of a throttle key: the address as typed,
// normalised as far as possible, so that "Harz@Example.org " and
// "harz@example.org" share one counter whether the account exists or not.
func loginName(email string) string {
	if e, err := NormalizeEmail(email); err == nil {
		return e
	}
	return strings.ToLower(strings.TrimSpace(email))
}

// Authenticate checks an e-mail address and password. Unknown address,
// wrong password and inactive account all answer ErrInvalidLogin, after the
// same work, so that answers reveal nothing about which accounts exist.
// The attempt is counted before the password is hashed (see throttle.go);
// one that has to wait answers a *ThrottledError without any hashing.
func (s *Store) Authenticate(ctx context.Context, email, password, clientIP string) (*User, error) {
	e := loginName(email)
	res, err := s.throttle.ReserveLogin(ctx, "staff", e, clientIP)
	if err != nil {
		return nil, err
	}
	u, err := s.UserByEmail(ctx, e)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	hash := "" // no account: checked against the hasher's dummy, as slow
	if u != nil {
		hash = u.PasswordHash
	}
	if !s.opts.Passwords.Verify(hash, password) || !u.Active {
		return nil, ErrInvalidLogin // the reservation stays counted as a failure
	}
	now := s.now()
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := res.Succeeded(ctx); err != nil {
			return err
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
