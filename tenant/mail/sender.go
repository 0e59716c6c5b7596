package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	netmail "net/mail"
	"strings"
	"time"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"

	"sozialplattform/migrations"
)

// Delivery tuning.
const (
	// sendBatch caps the messages one SendDue call takes on.
	sendBatch = 100
	// leaseDuration is how long a claimed message is reserved for one
	// delivery attempt; far longer than the SMTP timeouts of one message.
	leaseDuration = 2 * time.Minute
	// maxAttempts is after how many failed attempts a message is failed.
	maxAttempts = 8
	// backoffBase and backoffCap bound the wait before the next attempt.
	backoffBase = time.Minute
	backoffCap  = 6 * time.Hour
)

// Sender delivers due messages of the outbox over SMTP. Several senders, in
// one process or in several instances on one database, deliver every
// message once: each message is claimed with a lease before it is sent.
type Sender struct {
	db     *migrations.DB
	cfg    SMTPConfig
	logger *slog.Logger
}

// NewSender returns a sender for db. With cfg not Enabled it sends nothing.
func NewSender(db *migrations.DB, cfg SMTPConfig, logger *slog.Logger) *Sender {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Sender{db: db, cfg: cfg, logger: logger.With("component", "mail")}
}

// SendDue delivers the messages that are due, over one SMTP connection, and
// returns how many were sent and how many failed this time. A failure is
// recorded on the message and retried later; err reports only database
// trouble and a cancelled ctx.
func (s *Sender) SendDue(ctx context.Context) (sent, failed int, err error) {
	if !s.cfg.Enabled() {
		return 0, 0, nil
	}
	due, err := s.due(ctx)
	if err != nil || len(due) == 0 {
		return 0, 0, err
	}
	conn := &connection{cfg: s.cfg}
	defer conn.close()
	for _, id := range due {
		if err := ctx.Err(); err != nil {
			return sent, failed, err
		}
		m, ok, err := s.claim(ctx, id)
		if err != nil {
			return sent, failed, err
		}
		if !ok {
			continue // another sender has it, or has sent it already
		}
		sendErr := conn.send(ctx, m)
		// Record the outcome even when ctx ended meanwhile: the server may
		// have accepted the message.
		rctx := context.WithoutCancel(ctx)
		if sendErr == nil {
			if err := s.markSent(rctx, m); err != nil {
				return sent, failed, err
			}
			sent++
			continue
		}
		if ctx.Err() != nil {
			// Shutting down: not the message's fault, so no attempt counts.
			if err := s.release(rctx, m); err != nil {
				return sent, failed, err
			}
			return sent, failed, ctx.Err()
		}
		failed++
		if err := s.markFailed(rctx, m, sendErr); err != nil {
			return sent, failed, err
		}
	}
	return sent, failed, nil
}

// due lists the IDs of messages whose next attempt is due and which nobody
// holds, oldest first.
func (s *Sender) due(ctx context.Context) ([]string, error) {
	now := time.Now().UTC()
	var ids []string
	err := s.db.Read.NewSelect().Model((*Stored)(nil)).Column("id").
		Where("status = ?", StatusQueued).
		Where("next_attempt_at <= ?", now).
		Where("(lease_until IS NULL OR lease_until < ?)", now).
		OrderExpr("next_attempt_at ASC, id ASC").
		Limit(int64(sendBatch)).
		Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("list due mails: %w", err)
	}
	return ids, nil
}

// claim leases one message for this attempt and returns it. The
// conditional update lets exactly one of several concurrent senders win, on
// SQLite and PostgreSQL alike.
func (s *Sender) claim(ctx context.Context, id string) (*Stored, bool, error) {
	now := time.Now().UTC()
	m := new(Stored)
	res, err := s.db.Write.NewUpdate().Model(m).
		Set("lease_until = ?", now.Add(leaseDuration)).
		Where("id = ?", id).
		Where("status = ?", StatusQueued).
		Where("next_attempt_at <= ?", now).
		Where("(lease_until IS NULL OR lease_until < ?)", now).
		Returning("*").
		Exec(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("claim mail %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, false, fmt.Errorf("claim mail %s: %w", id, err)
	} else if n != 1 {
		return nil, false, nil
	}
	return m, true, nil
}

// markSent records a delivered message and frees its lease.
func (s *Sender) markSent(ctx context.Context, m *Stored) error {
	now := time.Now().UTC()
	_, err := s.db.Write.NewUpdate().Model((*Stored)(nil)).
		Set("status = ?", StatusSent).
		Set("attempts = attempts + 1").
		Set("sent_at = ?", now).
		Set("lease_until = NULL").
		Set("last_error = ''").
		Where("id = ?", m.ID).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("mark mail %s sent: %w", m.ID, err)
	}
	s.logger.Info("mail sent", "id", m.ID, "template", m.Template, "tenant", m.TenantID)
	return nil
}

// markFailed records a failed attempt: the message is due again after a
// backoff, or failed for good after maxAttempts.
func (s *Sender) markFailed(ctx context.Context, m *Stored, sendErr error) error {
	now := time.Now().UTC()
	attempts := m.Attempts + 1
	status := StatusQueued
	if attempts >= maxAttempts {
		status = StatusFailed
	}
	_, err := s.db.Write.NewUpdate().Model((*Stored)(nil)).
		Set("status = ?", status).
		Set("attempts = ?", attempts).
		Set("next_attempt_at = ?", now.Add(backoff(attempts, rand.Float64()))).
		Set("lease_until = NULL").
		Set("last_error = ?", truncate(sendErr.Error(), 2000)).
		Where("id = ?", m.ID).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("record failed attempt of mail %s: %w", m.ID, err)
	}
	s.logger.Warn("mail not sent", "id", m.ID, "template", m.Template, "tenant", m.TenantID,
		"attempts", attempts, "status", status, "error", sendErr)
	return nil
}

// release frees the lease of a message that was not attempted after all.
func (s *Sender) release(ctx context.Context, m *Stored) error {
	if _, err := s.db.Write.NewUpdate().Model((*Stored)(nil)).
		Set("lease_until = NULL").
		Where("id = ?", m.ID).
		Exec(ctx); err != nil {
		return fmt.Errorf("release mail %s: %w", m.ID, err)
	}
	return nil
}

// backoff is the wait after the given number of failed attempts: one minute
// doubled per earlier attempt, at most six hours, spread by ±20 % (r is
// uniform in [0, 1)) so that messages failed together do not retry together.
func backoff(attempts int, r float64) time.Duration {
	d := backoffCap
	if n := attempts - 1; n < 20 {
		d = min(backoffBase<<max(n, 0), backoffCap)
	}
	return time.Duration(float64(d) * (0.8 + 0.4*r))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// connection is the one SMTP connection of a SendDue call, opened on first
// use. After a failed message it is dropped and opened again for the next;
// a failure to connect is kept and given to every further message of the
// call instead of dialling a dead server again and again.
type connection struct {
	cfg     SMTPConfig
	client  *gomail.Client
	smtp    *gosmtp.Client
	dialErr error
}

func (c *connection) send(ctx context.Context, m *Stored) error {
	msg, err := c.message(m)
	if err != nil {
		return err
	}
	if c.dialErr != nil {
		return c.dialErr
	}
	if c.smtp == nil {
		if c.client == nil {
			if c.client, err = c.cfg.client(); err != nil {
				c.dialErr = err
				return err
			}
		}
		if c.smtp, err = c.client.DialToSMTPClientWithContext(ctx); err != nil {
			c.dialErr = fmt.Errorf("connect to SMTP server %s: %w", c.client.ServerAddr(), err)
			c.smtp = nil
			return c.dialErr
		}
	}
	if err := c.client.SendWithSMTPClient(c.smtp, msg); err != nil {
		c.drop()
		return err
	}
	return nil
}

// message builds the MIME message of a stored mail: text with an HTML
// alternative, and a Message-ID that stays the same across attempts.
func (c *connection) message(m *Stored) (*gomail.Msg, error) {
	from := m.From
	if from == "" {
		from = c.cfg.From
	}
	if from == "" {
		return nil, errors.New("no sender address: set the SMTP From address")
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("sender %q: %w", from, err)
	}
	if c.cfg.From != "" {
		if err := msg.EnvelopeFrom(c.cfg.From); err != nil {
			return nil, fmt.Errorf("envelope sender %q: %w", c.cfg.From, err)
		}
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageIDWithValue(m.ID + "@" + domainOf(from))
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.TextBody)
	if m.HTMLBody != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTMLBody)
	}
	return msg, nil
}

func (c *connection) drop() {
	if c.smtp != nil {
		_ = c.client.CloseWithSMTPClient(c.smtp)
		c.smtp = nil
	}
}

func (c *connection) close() { c.drop() }

// domainOf returns the domain of an address, for Message-IDs.
func domainOf(addr string) string {
	if a, err := netmail.ParseAddress(addr); err == nil {
		addr = a.Address
	}
	if _, domain, ok := strings.Cut(addr, "@"); ok && domain != "" {
		return domain
	}
	return "localhost"
}
