package onboarding

import "time"

// easterSunday returns Easter Sunday of the Gregorian year y by the
// Anonymous Gregorian algorithm (Meeus/Jones/Butcher), the form of Gauss's
// rule that needs no exception table.
func easterSunday(y int) (time.Month, int) {
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
	return time.Month(month), day
}

// holidaySachsenAnhalt names the statutory public holiday of Sachsen-Anhalt
// on the calendar day of d (its year, month and day; the clock is ignored),
// or "" on a working day. Sachsen-Anhalt keeps, besides the nationwide days,
// Heilige Drei Könige (6 January) and Reformationstag (31 October)
// (FeiertG LSA § 2).
func holidaySachsenAnhalt(d time.Time) string {
	y, m, day := d.Date()
	switch {
	case m == time.January && day == 1:
		return "Neujahr"
	case m == time.January && day == 6:
		return "Heilige Drei Könige"
	case m == time.May && day == 1:
		return "Tag der Arbeit"
	case m == time.October && day == 3:
		return "Tag der Deutschen Einheit"
	case m == time.October && day == 31:
		return "Reformationstag"
	case m == time.December && day == 25:
		return "1. Weihnachtstag"
	case m == time.December && day == 26:
		return "2. Weihnachtstag"
	}
	em, ed := easterSunday(y)
	easter := time.Date(y, em, ed, 0, 0, 0, 0, time.UTC)
	offset := int(time.Date(y, m, day, 0, 0, 0, 0, time.UTC).Sub(easter).Hours() / 24)
	return map[int]string{-2: "Karfreitag", 1: "Ostermontag", 39: "Christi Himmelfahrt", 50: "Pfingstmontag"}[offset]
}

// consultationPause says why no Anbindungs-Sprechstunde takes place on the
// calendar day of d: the break between the years (24.12. to 01.01.) or a
// public holiday in Sachsen-Anhalt; "" when it takes place.
func consultationPause(d time.Time) string {
	_, m, day := d.Date()
	if (m == time.December && day >= 24) || (m == time.January && day == 1) {
		return "Jahreswechsel (24.12. bis 01.01.)"
	}
	return holidaySachsenAnhalt(d)
}
