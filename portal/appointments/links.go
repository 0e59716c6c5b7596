package appointments

import "sozialplattform/tenant"

// Links are the citizen's pages of a booking, below the portal site the
// booking was made on. The portal serves them and provides the links
// (www.AppointmentLinks).
type Links struct {
	Booking  tenant.Link // the booking's page: site slug, page token
	Calendar tenant.Link // the booking as an iCalendar file: site slug, page token
	Cancel   tenant.Link // cancel the booking: site slug, cancel token
}

// BookingLink is the address of a booking's page on the portal site of
// slug (the API answers it to the booking client).
func (s *Store) BookingLink(slug, pageToken string) string {
	return s.opts.Links.Booking.To(slug, pageToken)
}
