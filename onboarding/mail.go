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
	// MailGoLiveRequest tells the ministry's mailbox that a case's
	// Produktivtest began without a test delivery: it needs the ministry's
	// confirmation to go live.
	MailGoLiveRequest = "onboarding-golive-request"
	// MailLiveWithdrawn tells the ministry's mailbox that a live case's
	// last phase was reopened: the Antragsstrecke left the portal.
	MailLiveWithdrawn = "onboarding-live-withdrawn"
)

// GoLiveRequestMail fills "onboarding-golive-request".
type GoLiveRequestMail struct {
	TenantName string
	Label      string // the Antragsstrecke
	Link       string // the case page
}

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
	// Failing are the municipalities with live cases whose deliveries
	// failed in the week (nil when the delivery is not wired);
	// FailingCases counts those cases.
	Failing      []DigestFailing
	FailingCases int
	// FailingKnown is whether the delivery was asked at all.
	FailingKnown bool
}

// DigestFailing is one municipality in the digest whose live cases'
// deliveries failed, with the link to its failed deliveries.
type DigestFailing struct {
	TenantName string
	Cases      []DigestFailingCase
	Link       string
}

// DigestFailingCase is one of its live cases and how many applications
// failed or were rejected in the week.
type DigestFailingCase struct {
	Label  string
	Failed int
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
