// Package migrations owns the database: it opens SQLite (embedded default) or
// PostgreSQL from one DSN, applies the embedded schema migrations the same way
// on both, and gives tests a fresh database of the kind TEST_DB names.
//
// Migrations are SQL files under sql/ written once for both databases. A few
// template words stand for the types that differ between the two dialects
// ({{id}}, {{time}}, {{json}}, {{blob}}, {{serial}}), so that the schema
// history stays one file per step.
package migrations
