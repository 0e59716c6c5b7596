// Package testdb gives every test a fresh, fully migrated database of the kind
// the TEST_DB environment variable names: "sqlite" (the default, a file in the
// test's temporary folder) or "postgres" (a schema of its own in the database
// TEST_DATABASE_URL names, dropped when the test ends).
//
// Each database belongs to one test alone, so tests that take theirs from
// here may call t.Parallel. On SQLite a test process migrates once, into a
// template, and gives every test a copy of that file: the same schema as
// migrating anew, without running thirty migrations per test.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
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
	db, err := migrations.Open(context.Background(), MigratedDSN(t), migrations.Options{MaxOpenConns: 8})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// MigratedDSN returns a DSN for a new database with every migration applied,
// for tests that open the database themselves (the application's own start
// finds nothing left to migrate). It is closed again when it returns.
func MigratedDSN(t testing.TB) string {
	t.Helper()
	if Kind() != migrations.Postgres {
		image, err := sqliteTemplate()
		if err != nil {
			t.Fatalf("migrated SQLite template: %v", err)
		}
		path := filepath.Join(t.TempDir(), "test.sqlite")
		if err := os.WriteFile(path, image, 0o600); err != nil {
			t.Fatalf("copy migrated SQLite template: %v", err)
		}
		return path
	}
	dsn := DSN(t)
	db, err := migrations.Open(context.Background(), dsn, migrations.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	defer db.Close()
	if err := migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return dsn
}

func migrate(ctx context.Context, db *migrations.DB) error {
	m, err := migrations.NewMigrator(db)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := m.Up(ctx); err != nil {
		return fmt.Errorf("migrate test database: %w", err)
	}
	return nil
}

// sqliteTemplate returns the bytes of a freshly migrated SQLite database,
// made once per test process in a folder it removes again. The bytes stay
// in memory (a few hundred KB), so no file outlives the process.
var sqliteTemplate = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "sozialplattform-testdb-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.sqlite")
	ctx := context.Background()
	db, err := migrations.Open(ctx, path, migrations.Options{MaxOpenConns: 1})
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	// Fold the write-ahead log into the main file, which alone is copied.
	if _, err := db.Write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		db.Close()
		return nil, fmt.Errorf("checkpoint template: %w", err)
	}
	if err := db.Close(); err != nil {
		return nil, fmt.Errorf("close template: %w", err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("template still has %d bytes of write-ahead log after closing", fi.Size())
	}
	return os.ReadFile(path)
})
