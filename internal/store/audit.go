package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
)

// AuditFilter narrows the audit list. Zero fields do not filter.
type AuditFilter struct {
	Actor  string
	Entity string
	From   time.Time // inclusive
	To     time.Time // exclusive
	Before int64     // keyset page: rows with a smaller id
	Limit  int
}

// AuditRows lists audit rows in scope, newest first. A province-scoped caller sees its province's rows;
// only a national caller sees rows that belong to no province. It returns one row more than Limit when
// there is a next page.
func (s *Store) AuditRows(ctx context.Context, sc auth.Scope, f AuditFilter) ([]audit.Row, error) {
	var from, to *time.Time
	if !f.From.IsZero() {
		from, to = &f.From, &f.To
	}
	rows, err := s.pool.Query(ctx, `
		SELECT id, at, coalesce(actor_id, 0), actor, action, entity, entity_id, coalesce(province_id, 0),
		       remote, detail::text, prev_hash, hash
		FROM audit_log
		WHERE ($1 = 0 OR province_id = $1)
		  AND ($2 = '' OR actor = $2)
		  AND ($3 = '' OR entity = $3)
		  AND ($4::timestamptz IS NULL OR (at >= $4 AND at < $5))
		  AND ($6 = 0 OR id < $6)
		ORDER BY id DESC
		LIMIT $7`, sc.ProvinceID, f.Actor, f.Entity, from, to, f.Before, f.Limit+1)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[audit.Row])
}

// AuditHead returns the audit chain's head: its last row and that row's hash.
func (s *Store) AuditHead(ctx context.Context) (audit.Head, error) {
	return audit.CurrentHead(ctx, s.pool)
}
