package deliverytest

import (
	"sozialplattform/migrations"
	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
)

// Mailbox delivers test applications into a municipality's console
// mailbox (variant 2), for the tests of the mailbox's pages and API: the
// console's walks (admin) and the whole server's isolation matrix
// (cmd/sozialplattform). It writes through the services, as the platform
// does.
type Mailbox struct {
	DB       *migrations.DB
	Cases    *onboarding.Store
	Delivery *delivery.Service
	DVDV     *dvdv.Directory
}

// MailboxDelivery is an application delivered into a console mailbox and
// the onboarding case that routes it there.
type MailboxDelivery struct {
	MessageID, DeliveryID, CaseID string
}
