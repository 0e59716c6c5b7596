package migrations_test

import (
	"errors"

	"context"
	"github.com/uptrace/bun"
	"testing"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
)

// coreTables are the platform core's tables after every migration (0009
// replaced 0001's login_throttle with auth_throttle).
var coreTables = []string{
	"tenants", "users", "memberships", "invitations", "password_resets", "api_tokens",
	"sessions", "auth_throttle", "audit_log", "authz_rules", "authz_revision",
	"mail_messages", "job_leases", "job_runs",
}

func tableExists(t *testing.T, db *migrations.DB, name string) bool {
	t.Helper()
	ctx := context.Background()
	var n int
	var err error
	if db.Kind == migrations.Postgres {
		err = db.Read.QueryRowContext(ctx,
			"SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?", name).Scan(&n)
	} else {
		err = db.Read.QueryRowContext(ctx,
			"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", name).Scan(&n)
	}
	if err != nil {
		t.Fatalf("look up table %s: %v", name, err)
	}
	return n == 1
}

func TestEveryMigrationGoesUpDownAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	m, err := migrations.NewMigrator(db)
	if err != nil {
		t.Fatal(err)
	}
	applied, err := m.Up(ctx)
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	if len(applied) == 0 {
		t.Fatal("no migration applied on an empty database")
	}
	for _, table := range coreTables {
		if !tableExists(t, db, table) {
			t.Errorf("after up: table %s missing", table)
		}
	}
	if again, err := m.Up(ctx); err != nil || len(again) != 0 {
		t.Fatalf("second up should be a no-op, got %v, %v", again, err)
	}
	if err := m.DownAll(ctx); err != nil {
		t.Fatalf("down: %v", err)
	}
	for _, table := range coreTables {
		if tableExists(t, db, table) {
			t.Errorf("after down: table %s still there", table)
		}
	}
	status, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range status {
		if s.Applied {
			t.Errorf("after down: %s still marked applied", s.Name)
		}
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up after down: %v", err)
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	if _, err := db.Write.ExecContext(ctx,
		"INSERT INTO audit_log (at, action, object_type) VALUES (CURRENT_TIMESTAMP, 'create', 'tenant')"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.ExecContext(ctx, "UPDATE audit_log SET action = 'forged'"); err == nil {
		t.Error("updating the audit log succeeded")
	}
	if _, err := db.Write.ExecContext(ctx, "DELETE FROM audit_log"); err == nil {
		t.Error("deleting from the audit log succeeded")
	}
}

func TestKindOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dsn  string
		want migrations.Kind
	}{
		{"postgres://u@h/db", migrations.Postgres},
		{"postgresql://u@h/db", migrations.Postgres},
		{"data/sozialplattform.sqlite", migrations.SQLite},
		{"file:data/x.db?cache=shared", migrations.SQLite},
	}
	for _, tt := range tests {
		if got := migrations.KindOf(tt.dsn); got != tt.want {
			t.Errorf("KindOf(%q) = %s, want %s", tt.dsn, got, tt.want)
		}
	}
}

func TestSQLiteReadPoolRejectsWrites(t *testing.T) {
	t.Parallel()
	if testdb.Kind() != migrations.SQLite {
		t.Skip("SQLite only")
	}
	db := testdb.New(t)
	if _, err := db.Read.ExecContext(context.Background(), "DELETE FROM tenants"); err == nil {
		t.Fatal("the read pool accepted a write")
	}
}

func TestNestedTxJoinsTheOuterOneAndDefersHooks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	insert := func(ctx context.Context, tx bun.Tx, action string) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO audit_log (at, action, object_type) VALUES (CURRENT_TIMESTAMP, ?, 'test')", action)
		return err
	}
	count := func() int {
		var n int
		if err := db.Read.QueryRowContext(ctx, "SELECT count(*) FROM audit_log WHERE object_type = 'test'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	hooks := 0
	errRollback := errors.New("roll back")
	err := db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := insert(ctx, tx, "outer"); err != nil {
			return err
		}
		if err := db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			migrations.AfterCommit(ctx, func() { hooks++ })
			return insert(ctx, tx, "inner")
		}); err != nil {
			return err
		}
		if hooks != 0 {
			t.Error("hook ran before the outer commit")
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) || count() != 0 || hooks != 0 {
		t.Fatalf("rollback: err %v, rows %d, hooks %d", err, count(), hooks)
	}
	err = db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			migrations.AfterCommit(ctx, func() { hooks++ })
			return insert(ctx, tx, "inner")
		})
	})
	if err != nil || count() != 1 || hooks != 1 {
		t.Fatalf("commit: err %v, rows %d, hooks %d", err, count(), hooks)
	}
}

// A hook asked for under one key runs once per commit, however often the
// transaction asks; other keys and the next transaction run their own.
func TestAfterCommitOnceRunsOncePerKeyAndCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	type key struct{ name string }
	runs := map[string]int{}
	hook := func(name string) func() { return func() { runs[name]++ } }
	migrations.AfterCommitOnce(ctx, key{"a"}, hook("outside"))
	if runs["outside"] != 1 {
		t.Fatalf("outside a transaction the hook ran %d times, want at once", runs["outside"])
	}
	commit := func(fail error) error {
		before := runs["a"] + runs["b"]
		return db.Tx(ctx, func(ctx context.Context, _ bun.Tx) error {
			for range 3 {
				if err := db.Tx(ctx, func(ctx context.Context, _ bun.Tx) error {
					migrations.AfterCommitOnce(ctx, key{"a"}, hook("a"))
					migrations.AfterCommitOnce(ctx, key{"b"}, hook("b"))
					return nil
				}); err != nil {
					return err
				}
			}
			if runs["a"]+runs["b"] != before {
				t.Error("a hook ran before the commit")
			}
			return fail
		})
	}
	errRollback := errors.New("roll back")
	if err := commit(errRollback); !errors.Is(err, errRollback) || runs["a"]+runs["b"] != 0 {
		t.Fatalf("rollback: %v, runs %v", err, runs)
	}
	for i := 1; i <= 2; i++ {
		if err := commit(nil); err != nil || runs["a"] != i || runs["b"] != i {
			t.Fatalf("commit %d: %v, runs %v, want each key once per commit", i, err, runs)
		}
	}
}
