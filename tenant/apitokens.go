package tenant

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// APIToken lets a machine client (a Fachverfahren, a script) call the API
// for one tenant in one role. The secret is shown once and stored hashed.
type APIToken struct {
	bun.BaseModel `bun:"table:api_tokens"`

	ID         string     `bun:"id,pk" json:"id"`
	TenantID   string     `bun:"tenant_id" json:"tenantId"`
	Name       string     `bun:"name" json:"name"`
	Role       Role       `bun:"role" json:"role"`
	TokenHash  string     `bun:"token_hash" json:"-"`
	Prefix     string     `bun:"prefix" json:"prefix"`
	CreatedBy  string     `bun:"created_by" json:"createdBy"`
	CreatedAt  time.Time  `bun:"created_at" json:"createdAt"`
	ExpiresAt  *time.Time `bun:"expires_at" json:"expiresAt,omitempty"`
	LastUsedAt *time.Time `bun:"last_used_at" json:"lastUsedAt,omitempty"`
	RevokedAt  *time.Time `bun:"revoked_at" json:"revokedAt,omitempty"`
}

// tokenPrefix marks the platform's tokens so that secret scanners find them.
const tokenPrefix = "spt_"

// CreateAPIToken makes a token and returns it with its secret, which is
// never retrievable again.
func (s *Store) CreateAPIToken(ctx context.Context, tenantID, name string, role Role, expiresAt *time.Time) (*APIToken, string, error) {
	name = strings.TrimSpace(name)
	var errs FieldErrors
	switch {
	case name == "":
		errs.Add("name", "Bitte geben Sie dem Token einen Namen.")
	case utf8.RuneCountInString(name) > MaxTextLen:
		errs.Add("name", "Höchstens %d Zeichen.", MaxTextLen)
	}
	if err := CheckIdentifier(name); err != nil {
		errs.Add("name", "%s", err.Error())
	}
	now := s.now()
	if expiresAt != nil && !expiresAt.After(now) {
		errs.Add("expiresAt", "Das Ablaufdatum muss in der Zukunft liegen.")
	}
	if err := errs.Err(); err != nil {
		return nil, "", err
	}
	secret := tokenPrefix + newSecret()
	tok := &APIToken{ID: uuid.Must(uuid.NewV7()).String(), TenantID: tenantID, Name: name, Role: role,
		TokenHash: hashSecret(secret), Prefix: secret[:len(tokenPrefix)+6], CreatedBy: ActorFrom(ctx).Label,
		CreatedAt: now, ExpiresAt: expiresAt}
	err := s.policyTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.tenantForRole(ctx, tx, tenantID, role); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(tok).Exec(ctx); err != nil {
			return fmt.Errorf("insert api token: %w", err)
		}
		return WriteAudit(ctx, tx, Audit{TenantID: tenantID, Action: "create", ObjectType: "api-token", ObjectID: tok.ID,
			Summary: map[string]any{"name": name, "role": string(role)}})
	})
	if err != nil {
		return nil, "", err
	}
	return tok, secret, nil
}

// ListAPITokens returns a tenant's tokens, newest first.
func (s *Store) ListAPITokens(ctx context.Context, tenantID string) ([]APIToken, error) {
	var out []APIToken
	if err := s.db.Read.NewSelect().Model(&out).Where("tenant_id = ?", tenantID).OrderExpr("created_at DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list api tokens: %w", err)
	}
	if out == nil {
		out = []APIToken{}
	}
	return out, nil
}

// RevokeAPIToken makes a token of the tenant useless at once.
func (s *Store) RevokeAPIToken(ctx context.Context, tenantID, id string) error {
	return s.policyTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*APIToken)(nil)).Set("revoked_at = ?", s.now()).
			Where("id = ? AND tenant_id = ? AND revoked_at IS NULL", id, tenantID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("revoke api token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("api token %s: %w", id, ErrNotFound)
		}
		return WriteAudit(ctx, tx, Audit{TenantID: tenantID, Action: "revoke", ObjectType: "api-token", ObjectID: id})
	})
}

// AuthenticateToken returns the live token a bearer secret belongs to.
func (s *Store) AuthenticateToken(ctx context.Context, secret string) (*APIToken, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return nil, ErrInvalidLogin
	}
	tok := new(APIToken)
	if err := s.db.Read.NewSelect().Model(tok).Where("token_hash = ?", hashSecret(secret)).Scan(ctx); err != nil {
		return nil, ErrInvalidLogin
	}
	now := s.now()
	if tok.RevokedAt != nil || (tok.ExpiresAt != nil && now.After(*tok.ExpiresAt)) {
		return nil, ErrInvalidLogin
	}
	// Record use at most once a minute: a busy client must not turn every
	// read into a write.
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) > time.Minute {
		if _, err := s.db.Write.NewUpdate().Model(tok).Set("last_used_at = ?", now).WherePK().Exec(ctx); err != nil {
			return nil, fmt.Errorf("record token use: %w", err)
		}
		tok.LastUsedAt = &now
	}
	return tok, nil
}

// GetAPIToken returns a token by ID.
func (s *Store) GetAPIToken(ctx context.Context, id string) (*APIToken, error) {
	tok := new(APIToken)
	if err := s.db.Read.NewSelect().Model(tok).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "api token "+id)
	}
	return tok, nil
}
