//go:build !unix

package migrations

// SQLiteInUse cannot tell on this system; it reports false, and the caller
// must make sure that no server runs.
func SQLiteInUse(path string) (bool, error) { return false, nil }
