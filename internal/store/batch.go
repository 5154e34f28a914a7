package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Batch gathers a page's independent reads so that they travel to PostgreSQL in one round trip. A read
// that can join a batch has a queueing form, a method on *Batch named like the Store method, which takes
// where to put its result:
//
//	var b store.Batch
//	b.Summary(sc, &d.Summary)
//	b.BoardCounts(sc, electionID, &d.Counts)
//	if err := s.store.Run(ctx, &b); err != nil { … }
//
// The results are filled in when Run returns without error; a read of reference data served from the
// process's cache (cache.go) is filled by Run without a query, and one read anew is kept there. The Store
// method of the same name is the batch of one. A form whose order depends on the reader's language takes
// the request's context first, as its Store method does.
// A read of one record that finds none makes Run return ErrNotFound, after the batch's other reads.
type Batch struct {
	b       pgx.Batch
	missing bool // a read of one record found none
	cached  []cachedRead
}

// queue adds a query whose rows fn reads.
func (b *Batch) queue(sql string, fn func(pgx.Rows) error, args ...any) {
	b.b.Queue(sql, args...).Query(func(rows pgx.Rows) error {
		defer rows.Close()
		if err := fn(rows); err != nil {
			return err
		}
		return rows.Err()
	})
}

// queueRow adds a query of one row, which scan reads; no row makes Run return ErrNotFound. It is not an
// error inside the batch, which would make pgx forget the batch's prepared statements.
func (b *Batch) queueRow(sql string, scan func(pgx.Row) error, args ...any) {
	b.b.Queue(sql, args...).QueryRow(func(row pgx.Row) error {
		err := scan(row)
		if err == pgx.ErrNoRows {
			b.missing = true
			return nil
		}
		return err
	})
}

// Run sends the batch's queries in one round trip and fills their results; the cache serves what it
// holds of the reference data and keeps what the batch read of it.
func (s *Store) Run(ctx context.Context, b *Batch) error {
	keep := s.cache.serveCached(ctx, b)
	if err := b.run(ctx, s.pool); err != nil {
		return err
	}
	keep()
	return nil
}

// batcher is a pool or a transaction.
type batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// run sends the batch on q: in a transaction, its queries run in order after the transaction's earlier
// statements and see their locks.
func (b *Batch) run(ctx context.Context, q batcher) error {
	for _, r := range b.cached { // in a transaction, reference data is read in it, not from the cache
		r.query(b)
	}
	b.cached = nil
	if b.b.Len() > 0 {
		if err := q.SendBatch(ctx, &b.b).Close(); err != nil {
			return err
		}
	}
	if b.missing {
		return ErrNotFound
	}
	return nil
}
