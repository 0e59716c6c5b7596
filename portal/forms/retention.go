package forms

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/envelope"
	"sozialplattform/tenant/mail"
)

// CleanupResult counts what a cleanup run did.
type CleanupResult struct {
	Reminded, DraftsDeleted, ApplicationsPurged int
}

// Cleanup is the retention job: it mails a reminder before a draft
// expires, deletes expired drafts with their uploads, and deletes the data
// of delivered applications whose retention period ended (answers and
// documents; reference, status and dates stay for the counts). Every
// deletion is written to the audit log of the tenant, which is the
// municipality's deletion log; the entries hold no personal data.
func (s *Store) Cleanup(ctx context.Context) (CleanupResult, error) {
	var res CleanupResult
	now := s.now()
	ctx = tenant.WithActor(ctx, tenant.Actor{ID: "system", Label: "Aufbewahrungsfristen"})

	var remind []draftRow
	if err := s.db.Read.NewSelect().Model(&remind).Column("id", "citizen_id", "tenant_id", "antragsstrecke", "expires_at").
		Where("reminded_at IS NULL").Where("expires_at > ?", now).Where("expires_at <= ?", now.Add(s.opts.ReminderBefore)).
		Limit(500).Scan(ctx); err != nil {
		return res, fmt.Errorf("drafts to remind: %w", err)
	}
	for _, r := range remind {
		err := s.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			upd, err := tx.NewUpdate().Model((*draftRow)(nil)).Set("reminded_at = ?", now).Where("id = ?", r.ID).Where("reminded_at IS NULL").Exec(ctx)
			if err != nil {
				return err
			}
			if n, _ := upd.RowsAffected(); n == 0 {
				return nil
			}
			email := s.citizenEmail(ctx, tx, r.CitizenID)
			if email == "" {
				return nil
			}
			tname := r.TenantID
			var slug string
			if t, err := s.tenants.GetTenant(ctx, r.TenantID); err == nil {
				tname, slug = t.Name, t.Slug
			}
			res.Reminded++
			return s.mailer.Enqueue(ctx, tx, mail.Message{TenantID: r.TenantID, To: email, Template: MailDraftReminder,
				Data: ReminderData{Title: s.title(r.Antragsstrecke), Tenant: tname, ExpiresAt: r.ExpiresAt,
					Link: s.opts.Links.Draft.To(slug, r.Antragsstrecke, r.ID)}})
		})
		if err != nil {
			return res, fmt.Errorf("remind draft %s: %w", r.ID, err)
		}
	}

	var expired []draftRow
	if err := s.db.Read.NewSelect().Model(&expired).Column("id", "tenant_id", "antragsstrecke", "created_at", "expires_at").
		Where("expires_at <= ?", now).Limit(1000).Scan(ctx); err != nil {
		return res, fmt.Errorf("expired drafts: %w", err)
	}
	for _, r := range expired {
		err := s.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			del, err := tx.NewDelete().Model((*draftRow)(nil)).Where("id = ?", r.ID).Where("expires_at <= ?", now).Exec(ctx)
			if err != nil {
				return err
			}
			if n, _ := del.RowsAffected(); n == 0 {
				return nil // changed meanwhile: lives on
			}
			res.DraftsDeleted++
			return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: r.TenantID, Action: "delete-expired", ObjectType: "application-draft", ObjectID: r.ID,
				Summary: map[string]any{"antragsstrecke": r.Antragsstrecke, "createdAt": r.CreatedAt, "expiredAt": r.ExpiresAt}})
		})
		if err != nil {
			return res, fmt.Errorf("delete draft %s: %w", r.ID, err)
		}
	}

	n, err := s.purgeExpired(ctx, now)
	res.ApplicationsPurged = n
	if err != nil {
		return res, err
	}
	return res, nil
}

// purgeBatch is how many applications one transaction of the retention
// job purges: enough that 100,000 take a minute or two rather than hours,
// few enough that a submission waiting for the (SQLite) write lock waits
// a few milliseconds. At 100 a batch held the lock ~25 ms on the loaded
// development machine, and a submission arriving at the wrong moment
// waited that plus its own write (p99 131 ms); a quarter of it keeps the
// wait well inside the 50 ms the Land asks for.
const purgeBatch = 25

// purgeExpired deletes the data of every application whose retention
// period ended, in batches of one short transaction each, until none is
// left or ctx ends. Each batch re-checks its rows in the UPDATE (another
// instance may have purged them meanwhile) and writes the audit entries
// of exactly the rows it changed. Between batches it pauses as long as
// the batch took, leaving the writer to others half of the time.
func (s *Store) purgeExpired(ctx context.Context, now time.Time) (int, error) {
	purged := 0
	for ctx.Err() == nil {
		var due []applicationRow
		if err := s.db.Read.NewSelect().Model(&due).Column("id").
			Where("deleted_at IS NULL").Where("delete_after IS NOT NULL").Where("delete_after <= ?", now).
			OrderExpr("delete_after").Limit(purgeBatch).Scan(ctx); err != nil {
			return purged, fmt.Errorf("applications to purge: %w", err)
		}
		if len(due) == 0 {
			return purged, nil
		}
		ids := make([]string, len(due))
		for i, r := range due {
			ids[i] = r.ID
		}
		n, t0 := 0, time.Now()
		err := s.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			n = 0
			var done []applicationRow
			if err := tx.NewUpdate().Model((*applicationRow)(nil)).Set("payload = NULL").Set("dek = NULL").Set("deleted_at = ?", now).
				Where("id IN (?)", bun.In(ids)).Where("deleted_at IS NULL").
				Returning("id, tenant_id, reference, antragsstrecke, delivered_at").Scan(ctx, &done); err != nil {
				return err
			}
			if len(done) == 0 {
				return nil
			}
			doneIDs := make([]string, len(done))
			audits := make([]tenant.Audit, len(done))
			for i, r := range done {
				doneIDs[i] = r.ID
				audits[i] = tenant.Audit{TenantID: r.TenantID, Action: "delete-expired", ObjectType: "application", ObjectID: r.ID,
					Summary: map[string]any{"reference": r.Reference, "antragsstrecke": r.Antragsstrecke, "deliveredAt": r.DeliveredAt}}
			}
			if _, err := tx.NewDelete().Model((*documentRow)(nil)).Where("application_id IN (?)", bun.In(doneIDs)).Exec(ctx); err != nil {
				return err
			}
			n = len(done)
			return tenant.WriteAudits(ctx, tx, audits)
		})
		if err != nil {
			return purged, fmt.Errorf("purge applications: %w", err)
		}
		purged += n
		// Rest as long as the batch took: on SQLite the job and the
		// submissions share one writer, and a job that takes it back at
		// once keeps citizens waiting batch after batch.
		select {
		case <-ctx.Done():
		case <-time.After(time.Since(t0)):
		}
	}
	return purged, ctx.Err()
}

// RotateKeys re-wraps the data keys of every record that is not on the
// primary key-encryption key; the ciphertexts stay as they are. It works
// in batches and returns the number of records re-wrapped. Run it after
// adding a new primary key; then the old key can be removed.
func (s *Store) RotateKeys(ctx context.Context) (int, error) {
	total := 0
	primary := s.keys.PrimaryID()
	for _, table := range []string{"application_drafts", "draft_uploads", "applications", "application_documents"} {
		for {
			var rows []struct {
				ID    string `bun:"id"`
				KeyID string `bun:"key_id"`
				DEK   []byte `bun:"dek"`
			}
			if err := s.db.Read.NewSelect().TableExpr(table).Column("id", "key_id", "dek").
				Where("key_id <> ?", primary).Where("key_id <> ''").Where("dek IS NOT NULL").Limit(200).Scan(ctx, &rows); err != nil {
				return total, fmt.Errorf("rotate %s: %w", table, err)
			}
			if len(rows) == 0 {
				break
			}
			err := s.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
				for _, r := range rows {
					re, changed, err := s.keys.Rewrap(envelope.Sealed{KeyID: r.KeyID, DEK: r.DEK})
					if err != nil {
						return fmt.Errorf("%s %s: %w", table, r.ID, err)
					}
					if !changed {
						continue
					}
					if _, err := tx.NewUpdate().TableExpr(table).Set("key_id = ?", re.KeyID).Set("dek = ?", re.DEK).
						Where("id = ?", r.ID).Where("key_id = ?", r.KeyID).Exec(ctx); err != nil {
						return fmt.Errorf("rotate %s %s: %w", table, r.ID, err)
					}
					total++
				}
				return nil
			})
			if err != nil {
				return total, err
			}
		}
	}
	return total, nil
}
