package onboarding

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant"
	"sozialplattform/tenant/clock"
)

// Options configure a Store. Zero values take the defaults.
type Options struct {
	// Links are the console pages mails and calendar entries point to.
	Links Links
	// MaxAttachmentBytes caps one checklist attachment (default 5 MiB).
	MaxAttachmentBytes int64
	// Now is the clock (default time.Now).
	Now func() time.Time
	// MinistryMailbox hears of what waits for the ministry's decision
	// (a go-live without test delivery); empty sends nothing.
	MinistryMailbox string
	// FailingDeliveries counts, per case ID, the applications of the live
	// cases of the given tenants whose delivery failed or was rejected in
	// the last 7 days (cases without failures left out). The delivery
	// answers it (delivery.Service.LiveFailing) and imports onboarding, so
	// cmd wires it; nil leaves the count out of the weekly report.
	FailingDeliveries func(ctx context.Context, tenantIDs []string) (map[string]int, error)
}

// DefaultMaxAttachmentBytes is the default size limit of one attachment.
const DefaultMaxAttachmentBytes = 5 << 20

// Store reads and changes the onboarding data. It is safe for concurrent
// use.
type Store struct {
	db     *migrations.DB
	mailer tenant.Mailer
	opts   Options
	loc    *time.Location
}

// NewStore returns a Store on db that queues mails through mailer.
func NewStore(db *migrations.DB, mailer tenant.Mailer, opts Options) (*Store, error) {
	if opts.MaxAttachmentBytes <= 0 {
		opts.MaxAttachmentBytes = DefaultMaxAttachmentBytes
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Store{db: db, mailer: mailer, opts: opts, loc: clock.Berlin()}, nil
}

// MaxAttachmentBytes is the size limit of one attachment.
func (s *Store) MaxAttachmentBytes() int64 { return s.opts.MaxAttachmentBytes }

// Location is the time zone of Sprechstunden and go-live dates
// (Europe/Berlin).
func (s *Store) Location() *time.Location { return s.loc }

// now is the store's clock in UTC, cut to microseconds as PostgreSQL keeps
// them.
func (s *Store) now() time.Time { return clock.Stamp(s.opts.Now()) }

// Now returns the store's clock, for callers that must agree with it
// (expiry checks shown in the console).
func (s *Store) Now() time.Time { return s.now() }

// ErrCaseChanged answers an edit based on an outdated version of a case.
// It wraps tenant.ErrStaleVersion.
var ErrCaseChanged = staleError{"Der Fall wurde zwischenzeitlich geändert. Bitte laden Sie ihn neu und wiederholen Sie Ihre Änderung."}

// staleError is a stale-version error with its own message.
type staleError struct{ msg string }

func (e staleError) Error() string { return e.msg }
func (e staleError) Unwrap() error { return tenant.ErrStaleVersion }

// RuleError explains why a phase change (or another state change) is not
// allowed; the API answers it with 409 and the reasons.
type RuleError struct {
	Reasons []string // German, one sentence each
}

func (e *RuleError) Error() string { return strings.Join(e.Reasons, " ") }

// newID returns a time-ordered UUID.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// audit writes one audit entry in the caller's transaction.
func audit(ctx context.Context, db bun.IDB, tenantID, action, objType, objID string, summary map[string]any) error {
	return tenant.WriteAudit(ctx, db, tenant.Audit{TenantID: tenantID, Action: action, ObjectType: objType, ObjectID: objID, Summary: summary})
}

// diff keeps only the fields that changed, as before/after pairs.
func diff(before, after map[string]any) map[string]any {
	b, a := map[string]any{}, map[string]any{}
	for k, v := range after {
		if fmt.Sprint(before[k]) != fmt.Sprint(v) {
			b[k], a[k] = before[k], v
		}
	}
	return map[string]any{"before": b, "after": a}
}

// dateOnly returns midnight UTC of the German calendar day of t; dates
// without a time (planned go-live, "Stand") are stored that way.
func (s *Store) dateOnly(t time.Time) time.Time { return clock.DateOf(t) }
