package citizen

import "sozialplattform/tenant"

// Links are the Servicekonto's pages the account mails point to, on the
// portal site the citizen used. The portal serves them and provides the
// links (www.CitizenLinks).
type Links struct {
	Confirm tenant.Link // confirm the address: site slug, token
	Reset   tenant.Link // set a new password: site slug, token
	Forgot  tenant.Link // ask for a password link: site slug
}
