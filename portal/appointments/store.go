package appointments

import (
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // slots are German local time, also where the host has no zoneinfo

	"sozialplattform/migrations"
	"sozialplattform/tenant"
)

// Options configure a Store. Zero values take the defaults.
type Options struct {
	// Links are the citizen's pages the mails point to.
	Links Links
	// RetainDays is how many days after the appointment a booking is
	// deleted (default 7).
	RetainDays int
	// Limits of booking attempts (defaults: 5 per client address per
	// hour, 3 per e-mail address per day).
	PerAddressPerHour, PerEmailPerDay int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Store reads and changes calendars and bookings. It is safe for
// concurrent use.
type Store struct {
	db     *migrations.DB
	mailer tenant.Mailer
	opts   Options
	loc    *time.Location
}

// NewStore returns a Store on db that queues its mails through mailer
// (nil sends none).
func NewStore(db *migrations.DB, mailer tenant.Mailer, opts Options) (*Store, error) {
	if db == nil {
		return nil, errors.New("appointments: db is required")
	}
	if opts.RetainDays <= 0 {
		opts.RetainDays = 7
	}
	if opts.PerAddressPerHour <= 0 {
		opts.PerAddressPerHour = 5
	}
	if opts.PerEmailPerDay <= 0 {
		opts.PerEmailPerDay = 3
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return nil, fmt.Errorf("appointments store: %w", err)
	}
	return &Store{db: db, mailer: mailer, opts: opts, loc: loc}, nil
}

// Location is the time zone of the calendars (Europe/Berlin).
func (s *Store) Location() *time.Location { return s.loc }

// Now returns the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// RetainDays is how long bookings are kept after the appointment.
func (s *Store) RetainDays() int { return s.opts.RetainDays }

func (s *Store) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

// Errors of the store.
var (
	// ErrSlotTaken: somebody else booked the slot first.
	ErrSlotTaken = errors.New("dieser Termin wurde soeben vergeben; bitte wählen Sie einen anderen")
	// ErrSlotUnavailable: the time is no slot of the calendar, lies in
	// the past or too close ahead, or beyond the booking horizon.
	ErrSlotUnavailable = errors.New("zu dieser Zeit gibt es keinen freien Termin (vergangen, zu kurzfristig, außerhalb der Sprechzeiten oder zu weit im Voraus)")
	// ErrCalendarClosed: the calendar takes no bookings.
	ErrCalendarClosed = errors.New("für diesen Kalender sind zurzeit keine Buchungen möglich")
	// ErrAlreadyCancelled answers a second cancellation.
	ErrAlreadyCancelled = errors.New("der Termin ist bereits abgesagt")
)

// RateLimitError refuses a booking attempt over the limit.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("zu viele Buchungsversuche; bitte versuchen Sie es in %d Minuten erneut", int(e.RetryAfter.Minutes())+1)
}

// newSecret returns a random URL-safe secret of 256 bits.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails on supported platforms (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is how secrets are stored.
func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func notFound(err error, what string) error {
	if err == nil {
		return nil
	}
	if isNoRows(err) {
		return fmt.Errorf("%s: %w", what, tenant.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func fieldError(field, format string, args ...any) error {
	var fe tenant.FieldErrors
	fe.Add(field, format, args...)
	return fe
}

// isUniqueViolation tells whether err is a unique-constraint violation on
// either engine.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505") ||
		strings.Contains(msg, "duplicate key value")
}
