package migrations_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
)

// The error classes are told by the engine's code: every case provokes the
// real error on the database TEST_DB names.
func TestIsUniqueViolationByEngineCode(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	ctx := context.Background()
	for _, stmt := range []string{
		"CREATE TABLE parents (id INTEGER PRIMARY KEY)",
		"CREATE TABLE things (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, parent_id INTEGER REFERENCES parents (id))",
		"INSERT INTO parents (id) VALUES (1)",
		"INSERT INTO things (id, k, parent_id) VALUES (1, 'a', 1)",
	} {
		if _, err := db.Write.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	exec := func(stmt string) error {
		_, err := db.Write.ExecContext(ctx, stmt)
		return err
	}
	inTx := func(stmt string) error {
		return db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("insert thing: %w", err)
			}
			return nil
		})
	}
	tests := []struct {
		name   string
		err    error
		unique bool
	}{
		{"duplicate unique column", exec("INSERT INTO things (id, k) VALUES (2, 'a')"), true},
		{"duplicate primary key", exec("INSERT INTO things (id, k) VALUES (1, 'b')"), true},
		{"wrapped, from a transaction", inTx("INSERT INTO things (id, k) VALUES (3, 'a')"), true},
		{"foreign key", exec("INSERT INTO things (id, k, parent_id) VALUES (4, 'c', 99)"), false},
		{"not null", exec("INSERT INTO things (id) VALUES (5)"), false},
		{"syntax", exec("INSERT INTO nothing VALUES (1)"), false},
		{"text that only looks like one", errors.New("UNIQUE constraint failed: SQLSTATE 23505 duplicate key value"), false},
		{"no error", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name != "no error" && tt.err == nil {
				t.Fatal("the statement did not fail")
			}
			if got := migrations.IsUniqueViolation(tt.err); got != tt.unique {
				t.Errorf("IsUniqueViolation(%v) = %v, want %v", tt.err, got, tt.unique)
			}
			if migrations.IsUnavailable(tt.err) {
				t.Errorf("IsUnavailable(%v) = true for an error of the statement", tt.err)
			}
		})
	}
}

func TestIsUnavailableWhenTheDatabaseIsGone(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	db.Close()
	_, err := db.Write.ExecContext(context.Background(), "SELECT 1")
	if err == nil {
		t.Fatal("a closed database answered")
	}
	// database/sql reports its own closed pool, not the engine: not a
	// reason to retry.
	if migrations.IsUnavailable(err) {
		t.Errorf("IsUnavailable(%v) = true for a pool closed by the program", err)
	}
}

func TestIsUnavailableWhenPostgreSQLCannotBeReached(t *testing.T) {
	t.Parallel()
	// Port 1 on loopback: nothing listens there, the dial is refused.
	db, err := sql.Open("pgx", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2&sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.PingContext(context.Background())
	if err == nil {
		t.Skip("something answers on 127.0.0.1:1")
	}
	if !migrations.IsUnavailable(fmt.Errorf("ping: %w", err)) {
		t.Errorf("IsUnavailable(%v) = false for a refused connection", err)
	}
	if migrations.IsUniqueViolation(err) {
		t.Errorf("IsUniqueViolation(%v) = true", err)
	}
}

func TestDataFolder(t *testing.T) {
	t.Parallel()
	tests := []struct{ dsn, want string }{
		{"data/sozialplattform.sqlite", "data"},
		{"/var/lib/sozialplattform/db.sqlite", "/var/lib/sozialplattform"},
		{"file:/srv/sp/db.sqlite?_pragma=foreign_keys(1)", "/srv/sp"},
		{"sqlite:rel/db.sqlite", "rel"},
		{"db.sqlite", "."},
		{":memory:", "data"},
		{"file::memory:?cache=shared", "data"},
		{"postgres://u@db.example/sp", "data"},
		{"postgresql://u@db.example/sp?sslmode=verify-full", "data"},
	}
	for _, tt := range tests {
		if got := migrations.DataFolder(tt.dsn); got != tt.want {
			t.Errorf("DataFolder(%q) = %q, want %q", tt.dsn, got, tt.want)
		}
	}
}

func TestIsTransient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"serialization failure", fmt.Errorf("tx: %w", &pgconn.PgError{Code: "40001"}), true},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"text only", errors.New("database is locked (5) (SQLITE_BUSY)"), false},
		{"no error", nil, false},
	}
	for _, tt := range tests {
		if got := migrations.IsTransient(tt.err); got != tt.want {
			t.Errorf("%s: IsTransient(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

func TestIsTransientWhenSQLiteIsBusy(t *testing.T) {
	t.Parallel()
	if testdb.Kind() != migrations.SQLite {
		t.Skip("SQLite's lock")
	}
	path := filepath.Join(t.TempDir(), "busy.sqlite")
	holder, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	ctx := context.Background()
	if _, err := holder.ExecContext(ctx, "CREATE TABLE x (n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	tx, err := holder.BeginTx(ctx, nil) // BEGIN IMMEDIATE: holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.ExecContext(ctx, "INSERT INTO x VALUES (1)")
	if err == nil {
		t.Fatal("a second writer got through")
	}
	if !migrations.IsTransient(fmt.Errorf("insert: %w", err)) || !migrations.IsUnavailable(err) {
		t.Errorf("%v: transient %v, unavailable %v; want both", err, migrations.IsTransient(err), migrations.IsUnavailable(err))
	}
}
