package counselling

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"sozialplattform/tenant"
	"sozialplattform/tenant/holidays"
)

// Weekday keys in the order of the German week (ISO 8601: Monday first).
var weekdayKeys = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// weekdayShort are the German abbreviations used in forms and the CSV.
var weekdayShort = []string{"Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"}

// WeekdayKeys lists the weekday keys, Monday first.
func WeekdayKeys() []string { return slices.Clone(weekdayKeys) }

// WeekdayIndex returns 0 for "mon" … 6 for "sun", or -1.
func WeekdayIndex(key string) int { return slices.Index(weekdayKeys, key) }

// isoIndex maps time.Weekday (Sunday = 0) to 0 = Monday … 6 = Sunday.
func isoIndex(d time.Weekday) int { return (int(d) + 6) % 7 }

// Interval is one span of opening (or emergency, or availability) hours on
// a weekday, in German local time: "mon" 09:00–12:00.
type Interval struct {
	Day  string `json:"day" enum:"mon,tue,wed,thu,fri,sat,sun" doc:"Wochentag"`
	From string `json:"from" pattern:"^[0-2][0-9]:[0-5][0-9]$" doc:"Beginn, HH:MM"`
	To   string `json:"to" pattern:"^[0-2][0-9]:[0-5][0-9]$" doc:"Ende, HH:MM; 24:00 für Mitternacht"`
	Note string `json:"note,omitempty" maxLength:"100" doc:"Hinweis, z. B. „nur mit Termin“"`
}

// MaxNoteLen caps the note of an interval.
const MaxNoteLen = 100

// minutes parses "HH:MM" (00:00 to 24:00) into minutes since midnight.
func minutes(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	var h, m int
	for _, c := range s[:2] + s[3:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	h = int(s[0]-'0')*10 + int(s[1]-'0')
	m = int(s[3]-'0')*10 + int(s[4]-'0')
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// span returns the interval's start and end in minutes since midnight.
func (iv Interval) span() (int, int) {
	f, _ := minutes(iv.From)
	t, _ := minutes(iv.To)
	return f, t
}

// Label is the interval in German: "Mo 09:00–12:00 (nur mit Termin)".
func (iv Interval) Label() string {
	s := weekdayShort[max(WeekdayIndex(iv.Day), 0)] + " " + iv.From + "–" + iv.To
	if iv.Note != "" {
		s += " (" + iv.Note + ")"
	}
	return s
}

// ValidateHours checks a list of intervals: known weekday, times HH:MM,
// end after start, no two intervals of a day overlapping. Errors name
// field[i].from and so on. The list comes back sorted by day and time.
func ValidateHours(errs *tenant.FieldErrors, field string, hours []Interval) []Interval {
	out := make([]Interval, 0, len(hours))
	idx := make([]int, 0, len(hours))
	for i, iv := range hours {
		f := fmt.Sprintf("%s[%d]", field, i)
		iv.Day = strings.ToLower(strings.TrimSpace(iv.Day))
		iv.From, iv.To, iv.Note = strings.TrimSpace(iv.From), strings.TrimSpace(iv.To), strings.TrimSpace(iv.Note)
		ok := true
		if WeekdayIndex(iv.Day) < 0 {
			errs.Add(f+".day", "Unbekannter Wochentag %q (mon … sun).", iv.Day)
			ok = false
		}
		from, okFrom := minutes(iv.From)
		to, okTo := minutes(iv.To)
		if okFrom && from == 24*60 {
			okFrom = false
		}
		if !okFrom {
			errs.Add(f+".from", "Bitte geben Sie den Beginn als Uhrzeit HH:MM an (zum Beispiel 09:00).")
			ok = false
		}
		if !okTo {
			errs.Add(f+".to", "Bitte geben Sie das Ende als Uhrzeit HH:MM an (zum Beispiel 12:30).")
			ok = false
		}
		if okFrom && okTo && to <= from {
			errs.Add(f+".to", "Das Ende (%s) liegt nicht nach dem Beginn (%s).", iv.To, iv.From)
			ok = false
		}
		switch {
		case utf8.RuneCountInString(iv.Note) > MaxNoteLen:
			errs.Add(f+".note", "Der Hinweis ist länger als %d Zeichen.", MaxNoteLen)
			ok = false
		case strings.ContainsAny(iv.Note, "|\r\n\t"):
			errs.Add(f+".note", "Der Hinweis darf keine Zeilenumbrüche und kein „|“ enthalten.")
			ok = false
		}
		if ok {
			out = append(out, iv)
			idx = append(idx, i)
		}
	}
	// Overlaps: compare every pair on the same day.
	for a := range out {
		for b := a + 1; b < len(out); b++ {
			if out[a].Day != out[b].Day {
				continue
			}
			fa, ta := out[a].span()
			fb, tb := out[b].span()
			if fa < tb && fb < ta {
				errs.Add(fmt.Sprintf("%s[%d].from", field, idx[b]), "Die Zeit %s überschneidet sich mit %s.", out[b].Label(), out[a].Label())
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Interval) int {
		if d := WeekdayIndex(a.Day) - WeekdayIndex(b.Day); d != 0 {
			return d
		}
		fa, _ := a.span()
		fb, _ := b.span()
		return fa - fb
	})
	return out
}

// Status is whether a centre is open at a moment and when it opens next.
type Status struct {
	Open bool `json:"open"`
	// Until is when the current opening ends (set when Open).
	Until *time.Time `json:"until,omitempty"`
	// Next is the start of the next opening (set when closed and one is
	// known within two weeks).
	Next *time.Time `json:"next,omitempty"`
	// Holiday names the public holiday of today, if any (closed then).
	Holiday string `json:"holiday,omitempty"`
	// Known is false when the entry has no hours at all.
	Known bool `json:"known"`
}

// OpeningStatus computes whether the hours are open at now, in the wall
// clock of loc (Europe/Berlin): "Mo 09:00–12:00" means nine o'clock German
// time in winter and in summer alike, so the instant shifts by an hour
// across the daylight-saving changes. Statutory holidays of
// Sachsen-Anhalt count as closed. Nonexistent local times on the day
// clocks go forward are normalised by time.Date (02:30 becomes 03:30).
func OpeningStatus(hours []Interval, now time.Time, loc *time.Location) Status {
	if len(hours) == 0 {
		return Status{}
	}
	st := Status{Known: true}
	local := now.In(loc)
	for d := 0; d <= 14; d++ {
		day := time.Date(local.Year(), local.Month(), local.Day()+d, 0, 0, 0, 0, loc)
		holiday := holidays.Name(day)
		if d == 0 {
			st.Holiday = holiday
		}
		if holiday != "" {
			continue
		}
		wd := weekdayKeys[isoIndex(day.Weekday())]
		for _, iv := range hours {
			if iv.Day != wd {
				continue
			}
			f, t := iv.span()
			start := time.Date(day.Year(), day.Month(), day.Day(), f/60, f%60, 0, 0, loc)
			end := time.Date(day.Year(), day.Month(), day.Day(), t/60, t%60, 0, 0, loc)
			if d == 0 && !now.Before(start) && now.Before(end) {
				st.Open = true
				st.Until = &end
				st.Next = nil
				return st
			}
			if start.After(now) && (st.Next == nil || start.Before(*st.Next)) {
				s := start
				st.Next = &s
			}
		}
		if st.Next != nil && !st.Open {
			// The earliest start on the first day with one is the next.
			return st
		}
	}
	return st
}

var hourItem = regexp.MustCompile(`^(\p{L}{2,3})\.?\s+(\d{1,2}[:.]\d{2})\s*[-–]\s*(\d{1,2}[:.]\d{2})(?:\s+(.*))?$`)

// FormatHours writes intervals as text items "Mo 09:00-12:00 nur mit
// Termin", the form the CSV and the console's text fields use.
func FormatHours(list []Interval) []string {
	out := make([]string, len(list))
	for i, iv := range list {
		out[i] = weekdayShort[max(WeekdayIndex(iv.Day), 0)] + " " + iv.From + "-" + iv.To
		if iv.Note != "" {
			out[i] += " " + iv.Note
		}
	}
	return out
}

// ParseHours reads items written by FormatHours (German or English day
// abbreviations, "9.00" and "09:00", "-" or "–"). Items it cannot read
// come back as problems naming them; ValidateHours checks the rest.
func ParseHours(items []string) ([]Interval, []string) {
	var out []Interval
	var problems []string
	for _, item := range items {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		m := hourItem.FindStringSubmatch(item)
		if m == nil {
			problems = append(problems, fmt.Sprintf("%q ist keine Zeit der Form „Mo 09:00-12:00“.", item))
			continue
		}
		day := strings.ToLower(m[1])
		for i, short := range weekdayShort {
			if strings.EqualFold(short, m[1]) {
				day = weekdayKeys[i]
			}
		}
		norm := func(t string) string {
			t = strings.Replace(t, ".", ":", 1)
			if len(t) == 4 {
				t = "0" + t
			}
			return t
		}
		out = append(out, Interval{Day: day, From: norm(m[2]), To: norm(m[3]), Note: strings.TrimSpace(m[4])})
	}
	return out, problems
}
