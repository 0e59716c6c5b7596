// Package www is the citizen portal's web surface: the Land's site at the
// root and every municipality's site below its slug ("/landkreis-harz/…"),
// multilingual (de, en, ar, uk, tr, ru), accessible and usable without
// JavaScript. It serves the service pages and the "Antrag stellen" flow
// with the Servicekonto (portal/forms, portal/citizen), the
// Sozialleistungsfinder (portal/finder), the counselling search and the
// appointment booking (portal/counselling, portal/appointments), the
// accessibility and legal pages, the tenants' branding, its own static
// files, and the finder's JSON API operation.
//
// Its route table is routes.go: one table, declared relative to a site,
// that states login, form token, body limit, public access and secret
// path segments of every page. ServeHTTP resolves the language and the
// site (stripping the slug) and dispatches to the table. Templates are
// parsed once at start into one set per language and page; the UI texts
// come from tenant/i18n (catalogue/portal).
//
// The package is named www (not web) to keep it apart from tenant/web,
// the HTTP plumbing both surfaces share.
package www
