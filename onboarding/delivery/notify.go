package delivery

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
)

// The mail templates of delivery, files mailtemplates/<name>.tmpl.
const (
	MailFailed        = "delivery-failed"
	MailMailboxDigest = "delivery-mailbox-digest"
)

//go:embed mailtemplates/*.tmpl
var mailTemplateFiles embed.FS

// MailTemplates returns the folder of delivery's mail templates, for
// mail.OutboxOptions.Templates.
func MailTemplates() fs.FS { return mail.Templates(mailTemplateFiles) }

// FailedMail fills "delivery-failed": a delivery gave up, or the
// Fachverfahren rejected it.
type FailedMail struct {
	TenantName      string
	Antragsstrecke  string // label
	ReferenceNumber string
	Status          string // German status label
	Reason          string // the transport's reason
	Variant         string
	Test            bool
	SubmittedAt     time.Time
	Link            string // the delivery's page in the console
}

// MailboxDigestMail fills "delivery-mailbox-digest".
type MailboxDigestMail struct {
	TenantName string
	Items      []DigestItem
	Link       string
}

// DigestItem is one new mailbox item in a digest.
type DigestItem struct {
	Antragsstrecke  string
	ReferenceNumber string
	ReceivedAt      time.Time
}

// recipients are the addresses that hear of a tenant's failed delivery:
// the function mailbox and the active members with the municipal admin
// role, without duplicates.
func recipients(ctx context.Context, db bun.IDB, tenantID string, roles ...tenant.Role) (name string, to []string, err error) {
	var t struct {
		Name            string `bun:"name"`
		FunctionMailbox string `bun:"function_mailbox"`
	}
	if err := db.NewSelect().Table("tenants").Column("name", "function_mailbox").Where("id = ?", tenantID).Scan(ctx, &t); err != nil {
		return "", nil, fmt.Errorf("tenant %s: %w", tenantID, err)
	}
	if t.FunctionMailbox != "" {
		to = append(to, strings.ToLower(t.FunctionMailbox))
	}
	var emails []string
	rs := make([]string, len(roles))
	for i, r := range roles {
		rs[i] = string(r)
	}
	if err := db.NewSelect().TableExpr("users AS u").Join("JOIN memberships AS m ON m.user_id = u.id").ColumnExpr("u.email").
		Where("m.tenant_id = ?", tenantID).Where("m.role IN (?)", bun.In(rs)).Where("u.active").OrderExpr("u.email").Scan(ctx, &emails); err != nil {
		return "", nil, fmt.Errorf("members of %s: %w", tenantID, err)
	}
	for _, e := range emails {
		if e = strings.ToLower(e); !slices.Contains(to, e) {
			to = append(to, e)
		}
	}
	return t.Name, to, nil
}

// notifyFailed mails a failed or rejected delivery to the municipality's
// function mailbox and admins, inside the transaction that records it.
func (s *Service) notifyFailed(ctx context.Context, tx bun.IDB, j *job, status, reason string) error {
	if s.opts.Mailer == nil {
		return nil
	}
	r := j.r
	name, to, err := recipients(ctx, tx, r.TenantID, tenant.RoleMunicipalityAdmin)
	if err != nil {
		return err
	}
	label := j.route.Label
	if label == "" {
		label = r.Antragsstrecke
	}
	data := FailedMail{TenantName: name, Antragsstrecke: label, ReferenceNumber: r.ReferenceNumber, Status: StatusLabel(status),
		Reason: reason, Variant: VariantLabel(j.route.Variant), Test: r.Purpose == PurposeConnectionTest, SubmittedAt: r.SubmittedAt,
		Link: s.opts.Links.Delivery.To(r.ID)}
	for _, addr := range to {
		if err := s.opts.Mailer.Enqueue(ctx, tx, mail.Message{TenantID: r.TenantID, To: addr, Template: MailFailed, Data: data}); err != nil {
			return fmt.Errorf("mail failed delivery %s: %w", r.ID, err)
		}
	}
	return nil
}

// SendMailboxDigests mails the clerks and admins of every tenant with new
// items in its variant-2 mailbox (not yet picked up, not yet in a digest)
// one list of them, and marks them; the job "postfach-uebersicht" runs it.
// It returns the number of tenants mailed.
func (s *Service) SendMailboxDigests(ctx context.Context) (int, error) {
	if s.opts.Mailer == nil {
		return 0, nil
	}
	var tenants []string
	if err := s.db.Read.NewSelect().Table("mailbox_messages").ColumnExpr("DISTINCT tenant_id").Where("digest_at IS NULL").
		Where("picked_up_at IS NULL").Where("purged_at IS NULL").Scan(ctx, &tenants); err != nil {
		return 0, fmt.Errorf("mailbox digests: %w", err)
	}
	sent := 0
	for _, tid := range tenants {
		err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			var items []struct {
				ID              string    `bun:"id"`
				Antragsstrecke  string    `bun:"antragsstrecke"`
				ReferenceNumber string    `bun:"reference_number"`
				ReceivedAt      time.Time `bun:"received_at"`
			}
			if err := tx.NewSelect().Table("mailbox_messages").Column("id", "antragsstrecke", "reference_number", "received_at").
				Where("tenant_id = ?", tid).Where("digest_at IS NULL").Where("picked_up_at IS NULL").Where("purged_at IS NULL").
				OrderExpr("received_at, id").Scan(ctx, &items); err != nil {
				return err
			}
			if len(items) == 0 {
				return nil
			}
			name, to, err := recipients(ctx, tx, tid, tenant.RoleMunicipalityClerk, tenant.RoleMunicipalityAdmin)
			if err != nil {
				return err
			}
			data := MailboxDigestMail{TenantName: name, Link: s.opts.Links.Mailbox.To(tid)}
			ids := make([]string, len(items))
			for i, it := range items {
				ids[i] = it.ID
				data.Items = append(data.Items, DigestItem{Antragsstrecke: s.label(ctx, it.Antragsstrecke), ReferenceNumber: it.ReferenceNumber,
					ReceivedAt: it.ReceivedAt})
			}
			for _, addr := range to {
				if err := s.opts.Mailer.Enqueue(ctx, tx, mail.Message{TenantID: tid, To: addr, Template: MailMailboxDigest, Data: data}); err != nil {
					return err
				}
			}
			_, err = tx.NewUpdate().Table("mailbox_messages").Set("digest_at = ?", s.now()).Where("id IN (?)", bun.In(ids)).
				Where("digest_at IS NULL").Exec(ctx)
			return err
		})
		if err != nil {
			return sent, fmt.Errorf("mailbox digest of %s: %w", tid, err)
		}
		sent++
	}
	return sent, nil
}

// label names an Antragsstrecke by the catalogue (finding m13), falling
// back to its key. The catalogue is read at most once a minute.
func (s *Service) label(ctx context.Context, key string) string {
	if s.opts.Labels == nil {
		return key
	}
	s.mu.Lock()
	labels, fresh := s.labels, s.now().Before(s.labelsUntil)
	s.mu.Unlock()
	if !fresh {
		l, err := s.opts.Labels(ctx)
		if err != nil {
			return key
		}
		s.mu.Lock()
		s.labels, s.labelsUntil, labels = l, s.now().Add(time.Minute), l
		s.mu.Unlock()
	}
	if l := labels[key]; l != "" {
		return l
	}
	return key
}

// Label names an Antragsstrecke as the catalogue does ("hzl" →
// "Hilfe zum Lebensunterhalt 1.0"), for the console's pages.
func (s *Service) Label(ctx context.Context, key string) string { return s.label(ctx, key) }
