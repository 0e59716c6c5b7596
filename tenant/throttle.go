package tenant

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant/clock"
)

// Throttling of password guesses and of mails a stranger can trigger.
//
// Why this shape (NIST SP 800-63B §5.2.2, OWASP Authentication Cheat
// Sheet): a hard lock after a few failures lets anyone lock the ministry
// out with five wrong passwords, and a counter read before the slow hash
// and written after it lets thirty parallel guesses through. So:
//
//   - Every attempt is counted in the database before the password is
//     hashed, in one transaction that holds the counters' rows (PostgreSQL:
//     SELECT … FOR UPDATE; SQLite: the single writer, BEGIN IMMEDIATE). An
//     attempt that finds a counter still waiting is refused without a hash
//     and without being counted. Parallel attempts therefore queue on the
//     rows, and at most the free allowance of them reaches the hash.
//   - No lock, but growing delays: after the free attempts, each further
//     one makes the next wait twice as long as the one before (1 s, 2 s,
//     4 s, …), up to a cap.
//   - Three counters per login: the pair (account, source) throttles one
//     guesser hardest; the account alone bounds a guesser with many
//     addresses; the source alone bounds one address spraying many
//     accounts. A success clears the pair and marks its source as trusted
//     for the account.
//   - From a trusted source (one the account logged in from before, not
//     failing since), only the pair counts: strangers elsewhere never delay
//     the owner there. From another source the owner waits at most for the
//     account's current delay, which is capped (loginAccount.max) and ends
//     that long after the stranger's last counted guess.
//   - Counted attempts are forgiven one at a time after quiet periods
//     (leaky bucket), so that an honest person's typos fade.
//
// With the values below, one source gets 5 guesses at an account at once,
// about 10 more in the next 17 minutes and then 4 an hour; any number of
// sources together get 20 at once and then at most 4 an hour – 124 in a
// day, measured by TestADayOfDistributedGuessing. The owner's success
// takes back only its own attempt from the account's counter, so logging
// in between does not give a guesser a fresh allowance. NIST also names a
// hard limit of 100 consecutive failures; a hard stop is exactly the lock
// strangers could trigger, so the delays hold the rate instead (for a
// password of 12 characters or more that is on no common list, that is
// years of guessing).

// throttlePolicy is the rule of one kind of counter.
type throttlePolicy struct {
	free    int           // attempts that may follow each other without any delay
	base    time.Duration // wait after the free-th attempt; doubles with each further one
	max     time.Duration // longest delay
	forgive time.Duration // one counted attempt is forgotten per this much time since the last one
}

// Counters of staff and citizen logins and of password-reset mails.
var (
	loginPair    = throttlePolicy{free: 5, base: time.Second, max: 15 * time.Minute, forgive: time.Hour}
	loginAccount = throttlePolicy{free: 20, base: time.Second, max: 15 * time.Minute, forgive: 15 * time.Minute}
	loginSource  = throttlePolicy{free: 100, base: time.Second, max: 15 * time.Minute, forgive: time.Minute}
	// Reset mails: three to an address at once, then after 20 and 40
	// minutes, then one an hour; thirty from one source.
	resetAddress = throttlePolicy{free: 3, base: 20 * time.Minute, max: time.Hour, forgive: time.Hour}
	resetSource  = throttlePolicy{free: 30, base: time.Minute, max: time.Hour, forgive: 2 * time.Minute}
)

// trustedFor is how long a source stays trusted after a successful login.
const trustedFor = 90 * 24 * time.Hour

// throttleForgetAfter: rows quiet this long (and not trusted) are deleted;
// by then every counter has fully leaked away (see maxCounted).
const throttleForgetAfter = 7 * 24 * time.Hour

// maxCounted caps a counter beyond its free attempts: the delay reached
// its cap long before (2^20 s > any cap), and a bounded count leaks away
// within days.
const maxCounted = 20

// delay is the wait after the n-th counted attempt.
func (p throttlePolicy) delay(n int) time.Duration {
	if n < p.free {
		return 0
	}
	shift := min(n-p.free, 30)
	d := p.base << shift
	if d <= 0 || d > p.max {
		return p.max
	}
	return d
}

// ThrottledError refuses an attempt that came too early; RetryAfter says
// when the next one will be looked at. It matches ErrThrottled.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%s (in %s)", ErrThrottled.Error(), e.RetryAfter.Round(time.Second))
}

// Is makes errors.Is(err, ErrThrottled) true.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// RetryAfter returns how long a throttled caller should wait, in whole
// seconds rounded up (as a Retry-After header says it); 0 when err is no
// throttling.
func RetryAfter(err error) time.Duration {
	var te *ThrottledError
	if !errors.As(err, &te) {
		return 0
	}
	return max(te.RetryAfter.Truncate(time.Second)+ceilSecond(te.RetryAfter), time.Second)
}

// ceilSecond is the second a wait with a fraction of one is rounded up by.
func ceilSecond(d time.Duration) time.Duration {
	if d%time.Second != 0 {
		return time.Second
	}
	return 0
}

type throttleRow struct {
	bun.BaseModel `bun:"table:auth_throttle"`

	Key          string     `bun:"key,pk"`
	Failures     int        `bun:"failures"`
	NotBefore    time.Time  `bun:"not_before"`
	LastAt       time.Time  `bun:"last_at"`
	TrustedUntil *time.Time `bun:"trusted_until"`
}

// Throttle keeps the counters in the database, shared by every instance.
type Throttle struct {
	db        *migrations.DB
	now       func() time.Time
	lastPurge atomic.Int64 // unix seconds of this instance's last clean-up
}

// NewThrottle returns the throttle on db; now is the clock (nil: time.Now).
func NewThrottle(db *migrations.DB, now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	return &Throttle{db: db, now: now}
}

func (t *Throttle) clock() time.Time { return clock.Stamp(t.now()) }

// counter is one row an attempt counts on.
type counter struct {
	key    string
	policy throttlePolicy
	pair   bool // the (account, source) counter, which can make a source trusted
}

// Reservation is a counted attempt; Succeeded takes it back.
type Reservation struct {
	t        *Throttle
	counters []counter
}

// throttleKey names a counter without storing addresses or e-mail
// addresses in the clear.
func throttleKey(scope, kind string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return scope + ":" + kind + ":" + hex.EncodeToString(h.Sum(nil))[:40]
}

// throttleSource reduces a client address to what one party controls: an
// IPv4 address, or the /64 network of an IPv6 address (one connection
// gets a whole /64 to pick addresses from).
func throttleSource(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "unknown:" + ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// ReserveLogin counts a login attempt of account (a normalised e-mail
// address) from source (the client address) in scope ("staff",
// "citizen") before its password is checked. It answers a
// *ThrottledError when the attempt has to wait.
func (t *Throttle) ReserveLogin(ctx context.Context, scope, account, source string) (*Reservation, error) {
	src := throttleSource(source)
	return t.reserve(ctx, []counter{
		{key: throttleKey(scope, "pair", account, src), policy: loginPair, pair: true},
		{key: throttleKey(scope, "account", account), policy: loginAccount},
		{key: throttleKey(scope, "source", src), policy: loginSource},
	})
}

// ReserveMail counts a mail a stranger asks for (a password reset) to
// address from source; a *ThrottledError means: do not send.
func (t *Throttle) ReserveMail(ctx context.Context, scope, address, source string) error {
	_, err := t.reserve(ctx, []counter{
		{key: throttleKey(scope, "address", address), policy: resetAddress},
		{key: throttleKey(scope, "source", throttleSource(source)), policy: resetSource},
	})
	return err
}

func (t *Throttle) reserve(ctx context.Context, counters []counter) (*Reservation, error) {
	// A fixed lock order keeps two attempts from waiting on each other.
	slices.SortFunc(counters, func(a, b counter) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		return 0
	})
	var refused *ThrottledError
	var now time.Time
	err := t.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		rows, err := t.lockRows(ctx, tx, counters, t.clock())
		if err != nil {
			return err
		}
		// The clock is read once the rows are held: an attempt that waited
		// for them must not judge them by the time it started waiting.
		now = t.clock()
		trusted := false
		for i, c := range counters {
			r := rows[i]
			if c.pair && r.TrustedUntil != nil && r.TrustedUntil.After(now) && leaked(r, c.policy, now) < c.policy.free {
				trusted = true
			}
		}
		for i, c := range counters {
			if trusted && !c.pair {
				continue // the owner's own place: strangers' guesses elsewhere do not count here
			}
			if wait := rows[i].NotBefore.Sub(now); wait > 0 && (refused == nil || wait > refused.RetryAfter) {
				refused = &ThrottledError{RetryAfter: wait}
			}
		}
		if refused != nil {
			return refused // roll back: a refused attempt is not counted
		}
		for i, c := range counters {
			n := min(leaked(rows[i], c.policy, now)+1, c.policy.free+maxCounted)
			notBefore := now.Add(c.policy.delay(n))
			if rows[i].NotBefore.After(notBefore) {
				notBefore = rows[i].NotBefore // never shorten a wait
			}
			if _, err := tx.NewUpdate().Model((*throttleRow)(nil)).Set("failures = ?", n).Set("not_before = ?", notBefore).
				Set("last_at = ?", now).Where("key = ?", c.key).Exec(ctx); err != nil {
				return fmt.Errorf("count attempt: %w", err)
			}
		}
		return nil
	})
	if refused != nil {
		return nil, refused
	}
	if err != nil {
		return nil, err
	}
	if err := t.purge(ctx, now); err != nil {
		return nil, err
	}
	return &Reservation{t: t, counters: counters}, nil
}

// lockRows returns the counters' rows in the order of counters, creating
// missing ones, and holds them until the transaction ends. One upsert does
// all three: on PostgreSQL "ON CONFLICT DO UPDATE" takes the row lock that
// SELECT … FOR UPDATE would (rows are taken in key order, so two attempts
// never wait on each other); on SQLite the transaction holds the only
// writer already.
func (t *Throttle) lockRows(ctx context.Context, tx bun.Tx, counters []counter, now time.Time) ([]throttleRow, error) {
	fresh := make([]throttleRow, len(counters))
	for i, c := range counters {
		fresh[i] = throttleRow{Key: c.key, NotBefore: now, LastAt: now}
	}
	var got []throttleRow
	if err := tx.NewInsert().Model(&fresh).On("CONFLICT (key) DO UPDATE").Set("key = EXCLUDED.key").
		Returning("*").Scan(ctx, &got); err != nil {
		return nil, fmt.Errorf("lock throttle counters: %w", err)
	}
	rows := make([]throttleRow, len(counters))
	for i, c := range counters {
		k := slices.IndexFunc(got, func(r throttleRow) bool { return r.Key == c.key })
		if k < 0 {
			return nil, fmt.Errorf("lock throttle counters: %s not returned", c.key)
		}
		rows[i] = got[k]
	}
	return rows, nil
}

// leaked is a counter's value after forgiving the quiet time since its
// last attempt.
func leaked(r throttleRow, p throttlePolicy, now time.Time) int {
	if p.forgive <= 0 || !now.After(r.LastAt) {
		return r.Failures
	}
	return max(r.Failures-int(now.Sub(r.LastAt)/p.forgive), 0)
}

// Succeeded takes the attempt back: the password was right. The pair's
// counter starts afresh and its source becomes trusted for the account;
// the account's and the source's counters lose the one attempt this was
// (they keep the strangers' failures).
func (r *Reservation) Succeeded(ctx context.Context) error {
	now := r.t.clock()
	return r.t.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for _, c := range r.counters {
			q := tx.NewUpdate().Model((*throttleRow)(nil)).Where("key = ?", c.key)
			if c.pair {
				q = q.Set("failures = 0").Set("not_before = ?", now).Set("trusted_until = ?", now.Add(trustedFor))
			} else {
				q = q.Set("failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END")
			}
			if _, err := q.Exec(ctx); err != nil {
				return fmt.Errorf("record successful login: %w", err)
			}
		}
		return nil
	})
}

// purge deletes counters that have been quiet for a week, at most once an
// hour per instance; the index on last_at keeps it cheap.
func (t *Throttle) purge(ctx context.Context, now time.Time) error {
	last := t.lastPurge.Load()
	if now.Unix()-last < int64(time.Hour/time.Second) || !t.lastPurge.CompareAndSwap(last, now.Unix()) {
		return nil
	}
	return t.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewDelete().Model((*throttleRow)(nil)).
			Where("last_at < ?", now.Add(-throttleForgetAfter)).
			Where("not_before < ?", now).
			Where("trusted_until IS NULL OR trusted_until < ?", now).Exec(ctx)
		if err != nil {
			return fmt.Errorf("purge throttle counters: %w", err)
		}
		return nil
	})
}
