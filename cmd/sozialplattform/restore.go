package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sozialplattform/migrations"
	"sozialplattform/tenant/envelope"
)

// restoreCmd puts a backup in place of the SQLite database: after checking
// that no server has the database open, that the backup is an intact
// database of this platform whose schema this version knows, and that the
// configured data key opens its applications. The database it replaces is
// kept as <name>.before-restore-<time>, with its WAL files.
func restoreCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := fileFlag{name: "from", help: "Sicherung, die wiederhergestellt wird", missing: "--from names the backup to restore",
		force: "auch wiederherstellen, wenn der Datenschlüssel die Anträge der Sicherung nicht öffnet"}
	a, err := sqliteFileArgs("restore", args, getenv, stderr, flags)
	if err != nil {
		return err
	}
	cfg, target, from, force := a.cfg, a.db, a.file, a.force
	inUse, err := migrations.SQLiteInUse(target)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if inUse {
		return fmt.Errorf("restore: %s is open in another process – stop the server first (systemctl stop sozialplattform, or end `serve`)", target)
	}

	info, err := migrations.InspectSQLite(ctx, from)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if len(info.Unknown) > 0 {
		return fmt.Errorf("restore: %s comes from a newer version of the program (migrations %s unknown to this one); restore it with that version",
			from, strings.Join(info.Unknown, ", "))
	}
	if missing, err := missingKeys(cfg, target, info.KeyIDs); err != nil {
		return fmt.Errorf("restore: %w", err)
	} else if len(missing) > 0 {
		msg := fmt.Sprintf("the applications in %s were sealed with data keys %s, which the configured key (--data-key, or the file data-key beside the database) lacks: "+
			"they could not be read", from, strings.Join(missing, ", "))
		if !force {
			return fmt.Errorf("restore: %s; configure the key of the backup, or add --force to restore anyway", msg)
		}
		fmt.Fprintf(stderr, "Warnung: %s.\n", msg)
	}

	kept, err := replaceDatabase(from, target, time.Now())
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "Wiederhergestellt: %s aus %s (Schema %s)\n", target, from, lastOf(info.Applied))
	if kept != "" {
		fmt.Fprintf(stdout, "Die bisherige Datenbank liegt unter %s.\n", kept)
	}
	if len(info.Pending) > 0 {
		fmt.Fprintf(stdout, "Die Sicherung hat ein älteres Schema; der nächste Start (oder `migrate up`) wendet %s an.\n", strings.Join(info.Pending, ", "))
	}
	return nil
}

// missingKeys returns the key IDs of the backup that the configured
// keyring lacks. Without --data-key the keyring is the development key
// file beside the target database; when it does not exist, every ID is
// missing.
func missingKeys(cfg *config, target string, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	spec := cfg.Apps.DataKey
	if spec == "" {
		raw, err := os.ReadFile(filepath.Join(filepath.Dir(target), "data-key"))
		if errors.Is(err, fs.ErrNotExist) {
			return ids, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read the data key: %w", err)
		}
		spec = string(raw)
	}
	kr, err := envelope.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	have := kr.IDs()
	var missing []string
	for _, id := range ids {
		if !slices.Contains(have, id) {
			missing = append(missing, id)
		}
	}
	return missing, nil
}

// replaceDatabase puts a copy of backup at target and returns where the
// database it replaced is kept ("" when there was none). The copy is made
// under a temporary name beside target and renamed over it, so target is
// at every moment either the old database or the whole new one. The old
// one stays as <target>.before-restore-<UTC time> (a hard link, or a copy
// where links are not possible), together with its -wal and -shm files: a
// WAL left by a server that was killed belongs to the old database and
// must not be applied to the restored one.
func replaceDatabase(backup, target string, now time.Time) (kept string, err error) {
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	tmp, err := tempName(target)
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp) // gone after the rename; left over only after a failure
	if err := copyFile(backup, tmp); err != nil {
		return "", err
	}
	if _, err := os.Stat(target); err == nil {
		kept = target + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		for i := 2; fileExists(kept); i++ { // a second restore within the second
			kept = fmt.Sprintf("%s.before-restore-%s-%d", target, now.UTC().Format("20060102T150405Z"), i)
		}
		if err := os.Link(target, kept); err != nil {
			if err := copyFile(target, kept); err != nil {
				return "", fmt.Errorf("keep the previous database: %w", err)
			}
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.Rename(target+suffix, kept+suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return "", fmt.Errorf("keep the previous database's %s file: %w", suffix, err)
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if err := os.Rename(tmp, target); err != nil {
		return "", err
	}
	return kept, syncDir(dir)
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// copyFile copies src to dst (which must not exist) and flushes it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
