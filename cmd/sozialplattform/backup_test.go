package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/onboarding/delivery/deliverytest"
	"sozialplattform/portal/forms"
)

// backupDataKey is the data key of the backup tests' servers.
const backupDataKey = "backup:QUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUI="

// TestBackupDuringSubmissions is the backup test of issue 18: the server
// runs as a process of its own while two citizens submit HzL applications
// without pause; in the middle of it the database is saved from this
// process – on SQLite with `sozialplattform backup`, on PostgreSQL with
// pg_dump as the README says –; the server is stopped and the copy
// restored – with `sozialplattform restore` in place of the database, with
// pg_restore into a new database. The restored database holds every
// application whose receipt was issued before the backup began, its
// answers and documents open with the data key, and none of those
// submitted after the backup ended.
func TestBackupDuringSubmissions(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("backup test: a server process and steady submissions, about 10 s")
	}
	if testdb.Kind() == migrations.Postgres {
		for _, tool := range []string{"pg_dump", "pg_restore"} {
			if _, err := exec.LookPath(tool); err != nil && os.Getenv("CI") == "" {
				t.Skipf("%s is not installed", tool)
			}
		}
	}
	fit := deliverytest.NewFIT(t, deliverytest.FITOptions{})
	dsn := testdb.DSN(t)
	citizens := []string{"erika.sicherung@example.org", "max.sicherung@example.org"}
	seedCrashDatabase(t, dsn, backupDataKey, citizens, fitRoute(t, fit))

	serverEnv := map[string]string{
		"SOZIALPLATTFORM_DATA_KEY":                 backupDataKey,
		"SOZIALPLATTFORM_LOG_LEVEL":                "warn",
		"SOZIALPLATTFORM_FITCONNECT_URL":           fit.URL,
		"SOZIALPLATTFORM_FITCONNECT_TOKEN_URL":     fit.URL + "/token",
		"SOZIALPLATTFORM_FITCONNECT_CLIENT_ID":     fit.Env.SenderID,
		"SOZIALPLATTFORM_FITCONNECT_CLIENT_SECRET": fit.Env.SenderSecret,
		"SOZIALPLATTFORM_FITCONNECT_SCOPE":         fit.Env.SenderScope,
	}
	child := newChildProcess(t, []string{"serve", "--db", dsn}, serverEnv)
	t.Cleanup(func() {
		if err := child.stop(); err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("output of the server process:\n%s", child.tail(8000))
		}
	})
	if _, err := child.start(); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var counters crashCounters
	type receipt struct {
		crashReceipt
		submitted, received time.Time // submit started, receipt page read
	}
	var (
		mu       sync.Mutex
		receipts []receipt
		errs     []error
		wg       sync.WaitGroup
	)
	stop := make(chan struct{})
	for _, email := range citizens {
		b := newCitizenBrowser(child.base, "/landkreis-harz", newKillSwitch(), &counters)
		if err := b.login(ctx, email, "ein-sicheres-passwort"); err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				began := time.Now()
				rc, err := b.apply(ctx)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else if rc != nil {
					receipts = append(receipts, receipt{*rc, began, time.Now()})
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		if len(errs) > 0 {
			t.Errorf("the citizens' clients failed: %v", errs)
			return -1
		}
		return len(receipts)
	}
	waitFor := func(n int) {
		for deadline := time.Now().Add(time.Minute); count() < n; time.Sleep(20 * time.Millisecond) {
			if count() < 0 || time.Now().After(deadline) {
				close(stop)
				wg.Wait()
				t.Fatalf("%d receipts, waited for %d", count(), n)
			}
		}
	}

	waitFor(6)
	backupFile := filepath.Join(t.TempDir(), "sicherung")
	backupStarted := time.Now()
	out, err := saveDatabase(t, dsn, backupFile)
	backupEnded := time.Now()
	if err != nil {
		close(stop)
		wg.Wait()
		t.Fatalf("backup while serving: %v\n%s", err, out)
	}
	waitFor(count() + 3) // applications the backup must not have
	close(stop)
	wg.Wait()
	if count() < 0 {
		t.FailNow()
	}
	restoredDSN := restoreDatabase(t, child, dsn, backupFile)

	// The restored database, opened as the server would with the data key.
	restoreEnv := map[string]string{"SOZIALPLATTFORM_DB": restoredDSN, "SOZIALPLATTFORM_DATA_KEY": backupDataKey}
	// The restored database, opened as the server would with the data key.
	cfg := mustConfig(t, restoreEnv)
	a, err := newApp(ctx, cfg, newLogger(os.Stderr, "error"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	restored, err := applicationRows(a.db)
	if err != nil {
		t.Fatal(err)
	}
	inBackup := map[string]bool{}
	for _, r := range restored {
		inBackup[r.ID] = true
	}
	before, during, after := 0, 0, 0
	for _, rc := range receipts {
		switch {
		case rc.received.Before(backupStarted):
			before++
			if !inBackup[rc.ApplicationID] {
				t.Errorf("receipt %s (issued before the backup) is not in the restored database", rc.Reference)
				continue
			}
			if err := readable(ctx, a, rc.ApplicationID); err != nil {
				t.Errorf("receipt %s: %v", rc.Reference, err)
			}
		case rc.submitted.After(backupEnded):
			after++
			if inBackup[rc.ApplicationID] {
				t.Errorf("receipt %s, submitted after the backup, is in it: the restore did not replace the database", rc.Reference)
			}
		default:
			during++
		}
	}
	if before < 6 || after < 1 {
		t.Errorf("%d receipts before the backup, %d after: the test shows nothing", before, after)
	}
	st, _ := os.Stat(backupFile)
	t.Logf("%s: %d receipts: %d before the backup (all restored and readable), %d during, %d after; backup %s in %s",
		testdb.Kind(), len(receipts), before, during, after, byteSize(st.Size()), backupEnded.Sub(backupStarted).Round(time.Millisecond))
}

// saveDatabase saves the database dsn to file while the server runs: with
// `sozialplattform backup` on SQLite, with pg_dump on PostgreSQL.
func saveDatabase(t *testing.T, dsn, file string) (string, error) {
	t.Helper()
	if testdb.Kind() != migrations.Postgres {
		out, err := runCLI(t, map[string]string{"SOZIALPLATTFORM_DB": dsn}, "", "backup", "--to", file)
		if err == nil && (!strings.Contains(out, "Sicherung geschrieben") || !strings.Contains(out, "Datenschlüssel")) {
			t.Errorf("backup output: %q", out)
		}
		return out, err
	}
	base, schema := splitSearchPath(t, dsn)
	out, err := exec.Command("pg_dump", "--format=custom", "--schema="+schema, "--file="+file, base).CombinedOutput()
	return string(out), err
}

// restoreDatabase stops the server and restores file; it returns the DSN
// of the restored database. On SQLite `restore` replaces the database (and
// refuses first, while the server runs); on PostgreSQL pg_restore fills a
// new database, dropped when the test ends.
func restoreDatabase(t *testing.T, child *childProcess, dsn, file string) string {
	t.Helper()
	if testdb.Kind() != migrations.Postgres {
		env := map[string]string{"SOZIALPLATTFORM_DB": dsn, "SOZIALPLATTFORM_DATA_KEY": backupDataKey}
		if out, err := runCLI(t, env, "", "restore", "--from", file); err == nil || !strings.Contains(err.Error(), "another process") {
			t.Errorf("restore while the server runs: %v\n%s", err, out)
		}
		if err := child.stop(); err != nil {
			t.Fatal(err)
		}
		out, err := runCLI(t, env, "", "restore", "--from", file)
		if err != nil || !strings.Contains(out, "Wiederhergestellt") || !strings.Contains(out, ".before-restore-") {
			t.Fatalf("restore: %v\n%s", err, out)
		}
		if kept, _ := filepath.Glob(dsn + ".before-restore-*"); len(kept) == 0 {
			t.Error("the previous database was not kept")
		}
		return dsn
	}
	if err := child.stop(); err != nil {
		t.Fatal(err)
	}
	base, schema := splitSearchPath(t, dsn)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	name := "restore_" + strings.TrimPrefix(schema, "t_")
	admin, err := migrations.Open(context.Background(), base, migrations.Options{MaxOpenConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Write.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := migrations.Open(context.Background(), base, migrations.Options{MaxOpenConns: 1})
		if err == nil {
			a.Write.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") //nolint:errcheck
			a.Close()
		}
	})
	u.Path = "/" + name
	if out, err := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "--dbname="+u.String(), file).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// splitSearchPath splits a test DSN of PostgreSQL into the URL libpq
// understands and the schema its search_path names.
func splitSearchPath(t *testing.T, dsn string) (string, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	schema := q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	if schema == "" {
		t.Fatalf("%s names no schema", dsn)
	}
	return u.String(), schema
}

// readable opens an application's answers and its XSozial-basis document
// with the data keys of a, as the console does.
func readable(ctx context.Context, a *app, id string) error {
	d, err := a.forms.Details(ctx, id, "de")
	if err != nil {
		return fmt.Errorf("answers: %w", err)
	}
	if !strings.Contains(fmt.Sprint(d.Answers), "Erika") {
		return errors.New("answers: the applicant's name is missing")
	}
	_, xml, err := a.forms.Document(ctx, id, forms.DocXML, "")
	if err != nil {
		return fmt.Errorf("XML: %w", err)
	}
	if !strings.Contains(string(xml), "Muster") {
		return errors.New("XML: the applicant's name is missing")
	}
	return nil
}

// TestBackupRestoreRules: what backup and restore refuse, and how they
// treat schemas of other versions.
func TestBackupRestoreRules(t *testing.T) {
	t.Parallel()
	if testdb.Kind() == migrations.Postgres {
		t.Skip("PostgreSQL is saved with pg_dump (TestBackupPostgresExplains)")
	}
	dir := t.TempDir()
	dsn := filepath.Join(dir, "daten", "sozialplattform.sqlite")
	env := map[string]string{"SOZIALPLATTFORM_DB": dsn, "SOZIALPLATTFORM_DATA_KEY": backupDataKey}
	backup := filepath.Join(dir, "sicherung.sqlite")

	// Nothing to save yet: no empty database is made and saved.
	if _, err := runCLI(t, env, "", "backup", "--to", backup); err == nil {
		t.Error("backup of a database that does not exist succeeded")
	}
	if _, err := os.Stat(dsn); err == nil {
		t.Error("backup created the database it was to save")
	}
	if _, err := runCLI(t, env, "", "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI(t, env, "", "backup"); err == nil || !strings.Contains(err.Error(), "--to") {
		t.Errorf("backup without --to: %v", err)
	}
	if _, err := runCLI(t, env, "", "backup", "--to", dsn); err == nil {
		t.Error("backup onto the database itself succeeded")
	}
	if out, err := runCLI(t, env, "", "backup", "--to", backup); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	first, _ := os.ReadFile(backup)
	if _, err := runCLI(t, env, "", "backup", "--to", backup); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("second backup to the same file: %v", err)
	}
	if out, err := runCLI(t, env, "", "backup", "--to", backup, "--force"); err != nil {
		t.Errorf("backup --force: %v\n%s", err, out)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".sicherung.sqlite.tmp-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	if len(first) == 0 {
		t.Fatal("empty backup")
	}

	// Files restore refuses.
	notSQLite := filepath.Join(dir, "kein.sqlite")
	os.WriteFile(notSQLite, []byte("Dies ist keine Datenbank, sondern ein Brief an das Sozialamt."), 0o600)
	foreign := filepath.Join(dir, "fremd.sqlite")
	fdb, err := migrations.Open(context.Background(), foreign, migrations.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fdb.Write.Exec("CREATE TABLE notizen (text TEXT)"); err != nil {
		t.Fatal(err)
	}
	fdb.Close()
	newer := filepath.Join(dir, "neuer.sqlite")
	copyOf(t, backup, newer)
	execOn(t, newer, "INSERT INTO schema_migrations (name, group_id, migrated_at) VALUES ('9999', 99, CURRENT_TIMESTAMP)")
	otherKey := filepath.Join(dir, "anderer-schluessel.sqlite")
	copyOf(t, backup, otherKey)
	execOn(t, otherKey, `INSERT INTO draft_uploads (id, draft_id, field_id, file_name, content_type, size, sha256, key_id, dek, data, created_at)
		VALUES ('u1', 'd1', 'f', 'x.pdf', 'application/pdf', 1, '', 'fremd', x'00', x'00', CURRENT_TIMESTAMP)`)
	before, _ := os.ReadFile(dsn)
	for _, tt := range []struct {
		name, from, want string
	}{
		{"no --from", "", "--from"},
		{"missing file", filepath.Join(dir, "fehlt.sqlite"), "no such file"},
		{"not SQLite", notSQLite, "not a SQLite database"},
		{"another program's database", foreign, "not one of the Sozialplattform"},
		{"from a newer version", newer, "newer version"},
		{"sealed with another key", otherKey, "fremd"},
		{"the database itself", dsn, "the database itself"},
	} {
		args := []string{"restore"}
		if tt.from != "" {
			args = append(args, "--from", tt.from)
		}
		out, err := runCLI(t, env, "", args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error naming %q\n%s", tt.name, err, tt.want, out)
		}
	}
	if now, _ := os.ReadFile(dsn); string(now) != string(before) {
		t.Error("a refused restore changed the database")
	}
	if kept, _ := filepath.Glob(dsn + ".before-restore-*"); len(kept) > 0 {
		t.Errorf("a refused restore kept %v", kept)
	}
	// --force restores in spite of the unknown key, with a warning.
	if out, err := runCLI(t, env, "", "restore", "--from", otherKey, "--force"); err != nil || !strings.Contains(out, "Warnung") {
		t.Errorf("restore --force with another key: %v\n%s", err, out)
	}

	// An older schema is restored and migrated at the next start.
	older := filepath.Join(dir, "aelter.sqlite")
	if _, err := runCLI(t, env, "", "migrate", "down"); err != nil {
		t.Fatal(err)
	}
	if out, err := runCLI(t, env, "", "backup", "--to", older); err != nil {
		t.Fatalf("backup of the older schema: %v\n%s", err, out)
	}
	if _, err := runCLI(t, env, "", "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, env, "", "restore", "--from", older)
	if err != nil || !strings.Contains(out, "älteres Schema") {
		t.Fatalf("restore of an older schema: %v\n%s", err, out)
	}
	if out, err := runCLI(t, env, "", "migrate", "status"); err != nil || !strings.Contains(out, "ausstehend") {
		t.Errorf("status after restoring the older schema: %v\n%s", err, out)
	}
	if out, err := runCLI(t, env, "", "migrate", "up"); err != nil || !strings.Contains(out, "angewendet") {
		t.Errorf("migrate up after the restore: %v\n%s", err, out)
	}
	// Every restore kept the database it replaced.
	if kept, _ := filepath.Glob(dsn + ".before-restore-*"); len(kept) == 0 {
		t.Error("no previous database kept")
	}
}

// TestBackupPostgresExplains: on PostgreSQL both subcommands say how to
// use pg_dump and pg_restore and what to keep besides the database.
func TestBackupPostgresExplains(t *testing.T) {
	t.Parallel()
	env := map[string]string{"SOZIALPLATTFORM_DB": "postgres://sozialplattform@db.example/sozialplattform"}
	for _, args := range [][]string{{"backup", "--to", "x.dump"}, {"restore", "--from", "x.dump"}} {
		out, err := runCLI(t, env, "", args...)
		if !errors.Is(err, errPostgresBackup) {
			t.Errorf("%s: %v", args[0], err)
		}
		for _, want := range []string{"pg_dump", "pg_restore", "--data-key", "SAML", "FIT-Connect"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: the explanation lacks %q:\n%s", args[0], want, out)
			}
		}
	}
}

func copyOf(t *testing.T, src, dst string) {
	t.Helper()
	if err := copyFile(src, dst); err != nil {
		t.Fatal(err)
	}
}

// execOn runs a statement on the SQLite file at path, as a tool other
// than the platform would: without its pragmas (foreign keys off).
func execOn(t *testing.T, path, stmt string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}
