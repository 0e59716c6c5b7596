package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sozialplattform/migrations"
)

// postgresBackupHelp says how a PostgreSQL database is saved and restored:
// with PostgreSQL's own tools, which know its snapshots, roles and
// extensions better than any copy the program could make.
const postgresBackupHelp = `Die Datenbank ist PostgreSQL: sichern und wiederherstellen Sie sie mit den Werkzeugen von PostgreSQL, z. B.
  pg_dump --format=custom --file=sozialplattform.dump "$DATABASE_URL"     (konsistent, während der Server läuft)
  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" sozialplattform.dump   (Server vorher anhalten)
Sichern Sie außerdem getrennt von der Datenbank: den Datenschlüssel (--data-key), die SAML-Schlüssel
(--saml-key, --saml-cert) und die Zugangsdaten für FIT-Connect und XTA2 (siehe README, Abschnitt „Sicherung“).`

// errPostgresBackup ends backup and restore on PostgreSQL, after the help
// above went to stderr.
var errPostgresBackup = errors.New("backup and restore of PostgreSQL are done with pg_dump and pg_restore")

// fileFlag is the file flag of backup or restore (--to, --from) and what
// their --force means there.
type fileFlag struct {
	name, help string
	missing    string // the error when the flag is not given
	force      string // the help of --force
}

// sqliteFile is what backup and restore work on.
type sqliteFile struct {
	cfg   *config
	db    string // the SQLite database's path
	file  string // the file the file flag names
	force bool
}

// sqliteFileArgs reads the arguments of backup and restore, the two
// commands that work on the SQLite database file itself, so that both
// refuse alike: a PostgreSQL database (with the help above on stderr),
// stray arguments, a missing file flag and a file that is the database
// itself.
func sqliteFileArgs(name string, args []string, getenv func(string) string, stderr io.Writer, f fileFlag) (sqliteFile, error) {
	var a sqliteFile
	cfg, rest, err := parseConfig(name, args, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&a.file, f.name, "", f.help)
		fs.BoolVar(&a.force, "force", false, f.force)
	})
	if err != nil {
		return a, err
	}
	if len(rest) > 0 {
		return a, fmt.Errorf("%s: unexpected arguments %q", name, rest)
	}
	if migrations.KindOf(cfg.DB) == migrations.Postgres {
		fmt.Fprintln(stderr, postgresBackupHelp)
		return a, errPostgresBackup
	}
	if a.file == "" {
		return a, errors.New(name + ": " + f.missing)
	}
	db, err := migrations.SQLitePath(cfg.DB)
	if err != nil {
		return a, fmt.Errorf("%s: --db: %w", name, err)
	}
	if same, err := sameFile(a.file, db); err == nil && same {
		return a, fmt.Errorf("%s: %s is the database itself", name, a.file)
	}
	a.cfg, a.db = cfg, db
	return a, nil
}

// backupCmd writes a consistent copy of the SQLite database to --to while a
// server may go on serving from it, in this or another process.
func backupCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	a, err := sqliteFileArgs("backup", args, getenv, stderr, fileFlag{name: "to", help: "Datei, in die gesichert wird",
		missing: "--to names the file to write (for example --to sicherung-2026-12-06.sqlite)", force: "eine vorhandene Datei ersetzen"})
	if err != nil {
		return err
	}
	cfg, src, to, force := a.cfg, a.db, a.file, a.force
	if _, err := os.Stat(src); err != nil {
		// Opening would create an empty database and save that.
		return fmt.Errorf("backup: database %s: %w", src, err)
	}
	if _, err := os.Stat(to); err == nil && !force {
		return fmt.Errorf("backup: %s exists; choose another name or add --force to replace it", to)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}

	started := time.Now()
	db, err := migrations.Open(ctx, cfg.DB, migrations.Options{MaxOpenConns: 1})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	// VACUUM INTO writes a new file only: into a temporary name in the
	// target's folder, renamed once it is complete and checked, so that
	// --to never names half a backup.
	tmp, err := tempName(to)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp) // gone after the rename; left over only after a failure
	if err := migrations.BackupSQLite(ctx, db, tmp); err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	info, err := migrations.InspectSQLite(ctx, tmp)
	if err != nil {
		return fmt.Errorf("backup: the copy does not check out: %w", err)
	}
	if err := os.Rename(tmp, to); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := syncDir(filepath.Dir(to)); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	st, err := os.Stat(to)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "Sicherung geschrieben: %s (%s, Schema %s, %s)\n", to, byteSize(st.Size()), lastOf(info.Applied),
		time.Since(started).Round(time.Millisecond))
	fmt.Fprintln(stdout, "Den Datenschlüssel getrennt davon sichern: ohne ihn sind die Anträge in der Sicherung nicht lesbar "+
		"(--data-key, ohne die Option die Datei data-key neben der Datenbank).")
	return nil
}

// tempName returns an unused name beside path.
func tempName(path string) (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-"+hex.EncodeToString(b)), nil
}

// sameFile reports whether a and b name the same existing file.
func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// syncFile flushes a file's content to the disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir flushes a folder's entries (a rename in it) to the disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// lastOf names a schema by its last migration.
func lastOf(names []string) string {
	if len(names) == 0 {
		return "leer"
	}
	return names[len(names)-1]
}

// byteSize writes a size the German way: "12,3 MB".
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return strings.Replace(fmt.Sprintf("%.1f GB", float64(n)/(1<<30)), ".", ",", 1)
	case n >= 1<<20:
		return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/(1<<20)), ".", ",", 1)
	case n >= 1<<10:
		return strings.Replace(fmt.Sprintf("%.1f KB", float64(n)/(1<<10)), ".", ",", 1)
	}
	return fmt.Sprintf("%d Byte", n)
}
