package appointments

import (
	"context"
	"fmt"
	"slices"
	"time"

	"sozialplattform/portal/counselling"
	"sozialplattform/tenant/holidays"
)

// Slot is one bookable time of a calendar.
type Slot struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Free  bool      `json:"free"`
}

// closedOn tells why a calendar has no slots on a German calendar day:
// an exception's note, a holiday's name, or "" when it is open.
func (c *Calendar) closedOn(day time.Time) (string, bool) {
	if h := holidays.Name(day); h != "" {
		return h, true
	}
	d := day.Format("2006-01-02")
	for _, x := range c.Exceptions {
		if d >= x.From && d <= x.To {
			if x.Note == "" {
				return "geschlossen", true
			}
			return x.Note, true
		}
	}
	return "", false
}

// slotStarts lists the slot starts of the calendar on the German calendar
// days from the day of from to the day of to (both in loc), in time order.
// The wall clock decides: a slot at 09:00 is at 09:00 German time in
// winter and summer alike.
func (c *Calendar) slotStarts(from, to time.Time, loc *time.Location) []time.Time {
	var out []time.Time
	f, t := from.In(loc), to.In(loc)
	for day := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc); !day.After(t); day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc) {
		if _, closed := c.closedOn(day); closed {
			continue
		}
		wd := counselling.WeekdayKeys()[(int(day.Weekday())+6)%7]
		for _, iv := range c.Availability {
			if iv.Day != wd {
				continue
			}
			fromMin, toMin := minuteOfDay(iv.From), minuteOfDay(iv.To)
			for m := fromMin; m+c.SlotMinutes <= toMin; m += c.SlotMinutes {
				start := time.Date(day.Year(), day.Month(), day.Day(), m/60, m%60, 0, 0, loc)
				// A wall-clock time skipped at the spring change does not exist.
				if start.Hour() != m/60 || start.Minute() != m%60 {
					continue
				}
				out = append(out, start.UTC())
			}
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.Compact(out)
}

// minuteOfDay parses "HH:MM" (validated before) into minutes.
func minuteOfDay(s string) int {
	var h, m int
	fmt.Sscanf(s, "%d:%d", &h, &m)
	return h*60 + m
}

// bookable reports whether start is a slot of the calendar that can be
// booked at now: on the slot grid, not closed, after the notice and
// within the horizon.
func (c *Calendar) bookable(start, now time.Time, loc *time.Location) bool {
	if !c.Active || start.Before(now.Add(time.Duration(c.MinNoticeMinutes)*time.Minute)) ||
		start.After(now.AddDate(0, 0, c.HorizonDays)) {
		return false
	}
	return slices.ContainsFunc(c.slotStarts(start, start, loc), func(t time.Time) bool { return t.Equal(start) })
}

// Window is the earliest and latest start a calendar offers at now.
func (c *Calendar) Window(now time.Time) (time.Time, time.Time) {
	return now.Add(time.Duration(c.MinNoticeMinutes) * time.Minute), now.AddDate(0, 0, c.HorizonDays)
}

// Slots returns the calendar's slots between from and to that can be
// booked now, each marked free or taken. The range is cut to the booking
// window and to at most 31 days.
func (s *Store) Slots(ctx context.Context, cal *Calendar, from, to time.Time) ([]Slot, error) {
	now := s.now()
	lo, hi := cal.Window(now)
	if from.Before(lo) {
		from = lo
	}
	if to.After(hi) {
		to = hi
	}
	if to.Sub(from) > 31*24*time.Hour {
		to = from.Add(31 * 24 * time.Hour)
	}
	out := []Slot{}
	if !cal.Active || from.After(to) {
		return out, nil
	}
	var taken []time.Time
	if err := s.db.Read.NewSelect().Table("appointment_bookings").Column("starts_at").
		Where("calendar_id = ? AND cancelled_at IS NULL AND starts_at >= ? AND starts_at <= ?", cal.ID, from.Add(-24*time.Hour), to).
		Scan(ctx, &taken); err != nil {
		return nil, fmt.Errorf("booked slots: %w", err)
	}
	length := time.Duration(cal.SlotMinutes) * time.Minute
	for _, st := range cal.slotStarts(from, to, s.loc) {
		if st.Before(from) || st.After(to) {
			continue
		}
		free := !slices.ContainsFunc(taken, func(t time.Time) bool { return t.Equal(st) })
		out = append(out, Slot{Start: st, End: st.Add(length), Free: free})
	}
	return out, nil
}
