package citizen

import (
	"embed"
	"io/fs"
	"time"

	"sozialplattform/tenant/mail"
)

//go:embed mailtemplates/*.tmpl
var mailFiles embed.FS

// MailTemplates is the folder of the account mails, for
// mail.OutboxOptions.Templates.
func MailTemplates() fs.FS { return mail.Templates(mailFiles) }

// The account mails.
const (
	MailConfirm = "servicekonto-bestaetigen"
	MailReset   = "servicekonto-passwort"
	MailExists  = "servicekonto-vorhanden"
)

// LinkData fills the account mails.
type LinkData struct {
	Name      string
	Link      string
	ExpiresAt time.Time
}
