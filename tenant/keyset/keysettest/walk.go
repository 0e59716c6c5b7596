// Package keysettest walks keyset listings page by page in tests of the
// stores that offer them.
package keysettest

import (
	"testing"

	"sozialplattform/tenant/keyset"
)

// Walk reads a listing page by page of size rows, as the API does: each
// page starts after the key of the previous page's last row. between runs
// after each page but the last, with the page's number (from 1), so that a
// test can insert rows while a client pages. Walk fails the test when a
// page is larger than size or the walk does not end.
func Walk[T, K any](t testing.TB, size int, list func(keyset.Page[K]) ([]T, error), key func(T) K, between func(page int)) []T {
	t.Helper()
	var all []T
	p := keyset.Page[K]{Limit: size}
	for page := 1; ; page++ {
		if page > 10000 {
			t.Fatal("walk does not end")
		}
		rows, err := list(p)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		items, more := keyset.Cut(rows, p.Size())
		if len(items) > p.Size() {
			t.Fatalf("page %d has %d rows for size %d", page, len(items), p.Size())
		}
		all = append(all, items...)
		if !more {
			return all
		}
		if between != nil {
			between(page)
		}
		k := key(items[len(items)-1])
		p.After = &k
	}
}

// Once fails the test unless every ID in want is in got exactly once and
// got holds nothing else.
func Once(t testing.TB, got []string, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	wanted := map[string]bool{}
	for _, id := range want {
		wanted[id] = true
		if seen[id] != 1 {
			t.Errorf("%s listed %d times, want once", id, seen[id])
		}
	}
	for id, n := range seen {
		if !wanted[id] {
			t.Errorf("%s listed %d times, not expected", id, n)
		}
	}
}
