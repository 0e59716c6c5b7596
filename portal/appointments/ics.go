package appointments

import (
	"fmt"

	"sozialplattform/tenant/ical"
)

// ICS renders a booking as an iCalendar file (RFC 5545) with one event;
// a cancelled booking becomes a cancellation (METHOD:CANCEL) with the
// same UID and a higher SEQUENCE, so calendars remove the event.
func (s *Store) ICS(b *Booking, cal *Calendar) []byte {
	var w ical.Writer
	method, status, seq := "PUBLISH", "CONFIRMED", "0"
	if b.CancelledAt != nil {
		method, status, seq = "CANCEL", "CANCELLED", "1"
	}
	w.Begin("VCALENDAR")
	w.Prop("VERSION", "2.0")
	w.Prop("PRODID", "-//Sozialplattform Sachsen-Anhalt//Online-Terminvereinbarung//DE")
	w.Prop("CALSCALE", "GREGORIAN")
	w.Prop("METHOD", method)
	w.Begin("VEVENT")
	w.Prop("UID", ical.UID("termin", b.ID))
	w.Time("DTSTAMP", s.now())
	w.Prop("SEQUENCE", seq)
	w.Time("DTSTART", b.StartsAt)
	w.Time("DTEND", b.EndsAt)
	w.Text("SUMMARY", "Termin: "+cal.Name)
	if cal.Location != "" {
		w.Text("LOCATION", cal.Location)
	}
	desc := fmt.Sprintf("Gebucht über das Bürgerportal für %s.", b.Name)
	if b.CancelledAt != nil {
		desc = "Dieser Termin wurde abgesagt."
	}
	w.Text("DESCRIPTION", desc)
	w.Prop("STATUS", status)
	w.Prop("TRANSP", "OPAQUE")
	if b.CancelledAt == nil {
		w.Begin("VALARM")
		w.Prop("ACTION", "DISPLAY")
		w.Text("DESCRIPTION", "Termin: "+cal.Name)
		w.Prop("TRIGGER", "-PT1H")
		w.End("VALARM")
	}
	w.End("VEVENT")
	w.End("VCALENDAR")
	return w.Bytes()
}
