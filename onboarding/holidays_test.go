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
		{"2026-01-01", "Jahreswechsel (24.12. bis 01.01.)"}, // the break wins over Neujahr
		{"2026-04-06", "Ostermontag"},                       // a holiday of tenant/holidays passes through
		{"2026-06-04", ""},                                  // a day tenant/holidays does not name stays free
		{"2026-12-23", ""},
		{"2026-12-24", "Jahreswechsel (24.12. bis 01.01.)"},
		{"2026-12-25", "Jahreswechsel (24.12. bis 01.01.)"},
		{"2026-12-30", "Jahreswechsel (24.12. bis 01.01.)"},
		{"2027-01-02", ""},
	} {
		if got := consultationPause(day(tc.day)); got != tc.pause {
			t.Errorf("pause %s = %q, want %q", tc.day, got, tc.pause)
		}
	}
}
