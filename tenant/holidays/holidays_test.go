package holidays

import (
	"testing"
	"time"
)

func TestEasterSunday(t *testing.T) {
	for _, tc := range []struct {
		year  int
		month time.Month
		day   int
	}{
		{1818, time.March, 22}, // the earliest possible date
		{1943, time.April, 25}, // the latest possible date
		{2008, time.March, 23},
		{2019, time.April, 21},
		{2024, time.March, 31},
		{2025, time.April, 20},
		{2026, time.April, 5},
		{2027, time.March, 28},
		{2028, time.April, 16},
		{2029, time.April, 1},
		{2030, time.April, 21},
		{2038, time.April, 25},
		{2285, time.March, 22},
	} {
		got := EasterSunday(tc.year)
		want := time.Date(tc.year, tc.month, tc.day, 0, 0, 0, 0, time.UTC)
		if !got.Equal(want) {
			t.Errorf("Easter %d = %s, want %s", tc.year, got.Format("02.01.2006"), want.Format("02.01.2006"))
		}
	}
}

func TestEasterSundayIsASundayInMarchOrApril(t *testing.T) {
	for y := 1583; y <= 4099; y++ {
		e := EasterSunday(y)
		if e.Weekday() != time.Sunday || e.Before(time.Date(y, time.March, 22, 0, 0, 0, 0, time.UTC)) ||
			e.After(time.Date(y, time.April, 25, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("Easter %d = %s (%s), want a Sunday from 22.03. to 25.04.", y, e.Format("02.01.2006"), e.Weekday())
		}
	}
}

func TestNameOfHolidaysInSachsenAnhalt(t *testing.T) {
	for _, tc := range []struct{ day, holiday string }{
		{"2026-01-01", "Neujahr"},
		{"2026-01-06", "Heilige Drei Könige"}, // Sachsen-Anhalt keeps it, Berlin does not
		{"2026-04-03", "Karfreitag"},
		{"2026-04-05", ""}, // Ostersonntag is a Sunday, no statutory holiday of its own
		{"2026-04-06", "Ostermontag"},
		{"2026-05-01", "Tag der Arbeit"},
		{"2026-05-14", "Christi Himmelfahrt"},
		{"2026-05-24", ""}, // Pfingstsonntag, a Sunday
		{"2026-05-25", "Pfingstmontag"},
		{"2026-06-04", ""}, // Fronleichnam is no holiday in Sachsen-Anhalt
		{"2026-10-03", "Tag der Deutschen Einheit"},
		{"2026-10-31", "Reformationstag"},
		{"2026-11-18", ""}, // Buß- und Bettag only in Sachsen
		{"2026-12-24", ""}, // Heiligabend is a working day by law
		{"2026-12-25", "1. Weihnachtstag"},
		{"2026-12-26", "2. Weihnachtstag"},
		{"2026-12-31", ""},
		{"2027-03-26", "Karfreitag"},
		{"2027-05-06", "Christi Himmelfahrt"},
		{"2027-05-17", "Pfingstmontag"},
		{"2025-04-18", "Karfreitag"},
		{"2025-06-09", "Pfingstmontag"},
		{"2038-04-26", "Ostermontag"}, // late Easter
		{"2285-03-20", "Karfreitag"},  // early Easter
	} {
		d, err := time.Parse("2006-01-02", tc.day)
		if err != nil {
			t.Fatal(err)
		}
		if got := Name(d); got != tc.holiday {
			t.Errorf("Name(%s) = %q, want %q", tc.day, got, tc.holiday)
		}
	}
}

// The calendar day counts in the location of the time given: late evening
// of 5 April 2026 in UTC is already Ostermontag in Berlin.
func TestNameUsesTheDayInTheGivenLocation(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	utc := time.Date(2026, time.April, 5, 22, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{utc, ""},
		{utc.In(berlin), "Ostermontag"},
		{time.Date(2026, time.April, 6, 23, 59, 0, 0, berlin), "Ostermontag"},
		{time.Date(2026, time.April, 7, 0, 0, 0, 0, berlin), ""},
	} {
		if got := Name(tc.at); got != tc.want {
			t.Errorf("Name(%s) = %q, want %q", tc.at, got, tc.want)
		}
	}
}
