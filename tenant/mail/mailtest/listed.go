package mailtest

import (
	"context"
	"testing"

	"sozialplattform/tenant/mail"
)

// Listed returns the mails the outbox lists to staff (mail.Outbox.List:
// newest first, up to 1000, never a citizen's) that keep picks, each in
// full (mail.Outbox.Get) – what a test sees through the console's eyes,
// where Stored reads the table as the recipient's mailbox would.
func Listed(t testing.TB, outbox *mail.Outbox, keep func(mail.Stored) bool) []mail.Stored {
	t.Helper()
	ctx := context.Background()
	all, err := outbox.List(ctx, mail.ListFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []mail.Stored
	for _, m := range all {
		if keep(m) {
			full, err := outbox.Get(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, full)
		}
	}
	return out
}

// OfTemplate picks the mails of one template (for Listed).
func OfTemplate(template string) func(mail.Stored) bool {
	return func(m mail.Stored) bool { return m.Template == template }
}
