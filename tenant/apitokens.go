package tenant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/i18n"
	"sozialplattform/tenant/secret"
)

// APIToken lets a machine client (a Fachverfahren, a script) call the API
// for one tenant in one role. The secret is shown once and stored hashed.
type APIToken struct {
	bun.BaseModel `bun:"table:api_tokens"`

	ID        string `bun:"id,pk" json:"id"`
	TenantID  string `bun:"tenant_id" json:"tenantId"`
	Name      string `bun:"name" json:"name"`
	Role      Role   `bun:"role" json:"role"`
	TokenHash string `bun:"token_hash" json:"-"`
	Prefix    string `bun:"prefix" json:"prefix"`
	CreatedBy string `bun:"created_by" json:"createdBy"`
	// CreatedByID is the creating user ("" for the command line or a token).
	CreatedByID *string    `bun:"created_by_id" json:"-"`
	CreatedAt   time.Time  `bun:"created_at" json:"createdAt"`
	ExpiresAt   *time.Time `bun:"expires_at" json:"expiresAt,omitempty"`
	LastUsedAt  *time.Time `bun:"last_used_at" json:"lastUsedAt,omitempty"`
	RevokedAt   *time.Time `bun:"revoked_at" json:"revokedAt,omitempty"`
	// Orphaned: the token is live but the person who created it is no
	// longer active or no longer a member of the token's tenant or a
	// tenant above it. Set by ListAPITokens.
	Orphaned bool `bun:"-" json:"orphaned" doc:"Die Person, die das Token erzeugt hat, ist nicht mehr aktiv oder nicht mehr Mitglied"`
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
		errs.Append(i18n.Coded("name", i18n.CodeMaxLength, map[string]any{"max": MaxTextLen}))
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
	bearer := tokenPrefix + secret.New()
	actor := ActorFrom(ctx)
	tok := &APIToken{ID: uuid.Must(uuid.NewV7()).String(), TenantID: tenantID, Name: name, Role: role,
		TokenHash: secret.Hash(bearer), Prefix: bearer[:len(tokenPrefix)+6], CreatedBy: actor.Label,
		CreatedAt: now, ExpiresAt: expiresAt}
	if id, ok := strings.CutPrefix(actor.ID, "user:"); ok {
		tok.CreatedByID = &id
	}
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
	return tok, bearer, nil
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
	return out, s.markOrphaned(ctx, out)
}

// markOrphaned sets Orphaned on listed tokens.
func (s *Store) markOrphaned(ctx context.Context, toks []APIToken) error {
	for i := range toks {
		var err error
		if toks[i].Orphaned, err = s.orphaned(ctx, s.db.Read, &toks[i]); err != nil {
			return err
		}
	}
	return nil
}

// orphaned tells whether a live token's creator has left: deactivated,
// deleted, or without a membership in the token's tenant or any tenant
// above it (where a role reaches down to it). Tokens of the command line
// have no creator to leave.
func (s *Store) orphaned(ctx context.Context, db bun.IDB, tok *APIToken) (bool, error) {
	if tok.RevokedAt != nil || tok.CreatedByID == nil {
		return false, nil
	}
	var u User
	if err := db.NewSelect().Model(&u).Column("id", "active").Where("id = ?", *tok.CreatedByID).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return true, nil
		}
		return false, fmt.Errorf("creator of token %s: %w", tok.ID, err)
	}
	if !u.Active {
		return true, nil
	}
	chain, err := tenantChain(ctx, db, tok.TenantID)
	if err != nil {
		return false, err
	}
	n, err := db.NewSelect().Model((*Membership)(nil)).Where("user_id = ? AND tenant_id IN (?)", u.ID, bun.In(chain)).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("memberships of token creator: %w", err)
	}
	return n == 0, nil
}

// tenantChain is a tenant's ID followed by those of the tenants above it.
func tenantChain(ctx context.Context, db bun.IDB, id string) ([]string, error) {
	chain := []string{id}
	for len(chain) < 16 { // the tree is a few levels deep; the bound guards a cycle
		var parent *string
		if err := db.NewSelect().Table("tenants").Column("parent_id").Where("id = ?", chain[len(chain)-1]).Scan(ctx, &parent); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				break
			}
			return nil, fmt.Errorf("tenants above %s: %w", id, err)
		}
		if parent == nil {
			break
		}
		chain = append(chain, *parent)
	}
	return chain, nil
}

// TokenDecision is what happens to the live API tokens a person created
// when they leave a tenant or their account is switched off.
type TokenDecision string

// The decisions.
const (
	// TokensAsk refuses the change with a *TokensPendingError when it
	// would orphan tokens, so that the caller can ask.
	TokensAsk TokenDecision = ""
	// TokensKeep lets them live on; they are shown as orphaned.
	TokensKeep TokenDecision = "keep"
	// TokensRevoke revokes them in the same transaction.
	TokensRevoke TokenDecision = "revoke"
)

// TokensPendingError answers a change that would orphan Tokens when no
// decision was made; nothing was changed.
type TokensPendingError struct {
	Tokens []APIToken
}

func (e *TokensPendingError) Error() string {
	names := make([]string, len(e.Tokens))
	for i, t := range e.Tokens {
		names[i] = "„" + t.Name + "“"
	}
	return fmt.Sprintf("Die Person hat %d API-Token erzeugt, die danach ohne verantwortliche Person weiterliefen (%s). "+
		"Bitte entscheiden Sie, ob sie widerrufen werden oder bleiben.", len(e.Tokens), strings.Join(names, ", "))
}

// Depart runs change – a removal or deactivation of userID – and settles
// the tokens the person created that this change orphans, all in one
// transaction. may limits the tokens to the tenants whose tokens the
// caller may revoke. It returns the revoked tokens.
func (s *Store) Depart(ctx context.Context, userID string, d TokenDecision, may func(tenantID string) bool,
	change func(ctx context.Context) error) ([]APIToken, error) {
	var revoked []APIToken
	err := s.policyTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		before, err := s.orphanedTokensOf(ctx, tx, userID, may)
		if err != nil {
			return err
		}
		if err := change(ctx); err != nil {
			return err
		}
		after, err := s.orphanedTokensOf(ctx, tx, userID, may)
		if err != nil {
			return err
		}
		// Only the tokens this change orphans: ones kept earlier are not asked about again.
		orphans := slices.DeleteFunc(after, func(t APIToken) bool {
			return slices.ContainsFunc(before, func(b APIToken) bool { return b.ID == t.ID })
		})
		if len(orphans) == 0 || d == TokensKeep {
			return nil
		}
		if d != TokensRevoke {
			return &TokensPendingError{Tokens: orphans} // rolls the change back
		}
		now := s.now()
		for _, t := range orphans {
			if _, err := tx.NewUpdate().Model((*APIToken)(nil)).Set("revoked_at = ?", now).
				Where("id = ? AND revoked_at IS NULL", t.ID).Exec(ctx); err != nil {
				return fmt.Errorf("revoke api token: %w", err)
			}
			if err := WriteAudit(ctx, tx, Audit{TenantID: t.TenantID, Action: "revoke", ObjectType: "api-token", ObjectID: t.ID,
				Summary: map[string]any{"name": t.Name, "reason": "creator-left"}}); err != nil {
				return err
			}
			t.RevokedAt = &now
			revoked = append(revoked, t)
		}
		return nil
	})
	return revoked, err
}

// OrphanedTokensOf returns the live tokens userID created that are
// orphaned (see orphaned), among the tenants may accepts (nil: all).
func (s *Store) OrphanedTokensOf(ctx context.Context, userID string, may func(tenantID string) bool) ([]APIToken, error) {
	return s.orphanedTokensOf(ctx, s.db.Read, userID, may)
}

func (s *Store) orphanedTokensOf(ctx context.Context, db bun.IDB, userID string, may func(tenantID string) bool) ([]APIToken, error) {
	var toks []APIToken
	if err := db.NewSelect().Model(&toks).Where("created_by_id = ? AND revoked_at IS NULL", userID).
		Where("expires_at IS NULL OR expires_at > ?", s.now()).OrderExpr("created_at").Scan(ctx); err != nil {
		return nil, fmt.Errorf("tokens created by %s: %w", userID, err)
	}
	var out []APIToken
	for _, t := range toks {
		if may != nil && !may(t.TenantID) {
			continue
		}
		orphan, err := s.orphaned(ctx, db, &t)
		if err != nil {
			return nil, err
		}
		if orphan {
			t.Orphaned = true
			out = append(out, t)
		}
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
func (s *Store) AuthenticateToken(ctx context.Context, bearer string) (*APIToken, error) {
	if !strings.HasPrefix(bearer, tokenPrefix) {
		return nil, ErrInvalidLogin
	}
	tok := new(APIToken)
	if err := s.db.Read.NewSelect().Model(tok).Where("token_hash = ?", secret.Hash(bearer)).Scan(ctx); err != nil {
		return nil, ErrInvalidLogin
	}
	now := s.now()
	if tok.RevokedAt != nil || (tok.ExpiresAt != nil && now.After(*tok.ExpiresAt)) {
		return nil, ErrInvalidLogin
	}
	if err := s.TouchAPIToken(ctx, tok); err != nil {
		return nil, err
	}
	return tok, nil
}

// TouchAPIToken records the use of a live token, at most once a minute: a
// busy client must not turn every read into a write. It sets LastUsedAt
// when it wrote.
func (s *Store) TouchAPIToken(ctx context.Context, tok *APIToken) error {
	now := s.now()
	if tok.LastUsedAt != nil && now.Sub(*tok.LastUsedAt) <= time.Minute {
		return nil
	}
	if _, err := s.db.Write.NewUpdate().Model((*APIToken)(nil)).Set("last_used_at = ?", now).Where("id = ?", tok.ID).Exec(ctx); err != nil {
		return fmt.Errorf("record token use: %w", err)
	}
	tok.LastUsedAt = &now
	return nil
}

// Now is the store's clock (UTC), for callers that judge validity the way
// the store does.
func (s *Store) Now() time.Time { return s.now() }

// GetAPIToken returns a token by ID.
func (s *Store) GetAPIToken(ctx context.Context, id string) (*APIToken, error) {
	tok := new(APIToken)
	if err := s.db.Read.NewSelect().Model(tok).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "api token "+id)
	}
	return tok, nil
}
