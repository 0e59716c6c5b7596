package clocktest_test

import (
	"sync"
	"testing"
	"time"

	"sozialplattform/tenant/clock/clocktest"
)

func TestClockStandsStillUntilMoved(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := clocktest.New(start)
	if !c.Now().Equal(start) || !c.Now().Equal(start) {
		t.Fatalf("Now = %s, want %s twice", c.Now(), start)
	}
	c.Add(90 * time.Minute)
	if want := start.Add(90 * time.Minute); !c.Now().Equal(want) {
		t.Errorf("after Add: %s, want %s", c.Now(), want)
	}
	c.Set(start.Add(-time.Hour))
	if want := start.Add(-time.Hour); !c.Now().Equal(want) {
		t.Errorf("after Set: %s, want %s", c.Now(), want)
	}
}

func TestClockIsSafeForGoroutines(t *testing.T) {
	c := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				c.Add(time.Second)
				_ = c.Now()
			}
		}()
	}
	wg.Wait()
	if want := time.Date(2026, 1, 1, 0, 13, 20, 0, time.UTC); !c.Now().Equal(want) {
		t.Errorf("Now = %s, want %s (800 seconds later)", c.Now(), want)
	}
}
