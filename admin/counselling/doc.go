// Package counselling serves the console pages of the Beratungsstellen
// directory and the online appointments: the centres' own entries, the
// municipalities' and the ministry's lists, CSV import and export, the
// Landesredaktion's review, outdated entries, topics, slot calendars and
// bookings. Its routes are in admin/routes.go.
package counselling
