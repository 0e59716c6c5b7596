package marketplace

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant"
	"sozialplattform/tenant/clock"
)

// Options configure a Store. Everything may be left empty in tests.
type Options struct {
	// Links are the pages the mails point to (see Links).
	Links Links
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
	// OrderFollowUp returns, inside the order's transaction, what the
	// municipality's confirmation says about the onboarding that follows:
	// the support contacts and the Anbindungs-Sprechstunde, as onboarding
	// keeps them. Nil leaves both out of the mail.
	OrderFollowUp func(ctx context.Context, tx bun.IDB) (FollowUp, error)
	// ServicePage is the citizen portal's page of a service by its slug
	// ("grusi"): the demo's products show it as "Zur Vorschau". Nil gives
	// the demo's products no preview.
	ServicePage tenant.Link
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
	if opts.MinistryOrderMailbox != "" {
		addr, err := tenant.NormalizeEmail(opts.MinistryOrderMailbox)
		if err != nil {
			return nil, fmt.Errorf("marketplace: order mailbox %q: %w", opts.MinistryOrderMailbox, err)
		}
		opts.MinistryOrderMailbox = addr
	}
	return &Store{db: db, tenants: tenants, mailer: mailer, opts: opts, loc: clock.Berlin()}, nil
}

// now is the store's clock in UTC, cut to microseconds as PostgreSQL keeps
// them.
func (s *Store) now() time.Time { return clock.Stamp(s.opts.Now()) }

// today is the current calendar day in Germany.
func (s *Store) today() Day { return DayOf(s.opts.Now(), s.loc) }

// Today is the store's current calendar day in Germany, the day prices
// are looked up for.
func (s *Store) Today() Day { return s.today() }

// Location is the time zone the marketplace's dates are in (Europe/Berlin).
func (s *Store) Location() *time.Location { return s.loc }
