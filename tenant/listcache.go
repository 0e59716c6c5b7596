package tenant

import (
	"context"
	"fmt"
	"hash/maphash"
	"slices"
	"sync"

	"sozialplattform/tenant/keyset"
)

// The list of tenants is what API clients poll most, and its query was
// two thirds of the CPU such a request costs, although tenants change a
// few times a day. Each instance therefore keeps the pages it answered,
// together with the tenants table's change counter (migration 0022) at the
// time it asked. Before every answer it reads the counter again – one
// primary-key lookup – and uses what it kept only while the counter is
// unchanged. The database bumps the counter by trigger in every writing
// transaction, through whichever instance or path it runs, so a change
// made through one instance is visible through all others with the
// next request, not after some expiry.

// maxListCacheEntries and maxListCacheRows bound what is kept per counter
// value: one entry per distinct filter, visible set and page a client
// asked for, and at most so many tenants in all (~30 MB at the Land's
// size). When full it starts over rather than tracking use: the set
// rarely grows beyond a few dozen (one per role and polled page).
const (
	maxListCacheEntries = 1024
	maxListCacheRows    = 100_000
)

// allTenants is the size of ListTenants's key: the whole listing.
const allTenants = -1

// tenantListKey is what ListTenantsPage's answer depends on besides the
// set of visible IDs (compared in full, see tenantListEntry).
type tenantListKey struct {
	kind     Kind
	parentID string
	query    string
	active   int8 // 0 any, 1 active, 2 inactive
	after    TenantKey
	hasAfter bool
	size     int
	ids      uint64 // hash of the visible IDs; nil and empty differ
}

type tenantListEntry struct {
	ids  []string // the visible IDs exactly, so that a hash collision cannot leak a page
	rows []Tenant
}

// tenantListCache holds pages of ListTenantsPage for one counter value.
type tenantListCache struct {
	seed maphash.Seed

	mu      sync.Mutex
	counter int64
	pages   map[tenantListKey]tenantListEntry
	rows    int // tenants kept in pages
}

func newTenantListCache() *tenantListCache {
	return &tenantListCache{seed: maphash.MakeSeed(), pages: map[tenantListKey]tenantListEntry{}}
}

func (c *tenantListCache) key(f TenantFilter, p keyset.Page[TenantKey]) tenantListKey {
	k := tenantListKey{kind: f.Kind, parentID: f.ParentID, query: f.Query, size: p.Size()}
	if f.Active != nil {
		k.active = 2
		if *f.Active {
			k.active = 1
		}
	}
	if p.After != nil {
		k.after, k.hasAfter = *p.After, true
	}
	if f.IDs != nil {
		var h maphash.Hash
		h.SetSeed(c.seed)
		for _, id := range f.IDs {
			h.WriteString(id)
			h.WriteByte(0)
		}
		k.ids = h.Sum64() | 1 // never 0, which stands for "no limit"
	}
	return k
}

// get returns a copy of the kept page, if it was kept at counter.
func (c *tenantListCache) get(counter int64, k tenantListKey, ids []string) ([]Tenant, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counter != counter {
		return nil, false
	}
	e, ok := c.pages[k]
	if !ok || !slices.Equal(e.ids, ids) {
		return nil, false
	}
	return slices.Clone(e.rows), true
}

// put keeps rows, read after the counter showed counter. A page read
// under an older counter than the one kept is not kept: it may be stale.
func (c *tenantListCache) put(counter int64, k tenantListKey, ids []string, rows []Tenant) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case counter < c.counter:
		return
	case len(rows) > maxListCacheRows:
		return
	case counter > c.counter || len(c.pages) >= maxListCacheEntries || c.rows+len(rows) > maxListCacheRows:
		c.counter, c.rows = counter, 0
		clear(c.pages)
	}
	if old, ok := c.pages[k]; ok {
		c.rows -= len(old.rows)
	}
	c.pages[k] = tenantListEntry{ids: slices.Clone(ids), rows: slices.Clone(rows)}
	c.rows += len(rows)
}

// TenantsCounter returns the tenants table's change counter: it grows with
// every committed transaction that changed a tenant (migration 0022).
func (s *Store) TenantsCounter(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.Read.QueryRowContext(ctx, "SELECT n FROM change_counters WHERE name = 'tenants'").Scan(&n); err != nil {
		return 0, fmt.Errorf("read change counter of tenants: %w", err)
	}
	return n, nil
}
