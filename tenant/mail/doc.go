// Package mail owns the platform's transactional e-mail: an outbox table
// (mail_messages) that other packages write to inside their own transaction,
// the embedded German mail templates (plain text and HTML) rendered once at
// enqueue time, and a sender that delivers due messages over SMTP with a
// database lease, retries with exponential backoff and gives up after a few
// attempts. The console's "Postausgang" lists and retries messages here.
//
// Every template says whom it is for ({{define "audience"}}staff or
// citizen) and marks its secret links ({{secret .Data.Link}}); the outbox
// stores beside each mail a copy of its text with those masked. Staff never
// see mails to citizens (only counts per template) and see a staff mail's
// secret links only where the surface decides they may (see admin).
//
// A mail is therefore sent only when the change that caused it commits, and
// at least once: a message is marked sent after the SMTP server accepted it.
package mail
