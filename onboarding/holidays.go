package onboarding

import (
	"time"

	"sozialplattform/tenant/holidays"
)

// consultationPause says why no Anbindungs-Sprechstunde takes place on the
// calendar day of d: the break between the years (24.12. to 01.01.) or a
// public holiday in Sachsen-Anhalt; "" when it takes place.
func consultationPause(d time.Time) string {
	_, m, day := d.Date()
	if (m == time.December && day >= 24) || (m == time.January && day == 1) {
		return "Jahreswechsel (24.12. bis 01.01.)"
	}
	return holidays.Name(d)
}
