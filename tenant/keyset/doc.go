// Package keyset pages listings by their sort key instead of an offset.
//
// A listing has a fixed Order whose last column is the row's unique ID. A
// page starts after the position (the sort values and ID) of the previous
// page's last row, so rows inserted or deleted meanwhile neither repeat nor
// vanish between pages, and the database seeks with an index instead of
// counting past skipped rows. Stores build their list queries with
// Order.Apply; the API (tenant/api) turns positions into opaque cursors.
package keyset
