// Package onboarding owns the path of a municipality from its order on the
// marketplace to the go-live of each Antragsstrecke: the catalogue of
// Onlinedienste and Antragsstrecken, one onboarding case per ordered
// Antragsstrecke with its Anbindungsvariante, Fachverfahren and transport
// parameters, the checklist (templates the ministry maintains, items with
// comments and attachments), the three rollout phases and the rules that
// guard them, the Fachverfahren matrix, the fortnightly Sprechstunde with
// attendance and an iCalendar feed, the ministry's rollout reports
// ("Umsetzungsstand") and the reminder mails sent by scheduled jobs.
//
// Every change runs in one transaction with its audit entry
// (tenant.WriteAudit) and the mails it causes. Cases carry a version for
// optimistic locking. The package keeps no mutable package-level state; the
// Store is built once at start and is safe for concurrent use.
package onboarding
