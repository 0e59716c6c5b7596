package mail_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/mail/mailtest"
)

func sendDue(t *testing.T, s *mail.Sender) (sent, failed int) {
	t.Helper()
	sent, failed, err := s.SendDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sent, failed
}

func TestSenderDeliversAnInvitation(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	o := newOutbox(t, db)
	server := mailtest.NewServer(t)
	id := enqueue(t, db, o, invitation("anna.beispiel@example.org"))

	sent, failed := sendDue(t, mail.NewSender(db, smtpConfig(server), nil))
	if sent != 1 || failed != 0 {
		t.Fatalf("sent %d, failed %d", sent, failed)
	}
	got := server.WaitFor(t, 1, 5*time.Second)[0]
	if len(got.To) != 1 || got.To[0] != "anna.beispiel@example.org" {
		t.Errorf("envelope recipients %v", got.To)
	}
	if got.From != "bounces@sozial.example.de" {
		t.Errorf("envelope sender %q", got.From)
	}
	checks := []struct{ what, got, want string }{
		{"To", got.Header.Get("To"), "<anna.beispiel@example.org>"},
		{"From", got.Header.Get("From"), `"Sozialplattform" <noreply@sozial.example.de>`},
		{"Subject", got.Subject, "Einladung zu Sozialplattform Musterland: Landkreis Musterstadt"},
		{"Message-ID", got.Header.Get("Message-ID"), "<" + id + "@sozial.example.de>"},
		{"Auto-Submitted", got.Header.Get("Auto-Submitted"), "auto-generated"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if _, err := got.Header.Date(); err != nil {
		t.Errorf("Date header: %v", err)
	}
	if !strings.HasPrefix(got.Header.Get("Content-Type"), "multipart/alternative") {
		t.Errorf("Content-Type %q, want multipart/alternative", got.Header.Get("Content-Type"))
	}
	if !strings.Contains(got.TextBody, "Erika Mustermann lädt Sie ein") || !strings.Contains(got.TextBody, testLink) {
		t.Errorf("text part lacks the invitation or the link:\n%s", got.TextBody)
	}
	if !strings.Contains(got.HTMLBody, `href="`+testLink+`"`) || !strings.Contains(got.HTMLBody, "<strong>Landkreis Musterstadt</strong>") {
		t.Errorf("HTML part lacks the link or the tenant:\n%s", got.HTMLBody)
	}

	m := get(t, o, id)
	if m.Status != mail.StatusSent || m.SentAt == nil || m.LeaseUntil != nil || m.LastError != "" {
		t.Errorf("after delivery: status %s, sent %v, lease %v, error %q", m.Status, m.SentAt, m.LeaseUntil, m.LastError)
	}
	if sent, _ := sendDue(t, mail.NewSender(db, smtpConfig(server), nil)); sent != 0 {
		t.Error("a sent message was sent again")
	}
	if err := o.Retry(context.Background(), id); !errors.Is(err, mail.ErrAlreadySent) {
		t.Errorf("retry of a sent message: %v, want ErrAlreadySent", err)
	}
}

func TestSenderAuthenticates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		password string
		wantSent bool
	}{
		{"right password", "geheim", true},
		{"wrong password", "falsch", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newDB(t)
			o := newOutbox(t, db)
			server := mailtest.NewServer(t, mailtest.WithAuth("postausgang", "geheim"))
			id := enqueue(t, db, o, invitation("a@example.org"))
			cfg := smtpConfig(server)
			cfg.Username, cfg.Password = "postausgang", tt.password
			sent, _ := sendDue(t, mail.NewSender(db, cfg, nil))
			if got := sent == 1; got != tt.wantSent {
				t.Fatalf("sent = %v, want %v (last error %q)", got, tt.wantSent, get(t, o, id).LastError)
			}
			if !tt.wantSent && !strings.Contains(get(t, o, id).LastError, "AUTH") {
				t.Errorf("last error %q does not name the authentication", get(t, o, id).LastError)
			}
		})
	}
}

func TestSenderDoesNothingWithoutSMTP(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	o := newOutbox(t, db)
	id := enqueue(t, db, o, invitation("a@example.org"))
	cfg := mail.SMTPConfig{}
	if cfg.Enabled() {
		t.Fatal("empty config is enabled")
	}
	if sent, failed := sendDue(t, mail.NewSender(db, cfg, nil)); sent != 0 || failed != 0 {
		t.Errorf("sent %d, failed %d", sent, failed)
	}
	if m := get(t, o, id); m.Status != mail.StatusQueued || m.Attempts != 0 {
		t.Errorf("status %s, attempts %d", m.Status, m.Attempts)
	}
}

func TestSenderRetriesWhenTheServerIsDown(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	o := newOutbox(t, db)
	id := enqueue(t, db, o, invitation("a@example.org"))
	down := mail.SMTPConfig{Host: "127.0.0.1", Port: closedPort(t), TLS: mail.TLSNone, From: "bounces@sozial.example.de"}

	before := time.Now()
	if sent, failed := sendDue(t, mail.NewSender(db, down, nil)); sent != 0 || failed != 1 {
		t.Fatalf("server down: sent %d, failed %d", sent, failed)
	}
	m := get(t, o, id)
	if m.Status != mail.StatusQueued || m.Attempts != 1 || m.LastError == "" || m.LeaseUntil != nil {
		t.Errorf("after a failed attempt: status %s, attempts %d, error %q, lease %v", m.Status, m.Attempts, m.LastError, m.LeaseUntil)
	}
	if wait := m.NextAttemptAt.Sub(before); wait < 40*time.Second || wait > 80*time.Second {
		t.Errorf("next attempt in %s, want about a minute", wait)
	}

	server := mailtest.NewServer(t)
	up := mail.NewSender(db, smtpConfig(server), nil)
	if sent, failed := sendDue(t, up); sent != 0 || failed != 0 {
		t.Fatalf("before the backoff passed: sent %d, failed %d", sent, failed)
	}
	makeDue(t, db, id)
	if sent, failed := sendDue(t, up); sent != 1 || failed != 0 {
		t.Fatalf("after the backoff: sent %d, failed %d", sent, failed)
	}
	server.WaitFor(t, 1, 5*time.Second)
	if m := get(t, o, id); m.Status != mail.StatusSent || m.LastError != "" {
		t.Errorf("status %s, error %q", m.Status, m.LastError)
	}
}

func TestSenderGivesUpAfterEightAttemptsAndRetryRequeues(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	o := newOutbox(t, db)
	id := enqueue(t, db, o, invitation("a@example.org"))
	down := mail.NewSender(db, mail.SMTPConfig{Host: "127.0.0.1", Port: closedPort(t), TLS: mail.TLSNone, From: "x@example.org"}, nil)
	for attempt := 1; attempt <= 8; attempt++ {
		makeDue(t, db, id)
		if _, failed := sendDue(t, down); failed != 1 {
			t.Fatalf("attempt %d: failed %d", attempt, failed)
		}
		m := get(t, o, id)
		want := mail.StatusQueued
		if attempt == 8 {
			want = mail.StatusFailed
		}
		if m.Status != want || m.Attempts != attempt {
			t.Fatalf("after attempt %d: status %s, attempts %d", attempt, m.Status, m.Attempts)
		}
	}
	makeDue(t, db, id)
	if _, failed := sendDue(t, down); failed != 0 {
		t.Fatal("a failed message was tried again")
	}

	if err := o.Retry(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if m := get(t, o, id); m.Status != mail.StatusQueued || m.Attempts != 0 || m.NextAttemptAt.After(time.Now()) {
		t.Errorf("after retry: status %s, attempts %d, next %s", m.Status, m.Attempts, m.NextAttemptAt)
	}
	server := mailtest.NewServer(t)
	if sent, _ := sendDue(t, mail.NewSender(db, smtpConfig(server), nil)); sent != 1 {
		t.Error("retried message not sent")
	}
}

func TestSenderRequiresSTARTTLSByDefault(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	o := newOutbox(t, db)
	server := mailtest.NewServer(t) // offers no STARTTLS
	id := enqueue(t, db, o, invitation("a@example.org"))
	cfg := smtpConfig(server)
	cfg.TLS = "" // the default: starttls
	if sent, failed := sendDue(t, mail.NewSender(db, cfg, nil)); sent != 0 || failed != 1 {
		t.Fatalf("sent %d, failed %d", sent, failed)
	}
	if got := len(server.Messages()); got != 0 {
		t.Errorf("%d messages went out without TLS", got)
	}
	if m := get(t, o, id); !strings.Contains(m.LastError, "STARTTLS") {
		t.Errorf("last error %q does not name STARTTLS", m.LastError)
	}
}

func TestSenderTakesOverAnExpiredLease(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	o := newOutbox(t, db)
	server := mailtest.NewServer(t)
	held := enqueue(t, db, o, invitation("held@example.org"))
	expired := enqueue(t, db, o, invitation("expired@example.org"))
	now := time.Now().UTC()
	for id, until := range map[string]time.Time{held: now.Add(time.Minute), expired: now.Add(-time.Second)} {
		if _, err := db.Write.NewUpdate().Model((*mail.Stored)(nil)).Set("lease_until = ?", until).
			Where("id = ?", id).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if sent, _ := sendDue(t, mail.NewSender(db, smtpConfig(server), nil)); sent != 1 {
		t.Fatalf("sent %d, want only the message with the expired lease", sent)
	}
	if got := server.Messages(); len(got) != 1 || got[0].To[0] != "expired@example.org" {
		t.Errorf("delivered %+v", got)
	}
}

func TestConcurrentSendersDeliverEveryMessageOnce(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	o := newOutbox(t, db)
	server := mailtest.NewServer(t)
	const n = 20
	for i := range n {
		enqueue(t, db, o, invitation(fmt.Sprintf("empfaenger%02d@example.org", i)))
	}
	senders := []*mail.Sender{
		mail.NewSender(db, smtpConfig(server), nil),
		mail.NewSender(db, smtpConfig(server), nil),
	}
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		sent  [2]int
		errs  [2]error
	)
	for i, s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			sent[i], _, errs[i] = s.SendDue(context.Background())
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if sent[0]+sent[1] != n {
		t.Errorf("sent %d + %d, want %d in all", sent[0], sent[1], n)
	}
	seen := map[string]int{}
	for _, m := range server.WaitFor(t, n, 5*time.Second) {
		seen[m.To[0]]++
	}
	for to, k := range seen {
		if k != 1 {
			t.Errorf("%s got %d copies", to, k)
		}
	}
	if len(seen) != n || len(server.Messages()) != n {
		t.Errorf("%d recipients, %d messages; want %d each", len(seen), len(server.Messages()), n)
	}
}

func TestSMTPConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     mail.SMTPConfig
		wantErr bool
	}{
		{"disabled", mail.SMTPConfig{}, false},
		{"starttls default", mail.SMTPConfig{Host: "mail.example.org", From: "noreply@example.org"}, false},
		{"implicit tls", mail.SMTPConfig{Host: "mail.example.org", TLS: mail.TLSImplicit}, false},
		{"none", mail.SMTPConfig{Host: "127.0.0.1", Port: 2525, TLS: mail.TLSNone}, false},
		{"unknown tls mode", mail.SMTPConfig{Host: "mail.example.org", TLS: "ssl3"}, true},
		{"port out of range", mail.SMTPConfig{Host: "mail.example.org", Port: 70000}, true},
		{"bad sender", mail.SMTPConfig{Host: "mail.example.org", From: "kein Absender"}, true},
		{"password in clear to a relay", mail.SMTPConfig{Host: "mail.example.org", Username: "u", Password: "p", TLS: mail.TLSNone}, true},
		{"password in clear on this host", mail.SMTPConfig{Host: "127.0.0.1", Port: 2525, Username: "u", Password: "p", TLS: mail.TLSNone}, false},
		{"password over STARTTLS", mail.SMTPConfig{Host: "mail.example.org", Username: "u", Password: "p"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.cfg.Validate(); (err != nil) != tt.wantErr {
				t.Errorf("Validate() = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}
