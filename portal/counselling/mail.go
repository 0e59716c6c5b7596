package counselling

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
)

// The mail templates of the directory, files mailtemplates/<name>.tmpl.
const (
	MailReviewRequest = "counselling-review-request"
	MailReviewResult  = "counselling-review-result"
	MailStale         = "counselling-stale"
)

//go:embed mailtemplates/*.tmpl
var mailTemplateFiles embed.FS

// MailTemplates returns the folder of the directory's mail templates, for
// mail.OutboxOptions.Templates.
func MailTemplates() fs.FS { return mail.Templates(mailTemplateFiles) }

// ReviewRequestMail fills "counselling-review-request".
type ReviewRequestMail struct {
	CentreName string
	Author     string
	Link       string
}

// ReviewResultMail fills "counselling-review-result".
type ReviewResultMail struct {
	CentreName string
	Approved   bool
	Comment    string
	Link       string
}

// StaleMail fills "counselling-stale".
type StaleMail struct {
	CentreName string
	VerifiedOn *time.Time // nil: never verified
	Months     int
	Link       string
}

// consoleLink is the console page of a centre.
func (s *Store) consoleLink(id string) string { return s.opts.Links.Centre.To(id) }

// editorAddresses returns the e-mail addresses of a centre's active
// editors; without any, the organisation's function mailbox.
func editorAddresses(ctx context.Context, db bun.IDB, id string) ([]string, error) {
	var out []string
	err := db.NewSelect().TableExpr("memberships AS m").ColumnExpr("u.email").
		Join("JOIN users AS u ON u.id = m.user_id").
		Where("m.tenant_id = ? AND m.role = ? AND u.active = ?", id, tenant.RoleCounsellingEditor, true).
		OrderExpr("u.email").Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("editors of %s: %w", id, err)
	}
	if len(out) == 0 {
		var mailbox string
		if err := db.NewSelect().Table("tenants").Column("function_mailbox").Where("id = ?", id).Scan(ctx, &mailbox); err != nil {
			return nil, fmt.Errorf("mailbox of %s: %w", id, err)
		}
		if mailbox != "" {
			out = append(out, mailbox)
		}
	}
	return out, nil
}

// redaktionAddress is the mailbox of the Landesredaktion: the function
// mailbox of the Land above the centre.
func redaktionAddress(ctx context.Context, db bun.IDB, id string) (string, error) {
	cur := id
	for range 8 {
		var t struct {
			ParentID *string `bun:"parent_id"`
			Mailbox  string  `bun:"function_mailbox"`
		}
		if err := db.NewSelect().Table("tenants").Column("parent_id", "function_mailbox").Where("id = ?", cur).Scan(ctx, &t); err != nil {
			return "", fmt.Errorf("tenant chain of %s: %w", id, err)
		}
		if t.ParentID == nil {
			return t.Mailbox, nil
		}
		cur = *t.ParentID
	}
	return "", nil
}

func (s *Store) mailReviewRequest(ctx context.Context, tx bun.IDB, id, name, author string) error {
	if s.mailer == nil {
		return nil
	}
	to, err := redaktionAddress(ctx, tx, id)
	if err != nil || to == "" {
		return err
	}
	return s.mailer.Enqueue(ctx, tx, mail.Message{TenantID: id, To: to, Template: MailReviewRequest,
		Data: ReviewRequestMail{CentreName: name, Author: author, Link: s.opts.Links.Reviews.To()}})
}

func (s *Store) mailReviewResult(ctx context.Context, tx bun.IDB, id, name string, approved bool, comment string) error {
	if s.mailer == nil {
		return nil
	}
	to, err := editorAddresses(ctx, tx, id)
	if err != nil {
		return err
	}
	for _, addr := range to {
		if err := s.mailer.Enqueue(ctx, tx, mail.Message{TenantID: id, To: addr, Template: MailReviewResult,
			Data: ReviewResultMail{CentreName: name, Approved: approved, Comment: comment, Link: s.consoleLink(id)}}); err != nil {
			return fmt.Errorf("queue review mail: %w", err)
		}
	}
	return nil
}
