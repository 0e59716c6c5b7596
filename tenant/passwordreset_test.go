package tenant_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"sozialplattform/tenant"
)

// Issue 13 (4): ten reset requests for one address sent ten mails – a
// way to flood a mailbox, and the requester saw it. Now three go out at
// once and then one per 20 minutes or more; every request gets the same
// answer.
func TestResetRequestsSendAFewMailsAnHour(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.user(t, "harz@example.org", w.harz, tenant.RoleMunicipalityAdmin)
	sent := func(n int, ip string) int {
		mails := 0
		for range n {
			token, err := w.store.RequestPasswordReset(ctx, "harz@example.org", ip)
			if err != nil {
				t.Fatal(err)
			}
			if token != "" {
				mails++
			}
		}
		return mails
	}
	if got := sent(10, "192.0.2.1"); got != 3 {
		t.Fatalf("10 requests sent %d mails, want 3", got)
	}
	if got := sent(10, "192.0.2.2"); got != 0 {
		t.Fatalf("10 more from another address sent %d mails, want 0", got)
	}
	w.now = w.now.Add(20 * time.Minute)
	if got := sent(5, "192.0.2.3"); got != 1 {
		t.Fatalf("20 minutes later: %d mails, want 1", got)
	}
	w.now = w.now.Add(time.Hour)
	if got := sent(5, "192.0.2.3"); got != 1 {
		t.Fatalf("an hour later: %d mails, want 1", got)
	}
}

// Issue 13 (8): an older reset link stayed valid after a newer one was
// used. Now using one – or changing the password any other way, or
// switching the account off – ends them all.
func TestAllResetLinksDieWithOne(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	u := w.user(t, "harz@example.org", w.harz, tenant.RoleMunicipalityAdmin)
	request := func() string {
		t.Helper()
		w.now = w.now.Add(time.Minute)
		token, err := w.store.RequestPasswordReset(ctx, "harz@example.org", "10.0.0.1")
		if err != nil || token == "" {
			t.Fatalf("request: %q, %v", token, err)
		}
		return token
	}
	older, newer := request(), request()
	if err := w.store.ResetPassword(ctx, newer, "ein-neues-langes-passwort"); err != nil {
		t.Fatal(err)
	}
	if err := w.store.ResetPassword(ctx, older, "das-hat-der-angreifer"); !errors.Is(err, tenant.ErrTokenInvalid) {
		t.Fatalf("older link after the newer one was used: %v", err)
	}

	w.now = w.now.Add(time.Hour) // a fresh allowance of reset mails
	open := request()
	if err := w.store.ChangePassword(ctx, u.ID, "ein-neues-langes-passwort", "noch-ein-neues-passwort"); err != nil {
		t.Fatal(err)
	}
	if err := w.store.ResetPassword(ctx, open, "das-hat-der-angreifer"); !errors.Is(err, tenant.ErrTokenInvalid) {
		t.Fatalf("link after a password change: %v", err)
	}

	open = request()
	if err := w.store.SetUserActive(ctx, w.harz.ID, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := w.store.SetUserActive(ctx, w.harz.ID, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := w.store.ResetPassword(ctx, open, "das-hat-der-angreifer"); !errors.Is(err, tenant.ErrTokenInvalid) {
		t.Fatalf("link after deactivation: %v", err)
	}
	if _, err := w.store.Authenticate(ctx, "harz@example.org", "noch-ein-neues-passwort", "10.0.0.1"); err != nil {
		t.Fatalf("the password set last no longer works: %v", err)
	}
}
