// Package market serves the marketplace's pages: the public catalogue,
// product pages and the registration of municipalities under /marktplatz/,
// and in the console the Merkzettel, Warenkorb and orders of a
// municipality and the ministry's products, registrations and orders. Its
// routes are in admin/routes.go.
package market
