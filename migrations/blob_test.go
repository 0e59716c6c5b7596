package migrations_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"testing"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
)

// A blob written with WriteBlob inside a transaction reads back byte for
// byte (zero bytes and all), also from a pooled handle; names that are no
// plain identifiers are refused before any SQL is built.
func TestWriteBlobBindsLargeValues(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	blobType := "BLOB"
	if db.Kind == migrations.Postgres {
		blobType = "BYTEA"
	}
	if _, err := db.Write.ExecContext(ctx, "CREATE TABLE blob_test (id TEXT PRIMARY KEY, data "+blobType+" NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 300<<10)
	_, _ = rand.Read(big[1:])
	err := db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO blob_test (id, data) VALUES ('a', ?), ('b', ?)", []byte{}, []byte{}); err != nil {
			return err
		}
		return migrations.WriteBlob(ctx, tx, "blob_test", "data", "id", "a", big)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := migrations.WriteBlob(ctx, db.Write, "blob_test", "data", "id", "b", []byte("klein")); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string][]byte{"a": big, "b": []byte("klein")} {
		var got []byte
		if err := db.Read.QueryRowContext(ctx, "SELECT data FROM blob_test WHERE id = ?", id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("blob %s: %d bytes back, want %d", id, len(got), len(want))
		}
	}
	for _, bad := range [][3]string{{"blob_test; DROP TABLE x", "data", "id"}, {"blob_test", "data = data", "id"}, {"blob_test", "data", "id OR 1=1"}} {
		if err := migrations.WriteBlob(ctx, db.Write, bad[0], bad[1], bad[2], "a", nil); err == nil {
			t.Errorf("WriteBlob accepted %q", bad)
		}
	}
}
