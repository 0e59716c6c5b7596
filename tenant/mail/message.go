package mail

import (
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant/fault"
)

// Errors of the outbox.
var (
	ErrNotFound        = fmt.Errorf("E-Mail %w", fault.ErrNotFound)
	ErrUnknownTemplate = errors.New("unbekannte E-Mail-Vorlage")
	ErrInvalidAddress  = errors.New("ungültige E-Mail-Adresse")
	ErrAlreadySent     = errors.New("die E-Mail wurde bereits versendet")
)

// Message is a mail to be enqueued: which template to render for whom, with
// which data. TenantID may be empty for platform mails that belong to no
// tenant.
type Message struct {
	TenantID string
	To       string
	Template string
	Data     any
}

// Status is where a stored message stands.
type Status string

// The states of a stored message. A queued message waits for its next
// attempt; a failed one gave up after too many attempts and waits for Retry.
const (
	StatusQueued Status = "queued"
	StatusSent   Status = "sent"
	StatusFailed Status = "failed"
)

// Label is the German name of a status for the console.
func (s Status) Label() string {
	switch s {
	case StatusQueued:
		return "In Warteschlange"
	case StatusSent:
		return "Versendet"
	case StatusFailed:
		return "Fehlgeschlagen"
	}
	return string(s)
}

// HasSecrets reports whether the text carries a secret its template marks
// (or, for mails stored before masking, whether that is unknown).
func (m Stored) HasSecrets() bool { return m.MaskedText != m.TextBody }

// Stored is a message in the outbox, rendered and ready to send.
type Stored struct {
	bun.BaseModel `bun:"table:mail_messages"`

	ID       string `bun:"id,pk" json:"id"`
	TenantID string `bun:"tenant_id,nullzero" json:"tenantId,omitempty"`
	Template string `bun:"template,notnull" json:"template"`
	From     string `bun:"from_addr,notnull" json:"from"`
	To       string `bun:"to_addr,notnull" json:"to"`
	Subject  string `bun:"subject,notnull" json:"subject"`
	TextBody string `bun:"text_body,notnull" json:"textBody"`
	HTMLBody string `bun:"html_body,notnull" json:"htmlBody"`
	// MaskedText is TextBody with every secret the template marks (reset,
	// confirmation and invitation links) replaced by Masked: what staff may
	// read when the link itself is not for them. Empty for mails stored
	// before masking existed (then only the full text, or nothing, shows).
	MaskedText string `bun:"masked_text,notnull" json:"-"`
	// Audience is who the mail is for; mails to citizens are never listed
	// or shown to staff.
	Audience      Audience   `bun:"audience,notnull" json:"audience"`
	Status        Status     `bun:"status,notnull" json:"status"`
	Attempts      int        `bun:"attempts,notnull" json:"attempts"`
	NextAttemptAt time.Time  `bun:"next_attempt_at,notnull" json:"nextAttemptAt"`
	LeaseUntil    *time.Time `bun:"lease_until" json:"leaseUntil,omitempty"`
	LastError     string     `bun:"last_error,notnull" json:"lastError,omitempty"`
	CreatedAt     time.Time  `bun:"created_at,notnull" json:"createdAt"`
	SentAt        *time.Time `bun:"sent_at" json:"sentAt,omitempty"`
}
