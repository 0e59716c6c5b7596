// Package appointments owns the online appointments
// ("Online-Terminvereinbarung") of Beratungsstellen and of municipal
// offices: slot calendars (weekly availability cut into slots of a fixed
// length, minus exception days and the statutory holidays of
// Sachsen-Anhalt), bookings by citizens without an account (name and
// contact only), the confirmation mail with a link to the booking page and
// its iCalendar file, cancellation by a single-use secret link or by the
// centre with a note, the reminder the day before and the deletion of
// bookings a few days after the appointment.
//
// A slot can never be booked twice: a unique index on (calendar, slot
// start) over the bookings not cancelled decides between concurrent
// requests on SQLite and PostgreSQL alike, and the loser gets
// ErrSlotTaken. Booking attempts are limited per client address and per
// e-mail address in the database, so the limit holds across instances.
// Secrets (cancellation and booking-page links) are stored only as
// SHA-256 hashes. The Store keeps no mutable package-level state and is
// safe for concurrent use.
package appointments
