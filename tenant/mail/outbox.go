package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
)

// OutboxOptions configure the outbox.
type OutboxOptions struct {
	// Templates are further folders of mail templates (<name>.tmpl with
	// "subject", "text" and "html"), one per domain that sends mail.
	Templates []fs.FS
	// BaseURL is the platform's public address, e.g. "https://sozial.example.de";
	// templates use it for the footer link.
	BaseURL string
	// From is the sender shown in the From header, e.g.
	// "Sozialplattform <noreply@sozial.example.de>". When empty the sender's
	// SMTPConfig.From is used.
	From string
	// PlatformName is how the mails name the platform.
	PlatformName string
}

// Outbox renders mails from the embedded templates and stores them for the
// Sender. It is safe for concurrent use.
type Outbox struct {
	db    *migrations.DB
	opts  OutboxOptions
	kinds map[string]kind
}

// NewOutbox parses the embedded templates; it fails when one is broken or
// opts.From is not an address.
func NewOutbox(db *migrations.DB, opts OutboxOptions) (*Outbox, error) {
	if opts.From != "" {
		if _, err := netmail.ParseAddress(opts.From); err != nil {
			return nil, fmt.Errorf("mail outbox sender %q: %w", opts.From, err)
		}
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return nil, fmt.Errorf("mail outbox: %w", err)
	}
	kinds, err := parseTemplates(loc, opts.Templates)
	if err != nil {
		return nil, err
	}
	return &Outbox{db: db, opts: opts, kinds: kinds}, nil
}

// Enqueue renders m and stores it as queued and due now. It writes through
// db, so that inside a transaction the mail is only sent when the transaction
// commits.
func (o *Outbox) Enqueue(ctx context.Context, db bun.IDB, m Message) error {
	k, ok := o.kinds[m.Template]
	if !ok {
		return fmt.Errorf("enqueue mail %q: %w", m.Template, ErrUnknownTemplate)
	}
	to, err := netmail.ParseAddress(strings.TrimSpace(m.To))
	if err != nil {
		return fmt.Errorf("enqueue mail %q to %q: %w", m.Template, m.To, ErrInvalidAddress)
	}
	r, err := k.render(templateData{BaseURL: o.opts.BaseURL, PlatformName: o.opts.PlatformName, Data: m.Data})
	if err != nil {
		return fmt.Errorf("enqueue mail %q: %w", m.Template, err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return fmt.Errorf("enqueue mail %q: %w", m.Template, err)
	}
	now := time.Now().UTC()
	row := &Stored{
		ID:            id.String(),
		TenantID:      m.TenantID,
		Template:      m.Template,
		From:          o.opts.From,
		To:            to.Address,
		Subject:       r.Subject,
		TextBody:      r.Text,
		HTMLBody:      r.HTML,
		Status:        StatusQueued,
		NextAttemptAt: now,
		CreatedAt:     now,
	}
	if _, err := db.NewInsert().Model(row).Exec(ctx); err != nil {
		return fmt.Errorf("enqueue mail %q: %w", m.Template, err)
	}
	return nil
}

// ListFilter selects messages for the console.
type ListFilter struct {
	// TenantIDs limits the list to these tenants. nil means all messages,
	// including those of no tenant; an empty, non-nil slice means none.
	TenantIDs []string
	// Status limits the list to one status when set.
	Status Status
	// Limit caps the number of messages (default 100, at most 1000).
	Limit int
}

// listColumns are what List loads: everything but the bodies, which hold
// live links (invitation and password-reset tokens) and are only for Get.
var listColumns = []string{
	"id", "tenant_id", "template", "from_addr", "to_addr", "subject", "status",
	"attempts", "next_attempt_at", "lease_until", "last_error", "created_at", "sent_at",
}

// List returns messages, newest first, without their bodies (TextBody and
// HTMLBody are empty); Get returns one message in full.
func (o *Outbox) List(ctx context.Context, f ListFilter) ([]Stored, error) {
	if f.TenantIDs != nil && len(f.TenantIDs) == 0 {
		return []Stored{}, nil
	}
	switch {
	case f.Limit <= 0:
		f.Limit = 100
	case f.Limit > 1000:
		f.Limit = 1000
	}
	out := []Stored{}
	q := o.db.Read.NewSelect().Model(&out).Column(listColumns...).
		OrderExpr("created_at DESC, id DESC").
		Limit(int64(f.Limit))
	if f.TenantIDs != nil {
		q = q.Where("tenant_id IN (?)", bun.In(f.TenantIDs))
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list mails: %w", err)
	}
	return out, nil
}

// Get returns one message with its bodies, or ErrNotFound. The bodies carry
// live links with tokens: show them only to who may use them.
func (o *Outbox) Get(ctx context.Context, id string) (Stored, error) {
	var m Stored
	err := o.db.Read.NewSelect().Model(&m).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Stored{}, fmt.Errorf("mail %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Stored{}, fmt.Errorf("get mail %s: %w", id, err)
	}
	return m, nil
}

// Retry queues a failed (or still queued) message again, due now and with
// a fresh count of attempts. A sent message gives ErrAlreadySent.
func (o *Outbox) Retry(ctx context.Context, id string) error {
	now := time.Now().UTC()
	res, err := o.db.Write.NewUpdate().Model((*Stored)(nil)).
		Set("status = ?", StatusQueued).
		Set("attempts = 0").
		Set("next_attempt_at = ?", now).
		Where("id = ?", id).
		Where("status IN (?)", bun.In([]Status{StatusQueued, StatusFailed})).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("retry mail %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("retry mail %s: %w", id, err)
	} else if n == 1 {
		return nil
	}
	m, err := o.Get(ctx, id)
	if err != nil {
		return err
	}
	if m.Status == StatusSent {
		return fmt.Errorf("retry mail %s: %w", id, ErrAlreadySent)
	}
	return fmt.Errorf("retry mail %s: unexpected status %q", id, m.Status)
}
