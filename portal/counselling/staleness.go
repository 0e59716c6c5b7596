package counselling

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/jobs"
	"sozialplattform/tenant/mail"
)

// Jobs returns the directory's scheduled jobs for the job registry. Each
// takes the registry's database lease, so with several instances it runs
// once per schedule.
func (s *Store) Jobs() []jobs.Job {
	months := int(math.Round(s.opts.RemindAfter.Hours() / 24 / 30.44))
	return []jobs.Job{{
		Name: "beratung-aktualitaet", Schedule: "45 7 * * *",
		Description: fmt.Sprintf("Beratungsstellen erinnern, deren Eintrag seit %d Monaten nicht bestätigt wurde", months),
		Run: func(ctx context.Context) error {
			ctx = tenant.WithActor(ctx, tenant.Actor{ID: "system", Label: "Aufgabe beratung-aktualitaet"})
			_, err := s.RemindStale(ctx)
			return err
		},
	}}
}

// RemindStale mails the editors of every published entry of an active
// organisation that has not been verified for RemindAfter, and again
// every ReminderRepeat while it stays so. It returns the number of
// centres reminded.
func (s *Store) RemindStale(ctx context.Context) (int, error) {
	now := s.now()
	limit := s.today().Add(-s.opts.RemindAfter)
	months := max(1, int(math.Round(s.opts.RemindAfter.Hours()/24/30.44)))
	reminded := 0
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var rows []centreRow
		err := tx.NewSelect().Model(&rows).ModelTableExpr("counselling_centres AS c").ColumnExpr("c.*").
			Join("JOIN tenants AS t ON t.id = c.id").
			Where("t.active = ?", true).
			Where("c.published_version IS NOT NULL").
			Where("((c.verified_on IS NULL AND c.created_at < ?) OR c.verified_on < ?)", limit, limit).
			Where("(c.stale_reminded_at IS NULL OR c.stale_reminded_at < ?)", now.Add(-ReminderRepeat)).
			OrderExpr("c.id").Scan(ctx)
		if err != nil {
			return fmt.Errorf("stale counselling centres: %w", err)
		}
		for _, r := range rows {
			if s.mailer != nil {
				to, err := editorAddresses(ctx, tx, r.ID)
				if err != nil {
					return err
				}
				for _, addr := range to {
					if err := s.mailer.Enqueue(ctx, tx, mail.Message{TenantID: r.ID, To: addr, Template: MailStale,
						Data: StaleMail{CentreName: r.Name, VerifiedOn: r.VerifiedOn, Months: months, Link: s.consoleLink(r.ID)}}); err != nil {
						return fmt.Errorf("queue staleness reminder: %w", err)
					}
				}
			}
			if _, err := tx.NewUpdate().Model((*centreRow)(nil)).Where("id = ?", r.ID).Set("stale_reminded_at = ?", now).Exec(ctx); err != nil {
				return fmt.Errorf("mark reminder: %w", err)
			}
			if err := tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: r.ID, Action: "remind", ObjectType: ObjCentre, ObjectID: r.ID,
				Summary: map[string]any{"verifiedOn": dateString(r.VerifiedOn)}}); err != nil {
				return err
			}
			reminded++
		}
		return nil
	})
	return reminded, err
}

func dateString(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format("2006-01-02")
}
