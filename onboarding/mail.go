package onboarding

import (
	"embed"
	"io/fs"
	"time"

	"sozialplattform/tenant/mail"
)

// The mail templates of onboarding, files mailtemplates/<name>.tmpl.
const (
	MailCasesOpened           = "onboarding-cases-opened"
	MailStaleCases            = "onboarding-stale-cases"
	MailKeyExpiring           = "onboarding-key-expiring"
	MailDigest                = "onboarding-digest"
	MailConsultationReminder  = "consultation-reminder"
	MailConsultationCancelled = "consultation-cancelled"
)

//go:embed mailtemplates/*.tmpl
var mailTemplateFiles embed.FS

// MailTemplates returns the folder of onboarding's mail templates, for
// mail.OutboxOptions.Templates.
func MailTemplates() fs.FS { return mail.Templates(mailTemplateFiles) }

// CasesOpenedMail fills "onboarding-cases-opened".
type CasesOpenedMail struct {
	TenantName       string
	Antragsstrecken  []string
	Link             string
	NextConsultation *Consultation // may be nil
}

// CaseLine is one case in a reminder mail.
type CaseLine struct {
	Label          string
	Stage          string
	LastProgressAt time.Time
	NextStep       string
	KeyNotAfter    time.Time
}

// StaleCasesMail fills "onboarding-stale-cases".
type StaleCasesMail struct {
	TenantName string
	Days       int
	Cases      []CaseLine
	Link       string
}

// KeyExpiringMail fills "onboarding-key-expiring".
type KeyExpiringMail struct {
	TenantName string
	Cases      []CaseLine
	Link       string
}

// DigestMail fills "onboarding-digest", the weekly mail to the ministry.
type DigestMail struct {
	Since, Until time.Time
	Ordered      int // cases in total
	InTests      int
	Live         int
	Tenants      int // municipalities with at least one case
	NewCases     []DigestLine
	GoLives      []DigestLine
	Stale        []DigestLine
	Consultation *Consultation // next Sprechstunde, may be nil
	Link         string
}

// DigestLine is one case in the digest.
type DigestLine struct {
	TenantName string
	Label      string
	At         time.Time
}

// ConsultationMail fills "consultation-reminder" and
// "consultation-cancelled".
type ConsultationMail struct {
	Name         string
	TenantName   string
	Title        string
	Location     string
	Consultation Consultation
	Link         string
}
