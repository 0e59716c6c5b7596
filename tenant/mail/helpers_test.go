package mail_test

import (
	"context"
	"net"
	"testing"
	"time"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/mail/mailtest"
)

const testLink = "https://sozial.example.de/einladung/abc123"

func newOutbox(t *testing.T, db *migrations.DB) *mail.Outbox {
	t.Helper()
	o, err := mail.NewOutbox(db, mail.OutboxOptions{
		BaseURL:      "https://sozial.example.de",
		From:         "Sozialplattform <noreply@sozial.example.de>",
		PlatformName: "Sozialplattform Musterland",
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func invitation(to string) mail.Message {
	return mail.Message{
		To:       to,
		Template: mail.TemplateInvitation,
		Data: mail.InvitationData{
			InviterName: "Erika Mustermann",
			TenantName:  "Landkreis Musterstadt",
			RoleLabel:   "Sachbearbeitung",
			Link:        testLink,
			ExpiresAt:   time.Now().Add(72 * time.Hour),
		},
	}
}

// enqueue stores m outside any transaction and returns its ID.
func enqueue(t *testing.T, db *migrations.DB, o *mail.Outbox, m mail.Message) string {
	t.Helper()
	ctx := context.Background()
	if err := o.Enqueue(ctx, db.Write, m); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := db.Read.NewSelect().Model((*mail.Stored)(nil)).Column("id").
		Where("to_addr = ?", m.To).OrderExpr("created_at DESC, id DESC").Limit(1).Scan(ctx, &id); err != nil {
		t.Fatal(err)
	}
	return id
}

func get(t *testing.T, o *mail.Outbox, id string) mail.Stored {
	t.Helper()
	m, err := o.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// makeDue moves a message's next attempt into the past, as if its backoff
// had passed.
func makeDue(t *testing.T, db *migrations.DB, id string) {
	t.Helper()
	if _, err := db.Write.NewUpdate().Model((*mail.Stored)(nil)).
		Set("next_attempt_at = ?", time.Now().UTC().Add(-time.Second)).
		Where("id = ?", id).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func smtpConfig(s *mailtest.Server) mail.SMTPConfig {
	host, port := s.Addr()
	return mail.SMTPConfig{Host: host, Port: port, TLS: mail.TLSNone, From: "bounces@sozial.example.de"}
}

// closedPort returns a loopback port nobody listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func addTenant(t *testing.T, db *migrations.DB, id string) {
	t.Helper()
	now := time.Now().UTC()
	if _, err := db.Write.ExecContext(context.Background(),
		"INSERT INTO tenants (id, kind, name, slug, created_at, updated_at) VALUES (?, 'land', ?, ?, ?, ?)",
		id, "Tenant "+id, id, now, now); err != nil {
		t.Fatal(err)
	}
}

func newDB(t *testing.T) *migrations.DB { return testdb.New(t) }
