package onboarding_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

// A subscription token opens exactly its tenant's calendar; a new token
// replaces the old one; anything else is "not found", never a calendar.
func TestCalendarFeedTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.store.CalendarByFeed(ctx, f.witt.ID, "irgendwas"); !errors.Is(err, tenant.ErrNotFound) {
		t.Fatalf("no feed yet: %v", err)
	}
	first, err := f.store.NewCalendarFeed(ctx, f.witt.ID)
	if err != nil || len(first) < 40 {
		t.Fatalf("token %q: %v", first, err)
	}
	raw, err := f.store.CalendarByFeed(ctx, f.witt.ID, first)
	if err != nil || !strings.HasPrefix(string(raw), "BEGIN:VCALENDAR") {
		t.Fatalf("feed: %v %.40q", err, raw)
	}
	second, err := f.store.NewCalendarFeed(ctx, f.witt.ID)
	if err != nil || second == first {
		t.Fatalf("renewed token %q: %v", second, err)
	}
	for name, c := range map[string]struct{ tenantID, token string }{
		"old token":      {f.witt.ID, first},
		"other tenant":   {f.harz.ID, second},
		"truncated":      {f.witt.ID, second[:len(second)-1]},
		"overlong":       {f.witt.ID, strings.Repeat(second, 4)},
		"unknown tenant": {"t-unbekannt", second},
		"empty token":    {f.witt.ID, ""},
	} {
		if _, err := f.store.CalendarByFeed(ctx, c.tenantID, c.token); !errors.Is(err, tenant.ErrNotFound) {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
	if _, err := f.store.CalendarByFeed(ctx, f.witt.ID, second); err != nil {
		t.Errorf("current token: %v", err)
	}
	if _, err := f.store.NewCalendarFeed(ctx, "t-unbekannt"); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("feed for an unknown tenant: %v", err)
	}
}
