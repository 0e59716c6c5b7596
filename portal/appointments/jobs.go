package appointments

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/jobs"
)

// Jobs returns the scheduled jobs of appointments for the job registry:
// the reminder the day before and the deletion of old bookings.
func (s *Store) Jobs() []jobs.Job {
	system := func(name string, run func(ctx context.Context) (int, error)) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			ctx = tenant.WithActor(ctx, tenant.Actor{ID: "system", Label: "Aufgabe " + name})
			_, err := run(ctx)
			return err
		}
	}
	return []jobs.Job{
		{Name: "termine-erinnerung", Schedule: "0 * * * *",
			Description: "Bürgerinnen und Bürger am Vortag an ihren Termin erinnern",
			Run:         system("termine-erinnerung", s.RemindTomorrow)},
		{Name: "termine-loeschen", Schedule: "30 3 * * *",
			Description: fmt.Sprintf("Buchungen %d Tage nach dem Termin löschen (Datenschutz)", s.opts.RetainDays),
			Run:         system("termine-loeschen", s.Purge)},
	}
}

// RemindTomorrow mails everyone whose appointment is on the next German
// calendar day and who has not been reminded, once. Run hourly, it also
// catches bookings made during the day before.
func (s *Store) RemindTomorrow(ctx context.Context) (int, error) {
	now := s.now()
	l := now.In(s.loc)
	from := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, s.loc)
	to := time.Date(l.Year(), l.Month(), l.Day()+2, 0, 0, 0, 0, s.loc)
	sent := 0
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var due []Booking
		if err := tx.NewSelect().Model(&due).Where("cancelled_at IS NULL AND reminded_at IS NULL AND starts_at >= ? AND starts_at < ?", from.UTC(), to.UTC()).
			Where("created_at < ?", now.Add(-time.Hour)). // a booking of the last hour just had its confirmation
			OrderExpr("starts_at").Scan(ctx); err != nil {
			return fmt.Errorf("bookings of tomorrow: %w", err)
		}
		cals := map[string]*Calendar{}
		for i := range due {
			b := &due[i]
			cal, ok := cals[b.CalendarID]
			if !ok {
				var row calendarRow
				if err := tx.NewSelect().Model(&row).Where("id = ?", b.CalendarID).Scan(ctx); err != nil {
					return fmt.Errorf("calendar of booking: %w", err)
				}
				c, err := row.model()
				if err != nil {
					return err
				}
				cal, cals[b.CalendarID] = c, c
			}
			if err := s.mail(ctx, tx, b, cal, MailReminder, b.Email, Tokens{}, ""); err != nil {
				return err
			}
			if _, err := tx.NewUpdate().Model((*Booking)(nil)).Where("id = ?", b.ID).Set("reminded_at = ?", now).Exec(ctx); err != nil {
				return fmt.Errorf("mark reminder: %w", err)
			}
			sent++
		}
		return nil
	})
	return sent, err
}

// Purge deletes the bookings whose appointment ended more than RetainDays
// ago (cancelled ones too) and the expired rate-limit counters.
func (s *Store) Purge(ctx context.Context) (int, error) {
	now := s.now()
	var n int64
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*Booking)(nil)).Where("ends_at < ?", now.AddDate(0, 0, -s.opts.RetainDays)).Exec(ctx)
		if err != nil {
			return fmt.Errorf("delete old bookings: %w", err)
		}
		n, _ = res.RowsAffected()
		if _, err := tx.NewDelete().Table("appointment_rate_limits").Where("window_start < ?", now.Add(-48*time.Hour)).Exec(ctx); err != nil {
			return fmt.Errorf("delete rate-limit counters: %w", err)
		}
		if n == 0 {
			return nil
		}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{Action: "purge", ObjectType: ObjAppointment, Summary: map[string]any{"deleted": n}})
	})
	return int(n), err
}
