// Package tenant owns the platform core every domain stands on: tenants (the
// hierarchy Land → Landkreis/kreisfreie Stadt → Gemeinde, plus Landesbehörden
// and organisations such as Beratungsstellen), staff users and their
// memberships, invitations, password resets, API tokens, login sessions,
// login throttling and the append-only audit log.
//
// Every change goes through Store, which writes the change, its audit entry,
// any mail it causes and the access-policy revision in one transaction.
package tenant
