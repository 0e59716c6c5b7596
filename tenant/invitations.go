package tenant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/tenant/mail"
)

// Invitation asks someone by e-mail to join a tenant in a role. The link it
// sends holds a secret that is stored only as a hash, works once and
// expires.
type Invitation struct {
	bun.BaseModel `bun:"table:invitations"`

	ID         string     `bun:"id,pk" json:"id"`
	TenantID   string     `bun:"tenant_id" json:"tenantId"`
	Email      string     `bun:"email" json:"email"`
	Role       Role       `bun:"role" json:"role"`
	TokenHash  string     `bun:"token_hash" json:"-"`
	InvitedBy  string     `bun:"invited_by" json:"invitedBy"`
	CreatedAt  time.Time  `bun:"created_at" json:"createdAt"`
	ExpiresAt  time.Time  `bun:"expires_at" json:"expiresAt"`
	AcceptedAt *time.Time `bun:"accepted_at" json:"acceptedAt,omitempty"`
	RevokedAt  *time.Time `bun:"revoked_at" json:"revokedAt,omitempty"`
}

// State is "offen", "angenommen", "zurückgezogen" or "abgelaufen".
func (i *Invitation) State(now time.Time) string {
	switch {
	case i.AcceptedAt != nil:
		return "angenommen"
	case i.RevokedAt != nil:
		return "zurückgezogen"
	case now.After(i.ExpiresAt):
		return "abgelaufen"
	}
	return "offen"
}

// InvitationLink is the path of the page where an invitation is accepted.
func InvitationLink(baseURL, token string) string {
	return baseURL + "/admin/einladung/" + token
}

// Invite creates an invitation and queues its mail in one transaction. It
// returns the invitation and the secret token (for tests and the command
// line; the API does not show it).
func (s *Store) Invite(ctx context.Context, tenantID, email string, role Role) (*Invitation, string, error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return nil, "", fieldError("email", "%s", err.Error())
	}
	token := newSecret()
	now := s.now()
	inv := &Invitation{ID: uuid.Must(uuid.NewV7()).String(), TenantID: tenantID, Email: e, Role: role,
		TokenHash: hashSecret(token), InvitedBy: ActorFrom(ctx).Label, CreatedAt: now, ExpiresAt: now.Add(s.opts.InvitationTTL)}
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.tenantForRole(ctx, tx, tenantID, role)
		if err != nil {
			return err
		}
		n, err := tx.NewSelect().Table("memberships").Join("JOIN users ON users.id = memberships.user_id").
			Where("memberships.tenant_id = ? AND users.email = ?", tenantID, e).Count(ctx)
		if err != nil {
			return fmt.Errorf("check membership: %w", err)
		}
		if n > 0 {
			return fieldError("email", "%s ist bereits Mitglied von %s.", e, t.Name)
		}
		if _, err := tx.NewInsert().Model(inv).Exec(ctx); err != nil {
			return fmt.Errorf("insert invitation: %w", err)
		}
		if err := s.mailer.Enqueue(ctx, tx, mail.Message{TenantID: tenantID, To: e, Template: "invitation",
			Data: mail.InvitationData{InviterName: inv.InvitedBy, TenantName: t.Name, RoleLabel: role.Label(),
				Link: InvitationLink(s.opts.BaseURL, token), ExpiresAt: inv.ExpiresAt}}); err != nil {
			return fmt.Errorf("queue invitation mail: %w", err)
		}
		return WriteAudit(ctx, tx, Audit{TenantID: tenantID, Action: "create", ObjectType: "invitation", ObjectID: inv.ID,
			Summary: map[string]any{"email": e, "role": string(role)}})
	})
	if err != nil {
		return nil, "", err
	}
	return inv, token, nil
}

// ListInvitations returns a tenant's invitations, newest first.
func (s *Store) ListInvitations(ctx context.Context, tenantID string) ([]Invitation, error) {
	var out []Invitation
	if err := s.db.Read.NewSelect().Model(&out).Where("tenant_id = ?", tenantID).OrderExpr("created_at DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	if out == nil {
		out = []Invitation{}
	}
	return out, nil
}

// RevokeInvitation withdraws an open invitation of the tenant.
func (s *Store) RevokeInvitation(ctx context.Context, tenantID, id string) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*Invitation)(nil)).Set("revoked_at = ?", s.now()).
			Where("id = ? AND tenant_id = ? AND accepted_at IS NULL AND revoked_at IS NULL", id, tenantID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("revoke invitation: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("open invitation %s: %w", id, ErrNotFound)
		}
		return WriteAudit(ctx, tx, Audit{TenantID: tenantID, Action: "revoke", ObjectType: "invitation", ObjectID: id})
	})
}

// PendingInvitation is what the acceptance page shows before the form.
type PendingInvitation struct {
	Invitation Invitation
	TenantName string
	HasAccount bool // the address already has an account: ask for its password
}

// LookupInvitation finds an open invitation by its secret token.
func (s *Store) LookupInvitation(ctx context.Context, token string) (*PendingInvitation, error) {
	inv := new(Invitation)
	err := s.db.Read.NewSelect().Model(inv).Where("token_hash = ?", hashSecret(token)).Scan(ctx)
	if err != nil || inv.State(s.now()) != "offen" {
		return nil, ErrTokenInvalid
	}
	t, err := s.GetTenant(ctx, inv.TenantID)
	if err != nil {
		return nil, err
	}
	_, uerr := s.UserByEmail(ctx, inv.Email)
	return &PendingInvitation{Invitation: *inv, TenantName: t.Name, HasAccount: uerr == nil}, nil
}

// AcceptInvitation uses an invitation token once. A new address gets an
// account with the given name and password; an existing account proves
// itself with its password and gains the membership.
func (s *Store) AcceptInvitation(ctx context.Context, token, name, password string) (*User, error) {
	var user *User
	err := s.policyTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		inv := new(Invitation)
		if err := tx.NewSelect().Model(inv).Where("token_hash = ?", hashSecret(token)).Scan(ctx); err != nil {
			return ErrTokenInvalid
		}
		now := s.now()
		if inv.State(now) != "offen" {
			return ErrTokenInvalid
		}
		u := new(User)
		err := tx.NewSelect().Model(u).Where("email = ?", inv.Email).Scan(ctx)
		switch {
		case err == nil:
			if !VerifyPassword(u.PasswordHash, password) {
				return fieldError("password", "Für %s gibt es bereits ein Konto; bitte geben Sie dessen Passwort ein.", inv.Email)
			}
			if !u.Active {
				return fieldError("email", "Das Konto %s ist deaktiviert.", inv.Email)
			}
		case errors.Is(err, sql.ErrNoRows):
			var errs FieldErrors
			if err := checkUserName(name); err != nil {
				errs.Add("name", "%s", err.Error())
			}
			if err := CheckPasswordStrength(password); err != nil {
				errs.Add("password", "%s", err.Error())
			}
			if err := errs.Err(); err != nil {
				return err
			}
			hash, err := HashPassword(password)
			if err != nil {
				return err
			}
			u = &User{ID: uuid.Must(uuid.NewV7()).String(), Email: inv.Email, Name: strings.TrimSpace(name),
				PasswordHash: hash, Active: true, CreatedAt: now, UpdatedAt: now, PasswordChangedAt: &now}
			if _, err := tx.NewInsert().Model(u).Exec(ctx); err != nil {
				return fmt.Errorf("insert user: %w", err)
			}
		default:
			return fmt.Errorf("look up invited user: %w", err)
		}
		// Single use even when two requests race: only one update matches.
		res, err := tx.NewUpdate().Model(inv).Set("accepted_at = ?", now).WherePK().Where("accepted_at IS NULL").Exec(ctx)
		if err != nil {
			return fmt.Errorf("accept invitation: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrTokenInvalid
		}
		if err := s.addMembership(ctx, tx, u.ID, inv.TenantID, inv.Role); err != nil {
			return err
		}
		user = u
		ctx = WithActor(ctx, Actor{ID: "user:" + u.ID, Label: u.Email, RequestID: ActorFrom(ctx).RequestID})
		return WriteAudit(ctx, tx, Audit{TenantID: inv.TenantID, Action: "accept", ObjectType: "invitation", ObjectID: inv.ID,
			Summary: map[string]any{"email": inv.Email, "role": string(inv.Role)}})
	})
	return user, err
}
