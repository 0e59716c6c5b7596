// Package ical writes iCalendar files (RFC 5545): the onboarding's
// calendar subscription and the portal's appointment files. Content lines
// end with CRLF and are folded at 75 octets, never inside a UTF-8
// sequence; TEXT values are escaped; times are always UTC ("…Z"), so that
// no VTIMEZONE is needed and every calendar program places them right,
// and all-day events are DATE values, which have no time zone.
package ical

import (
	"bytes"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Domain makes UIDs globally unique (RFC 5545 3.8.4.7): UID(kind, id) is
// "<kind>-<id>@" + Domain.
const Domain = "sozialplattform.sachsen-anhalt.de"

// UID is the stable identifier of an object's event.
func UID(kind, id string) string { return kind + "-" + id + "@" + Domain }

// lineLimit is the longest content line in octets, without its CRLF.
const lineLimit = 75

// Writer collects one iCalendar file.
type Writer struct{ buf bytes.Buffer }

// Prop writes a property whose value is already in its iCalendar form
// (a number, a code such as CONFIRMED, a duration). name may carry
// parameters ("DTSTART;VALUE=DATE").
func (w *Writer) Prop(name, value string) {
	line := strings.ToValidUTF8(name+":"+value, "\uFFFD")
	for n := 0; ; n++ {
		limit := lineLimit
		if n > 0 {
			limit-- // the leading space of a continuation line counts
			w.buf.WriteByte(' ')
		}
		if len(line) <= limit {
			w.buf.WriteString(line)
			break
		}
		cut := limit
		for !utf8.RuneStart(line[cut]) {
			cut-- // a valid UTF-8 sequence is at most 4 octets: this stops
		}
		w.buf.WriteString(line[:cut])
		w.buf.WriteString("\r\n")
		line = line[cut:]
	}
	w.buf.WriteString("\r\n")
}

// Text writes a TEXT property, escaped.
func (w *Writer) Text(name, value string) { w.Prop(name, Text(value)) }

// Time writes a DATE-TIME property in UTC.
func (w *Writer) Time(name string, t time.Time) { w.Prop(name, Time(t)) }

// Date writes an all-day DATE property (name gets ";VALUE=DATE") for the
// calendar day of day as it is given, without converting its zone.
func (w *Writer) Date(name string, day time.Time) { w.Prop(name+";VALUE=DATE", day.Format("20060102")) }

// Begin and End open and close a component ("VCALENDAR", "VEVENT").
func (w *Writer) Begin(component string) { w.Prop("BEGIN", component) }
func (w *Writer) End(component string)   { w.Prop("END", component) }

// Bytes returns the file written so far.
func (w *Writer) Bytes() []byte { return w.buf.Bytes() }

// Time is a DATE-TIME in UTC form.
func Time(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// Text escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon and
// comma get a backslash, a line break becomes "\n", and other control
// characters, which TEXT must not contain, are dropped.
func Text(s string) string {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\', r == ';', r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
