package migrations

import (
	"database/sql/driver"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Error classes of the two engines, told apart by the engine's error code
// rather than by its message: messages change between versions and
// locales (PostgreSQL translates them with lc_messages), codes do not.

// IsUniqueViolation reports whether err, anywhere in its chain, is a
// violated unique constraint or primary key on either engine – the row
// another request inserted a moment earlier.
func IsUniqueViolation(err error) bool {
	return sqliteUniqueViolation(err) || postgresUniqueViolation(err)
}

// sqliteUniqueViolation is SQLite's extended result code
// SQLITE_CONSTRAINT_UNIQUE (2067) or SQLITE_CONSTRAINT_PRIMARYKEY (1555).
func sqliteUniqueViolation(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// postgresUniqueViolation is PostgreSQL's SQLSTATE 23505 unique_violation
// (which also covers primary keys).
func postgresUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == pgUniqueViolation
}

const pgUniqueViolation = "23505"

// IsTransient reports whether err is a short-lived conflict worth running
// the transaction again for: SQLite busy or locked beyond the busy timeout,
// a PostgreSQL serialization failure (40001) or deadlock (40P01).
func IsTransient(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // the primary result code
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// IsUnavailable reports whether err means that the database cannot serve
// the request right now – unreachable, shutting down, or (SQLite) locked
// beyond the busy timeout – as opposed to a bug or bad input, so that a
// client may retry.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var netErr net.Error
	if errors.Is(err, driver.ErrBadConn) || errors.As(err, &netErr) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // the primary result code
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08 connection exception, class 57P operator intervention
		// (admin shutdown, crash shutdown, cannot connect now).
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P")
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	// pgx reports a connection that broke mid-query without a typed error.
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "server closed the connection")
}
