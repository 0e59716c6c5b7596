package migrations

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestBackupSQLite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "live.sqlite")
	db, err := Open(ctx, src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := NewMigrator(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	// A read transaction stays open on another connection, as a busy
	// server's would; the copy does not wait for it and is complete.
	tx, err := db.Read.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(dir, "copy.sqlite")
	if err := BackupSQLite(ctx, db, out); err != nil {
		t.Fatal(err)
	}
	if err := BackupSQLite(ctx, db, out); err == nil {
		t.Error("VACUUM INTO overwrote an existing file")
	}
	info, err := InspectSQLite(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	names, err := Names()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(info.Applied, names) || len(info.Unknown) != 0 || len(info.Pending) != 0 || len(info.KeyIDs) != 0 {
		t.Errorf("inspected copy: %+v, want applied %v", info, names)
	}

	// The live file is no backup: part of it is in its WAL. Closed, the
	// WAL is folded in, and the file (still in WAL mode) is whole.
	if _, err := InspectSQLite(ctx, src); err == nil {
		t.Error("a database open in a server passed as a backup")
	}
	tx.Rollback()
	db.Close()
	if info, err := InspectSQLite(ctx, src); err != nil || !slices.Equal(info.Applied, names) {
		t.Errorf("inspect a closed WAL-mode database: %+v, %v", info, err)
	}
	// A damaged copy is recognised.
	raw, _ := os.ReadFile(out)
	for i := 4096; i < len(raw) && i < 4096*6; i++ {
		raw[i] ^= 0x5a
	}
	broken := filepath.Join(dir, "broken.sqlite")
	os.WriteFile(broken, raw, 0o600)
	if _, err := InspectSQLite(ctx, broken); err == nil {
		t.Error("a damaged copy passed the check")
	}
}

func TestSQLitePath(t *testing.T) {
	t.Parallel()
	for dsn, want := range map[string]string{
		"data/sozialplattform.sqlite":              "data/sozialplattform.sqlite",
		"file:data/x.sqlite?cache=shared":          "data/x.sqlite",
		"sqlite:/var/lib/sozialplattform/x.sqlite": "/var/lib/sozialplattform/x.sqlite",
		"postgres://u@h/db":                        "",
		":memory:":                                 "",
		"file::memory:?cache=shared":               "",
		"":                                         "",
	} {
		got, err := SQLitePath(dsn)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("SQLitePath(%q) = %q, %v; want %q", dsn, got, err, want)
		}
	}
}

func TestDiffNames(t *testing.T) {
	t.Parallel()
	have, want := []string{"0001", "0002", "0099"}, []string{"0001", "0002", "0003"}
	onlyHave, onlyWant := diffNames(have, want)
	if !slices.Equal(onlyHave, []string{"0099"}) || !slices.Equal(onlyWant, []string{"0003"}) {
		t.Errorf("diffNames = %v, %v", onlyHave, onlyWant)
	}
}
