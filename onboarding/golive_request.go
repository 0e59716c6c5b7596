package onboarding

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"sozialplattform/tenant/mail"
)

// queueGoLiveRequest tells the ministry's mailbox, inside the phase
// change's transaction db, that the case's Produktivtest began without a
// recorded test delivery: the case cannot go live without the ministry's
// confirmation (DecidePhase), and the ministry should not have to find
// that out by itself. Without a mailbox (Options.MinistryMailbox) nothing
// is sent; the start page's work list shows the case either way (Work).
func (s *Store) queueGoLiveRequest(ctx context.Context, db bun.IDB, row *caseRow) error {
	if s.mailer == nil || s.opts.MinistryMailbox == "" {
		return nil
	}
	var tenantName string
	if err := db.NewSelect().Table("tenants").Column("name").Where("id = ?", row.TenantID).Scan(ctx, &tenantName); err != nil {
		return fmt.Errorf("go-live request: tenant: %w", err)
	}
	idx, err := s.streamIndex(ctx)
	if err != nil {
		return err
	}
	label := idx[row.Antragsstrecke].Label
	if label == "" {
		label = row.Antragsstrecke
	}
	if err := s.mailer.Enqueue(ctx, db, mail.Message{TenantID: row.TenantID, To: s.opts.MinistryMailbox, Template: MailGoLiveRequest,
		Data: GoLiveRequestMail{TenantName: tenantName, Label: label, Link: s.opts.BaseURL + "/admin/anbindung/fall/" + row.ID}}); err != nil {
		return fmt.Errorf("queue go-live request: %w", err)
	}
	return nil
}
