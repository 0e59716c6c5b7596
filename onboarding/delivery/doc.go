// Package delivery owns the way of a submitted application to the
// Fachverfahren of the responsible authority: the outbox of deliveries
// (written by the applications side with Enqueue inside its own
// transaction), the worker that claims rows with a lease (FOR UPDATE SKIP
// LOCKED on PostgreSQL, a conditional UPDATE on SQLite), sends them the way
// the municipality's onboarding case says, records every attempt and
// retries with exponential backoff and jitter (honouring Retry-After) until
// the attempt limit, then marks the row failed for the municipal admins to
// retry. Transports: FIT-Connect (variant 3, package fitconnect), OSCI/XTA2
// with the DVDV directory (variant 1, packages xta2 and dvdv) and the
// console mailbox of the OSCI-Client variant (variant 2, this package).
//
// Exactly once: a transport stores its own ID (FIT-Connect submissionId,
// XTA MessageID) in the row before it uploads anything, so that a retry –
// after a lost answer, a timeout or a process killed between "sent" and
// "recorded" – resumes the same submission or message instead of creating
// a second one; all writes of a worker are fenced by its lease token.
//
// The package also runs the connection self-test of an onboarding case
// (a test application through the configured variant, step by step; a
// successful one is the evidence for "Anbindungstests abgeschlossen"),
// reports status back to the applications side (OnStatus), and counts
// deliveries per municipality and variant for the ministry. Payloads are
// sealed at rest when a Sealer is configured and deleted once the
// Fachverfahren has accepted or picked up the application. An
// application's payload may instead name the documents the applications
// side wrote in the same transaction, with their SHA-256 (SetStored): the
// worker then delivers exactly those bytes or none, and the contents are
// not stored twice. The package
// keeps no mutable package-level state.
package delivery
