package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/auth"
)

// Summary counts what a home page shows, within the caller's scope.
type Summary struct {
	Provinces int
	Counties  int
	Districts int
	Users     int
}

// Summary counts provinces, counties, districts and active users in scope, in one query.
func (s *Store) Summary(ctx context.Context, sc auth.Scope) (Summary, error) {
	var sum Summary
	var b Batch
	b.Summary(sc, &sum)
	return sum, s.Run(ctx, &b)
}

// Summary queues the Store method of that name.
func (b *Batch) Summary(sc auth.Scope, out *Summary) {
	b.queueRow(`
		SELECT
		  (SELECT count(*) FROM provinces p WHERE ($1 = 0 OR p.id = $1)),
		  (SELECT count(*) FROM counties c WHERE ($1 = 0 OR c.province_id = $1) AND ($2 = 0 OR c.id = $2)),
		  (SELECT count(*) FROM districts d JOIN counties c ON c.id = d.county_id
		     WHERE ($1 = 0 OR c.province_id = $1) AND ($2 = 0 OR c.id = $2) AND ($3 = 0 OR d.id = $3)),
		  (SELECT count(*) FROM users u WHERE u.disabled_at IS NULL AND ($1 = 0 OR u.province_id = $1)
		     AND ($2 = 0 OR u.county_id = $2) AND ($3 = 0 OR u.district_id = $3))`,
		func(row pgx.Row) error { return row.Scan(&out.Provinces, &out.Counties, &out.Districts, &out.Users) },
		scopeArgs(sc)...)
}
