package appointments

import (
	"embed"
	"io/fs"
	"time"

	"sozialplattform/tenant/mail"
)

// The mail templates of appointments, files mailtemplates/<name>.tmpl.
// Mails to citizens are German; the booking page links to the portal in
// the language the citizen booked in.
const (
	MailConfirmation       = "appointment-confirmation"
	MailReminder           = "appointment-reminder"
	MailCancelledByCitizen = "appointment-cancelled-citizen"
	MailCancelledByCentre  = "appointment-cancelled-centre"
	MailNewBooking         = "appointment-new-booking"
	MailCancelledNotice    = "appointment-cancelled-notice"
)

//go:embed mailtemplates/*.tmpl
var mailTemplateFiles embed.FS

// MailTemplates returns the folder of the mail templates, for
// mail.OutboxOptions.Templates.
func MailTemplates() fs.FS { return mail.Templates(mailTemplateFiles) }

// BookingMail fills every booking mail.
type BookingMail struct {
	Name       string
	Calendar   string
	Location   string
	Start, End time.Time
	EndClock   string // End as "15:30" German time
	Email      string
	Phone      string
	Remark     string
	Note       string // the centre's note on a cancellation
	PageLink   string // the booking page (confirmation only)
	ICSLink    string // its iCalendar file (confirmation only)
	CancelLink string // the single-use cancellation (confirmation only)
}
