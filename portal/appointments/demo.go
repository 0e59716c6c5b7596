package appointments

import (
	"context"
	"fmt"

	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
)

// LoadDemo gives each of the tenants one calendar, unless it has one:
// weekday mornings and two afternoons in 45-minute slots for a
// Beratungsstelle, 20-minute slots for a municipality's Sozialamt. It
// changes nothing when run again.
func (s *Store) LoadDemo(ctx context.Context, tenants *tenant.Store, tenantIDs []string) error {
	ctx = tenant.WithActor(ctx, tenant.Actor{ID: "system", Label: "Demodaten"})
	for _, id := range tenantIDs {
		have, err := s.Calendars(ctx, []string{id}, false)
		if err != nil {
			return err
		}
		if len(have) > 0 {
			continue
		}
		t, err := tenants.GetTenant(ctx, id)
		if err != nil {
			return fmt.Errorf("demo calendar: %w", err)
		}
		in := CalendarInput{Name: "Erstberatung – " + t.Name, Location: t.Street + ", " + t.PostalCode + " " + t.City,
			SlotMinutes: 45, HorizonDays: 42, MinNoticeMinutes: 120, NotifyEmail: t.FunctionMailbox, Active: true,
			Availability: []counselling.Interval{
				{Day: "mon", From: "09:00", To: "12:00"}, {Day: "tue", From: "13:00", To: "16:00"},
				{Day: "wed", From: "09:00", To: "12:00"}, {Day: "thu", From: "13:00", To: "17:30"},
			},
			Exceptions: []Exception{{From: "2026-12-24", To: "2027-01-01", Note: "Betriebsferien"}}}
		if t.Kind != tenant.KindOrganisation {
			in.Name, in.SlotMinutes = "Sozialamt – Sprechstunde", 20
			in.Availability = []counselling.Interval{{Day: "tue", From: "08:30", To: "12:00"}, {Day: "tue", From: "13:00", To: "18:00"}, {Day: "thu", From: "08:30", To: "12:00"}}
		}
		if _, err := s.CreateCalendar(ctx, id, in); err != nil {
			return fmt.Errorf("demo calendar of %s: %w", t.Name, err)
		}
	}
	return nil
}
