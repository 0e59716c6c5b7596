package citizen_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations/testdb"
	"sozialplattform/portal/citizen"
	"sozialplattform/tenant"
	"sozialplattform/tenant/clock/clocktest"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
	"sozialplattform/tenant/web"
)

type nopMailer struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (m *nopMailer) Enqueue(ctx context.Context, db bun.IDB, msg mail.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return nil
}

func mustB64(t *testing.T, s string) string {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestAccountLifecycle(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	m := &nopMailer{}
	// The test's clock, which moves only when told: the login throttle's
	// one-second lockout cannot end between two attempts, however busy the
	// machine is.
	now := clocktest.New(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	s := citizen.NewStore(db, m, citizen.Options{Passwords: passwordtest.Hasher(), Links: testLinks, Now: now.Now})
	ctx := context.Background()
	const site = "landkreis-harz"
	if _, err := s.Register(ctx, "kein-at", "kurz", "", site); err == nil || !strings.Contains(err.Error(), "email") || !strings.Contains(err.Error(), "password") {
		t.Fatalf("bad input: %v", err)
	}
	token, err := s.Register(ctx, "Jana@Example.org", "ein-langes-passwort", "Jana", site)
	if err != nil || token == "" {
		t.Fatalf("register: %v", err)
	}
	if len(m.sent) != 1 || m.sent[0].Template != citizen.MailConfirm || !strings.Contains(m.sent[0].Data.(citizen.LinkData).Link, "https://sozial.example/landkreis-harz/servicekonto/bestaetigen/") {
		t.Fatalf("confirmation mail: %+v", m.sent)
	}
	if _, err := s.Authenticate(ctx, "jana@example.org", "ein-langes-passwort", "127.0.0.1"); !errors.Is(err, citizen.ErrNotConfirmed) {
		t.Fatalf("unconfirmed login: %v", err)
	}
	if _, err := s.Confirm(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Confirm(ctx, token); !errors.Is(err, citizen.ErrTokenInvalid) {
		t.Errorf("link used twice: %v", err)
	}
	a, err := s.Authenticate(ctx, "JANA@example.org ", "ein-langes-passwort", "127.0.0.1")
	if err != nil || a.Email != "jana@example.org" {
		t.Fatalf("login: %v", err)
	}
	// Registering again reveals nothing and mails the owner.
	if tok, err := s.Register(ctx, "jana@example.org", "noch-ein-passwort", "", site); err != nil || tok != "" {
		t.Fatalf("second registration: %q %v", tok, err)
	}
	if m.sent[len(m.sent)-1].Template != citizen.MailExists {
		t.Errorf("mail %s", m.sent[len(m.sent)-1].Template)
	}
	// Five wrong passwords from one place make the sixth wait a second;
	// the owner elsewhere is not held up.
	for i := 0; i < 5; i++ {
		if _, err := s.Authenticate(ctx, "jana@example.org", "falsch-falsch-falsch", "10.0.0.1"); !errors.Is(err, citizen.ErrInvalidLogin) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	if _, err := s.Authenticate(ctx, "jana@example.org", "ein-langes-passwort", "10.0.0.1"); !errors.Is(err, citizen.ErrThrottled) || tenant.RetryAfter(err) != time.Second {
		t.Errorf("after five failures: %v", err)
	}
	if _, err := s.Authenticate(ctx, "jana@example.org", "ein-langes-passwort", "10.0.0.2"); err != nil {
		t.Errorf("the owner from elsewhere: %v", err)
	}
	// Password reset.
	if tok, _ := s.RequestReset(ctx, "unbekannt@example.org", site, "10.0.0.1"); tok != "" {
		t.Error("reset for an unknown address")
	}
	reset, err := s.RequestReset(ctx, "jana@example.org", site, "10.0.0.1")
	if err != nil || reset == "" {
		t.Fatal(err)
	}
	if _, err := s.ResetPassword(ctx, reset, "kurz"); err == nil {
		t.Error("short password accepted")
	}
	for _, weak := range []string{"passwortpasswort", "Jana-2026-Jana!", "jana@example.org"} {
		if _, err := s.ResetPassword(ctx, reset, weak); err == nil {
			t.Errorf("guessable password %q accepted", weak)
		}
	}
	older, err := s.RequestReset(ctx, "jana@example.org", site, "10.0.0.1")
	if err != nil || older == "" {
		t.Fatal(err)
	}
	if _, err := s.ResetPassword(ctx, reset, "ein-neues-langes-passwort"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ResetPassword(ctx, reset, "ein-neues-langes-passwort"); !errors.Is(err, citizen.ErrTokenInvalid) {
		t.Errorf("reset link used twice: %v", err)
	}
	if _, err := s.ResetPassword(ctx, older, "das-hat-der-angreifer"); !errors.Is(err, citizen.ErrTokenInvalid) {
		t.Errorf("another reset link after one was used: %v", err)
	}
}

// Issue 13 (4): ten reset requests sent ten mails. Now an address gets
// three at once, and nobody can tell from the answer.
func TestResetRequestsAreThrottledSilently(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	m := &nopMailer{}
	// A clock that stands still: no lockout ends before the last attempt.
	now := clocktest.New(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	s := citizen.NewStore(db, m, citizen.Options{Passwords: passwordtest.Hasher(), Links: testLinks, Now: now.Now})
	ctx := context.Background()
	const site = "landkreis-harz"
	token, err := s.Register(ctx, "jana@example.org", "ein-langes-passwort", "Jana", site)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Confirm(ctx, token); err != nil {
		t.Fatal(err)
	}
	before := len(m.sent)
	for i := range 10 {
		if _, err := s.RequestReset(ctx, "jana@example.org", site, "10.0.0.1"); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if got := len(m.sent) - before; got != 3 {
		t.Errorf("10 reset requests sent %d mails, want 3", got)
	}
}

// testLinks stand in for the portal's links (www.CitizenLinks), at the
// portal's addresses.
var testLinks = citizen.Links{
	Confirm: web.LinkTo("https://sozial.example", "/{site}/servicekonto/bestaetigen/{token}"),
	Reset:   web.LinkTo("https://sozial.example", "/{site}/servicekonto/passwort/{token}"),
	Forgot:  web.LinkTo("https://sozial.example", "/{site}/servicekonto/passwort-vergessen"),
}
