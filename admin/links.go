package admin

import (
	"sozialplattform/marketplace"
	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
	"sozialplattform/tenant/web"
)

// The console pages that the domains' mails and calendar entries point
// to, as the domains' link builders below base (the platform's public
// address). Each pattern is one of the route table's (Routes); a test
// builds every link and resolves it in the table (links_test.go), so a
// mail never names a page the console does not serve.

// TenantLinks are the platform core's: invitations and password links.
func TenantLinks(base string) tenant.Links {
	return tenant.Links{
		Invitation:    web.LinkTo(base, "/admin/einladung/{token}"),
		PasswordReset: web.LinkTo(base, "/admin/passwort/neu/{token}"),
	}
}

// MarketLinks are the marketplace's: orders in the console, the public
// catalogue and registration.
func MarketLinks(base string) marketplace.Links {
	return marketplace.Links{
		Order:               web.LinkTo(base, "/admin/marktplatz/bestellungen/{oid}"),
		ConfirmRegistration: web.LinkTo(base, "/marktplatz/registrierung/bestaetigen/{token}"),
		Catalogue:           web.LinkTo(base, "/marktplatz/{$}"),
		Registration:        web.LinkTo(base, "/marktplatz/registrierung"),
		ReviewRegistration:  web.LinkTo(base, "/admin/marktplatz/registrierungen/{rid}"),
	}
}

// OnboardingLinks are onboarding's: a municipality's cases, the rollout
// dashboard and the Sprechstunden.
func OnboardingLinks(base string) onboarding.Links {
	return onboarding.Links{
		Cases:         web.LinkTo(base, "/admin/anbindung/{id}"),
		Case:          web.LinkTo(base, "/admin/anbindung/fall/{cid}"),
		Rollout:       web.LinkTo(base, "/admin/rollout"),
		Consultations: web.LinkTo(base, "/admin/sprechstunden"),
		FailedDeliveries: func(values ...string) string {
			return web.Link(base, "/admin/zustellung/{id}", values...) + "?status=" + delivery.FilterProblem
		},
	}
}

// DeliveryLinks are the delivery's: one delivery and a mailbox of
// variant 2.
func DeliveryLinks(base string) delivery.Links {
	return delivery.Links{
		Delivery: web.LinkTo(base, "/admin/zustellung/eintrag/{did}"),
		Mailbox:  web.LinkTo(base, "/admin/postfach/{id}"),
	}
}

// CounsellingLinks are the Beratungsstellen directory's: a centre and the
// Landesredaktion's review list.
func CounsellingLinks(base string) counselling.Links {
	return counselling.Links{
		Centre:  web.LinkTo(base, "/admin/beratung/{id}"),
		Reviews: web.LinkTo(base, "/admin/beratung/pruefung"),
	}
}
