// Package pagecache keeps drawn pages for the next identical request, in memory, bounded in bytes.
//
// A page is kept under a key that names everything it was drawn for (the server's: the user, the language,
// the day, the address) and with the data version that the request read before drawing it (migration
// 0021: a number that every committed change of what pages show moves on). It is served again only to a
// request that read the same version, so never older than a write acknowledged before that request
// began, whichever process made the write; and never after the instant it was kept until (a page that
// changes by itself when a lock ends). Once a newer version is seen, every page of the older ones is let
// go; so is every page once a version of another copy of the database is seen (Version.Origin), whose
// numbers say nothing of this one's. Past its bound in bytes (the pages with their keys), pages are let go
// at random until the new one fits.
package pagecache

import (
	"sync"
	"time"
)

// MaxPage is the largest page kept; larger ones are drawn every time.
const MaxPage = 512 << 10

// Version is the data version a request read (migration 0021) with the copy of the database it counts in.
// A restored backup, or a standby that took over, counts again through numbers that the lost data had
// already reached: the same number there names other data.
type Version struct {
	Origin string // names the copy of the database (store.SessionRead.Origin)
	N      int64
}

// Cache is the pages of one process; the zero value and a nil Cache keep nothing.
type Cache struct {
	mu      sync.Mutex
	max     int     // bytes of all pages together, with their keys
	size    int     // bytes kept now
	version Version // the newest data version seen, of the copy last seen; pages of others are gone
	pages   map[string]page
}

type page struct {
	body  []byte
	until time.Time // zero: as long as the version holds
}

// New returns a cache of at most maxBytes of pages and their keys; 0 keeps nothing.
func New(maxBytes int) *Cache {
	return &Cache{max: maxBytes, pages: map[string]page{}}
}

// Get returns the page kept under key at version, if it is still current at now.
func (c *Cache) Get(key string, version Version, now time.Time) ([]byte, bool) {
	if c == nil || c.max <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.see(version)
	p, ok := c.pages[key]
	if !ok || version != c.version || !p.until.IsZero() && !now.Before(p.until) {
		return nil, false
	}
	return p.body, true
}

// Put keeps body under key at version, until the instant until (zero: as long as the version holds); the
// caller gives body up. A page of a version older than one already seen is not kept, nor one larger than
// MaxPage, nor one that does not fit the whole bound with its key.
func (c *Cache) Put(key string, version Version, body []byte, until time.Time) {
	n := held(key, body)
	if c == nil || c.max <= 0 || len(body) > MaxPage || n > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.see(version)
	if version != c.version {
		return
	}
	if old, ok := c.pages[key]; ok {
		c.size -= held(key, old.body)
		delete(c.pages, key)
	}
	for k, p := range c.pages { // map order is random: so is the page let go
		if c.size+n <= c.max {
			break
		}
		c.size -= held(k, p.body)
		delete(c.pages, k)
	}
	c.pages[key] = page{body: body, until: until}
	c.size += n
}

// held is what a page holds against the bound: its body and its key, which names its address.
func held(key string, body []byte) int { return len(key) + len(body) }

// see moves the cache on to version when it is newer, or of another copy of the database, letting every
// page go. Under c.mu.
func (c *Cache) see(version Version) {
	if version.Origin != c.version.Origin || version.N > c.version.N {
		c.version = version
		clear(c.pages)
		c.size = 0
	}
}

// Size returns the bytes kept (pages and keys) and the number of pages, for the tests and the log.
func (c *Cache) Size() (bytes, pages int) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size, len(c.pages)
}
