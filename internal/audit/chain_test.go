package audit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/dbtest"
)

// write appends entries by a in a transaction of their own.
func write(ctx context.Context, pool *pgxpool.Pool, a audit.Actor, entries ...audit.Entry) error {
	return audit.Write(ctx, pool, a, func(pgx.Tx) ([]audit.Entry, error) { return entries, nil })
}

// Twenty writers append at once; the chain stays one line, then any altered or removed row is named.
func TestChainConcurrentWritersThenTamper(t *testing.T) {
	st, _ := dbtest.NewStore(t)
	pool := st.Pool()
	ctx := context.Background()
	const writers, each = 20, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := write(ctx, pool, audit.Actor{ID: 0, Name: fmt.Sprintf("writer-%d", w), Remote: "127.0.0.1"},
					audit.Entry{Action: "test.write", Entity: "test", EntityID: fmt.Sprint(i),
						Detail: audit.Change{Before: map[string]int{"n": i}, After: map[string]int{"n": i + 1}}})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	c, err := audit.Verify(ctx, pool)
	if err != nil {
		t.Fatalf("intact chain reported broken: %v", err)
	}
	if c.Rows != writers*each {
		t.Fatalf("verified %d rows, want %d", c.Rows, writers*each)
	}
	var forks int
	if err := pool.QueryRow(ctx, `SELECT count(*) - count(DISTINCT prev_hash) FROM audit_log`).Scan(&forks); err != nil {
		t.Fatal(err)
	}
	if forks != 0 {
		t.Fatalf("%d rows share a previous hash: the chain forked", forks)
	}
	// A rolled-back change leaves no audit row and does not break the chain.
	err = audit.Write(ctx, pool, audit.System, func(pgx.Tx) ([]audit.Entry, error) {
		return []audit.Entry{{Action: "test.rollback", Entity: "test"}}, errors.New("roll back")
	})
	if err == nil || err.Error() != "roll back" {
		t.Fatalf("Write returned %v, want the work's error", err)
	}
	if _, err := audit.Verify(ctx, pool); err != nil {
		t.Fatalf("rollback broke the chain: %v", err)
	}

	var ids []int64
	rows, _ := pool.Query(ctx, `SELECT id FROM audit_log ORDER BY id`)
	ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	tamper := ids[len(ids)/2]
	if _, err := pool.Exec(ctx, `UPDATE audit_log SET detail = '{"after":{"n":999}}' WHERE id = $1`, tamper); err != nil {
		t.Fatal(err)
	}
	_, err = audit.Verify(ctx, pool)
	var broken *audit.Broken
	if !errors.As(err, &broken) || broken.ID != tamper {
		t.Fatalf("altered row %d: Verify = %v", tamper, err)
	}
	if !strings.Contains(err.Error(), fmt.Sprint(tamper)) {
		t.Fatalf("error %q does not name row %d", err, tamper)
	}
}

// The entries of one transaction are chained in the order given, under one lock, and the head moves to
// the last of them; a transaction that changed nothing appends nothing.
func TestWriteSeveralEntries(t *testing.T) {
	st, _ := dbtest.NewStore(t)
	pool := st.Pool()
	ctx := context.Background()
	if err := write(ctx, pool, audit.System); err != nil {
		t.Fatal(err)
	}
	if h, err := audit.CurrentHead(ctx, pool); err != nil || h != (audit.Head{}) {
		t.Fatalf("head after a write with no entries: %+v, %v", h, err)
	}
	err := write(ctx, pool, audit.Actor{ID: 0, Name: "someone", Remote: "192.0.2.1"},
		audit.Entry{Action: "test.first", Entity: "test", EntityID: "1", Detail: map[string]int{"n": 1}},
		audit.Entry{Action: "test.second", Entity: "test", EntityID: "2"},
		audit.Entry{Action: "test.third", Entity: "test", EntityID: "3", ProvinceID: 0})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, `SELECT action FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	actions, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(actions, ",") != "test.first,test.second,test.third" {
		t.Fatalf("rows in the order %v", actions)
	}
	c, err := audit.Verify(ctx, pool)
	if err != nil || c.Rows != 3 {
		t.Fatalf("Verify = %+v, %v", c, err)
	}
	var lastID int64
	var lastHash string
	if err := pool.QueryRow(ctx, `SELECT id, hash FROM audit_log WHERE action = 'test.third'`).Scan(&lastID, &lastHash); err != nil {
		t.Fatal(err)
	}
	if want := (audit.Head{ID: lastID, Hash: lastHash}); c.Head != want {
		t.Fatalf("Verify's head %v, want the last row %v", c.Head, want)
	}
	if h, err := audit.CurrentHead(ctx, pool); err != nil || h != c.Head {
		t.Fatalf("CurrentHead = %v, %v; want %v", h, err, c.Head)
	}
	// A detail that cannot be marshalled fails the whole transaction.
	err = write(ctx, pool, audit.System, audit.Entry{Action: "test.bad", Entity: "test", Detail: func() {}})
	if err == nil || !strings.Contains(err.Error(), "test.bad") {
		t.Fatalf("unmarshallable detail: %v", err)
	}
	if h, _ := audit.CurrentHead(ctx, pool); h != c.Head {
		t.Fatalf("a failed write moved the head to %v", h)
	}
}

func TestChainRemovedRows(t *testing.T) {
	tests := []struct {
		name   string
		remove func(ids []int64) int64 // returns the row removed
		bad    func(ids []int64) int64 // the row Verify must name
	}{
		{"middle row", func(ids []int64) int64 { return ids[3] }, func(ids []int64) int64 { return ids[4] }},
		{"first row", func(ids []int64) int64 { return ids[0] }, func(ids []int64) int64 { return ids[1] }},
		{"last row", func(ids []int64) int64 { return ids[len(ids)-1] }, func(ids []int64) int64 { return ids[len(ids)-1] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := dbtest.NewStore(t)
			pool := st.Pool()
			ctx := context.Background()
			for i := range 8 {
				if err := write(ctx, pool, audit.System, audit.Entry{Action: "test.write", Entity: "test", EntityID: fmt.Sprint(i)}); err != nil {
					t.Fatal(err)
				}
			}
			rows, _ := pool.Query(ctx, `SELECT id FROM audit_log ORDER BY id`)
			ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := pool.Exec(ctx, `DELETE FROM audit_log WHERE id = $1`, tt.remove(ids)); err != nil {
				t.Fatal(err)
			}
			_, err = audit.Verify(ctx, pool)
			var broken *audit.Broken
			if !errors.As(err, &broken) || broken.ID != tt.bad(ids) {
				t.Fatalf("Verify = %v, want row %d named", err, tt.bad(ids))
			}
		})
	}
}

// Verify reads the chain and its head as of one moment: while writers append, every run finds it intact.
func TestVerifyWhileWriting(t *testing.T) {
	st, _ := dbtest.NewStore(t)
	pool := st.Pool()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	writeErrs := make(chan error, 3)
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				err := write(context.Background(), pool, audit.Actor{Name: fmt.Sprintf("writer-%d", w)},
					audit.Entry{Action: "test.write", Entity: "test", EntityID: fmt.Sprint(i)})
				if err != nil {
					writeErrs <- err
					return
				}
			}
		}()
	}
	runs, seen := 0, 0
	for ; ctx.Err() == nil; runs++ {
		c, err := audit.Verify(context.Background(), pool)
		if err != nil {
			t.Errorf("run %d: %v", runs+1, err)
			break
		}
		seen = max(seen, c.Rows)
	}
	cancel()
	wg.Wait()
	close(writeErrs)
	for err := range writeErrs {
		t.Fatal(err)
	}
	if runs < 10 || seen == 0 {
		t.Errorf("%d verifications, at most %d rows seen: the writers and the verifier did not overlap", runs, seen)
	}
}

// A head kept outside the database catches what the chain alone cannot: rows rewritten from some row on
// with their hashes recomputed, so that the chain is consistent again.
func TestVerifyAgainstHead(t *testing.T) {
	st, _ := dbtest.NewStore(t)
	pool := st.Pool()
	ctx := context.Background()
	for i := range 10 {
		if err := write(ctx, pool, audit.Actor{Name: "hq.fars", Remote: "192.0.2.7"},
			audit.Entry{Action: "test.write", Entity: "test", EntityID: fmt.Sprint(i), Detail: map[string]int{"n": i}}); err != nil {
			t.Fatal(err)
		}
	}
	head, err := audit.CurrentHead(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := audit.ParseHead(head.String())
	if err != nil || parsed != head {
		t.Fatalf("ParseHead(%q) = %v, %v", head.String(), parsed, err)
	}
	rows, _ := pool.Query(ctx, `SELECT id, hash FROM audit_log ORDER BY id`)
	type idHash struct {
		ID   int64
		Hash string
	}
	chain, err := pgx.CollectRows(rows, pgx.RowToStructByPos[idHash])
	if err != nil {
		t.Fatal(err)
	}
	mid := audit.Head{ID: chain[4].ID, Hash: chain[4].Hash}

	if _, err := audit.Verify(ctx, pool, head, mid); err != nil {
		t.Fatalf("intact chain against its own heads: %v", err)
	}
	// Later appends keep an old head valid.
	if err := write(ctx, pool, audit.System, audit.Entry{Action: "test.later", Entity: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.Verify(ctx, pool, head); err != nil {
		t.Fatalf("an older head after more appends: %v", err)
	}

	var broken *audit.Broken
	beyond := audit.Head{ID: head.ID + 1000, Hash: head.Hash}
	_, err = audit.Verify(ctx, pool, beyond)
	if !errors.As(err, &broken) || broken.ID != beyond.ID || !strings.Contains(err.Error(), "not in the chain") {
		t.Fatalf("a head beyond the chain: %v", err)
	}

	// Rewrite every row from the middle on, recomputing each hash from the one before, and move the head:
	// a consistent chain that is not the one anchored.
	rewriteFrom(t, pool, mid.ID)
	if _, err := audit.Verify(ctx, pool); err != nil {
		t.Fatalf("the rewritten chain is not consistent, so this test proves nothing: %v", err)
	}
	_, err = audit.Verify(ctx, pool, mid)
	if !errors.As(err, &broken) || broken.ID != mid.ID || !strings.Contains(err.Error(), "rewritten") {
		t.Fatalf("a head rewritten with recomputed hashes: Verify = %v, want row %d named", err, mid.ID)
	}
	_, err = audit.Verify(ctx, pool, head)
	if !errors.As(err, &broken) || broken.ID != head.ID {
		t.Fatalf("the old last row after the rewrite: Verify = %v, want row %d named", err, head.ID)
	}
	// A head from before the rewritten rows still holds.
	if _, err := audit.Verify(ctx, pool, audit.Head{ID: chain[3].ID, Hash: chain[3].Hash}); err != nil {
		t.Fatalf("a head before the rewrite: %v", err)
	}
}

// rewriteFrom alters the detail of every row from id on and recomputes the hashes, as someone with write
// access to the database could.
func rewriteFrom(t *testing.T, pool *pgxpool.Pool, from int64) {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `
		SELECT id, at, coalesce(actor_id, 0), actor, action, entity, entity_id, coalesce(province_id, 0),
		       remote, detail::text, prev_hash, hash
		FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	all, err := pgx.CollectRows(rows, pgx.RowToStructByPos[audit.Row])
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	for _, r := range all {
		if r.ID >= from {
			r.Detail = `{"rewritten":true}`
			r.PrevHash = prev
			r.Hash = audit.Hash(r)
			if _, err := pool.Exec(ctx, `UPDATE audit_log SET detail = $2, prev_hash = $3, hash = $4 WHERE id = $1`,
				r.ID, r.Detail, r.PrevHash, r.Hash); err != nil {
				t.Fatal(err)
			}
			if _, err := pool.Exec(ctx, `UPDATE audit_head SET last_hash = $1`, r.Hash); err != nil {
				t.Fatal(err)
			}
		}
		prev = r.Hash
	}
}
