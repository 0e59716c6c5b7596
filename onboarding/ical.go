package onboarding

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sozialplattform/tenant/ical"
)

// The iCalendar feed (RFC 5545) of a tenant: every Sprechstunde from half
// a year ago on, marked when the tenant registered, and the go-live dates
// of its cases (done and planned). Times are UTC, go-lives are all-day
// dates; UIDs derive from the object IDs and stay stable across calls.

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

	var w ical.Writer
	w.Begin("VCALENDAR")
	w.Prop("VERSION", "2.0")
	w.Prop("PRODID", "-//Sozialplattform Sachsen-Anhalt//Anbindung//DE")
	w.Prop("CALSCALE", "GREGORIAN")
	w.Prop("METHOD", "PUBLISH")
	w.Text("X-WR-CALNAME", "Sozialplattform – "+t.Name)
	w.Prop("X-WR-TIMEZONE", "Europe/Berlin")
	stamp := ical.Time(now)
	for i := range rows {
		c := rows[i].model()
		summary := consultationTitle(c, rule)
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
		w.Begin("VEVENT")
		w.Prop("UID", ical.UID("sprechstunde", c.ID))
		w.Prop("DTSTAMP", stamp)
		w.Time("LAST-MODIFIED", rows[i].UpdatedAt)
		w.Prop("SEQUENCE", fmt.Sprint(max(c.Version-1, 0)))
		w.Time("DTSTART", c.StartsAt)
		w.Time("DTEND", c.EndsAt)
		w.Text("SUMMARY", summary)
		w.Text("DESCRIPTION", strings.Join(desc, "\n"))
		if rule.Location != "" {
			w.Text("LOCATION", rule.Location)
		}
		if c.Cancelled {
			w.Prop("STATUS", "CANCELLED")
		} else {
			w.Prop("STATUS", "CONFIRMED")
		}
		w.Prop("TRANSP", "OPAQUE")
		w.End("VEVENT")
	}
	for _, c := range cases {
		var day time.Time
		var uid, summary string
		switch {
		case c.LiveAt != nil:
			day, uid, summary = *c.LiveAt, ical.UID("livegang", c.ID), "Livegang: "+c.AntragsstreckeLabel
		case c.PlannedLiveOn != nil:
			day, uid, summary = *c.PlannedLiveOn, ical.UID("livegang-geplant", c.ID), "Geplanter Livegang: "+c.AntragsstreckeLabel
		default:
			continue
		}
		local := day.In(s.loc)
		if c.LiveAt == nil { // a planned date is stored as the day at midnight UTC
			local = day
		}
		start := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
		w.Begin("VEVENT")
		w.Prop("UID", uid)
		w.Prop("DTSTAMP", stamp)
		w.Date("DTSTART", start)
		w.Date("DTEND", start.AddDate(0, 0, 1))
		w.Text("SUMMARY", summary)
		w.Text("DESCRIPTION", fmt.Sprintf("%s, OZG-ID %s, %s", t.Name, c.OZGID, c.Variant.Label()))
		w.Prop("TRANSP", "TRANSPARENT")
		w.End("VEVENT")
	}
	w.End("VCALENDAR")
	return w.Bytes(), nil
}
