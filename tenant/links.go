package tenant

// A Link builds the address of one page of a surface from the values of
// its path (IDs, tokens, a site's slug, in the order the page's route
// names them). Domains put links into mails and calendar entries but know
// no surface's URLs: the surface that serves the page provides the Link
// (built from its route table), the composition root wires it. A nil Link
// builds "" (tests that do not read the links).
type Link func(values ...string) string

// To is the address of the page for values, or "" for a nil Link.
func (l Link) To(values ...string) string {
	if l == nil {
		return ""
	}
	return l(values...)
}

// Links are the console pages that the platform core's mails point to;
// the console provides them (admin.TenantLinks).
type Links struct {
	Invitation    Link // accept an invitation: token
	PasswordReset Link // set a new password: token
}
