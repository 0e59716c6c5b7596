// Package mail owns the platform's transactional e-mail: an outbox table
// (mail_messages) that other packages write to inside their own transaction,
// the embedded German mail templates (plain text and HTML) rendered once at
// enqueue time, and a sender that delivers due messages over SMTP with a
// database lease, retries with exponential backoff and gives up after a few
// attempts. The console's "Postausgang" lists and retries messages here.
//
// A mail is therefore sent only when the change that caused it commits, and
// at least once: a message is marked sent after the SMTP server accepted it.
package mail
