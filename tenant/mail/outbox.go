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
	"sozialplattform/tenant/clock"
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
	kinds, err := parseTemplates(clock.Berlin(), opts.Templates)
	if err != nil {
		return nil, err
	}
	return &Outbox{db: db, opts: opts, kinds: kinds}, nil
}

// Enqueue renders m and stores it as queued and due now. It writes through
// db, so that inside a transaction the mail is only sent when the transaction
// commits.
func (o *Outbox) Enqueue(ctx context.Context, db bun.IDB, m Message) error {
	q, err := o.EnqueueQuery(db, m)
	if err != nil {
		return err
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("enqueue mail %q: %w", m.Template, err)
	}
	return nil
}

// EnqueueQuery renders m and returns the statement Enqueue runs, for a
// caller that sends it together with others in one round trip (its
// String()).
func (o *Outbox) EnqueueQuery(db bun.IDB, m Message) (*bun.InsertQuery, error) {
	k, ok := o.kinds[m.Template]
	if !ok {
		return nil, fmt.Errorf("enqueue mail %q: %w", m.Template, ErrUnknownTemplate)
	}
	to, err := netmail.ParseAddress(strings.TrimSpace(m.To))
	if err != nil {
		return nil, fmt.Errorf("enqueue mail %q to %q: %w", m.Template, m.To, ErrInvalidAddress)
	}
	r, err := k.render(templateData{BaseURL: o.opts.BaseURL, PlatformName: o.opts.PlatformName, Data: m.Data})
	if err != nil {
		return nil, fmt.Errorf("enqueue mail %q: %w", m.Template, err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("enqueue mail %q: %w", m.Template, err)
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
		MaskedText:    r.Masked,
		Audience:      k.audience,
		Status:        StatusQueued,
		NextAttemptAt: now,
		CreatedAt:     now,
	}
	return db.NewInsert().Model(row), nil
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
	"attempts", "next_attempt_at", "lease_until", "last_error", "created_at", "sent_at", "audience",
}

// scope limits q to the tenants of f (nil: all).
func (f ListFilter) scope(q *bun.SelectQuery) *bun.SelectQuery {
	if f.TenantIDs != nil {
		q = q.Where("tenant_id IN (?)", bun.In(f.TenantIDs))
	}
	return q
}

// List returns the staff mails, newest first, without their bodies
// (TextBody and HTMLBody are empty); Get returns one message in full. Mails
// to citizens are never listed: staff see how many there are
// (CitizenCounts), not to whom or what.
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
		Where("audience = ?", AudienceStaff).
		OrderExpr("created_at DESC, id DESC").
		Limit(int64(f.Limit))
	q = f.scope(q)
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list mails: %w", err)
	}
	return out, nil
}

// TemplateCount is how many mails of one template to citizens are in each
// status.
type TemplateCount struct {
	Template string `json:"template"`
	Queued   int    `json:"queued"`
	Sent     int    `json:"sent"`
	Failed   int    `json:"failed"`
}

// CitizenCounts counts the mails to citizens per template and status in
// the tenants of f (Status and Limit are ignored): what staff may know of
// them.
func (o *Outbox) CitizenCounts(ctx context.Context, f ListFilter) ([]TemplateCount, error) {
	if f.TenantIDs != nil && len(f.TenantIDs) == 0 {
		return []TemplateCount{}, nil
	}
	var rows []struct {
		Template string `bun:"template"`
		Status   Status `bun:"status"`
		N        int    `bun:"n"`
	}
	q := o.db.Read.NewSelect().Model((*Stored)(nil)).Column("template", "status").ColumnExpr("count(*) AS n").
		Where("audience = ?", AudienceCitizen).
		GroupExpr("template, status").OrderExpr("template")
	if err := f.scope(q).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("count citizen mails: %w", err)
	}
	out := []TemplateCount{}
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].Template != r.Template {
			out = append(out, TemplateCount{Template: r.Template})
		}
		c := &out[len(out)-1]
		switch r.Status {
		case StatusQueued:
			c.Queued += r.N
		case StatusSent:
			c.Sent += r.N
		case StatusFailed:
			c.Failed += r.N
		}
	}
	return out, nil
}

// Get returns one staff mail with its bodies, or ErrNotFound – also for a
// mail to a citizen, which staff never see. The text body carries live
// links with tokens: show it only to who may use them, MaskedText to the
// others.
func (o *Outbox) Get(ctx context.Context, id string) (Stored, error) {
	var m Stored
	err := o.db.Read.NewSelect().Model(&m).Where("id = ?", id).Where("audience = ?", AudienceStaff).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Stored{}, fmt.Errorf("mail %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Stored{}, fmt.Errorf("get mail %s: %w", id, err)
	}
	return m, nil
}

// Retry queues a failed (or still queued) staff mail again, due now and
// with a fresh count of attempts. A sent message gives ErrAlreadySent.
func (o *Outbox) Retry(ctx context.Context, id string) error {
	now := time.Now().UTC()
	res, err := o.db.Write.NewUpdate().Model((*Stored)(nil)).
		Set("status = ?", StatusQueued).
		Set("attempts = 0").
		Set("next_attempt_at = ?", now).
		Where("id = ?", id).
		Where("audience = ?", AudienceStaff).
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

// RetryCitizenFailed queues the failed mails to citizens of one template
// in the tenants of f again (after an outage of the mail server, say),
// without anyone seeing them, and returns how many.
func (o *Outbox) RetryCitizenFailed(ctx context.Context, f ListFilter, template string) (int, error) {
	if f.TenantIDs != nil && len(f.TenantIDs) == 0 {
		return 0, nil
	}
	q := o.db.Write.NewUpdate().Model((*Stored)(nil)).
		Set("status = ?", StatusQueued).
		Set("attempts = 0").
		Set("next_attempt_at = ?", time.Now().UTC()).
		Where("audience = ?", AudienceCitizen).
		Where("template = ?", template).
		Where("status = ?", StatusFailed)
	if f.TenantIDs != nil {
		q = q.Where("tenant_id IN (?)", bun.In(f.TenantIDs))
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("retry citizen mails %s: %w", template, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
