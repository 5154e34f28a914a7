package store

// AuditQuery lets the tests explain the audit list's query.
var AuditQuery = auditQuery

// CachedTables lets the tests check that each cached table has its triggers.
var CachedTables = cachedTables

// CacheLoads is how many values the cache has read to keep.
func (s *Store) CacheLoads() int64 { return s.cache.loads.Load() }

// CacheEntries is how many values the cache holds.
func (s *Store) CacheEntries() int {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	return len(s.cache.entries)
}

// CacheListener is the backend of the notifications' connection (0 while down) and how often it connected.
func (s *Store) CacheListener() (pid uint32, connects int64) {
	return s.cache.listener.Load(), s.cache.connects.Load()
}

// Queued lists the statements a batch would send, with their arguments, for the tests to explain.
func (b *Batch) Queued() (sqls []string, args [][]any) {
	for _, q := range b.b.QueuedQueries {
		sqls, args = append(sqls, q.SQL), append(args, q.Arguments)
	}
	return sqls, args
}
