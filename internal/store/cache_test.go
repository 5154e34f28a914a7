package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
)

// listening runs the store's notifications until the test ends, and waits until they arrive.
func (f *fixture) listening() context.CancelFunc {
	f.t.Helper()
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.st.Listen(ctx, func(err error) { f.t.Logf("listen: %v", err) })
	}()
	f.t.Cleanup(func() { cancel(); <-done })
	f.until("the notifications connect", func() bool { pid, _ := f.st.CacheListener(); return pid != 0 })
	return cancel
}

// until waits for what a goroutine of the store does in the background.
func (f *fixture) until(what string, ok func() bool) {
	f.t.Helper()
	for range 1000 {
		if ok() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.t.Fatalf("waited in vain for %s", what)
}

// seen is a request's context as of the database's current generation.
func (f *fixture) seen() context.Context {
	f.t.Helper()
	var g int64
	var origin string
	f.scan(`SELECT generation, pg_relation_filenode(cs.tableoid) || ' ' || extract(epoch FROM pg_postmaster_start_time())
		FROM cache_state cs`, nil, &g, &origin)
	return store.SeeGeneration(f.ctx, g, origin)
}

// behindTheCache runs sql with the triggers off, as if the database changed without telling anyone.
func (f *fixture) behindTheCache(sql string) {
	f.t.Helper()
	f.exec(`BEGIN; SET LOCAL session_replication_role = replica; ` + sql + `; COMMIT`)
}

func (f *fixture) countyName(ctx context.Context, code string) string {
	f.t.Helper()
	cs, err := f.st.Counties(ctx, auth.Scope{})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, c := range cs {
		if c.Code == code {
			return c.NameEn
		}
	}
	f.t.Fatalf("no county %s", code)
	return ""
}

// A kept value is served to the requests that began before a change, and read again by those that began
// after it, from the generation alone, whether or not its notification has arrived.
func TestCacheGeneration(t *testing.T) {
	f := bareFixture(t)
	f.listening()
	old := f.seen()
	if got := f.countyName(old, "marvdasht"); got != "Marvdasht" {
		t.Fatalf("name %q", got)
	}
	loads := f.st.CacheLoads()
	f.behindTheCache(`UPDATE counties SET name_en = 'Changed' WHERE code = 'marvdasht'`)
	if got := f.countyName(old, "marvdasht"); got != "Marvdasht" || f.st.CacheLoads() != loads {
		t.Fatalf("kept value not served: %q, %d loads after %d", got, f.st.CacheLoads(), loads)
	}
	// A generation moved on without a notification, as when a commit is acknowledged before its
	// notification arrives.
	f.behindTheCache(`UPDATE cache_state SET generation = generation + 1`)
	if got := f.countyName(f.seen(), "marvdasht"); got != "Changed" {
		t.Errorf("after the generation moved on: %q, want Changed", got)
	}
	if f.st.CacheLoads() != loads+1 {
		t.Errorf("%d loads, want %d", f.st.CacheLoads(), loads+1)
	}
	// Without a generation (the command line, the seed), the store reads the database.
	f.behindTheCache(`UPDATE counties SET name_en = 'Again' WHERE code = 'marvdasht'`)
	if got := f.countyName(f.ctx, "marvdasht"); got != "Again" {
		t.Errorf("without a generation: %q, want Again", got)
	}
}

// A restored backup counts its generations again from the backup's, with other data: a value kept at a
// generation of the lost data is not served when the restored copy reaches that generation.
func TestCacheRestoredDatabase(t *testing.T) {
	f := bareFixture(t)
	f.listening()
	var backup int64
	f.scan(`SELECT generation FROM cache_state`, nil, &backup)
	f.exec(`UPDATE counties SET name_en = 'Lost' WHERE code = 'marvdasht'`)
	if got := f.countyName(f.seen(), "marvdasht"); got != "Lost" {
		t.Fatalf("after the change: %q", got)
	}
	var lost int64
	f.scan(`SELECT generation FROM cache_state`, nil, &lost)
	// The restore, as pg_restore makes it: cache_state anew with the backup's numbers, the rows as they
	// were, and no trigger fires.
	f.behindTheCache(fmt.Sprintf(`TRUNCATE cache_state; INSERT INTO cache_state (generation) VALUES (%d);
		UPDATE counties SET name_en = 'Marvdasht' WHERE code = 'marvdasht'`, backup))
	// Changes of a table the counties do not read bring the restored copy to the lost generation.
	for range lost - backup {
		f.exec(`UPDATE committees SET name_en = name_en WHERE key = (SELECT min(key) FROM committees)`)
	}
	var now int64
	f.scan(`SELECT generation FROM cache_state`, nil, &now)
	if now != lost {
		t.Fatalf("generation %d, want %d", now, lost)
	}
	if got := f.countyName(f.seen(), "marvdasht"); got != "Marvdasht" {
		t.Fatalf("after the restore: %q, want the restored Marvdasht", got)
	}
}

// A change drops the values that read its table in every process, as its notification arrives; the
// values of other tables stay, current through the change's generation.
func TestCacheNotification(t *testing.T) {
	f := bareFixture(t)
	f.listening()
	old := f.seen()
	f.countyName(old, "marvdasht")
	if _, err := f.st.BoardRules(old); err != nil {
		t.Fatal(err)
	}
	loads := f.st.CacheLoads()
	f.exec(`UPDATE cities SET population = 12345 WHERE code = 'marvdasht'`)
	f.until("the counties dropped", func() bool { return f.st.CacheEntries() == 1 })
	if _, err := f.st.BoardRules(f.seen()); err != nil {
		t.Fatal(err)
	}
	if f.st.CacheLoads() != loads {
		t.Errorf("the board rules were read again after a change of a city")
	}
	k, err := f.st.ConstituencyByCode(old, auth.Scope{}, "marvdasht")
	if err != nil || k.Population != 12345 {
		t.Errorf("constituency after the change: %+v %v", k, err)
	}
	// A change of several tables in one transaction.
	f.exec(`BEGIN; UPDATE board_rules SET trusted_main = 9 WHERE level = 'county';
		UPDATE counties SET name_en = 'Renamed' WHERE code = 'marvdasht'; COMMIT`)
	f.until("both dropped", func() bool { return f.st.CacheEntries() == 0 })
	if got := f.countyName(old, "marvdasht"); got != "Renamed" {
		t.Errorf("county after the change: %q", got)
	}
}

// A request that writes reads its own write, before any notification.
func TestCacheReadsOwnWrite(t *testing.T) {
	f := bareFixture(t)
	f.listening()
	ctx := f.seen()
	f.countyName(ctx, "marvdasht")
	if _, err := f.st.AddElection(ctx, audit.System, store.NewElection{Code: "w", Kind: "councils", TitleFa: "w", TitleEn: "w",
		ElectionDay: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	f.behindTheCache(`UPDATE counties SET name_en = 'Changed' WHERE code = 'marvdasht'`)
	if got := f.countyName(ctx, "marvdasht"); got != "Changed" {
		t.Errorf("after the request wrote: %q, want what the database has", got)
	}
}

// Readers that miss at once read the value once; each gets a copy of its own.
func TestCacheConcurrentLoads(t *testing.T) {
	f := bareFixture(t)
	f.listening()
	ctx := f.seen()
	var wg sync.WaitGroup
	got := make([][]store.BoardRule, 16)
	for i := range got {
		wg.Go(func() {
			rules, err := f.st.BoardRules(ctx)
			if err != nil {
				t.Error(err)
			}
			got[i] = rules
		})
	}
	wg.Wait()
	if n := f.st.CacheLoads(); n != 1 {
		t.Errorf("%d loads, want 1", n)
	}
	for i := range got {
		if len(got[i]) == 0 || !reflect.DeepEqual(got[i], got[0]) {
			t.Fatalf("reader %d got %v, want %v", i, got[i], got[0])
		}
	}
	want, _ := f.st.BoardRules(ctx)
	got[1][0].TrustedMain = 99
	got[1][0].ExOfficio[0] = "changed by a caller"
	*got[1][0].FormedWithinDays = 99
	again, _ := f.st.BoardRules(ctx)
	if !reflect.DeepEqual(again, want) || again[0].TrustedMain == 99 {
		t.Errorf("a caller's change reached the cache: %v", again)
	}
}

// When the notifications' connection drops, the cache is emptied and serves nothing until it is back,
// emptied again; when Listen ends, the cache serves nothing.
func TestCacheListenerReconnect(t *testing.T) {
	f := bareFixture(t)
	stop := f.listening()
	ctx := f.seen()
	f.countyName(ctx, "marvdasht")
	if f.st.CacheEntries() != 1 {
		t.Fatalf("%d entries", f.st.CacheEntries())
	}
	pid, connects := f.st.CacheListener()
	f.exec(`SELECT pg_terminate_backend($1)`, int(pid))
	f.until("the notifications reconnect", func() bool { _, n := f.st.CacheListener(); return n == connects+1 })
	if n := f.st.CacheEntries(); n != 0 {
		t.Errorf("%d entries after the connection dropped, want 0", n)
	}
	loads := f.st.CacheLoads()
	f.countyName(ctx, "marvdasht")
	if f.st.CacheLoads() != loads+1 {
		t.Errorf("not read again after the reconnection")
	}
	stop()
	f.until("the notifications stop", func() bool { pid, _ := f.st.CacheListener(); return pid == 0 && f.st.CacheEntries() == 0 })
	loads = f.st.CacheLoads()
	f.countyName(ctx, "marvdasht")
	f.countyName(ctx, "marvdasht")
	if f.st.CacheLoads() != loads || f.st.CacheEntries() != 0 {
		t.Errorf("kept values without notifications")
	}
}

// Every cached table tells the caches of its changes: it has both triggers of migration 0018.
func TestCachedTablesHaveTriggers(t *testing.T) {
	f := bareFixture(t)
	for _, table := range store.CachedTables {
		var names []string
		f.scan(`SELECT coalesce(array_agg(tgname::text ORDER BY tgname), '{}') FROM pg_trigger
			WHERE tgrelid = $1::regclass AND tgfoid = 'cache_touch'::regproc`, []any{table}, &names)
		if !slices.Equal(names, []string{"cache_touch", "cache_touch_truncate"}) {
			t.Errorf("%s: triggers %v", table, names)
		}
	}
	// One generation per table changed, however many rows.
	var before, after int64
	f.scan(`SELECT generation FROM cache_state`, nil, &before)
	f.exec(`BEGIN; UPDATE cities SET population = 10; UPDATE counties SET name_en = name_en; UPDATE cities SET population = 11; COMMIT`)
	f.scan(`SELECT generation FROM cache_state`, nil, &after)
	if after != before+2 {
		t.Errorf("generation %d → %d, want two steps", before, after)
	}
}
