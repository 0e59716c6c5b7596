package tenant

// Links are the addresses of the console pages that the platform core's
// mails point to. The console provides them from its route table
// (admin.TenantLinks): the core knows no surface's URLs. A nil function
// leaves the mail without a link (tests that do not read mails).
type Links struct {
	Invitation    func(token string) string // accept an invitation
	PasswordReset func(token string) string // set a new password
}

// link calls f, or returns "" when f is nil.
func link(f func(string) string, arg string) string {
	if f == nil {
		return ""
	}
	return f(arg)
}
