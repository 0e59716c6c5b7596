package marketplace

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant"
)

// Options configure a Store. Everything may be left empty in tests.
type Options struct {
	// BaseURL is the platform's public address, for links in mails.
	BaseURL string
	// MinistryOrderMailbox receives a copy of every order confirmation
	// (the ministry's unit, e.g. MID-55) and the notice that a confirmed
	// registration waits for activation; empty sends none.
	MinistryOrderMailbox string
	// KnownAntragsstrecken returns onboarding's catalogue of
	// Antragsstrecken, key → label. Nil accepts any non-empty key.
	KnownAntragsstrecken func(ctx context.Context) (map[string]string, error)
	// OnOrderPlaced is called inside the order's transaction with what was
	// ordered; an error rolls the order back. Onboarding opens its cases
	// here. Nil calls nothing.
	OnOrderPlaced func(ctx context.Context, tx bun.IDB, e OrderPlaced) error
	// ConfirmationTTL is how long a registration's confirmation link
	// works (default 72 hours).
	ConfirmationTTL time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Store reads and changes the marketplace's data. It builds on the
// platform core: tenants, invitations and the audit log are tenant.Store's,
// and its calls join the marketplace's transactions.
type Store struct {
	db      *migrations.DB
	tenants *tenant.Store
	mailer  tenant.Mailer
	opts    Options
	loc     *time.Location
}

// NewStore returns a Store on db. tenants is the platform core's store (it
// must work on the same database); mail goes through mailer.
func NewStore(db *migrations.DB, tenants *tenant.Store, mailer tenant.Mailer, opts Options) (*Store, error) {
	if db == nil || tenants == nil || mailer == nil {
		return nil, errors.New("marketplace: db, tenant store and mailer are required")
	}
	if opts.ConfirmationTTL <= 0 {
		opts.ConfirmationTTL = 72 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	if opts.MinistryOrderMailbox != "" {
		addr, err := tenant.NormalizeEmail(opts.MinistryOrderMailbox)
		if err != nil {
			return nil, fmt.Errorf("marketplace: order mailbox %q: %w", opts.MinistryOrderMailbox, err)
		}
		opts.MinistryOrderMailbox = addr
	}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return nil, fmt.Errorf("marketplace: %w", err)
	}
	return &Store{db: db, tenants: tenants, mailer: mailer, opts: opts, loc: loc}, nil
}

// now is the store's clock in UTC, cut to microseconds as PostgreSQL keeps
// them.
func (s *Store) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

// today is the current calendar day in Germany.
func (s *Store) today() Day { return DayOf(s.opts.Now(), s.loc) }

// Today is the store's current calendar day in Germany, the day prices
// are looked up for.
func (s *Store) Today() Day { return s.today() }

// Location is the time zone the marketplace's dates are in (Europe/Berlin).
func (s *Store) Location() *time.Location { return s.loc }

// notFound turns sql.ErrNoRows into tenant.ErrNotFound.
func notFound(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, tenant.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// isUniqueViolation tells whether err is a unique-constraint violation on
// either engine.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || // SQLite
		strings.Contains(msg, "SQLSTATE 23505") || // PostgreSQL
		strings.Contains(msg, "duplicate key value")
}

// fieldError makes a tenant.FieldErrors with one entry.
func fieldError(field, format string, args ...any) error {
	var fe tenant.FieldErrors
	fe.Add(field, format, args...)
	return fe
}
