package marketplace

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"sozialplattform/tenant/mail"
)

// The marketplace's mail templates (mailtemplates/<name>.tmpl).
const (
	TemplateRegistrationConfirm   = "marktplatz-registrierung-bestaetigen"
	TemplateRegistrationActivated = "marktplatz-registrierung-freigeschaltet"
	TemplateRegistrationRejected  = "marktplatz-registrierung-abgelehnt"
	TemplateOrderConfirmation     = "marktplatz-bestellung"
	// TemplateRegistrationToReview tells the ministry's mailbox that a
	// registration's mailbox is confirmed and waits for its decision.
	TemplateRegistrationToReview = "marktplatz-registrierung-pruefen"
)

//go:embed mailtemplates/*.tmpl
var mailTemplates embed.FS

// MailTemplates returns the folder of the marketplace's mail templates, for
// mail.OutboxOptions.Templates.
func MailTemplates() fs.FS { return mail.Templates(mailTemplates) }

// RegistrationMail fills the registration mails.
type RegistrationMail struct {
	AuthorityName   string
	OfficialKey     string
	FunctionMailbox string
	ContactName     string
	// Link is the confirmation link, the catalogue (activation) or the
	// registration form (rejection).
	Link string
	// ExpiresAt is when the confirmation link (or, on activation, the
	// invitation) runs out.
	ExpiresAt time.Time
	Reason    string // of a rejection
}

// OrderMail fills the order confirmation.
type OrderMail struct {
	// ForMinistry addresses the ministry's order mailbox instead of the
	// ordering authority.
	ForMinistry bool
	Number      int64
	// OrderedAt is the German date and time, "16.09.2025, 15:50 Uhr".
	OrderedAt string
	Items     []OrderMailItem
	Total     string
	// TextTable is the order overview laid out for the plain-text part.
	TextTable       string
	AuthorityName   string
	OfficialKey     string
	Street          string
	PostalCode      string
	City            string
	FunctionMailbox string
	OrderedBy       string
	Link            string // where the recipient sees the order
	// FollowUp is what follows the order (the municipality's copy only).
	FollowUp FollowUp
}

// FollowUp is the onboarding after an order as the confirmation names it;
// onboarding fills it from its data (Options.OrderFollowUp).
type FollowUp struct {
	// Contacts accompany the municipality through the connection.
	Contacts []SupportContact
	// ConsultationTitle is the Sprechstunde's name, ConsultationWhen its
	// rule in words ("jeden zweiten Mittwoch um 14 Uhr, 30 Minuten"),
	// ConsultationWhere where it takes place.
	ConsultationTitle, ConsultationWhen, ConsultationWhere string
	// NextConsultations are its next dates, "Mittwoch, 14.01.2026, 14:00 Uhr".
	NextConsultations []string
}

// SupportContact is an actor of the onboarding in the confirmation.
type SupportContact struct {
	Name, Role, Mailbox, Phone string
}

// OrderMailItem is one line of the order overview.
type OrderMailItem struct {
	Number, Name, Price, Sum string
	Quantity                 int
}

// orderMail builds the confirmation's data.
func (s *Store) orderMail(o *Order, forMinistry bool, next FollowUp) OrderMail {
	m := OrderMail{ForMinistry: forMinistry, Number: o.Number,
		OrderedAt:     o.OrderedAt.In(s.loc).Format("02.01.2006, 15:04") + " Uhr",
		Total:         o.TotalCents.String(),
		AuthorityName: o.AuthorityName, OfficialKey: o.OfficialKey, Street: o.Street, PostalCode: o.PostalCode,
		City: o.City, FunctionMailbox: o.FunctionMailbox, OrderedBy: o.OrderedBy,
		Link: s.opts.Links.Order.To(o.ID)}
	if !forMinistry {
		m.FollowUp = next
	}
	rows := [][]string{{"Produktnr.", "Beschreibung", "Menge", "Preis", "Summe"}}
	for _, it := range o.Items {
		mi := OrderMailItem{Number: it.ProductNumber, Name: it.Name, Quantity: it.Quantity,
			Price: it.UnitPriceCents.String(), Sum: it.LineTotalCents.String()}
		m.Items = append(m.Items, mi)
		rows = append(rows, []string{mi.Number, mi.Name, fmt.Sprint(mi.Quantity), mi.Price, mi.Sum})
	}
	rows = append(rows, []string{"", "Gesamt", "", "", m.Total})
	m.TextTable = textTable(rows, []bool{false, false, true, true, true})
	return m
}

// textTable lays rows out in columns for a plain-text mail; right[i]
// aligns column i to the right. Long names are not cut: a mail program
// wraps them, and the numbers stay readable.
func textTable(rows [][]string, right []bool) string {
	width := make([]int, len(right))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for n, r := range rows {
		if n == len(rows)-1 {
			total := 0
			for _, w := range width {
				total += w + 2
			}
			b.WriteString(strings.Repeat("-", total-2) + "\n")
		}
		var line strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				line.WriteString("  ")
			}
			if right[i] {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
		if n == 0 {
			b.WriteString(strings.Repeat("-", utf8.RuneCountInString(strings.TrimRight(line.String(), " "))) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// queueOrderMails queues the confirmation to the ordering authority's
// Funktionspostfach and to the ministry's order mailbox, inside the
// order's transaction: the mails leave only when the order stands, and a
// mail server that is down delays them without touching the order.
func (s *Store) queueOrderMails(ctx context.Context, tx bun.IDB, o *Order) error {
	if o.FunctionMailbox != "" {
		var next FollowUp
		if s.opts.OrderFollowUp != nil {
			var err error
			if next, err = s.opts.OrderFollowUp(ctx, tx); err != nil {
				return fmt.Errorf("onboarding facts for order confirmation: %w", err)
			}
		}
		if err := s.mailer.Enqueue(ctx, tx, mail.Message{TenantID: o.TenantID, To: o.FunctionMailbox,
			Template: TemplateOrderConfirmation, Data: s.orderMail(o, false, next)}); err != nil {
			return fmt.Errorf("queue order confirmation: %w", err)
		}
	}
	if s.opts.MinistryOrderMailbox != "" {
		if err := s.mailer.Enqueue(ctx, tx, mail.Message{TenantID: o.TenantID, To: s.opts.MinistryOrderMailbox,
			Template: TemplateOrderConfirmation, Data: s.orderMail(o, true, FollowUp{})}); err != nil {
			return fmt.Errorf("queue order confirmation for the ministry: %w", err)
		}
	}
	return nil
}
