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
		  (SELECT count(*) FROM provinces p WHERE `+optional(sc.ProvinceID != 0, "p.id = $1", "$1 = 0")+`),
		  (SELECT count(*) FROM counties c WHERE `+optional(sc.ProvinceID != 0, "c.province_id = $1", "$1 = 0")+`
		     AND `+optional(sc.CountyID != 0, "c.id = $2", "$2 = 0")+`),
		  (SELECT count(*) FROM districts d JOIN counties c ON c.id = d.county_id
		     WHERE`+scopeOn(sc, "c.province_id", "c.id", "d.id")+`),
		  (SELECT count(*) FROM users u WHERE u.disabled_at IS NULL AND`+scopeOn(sc, "u.province_id", "u.county_id", "u.district_id")+`)`,
		func(row pgx.Row) error { return row.Scan(&out.Provinces, &out.Counties, &out.Districts, &out.Users) },
		scopeArgs(sc)...)
}
