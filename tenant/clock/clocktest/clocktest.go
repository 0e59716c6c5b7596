// Package clocktest is the clock the tests hand to a store instead of
// time.Now: it stands still until the test sets or advances it, and is
// safe for the goroutines a store starts. It replaces the settable clocks
// each package's tests once wrote for themselves.
package clocktest

import (
	"sync"
	"time"
)

// Clock is a settable clock; its Now fits every store's Options.Now.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a clock standing at t.
func New(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t (also backwards).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
