package delivery

import "sozialplattform/tenant"

// Links are the console pages the delivery's mails point to. The console
// serves them and provides the links (admin.DeliveryLinks).
type Links struct {
	Delivery tenant.Link // one delivery: its ID
	Mailbox  tenant.Link // a municipality's mailbox of variant 2: tenant ID
}
