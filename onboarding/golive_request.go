package onboarding

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"sozialplattform/tenant/mail"
)

// queueMinistryNotice tells the ministry's mailbox of a phase change that
// needs its attention, inside the change's transaction db:
//   - MailGoLiveRequest: the Produktivtest began without a recorded test
//     delivery, so the case cannot go live without the ministry's
//     confirmation (DecidePhase); the ministry should not have to find that
//     out by itself;
//   - MailLiveWithdrawn: a live case's last phase was reopened and the
//     Antragsstrecke left the portal.
//
// Without a mailbox (Options.MinistryMailbox) nothing is sent; the start
// page's work list shows waiting requests either way (Work).
func (s *Store) queueMinistryNotice(ctx context.Context, db bun.IDB, row *caseRow, template string) error {
	if s.mailer == nil || s.opts.MinistryMailbox == "" {
		return nil
	}
	var tenantName string
	if err := db.NewSelect().Table("tenants").Column("name").Where("id = ?", row.TenantID).Scan(ctx, &tenantName); err != nil {
		return fmt.Errorf("%s: tenant: %w", template, err)
	}
	idx, err := s.streamIndex(ctx)
	if err != nil {
		return err
	}
	label := idx[row.Antragsstrecke].Label
	if label == "" {
		label = row.Antragsstrecke
	}
	if err := s.mailer.Enqueue(ctx, db, mail.Message{TenantID: row.TenantID, To: s.opts.MinistryMailbox, Template: template,
		Data: GoLiveRequestMail{TenantName: tenantName, Label: label, Link: s.opts.Links.Case(row.ID)}}); err != nil {
		return fmt.Errorf("queue %s: %w", template, err)
	}
	return nil
}
