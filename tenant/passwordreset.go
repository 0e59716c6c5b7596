package tenant

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/secret"
)

type passwordReset struct {
	bun.BaseModel `bun:"table:password_resets"`

	TokenHash string     `bun:"token_hash,pk"`
	UserID    string     `bun:"user_id"`
	CreatedAt time.Time  `bun:"created_at"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
}

// RequestPasswordReset mails a reset link when the address belongs to an
// active account. It answers the same either way, so the form reveals
// nothing; the token is returned only for tests ("" when nothing was sent).
// Requests are counted per address and per client address before anything
// else (see throttle.go): a flood sends at most a few mails an hour to one
// address, and the requester sees no difference.
func (s *Store) RequestPasswordReset(ctx context.Context, email, clientIP string) (string, error) {
	e := loginName(email)
	if err := s.throttle.ReserveMail(ctx, "staff-reset", e, clientIP); err != nil {
		if errors.Is(err, ErrThrottled) {
			return "", nil
		}
		return "", err
	}
	u, err := s.UserByEmail(ctx, e)
	if err != nil || !u.Active {
		return "", nil
	}
	token := secret.New()
	now := s.now()
	r := &passwordReset{TokenHash: secret.Hash(token), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.opts.PasswordResetTTL)}
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(r).Exec(ctx); err != nil {
			return fmt.Errorf("insert password reset: %w", err)
		}
		if err := s.mailer.Enqueue(ctx, tx, mail.Message{To: u.Email, Template: "password-reset",
			Data: mail.PasswordResetData{Name: u.Name, Link: s.opts.Links.PasswordReset.To(token), ExpiresAt: r.ExpiresAt}}); err != nil {
			return fmt.Errorf("queue password reset mail: %w", err)
		}
		return WriteAudit(ctx, tx, Audit{Action: "request-password-reset", ObjectType: "user", ObjectID: u.ID})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// ResetPassword uses a reset token once to set a new password. Every
// session of the user ends, and every other reset link of the account dies
// with it: an older mail found later opens nothing.
func (s *Store) ResetPassword(ctx context.Context, token, password string) error {
	r := new(passwordReset)
	if err := s.db.Read.NewSelect().Model(r).Where("token_hash = ?", secret.Hash(token)).Scan(ctx); err != nil {
		return ErrTokenInvalid
	}
	if r.UsedAt != nil || s.now().After(r.ExpiresAt) {
		return ErrTokenInvalid
	}
	u, err := s.GetUser(ctx, r.UserID)
	if err != nil {
		return err
	}
	if !u.Active {
		return ErrTokenInvalid
	}
	hash, err := s.newPasswordHash(u, password)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// Single use even when two requests race: only one update matches.
		res, err := tx.NewUpdate().Model(r).Set("used_at = ?", s.now()).WherePK().
			Where("used_at IS NULL").Where("expires_at > ?", s.now()).Exec(ctx)
		if err != nil {
			return fmt.Errorf("use password reset: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrTokenInvalid
		}
		return s.storePassword(ctx, u, hash, "")
	})
}

// endPasswordResets makes every open reset link of a user useless; it runs
// whenever the password changes or the account is switched off.
func (s *Store) endPasswordResets(ctx context.Context, db bun.IDB, userID string) error {
	if _, err := db.NewUpdate().Model((*passwordReset)(nil)).Set("used_at = ?", s.now()).
		Where("user_id = ? AND used_at IS NULL", userID).Exec(ctx); err != nil {
		return fmt.Errorf("end password resets: %w", err)
	}
	return nil
}
