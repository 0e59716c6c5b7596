package www

import (
	"html/template"
	"net/http"
	"sync"
	"time"

	"sozialplattform/tenant/web"
)

// pageCache keeps rendered pages that are the same for everyone (the
// "revalidate" pages: information, lists, legal texts) for a short time,
// keyed by language and URL, so that a popular service page costs neither
// database queries nor template work. Personal pages (finder, forms) are
// never stored. A change in the console shows after at most pageCacheTTL.
//
// A page without holes is sent gzip- or zstd-compressed from a form made
// once per kept page (web.StaticBody), not compressed again per request; a
// page with holes (the finder's result page) gzip-compressed from its parts
// compressed once, the request's token spliced in (web.GzipTemplate).
type pageCache struct {
	mu      sync.RWMutex
	entries map[string]cachedPage
	ttl     time.Duration
	max     int
	now     func() time.Time
	pc      *web.Precompressor
	gzBufs  sync.Pool // *[]byte, for the gzip answers of pages with holes
}

type cachedPage struct {
	body    []byte
	etag    string
	lang    string
	holes   []int             // offsets of the form token's placeholder (finder result pages)
	static  *web.StaticBody   // body with its compressed forms; nil for pages with holes
	gz      *web.GzipTemplate // a page with holes compressed but for them
	expires time.Time
}

// Limits of the page cache.
const (
	pageCacheTTL = 10 * time.Second
	pageCacheMax = 4096
)

func newPageCache(now func() time.Time) *pageCache {
	return &pageCache{entries: map[string]cachedPage{}, ttl: pageCacheTTL, max: pageCacheMax, now: now, pc: web.NewPrecompressor()}
}

func (c *pageCache) get(key string) (cachedPage, bool) {
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || c.now().After(e.expires) {
		return cachedPage{}, false
	}
	return e, true
}

func (c *pageCache) put(key string, e cachedPage) {
	e.expires = c.now().Add(c.ttl)
	if e.holes == nil {
		e.static = c.pc.Body(e.body, "text/html; charset=utf-8", e.etag)
	} else {
		e.gz = c.pc.Template(e.body, e.holes, len(tokenPlaceholder))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		clear(c.entries) // crude but bounded: the TTL is short anyway
	}
	c.entries[key] = e
}

// cacheKey names a GET request's page in a language; "" means the request
// is not cacheable.
func cacheKey(r *http.Request, lang string) string {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return ""
	}
	return lang + " " + r.URL.RequestURI()
}

// serveCached writes a cached page (or 304) and reports whether it did.
func (p *Portal) serveCached(w http.ResponseWriter, r *http.Request, key string) bool {
	e, ok := p.cache.get(key)
	if !ok {
		return false
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", e.lang)
	h.Set("Vary", "Accept-Language, Cookie")
	h.Set("Cache-Control", "no-cache")
	if e.static != nil {
		e.static.Serve(w, r, "", time.Time{}) // sets the ETag of the coding sent
		return true
	}
	h.Set("ETag", e.etag)
	if etagMatch(r.Header.Get("If-None-Match"), e.etag) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	if r.Method != http.MethodHead {
		_, _ = w.Write(e.body)
	}
	return true
}

// cardCache keeps rendered result cards of the finder, bounded in size.
type cardCache struct {
	mu    sync.RWMutex
	cards map[string]template.HTML
	max   int
}

func newCardCache() *cardCache { return &cardCache{cards: map[string]template.HTML{}, max: 4096} }

func (c *cardCache) get(key string) (template.HTML, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	h, ok := c.cards[key]
	return h, ok
}

func (c *cardCache) put(key string, h template.HTML) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cards) >= c.max {
		clear(c.cards)
	}
	c.cards[key] = h
}

// siteCacheTTL is how long a resolved site (tenant and settings) is kept.
const siteCacheTTL = 5 * time.Second

// siteCache keeps resolved sites, including "no such site" answers, so that
// a page does not look up its tenant and settings on every request.
type siteCache struct {
	mu    sync.RWMutex
	sites map[string]cachedSite
	now   func() time.Time
}

type cachedSite struct {
	site    siteView
	ok      bool
	expires time.Time
}

func newSiteCache(now func() time.Time) *siteCache {
	return &siteCache{sites: map[string]cachedSite{}, now: now}
}

// get returns the cached site, whether it exists, and whether the cache
// knew the key.
func (c *siteCache) get(key string) (siteView, bool, bool) {
	c.mu.RLock()
	e, found := c.sites[key]
	c.mu.RUnlock()
	if !found || c.now().After(e.expires) {
		return siteView{}, false, false
	}
	return e.site, e.ok, true
}

func (c *siteCache) put(key string, sv siteView, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.sites) >= 1024 {
		clear(c.sites)
	}
	c.sites[key] = cachedSite{site: sv, ok: ok, expires: c.now().Add(siteCacheTTL)}
}

// liveCache keeps each municipality's live Antragsstrecken for
// siteCacheTTL: every result and service page asks, the answer changes
// with a go-live a few times a year, and the application itself checks
// again when a draft starts.
type liveCache struct {
	mu      sync.RWMutex
	entries map[string]cachedLive
	now     func() time.Time
}

type cachedLive struct {
	keys    []string
	expires time.Time
}

func newLiveCache(now func() time.Time) *liveCache {
	return &liveCache{entries: map[string]cachedLive{}, now: now}
}

func (c *liveCache) get(tenantID string) ([]string, bool) {
	c.mu.RLock()
	e, ok := c.entries[tenantID]
	c.mu.RUnlock()
	if !ok || c.now().After(e.expires) {
		return nil, false
	}
	return e.keys, true
}

func (c *liveCache) put(tenantID string, keys []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= 1024 {
		clear(c.entries)
	}
	c.entries[tenantID] = cachedLive{keys: keys, expires: c.now().Add(siteCacheTTL)}
}
