package testdb_test

import (
	"context"
	"testing"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
)

// schemaOf lists what a database holds: its tables, indexes and triggers as
// their SQL (SQLite) or their names and columns (PostgreSQL), and the
// migrations marked applied.
func schemaOf(t *testing.T, db *migrations.DB) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	var err error
	if db.Kind == migrations.Postgres {
		err = db.Read.NewRaw(`SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY 1`).Scan(ctx, &out)
	} else {
		err = db.Read.NewRaw(`SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name`).Scan(ctx, &out)
	}
	if err != nil {
		t.Fatal(err)
	}
	var applied []string
	if err := db.Read.NewRaw(`SELECT name FROM schema_migrations ORDER BY name`).Scan(ctx, &applied); err != nil {
		t.Fatal(err)
	}
	return append(out, applied...)
}

// A copy of the template is the database migrating anew would give, and
// each test's copy is its own.
func TestNewEqualsMigratingAnew(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fresh := testdb.Open(t)
	m, err := migrations.NewMigrator(fresh)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	want := schemaOf(t, fresh)
	if len(want) < 30 {
		t.Fatalf("migrated database holds only %d objects", len(want))
	}
	a, b := testdb.New(t), testdb.New(t)
	got := schemaOf(t, a)
	if len(got) != len(want) {
		t.Fatalf("template copy holds %d objects, migrating anew %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("template copy differs at %d: %q, migrating anew %q", i, got[i], want[i])
		}
	}
	if st, err := m.Status(ctx); err != nil || len(st) == 0 {
		t.Fatalf("status: %v %v", st, err)
	}
	if _, err := a.Write.ExecContext(ctx, `CREATE TABLE only_in_a (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	q := `SELECT count(*) FROM sqlite_master WHERE name = 'only_in_a'`
	if b.Kind == migrations.Postgres {
		q = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'only_in_a'`
	}
	var n int
	if err := b.Read.NewRaw(q).Scan(ctx, &n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("a table created in one test's database shows in another's")
	}
}
