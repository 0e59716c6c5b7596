package citizen

import (
	"embed"
	"io/fs"
	"time"
)

//go:embed mailtemplates/*.tmpl
var mailFiles embed.FS

// MailTemplates is the folder of the account mails, for
// mail.OutboxOptions.Templates.
func MailTemplates() fs.FS {
	sub, err := fs.Sub(mailFiles, "mailtemplates")
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	return sub
}

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
