// Package counselling owns the directory of Beratungsstellen: one entry per
// organisation tenant (tenant kind "organisation", placed below the
// municipality or the Land whose area it serves), kept by the centre's own
// editors (role counselling-editor).
//
// An entry holds name, Träger, topics from a taxonomy the ministry
// maintains, addresses with coordinates, service area (official keys),
// structured opening and emergency hours, contact data, languages spoken
// (ISO 639-1), accessibility, ways of counselling, the current waiting
// time, the recognition as insolvency counselling under § 305 InsO and the
// date its data was last verified.
//
// Every change is a new version with its author, time and a summary of
// the changed fields. Where the ministry switches review on, a change by a
// centre or a municipality waits for the Landesredaktion, which approves or
// rejects it with a comment; the public always sees the last published
// version. Publishing rebuilds the search index (tags and coordinates).
//
// The package also searches the published entries (filters and distance by
// haversine, opening status in Europe/Berlin), imports and exports entries
// as CSV, reminds editors of entries not verified for a while and lists the
// outdated ones for the Landesredaktion. Every change runs in one
// transaction with its audit entry and the mails it causes. The Store keeps
// no mutable package-level state and is safe for concurrent use.
package counselling
