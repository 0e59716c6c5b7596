package migrations

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// WriteBlob stores data in column of the row of table whose keyColumn is
// key, with both values bound by the database driver. bun writes values
// into the SQL text, so a large []byte reaches the database as a hex
// literal that it first has to parse – for a submission's documents (the
// PDF, the XML with the PDF inside, the delivery payload: 100 KB and more)
// that parsing cost more than everything else the submission wrote. Insert
// the row with an empty value first, then call WriteBlob in the same
// transaction.
func WriteBlob(ctx context.Context, db bun.IDB, table, column, keyColumn, key string, data []byte) error {
	for _, name := range []string{table, column, keyColumn} {
		if !identifier.MatchString(name) {
			return fmt.Errorf("write blob: %q is no plain identifier", name)
		}
	}
	query := "UPDATE " + table + " SET " + column + " = ? WHERE " + keyColumn + " = ?"
	if db.Dialect().Name() == dialect.PG {
		query = "UPDATE " + table + " SET " + column + " = $1 WHERE " + keyColumn + " = $2"
	}
	if data == nil {
		data = []byte{}
	}
	args := []any{data, key}
	if db.Dialect().Name() == dialect.PG {
		// A prepared statement, so that the data go over in binary (the
		// pool's default mode, exec, would send them hex-encoded as text).
		args = []any{pgx.QueryExecModeCacheStatement, data, key}
	}
	var err error
	switch d := db.(type) {
	case bun.Tx:
		_, err = d.Tx.ExecContext(ctx, query, args...)
	case *bun.DB:
		_, err = d.DB.ExecContext(ctx, query, args...)
	case bun.Conn:
		_, err = d.Conn.ExecContext(ctx, query, args...)
	default:
		err = fmt.Errorf("unsupported handle %T", db)
	}
	if err != nil {
		return fmt.Errorf("write %s.%s of %s: %w", table, column, key, err)
	}
	return nil
}

var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// InsertBound inserts rows into table with every value bound by the
// database driver, in one statement – for rows that carry a blob. On
// PostgreSQL the statement is prepared once per connection and the values
// go over in binary: one round trip, where an insert with an empty blob
// and WriteBlob take two. Times are bound as bun would write them, so
// that SQLite stores the same text either way.
func InsertBound(ctx context.Context, db bun.IDB, table string, columns []string, rows ...[]any) error {
	for _, name := range append([]string{table}, columns...) {
		if !identifier.MatchString(name) {
			return fmt.Errorf("insert into %s: %q is no plain identifier", table, name)
		}
	}
	pg := db.Dialect().Name() == dialect.PG
	var q strings.Builder
	q.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
	args := make([]any, 0, 1+len(rows)*len(columns))
	if pg {
		args = append(args, pgx.QueryExecModeCacheStatement)
	}
	for i, row := range rows {
		if len(row) != len(columns) {
			return fmt.Errorf("insert into %s: row %d has %d values for %d columns", table, i, len(row), len(columns))
		}
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for j, v := range row {
			if j > 0 {
				q.WriteString(", ")
			}
			if pg {
				fmt.Fprintf(&q, "$%d", i*len(columns)+j+1)
			} else {
				q.WriteByte('?')
				if t, ok := v.(time.Time); ok {
					lit := db.Dialect().AppendTime(nil, t)
					v = strings.Trim(string(lit), "'")
				}
			}
			if b, ok := v.([]byte); ok && b == nil {
				v = []byte{}
			}
			args = append(args, v)
		}
		q.WriteByte(')')
	}
	var err error
	switch d := db.(type) {
	case bun.Tx:
		_, err = d.Tx.ExecContext(ctx, q.String(), args...)
	case *bun.DB:
		_, err = d.DB.ExecContext(ctx, q.String(), args...)
	case bun.Conn:
		_, err = d.Conn.ExecContext(ctx, q.String(), args...)
	default:
		err = fmt.Errorf("unsupported handle %T", db)
	}
	if err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	return nil
}
