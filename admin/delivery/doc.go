// Package delivery serves the console pages of the delivery to the
// Fachverfahren: a municipality's deliveries with attempts and retry, its
// mailbox of variant 2 (municipal staff only, every access audited), the
// connection test of an onboarding case, the ministry's counts and the
// DVDV directory. Its routes are in admin/routes.go.
package delivery
