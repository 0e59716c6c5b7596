package forms

import (
	"embed"
	"io/fs"
	"time"

	"sozialplattform/tenant/mail"
)

//go:embed mailtemplates/*.tmpl
var mailFiles embed.FS

// MailTemplates is the folder of the applications' mail templates, for
// mail.OutboxOptions.Templates.
func MailTemplates() fs.FS { return mail.Templates(mailFiles) }

// The mails of the applications.
const (
	MailReceipt       = "antrag-eingang"
	MailDraftReminder = "antrag-entwurf-erinnerung"
	MailStatusProblem = "antrag-problem"
)

// ReceiptData fills the receipt mail.
type ReceiptData struct {
	Reference   string
	Title       string
	Tenant      string
	SubmittedAt time.Time
	Link        string // the account page with the PDF
}

// ReminderData fills the reminder before a draft is deleted.
type ReminderData struct {
	Title     string
	Tenant    string
	ExpiresAt time.Time
	Link      string
}

// StatusMailData fills the mail about a delivery problem.
type StatusMailData struct {
	Reference, Title, Detail, Link string
}
