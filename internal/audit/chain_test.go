package audit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/dbtest"
)

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
				err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					return audit.Append(ctx, tx, audit.Actor{ID: 0, Name: fmt.Sprintf("writer-%d", w), Remote: "127.0.0.1"},
						audit.Entry{Action: "test.write", Entity: "test", EntityID: fmt.Sprint(i),
							Detail: audit.Change{Before: map[string]int{"n": i}, After: map[string]int{"n": i + 1}}})
				})
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
	n, err := audit.Verify(ctx, pool)
	if err != nil {
		t.Fatalf("intact chain reported broken: %v", err)
	}
	if n != writers*each {
		t.Fatalf("verified %d rows, want %d", n, writers*each)
	}
	var forks int
	if err := pool.QueryRow(ctx, `SELECT count(*) - count(DISTINCT prev_hash) FROM audit_log`).Scan(&forks); err != nil {
		t.Fatal(err)
	}
	if forks != 0 {
		t.Fatalf("%d rows share a previous hash: the chain forked", forks)
	}
	// A rolled-back change leaves no audit row and does not break the chain.
	_ = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := audit.Append(ctx, tx, audit.System, audit.Entry{Action: "test.rollback", Entity: "test"}); err != nil {
			return err
		}
		return errors.New("roll back")
	})
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
				err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					return audit.Append(ctx, tx, audit.System, audit.Entry{Action: "test.write", Entity: "test", EntityID: fmt.Sprint(i)})
				})
				if err != nil {
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
