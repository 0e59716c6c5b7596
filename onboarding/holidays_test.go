package onboarding

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
		if m, d := easterSunday(tc.year); m != tc.month || d != tc.day {
			t.Errorf("Easter %d = %02d.%02d., want %02d.%02d.", tc.year, d, m, tc.day, tc.month)
		}
	}
}

func TestHolidaysOfSachsenAnhalt(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		day, holiday, pause string
	}{
		{"2026-01-01", "Neujahr", "Jahreswechsel (24.12. bis 01.01.)"},
		{"2026-01-06", "Heilige Drei Könige", "Heilige Drei Könige"}, // Sachsen-Anhalt keeps it, Berlin does not
		{"2026-04-03", "Karfreitag", "Karfreitag"},
		{"2026-04-05", "", ""}, // Ostersonntag is a Sunday, no statutory holiday of its own
		{"2026-04-06", "Ostermontag", "Ostermontag"},
		{"2026-05-01", "Tag der Arbeit", "Tag der Arbeit"},
		{"2026-05-14", "Christi Himmelfahrt", "Christi Himmelfahrt"},
		{"2026-05-25", "Pfingstmontag", "Pfingstmontag"},
		{"2026-06-04", "", ""}, // Fronleichnam is no holiday in Sachsen-Anhalt
		{"2026-10-03", "Tag der Deutschen Einheit", "Tag der Deutschen Einheit"},
		{"2026-10-31", "Reformationstag", "Reformationstag"},
		{"2026-11-18", "", ""}, // Buß- und Bettag only in Sachsen
		{"2026-12-23", "", ""},
		{"2026-12-24", "", "Jahreswechsel (24.12. bis 01.01.)"},
		{"2026-12-25", "1. Weihnachtstag", "Jahreswechsel (24.12. bis 01.01.)"},
		{"2026-12-26", "2. Weihnachtstag", "Jahreswechsel (24.12. bis 01.01.)"},
		{"2026-12-30", "", "Jahreswechsel (24.12. bis 01.01.)"},
		{"2027-01-02", "", ""},
		{"2027-03-26", "Karfreitag", "Karfreitag"},
		{"2027-05-06", "Christi Himmelfahrt", "Christi Himmelfahrt"},
		{"2027-05-17", "Pfingstmontag", "Pfingstmontag"},
		{"2025-04-18", "Karfreitag", "Karfreitag"},
		{"2025-06-09", "Pfingstmontag", "Pfingstmontag"},
	} {
		if got := holidaySachsenAnhalt(day(tc.day)); got != tc.holiday {
			t.Errorf("holiday %s = %q, want %q", tc.day, got, tc.holiday)
		}
		if got := consultationPause(day(tc.day)); got != tc.pause {
			t.Errorf("pause %s = %q, want %q", tc.day, got, tc.pause)
		}
	}
}
