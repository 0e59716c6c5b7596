package migrations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Kind names the database engine behind a DB.
type Kind string

// The two supported engines.
const (
	SQLite   Kind = "sqlite"
	Postgres Kind = "postgres"
)

// DB is the application's database. Read serves queries; Write serves every
// transaction and change. On PostgreSQL both are the same pool. On SQLite,
// Write is a single connection, so that concurrent writers queue in Go instead
// of failing with "database is locked", and Read is a query-only pool that
// proceeds in parallel thanks to WAL.
type DB struct {
	Kind  Kind
	Read  *bun.DB
	Write *bun.DB
}

// Options tune how a database is opened.
type Options struct {
	// MaxOpenConns caps the PostgreSQL pool and the SQLite read pool (default 16).
	MaxOpenConns int
}

// Open connects to the database the DSN names: "postgres://…" or
// "postgresql://…" means PostgreSQL; a file path or a "file:" DSN means SQLite.
// For SQLite the folder is created when missing.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	if opts.MaxOpenConns <= 0 {
		opts.MaxOpenConns = 16
	}
	kind := KindOf(dsn)
	var db *DB
	var err error
	switch kind {
	case Postgres:
		db, err = openPostgres(dsn, opts)
	default:
		db, err = openSQLite(dsn, opts)
	}
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.Write.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", kind, err)
	}
	return db, nil
}

// KindOf tells which engine a DSN names.
func KindOf(dsn string) Kind {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

func openPostgres(dsn string, opts Options) (*DB, error) {
	dsn, err := withExecMode(dsn)
	if err != nil {
		return nil, err
	}
	sqldb, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	sqldb.SetMaxOpenConns(opts.MaxOpenConns)
	sqldb.SetMaxIdleConns(opts.MaxOpenConns)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	bdb := bun.NewDB(sqldb, pgdialect.New())
	return &DB{Kind: Postgres, Read: bdb, Write: bdb}, nil
}

// withExecMode makes pgx send each query in one round trip (extended
// protocol, unnamed statement) unless the DSN names another
// default_query_exec_mode. bun writes the arguments into the SQL text, so
// nearly every query text is new: pgx's default (cache_statement) prepared
// each one first – a second round trip per query – and evicted them again
// from its per-connection cache; a submission paid about a dozen extra
// round trips for that. Statements with real parameters that pay off as
// prepared statements (WriteBlob) ask for it per call.
func withExecMode(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("postgres DSN: %w", err)
	}
	q := u.Query()
	if q.Get("default_query_exec_mode") != "" {
		return dsn, nil
	}
	q.Set("default_query_exec_mode", "exec")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// sqlitePragmas are applied to every SQLite connection: WAL for concurrent
// readers, foreign keys on, a busy timeout instead of immediate "locked"
// errors, and synchronous=FULL so that a commit survives a power cut.
var sqlitePragmas = []string{
	"journal_mode(WAL)",
	"foreign_keys(1)",
	"busy_timeout(10000)",
	"synchronous(FULL)",
}

func openSQLite(dsn string, opts Options) (*DB, error) {
	path, query, err := splitSQLiteDSN(dsn)
	if err != nil {
		return nil, err
	}
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
	}
	build := func(extra ...string) string {
		q := url.Values{}
		for k, vs := range query {
			q[k] = append([]string(nil), vs...)
		}
		for _, p := range sqlitePragmas {
			q.Add("_pragma", p)
		}
		for _, p := range extra {
			q.Add("_pragma", p)
		}
		return "file:" + path + "?" + q.Encode()
	}
	writeDSN := build()
	// BEGIN IMMEDIATE takes the write lock at the start of a transaction, so a
	// transaction that reads before it writes cannot deadlock with another one.
	writeDSN += "&_txlock=immediate"
	wdb, err := sql.Open("sqlite", writeDSN)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	wdb.SetConnMaxIdleTime(0)
	// The writer must exist first: it switches the file to WAL mode.
	if _, err := wdb.Exec("SELECT 1"); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	rdb, err := sql.Open("sqlite", build("query_only(1)"))
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open sqlite %s for reading: %w", path, err)
	}
	rdb.SetMaxOpenConns(opts.MaxOpenConns)
	rdb.SetMaxIdleConns(opts.MaxOpenConns)
	rdb.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{
		Kind:  SQLite,
		Read:  bun.NewDB(rdb, sqlitedialect.New()),
		Write: bun.NewDB(wdb, sqlitedialect.New()),
	}, nil
}

// splitSQLiteDSN accepts "path/to/db.sqlite", "file:path?x=y" and
// "sqlite:path" and returns the path and any query parameters given.
func splitSQLiteDSN(dsn string) (string, url.Values, error) {
	s := strings.TrimPrefix(dsn, "sqlite:")
	s = strings.TrimPrefix(s, "file:")
	path, rawQuery, _ := strings.Cut(s, "?")
	if path == "" {
		return "", nil, errors.New("sqlite DSN names no file")
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", nil, fmt.Errorf("sqlite DSN query: %w", err)
	}
	q.Del("_pragma") // our pragmas are not negotiable
	return path, q, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.Write.Close()
	if db.Read != db.Write {
		err = errors.Join(err, db.Read.Close())
	}
	return err
}

// Ping checks that the database answers; /readyz uses it.
func (db *DB) Ping(ctx context.Context) error {
	return db.Write.PingContext(ctx)
}

// txState is the transaction a context carries, with the work to do once
// it commits.
type txState struct {
	tx          bun.Tx
	afterCommit []func()
	once        map[any]bool // keys of AfterCommitOnce already queued
}

type txKey struct{}

// Tx runs fn in a write transaction, committing when fn returns nil. When
// ctx already carries a transaction of this database (Tx called inside
// Tx), fn joins it: several store operations then commit or roll back
// together, as in Gitea's models/db.
func (db *DB) Tx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return fn(ctx, st.tx)
	}
	st := &txState{}
	err := db.Write.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		st.tx = tx
		return fn(context.WithValue(ctx, txKey{}, st), tx)
	})
	if err != nil {
		return err
	}
	for _, f := range st.afterCommit {
		f()
	}
	return nil
}

// AfterCommit runs f once the transaction ctx carries has committed, or at
// once when ctx carries none. It never runs after a rollback.
func AfterCommit(ctx context.Context, f func()) {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		st.afterCommit = append(st.afterCommit, f)
		return
	}
	f()
}

// AfterCommitOnce is AfterCommit for work that one run covers however often
// the transaction asks for it, such as reloading the access policy after
// a demo seed of eighteen tenants: asked again under the same key (a
// comparable value) within one transaction, it adds nothing.
func AfterCommitOnce(ctx context.Context, key any, f func()) {
	st, ok := ctx.Value(txKey{}).(*txState)
	if !ok {
		f()
		return
	}
	if st.once[key] {
		return
	}
	if st.once == nil {
		st.once = map[any]bool{}
	}
	st.once[key] = true
	st.afterCommit = append(st.afterCommit, f)
}
