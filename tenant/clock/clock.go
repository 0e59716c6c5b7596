// Package clock is the platform's time: the clock a store reads (time.Now
// in production, a settable clock in tests), the form in which times are
// stored, and German local time, loaded once from the embedded zone
// database so that it exists on every host.
package clock

import (
	"sync"
	"time"
	_ "time/tzdata" // Europe/Berlin also where the host has no zoneinfo
)

// Func is a clock. The zero value (nil) is time.Now, so that an Options
// struct can leave its clock unset.
type Func func() time.Time

// Now is the clock's current time.
func (f Func) Now() time.Time {
	if f == nil {
		return time.Now()
	}
	return f()
}

// Stamp is the current time as the database keeps it: UTC, cut to
// microseconds (PostgreSQL's precision), so that a value written and read
// back compares equal on both engines.
func (f Func) Stamp() time.Time { return Stamp(f.Now()) }

// Today is the current German calendar day in the form dates are stored
// (DateOf).
func (f Func) Today() time.Time { return DateOf(f.Now()) }

// Stamp cuts t to the form the database keeps: UTC at microseconds.
func Stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// DateOf is the German calendar day of t as a date without time:
// midnight UTC of that day, the form in which dates (a planned go-live,
// "verified on") are stored, so that they do not move with the time zone.
func DateOf(t time.Time) time.Time {
	l := t.In(Berlin())
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// Berlin is German local time (Europe/Berlin).
func Berlin() *time.Location { return berlin() }

var berlin = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil { // cannot happen: time/tzdata is linked in
		panic("clock: " + err.Error())
	}
	return loc
})
