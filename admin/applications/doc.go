// Package applications serves the console pages of the submitted online
// applications (Anträge): a municipality's list with filters, one
// application with its answers, documents and delivery, the retention
// settings with the deletion log, and the ministry's counts. Its routes
// are in admin/routes.go.
package applications
