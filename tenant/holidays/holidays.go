// Package holidays knows the statutory public holidays of Sachsen-Anhalt
// (Feiertagsgesetz Sachsen-Anhalt, FeiertG LSA § 2) and the date of Easter
// they hang on. It is the one calendar of days off for the whole platform:
// the Anbindungs-Sprechstunden of onboarding skip them, counselling centres
// show themselves closed on them, and appointment slots leave them out.
//
// Sachsen-Anhalt keeps, besides the nationwide holidays, Heilige Drei
// Könige (6 January) and the Reformationstag (31 October); it does not keep
// Fronleichnam or the Buß- und Bettag. Ostersonntag and Pfingstsonntag are
// Sundays and need no entry of their own.
package holidays

import "time"

// Name returns the name of the statutory public holiday of Sachsen-Anhalt on
// the calendar day of t (its year, month and day in t's own location; the
// clock is ignored), or "" on a day that is no holiday.
func Name(t time.Time) string {
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
		return "1. Weihnachtstag"
	case m == time.December && d == 26:
		return "2. Weihnachtstag"
	}
	// Whole days after Easter Sunday; both dates are midnight UTC, so the
	// difference is an exact multiple of 24 hours.
	offset := int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(EasterSunday(y)) / (24 * time.Hour))
	switch offset {
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

// EasterSunday returns Easter Sunday of the Gregorian year y at midnight
// UTC, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher) – the form
// of Gauss's rule that needs no exception table.
func EasterSunday(y int) time.Time {
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
