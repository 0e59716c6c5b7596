package migrations_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
)

// InsertBound writes several rows in one statement with every value bound
// by the driver – blobs with zero bytes, nil blobs as empty, booleans,
// numbers and times – and they read back as bun wrote them: a time
// inserted by bun and one inserted bound compare and sort alike. Names
// that are no plain identifiers and rows of the wrong length are refused
// before any SQL is built.
func TestInsertBoundBindsEveryValue(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	blob, ts, boolean := "BLOB", "TEXT", "INTEGER"
	if db.Kind == migrations.Postgres {
		blob, ts, boolean = "BYTEA", "TIMESTAMPTZ", "BOOLEAN"
	}
	if _, err := db.Write.ExecContext(ctx, "CREATE TABLE bound_test (id TEXT PRIMARY KEY, flag "+boolean+" NOT NULL, n BIGINT NOT NULL, data "+blob+" NOT NULL, at "+ts+" NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 200<<10)
	_, _ = rand.Read(big[1:])
	at := time.Date(2026, 12, 7, 4, 5, 6, 123456000, time.UTC)
	cols := []string{"id", "flag", "n", "data", "at"}
	err := db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return migrations.InsertBound(ctx, tx, "bound_test", cols,
			[]any{"a", true, int64(1) << 40, big, at},
			[]any{"b", false, int64(-7), []byte(nil), at.Add(time.Second)})
	})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		bun.BaseModel `bun:"table:bound_test"`
		ID            string    `bun:"id,pk"`
		Flag          bool      `bun:"flag"`
		N             int64     `bun:"n"`
		Data          []byte    `bun:"data"`
		At            time.Time `bun:"at"`
	}
	if _, err := db.Write.NewInsert().Model(&row{ID: "c", N: 3, Data: []byte("x"), At: at.Add(-time.Second)}).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	var got []row
	if err := db.Read.NewSelect().Model(&got).Where("at >= ?", at).OrderExpr("at").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "a" || got[1].ID != "b" {
		t.Fatalf("rows from %s on, by time: %+v", at, got)
	}
	if !got[0].Flag || got[0].N != 1<<40 || !bytes.Equal(got[0].Data, big) || !got[0].At.Equal(at) {
		t.Errorf("row a: flag %v, n %d, %d bytes, at %s", got[0].Flag, got[0].N, len(got[0].Data), got[0].At)
	}
	if got[1].Flag || got[1].N != -7 || len(got[1].Data) != 0 || !got[1].At.Equal(at.Add(time.Second)) {
		t.Errorf("row b: flag %v, n %d, %d bytes, at %s", got[1].Flag, got[1].N, len(got[1].Data), got[1].At)
	}
	for name, call := range map[string]func() error{
		"bad table": func() error {
			return migrations.InsertBound(ctx, db.Write, "bound_test; DROP TABLE x", cols, []any{"d", true, 1, nil, at})
		},
		"bad column": func() error {
			return migrations.InsertBound(ctx, db.Write, "bound_test", []string{"id", "n = n"}, []any{"d", 1})
		},
		"short row": func() error { return migrations.InsertBound(ctx, db.Write, "bound_test", cols, []any{"d", true}) },
	} {
		if err := call(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
