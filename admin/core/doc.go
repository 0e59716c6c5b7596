// Package core serves the console pages of the platform core: login,
// logout and password reset, the dashboard with the tenant tree, tenant
// details and creation, members and their roles, invitations, API tokens,
// the audit log, the mail outbox (Postausgang), the background jobs and
// the own account. Its routes are in admin/routes.go.
package core
