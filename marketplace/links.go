package marketplace

import "sozialplattform/tenant"

// Links are the pages the marketplace's mails point to. The console serves
// them and provides the links (admin.MarketLinks); the marketplace knows
// no URL of its own.
type Links struct {
	Order               tenant.Link // an order in the console: order ID
	ConfirmRegistration tenant.Link // confirm a registration's Funktionspostfach: token
	Catalogue           tenant.Link // the public catalogue
	Registration        tenant.Link // the public registration form
}
