package counselling

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant"
	"sozialplattform/tenant/clock"
	"sozialplattform/tenant/fault"
)

// Options configure a Store. Zero values take the defaults.
type Options struct {
	// Links are the console pages the mails point to.
	Links Links
	// RemindAfter is how long an entry may go unverified before its
	// editors are reminded (default DefaultRemindAfter, about six months).
	RemindAfter time.Duration
	// OutdatedAfter is how long an entry may go unverified before the
	// portal marks it as possibly outdated and the Landesredaktion sees it
	// in its list (default DefaultOutdatedAfter, a year).
	OutdatedAfter time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// The defaults of the staleness rules.
const (
	DefaultRemindAfter   = 183 * 24 * time.Hour
	DefaultOutdatedAfter = 365 * 24 * time.Hour
	// ReminderRepeat is how often a reminder is repeated while the entry
	// stays unverified.
	ReminderRepeat = 30 * 24 * time.Hour
)

// Store reads and changes the directory. It is safe for concurrent use.
type Store struct {
	db      *migrations.DB
	tenants *tenant.Store
	mailer  tenant.Mailer
	opts    Options
	loc     *time.Location
	// search keeps the published entries for Search (searchindex.go).
	search *searchIndex
}

// NewStore returns a Store on db. tenants creates the organisation tenants
// of new centres; mailer queues the reminder and review mails (nil sends
// none).
func NewStore(db *migrations.DB, tenants *tenant.Store, mailer tenant.Mailer, opts Options) (*Store, error) {
	if db == nil || tenants == nil {
		return nil, errors.New("counselling: db and tenant store are required")
	}
	if opts.RemindAfter <= 0 {
		opts.RemindAfter = DefaultRemindAfter
	}
	if opts.OutdatedAfter <= 0 {
		opts.OutdatedAfter = DefaultOutdatedAfter
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Store{db: db, tenants: tenants, mailer: mailer, opts: opts, loc: clock.Berlin(), search: &searchIndex{}}, nil
}

// Now returns the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// OutdatedAfter reports when an entry counts as outdated.
func (s *Store) OutdatedAfter() time.Duration { return s.opts.OutdatedAfter }

// now is the clock in UTC, cut to microseconds as PostgreSQL keeps them.
func (s *Store) now() time.Time { return clock.Stamp(s.opts.Now()) }

// today is midnight UTC of the German calendar day of now; dates without a
// time ("verified on") are stored that way.
func (s *Store) today() time.Time { return s.dateOf(s.now()) }

func (s *Store) dateOf(t time.Time) time.Time { return clock.DateOf(t) }

// ParseAge reads a duration option: a Go duration ("4380h"), days ("183d"),
// weeks ("26w") or months ("6mo", counted as 30.44 days).
func ParseAge(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	unit := map[string]float64{"mo": 30.44 * 24, "d": 24, "w": 7 * 24}
	for _, suffix := range []string{"mo", "d", "w"} {
		if n, ok := strings.CutSuffix(v, suffix); ok {
			var f float64
			if _, err := fmt.Sscanf(n, "%g", &f); err != nil || f <= 0 {
				return 0, fmt.Errorf("%q ist keine positive Dauer", v)
			}
			return time.Duration(f * unit[suffix] * float64(time.Hour)).Round(time.Hour), nil
		}
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q ist keine positive Dauer (z. B. 6mo, 183d oder 4380h)", v)
	}
	return d, nil
}

// settingsRow is the one row of counselling_settings.
type settingsRow struct {
	bun.BaseModel `bun:"table:counselling_settings"`

	ID             int       `bun:"id,pk"`
	ReviewRequired bool      `bun:"review_required"`
	UpdatedAt      time.Time `bun:"updated_at"`
}

// Settings are the directory's switches the ministry sets.
type Settings struct {
	// ReviewRequired: changes by centres and municipalities wait for the
	// Landesredaktion before they are published.
	ReviewRequired bool      `json:"reviewRequired"`
	UpdatedAt      time.Time `json:"updatedAt"`
}

// Settings returns the current settings.
func (s *Store) Settings(ctx context.Context) (Settings, error) {
	return s.settings(ctx, s.db.Read)
}

func (s *Store) settings(ctx context.Context, db bun.IDB) (Settings, error) {
	var row settingsRow
	err := db.NewSelect().Model(&row).Where("id = 1").Scan(ctx)
	if fault.IsNoRows(err) {
		return Settings{}, nil
	}
	if err != nil {
		return Settings{}, fmt.Errorf("counselling settings: %w", err)
	}
	return Settings{ReviewRequired: row.ReviewRequired, UpdatedAt: row.UpdatedAt}, nil
}

// SetReviewRequired switches the review by the Landesredaktion on or off.
// Versions already waiting stay waiting for a decision.
func (s *Store) SetReviewRequired(ctx context.Context, on bool) (Settings, error) {
	var out Settings
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		cur, err := s.settings(ctx, tx)
		if err != nil {
			return err
		}
		row := &settingsRow{ID: 1, ReviewRequired: on, UpdatedAt: s.now()}
		if _, err := tx.NewInsert().Model(row).On("CONFLICT (id) DO UPDATE").Set("review_required = EXCLUDED.review_required, updated_at = EXCLUDED.updated_at").Exec(ctx); err != nil {
			return fmt.Errorf("save counselling settings: %w", err)
		}
		out = Settings{ReviewRequired: on, UpdatedAt: row.UpdatedAt}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{Action: "update", ObjectType: ObjSettings, ObjectID: "review",
			Summary: map[string]any{"before": map[string]any{"reviewRequired": cur.ReviewRequired}, "after": map[string]any{"reviewRequired": on}}})
	})
	return out, err
}
