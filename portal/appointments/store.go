package appointments

import (
	"errors"
	"fmt"
	"time"

	"sozialplattform/migrations"
	"sozialplattform/tenant"
	"sozialplattform/tenant/clock"
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
	return &Store{db: db, mailer: mailer, opts: opts, loc: clock.Berlin()}, nil
}

// Location is the time zone of the calendars (Europe/Berlin).
func (s *Store) Location() *time.Location { return s.loc }

// Now returns the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// RetainDays is how long bookings are kept after the appointment.
func (s *Store) RetainDays() int { return s.opts.RetainDays }

func (s *Store) now() time.Time { return clock.Stamp(s.opts.Now()) }

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
