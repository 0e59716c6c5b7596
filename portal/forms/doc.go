// Package forms owns the online applications: form definitions as
// versioned data (definitions/*.json, embedded and checked at start), the
// engine that binds and validates a step's answers on the server, drafts
// with their uploads, and the submission that writes the application, its
// documents (XSozial-basis XML, PDF, attachments) and the delivery outbox
// entry in one transaction.
//
// Answers and uploads are personal data: they are stored only encrypted
// (package envelope) and deleted after the tenant's retention period; the
// deletions are written to the audit log, where the municipality sees them.
package forms
