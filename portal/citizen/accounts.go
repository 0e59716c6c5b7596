package citizen

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant"
	"sozialplattform/tenant/clock"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/secret"
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
	ErrThrottled    = tenant.ErrThrottled // a *tenant.ThrottledError says how long to wait
	ErrTokenInvalid = errors.New("der Link ist ungültig, abgelaufen oder wurde bereits verwendet")
	ErrNotFound     = fmt.Errorf("%w", tenant.ErrNotFound) // an account; also tenant.ErrNotFound
)

// Mailer queues mails in the caller's transaction.
type Mailer interface {
	Enqueue(ctx context.Context, db bun.IDB, m mail.Message) error
}

// Options tune the accounts.
type Options struct {
	// Links are the Servicekonto's pages the mails point to.
	Links      Links
	ConfirmTTL time.Duration // default 48 hours
	ResetTTL   time.Duration // default 1 hour
	Now        func() time.Time
	// Passwords hashes and checks the passwords; nil: a hasher at
	// tenant.DefaultPasswordCost. The instance hands the staff accounts'
	// hasher here, so that both check unknown addresses alike.
	Passwords *tenant.PasswordHasher
}

// Store keeps the citizens' accounts.
type Store struct {
	db       *migrations.DB
	mailer   Mailer
	opts     Options
	throttle *tenant.Throttle
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
	if opts.Passwords == nil {
		opts.Passwords = tenant.DefaultPasswordHasher()
	}
	return &Store{db: db, mailer: mailer, opts: opts, throttle: tenant.NewThrottle(db, opts.Now)}
}

func (s *Store) now() time.Time { return clock.Stamp(s.opts.Now()) }

// Register creates an unconfirmed account and mails the confirmation link.
// An address that has an account already gets a mail saying so instead,
// and the answer is the same, so that the form reveals no accounts. The
// token is returned for tests ("" when none was made). site is the slug of
// the portal site the citizen registers on: the links in the mails lead
// back there.
func (s *Store) Register(ctx context.Context, email, password, name, site string) (string, error) {
	var fe tenant.FieldErrors
	e, err := tenant.NormalizeEmail(email)
	if err != nil {
		fe.Add("email", "Bitte geben Sie eine gültige E-Mail-Adresse ein.")
	}
	if err := tenant.CheckPasswordStrength(password, email, name); err != nil {
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
				return s.mailer.Enqueue(ctx, tx, mail.Message{To: e, Template: MailExists, Data: LinkData{Link: s.opts.Links.Forgot.To(site)}})
			})
		}
		// Not confirmed yet: send a fresh link (the password stays).
		return s.sendToken(ctx, existing, purposeConfirm, MailConfirm, s.opts.ConfirmTTL, site)
	}
	hash := s.opts.Passwords.Hash(password)
	a := &Account{ID: uuid.NewString(), LoginEmail: &e, Email: e, Name: name, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	token := secret.New()
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(a).Exec(ctx); err != nil {
			if migrations.IsUniqueViolation(err) {
				return nil // registered meanwhile: say nothing
			}
			return fmt.Errorf("create citizen: %w", err)
		}
		return s.insertToken(ctx, tx, a, token, purposeConfirm, MailConfirm, s.opts.ConfirmTTL, site)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

func (s *Store) sendToken(ctx context.Context, a *Account, purpose, template string, ttl time.Duration, site string) (string, error) {
	token := secret.New()
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.insertToken(ctx, tx, a, token, purpose, template, ttl, site)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

func (s *Store) insertToken(ctx context.Context, tx bun.IDB, a *Account, token, purpose, template string, ttl time.Duration, site string) error {
	now := s.now()
	row := &tokenRow{TokenHash: secret.Hash(token), CitizenID: a.ID, Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
		return fmt.Errorf("store citizen link: %w", err)
	}
	link := s.opts.Links.Confirm.To(site, token)
	if purpose == purposeReset {
		link = s.opts.Links.Reset.To(site, token)
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
		Where("token_hash = ?", secret.Hash(token)).Where("purpose = ?", purpose).Where("used_at IS NULL").Where("expires_at > ?", now).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("use citizen link: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, ErrTokenInvalid
	}
	var row tokenRow
	if err := tx.NewSelect().Model(&row).Where("token_hash = ?", secret.Hash(token)).Scan(ctx); err != nil {
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

// Authenticate checks a password login. Unknown address and wrong
// password answer the same after the same work; an unconfirmed account
// answers ErrNotConfirmed only with the right password. Each attempt is
// counted before the password is hashed, per address, client address and
// both together, with growing delays instead of a lock (tenant.Throttle);
// one that has to wait gets a *tenant.ThrottledError without any hashing.
func (s *Store) Authenticate(ctx context.Context, email, password, clientIP string) (*Account, error) {
	e, err := tenant.NormalizeEmail(email)
	if err != nil {
		e = strings.ToLower(strings.TrimSpace(email))
	}
	res, err := s.throttle.ReserveLogin(ctx, "citizen", e, clientIP)
	if err != nil {
		return nil, err
	}
	a, err := s.ByEmail(ctx, e)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	hash := "" // no account or no password: checked against the hasher's dummy, as slow
	if a != nil {
		hash = a.PasswordHash
	}
	if !s.opts.Passwords.Verify(hash, password) {
		return nil, ErrInvalidLogin // the attempt stays counted
	}
	if err := res.Succeeded(ctx); err != nil {
		return nil, err
	}
	if !a.Confirmed() {
		return nil, ErrNotConfirmed
	}
	now := s.now()
	if _, err := s.db.Write.NewUpdate().Model(a).Set("last_login_at = ?", now).WherePK().Exec(ctx); err != nil {
		return nil, fmt.Errorf("record citizen login: %w", err)
	}
	return a, nil
}

// RequestReset mails a reset link when the address has a password
// account; the answer is the same either way. Requests are counted per
// address and client address first: a flood sends at most a few mails an
// hour to one address, and the requester sees no difference. The token is
// for tests ("" when none was sent).
func (s *Store) RequestReset(ctx context.Context, email, site, clientIP string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	if err := s.throttle.ReserveMail(ctx, "citizen-reset", e, clientIP); err != nil {
		if errors.Is(err, tenant.ErrThrottled) {
			return "", nil
		}
		return "", err
	}
	a, err := s.ByEmail(ctx, e)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return "", nil
		}
		return "", err
	}
	return s.sendToken(ctx, a, purposeReset, MailReset, s.opts.ResetTTL, site)
}

// ResetPassword uses a reset link once to set a new password; it also
// confirms the address (the link arrived there). Every other reset link of
// the account dies with it.
func (s *Store) ResetPassword(ctx context.Context, token, password string) (*Account, error) {
	a, err := s.resetAccount(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := tenant.CheckPasswordStrength(password, a.Email, a.Name); err != nil {
		var fe tenant.FieldErrors
		fe.Add("password", "%s", err.Error())
		return nil, fe
	}
	hash := s.opts.Passwords.Hash(password)
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
		if _, err := tx.NewUpdate().Model((*tokenRow)(nil)).Set("used_at = ?", now).
			Where("citizen_id = ? AND purpose = ? AND used_at IS NULL", a.ID, purposeReset).Exec(ctx); err != nil {
			return fmt.Errorf("end other reset links: %w", err)
		}
		out = a
		return nil
	})
	return out, err
}

// resetAccount returns the account of an open reset link without using it,
// so that the new password can be checked against the account's words.
func (s *Store) resetAccount(ctx context.Context, token string) (*Account, error) {
	if token == "" || len(token) > 100 {
		return nil, ErrTokenInvalid
	}
	var row tokenRow
	err := s.db.Read.NewSelect().Model(&row).Where("token_hash = ?", secret.Hash(token)).Where("purpose = ?", purposeReset).
		Where("used_at IS NULL").Where("expires_at > ?", s.now()).Scan(ctx)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrTokenInvalid
		}
		return nil, fmt.Errorf("citizen reset link: %w", err)
	}
	a, err := s.Get(ctx, row.CitizenID)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrTokenInvalid
	}
	return a, err
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
