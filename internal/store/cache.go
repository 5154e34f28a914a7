package store

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
)

// The cache of reference data: the one place where the store keeps what it read for the next request.
//
// Each process keeps its own cache; several processes share one database. Triggers on the cached tables
// (migration 0018) move a generation on in cache_state as each writing transaction commits, once per
// table it changed, and NOTIFY every process of the table and the generation ('setad_cache',
// "generation table"). So no writer can forget to invalidate: the store's writes, the seed's, the
// migrations' and SQL typed by hand all fire them.
//
// A value is kept with the generation through which it is known to be current: the generation read
// before the value itself, raised by each notification of a table it does not read. A request reads the
// generation with its user, in the same query (SeeGeneration), so it knows of every write acknowledged
// before it began; a value older than that is read again, even when the notification of the write has not
// arrived yet. A request that writes reads its own write: after a write, it reads past the cache.
//
// The same query reads which copy of the database the generation counts in (cacheOrigin): a restored
// backup or a standby that took over counts again through generations the lost data had reached, so a
// request that sees another copy empties the cache first.
//
// The notifications come over a connection of their own (Listen). While it is down, a notification may be
// lost, so nothing is kept: the cache is emptied when the connection drops and again when it is back.
//
// To cache another table: list it in cachedTables, give it the two triggers in a migration, and read it
// through cached with the tables the query reads and a key naming its arguments.

// cachedTables are the tables whose rows the cache keeps; each has the triggers of migration 0018 (the
// milestones those of migration 0022).
var cachedTables = []string{"provinces", "counties", "districts", "cities", "committees", "election_kinds", "elections",
	"board_rules", "candidate_rules", "milestones", "province_committees", "election_systems"}

// tables is a set of cachedTables, one bit each.
type tables uint64

// tablesOf names a set of cached tables; a name outside cachedTables is a mistake of the caller's code.
func tablesOf(names ...string) tables {
	var t tables
	for _, n := range names {
		i := slices.Index(cachedTables, n)
		if i < 0 {
			panic("store: " + n + " is not a cached table")
		}
		t |= 1 << i
	}
	return t
}

// The sets of tables the cached readers read.
var (
	readsPlaces         = tablesOf("provinces", "counties", "districts", "cities")
	readsProvinces      = tablesOf("provinces")
	readsCommittees     = tablesOf("province_committees")
	readsSystems        = tablesOf("election_systems", "province_committees")
	readsElections      = tablesOf("elections")
	readsBoardRules     = tablesOf("board_rules", "election_kinds")
	readsCandidateRules = tablesOf("candidate_rules", "election_kinds")
	// an election with its rule
	readsCandidateElection = tablesOf("elections", "candidate_rules")
	readsMilestoneTemplate = tablesOf("milestones")
	// an election's milestones, with their dates: a move of its day moves them
	readsMilestones = tablesOf("milestones", "elections")
)

// cacheChannel is the channel of the triggers' notifications.
const cacheChannel = "setad_cache"

// maxCacheEntries bounds the cache: past it, the cache starts again empty. A key is a reader with its
// scope and language, so a country's places fill a few thousand.
const maxCacheEntries = 20000

// cache is the reference data a process keeps, by key (reader, arguments, language).
type cache struct {
	mu        sync.Mutex
	listening bool   // the notifications arrive: values may be kept
	origin    string // the copy of the database the values were read from (cacheOrigin)
	entries   map[string]*entry
	loads     atomic.Int64  // values read to be kept, for the tests
	running   atomic.Bool   // a Listen runs
	listener  atomic.Uint32 // the backend of its connection, while connected
	connects  atomic.Int64  // how often it connected
}

// entry is one kept value. done is closed when the value is read; until then, other readers of the key
// wait for it rather than read it too.
type entry struct {
	reads   tables
	done    chan struct{}
	val     any
	err     error
	through int64 // the generation through which val is current; under cache.mu
}

// seen is what a request knows of the cached data: the generation as its first query read it, the copy of
// the database it counts in, and whether the request has written since (then it reads past the cache).
type seen struct {
	generation int64
	origin     string
	wrote      atomic.Bool
}

// cacheOrigin names the copy of the database that cache_state's numbers count in (alias cs): the storage of
// cache_state, which a restore (pg_restore, which makes the table anew, or one that empties it) replaces,
// and the start of the database server, which a standby taking over, or a recovery to an earlier point,
// changes. Such a copy counts again through numbers the lost data had already reached, with other data.
const cacheOrigin = `pg_relation_filenode(cs.tableoid) || ' ' || extract(epoch FROM pg_postmaster_start_time())`

type seenKey struct{}

// SeeGeneration returns a context in which the store serves cached reference data that is current as of
// generation in the copy of the database origin names: both read by the request's first query
// (ReadSession). A request that sees another copy than the cache's empties the cache. Without it, the
// store reads the database every time.
func SeeGeneration(ctx context.Context, generation int64, origin string) context.Context {
	return context.WithValue(ctx, seenKey{}, &seen{generation: generation, origin: origin})
}

func seenFrom(ctx context.Context) *seen {
	s, _ := ctx.Value(seenKey{}).(*seen)
	return s
}

// wrote tells the request that it wrote, so that what it reads next shows its write.
func wrote(ctx context.Context) {
	if s := seenFrom(ctx); s != nil {
		s.wrote.Store(true)
	}
}

// serves reports whether the cache may answer a read in ctx.
func (c *cache) serves(ctx context.Context) bool {
	s := seenFrom(ctx)
	if s == nil || s.wrote.Load() {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.listening
}

// meet moves the cache to the copy of the database that a request saw, letting every value of another go.
// Under c.mu.
func (c *cache) meet(origin string) {
	if origin != c.origin {
		clear(c.entries)
		c.origin = origin
	}
}

// fresh returns the value kept under key if it is current as of the request's generation. Under c.mu.
func (c *cache) fresh(sn *seen, key string) (*entry, bool) {
	e := c.entries[key]
	if e == nil {
		return nil, false
	}
	select {
	case <-e.done:
		return e, e.err == nil && e.through >= sn.generation
	default:
		return e, false // being read
	}
}

// keep keeps v under key, read at generation g of the copy origin, unless a value as new is kept or being
// read, or the cache has met another copy since. Under c.mu.
func (c *cache) keep(key string, reads tables, g int64, origin string, v any) {
	if origin != c.origin {
		return
	}
	if e, ok := c.fresh(&seen{generation: g}, key); ok || e != nil && !isDone(e) {
		return
	}
	if len(c.entries) >= maxCacheEntries {
		clear(c.entries)
	}
	e := &entry{reads: reads, done: make(chan struct{}), val: v, through: g}
	close(e.done)
	c.entries[key] = e
}

func isDone(e *entry) bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

// cached returns what load reads, kept under key: from the cache when it holds a value current as of the
// request's generation, else read (once for all the readers waiting for it) and kept. reads are the
// tables load reads. The value is shared: the caller copies it before handing it out (cachedList). The
// reads that join a Batch are kept through queueCached instead.
func cached[T any](ctx context.Context, s *Store, reads tables, key string, load func(context.Context) (T, error)) (T, error) {
	sn := seenFrom(ctx)
	if sn == nil || sn.wrote.Load() {
		return load(ctx)
	}
	c := &s.cache
	for {
		c.mu.Lock()
		if !c.listening {
			c.mu.Unlock()
			return load(ctx)
		}
		c.meet(sn.origin)
		e, ok := c.fresh(sn, key)
		if ok {
			c.mu.Unlock()
			return e.val.(T), nil
		}
		if e != nil && !isDone(e) { // another reader is reading it: wait for its value
			c.mu.Unlock()
			select {
			case <-e.done:
			case <-ctx.Done():
				var zero T
				return zero, ctx.Err()
			}
			continue
		}
		if len(c.entries) >= maxCacheEntries {
			clear(c.entries)
		}
		e = &entry{reads: reads, done: make(chan struct{})}
		c.entries[key] = e
		c.mu.Unlock()

		c.loads.Add(1)
		// The generation first, then the value: the value is at least as new as the generation it is kept
		// with, never older.
		var g int64
		var origin string
		err := s.pool.QueryRow(ctx, `SELECT generation, `+cacheOrigin+` FROM cache_state cs`).Scan(&g, &origin)
		var v T
		if err == nil {
			v, err = load(ctx)
		}
		c.mu.Lock()
		e.val, e.err, e.through = v, err, g
		if (err != nil || origin != c.origin) && c.entries[key] == e { // the readers waiting take it, no one else
			delete(c.entries, key)
		}
		close(e.done)
		c.mu.Unlock()
		return v, err
	}
}

// cachedList is cached for a list: each caller gets a copy of its own (copyList).
func cachedList[T any](ctx context.Context, s *Store, reads tables, key string, load func(context.Context) ([]T, error),
	deep func(T) T) ([]T, error) {
	v, err := cached(ctx, s, reads, key, load)
	if err != nil {
		return nil, err
	}
	return copyList(v, deep), nil
}

// copyList copies a list, each element by deep (nil for elements without pointers or slices), so that no
// caller can change what another reads.
func copyList[T any](v []T, deep func(T) T) []T {
	v = slices.Clone(v)
	if deep != nil {
		for i := range v {
			v[i] = deep(v[i])
		}
	}
	return v
}

// cachedRead is a read of reference data that a Batch holds until Run: served from the cache, or queued
// with the batch's other reads and kept.
type cachedRead struct {
	key   string
	reads tables
	serve func(v any)    // fills the caller's results from a kept value, copying it
	query func(b *Batch) // queues the read, which fills the caller's results
	kept  func() any     // a copy of the results, to keep
}

// queueCached queues a read of reference data (see cachedRead).
func (b *Batch) queueCached(reads tables, key string, serve func(any), query func(*Batch), kept func() any) {
	b.cached = append(b.cached, cachedRead{key: key, reads: reads, serve: serve, query: query, kept: kept})
}

// queueList queues a read of a list of reference data into out (copyList).
func queueList[T any](b *Batch, reads tables, key string, out *[]T, deep func(T) T, query func(*Batch)) {
	b.queueCached(reads, key, func(v any) { *out = copyList(v.([]T), deep) }, query, func() any { return copyList(*out, deep) })
}

// serveCached serves the batch's cached reads that the cache holds and queues the others, after a read of
// the generation when what they read is to be kept. It returns what to keep once the batch has run.
func (c *cache) serveCached(ctx context.Context, b *Batch) (keep func()) {
	reads := b.cached
	b.cached = nil
	sn := seenFrom(ctx)
	if len(reads) == 0 || sn == nil || sn.wrote.Load() {
		for _, r := range reads {
			r.query(b)
		}
		return func() {}
	}
	var missed []cachedRead
	c.mu.Lock()
	listening := c.listening
	c.meet(sn.origin)
	for _, r := range reads {
		if e, ok := c.fresh(sn, r.key); listening && ok {
			r.serve(e.val)
		} else {
			missed = append(missed, r)
		}
	}
	c.mu.Unlock()
	if len(missed) == 0 || !listening {
		for _, r := range missed {
			r.query(b)
		}
		return func() {}
	}
	var g int64
	var origin string
	b.queueRow(`SELECT generation, `+cacheOrigin+` FROM cache_state cs`, func(row pgx.Row) error { return row.Scan(&g, &origin) })
	for _, r := range missed {
		r.query(b)
	}
	c.loads.Add(int64(len(missed)))
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if !c.listening {
			return
		}
		for _, r := range missed {
			c.keep(r.key, r.reads, g, origin, r.kept())
		}
	}
}

// clonePtr returns a pointer to a copy of *p, or nil.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// cacheKey names a reader's value: the reader, its arguments, the scope and the reader's language (the
// lists are in its alphabet).
func cacheKey(ctx context.Context, reader string, sc auth.Scope, args ...string) string {
	b := make([]byte, 0, 64)
	b = append(b, reader...)
	b = append(b, '|')
	b = append(b, i18n.From(ctx)...)
	for _, id := range []int64{sc.ProvinceID, sc.CountyID, sc.DistrictID} {
		b = append(b, '|')
		b = strconv.AppendInt(b, id, 10)
	}
	for _, a := range args {
		b = append(b, '|')
		b = append(b, a...)
	}
	return string(b)
}

// apply takes in one notification: the values that read its table are dropped, and those that were
// current through the generation before it are current through it.
func (c *cache) apply(payload string) {
	gs, name, ok := strings.Cut(payload, " ")
	g, err := strconv.ParseInt(gs, 10, 64)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !ok || err != nil {
		clear(c.entries)
		return
	}
	var t tables // a table this process does not cache (a newer process's) changes none of its values
	if i := slices.Index(cachedTables, name); i >= 0 {
		t = 1 << i
	}
	for k, e := range c.entries {
		if e.reads&t != 0 {
			delete(c.entries, k)
			continue
		}
		select {
		case <-e.done:
			if e.err == nil && e.through == g-1 {
				e.through = g
			}
		default: // being read: kept with the generation its reader read
		}
	}
}

// trust empties the cache and lets it keep values (the notifications arrive), or empties it and keeps
// nothing (they may be lost).
func (c *cache) trust(listening bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.listening = listening
	clear(c.entries)
}

// Listen keeps the cache in step with the writes of every process that shares the database, until ctx
// ends: it LISTENs on a connection of its own, and connects again after a failure (reported to failed),
// with the cache empty and unused meanwhile. It runs in a goroutine of its own, once per Store: a second
// call while one runs returns at once.
func (s *Store) Listen(ctx context.Context, failed func(error)) {
	if !s.cache.running.CompareAndSwap(false, true) {
		return // another one keeps it
	}
	defer s.cache.running.Store(false)
	wait := 100 * time.Millisecond
	for {
		err := s.listen(ctx)
		s.cache.trust(false)
		if s.cache.listener.Swap(0) != 0 {
			wait = 100 * time.Millisecond // it was up: try again soon
		}
		if ctx.Err() != nil {
			return
		}
		failed(err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// listen connects, LISTENs and applies the notifications until the connection fails or ctx ends.
func (s *Store) listen(ctx context.Context) error {
	cfg := s.pool.Config().ConnConfig.Copy()
	cfg.Tracer = nil // the pool's tracer counts a page's queries, not these
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `LISTEN `+cacheChannel); err != nil {
		return err
	}
	s.cache.listener.Store(conn.PgConn().PID())
	s.cache.connects.Add(1)
	s.cache.trust(true) // a write may have committed unheard before the LISTEN
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		s.cache.apply(n.Payload)
	}
}

// Caching reports whether the cache keeps values: Listen is connected.
func (s *Store) Caching() bool {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	return s.cache.listening
}
