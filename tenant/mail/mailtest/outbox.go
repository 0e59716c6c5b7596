package mailtest

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"sozialplattform/tenant/mail"
)

// Stored returns the messages of one template in the outbox, oldest first,
// with their full bodies – also the mails to citizens, which the outbox
// never hands to staff (mail.Outbox.List and Get). It reads the table
// directly, as a test that plays the recipient's mailbox must.
func Stored(t testing.TB, db bun.IDB, template string) []mail.Stored {
	t.Helper()
	var out []mail.Stored
	if err := db.NewSelect().Model(&out).Where("template = ?", template).OrderExpr("created_at, id").
		Scan(context.Background()); err != nil {
		t.Fatalf("mails %s: %v", template, err)
	}
	return out
}
