package migrations

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
)

// BackupSQLite writes a consistent copy of the SQLite database db to path,
// which must not exist, with VACUUM INTO: one read transaction, so the copy
// is the state of one moment even while a server – in this process or
// another – goes on writing (WAL lets it). The copy is compacted and in
// rollback-journal mode, a single self-contained file. It runs on the write
// connection: the read pool is query-only, which VACUUM INTO refuses.
func BackupSQLite(ctx context.Context, db *DB, path string) error {
	if db.Kind != SQLite {
		return fmt.Errorf("backup: VACUUM INTO is for SQLite; this is %s", db.Kind)
	}
	if _, err := db.Write.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// SQLitePath returns the file a SQLite DSN names ("data/x.sqlite",
// "file:data/x.sqlite?…", "sqlite:…").
func SQLitePath(dsn string) (string, error) {
	if KindOf(dsn) != SQLite {
		return "", errors.New("not a SQLite DSN")
	}
	p, _, err := splitSQLiteDSN(dsn)
	if err != nil {
		return "", err
	}
	if p == ":memory:" {
		return "", errors.New("an in-memory database has no file")
	}
	return p, nil
}

// Names lists the embedded migrations, oldest first ("0001", "0002", …):
// the schema this program writes.
func Names() ([]string, error) {
	list, err := steps()
	if err != nil {
		return nil, err
	}
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = s.name
	}
	return names, nil
}

// sqliteMagic opens every SQLite 3 database file.
const sqliteMagic = "SQLite format 3\x00"

// SQLiteFile is what InspectSQLite found in a database file.
type SQLiteFile struct {
	// Applied lists the migrations recorded in the file, oldest first.
	Applied []string
	// Unknown lists the applied migrations this program does not have: the
	// file comes from a newer version.
	Unknown []string
	// Pending lists this program's migrations the file lacks: an older
	// version wrote it, and the next start migrates it.
	Pending []string
	// KeyIDs lists the data keys (envelope KEK IDs) that sealed its
	// application data; they must be in the keyring to read them.
	KeyIDs []string
}

// InspectSQLite checks that path is an intact SQLite database of this
// platform – the file header, SQLite's quick_check and the migration
// table – without changing it (it is opened read-only and immutable), and
// reports its schema against this program's migrations. A file with a
// write-ahead log beside it is refused: it is not a self-contained copy.
func InspectSQLite(ctx context.Context, path string) (*SQLiteFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	head := make([]byte, len(sqliteMagic))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || !bytes.Equal(head, []byte(sqliteMagic)) {
		return nil, fmt.Errorf("%s is not a SQLite database", path)
	}
	// Opened immutable, SQLite would not see what a WAL beside the file
	// holds: such a file is a live database, or was copied while open.
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
		return nil, fmt.Errorf("%s has a write-ahead log (%s-wal) beside it: it is open in a server, or a copy of an open database; "+
			"save a consistent copy with `sozialplattform backup`", path, path)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("immutable", "1")
	conn, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	var check string
	if err := conn.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		return nil, fmt.Errorf("check %s: %w", path, err)
	}
	if check != "ok" {
		return nil, fmt.Errorf("%s is damaged: %s", path, check)
	}
	var tables int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").Scan(&tables); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if tables == 0 {
		return nil, fmt.Errorf("%s is a SQLite database, but not one of the Sozialplattform (no schema_migrations table)", path)
	}
	info := &SQLiteFile{}
	rows, err := conn.QueryContext(ctx, "SELECT name FROM schema_migrations ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("read migrations of %s: %w", path, err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read migrations of %s: %w", path, err)
		}
		info.Applied = append(info.Applied, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read migrations of %s: %w", path, err)
	}
	known, err := Names()
	if err != nil {
		return nil, err
	}
	info.Unknown, info.Pending = diffNames(info.Applied, known)
	if info.KeyIDs, err = sealedKeyIDs(ctx, conn); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return info, nil
}

// diffNames returns the names only in have and those only in want.
func diffNames(have, want []string) (onlyHave, onlyWant []string) {
	for _, n := range have {
		if !slices.Contains(want, n) {
			onlyHave = append(onlyHave, n)
		}
	}
	for _, n := range want {
		if !slices.Contains(have, n) {
			onlyWant = append(onlyWant, n)
		}
	}
	return onlyHave, onlyWant
}

// sealedKeyIDs lists the distinct key IDs of the tables that hold sealed
// application data, those of the tables the file has.
func sealedKeyIDs(ctx context.Context, conn *sql.DB) ([]string, error) {
	var parts []string
	for _, table := range []string{"application_drafts", "draft_uploads", "applications", "application_documents"} {
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", table).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			parts = append(parts, "SELECT key_id FROM "+table+" WHERE key_id <> ''")
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	rows, err := conn.QueryContext(ctx, "SELECT DISTINCT key_id FROM ("+strings.Join(parts, " UNION ")+") ORDER BY key_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
