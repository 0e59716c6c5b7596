// Package marketplace owns the state's eGovernment marketplace: the product
// catalogue (Onlinedienste with product number, OZG-ID and Antragsstrecken),
// prices with validity periods, the registration of an authority with its
// Funktionspostfach and the ministry's activation, each municipality's
// Merkzettel and Warenkorb, and orders with sequential order numbers, a
// snapshot of what was ordered, their state machine, confirmation mails and
// the CSV export.
//
// Every change goes through Store and writes its data, its audit entry and
// the mails it causes in one transaction. An order also hands off to
// onboarding inside that transaction (Options.OnOrderPlaced), so that the
// order and the onboarding cases it opens commit together. The catalogue of
// Antragsstrecken is onboarding's; the marketplace stores their keys and
// checks them through Options.KnownAntragsstrecken.
//
// The JSON API is in marketplace/api; the console pages are in admin.
package marketplace
