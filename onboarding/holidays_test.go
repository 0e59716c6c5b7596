package onboarding

import (
	"testing"
	"time"
)

// The pause adds the break between the years to the holidays of
// tenant/holidays (tested there on their own).
func TestConsultationPause(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		day, pause string
	}{
		{"2026-01-01", "Jahreswechsel (24.12. bis 01.01.)"},
		{"2026-01-06", "Heilige Drei Könige"}, // Sachsen-Anhalt keeps it, Berlin does not
		{"2026-04-03", "Karfreitag"},
		{"2026-04-05", ""}, // Ostersonntag is a Sunday, no statutory holiday of its own
		{"2026-04-06", "Ostermontag"},
		{"2026-05-01", "Tag der Arbeit"},
		{"2026-05-14", "Christi Himmelfahrt"},
		{"2026-05-25", "Pfingstmontag"},
		{"2026-06-04", ""}, // Fronleichnam is no holiday in Sachsen-Anhalt
		{"2026-10-03", "Tag der Deutschen Einheit"},
		{"2026-10-31", "Reformationstag"},
		{"2026-11-18", ""}, // Buß- und Bettag only in Sachsen
		{"2026-12-23", ""},
		{"2026-12-24", "Jahreswechsel (24.12. bis 01.01.)"},
		{"2026-12-25", "Jahreswechsel (24.12. bis 01.01.)"},
		{"2026-12-26", "Jahreswechsel (24.12. bis 01.01.)"},
		{"2026-12-30", "Jahreswechsel (24.12. bis 01.01.)"},
		{"2027-01-02", ""},
		{"2027-03-26", "Karfreitag"},
		{"2027-05-06", "Christi Himmelfahrt"},
		{"2027-05-17", "Pfingstmontag"},
		{"2025-04-18", "Karfreitag"},
		{"2025-06-09", "Pfingstmontag"},
	} {
		if got := consultationPause(day(tc.day)); got != tc.pause {
			t.Errorf("pause %s = %q, want %q", tc.day, got, tc.pause)
		}
	}
}
