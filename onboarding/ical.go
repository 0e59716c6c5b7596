package onboarding

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The iCalendar feed (RFC 5545) of a tenant: every Sprechstunde from half
// a year ago on, marked when the tenant registered, and the go-live dates
// of its cases (done and planned). Times are UTC, go-lives are all-day
// dates; UIDs derive from the object IDs and stay stable across calls.

const icalDomain = "sozialplattform.sachsen-anhalt.de"

// Calendar renders the tenant's feed.
func (s *Store) Calendar(ctx context.Context, tenantID string) ([]byte, error) {
	t, err := tenantByID(ctx, s.db.Read, tenantID)
	if err != nil {
		return nil, err
	}
	rule, err := s.Rule(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var rows []consultationRow
	if err := s.db.Read.NewSelect().Model(&rows).Where("starts_at >= ?", now.AddDate(0, -6, 0)).OrderExpr("starts_at").Scan(ctx); err != nil {
		return nil, fmt.Errorf("Sprechstunden for the calendar: %w", err)
	}
	var mine []string
	if err := s.db.Read.NewSelect().Model((*attendanceRow)(nil)).Column("consultation_id").Where("tenant_id = ?", tenantID).Scan(ctx, &mine); err != nil {
		return nil, fmt.Errorf("attendance for the calendar: %w", err)
	}
	registered := map[string]bool{}
	for _, id := range mine {
		registered[id] = true
	}
	cases, err := s.ListCases(ctx, tenantID)
	if err != nil {
		return nil, err
	}

	var w icalWriter
	w.prop("BEGIN", "VCALENDAR")
	w.prop("VERSION", "2.0")
	w.prop("PRODID", "-//Sozialplattform Sachsen-Anhalt//Anbindung//DE")
	w.prop("CALSCALE", "GREGORIAN")
	w.prop("METHOD", "PUBLISH")
	w.prop("X-WR-CALNAME", icalText("Sozialplattform – "+t.Name))
	w.prop("X-WR-TIMEZONE", "Europe/Berlin")
	stamp := icalTime(now)
	for i := range rows {
		c := rows[i].model()
		summary := fmt.Sprintf("%d. %s", c.Number, rule.Title)
		if c.Topic != "" {
			summary += ": " + c.Topic
		}
		var desc []string
		if c.Topic != "" {
			desc = append(desc, "Thema: "+c.Topic)
		}
		if registered[c.ID] {
			desc = append(desc, t.Name+" ist angemeldet.")
		} else if link := s.opts.Links.Consultations.To(); link != "" {
			desc = append(desc, "Anmeldung in der Konsole: "+link)
		}
		w.prop("BEGIN", "VEVENT")
		w.prop("UID", "sprechstunde-"+c.ID+"@"+icalDomain)
		w.prop("DTSTAMP", stamp)
		w.prop("LAST-MODIFIED", icalTime(rows[i].UpdatedAt))
		w.prop("SEQUENCE", fmt.Sprint(max(c.Version-1, 0)))
		w.prop("DTSTART", icalTime(c.StartsAt))
		w.prop("DTEND", icalTime(c.EndsAt))
		w.prop("SUMMARY", icalText(summary))
		w.prop("DESCRIPTION", icalText(strings.Join(desc, "\n")))
		if rule.Location != "" {
			w.prop("LOCATION", icalText(rule.Location))
		}
		if c.Cancelled {
			w.prop("STATUS", "CANCELLED")
		} else {
			w.prop("STATUS", "CONFIRMED")
		}
		w.prop("TRANSP", "OPAQUE")
		w.prop("END", "VEVENT")
	}
	for _, c := range cases {
		var day time.Time
		var uid, summary string
		switch {
		case c.LiveAt != nil:
			day, uid, summary = *c.LiveAt, "livegang-"+c.ID, "Livegang: "+c.AntragsstreckeLabel
		case c.PlannedLiveOn != nil:
			day, uid, summary = *c.PlannedLiveOn, "livegang-geplant-"+c.ID, "Geplanter Livegang: "+c.AntragsstreckeLabel
		default:
			continue
		}
		local := day.In(s.loc)
		if c.LiveAt == nil { // a planned date is stored as the day at midnight UTC
			local = day
		}
		start := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
		w.prop("BEGIN", "VEVENT")
		w.prop("UID", uid+"@"+icalDomain)
		w.prop("DTSTAMP", stamp)
		w.prop("DTSTART;VALUE=DATE", start.Format("20060102"))
		w.prop("DTEND;VALUE=DATE", start.AddDate(0, 0, 1).Format("20060102"))
		w.prop("SUMMARY", icalText(summary))
		w.prop("DESCRIPTION", icalText(fmt.Sprintf("%s, OZG-ID %s, %s", t.Name, c.OZGID, c.Variant.Label())))
		w.prop("TRANSP", "TRANSPARENT")
		w.prop("END", "VEVENT")
	}
	w.prop("END", "VCALENDAR")
	return w.buf.Bytes(), nil
}

// icalWriter writes content lines folded at 75 octets (RFC 5545 3.1),
// never inside a UTF-8 sequence, each ended by CRLF.
type icalWriter struct{ buf bytes.Buffer }

func (w *icalWriter) prop(name, value string) {
	line := name + ":" + value
	const limit = 75
	n := 0
	for len(line) > 0 {
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
		n++
	}
	w.buf.WriteString("\r\n")
}

func icalTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icalText escapes a TEXT value (RFC 5545 3.3.11).
func icalText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}
