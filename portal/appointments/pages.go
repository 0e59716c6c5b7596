package appointments

import "sozialplattform/tenant/keyset"

// PageKey is b's position in Bookings with a Page: by start, then ID.
func (b Booking) PageKey() keyset.TimeKey { return keyset.TimeKey{At: b.StartsAt, ID: b.ID} }

var bookingOrder = keyset.Order{{Expr: "starts_at"}, {Expr: "id"}}
