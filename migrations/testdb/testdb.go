// Package testdb gives every test a fresh, fully migrated database of the kind
// the TEST_DB environment variable names: "sqlite" (the default, a file in the
// test's temporary folder) or "postgres" (a schema of its own in the database
// TEST_DATABASE_URL names, dropped when the test ends).
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"sozialplattform/migrations"
)

// Kind reports the engine the tests run on.
func Kind() migrations.Kind {
	if os.Getenv("TEST_DB") == "postgres" {
		return migrations.Postgres
	}
	return migrations.SQLite
}

// DSN returns a DSN for a new, empty database and registers its removal.
func DSN(t testing.TB) string {
	t.Helper()
	if Kind() != migrations.Postgres {
		return filepath.Join(t.TempDir(), "test.sqlite")
	}
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		base = os.Getenv("DATABASE_URL")
	}
	if base == "" {
		t.Fatal("TEST_DB=postgres needs TEST_DATABASE_URL (for example postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable)")
	}
	buf := make([]byte, 6)
	rand.Read(buf)
	schema := "t_" + hex.EncodeToString(buf)
	ctx := context.Background()
	admin, err := migrations.Open(ctx, base, migrations.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatalf("open postgres for tests: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Write.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := migrations.Open(context.Background(), base, migrations.Options{MaxOpenConns: 1})
		if err != nil {
			return
		}
		defer a.Close()
		a.Write.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE") //nolint:errcheck
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a connection to a new, empty (unmigrated) database.
func Open(t testing.TB) *migrations.DB {
	t.Helper()
	db, err := migrations.Open(context.Background(), DSN(t), migrations.Options{MaxOpenConns: 8})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// New returns a new database with every migration applied.
func New(t testing.TB) *migrations.DB {
	t.Helper()
	db := Open(t)
	m, err := migrations.NewMigrator(db)
	if err != nil {
		t.Fatalf("migrations: %v", err)
	}
	if _, err := m.Up(context.Background()); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return db
}
