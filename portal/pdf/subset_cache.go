package pdf

import "sync"

// subsetCache keeps compressed font subsets by the set of glyphs they
// hold. Most applications are written in the same alphabet, so documents
// keep embedding the same subset, and compressing it was most of a
// document's fixed cost. Entries are immutable once stored; the cache is
// bounded and simply starts over when full.
type subsetCache struct {
	mu      sync.Mutex
	entries map[string]compressedSubset
}

type compressedSubset struct {
	z      []byte // the deflated TrueType subset
	length int    // its uncompressed length (/Length1)
}

const subsetCacheMax = 64

// key packs the used-glyph flags into a string, one bit per glyph.
func (c *subsetCache) key(used []bool) string {
	b := make([]byte, (len(used)+7)/8)
	for g, ok := range used {
		if ok {
			b[g/8] |= 1 << (g % 8)
		}
	}
	return string(b)
}

func (c *subsetCache) get(key string) (compressedSubset, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	return e, ok
}

func (c *subsetCache) put(key string, e compressedSubset) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= subsetCacheMax {
		c.entries = map[string]compressedSubset{}
	}
	c.entries[key] = e
}
