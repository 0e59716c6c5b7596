package www

import (
	"sozialplattform/portal/appointments"
	"sozialplattform/portal/citizen"
	"sozialplattform/portal/forms"
	"sozialplattform/tenant"
	"sozialplattform/tenant/web"
)

// The portal pages that the citizen-side domains' mails point to, as the
// domains' link builders below base (the platform's public address). Each
// pattern is a route of the table (table) below a site's slug, as
// ServerRoutes serves it; a test builds every link and resolves it there
// (links_test.go). The first value of every link is the site's slug: the
// citizen's session, language and Servicekonto live below it.

// FormsLinks are the applications': the Servicekonto, a submitted
// application, a draft.
func FormsLinks(base string) forms.Links {
	return forms.Links{
		Account:     web.LinkTo(base, "/{site}/servicekonto/{$}"),
		Application: web.LinkTo(base, "/{site}/servicekonto/antraege/{app}"),
		Draft:       web.LinkTo(base, "/{site}/antrag/{strecke}/entwurf/{draft}"),
	}
}

// CitizenLinks are the Servicekonto's: confirmation and password links.
func CitizenLinks(base string) citizen.Links {
	return citizen.Links{
		Confirm: web.LinkTo(base, "/{site}/servicekonto/bestaetigen/{token}"),
		Reset:   web.LinkTo(base, "/{site}/servicekonto/passwort/{token}"),
		Forgot:  web.LinkTo(base, "/{site}/servicekonto/passwort-vergessen"),
	}
}

// AppointmentLinks are the bookings': the booking's page, its calendar
// file and the cancellation.
func AppointmentLinks(base string) appointments.Links {
	return appointments.Links{
		Booking:  web.LinkTo(base, "/{site}/termine/buchung/{token}"),
		Calendar: web.LinkTo(base, "/{site}/termine/buchung/{token}/termin.ics"),
		Cancel:   web.LinkTo(base, "/{site}/termine/absagen/{token}"),
	}
}

// ServicePageLink is the state-wide portal's page of a service by its slug
// ("/leistungen/grusi"): what a service looks like to citizens, without a
// municipality chosen (the marketplace demo's "Zur Vorschau").
func ServicePageLink(base string) tenant.Link {
	return web.LinkTo(base, "/leistungen/{slug}")
}
