package tenant

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant/fault"
)

// User is a member of staff: ministry, municipality or Beratungsstelle.
type User struct {
	bun.BaseModel `bun:"table:users"`

	ID                string     `bun:"id,pk" json:"id"`
	Email             string     `bun:"email" json:"email"`
	Name              string     `bun:"name" json:"name"`
	PasswordHash      string     `bun:"password_hash" json:"-"`
	Active            bool       `bun:"active" json:"active"`
	CreatedAt         time.Time  `bun:"created_at" json:"createdAt"`
	UpdatedAt         time.Time  `bun:"updated_at" json:"updatedAt"`
	PasswordChangedAt *time.Time `bun:"password_changed_at" json:"-"`
	LastLoginAt       *time.Time `bun:"last_login_at" json:"lastLoginAt,omitempty"`
}

// Membership gives a user a role in a tenant.
type Membership struct {
	bun.BaseModel `bun:"table:memberships"`

	UserID    string    `bun:"user_id,pk" json:"userId"`
	TenantID  string    `bun:"tenant_id,pk" json:"tenantId"`
	Role      Role      `bun:"role" json:"role"`
	CreatedAt time.Time `bun:"created_at" json:"createdAt"`
}

// NormalizeEmail lower-cases and trims an address and checks its form.
func NormalizeEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || len(e) > MaxEmailLen || !strings.Contains(e[strings.LastIndex(e, "@"):], ".") {
		return "", fmt.Errorf("keine gültige E-Mail-Adresse")
	}
	if err := CheckIdentifier(e); err != nil {
		return "", err
	}
	return e, nil
}

func checkUserName(name string) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(name)); {
	case n == 0:
		return fmt.Errorf("Bitte geben Sie Ihren Namen an.")
	case n > MaxNameLen:
		return fmt.Errorf("Der Name ist länger als %d Zeichen.", MaxNameLen)
	}
	return nil
}

// NewUserInput describes a user to create directly (command line, demo).
type NewUserInput struct {
	Email    string
	Name     string
	Password string
	TenantID string
	Role     Role
}

// CreateUser creates an active user with a membership. It is how the
// command line and the demo loader make the first administrators; everyone
// else arrives through an invitation.
func (s *Store) CreateUser(ctx context.Context, in NewUserInput) (*User, error) {
	var errs FieldErrors
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		errs.Add("email", "%s", err.Error())
	}
	if err := checkUserName(in.Name); err != nil {
		errs.Add("name", "%s", err.Error())
	}
	pwContext := []string{in.Email, in.Name}
	if t, err := s.GetTenant(ctx, in.TenantID); err == nil {
		pwContext = append(pwContext, t.Name)
	}
	if err := CheckPasswordStrength(in.Password, pwContext...); err != nil {
		errs.Add("password", "%s", err.Error())
	}
	if !in.Role.Valid() {
		errs.Add("role", "Unbekannte Rolle %q.", in.Role)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	hash := s.opts.Passwords.Hash(in.Password)
	now := s.now()
	u := &User{ID: uuid.Must(uuid.NewV7()).String(), Email: email, Name: strings.TrimSpace(in.Name),
		PasswordHash: hash, Active: true, CreatedAt: now, UpdatedAt: now, PasswordChangedAt: &now}
	err = s.policyTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.tenantForRole(ctx, tx, in.TenantID, in.Role)
		if err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(u).Exec(ctx); err != nil {
			if migrations.IsUniqueViolation(err) {
				return fault.Field("email", "Es gibt bereits ein Konto mit der E-Mail-Adresse %s.", email)
			}
			return fmt.Errorf("insert user: %w", err)
		}
		if err := s.addMembership(ctx, tx, u.ID, t.ID, in.Role); err != nil {
			return err
		}
		return WriteAudit(ctx, tx, Audit{TenantID: t.ID, Action: "create", ObjectType: "user", ObjectID: u.ID,
			Summary: map[string]any{"after": map[string]any{"email": email, "role": string(in.Role)}}})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// tenantForRole loads the tenant and checks that the role fits its kind.
func (s *Store) tenantForRole(ctx context.Context, db bun.IDB, tenantID string, role Role) (*Tenant, error) {
	var row tenantRow
	if err := db.NewSelect().Model(&row).Where("id = ?", tenantID).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "tenant "+tenantID)
	}
	if !role.Valid() {
		return nil, fault.Field("role", "Unbekannte Rolle %q.", role)
	}
	if !role.FitsKind(row.Kind) {
		return nil, fault.Field("role", "Die Rolle %s passt nicht zu einer Körperschaft der Art %s.", role.Label(), row.Kind.Label())
	}
	return &row.Tenant, nil
}

func (s *Store) addMembership(ctx context.Context, db bun.IDB, userID, tenantID string, role Role) error {
	m := &Membership{UserID: userID, TenantID: tenantID, Role: role, CreatedAt: s.now()}
	if _, err := db.NewInsert().Model(m).Exec(ctx); err != nil {
		if migrations.IsUniqueViolation(err) {
			return fault.Field("email", "Diese Person ist bereits Mitglied.")
		}
		return fmt.Errorf("insert membership: %w", err)
	}
	return nil
}

// GetUser returns a user by ID.
func (s *Store) GetUser(ctx context.Context, id string) (*User, error) {
	u := new(User)
	if err := s.db.Read.NewSelect().Model(u).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "user "+id)
	}
	return u, nil
}

// UserByEmail returns a user by e-mail address.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	u := new(User)
	e := strings.ToLower(strings.TrimSpace(email))
	if err := s.db.Read.NewSelect().Model(u).Where("email = ?", e).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "user "+e)
	}
	return u, nil
}

// Memberships returns a user's memberships.
func (s *Store) Memberships(ctx context.Context, userID string) ([]Membership, error) {
	var ms []Membership
	if err := s.db.Read.NewSelect().Model(&ms).Where("user_id = ?", userID).OrderExpr("created_at").Scan(ctx); err != nil {
		return nil, fmt.Errorf("memberships of %s: %w", userID, err)
	}
	return ms, nil
}

// Member is a user as seen from one tenant.
type Member struct {
	User
	Role     Role   `bun:"role" json:"role"`
	TenantID string `bun:"tenant_id" json:"tenantId"`
}

// ListMembers returns the members of a tenant, by name.
func (s *Store) ListMembers(ctx context.Context, tenantID string) ([]Member, error) {
	var out []Member
	err := s.db.Read.NewSelect().
		ColumnExpr("u.*, m.role, m.tenant_id").
		TableExpr("users AS u").
		Join("JOIN memberships AS m ON m.user_id = u.id").
		Where("m.tenant_id = ?", tenantID).
		OrderExpr("u.name, u.email").
		Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("list members of %s: %w", tenantID, err)
	}
	if out == nil {
		out = []Member{}
	}
	return out, nil
}

// GetMember returns one member of a tenant; ErrNotFound when the user is
// not a member there.
func (s *Store) GetMember(ctx context.Context, tenantID, userID string) (*Member, error) {
	var out Member
	err := s.db.Read.NewSelect().
		ColumnExpr("u.*, m.role, m.tenant_id").
		TableExpr("users AS u").
		Join("JOIN memberships AS m ON m.user_id = u.id").
		Where("m.tenant_id = ? AND u.id = ?", tenantID, userID).
		Scan(ctx, &out)
	if err != nil {
		return nil, fault.NotFound(err, "member "+userID)
	}
	return &out, nil
}

// SetRole changes a member's role in a tenant.
func (s *Store) SetRole(ctx context.Context, tenantID, userID string, role Role) error {
	return s.policyTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.tenantForRole(ctx, tx, tenantID, role); err != nil {
			return err
		}
		var m Membership
		if err := tx.NewSelect().Model(&m).Where("tenant_id = ? AND user_id = ?", tenantID, userID).Scan(ctx); err != nil {
			return fault.NotFound(err, "member "+userID)
		}
		if m.Role == role {
			return nil
		}
		if _, err := tx.NewUpdate().Model((*Membership)(nil)).Set("role = ?", role).
			Where("tenant_id = ? AND user_id = ?", tenantID, userID).Exec(ctx); err != nil {
			return fmt.Errorf("set role: %w", err)
		}
		return WriteAudit(ctx, tx, Audit{TenantID: tenantID, Action: "update", ObjectType: "membership", ObjectID: userID,
			Summary: map[string]any{"before": map[string]any{"role": string(m.Role)}, "after": map[string]any{"role": string(role)}}})
	})
}

// SetUserActive activates or deactivates a user. Deactivation ends every
// session of the user at once. tenantID is where the change is recorded.
func (s *Store) SetUserActive(ctx context.Context, tenantID, userID string, active bool) error {
	return s.policyTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u := new(User)
		if err := tx.NewSelect().Model(u).Where("id = ?", userID).Scan(ctx); err != nil {
			return fault.NotFound(err, "user "+userID)
		}
		if u.Active == active {
			return nil
		}
		if _, err := tx.NewUpdate().Model(u).Set("active = ?", active).Set("updated_at = ?", s.now()).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("set user active: %w", err)
		}
		if !active {
			if _, err := tx.NewDelete().Table("sessions").Where("user_id = ?", userID).Exec(ctx); err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
			if err := s.endPasswordResets(ctx, tx, userID); err != nil {
				return err
			}
		}
		action := "activate"
		if !active {
			action = "deactivate"
		}
		return WriteAudit(ctx, tx, Audit{TenantID: tenantID, Action: action, ObjectType: "user", ObjectID: userID,
			Summary: map[string]any{"email": u.Email}})
	})
}

// RemoveMember ends a user's membership in a tenant.
func (s *Store) RemoveMember(ctx context.Context, tenantID, userID string) error {
	return s.policyTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*Membership)(nil)).Where("tenant_id = ? AND user_id = ?", tenantID, userID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("remove member: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("member %s: %w", userID, ErrNotFound)
		}
		return WriteAudit(ctx, tx, Audit{TenantID: tenantID, Action: "delete", ObjectType: "membership", ObjectID: userID})
	})
}

// ChangePassword sets a new password after checking the current one.
// Other sessions and open reset links of the account end.
func (s *Store) ChangePassword(ctx context.Context, userID, current, next string) error {
	u, err := s.GetUser(ctx, userID)
	if err != nil {
		return err
	}
	if !s.opts.Passwords.Verify(u.PasswordHash, current) {
		return fault.Field("currentPassword", "Das bisherige Passwort stimmt nicht.")
	}
	hash, err := s.newPasswordHash(u, next)
	if err != nil {
		return err
	}
	return s.storePassword(ctx, u, hash, "")
}

// newPasswordHash checks a new password against the rules and the
// account's own words (address, name) and hashes it; a problem is a field
// error on "password".
func (s *Store) newPasswordHash(u *User, next string) (string, error) {
	if err := CheckPasswordStrength(next, u.Email, u.Name); err != nil {
		return "", fault.Field("password", "%s", err.Error())
	}
	return s.opts.Passwords.Hash(next), nil
}

// storePassword stores a new hash, ends all other sessions and every open
// reset link, and records it. keepSession (an ID hash) survives, so the
// user stays logged in.
func (s *Store) storePassword(ctx context.Context, u *User, hash, keepSession string) error {
	now := s.now()
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().Model(u).Set("password_hash = ?", hash).Set("password_changed_at = ?", now).
			Set("updated_at = ?", now).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := tx.NewDelete().Table("sessions").Where("user_id = ? AND id_hash <> ?", u.ID, keepSession).Exec(ctx); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		if err := s.endPasswordResets(ctx, tx, u.ID); err != nil {
			return err
		}
		return WriteAudit(ctx, tx, Audit{Action: "change-password", ObjectType: "user", ObjectID: u.ID})
	})
}
