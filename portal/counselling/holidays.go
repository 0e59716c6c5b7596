package counselling

import "time"

// HolidayName returns the name of the statutory public holiday of
// Sachsen-Anhalt on the calendar day of t (in t's location), or "". The
// Land keeps Heilige Drei Könige (6 January) and the Reformationstag
// (31 October) besides the nationwide holidays.
func HolidayName(t time.Time) string {
	y, m, d := t.Date()
	switch {
	case m == time.January && d == 1:
		return "Neujahr"
	case m == time.January && d == 6:
		return "Heilige Drei Könige"
	case m == time.May && d == 1:
		return "Tag der Arbeit"
	case m == time.October && d == 3:
		return "Tag der Deutschen Einheit"
	case m == time.October && d == 31:
		return "Reformationstag"
	case m == time.December && d == 25:
		return "1. Weihnachtsfeiertag"
	case m == time.December && d == 26:
		return "2. Weihnachtsfeiertag"
	}
	easter := easterSunday(y)
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	switch int(day.Sub(easter).Hours() / 24) {
	case -2:
		return "Karfreitag"
	case 1:
		return "Ostermontag"
	case 39:
		return "Christi Himmelfahrt"
	case 50:
		return "Pfingstmontag"
	}
	return ""
}

// easterSunday computes Easter Sunday of the Gregorian calendar (the
// anonymous Gregorian algorithm, "Meeus/Jones/Butcher"), at midnight UTC.
func easterSunday(y int) time.Time {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}
