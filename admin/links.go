package admin

import (
	"sozialplattform/tenant"
	"sozialplattform/tenant/web"
)

// The console pages that mails link to. The route table (Routes) serves
// these patterns and the link builders below fill them in, so a link in a
// mail always names a route that exists (links_test.go checks it).
const (
	invitationPattern    = "/admin/einladung/{token}"
	passwordResetPattern = "/admin/passwort/neu/{token}"
)

// TenantLinks are the console pages the platform core's mails point to,
// below base (the platform's public address).
func TenantLinks(base string) tenant.Links {
	return tenant.Links{
		Invitation:    func(token string) string { return web.Link(base, invitationPattern, token) },
		PasswordReset: func(token string) string { return web.Link(base, passwordResetPattern, token) },
	}
}
