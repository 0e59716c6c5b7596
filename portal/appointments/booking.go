package appointments

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/i18n"
	"sozialplattform/tenant/keyset"
	tmail "sozialplattform/tenant/mail"
	"sozialplattform/tenant/phone"
	"sozialplattform/tenant/secret"
)

// Booking is a booked slot. It holds no more personal data than needed to
// keep and confirm the appointment, and is deleted RetainDays after it.
type Booking struct {
	bun.BaseModel `bun:"table:appointment_bookings"`

	ID              string     `bun:"id,pk" json:"id"`
	CalendarID      string     `bun:"calendar_id" json:"calendarId"`
	TenantID        string     `bun:"tenant_id" json:"tenantId"`
	StartsAt        time.Time  `bun:"starts_at" json:"startsAt"`
	EndsAt          time.Time  `bun:"ends_at" json:"endsAt"`
	Name            string     `bun:"name" json:"name"`
	Email           string     `bun:"email" json:"email"`
	Phone           string     `bun:"phone" json:"phone,omitempty"`
	Remark          string     `bun:"remark" json:"remark,omitempty"`
	SiteSlug        string     `bun:"site_slug" json:"-"`
	Lang            string     `bun:"lang" json:"lang"`
	CancelTokenHash *string    `bun:"cancel_token_hash" json:"-"`
	ICSTokenHash    string     `bun:"ics_token_hash" json:"-"`
	CreatedAt       time.Time  `bun:"created_at" json:"createdAt"`
	CancelledAt     *time.Time `bun:"cancelled_at" json:"cancelledAt,omitempty"`
	CancelledBy     string     `bun:"cancelled_by" json:"cancelledBy,omitempty" doc:"citizen oder die Person der Beratungsstelle"`
	CancelNote      string     `bun:"cancel_note" json:"cancelNote,omitempty"`
	RemindedAt      *time.Time `bun:"reminded_at" json:"remindedAt,omitempty"`
}

// BookingInput is what a citizen enters.
type BookingInput struct {
	CalendarID string
	Start      time.Time
	Name       string
	Email      string
	Phone      string
	Remark     string
	// SiteSlug is the municipality's portal the booking was made on; the
	// links in the mails point there.
	SiteSlug string
	Lang     string
	// Client is the client's address for the rate limit (stored only as a
	// hash, and only in the limit's counter).
	Client string
}

// Limits of a booking's fields.
const (
	MaxNameLen   = 100
	MaxRemarkLen = 300
)

func (in *BookingInput) validate() error {
	var errs tenant.FieldErrors
	in.Name = strings.TrimSpace(in.Name)
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Phone = strings.TrimSpace(in.Phone)
	in.Remark = strings.TrimSpace(strings.ReplaceAll(in.Remark, "\r\n", "\n"))
	switch {
	case in.Name == "":
		errs.Add("name", "Bitte geben Sie Ihren Namen an.")
	case utf8.RuneCountInString(in.Name) > MaxNameLen:
		errs.Append(i18n.Coded("name", i18n.CodeMaxLength, map[string]any{"max": MaxNameLen}))
	case strings.ContainsFunc(in.Name, unicode.IsControl):
		errs.Append(i18n.Coded("name", i18n.CodeControlChars, nil))
	}
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > tenant.MaxEmailLen ||
		!strings.Contains(in.Email[strings.LastIndex(in.Email, "@")+1:], ".") {
		errs.Add("email", "Bitte geben Sie eine gültige E-Mail-Adresse an; dorthin geht die Bestätigung.")
	}
	phone.Check(&errs, "phone", &in.Phone)
	switch {
	case utf8.RuneCountInString(in.Remark) > MaxRemarkLen:
		errs.Append(i18n.Coded("remark", i18n.CodeMaxLength, map[string]any{"max": MaxRemarkLen}))
	case strings.ContainsFunc(in.Remark, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }):
		errs.Append(i18n.Coded("remark", i18n.CodeControlChars, nil))
	}
	if in.Start.IsZero() {
		errs.Add("start", "Bitte wählen Sie einen Termin.")
	}
	if len(in.Lang) != 2 {
		in.Lang = "de"
	}
	return errs.Err()
}

// Tokens are the secrets of a booking, shown once: for the booking page
// with its calendar file, and for the single cancellation.
type Tokens struct {
	Page   string
	Cancel string
}

// Book books a free slot. It checks the input, counts the attempt against
// the rate limit, checks that the slot is offered and then inserts the
// booking; the unique index decides between concurrent bookings of the
// same slot (the loser gets ErrSlotTaken). The confirmation mail is queued
// in the same transaction.
func (s *Store) Book(ctx context.Context, in BookingInput) (*Booking, Tokens, error) {
	if err := in.validate(); err != nil {
		return nil, Tokens{}, err
	}
	if err := s.countAttempt(ctx, in.Client, in.Email); err != nil {
		return nil, Tokens{}, err
	}
	cal, err := s.Calendar(ctx, in.CalendarID)
	if err != nil {
		return nil, Tokens{}, err
	}
	if !cal.Active {
		return nil, Tokens{}, ErrCalendarClosed
	}
	start := in.Start.UTC().Truncate(time.Minute)
	now := s.now()
	if !cal.bookable(start, now, s.loc) {
		return nil, Tokens{}, ErrSlotUnavailable
	}
	tok := Tokens{Page: secret.New(), Cancel: secret.New()}
	cancelHash := secret.Hash(tok.Cancel)
	b := &Booking{ID: uuid.Must(uuid.NewV7()).String(), CalendarID: cal.ID, TenantID: cal.TenantID, StartsAt: start,
		EndsAt: start.Add(time.Duration(cal.SlotMinutes) * time.Minute), Name: in.Name, Email: in.Email, Phone: in.Phone,
		Remark: in.Remark, SiteSlug: in.SiteSlug, Lang: in.Lang, CancelTokenHash: &cancelHash, ICSTokenHash: secret.Hash(tok.Page), CreatedAt: now}
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(b).Exec(ctx); err != nil {
			if migrations.IsUniqueViolation(err) {
				return ErrSlotTaken
			}
			return fmt.Errorf("insert booking: %w", err)
		}
		if err := s.mail(ctx, tx, b, cal, MailConfirmation, b.Email, tok, ""); err != nil {
			return err
		}
		if cal.NotifyEmail != "" {
			if err := s.mail(ctx, tx, b, cal, MailNewBooking, cal.NotifyEmail, Tokens{}, ""); err != nil {
				return err
			}
		}
		return tenant.WriteAudit(tenant.WithActor(ctx, tenant.Actor{ID: "citizen", Label: "Bürgerportal"}), tx, tenant.Audit{
			TenantID: cal.TenantID, Action: "book", ObjectType: ObjAppointment, ObjectID: b.ID,
			Summary: map[string]any{"calendar": cal.ID, "start": start}})
	})
	if err != nil {
		return nil, Tokens{}, err
	}
	return b, tok, nil
}

// countAttempt counts a booking attempt for the client's address and the
// e-mail address in the database (shared by all instances) and refuses
// one over the limits: PerAddressPerHour, PerEmailPerDay.
func (s *Store) countAttempt(ctx context.Context, client, email string) error {
	now := s.now()
	type limit struct {
		key    string
		window time.Duration
		max    int
	}
	limits := []limit{{"email:" + secret.Hash("booking-email:"+email), 24 * time.Hour, s.opts.PerEmailPerDay}}
	if client != "" {
		limits = append(limits, limit{"client:" + secret.Hash("booking-client:"+client), time.Hour, s.opts.PerAddressPerHour})
	}
	var refused *RateLimitError
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for _, l := range limits {
			var row struct {
				WindowStart time.Time `bun:"window_start"`
				Attempts    int       `bun:"attempts"`
			}
			err := tx.NewRaw(`INSERT INTO appointment_rate_limits (key, window_start, attempts) VALUES (?, ?, 1)
				ON CONFLICT (key) DO UPDATE SET
					attempts = CASE WHEN appointment_rate_limits.window_start < ? THEN 1 ELSE appointment_rate_limits.attempts + 1 END,
					window_start = CASE WHEN appointment_rate_limits.window_start < ? THEN ? ELSE appointment_rate_limits.window_start END
				RETURNING window_start, attempts`, l.key, now, now.Add(-l.window), now.Add(-l.window), now).Scan(ctx, &row)
			if err != nil {
				return fmt.Errorf("count booking attempt: %w", err)
			}
			if row.Attempts > l.max {
				wait := row.WindowStart.Add(l.window).Sub(now)
				if refused == nil || wait > refused.RetryAfter {
					refused = &RateLimitError{RetryAfter: wait}
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if refused != nil {
		return refused
	}
	return nil
}

// BookingByPageToken finds a booking by the secret of its page.
func (s *Store) BookingByPageToken(ctx context.Context, token string) (*Booking, *Calendar, error) {
	return s.bookingBy(ctx, "ics_token_hash", token)
}

// BookingByCancelToken finds a booking that can still be cancelled by
// the secret of its cancellation link.
func (s *Store) BookingByCancelToken(ctx context.Context, token string) (*Booking, *Calendar, error) {
	return s.bookingBy(ctx, "cancel_token_hash", token)
}

func (s *Store) bookingBy(ctx context.Context, column, token string) (*Booking, *Calendar, error) {
	if token == "" || len(token) > 100 {
		return nil, nil, tenant.ErrTokenInvalid
	}
	b := new(Booking)
	if err := s.db.Read.NewSelect().Model(b).Where("? = ?", bun.Ident(column), secret.Hash(token)).Scan(ctx); err != nil {
		if fault.IsNoRows(err) {
			return nil, nil, tenant.ErrTokenInvalid
		}
		return nil, nil, fmt.Errorf("booking by token: %w", err)
	}
	cal, err := s.Calendar(ctx, b.CalendarID)
	if err != nil {
		return nil, nil, err
	}
	return b, cal, nil
}

// CancelByToken cancels a booking with the secret of its cancellation
// link, once; an appointment that has begun cannot be cancelled.
func (s *Store) CancelByToken(ctx context.Context, token string) (*Booking, error) {
	b, cal, err := s.BookingByCancelToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if !b.StartsAt.After(s.now()) {
		return nil, tenant.ErrTokenInvalid
	}
	return b, s.cancel(tenant.WithActor(ctx, tenant.Actor{ID: "citizen", Label: "Bürgerportal"}), b, cal, "citizen", "", secret.Hash(token))
}

// Cancel cancels a booking for the centre; the note goes to the citizen.
func (s *Store) Cancel(ctx context.Context, id, note string) (*Booking, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 || strings.ContainsFunc(note, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' }) {
		return nil, fault.Field("note", "Höchstens 500 Zeichen ohne Steuerzeichen.")
	}
	b, err := s.GetBooking(ctx, id)
	if err != nil {
		return nil, err
	}
	cal, err := s.Calendar(ctx, b.CalendarID)
	if err != nil {
		return nil, err
	}
	if err := s.cancel(ctx, b, cal, tenant.ActorFrom(ctx).Label, note, ""); err != nil {
		return nil, err
	}
	return s.GetBooking(ctx, id)
}

// cancel marks a booking cancelled (consuming the cancellation secret when
// given) and mails the other side.
func (s *Store) cancel(ctx context.Context, b *Booking, cal *Calendar, by, note, tokenHash string) error {
	now := s.now()
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewUpdate().Model((*Booking)(nil)).Where("id = ? AND cancelled_at IS NULL", b.ID).
			Set("cancelled_at = ?", now).Set("cancelled_by = ?", by).Set("cancel_note = ?", note).Set("cancel_token_hash = NULL")
		if tokenHash != "" {
			q = q.Where("cancel_token_hash = ?", tokenHash)
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return fmt.Errorf("cancel booking: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			if tokenHash != "" {
				return tenant.ErrTokenInvalid
			}
			return ErrAlreadyCancelled
		}
		b.CancelledAt, b.CancelledBy, b.CancelNote = &now, by, note
		if by == "citizen" {
			if err := s.mail(ctx, tx, b, cal, MailCancelledByCitizen, b.Email, Tokens{}, ""); err != nil {
				return err
			}
			if cal.NotifyEmail != "" {
				if err := s.mail(ctx, tx, b, cal, MailCancelledNotice, cal.NotifyEmail, Tokens{}, ""); err != nil {
					return err
				}
			}
		} else if err := s.mail(ctx, tx, b, cal, MailCancelledByCentre, b.Email, Tokens{}, note); err != nil {
			return err
		}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: b.TenantID, Action: "cancel", ObjectType: ObjAppointment, ObjectID: b.ID,
			Summary: map[string]any{"by": map[bool]string{true: "citizen", false: "centre"}[by == "citizen"]}})
	})
}

// GetBooking returns a booking by ID.
func (s *Store) GetBooking(ctx context.Context, id string) (*Booking, error) {
	b := new(Booking)
	if err := s.db.Read.NewSelect().Model(b).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "booking "+id)
	}
	return b, nil
}

// BookingFilter narrows the staff's list.
type BookingFilter struct {
	CalendarIDs      []string
	From, To         time.Time // zero: no limit
	IncludeCancelled bool
	// Page, when set, lists one page (the API): Page.Size() bookings after
	// Page.After, plus one when another page follows.
	Page *keyset.Page[keyset.TimeKey]
}

// Bookings lists bookings by start.
func (s *Store) Bookings(ctx context.Context, f BookingFilter) ([]Booking, error) {
	out := []Booking{}
	if len(f.CalendarIDs) == 0 {
		return out, nil
	}
	q := s.db.Read.NewSelect().Model(&out).Where("calendar_id IN (?)", bun.In(f.CalendarIDs))
	if f.Page != nil {
		q = bookingOrder.Apply(q, f.Page.Size(), f.Page.After.Values()...)
	} else {
		q = q.OrderExpr("starts_at, id").Limit(2000)
	}
	if !f.From.IsZero() {
		q = q.Where("starts_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("starts_at < ?", f.To.UTC())
	}
	if !f.IncludeCancelled {
		q = q.Where("cancelled_at IS NULL")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list bookings: %w", err)
	}
	return out, nil
}

// mail queues one of the booking mails.
func (s *Store) mail(ctx context.Context, tx bun.IDB, b *Booking, cal *Calendar, template, to string, tok Tokens, note string) error {
	if s.mailer == nil {
		return nil
	}
	d := BookingMail{Name: b.Name, Calendar: cal.Name, Location: cal.Location, Start: b.StartsAt, End: b.EndsAt, EndClock: b.EndsAt.In(s.loc).Format("15:04"),
		Email: b.Email, Phone: b.Phone, Remark: b.Remark, Note: note}
	if tok.Page != "" {
		d.PageLink = s.opts.Links.Booking.To(b.SiteSlug, tok.Page)
		d.ICSLink = s.opts.Links.Calendar.To(b.SiteSlug, tok.Page)
	}
	if tok.Cancel != "" {
		d.CancelLink = s.opts.Links.Cancel.To(b.SiteSlug, tok.Cancel)
	}
	if err := s.mailer.Enqueue(ctx, tx, tmail.Message{TenantID: b.TenantID, To: to, Template: template, Data: d}); err != nil {
		return fmt.Errorf("queue %s: %w", template, err)
	}
	return nil
}
