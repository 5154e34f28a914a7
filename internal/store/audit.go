package store

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
)

// nationalEntities are the records that belong to the whole country rather than to one province: the
// law's rules, the law's milestones of the timeline and the elections' days, kept by the national HQ. A
// change to them changes what every province must do, so every province's audit list shows their rows
// besides its own (nationalRows says which).
var nationalEntities = []string{"board_rules", "candidate_rules", "milestone", "election"}

// nationalEntityList is nationalEntities as an SQL list of literals.
var nationalEntityList = sqlList(nationalEntities)

// nationalRows is the condition of the national entities' rows that every province sees: every row of the
// rules, whoever wrote it; of the milestones, the rows of no province (the law's: a province's own
// milestones and every mark are its province's rows); of the elections, the moves of election day.
var nationalRows = "(entity IN ('board_rules', 'candidate_rules') OR province_id IS NULL AND (entity = 'milestone' OR action = 'election.move'))"

// sqlList writes this package's constant strings as an SQL list of literals.
func sqlList(items []string) string {
	quoted := make([]string, len(items))
	for i, e := range items {
		quoted[i] = "'" + strings.ReplaceAll(e, "'", "''") + "'"
	}
	return strings.Join(quoted, ", ")
}

// signInActions are the sign-ins and sign-outs, and the locks that failed sign-ins cause: the audit list
// shows them apart from the changes to records, which they would otherwise bury.
var signInActions = []string{"login.success", "login.failure", "logout", "user.lock"}

// signInActionList is signInActions as an SQL list of literals.
var signInActionList = sqlList(signInActions)

// The groups of the audit list (AuditFilter.Group).
const (
	AuditSignIns = "signins" // signInActions
	AuditChanges = "changes" // every other action
)

// AuditFilter narrows the audit list. Zero fields do not filter.
type AuditFilter struct {
	Actor  string
	Entity string
	Group  string    // AuditSignIns or AuditChanges
	From   time.Time // inclusive
	To     time.Time // exclusive
	Before int64     // keyset page: rows with a smaller id
	Limit  int
}

// auditSelect reads what the list shows of a row: not its hashes, which only the chain's verification reads.
const auditSelect = `
	SELECT id, at, coalesce(actor_id, 0), actor, action, entity, entity_id, coalesce(province_id, 0),
	       remote, detail::text
	FROM audit_log`

// auditQuery is the audit list's query for a scope and a filter. Only the conditions that apply are
// written, so that even the generic plan of the prepared statement uses the indexes on province, actor,
// entity and time instead of reading the whole log. A province's list is its own rows merged with the
// national entities' rows: two branches, each stopping at the page's end.
func auditQuery(sc auth.Scope, f AuditFilter) (string, []any) {
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	var conds []string
	if f.Actor != "" {
		conds = append(conds, "actor = "+arg(f.Actor))
	}
	if f.Entity != "" {
		conds = append(conds, "entity = "+arg(f.Entity))
	}
	// The actions are written as literals (this package's constants), as the entities below are.
	switch f.Group {
	case AuditSignIns:
		conds = append(conds, "action IN ("+signInActionList+")")
	case AuditChanges:
		conds = append(conds, "action NOT IN ("+signInActionList+")")
	}
	if !f.From.IsZero() {
		conds = append(conds, "at >= "+arg(f.From), "at < "+arg(f.To))
	}
	if f.Before > 0 {
		conds = append(conds, "id < "+arg(f.Before))
	}
	// The page size is the program's own number, written as a literal: planned with a parameter, a LIMIT is
	// taken for a tenth of the table, and the national branch below would walk the whole log for its few rows.
	limit := " ORDER BY id DESC LIMIT " + strconv.Itoa(f.Limit+1)
	where := func(scope ...string) string {
		all := append(scope, conds...)
		if len(all) == 0 {
			return ""
		}
		return " WHERE " + strings.Join(all, " AND ")
	}
	if sc.ProvinceID == 0 {
		return auditSelect + where() + limit, args
	}
	province := arg(sc.ProvinceID)
	own := auditSelect + where("province_id = "+province) + limit
	if f.Entity != "" && !slices.Contains(nationalEntities, f.Entity) || f.Group == AuditSignIns {
		return own, args // no sign-in is the national entities'
	}
	// The entities are written as literals (they are this package's constants), so that even a generic plan
	// knows how few rows they have. Rows of the province's own come from the first branch only.
	national := auditSelect + where("entity IN ("+nationalEntityList+")", nationalRows, "province_id IS DISTINCT FROM "+province) + limit
	return "(" + own + ") UNION ALL (" + national + ")" + limit, args
}

// AuditRow is a row of the audit list: the row without its hashes, and its detail read back.
type AuditRow struct {
	ID         int64
	At         time.Time
	ActorID    int64 // 0: none
	Actor      string
	Action     string
	Entity     string
	EntityID   string
	ProvinceID int64 // 0: none
	Remote     string
	Detail     *AuditDetail // shared with every other reader of the row: read only
}

// AuditRows lists audit rows in scope, newest first. A province-scoped caller sees its province's rows and
// the national entities' rows; only a national caller sees the other rows that belong to no province. It
// returns one row more than Limit when there is a next page. A row's detail is read once per process
// (auditDetails).
func (s *Store) AuditRows(ctx context.Context, sc auth.Scope, f AuditFilter) ([]AuditRow, error) {
	q, args := auditQuery(sc, f)
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := make([]AuditRow, 0, f.Limit+1)
	var r AuditRow
	var detail pgtype.DriverBytes // the connection's buffer, valid until the next row: read back or dropped
	for rows.Next() {
		if err := rows.Scan(&r.ID, &r.At, &r.ActorID, &r.Actor, &r.Action, &r.Entity, &r.EntityID, &r.ProvinceID,
			&r.Remote, &detail); err != nil {
			return nil, err
		}
		r.Detail = s.auditDetails.read(r.ID, detail)
		list = append(list, r)
	}
	return list, rows.Err()
}

// AuditHead returns the audit chain's head: its last row and that row's hash.
func (s *Store) AuditHead(ctx context.Context) (audit.Head, error) {
	return audit.CurrentHead(ctx, s.pool)
}
