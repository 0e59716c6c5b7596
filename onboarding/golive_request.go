package onboarding

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"sozialplattform/tenant/mail"
)

// queueMinistryNotice tells the ministry's mailbox of a phase change that
// needs its attention, inside the change's transaction db:
//   - MailGoLiveRequest: the connection tests wait for nothing but the
//     missing test application (goLiveRequestDue), so the case goes on only
//     with a received test or the ministry's confirmation (ConfirmGoLive);
//     the ministry should not have to find that out by itself;
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

// goLiveRequestDue reports whether the connection tests of c wait for
// nothing but the test application: the phase runs, every other item of
// it is done, and neither a test delivery nor the ministry's confirmation
// is recorded. That is the moment the ministry's action is needed – the
// phase completes only with one of the two (FactTestReceived).
func (s *Store) goLiveRequestDue(ctx context.Context, db bun.IDB, c *Case) (bool, error) {
	if !c.Variant.Valid() || c.TestDeliveryAt != nil || c.LiveConfirmedAt != nil || c.Phase(PhaseConnectionTests).Status != InProgress {
		return false, nil
	}
	items, err := s.caseItems(ctx, db, c)
	if err != nil {
		return false, err
	}
	waiting := false
	for _, it := range items {
		if it.Phase != PhaseConnectionTests || it.Done {
			continue
		}
		if it.Fact != FactTestReceived {
			return false, nil
		}
		waiting = true
	}
	return waiting, nil
}

// requestGoLiveIfDue asks the ministry to confirm the go-live of the
// cases of caseIDs whose connection tests have just come to wait for the
// test application alone (goLiveRequestDue), once per case, inside the
// change's transaction db.
func (s *Store) requestGoLiveIfDue(ctx context.Context, db bun.IDB, caseIDs ...string) error {
	slices.Sort(caseIDs)
	for _, id := range slices.Compact(caseIDs) {
		row, err := s.loadCaseRow(ctx, db, id)
		if err != nil {
			return err
		}
		if row.GoLiveRequestedAt != nil {
			continue
		}
		c, err := s.caseModel(row)
		if err != nil {
			return err
		}
		due, err := s.goLiveRequestDue(ctx, db, c)
		if err != nil {
			return err
		}
		if !due {
			continue
		}
		if _, err := db.NewUpdate().Model((*caseRow)(nil)).Set("golive_requested_at = ?", s.now()).Where("id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("record go-live request of case %s: %w", id, err)
		}
		if err := s.queueMinistryNotice(ctx, db, row, MailGoLiveRequest); err != nil {
			return err
		}
	}
	return nil
}
