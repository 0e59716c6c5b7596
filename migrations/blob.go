package migrations

import (
	"context"
	"fmt"
	"regexp"

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
	var err error
	switch d := db.(type) {
	case bun.Tx:
		_, err = d.Tx.ExecContext(ctx, query, data, key)
	case *bun.DB:
		_, err = d.DB.ExecContext(ctx, query, data, key)
	case bun.Conn:
		_, err = d.Conn.ExecContext(ctx, query, data, key)
	default:
		err = fmt.Errorf("unsupported handle %T", db)
	}
	if err != nil {
		return fmt.Errorf("write %s.%s of %s: %w", table, column, key, err)
	}
	return nil
}

var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
