package authz

import (
	"crypto/sha256"
	"sync"
	"time"

	"sozialplattform/tenant"
)

// tokenCache remembers API tokens that were found valid, so that a busy
// client does not cost a database query per request (it was a third of
// the CPU of an authenticated API read).
//
// An entry is trusted only while the access policy's revision is the one
// read before the token was loaded. Every revocation – by hand or when
// the creator leaves – commits a new revision (tenant.Store.policyTx):
// the instance that revoked reloads at once, the others within
// --policy-refresh, the same delay with which every other change of
// rights reaches them (and their casbin state still grants the revoked
// token until then anyway). Expiry is checked on every hit, and an entry
// is reloaded from the database after tokenCacheTTL regardless. Only
// valid tokens are kept, under the SHA-256 of the secret (never the
// secret), so guessing fills nothing.
type tokenCache struct {
	mu      sync.Mutex
	entries map[[sha256.Size]byte]cachedToken
	max     int
}

type cachedToken struct {
	tok      tenant.APIToken
	revision int64
	loaded   time.Time
}

// tokenCacheTTL bounds how long an entry is used without a look at the
// database, whatever the revision says.
const tokenCacheTTL = 30 * time.Second

// tokenCacheMax bounds memory: when full, the cache starts over.
const tokenCacheMax = 4096

func newTokenCache(max int) *tokenCache {
	return &tokenCache{entries: map[[sha256.Size]byte]cachedToken{}, max: max}
}

// get returns the token for key when its entry is still valid at
// revision rev and time now.
func (c *tokenCache) get(key [sha256.Size]byte, rev int64, now time.Time) (tenant.APIToken, bool) {
	c.mu.Lock()
	e, ok := c.entries[key]
	if ok && (e.revision != rev || now.Sub(e.loaded) > tokenCacheTTL || now.Before(e.loaded)) {
		delete(c.entries, key)
		ok = false
	}
	c.mu.Unlock()
	if !ok || e.tok.RevokedAt != nil || (e.tok.ExpiresAt != nil && now.After(*e.tok.ExpiresAt)) {
		return tenant.APIToken{}, false
	}
	return e.tok, true
}

// put remembers tok, loaded after revision rev was read.
func (c *tokenCache) put(key [sha256.Size]byte, tok tenant.APIToken, rev int64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		clear(c.entries)
	}
	c.entries[key] = cachedToken{tok: tok, revision: rev, loaded: now}
}

// touch records a later use in the entry, so that the once-a-minute
// write of last_used_at is not repeated per request.
func (c *tokenCache) touch(key [sha256.Size]byte, used time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		e.tok.LastUsedAt = &used
		c.entries[key] = e
	}
}
