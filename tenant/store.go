package tenant

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant/clock"
	"sozialplattform/tenant/mail"
)

// Mailer queues a mail inside the caller's transaction.
type Mailer interface {
	Enqueue(ctx context.Context, db bun.IDB, m mail.Message) error
}

// Options configure a Store.
type Options struct {
	Links            Links         // the console pages that mails link to
	InvitationTTL    time.Duration // default 7 days
	PasswordResetTTL time.Duration // default 1 hour
	// PolicyChanged is called after a commit that changed who may do what
	// (memberships, users, tokens, tenants), so that the local authorizer
	// reloads at once; other instances notice the revision within seconds.
	PolicyChanged func()
	Now           func() time.Time
	// Passwords hashes and checks the users' passwords; nil: a hasher at
	// DefaultPasswordCost. The instance's other password stores (citizen
	// accounts) share it.
	Passwords *PasswordHasher
}

// Store reads and changes the platform core's data.
type Store struct {
	db       *migrations.DB
	mailer   Mailer
	opts     Options
	throttle *Throttle
	// tenantPages keeps pages of ListTenantsPage per change counter.
	tenantPages *tenantListCache
}

// NewStore returns a Store on db that sends mail through mailer.
func NewStore(db *migrations.DB, mailer Mailer, opts Options) *Store {
	if opts.InvitationTTL == 0 {
		opts.InvitationTTL = 7 * 24 * time.Hour
	}
	if opts.PasswordResetTTL == 0 {
		opts.PasswordResetTTL = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.PolicyChanged == nil {
		opts.PolicyChanged = func() {}
	}
	if opts.Passwords == nil {
		opts.Passwords = DefaultPasswordHasher()
	}
	return &Store{db: db, mailer: mailer, opts: opts, throttle: NewThrottle(db, opts.Now), tenantPages: newTenantListCache()}
}

// DB returns the database the store works on, for domains built on top.
func (s *Store) DB() *migrations.DB { return s.db }

// Passwords is the hasher of the store's passwords.
func (s *Store) Passwords() *PasswordHasher { return s.opts.Passwords }

// now is the store's clock in UTC, cut to microseconds as PostgreSQL keeps them.
func (s *Store) now() time.Time { return clock.Stamp(s.opts.Now()) }

// InTx runs fn in one transaction: the store's operations called with the
// context fn gets join it, so that several of them commit or roll back
// together (a member's removal and the revocation of their tokens).
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.Tx(ctx, func(ctx context.Context, _ bun.Tx) error { return fn(ctx) })
}

// policyTx runs fn in a transaction that also bumps the access-policy
// revision, and tells the local authorizer after the commit – once per
// transaction, however many policy changes it joins.
func (s *Store) policyTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := fn(ctx, tx); err != nil {
			return err
		}
		migrations.AfterCommitOnce(ctx, policyChangedKey{s}, s.opts.PolicyChanged)
		return BumpPolicyRevision(ctx, tx)
	})
}

// policyChangedKey queues a store's PolicyChanged once per transaction.
type policyChangedKey struct{ store *Store }

// BumpPolicyRevision marks the access policy as changed; every instance
// reloads its authorizer when it sees a new revision.
func BumpPolicyRevision(ctx context.Context, db bun.IDB) error {
	if _, err := db.NewRaw("UPDATE authz_revision SET revision = revision + 1 WHERE id = 1").Exec(ctx); err != nil {
		return fmt.Errorf("bump policy revision: %w", err)
	}
	return nil
}
