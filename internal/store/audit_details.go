package store

import (
	"encoding/json"
	"sync"
)

// AuditDetail is an audit row's JSON detail read back: a change's record before and after (After nil for
// a record removed, Before nil for one created), or the facts recorded with an event. Keys are written as
// the details write them (min_age): a record marshalled from a Go struct (MinAge) is read the same way.
// Values are what encoding/json makes of JSON (string, float64, bool, nil, []any, map[string]any).
type AuditDetail struct {
	Before, After map[string]any
	Change        bool // Before or After is there
	Facts         map[string]any
}

// parseAuditDetail reads a row's detail; one that is empty or not a JSON object reads as nothing.
func parseAuditDetail(b []byte) *AuditDetail {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || len(m) == 0 {
		return &AuditDetail{}
	}
	before, hasBefore := m["before"].(map[string]any)
	after, hasAfter := m["after"].(map[string]any)
	if hasBefore || hasAfter {
		return &AuditDetail{Before: snakeKeys(before), After: snakeKeys(after), Change: true}
	}
	return &AuditDetail{Facts: snakeKeys(m)}
}

// snakeKeys writes the keys of a record marshalled from a Go struct (MinAge) as the other details write
// theirs (min_age). A map without such a key, as most are, is returned as it is.
func snakeKeys(m map[string]any) map[string]any {
	camel := false
	for k := range m {
		if hasUpper(k) {
			camel = true
			break
		}
	}
	if !camel {
		return m
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if !hasUpper(k) {
			out[k] = v
			continue
		}
		b := make([]byte, 0, len(k)+4)
		for i := 0; i < len(k); i++ {
			c := k[i]
			if 'A' <= c && c <= 'Z' {
				if i > 0 {
					b = append(b, '_')
				}
				c += 'a' - 'A'
			}
			b = append(b, c)
		}
		out[string(b)] = v
	}
	return out
}

// hasUpper reports whether s has an ASCII capital, as the Go field names that details hold do.
func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// The bounds of auditDetails: entries, and bytes of the details' JSON (what they take read back is a small
// multiple of it). A detail longer than maxAuditDetailBytes (a large import's list of national IDs) is
// read for each request and not kept.
const (
	maxAuditDetails     = 4096
	maxAuditDetailsSize = 1 << 20
	maxAuditDetailBytes = 16 << 10
)

// auditDetails keeps the details of the audit rows read lately, read back, by row id, so that each is
// parsed once per process rather than once per view. A row never changes once written (its hash chains
// it to the next), so a kept detail is never stale and nothing invalidates it; the cache only bounds
// itself, forgetting the details it kept first. Its zero value is empty and ready; it is safe for
// concurrent use.
type auditDetails struct {
	mu    sync.Mutex
	byID  map[int64]*AuditDetail
	queue []keptDetail // in the order kept: the first goes first
	size  int          // bytes of JSON kept
}

// keptDetail is one row's place in auditDetails' queue.
type keptDetail struct {
	id   int64
	size int
}

// read returns row id's detail, read back from its JSON b unless it was kept.
func (c *auditDetails) read(id int64, b []byte) *AuditDetail {
	c.mu.Lock()
	d, ok := c.byID[id]
	c.mu.Unlock()
	if ok {
		return d
	}
	d = parseAuditDetail(b)
	if len(b) > maxAuditDetailBytes {
		return d
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if kept, ok := c.byID[id]; ok { // read meanwhile by another request
		return kept
	}
	if c.byID == nil {
		c.byID = map[int64]*AuditDetail{}
	}
	for len(c.queue) > 0 && (len(c.queue) >= maxAuditDetails || c.size+len(b) > maxAuditDetailsSize) {
		first := c.queue[0]
		c.queue = c.queue[1:]
		delete(c.byID, first.id)
		c.size -= first.size
	}
	c.byID[id] = d
	c.queue = append(c.queue, keptDetail{id, len(b)})
	c.size += len(b)
	return d
}
