package tenant

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"sozialplattform/migrations/testdb"
)

func newTestThrottle(t *testing.T) (*Throttle, *time.Time) {
	t.Helper()
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	return NewThrottle(testdb.New(t), func() time.Time { return now }), &now
}

// A guesser with unlimited addresses, guessing as fast as the account's
// delays allow for a whole day: how many passwords get checked? The figure
// is the bound README and the API documentation name.
func TestADayOfDistributedGuessing(t *testing.T) {
	t.Parallel()
	th, now := newTestThrottle(t)
	ctx := context.Background()
	start := *now
	checks, maxWait := 0, time.Duration(0)
	for i := 0; now.Sub(start) < 24*time.Hour; i++ {
		_, err := th.ReserveLogin(ctx, "staff", "ministerium@example.org", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		var te *ThrottledError
		switch {
		case err == nil:
			checks++ // a wrong password: the reservation stays counted
		case errors.As(err, &te):
			maxWait = max(maxWait, te.RetryAfter)
			*now = now.Add(te.RetryAfter)
		default:
			t.Fatal(err)
		}
	}
	t.Logf("password checks in 24 hours with a new address for every guess: %d; longest wait %s", checks, maxWait)
	if checks > 130 || checks < 100 {
		t.Errorf("%d checks a day, want about 120", checks)
	}
	if maxWait > loginAccount.max {
		t.Errorf("an attempt had to wait %s, more than the cap %s", maxWait, loginAccount.max)
	}
}

// One address trying one password on many accounts (spraying): after 100
// failures its attempts wait, whatever account they name.
func TestSprayingFromOneSourceIsSlowed(t *testing.T) {
	t.Parallel()
	th, _ := newTestThrottle(t)
	ctx := context.Background()
	passed := 0
	for i := range 150 {
		if _, err := th.ReserveLogin(ctx, "citizen", fmt.Sprintf("person%d@example.org", i), "192.0.2.9"); err == nil {
			passed++
		} else if !errors.Is(err, ErrThrottled) {
			t.Fatal(err)
		}
	}
	if passed != loginSource.free {
		t.Errorf("%d of 150 sprayed attempts were checked, want %d", passed, loginSource.free)
	}
	if _, err := th.ReserveLogin(ctx, "staff", "person1@example.org", "192.0.2.9"); err != nil {
		t.Errorf("the staff login's counters are its own: %v", err)
	}
}

// IPv6 clients pick addresses from a whole /64: the network counts as one
// source.
func TestIPv6SourcesCountPerNetwork(t *testing.T) {
	t.Parallel()
	th, _ := newTestThrottle(t)
	ctx := context.Background()
	for i := range loginPair.free {
		if _, err := th.ReserveLogin(ctx, "staff", "a@example.org", fmt.Sprintf("2001:db8:1:2::%x", i+1)); err != nil {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, err := th.ReserveLogin(ctx, "staff", "a@example.org", "2001:db8:1:2:ffff::1"); !errors.Is(err, ErrThrottled) {
		t.Errorf("another address of the same /64: %v, want a wait", err)
	}
	if _, err := th.ReserveLogin(ctx, "staff", "a@example.org", "2001:db8:1:3::1"); err != nil {
		t.Errorf("another /64: %v", err)
	}
	for ip, want := range map[string]string{"::ffff:192.0.2.1": "192.0.2.1", "2001:db8::1": "2001:db8::/64", "kaputt": "unknown:kaputt"} {
		if got := throttleSource(ip); got != want {
			t.Errorf("throttleSource(%q) = %q, want %q", ip, got, want)
		}
	}
}

// Counters nobody touched for a week disappear; a trusted place stays.
func TestQuietCountersArePurged(t *testing.T) {
	t.Parallel()
	th, now := newTestThrottle(t)
	ctx := context.Background()
	if _, err := th.ReserveLogin(ctx, "staff", "a@example.org", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	ok, err := th.ReserveLogin(ctx, "staff", "b@example.org", "192.0.2.2")
	if err != nil {
		t.Fatal(err)
	}
	if err := ok.Succeeded(ctx); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		n, err := th.db.Read.NewSelect().Model((*throttleRow)(nil)).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	if n := count(); n != 6 {
		t.Fatalf("%d counters, want 6 (two pairs, two accounts, two sources)", n)
	}
	*now = now.Add(8 * 24 * time.Hour)
	if _, err := th.ReserveLogin(ctx, "staff", "c@example.org", "192.0.2.3"); err != nil {
		t.Fatal(err)
	}
	// Left: c's three new counters and b's trusted pair.
	if n := count(); n != 4 {
		t.Errorf("%d counters after a quiet week, want 4", n)
	}
}

// BenchmarkReserveLogin is the throttle's cost on every login: one write
// transaction over three counters (plus the success's, not measured here).
func BenchmarkReserveLogin(b *testing.B) {
	db := testdb.New(b)
	th := NewThrottle(db, nil)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		if _, err := th.ReserveLogin(ctx, "staff", fmt.Sprintf("p%d@example.org", i), fmt.Sprintf("10.0.%d.%d", i>>8&255, i&255)); err != nil {
			b.Fatal(err)
		}
	}
}
