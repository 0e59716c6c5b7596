package tenant

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/secret"
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

// Invite creates an invitation and queues its mail in one transaction. It
// returns the invitation and the secret token (for tests and the command
// line; the API does not show it).
func (s *Store) Invite(ctx context.Context, tenantID, email string, role Role) (*Invitation, string, error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return nil, "", fault.Field("email", "%s", err.Error())
	}
	token := secret.New()
	now := s.now()
	inv := &Invitation{ID: uuid.Must(uuid.NewV7()).String(), TenantID: tenantID, Email: e, Role: role,
		TokenHash: secret.Hash(token), InvitedBy: ActorFrom(ctx).Label, CreatedAt: now, ExpiresAt: now.Add(s.opts.InvitationTTL)}
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
			return fault.Field("email", "%s ist bereits Mitglied von %s.", e, t.Name)
		}
		if _, err := tx.NewInsert().Model(inv).Exec(ctx); err != nil {
			return fmt.Errorf("insert invitation: %w", err)
		}
		if err := s.mailer.Enqueue(ctx, tx, mail.Message{TenantID: tenantID, To: e, Template: "invitation",
			Data: mail.InvitationData{InviterName: inv.InvitedBy, TenantName: t.Name, RoleLabel: role.Label(),
				Link: s.opts.Links.Invitation.To(token), ExpiresAt: inv.ExpiresAt}}); err != nil {
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

// Answers of an acceptance that cannot go ahead.
var (
	// ErrLoginRequired: the invitation is accepted by the logged-in
	// account of the invited address, or with name and password by an
	// address that has no account yet. The answer is the same whether the
	// address has an account or not: an inviter who reads the link must
	// not learn it, nor test the account's password.
	ErrLoginRequired = errors.New("Bitte melden Sie sich an, um die Einladung anzunehmen. Ein neues Konto lässt sich hier nur " +
		"für eine Adresse anlegen, die noch keines hat; haben Sie schon eines, melden Sie sich damit an und öffnen Sie den Link erneut.")
	// ErrInvitationForOther: the logged-in account is not the invited one.
	ErrInvitationForOther = errors.New("Diese Einladung gilt für eine andere E-Mail-Adresse. Bitte melden Sie sich mit dem " +
		"eingeladenen Konto an.")
)

// PendingInvitation is what the acceptance page shows before the form. It
// does not say whether the address has an account.
type PendingInvitation struct {
	Invitation Invitation
	TenantName string
}

// LookupInvitation finds an open invitation by its secret token.
func (s *Store) LookupInvitation(ctx context.Context, token string) (*PendingInvitation, error) {
	inv, err := s.openInvitation(ctx, s.db.Read, token)
	if err != nil {
		return nil, err
	}
	t, err := s.GetTenant(ctx, inv.TenantID)
	if err != nil {
		return nil, err
	}
	return &PendingInvitation{Invitation: *inv, TenantName: t.Name}, nil
}

func (s *Store) openInvitation(ctx context.Context, db bun.IDB, token string) (*Invitation, error) {
	inv := new(Invitation)
	if err := db.NewSelect().Model(inv).Where("token_hash = ?", secret.Hash(token)).Scan(ctx); err != nil {
		return nil, ErrTokenInvalid
	}
	if inv.State(s.now()) != "offen" {
		return nil, ErrTokenInvalid
	}
	return inv, nil
}

// AcceptInvitationAs accepts an invitation for the logged-in user, whose
// address must be the invited one. No password is asked: the login proved
// the account (with its throttling), the link only names the membership.
func (s *Store) AcceptInvitationAs(ctx context.Context, token, userID string) (*User, error) {
	var user *User
	err := s.policyTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		inv, err := s.openInvitation(ctx, tx, token)
		if err != nil {
			return err
		}
		u := new(User)
		if err := tx.NewSelect().Model(u).Where("id = ?", userID).Scan(ctx); err != nil || !u.Active {
			return ErrLoginRequired
		}
		if u.Email != inv.Email {
			return ErrInvitationForOther
		}
		user = u
		return s.accept(ctx, tx, inv, u)
	})
	return user, err
}

// AcceptInvitationNewAccount creates the account of an invited address
// that has none, with the given name and password, and accepts. Without
// name and password, and for an address that has an account, it answers
// ErrLoginRequired – the same either way, after the same work.
func (s *Store) AcceptInvitationNewAccount(ctx context.Context, token, name, password string) (*User, error) {
	inv, err := s.openInvitation(ctx, s.db.Read, token)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) == "" && password == "" {
		return nil, ErrLoginRequired
	}
	var errs FieldErrors
	if err := checkUserName(name); err != nil {
		errs.Add("name", "%s", err.Error())
	}
	pwContext := []string{inv.Email, name}
	if t, err := s.GetTenant(ctx, inv.TenantID); err == nil {
		pwContext = append(pwContext, t.Name)
	}
	if err := CheckPasswordStrength(password, pwContext...); err != nil {
		errs.Add("password", "%s", err.Error())
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	hash := s.opts.Passwords.Hash(password) // also for an existing address: the same work
	var user *User
	err = s.policyTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		inv, err := s.openInvitation(ctx, tx, token)
		if err != nil {
			return err
		}
		n, err := tx.NewSelect().Model((*User)(nil)).Where("email = ?", inv.Email).Count(ctx)
		if err != nil {
			return fmt.Errorf("look up invited address: %w", err)
		}
		if n > 0 {
			return ErrLoginRequired
		}
		now := s.now()
		u := &User{ID: uuid.Must(uuid.NewV7()).String(), Email: inv.Email, Name: strings.TrimSpace(name),
			PasswordHash: hash, Active: true, CreatedAt: now, UpdatedAt: now, PasswordChangedAt: &now}
		if _, err := tx.NewInsert().Model(u).Exec(ctx); err != nil {
			if migrations.IsUniqueViolation(err) {
				return ErrLoginRequired // created meanwhile
			}
			return fmt.Errorf("insert user: %w", err)
		}
		user = u
		return s.accept(ctx, tx, inv, u)
	})
	if err != nil {
		return nil, err
	}
	return user, nil
}

// accept marks the invitation used (once, even when two requests race)
// and gives the user the membership.
func (s *Store) accept(ctx context.Context, tx bun.Tx, inv *Invitation, u *User) error {
	res, err := tx.NewUpdate().Model(inv).Set("accepted_at = ?", s.now()).WherePK().Where("accepted_at IS NULL").Exec(ctx)
	if err != nil {
		return fmt.Errorf("accept invitation: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrTokenInvalid
	}
	if err := s.addMembership(ctx, tx, u.ID, inv.TenantID, inv.Role); err != nil {
		return err
	}
	ctx = WithActor(ctx, Actor{ID: "user:" + u.ID, Label: u.Email, RequestID: ActorFrom(ctx).RequestID})
	return WriteAudit(ctx, tx, Audit{TenantID: inv.TenantID, Action: "accept", ObjectType: "invitation", ObjectID: inv.ID,
		Summary: map[string]any{"email": inv.Email, "role": string(inv.Role)}})
}
