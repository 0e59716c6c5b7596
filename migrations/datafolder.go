package migrations

import "path/filepath"

// DataFolder is the instance's folder for development and demo keys (the
// data key, a self-signed SAML key pair, the demo transports' keys): next
// to the SQLite database file, or "data" in the working directory for
// PostgreSQL and an in-memory SQLite, where only demo keys live (a real
// installation on PostgreSQL must configure shared keys). Never a
// temporary folder, whose cleaning would lose the keys.
func DataFolder(dsn string) string {
	if KindOf(dsn) == Postgres {
		return "data"
	}
	path, _, err := splitSQLiteDSN(dsn)
	if err != nil || path == ":memory:" {
		return "data"
	}
	return filepath.Dir(path)
}
