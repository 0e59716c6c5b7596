package appointments

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// icalDomain makes the UIDs of the calendar files globally unique.
const icalDomain = "sozialplattform.sachsen-anhalt.de"

// ICS renders a booking as an iCalendar file (RFC 5545) with one event;
// a cancelled booking becomes a cancellation (METHOD:CANCEL) with the
// same UID and a higher SEQUENCE, so calendars remove the event.
func (s *Store) ICS(b *Booking, cal *Calendar) []byte {
	var w icalWriter
	method, status, seq := "PUBLISH", "CONFIRMED", "0"
	if b.CancelledAt != nil {
		method, status, seq = "CANCEL", "CANCELLED", "1"
	}
	w.prop("BEGIN", "VCALENDAR")
	w.prop("VERSION", "2.0")
	w.prop("PRODID", "-//Sozialplattform Sachsen-Anhalt//Online-Terminvereinbarung//DE")
	w.prop("CALSCALE", "GREGORIAN")
	w.prop("METHOD", method)
	w.prop("BEGIN", "VEVENT")
	w.prop("UID", "termin-"+b.ID+"@"+icalDomain)
	w.prop("DTSTAMP", icalTime(s.now()))
	w.prop("SEQUENCE", seq)
	w.prop("DTSTART", icalTime(b.StartsAt))
	w.prop("DTEND", icalTime(b.EndsAt))
	w.prop("SUMMARY", icalText("Termin: "+cal.Name))
	if cal.Location != "" {
		w.prop("LOCATION", icalText(cal.Location))
	}
	desc := fmt.Sprintf("Gebucht über das Bürgerportal für %s.", b.Name)
	if b.CancelledAt != nil {
		desc = "Dieser Termin wurde abgesagt."
	}
	w.prop("DESCRIPTION", icalText(desc))
	w.prop("STATUS", status)
	w.prop("TRANSP", "OPAQUE")
	if b.CancelledAt == nil {
		w.prop("BEGIN", "VALARM")
		w.prop("ACTION", "DISPLAY")
		w.prop("DESCRIPTION", icalText("Termin: "+cal.Name))
		w.prop("TRIGGER", "-PT1H")
		w.prop("END", "VALARM")
	}
	w.prop("END", "VEVENT")
	w.prop("END", "VCALENDAR")
	return w.buf.Bytes()
}

// icalWriter writes content lines folded at 75 octets (RFC 5545 3.1),
// never inside a UTF-8 sequence, each ended by CRLF.
type icalWriter struct{ buf bytes.Buffer }

func (w *icalWriter) prop(name, value string) {
	line := name + ":" + value
	const limit = 75
	for n := 0; len(line) > 0; n++ {
		max := limit
		if n > 0 {
			max = limit - 1 // the leading space counts
			w.buf.WriteString(" ")
		}
		if len(line) <= max {
			w.buf.WriteString(line)
			break
		}
		cut := max
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		w.buf.WriteString(line[:cut])
		w.buf.WriteString("\r\n")
		line = line[cut:]
	}
	w.buf.WriteString("\r\n")
}

func icalTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icalText escapes a TEXT value (RFC 5545 3.3.11).
func icalText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}
