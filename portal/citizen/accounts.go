package citizen

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
)

// TrustLevel is the Vertrauensniveau of a login.
type TrustLevel string

// The trust levels.
const (
	TrustNiedrig      TrustLevel = "niedrig"
	TrustSubstanziell TrustLevel = "substanziell"
	TrustHoch         TrustLevel = "hoch"
)

// Account is a citizen's Servicekonto.
type Account struct {
	bun.BaseModel `bun:"table:citizens"`

	ID               string     `bun:"id,pk"`
	LoginEmail       *string    `bun:"login_email"`
	Email            string     `bun:"email"`
	Name             string     `bun:"name"`
	PasswordHash     string     `bun:"password_hash"`
	EmailConfirmedAt *time.Time `bun:"email_confirmed_at"`
	SAMLIssuer       *string    `bun:"saml_issuer"`
	SAMLSubject      *string    `bun:"saml_subject"`
	CreatedAt        time.Time  `bun:"created_at"`
	UpdatedAt        time.Time  `bun:"updated_at"`
	LastLoginAt      *time.Time `bun:"last_login_at"`
}

// Confirmed reports whether the account may log in with its password.
func (a *Account) Confirmed() bool { return a.EmailConfirmedAt != nil }

type tokenRow struct {
	bun.BaseModel `bun:"table:citizen_tokens"`

	TokenHash string     `bun:"token_hash,pk"`
	CitizenID string     `bun:"citizen_id"`
	Purpose   string     `bun:"purpose"`
	CreatedAt time.Time  `bun:"created_at"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
}

// Token purposes.
const (
	purposeConfirm = "confirm"
	purposeReset   = "reset"
)

// Errors of the accounts.
var (
	ErrInvalidLogin = errors.New("E-Mail-Adresse oder Passwort ist falsch")
	ErrNotConfirmed = errors.New("die E-Mail-Adresse ist noch nicht bestätigt")
	ErrThrottled    = errors.New("zu viele fehlgeschlagene Anmeldeversuche")
	ErrTokenInvalid = errors.New("der Link ist ungültig, abgelaufen oder wurde bereits verwendet")
	ErrNotFound     = errors.New("nicht gefunden")
)

// Mailer queues mails in the caller's transaction.
type Mailer interface {
	Enqueue(ctx context.Context, db bun.IDB, m mail.Message) error
}

// Options tune the accounts.
type Options struct {
	BaseURL    string
	ConfirmTTL time.Duration // default 48 hours
	ResetTTL   time.Duration // default 1 hour
	Now        func() time.Time
}

// Store keeps the citizens' accounts.
type Store struct {
	db     *migrations.DB
	mailer Mailer
	opts   Options
}

// NewStore returns the accounts store.
func NewStore(db *migrations.DB, mailer Mailer, opts Options) *Store {
	if opts.ConfirmTTL <= 0 {
		opts.ConfirmTTL = 48 * time.Hour
	}
	if opts.ResetTTL <= 0 {
		opts.ResetTTL = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.BaseURL = strings.TrimSuffix(opts.BaseURL, "/")
	return &Store{db: db, mailer: mailer, opts: opts}
}

func (s *Store) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// ConfirmLink and ResetLink are the pages of the links in the mails;
// accountURL is the account area of the site the citizen used, e.g.
// "https://…/landkreis-harz/servicekonto".
func ConfirmLink(accountURL, token string) string { return accountURL + "/bestaetigen/" + token }

// ResetLink is where a new password is set.
func ResetLink(accountURL, token string) string { return accountURL + "/passwort/" + token }

// Register creates an unconfirmed account and mails the confirmation link.
// An address that has an account already gets a mail saying so instead,
// and the answer is the same, so that the form reveals no accounts. The
// token is returned for tests ("" when none was made).
func (s *Store) Register(ctx context.Context, email, password, name, accountURL string) (string, error) {
	var fe tenant.FieldErrors
	e, err := tenant.NormalizeEmail(email)
	if err != nil {
		fe.Add("email", "Bitte geben Sie eine gültige E-Mail-Adresse ein.")
	}
	if err := tenant.CheckPasswordStrength(password); err != nil {
		fe.Add("password", "%s", err.Error())
	}
	name = strings.TrimSpace(name)
	if len([]rune(name)) > 100 {
		fe.Add("name", "Der Name ist zu lang.")
	}
	if err := fe.Err(); err != nil {
		return "", err
	}
	existing, err := s.ByEmail(ctx, e)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return "", err
	}
	now := s.now()
	if existing != nil {
		if existing.Confirmed() {
			return "", s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
				return s.mailer.Enqueue(ctx, tx, mail.Message{To: e, Template: MailExists, Data: LinkData{Link: accountURL + "/passwort-vergessen"}})
			})
		}
		// Not confirmed yet: send a fresh link (the password stays).
		return s.sendToken(ctx, existing, purposeConfirm, MailConfirm, s.opts.ConfirmTTL, accountURL)
	}
	hash, err := tenant.HashPassword(password)
	if err != nil {
		return "", err
	}
	a := &Account{ID: uuid.NewString(), LoginEmail: &e, Email: e, Name: name, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	token := newSecret()
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(a).Exec(ctx); err != nil {
			if strings.Contains(err.Error(), "UNIQUE") || strings.Contains(err.Error(), "23505") {
				return nil // registered meanwhile: say nothing
			}
			return fmt.Errorf("create citizen: %w", err)
		}
		return s.insertToken(ctx, tx, a, token, purposeConfirm, MailConfirm, s.opts.ConfirmTTL, accountURL)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

func (s *Store) sendToken(ctx context.Context, a *Account, purpose, template string, ttl time.Duration, accountURL string) (string, error) {
	token := newSecret()
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.insertToken(ctx, tx, a, token, purpose, template, ttl, accountURL)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

func (s *Store) insertToken(ctx context.Context, tx bun.IDB, a *Account, token, purpose, template string, ttl time.Duration, accountURL string) error {
	now := s.now()
	row := &tokenRow{TokenHash: hashSecret(token), CitizenID: a.ID, Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
		return fmt.Errorf("store citizen link: %w", err)
	}
	link := ConfirmLink(accountURL, token)
	if purpose == purposeReset {
		link = ResetLink(accountURL, token)
	}
	return s.mailer.Enqueue(ctx, tx, mail.Message{To: a.Email, Template: template, Data: LinkData{Name: a.Name, Link: link, ExpiresAt: row.ExpiresAt}})
}

// useToken marks a token used, once; it returns the account.
func (s *Store) useToken(ctx context.Context, tx bun.IDB, token, purpose string) (*Account, error) {
	if token == "" || len(token) > 100 {
		return nil, ErrTokenInvalid
	}
	now := s.now()
	res, err := tx.NewUpdate().Model((*tokenRow)(nil)).Set("used_at = ?", now).
		Where("token_hash = ?", hashSecret(token)).Where("purpose = ?", purpose).Where("used_at IS NULL").Where("expires_at > ?", now).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("use citizen link: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, ErrTokenInvalid
	}
	var row tokenRow
	if err := tx.NewSelect().Model(&row).Where("token_hash = ?", hashSecret(token)).Scan(ctx); err != nil {
		return nil, err
	}
	a := new(Account)
	if err := tx.NewSelect().Model(a).Where("id = ?", row.CitizenID).Scan(ctx); err != nil {
		return nil, ErrTokenInvalid
	}
	return a, nil
}

// Confirm uses a confirmation link and confirms the address.
func (s *Store) Confirm(ctx context.Context, token string) (*Account, error) {
	var out *Account
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		a, err := s.useToken(ctx, tx, token, purposeConfirm)
		if err != nil {
			return err
		}
		now := s.now()
		if a.EmailConfirmedAt == nil {
			a.EmailConfirmedAt = &now
		}
		if _, err := tx.NewUpdate().Model(a).Set("email_confirmed_at = ?", a.EmailConfirmedAt).Set("updated_at = ?", now).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("confirm citizen: %w", err)
		}
		out = a
		return nil
	})
	return out, err
}

// ByEmail finds the password account of an address.
func (s *Store) ByEmail(ctx context.Context, email string) (*Account, error) {
	a := new(Account)
	if err := s.db.Read.NewSelect().Model(a).Where("login_email = ?", strings.ToLower(strings.TrimSpace(email))).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("citizen by e-mail: %w", err)
	}
	return a, nil
}

// Get returns an account.
func (s *Store) Get(ctx context.Context, id string) (*Account, error) {
	a := new(Account)
	if err := s.db.Read.NewSelect().Model(a).Where("id = ?", id).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("get citizen: %w", err)
	}
	return a, nil
}

// dummyHash keeps a login for an unknown address as slow as a wrong
// password (an argon2id hash of a throw-away password).
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$mJWTOTJrXgOOnPUEko+5Sg$czBZPfQksonsFmL8Juqr5vFvN7XrzwDA90PYAusTPoo"

// Authenticate checks a password login. Unknown address and wrong
// password answer the same after the same work; an unconfirmed account
// answers ErrNotConfirmed only with the right password. Failures are
// throttled per address and per client address.
func (s *Store) Authenticate(ctx context.Context, email, password, clientIP string) (*Account, error) {
	e, _ := tenant.NormalizeEmail(email)
	keys := []string{"citizen:" + e, "citizen-ip:" + clientIP}
	if err := s.checkThrottle(ctx, keys); err != nil {
		return nil, err
	}
	a, err := s.ByEmail(ctx, e)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if a == nil || a.PasswordHash == "" {
		tenant.VerifyPassword(dummyHash, password)
		return nil, s.fail(ctx, keys)
	}
	if !tenant.VerifyPassword(a.PasswordHash, password) {
		return nil, s.fail(ctx, keys)
	}
	if !a.Confirmed() {
		return nil, ErrNotConfirmed
	}
	now := s.now()
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewRaw("DELETE FROM login_throttle WHERE key = ?", keys[0]).Exec(ctx); err != nil {
			return err
		}
		_, err := tx.NewUpdate().Model(a).Set("last_login_at = ?", now).WherePK().Exec(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record citizen login: %w", err)
	}
	return a, nil
}

// Throttling after tenant's rules: 5 failures lock an address for 15
// minutes, 30 a client address.
const (
	accountLimit   = 5
	ipLimit        = 30
	throttleWindow = 15 * time.Minute
)

func (s *Store) checkThrottle(ctx context.Context, keys []string) error {
	var n int
	if err := s.db.Read.NewRaw("SELECT COUNT(*) FROM login_throttle WHERE key IN (?) AND locked_until > ?", bun.In(keys), s.now()).Scan(ctx, &n); err != nil {
		return fmt.Errorf("read login throttle: %w", err)
	}
	if n > 0 {
		return ErrThrottled
	}
	return nil
}

func (s *Store) fail(ctx context.Context, keys []string) error {
	now := s.now()
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for _, key := range keys {
			limit := accountLimit
			if strings.HasPrefix(key, "citizen-ip:") {
				limit = ipLimit
			}
			var failures int
			var start time.Time
			err := tx.NewRaw("SELECT failures, window_start FROM login_throttle WHERE key = ?", key).Scan(ctx, &failures, &start)
			if err != nil || now.Sub(start) > throttleWindow {
				failures, start = 0, now
			}
			failures++
			var locked *time.Time
			if failures >= limit {
				until := now.Add(throttleWindow)
				locked, failures, start = &until, 0, now
			}
			if _, err := tx.NewRaw(`INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES (?, ?, ?, ?)
				ON CONFLICT (key) DO UPDATE SET failures = EXCLUDED.failures, window_start = EXCLUDED.window_start, locked_until = EXCLUDED.locked_until`,
				key, failures, start, locked).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record citizen login failure: %w", err)
	}
	return ErrInvalidLogin
}

// RequestReset mails a reset link when the address has a password
// account; the answer is the same either way. The token is for tests.
func (s *Store) RequestReset(ctx context.Context, email, accountURL string) (string, error) {
	a, err := s.ByEmail(ctx, email)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return "", nil
		}
		return "", err
	}
	return s.sendToken(ctx, a, purposeReset, MailReset, s.opts.ResetTTL, accountURL)
}

// ResetPassword uses a reset link once to set a new password; it also
// confirms the address (the link arrived there).
func (s *Store) ResetPassword(ctx context.Context, token, password string) (*Account, error) {
	if err := tenant.CheckPasswordStrength(password); err != nil {
		var fe tenant.FieldErrors
		fe.Add("password", "%s", err.Error())
		return nil, fe
	}
	hash, err := tenant.HashPassword(password)
	if err != nil {
		return nil, err
	}
	var out *Account
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		a, err := s.useToken(ctx, tx, token, purposeReset)
		if err != nil {
			return err
		}
		now := s.now()
		if a.EmailConfirmedAt == nil {
			a.EmailConfirmedAt = &now
		}
		if _, err := tx.NewUpdate().Model(a).Set("password_hash = ?", hash).Set("email_confirmed_at = ?", a.EmailConfirmedAt).
			Set("updated_at = ?", now).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("reset citizen password: %w", err)
		}
		out = a
		return nil
	})
	return out, err
}

// SAMLAccount finds or creates the account of an identity at an identity
// provider (issuer + persistent subject). It is never merged with a
// password account of the same address: the IdP vouches for its subject,
// not for our accounts.
func (s *Store) SAMLAccount(ctx context.Context, issuer, subject, email, name string) (*Account, error) {
	if issuer == "" || subject == "" {
		return nil, errors.New("SAML identity without issuer or subject")
	}
	now := s.now()
	a := new(Account)
	err := s.db.Read.NewSelect().Model(a).Where("saml_issuer = ?", issuer).Where("saml_subject = ?", subject).Scan(ctx)
	if err == nil {
		_, err = s.db.Write.NewUpdate().Model(a).Set("last_login_at = ?", now).Set("email = ?", email).Set("name = ?", name).WherePK().Exec(ctx)
		if err != nil {
			return nil, fmt.Errorf("record SAML login: %w", err)
		}
		a.Email, a.Name = email, name
		return a, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("SAML account: %w", err)
	}
	a = &Account{ID: uuid.NewString(), Email: email, Name: name, EmailConfirmedAt: &now, SAMLIssuer: &issuer, SAMLSubject: &subject,
		CreatedAt: now, UpdatedAt: now, LastLoginAt: &now}
	if _, err := s.db.Write.NewInsert().Model(a).Exec(ctx); err != nil {
		return nil, fmt.Errorf("create SAML account: %w", err)
	}
	return a, nil
}
