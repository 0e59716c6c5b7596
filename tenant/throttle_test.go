package tenant_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"sozialplattform/tenant"
)

// The attack of issue 13 (4): thirty wrong passwords sent at once. The
// old counter was read before the slow hash and written after it, so 29
// of them were checked and the right password still worked. Now each
// attempt is counted before hashing: five are checked, the others are
// refused unseen, and so is the right password until the delay is over.
func TestParallelWrongLoginsGetAtMostFivePasswordChecks(t *testing.T) {
	// Not parallel: the throttle's lockout runs on the wall clock, and on a
	// busy machine a lockout may end before the last attempt arrives.
	w := newWorld(t)
	ctx := context.Background()
	w.user(t, "harz@example.org", w.harz, tenant.RoleMunicipalityAdmin)
	var mu sync.Mutex
	results := map[string]int{}
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Go(func() {
			_, err := w.store.Authenticate(ctx, "harz@example.org", fmt.Sprintf("falsch-%02d-passwort", i), "192.0.2.66")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, tenant.ErrInvalidLogin): // only after a password check
				results["checked"]++
			case errors.Is(err, tenant.ErrThrottled):
				results["refused"]++
			default:
				results[fmt.Sprint(err)]++
			}
		})
	}
	wg.Wait()
	if results["checked"] != 5 || results["refused"] != 25 {
		t.Fatalf("30 parallel wrong logins: %v, want 5 checked and 25 refused", results)
	}
	_, err := w.store.Authenticate(ctx, "harz@example.org", "ein-langes-passwort", "192.0.2.66")
	if !errors.Is(err, tenant.ErrThrottled) || tenant.RetryAfter(err) != time.Second {
		t.Fatalf("right password right after the burst: %v (retry after %s), want a 1 s wait", err, tenant.RetryAfter(err))
	}
	w.now = w.now.Add(time.Second)
	if _, err := w.store.Authenticate(ctx, "harz@example.org", "ein-langes-passwort", "192.0.2.66"); err != nil {
		t.Fatalf("right password after the wait: %v", err)
	}
}

// Each further wrong password from the same place doubles the wait, up to
// 15 minutes.
func TestDelaysGrowAndAreCapped(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.user(t, "harz@example.org", w.harz, tenant.RoleMunicipalityAdmin)
	// waits[k] is what the guesser had to wait after the (k+1)-th checked
	// failure; a refused attempt shows it, and the guesser then waits.
	var waits []time.Duration
	pending := false
	for len(waits) < 18 {
		_, err := w.store.Authenticate(ctx, "harz@example.org", "falsch-falsch-falsch", "192.0.2.66")
		switch {
		case errors.Is(err, tenant.ErrInvalidLogin):
			if pending {
				waits = append(waits, 0)
			}
			pending = true
		case errors.Is(err, tenant.ErrThrottled) && pending:
			waits = append(waits, tenant.RetryAfter(err))
			pending = false
			w.now = w.now.Add(tenant.RetryAfter(err))
		default:
			t.Fatalf("attempt after %d failures: %v", len(waits), err)
		}
	}
	want := []time.Duration{0, 0, 0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	for i, d := range want {
		if waits[i] != d {
			t.Errorf("wait after failure %d: %s, want %s (all: %v)", i+1, waits[i], d, waits)
		}
	}
	if last := waits[len(waits)-1]; last != 15*time.Minute {
		t.Errorf("wait after 18 failures: %s, want the cap of 15 minutes", last)
	}
}

// The lock-out abuse of issue 13 (4): five wrong passwords from a
// stranger locked the ministry's account for 15 minutes. Now they delay
// only the stranger's own place; the owner logs in at once, from where
// they logged in before and from anywhere else.
func TestStrangersWrongPasswordsDoNotLockTheOwnerOut(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.user(t, "ministerium@example.org", w.land, tenant.RoleMinistryAdmin)
	if _, err := w.store.Authenticate(ctx, "ministerium@example.org", "ein-langes-passwort", "10.1.1.1"); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		_, err := w.store.Authenticate(ctx, "ministerium@example.org", fmt.Sprintf("geraten-%d-passwort", i), "198.51.100.7")
		if !errors.Is(err, tenant.ErrInvalidLogin) {
			t.Fatalf("stranger's guess %d: %v", i, err)
		}
	}
	if _, err := w.store.Authenticate(ctx, "ministerium@example.org", "nochmal-geraten", "198.51.100.7"); !errors.Is(err, tenant.ErrThrottled) {
		t.Errorf("the stranger's sixth guess: %v, want a wait", err)
	}
	if _, err := w.store.Authenticate(ctx, "ministerium@example.org", "ein-langes-passwort", "10.1.1.1"); err != nil {
		t.Errorf("owner at their usual place: %v", err)
	}
	if _, err := w.store.Authenticate(ctx, "ministerium@example.org", "ein-langes-passwort", "10.2.2.2"); err != nil {
		t.Errorf("owner at a new place: %v", err)
	}
}

// A guesser with many addresses: after 20 failures on the account every
// further guess waits, growing to 15 minutes – about 120 guesses a day in
// all. The owner's usual place is not delayed at all; a new place waits at
// most 15 minutes.
func TestDistributedGuessingIsSlowedWithoutLockingTheOwnerOut(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.user(t, "ministerium@example.org", w.land, tenant.RoleMinistryAdmin)
	if _, err := w.store.Authenticate(ctx, "ministerium@example.org", "ein-langes-passwort", "10.1.1.1"); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for i := range 30 {
		_, err := w.store.Authenticate(ctx, "ministerium@example.org", "geraten-geraten", fmt.Sprintf("203.0.113.%d", i))
		if errors.Is(err, tenant.ErrInvalidLogin) {
			checked++
		}
	}
	if checked != 20 {
		t.Fatalf("30 guesses from 30 addresses: %d checked, want 20", checked)
	}
	if _, err := w.store.Authenticate(ctx, "ministerium@example.org", "ein-langes-passwort", "10.1.1.1"); err != nil {
		t.Errorf("owner at their usual place during the attack: %v", err)
	}
	_, err := w.store.Authenticate(ctx, "ministerium@example.org", "ein-langes-passwort", "10.9.9.9")
	if wait := tenant.RetryAfter(err); !errors.Is(err, tenant.ErrThrottled) || wait > 15*time.Minute {
		t.Errorf("owner at a new place during the attack: %v, want a wait of at most 15 minutes", err)
	}
}
