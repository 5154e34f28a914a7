package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/boardrules"
)

// Errors of the board workflow.
var (
	ErrBoardLocked = errors.New("store: the board is not a draft") // submitted or approved: read-only
	ErrBoardState  = errors.New("store: the board is not in a state that allows this")
	ErrNoRule      = errors.New("store: no composition rule for this kind of board")
	// ErrStaleSubmission: the reviewer decided on a submission that is no longer the board's latest.
	ErrStaleSubmission = errors.New("store: the board was submitted again since the reviewer saw it")
	// ErrPoolFull: the pool holds as many people as the rule asks for.
	ErrPoolFull = errors.New("store: the pool is full")
)

// CandidateError refuses a person on a board or in its pool who is a candidate in the board's election,
// registered in the county named.
type CandidateError struct{ CountyFa, CountyEn string }

func (e *CandidateError) Error() string {
	return "store: a candidate in the same election, in " + e.CountyEn
}

// BoardRule is a row of board_rules.
type BoardRule struct {
	Kind             string
	Level            string
	ChairOffice      string
	ExOfficio        []string
	TrustedMain      int
	Alternates       int
	PoolSize         int
	QuorumNum        int
	QuorumDen        int
	FormedWithinDays *int
	Uncertain        bool
	Version          int
}

// Rule is the pure form of the rule.
func (r BoardRule) Rule() boardrules.Rule {
	return boardrules.Rule{ChairOffice: r.ChairOffice, ExOfficio: r.ExOfficio, TrustedMain: r.TrustedMain,
		Alternates: r.Alternates, PoolSize: r.PoolSize, QuorumNum: r.QuorumNum, QuorumDen: r.QuorumDen}
}

// AddBoardRules inserts the rules that are missing; rules already there (perhaps edited by the national
// HQ) are kept.
func (s *Store) AddBoardRules(ctx context.Context, a audit.Actor, rules []BoardRule) (int, error) {
	added := 0
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		added = 0
		for _, r := range rules {
			tag, err := tx.Exec(ctx, `
				INSERT INTO board_rules (kind, level, chair_office, ex_officio, trusted_main, alternates, pool_size,
				                         quorum_num, quorum_den, formed_within_days, uncertain)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
				r.Kind, r.Level, r.ChairOffice, r.ExOfficio, r.TrustedMain, r.Alternates, r.PoolSize,
				r.QuorumNum, r.QuorumDen, r.FormedWithinDays, r.Uncertain)
			if err != nil {
				return nil, err
			}
			added += int(tag.RowsAffected())
		}
		if added == 0 {
			return nil, nil
		}
		return []audit.Entry{{Action: "board_rules.load", Entity: "board_rules",
			Detail: map[string]int{"rows_changed": added}}}, nil
	})
	return added, err
}

const ruleCols = `kind, level, chair_office, ex_officio, trusted_main, alternates, pool_size, quorum_num, quorum_den,
	formed_within_days, uncertain, version`

// BoardRules lists every rule, by kind and level.
func (s *Store) BoardRules(ctx context.Context) ([]BoardRule, error) {
	return cachedList(ctx, s, readsBoardRules, "board-rules", s.boardRules, func(r BoardRule) BoardRule {
		r.ExOfficio, r.FormedWithinDays = slices.Clone(r.ExOfficio), clonePtr(r.FormedWithinDays)
		return r
	})
}

func (s *Store) boardRules(ctx context.Context) ([]BoardRule, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+ruleCols+` FROM board_rules r JOIN election_kinds k ON k.key = r.kind
		ORDER BY k.position, r.level`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[BoardRule])
}

// UpdateBoardRule changes the numbers and offices of one rule if nobody changed it since version; the
// rule is then no longer an uncertain default but the national HQ's decision. The law is national, so
// the audit row belongs to no province and every province reads it.
func (s *Store) UpdateBoardRule(ctx context.Context, a audit.Actor, r BoardRule) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		rows, err := tx.Query(ctx, `SELECT `+ruleCols+` FROM board_rules WHERE kind = $1 AND level = $2 FOR UPDATE`, r.Kind, r.Level)
		if err != nil {
			return nil, err
		}
		before, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[BoardRule])
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if before.Version != r.Version {
			return nil, ErrConflict
		}
		if _, err := tx.Exec(ctx, `UPDATE board_rules SET ex_officio = $3, trusted_main = $4, alternates = $5, pool_size = $6,
			quorum_num = $7, quorum_den = $8, formed_within_days = $9, uncertain = false, version = version + 1
			WHERE kind = $1 AND level = $2`, r.Kind, r.Level, r.ExOfficio, r.TrustedMain, r.Alternates, r.PoolSize,
			r.QuorumNum, r.QuorumDen, r.FormedWithinDays); err != nil {
			return nil, err
		}
		view := func(x BoardRule) map[string]any {
			return map[string]any{"ex_officio": x.ExOfficio, "trusted_main": x.TrustedMain, "alternates": x.Alternates,
				"pool_size": x.PoolSize, "quorum": fmt.Sprintf("%d/%d", x.QuorumNum, x.QuorumDen), "formed_within_days": x.FormedWithinDays,
				"uncertain": x.Uncertain}
		}
		after := r
		after.Uncertain = false
		return []audit.Entry{{Action: "board_rules.update", Entity: "board_rules", EntityID: r.Kind + "/" + r.Level,
			Detail: audit.Change{Before: view(before), After: view(after)}}}, nil
	})
}

// Board is a board with its place, election and counts.
type Board struct {
	ID             int64
	ElectionID     int64
	Level          string
	Status         string
	ProvinceID     int64
	CountyID       int64
	DistrictID     int64
	CountyCode     string
	CountyFa       string
	CountyEn       string
	DistrictFa     string
	DistrictEn     string
	DistrictCode   string
	ElectionKind   string
	RuleKind       string // the kind whose rules apply: a by-election's parent
	ElectionFa     string
	ElectionEn     string
	ReturnNote     string
	PoolApprovedOn *time.Time
	PoolReference  string
	ApprovedAt     *time.Time
	Version        int
	Members        int
	PoolSize       int
	Conflicts      int  // members and pool members who are candidates in the same election
	Reopened       bool // a draft again because HQ reopened its approval (ReturnNote is HQ's reason)
	// FirstSubmittedAt is when the board was first submitted, which forms it (boardrules.FormationOn);
	// nil while it never was.
	FirstSubmittedAt *time.Time
}

const boardSelect = `
	SELECT b.id, b.election_id, b.level, b.status, b.province_id, b.county_id, coalesce(b.district_id, 0),
	       c.code AS county_code, c.name_fa AS county_fa, c.name_en AS county_en,
	       coalesce(d.name_fa, '') AS district_fa, coalesce(d.name_en, '') AS district_en,
	       coalesce(d.code, '') AS district_code,
	       e.kind, coalesce(e.parent_kind, e.kind), e.title_fa, e.title_en,
	       b.return_note, b.pool_approved_on, b.pool_reference, b.approved_at, b.version,
	       f.members, f.pool, f.conflicts, b.status = 'draft' AND f.reopened AS reopened, s1.submitted_at
	FROM boards b
	JOIN board_figures f ON f.board_id = b.id
	JOIN counties c ON c.id = b.county_id
	LEFT JOIN districts d ON d.id = b.district_id
	JOIN elections e ON e.id = b.election_id
	LEFT JOIN board_submissions s1 ON s1.board_id = b.id AND s1.number = 1`

// scanBoard reads a row of boardSelect.
func scanBoard(row pgx.CollectableRow) (Board, error) {
	var b Board
	err := row.Scan(&b.ID, &b.ElectionID, &b.Level, &b.Status, &b.ProvinceID, &b.CountyID, &b.DistrictID,
		&b.CountyCode, &b.CountyFa, &b.CountyEn, &b.DistrictFa, &b.DistrictEn, &b.DistrictCode,
		&b.ElectionKind, &b.RuleKind, &b.ElectionFa, &b.ElectionEn,
		&b.ReturnNote, &b.PoolApprovedOn, &b.PoolReference, &b.ApprovedAt, &b.Version,
		&b.Members, &b.PoolSize, &b.Conflicts, &b.Reopened, &b.FirstSubmittedAt)
	return b, err
}

// boardListSelect reads what a list of boards shows of each: its place, status, figures and first
// submission (its first submission's row by the unique key, the one probe a row); not its election, which
// the list is of, nor its pool's approval, which its own page shows.
const boardListSelect = `
	SELECT b.id, b.election_id, b.level, b.status, b.province_id, b.county_id, coalesce(b.district_id, 0),
	       c.code, c.name_fa, c.name_en, coalesce(d.name_fa, ''), coalesce(d.name_en, ''), coalesce(d.code, ''),
	       b.return_note, b.version, f.members, f.pool, f.conflicts, b.status = 'draft' AND f.reopened, s1.submitted_at
	FROM boards b
	JOIN board_figures f ON f.board_id = b.id
	JOIN counties c ON c.id = b.county_id
	LEFT JOIN districts d ON d.id = b.district_id
	LEFT JOIN board_submissions s1 ON s1.board_id = b.id AND s1.number = 1`

// scanBoardList reads the rows of boardListSelect, each into its place in a list made for about n of them:
// a board is a large record, which a list grown a row at a time would copy again and again.
func scanBoardList(rows pgx.Rows, n int) ([]Board, error) {
	bs := make([]Board, 0, n)
	for rows.Next() {
		bs = append(bs, Board{})
		b := &bs[len(bs)-1]
		if err := rows.Scan(&b.ID, &b.ElectionID, &b.Level, &b.Status, &b.ProvinceID, &b.CountyID, &b.DistrictID,
			&b.CountyCode, &b.CountyFa, &b.CountyEn, &b.DistrictFa, &b.DistrictEn, &b.DistrictCode,
			&b.ReturnNote, &b.Version, &b.Members, &b.PoolSize, &b.Conflicts, &b.Reopened, &b.FirstSubmittedAt); err != nil {
			return nil, err
		}
	}
	return bs, rows.Err()
}

// boardPeople are the national IDs of a board's members and pool (n.national_id), for a board b.
const boardPeople = `(SELECT national_id FROM board_members WHERE board_id = b.id
	                  UNION SELECT national_id FROM board_pool WHERE board_id = b.id) n`

// isCandidate says whether n.national_id is a candidate in board b's election: one probe of the
// candidates' unique key per person, however many candidates the election has.
const isCandidate = `EXISTS (SELECT FROM candidates k WHERE k.election_id = b.election_id AND k.national_id = n.national_id)`

// boardScope filters boards by the caller's scope ($1 province, $2 county, $3 district).
func boardScope(sc auth.Scope) string {
	return scopeOn(sc, "b.province_id", "b.county_id", "b.district_id")
}

// BoardFilter narrows the review queue. Zero fields do not filter; a zero PageSize reads every board.
type BoardFilter struct {
	County   string
	Level    string
	Status   string
	Conflict bool
	Page     int // from 1
	PageSize int
}

// Boards lists the boards of an election in scope, county boards first, by county and district name in
// the reader's alphabet. A board of the list has what a list shows (boardListSelect).
func (s *Store) Boards(ctx context.Context, sc auth.Scope, electionID int64, f BoardFilter) ([]Board, error) {
	var bs []Board
	var b Batch
	b.Boards(ctx, sc, electionID, f, &bs, nil)
	return bs, s.Run(ctx, &b)
}

// Boards queues the Store method of that name: one page of the boards when f.PageSize is set, and then,
// unless total is nil, how many boards the filter finds in all. The figures are read as kept in
// board_figures.
func (b *Batch) Boards(ctx context.Context, sc auth.Scope, electionID int64, f BoardFilter, out *[]Board, total *int) {
	where := ` WHERE` + boardScope(sc) + `AND b.election_id = $4
		  AND ` + optional(f.County != "", "c.code = $5", "$5 = ''") + ` AND ` + optional(f.Level != "", "b.level = $6", "$6 = ''") + `
		  AND ` + optional(f.Status != "", displayStatus+" = $7", "$7 = ''") + ` AND ` + optional(f.Conflict, "$8 AND f.conflicts > 0", "NOT $8")
	args := []any{sc.ProvinceID, sc.CountyID, sc.DistrictID, electionID, f.County, f.Level, f.Status, f.Conflict}
	sql := boardListSelect + where + `
		ORDER BY b.level, ` + byName(ctx, "c.name_fa", "c.name_en") + `, ` + byName(ctx, "coalesce(d.name_fa, '')", "coalesce(d.name_en, '')")
	if f.PageSize > 0 {
		sql += pageOf(f.PageSize, (max(f.Page, 1)-1)*f.PageSize, &args)
	}
	b.queue(sql, func(rows pgx.Rows) (err error) {
		*out, err = scanBoardList(rows, cmp.Or(f.PageSize, 16))
		return err
	}, args...)
	if total != nil {
		b.queueRow(`SELECT count(*)::int FROM boards b JOIN board_figures f ON f.board_id = b.id
			JOIN counties c ON c.id = b.county_id`+where, func(row pgx.Row) error { return row.Scan(total) }, args[:8]...)
	}
}

// displayStatus tells a draft that HQ sent back ("returned") apart from a fresh one.
const displayStatus = `CASE WHEN b.status = 'draft' AND b.return_note <> '' THEN 'returned' ELSE b.status END`

// BoardCounts counts the boards of an election in scope by status, returned drafts apart.
func (s *Store) BoardCounts(ctx context.Context, sc auth.Scope, electionID int64) (map[string]int, error) {
	var counts map[string]int
	var b Batch
	b.BoardCounts(sc, electionID, &counts)
	return counts, s.Run(ctx, &b)
}

// BoardCounts queues the Store method of that name.
func (b *Batch) BoardCounts(sc auth.Scope, electionID int64, out *map[string]int) {
	b.queue(`SELECT `+displayStatus+`, count(*)::int FROM boards b WHERE`+boardScope(sc)+`AND b.election_id = $4 GROUP BY 1`,
		func(rows pgx.Rows) (err error) {
			*out, err = countsByKey(rows)
			return err
		},
		sc.ProvinceID, sc.CountyID, sc.DistrictID, electionID)
}

// ConflictedBoards counts the boards of an election in scope with a member or pool member who is a
// candidate in the same election.
func (b *Batch) ConflictedBoards(sc auth.Scope, electionID int64, out *int) {
	b.queueRow(`SELECT count(*)::int FROM boards b JOIN board_figures f ON f.board_id = b.id
		WHERE`+boardScope(sc)+`AND b.election_id = $4 AND f.conflicts > 0`,
		func(row pgx.Row) error { return row.Scan(out) },
		sc.ProvinceID, sc.CountyID, sc.DistrictID, electionID)
}

// BoardMember is a stored member.
type BoardMember struct {
	ID      int64
	Version int
	boardrules.Member
}

// PoolMember is a stored member of the pool; Elected is the role a board member with the same national
// ID holds ("" when not on the board).
type PoolMember struct {
	ID      int64
	Elected string
	boardrules.Member
}

// Submission is one submission of a board and HQ's decision on it.
type Submission struct {
	ID          int64
	Number      int
	SubmittedAt time.Time
	SubmittedBy string
	Members     []boardrules.Member
	Decision    string
	DecidedAt   *time.Time
	DecidedBy   string
	Note        string
	// An approved submission that HQ reopened: when, by whom and why.
	ReopenedAt   *time.Time
	ReopenedBy   string
	ReopenReason string
}

// BoardDetail is everything the board page shows.
type BoardDetail struct {
	Board
	Rule        BoardRule
	Members     []BoardMember
	Pool        []PoolMember
	Candidates  map[string]bool // national IDs on the board or in the pool that are candidates
	Submissions []Submission    // newest first
	// Composers are the names of the active accounts that compose the board: the county's governor or the
	// district's head. None means nobody can compose it until HQ creates that account.
	Composers []string
}

// LatestSubmission is the number of the board's latest submission, 0 when it was never submitted.
func (d BoardDetail) LatestSubmission() int {
	if len(d.Submissions) == 0 {
		return 0
	}
	return d.Submissions[0].Number
}

// Check runs the composition rules on the board as it stands.
func (d BoardDetail) Check() []boardrules.Violation {
	b := boardrules.Board{Rule: d.Rule.Rule(), PoolApproved: d.PoolApprovedOn != nil && d.PoolReference != "",
		Candidates: d.Candidates, Members: make([]boardrules.Member, len(d.Members)), Pool: make([]boardrules.Member, len(d.Pool))}
	for i, m := range d.Members {
		b.Members[i] = m.Member
	}
	for i, p := range d.Pool {
		b.Pool[i] = p.Member
	}
	return boardrules.Check(b)
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Board returns one board in scope with its rule, members, pool, conflicts and submissions.
func (s *Store) Board(ctx context.Context, sc auth.Scope, id int64) (BoardDetail, error) {
	return loadBoard(ctx, s.pool, sc, id, boardPage)
}

// Board queues the Store method of that name: Run returns ErrNotFound for a board out of scope.
func (b *Batch) Board(ctx context.Context, sc auth.Scope, id int64, out *BoardDetail) {
	b.board(ctx, sc, id, boardPage, out)
}

// BoardSheet returns one board in scope with its rule and members, what its official list shows: not its
// pool, conflicts, submissions or composers.
func (s *Store) BoardSheet(ctx context.Context, sc auth.Scope, id int64) (BoardDetail, error) {
	return loadBoard(ctx, s.pool, sc, id, boardSheet)
}

// boardReads are the reads of a board that a caller needs.
type boardReads int

const (
	boardPage   boardReads = iota // all that the board's page shows
	boardChange                   // all but who composes it, the board locked first for a change
	boardSheet                    // the board, its rule and its members
)

// loadBoard reads a board in one round trip.
func loadBoard(ctx context.Context, q batcher, sc auth.Scope, id int64, reads boardReads) (BoardDetail, error) {
	var d BoardDetail
	var b Batch
	b.board(ctx, sc, id, reads, &d)
	return d, b.run(ctx, q)
}

// board queues the reads of one board in scope. Each read names the board by its id within the caller's
// scope, so none depends on another's answer and none reads a board out of scope.
func (b *Batch) board(ctx context.Context, sc auth.Scope, id int64, reads boardReads, d *BoardDetail) {
	lock := reads == boardChange
	args := []any{sc.ProvinceID, sc.CountyID, sc.DistrictID, id}
	inScope := ` JOIN boards b ON b.id = $4 AND` + boardScope(sc)
	sql := boardSelect + ` WHERE` + boardScope(sc) + `AND b.id = $4`
	if lock {
		sql += ` FOR UPDATE OF b`
	}
	b.queue(sql, func(rows pgx.Rows) error {
		board, err := pgx.CollectExactlyOneRow(rows, scanBoard)
		if errors.Is(err, pgx.ErrNoRows) {
			b.missing = true
			return nil
		}
		d.Board = board
		return err
	}, args...)
	b.queue(`SELECT r.kind, r.level, r.chair_office, r.ex_officio, r.trusted_main, r.alternates, r.pool_size, r.quorum_num,
		       r.quorum_den, r.formed_within_days, r.uncertain, r.version
		FROM board_rules r`+inScope+`
		JOIN elections e ON e.id = b.election_id
		WHERE r.kind = coalesce(e.parent_kind, e.kind) AND r.level = b.level`, func(rows pgx.Rows) error {
		rule, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[BoardRule])
		if errors.Is(err, pgx.ErrNoRows) {
			if d.ID != 0 {
				return ErrNoRule
			}
			return nil
		}
		d.Rule = rule
		return err
	}, args...)
	b.queue(`
		SELECT m.id, m.version, m.full_name, m.father_name, m.national_id, m.role, m.office, m.phone, m.notes
		FROM board_members m`+inScope+` WHERE m.board_id = b.id ORDER BY m.id`, func(rows pgx.Rows) (err error) {
		// The board's row, read first, says how many members and pool entries it has.
		d.Members, err = pgx.AppendRows(make([]BoardMember, 0, d.Board.Members), rows, func(r pgx.CollectableRow) (BoardMember, error) {
			var m BoardMember
			err := r.Scan(&m.ID, &m.Version, &m.FullName, &m.FatherName, &m.NationalID, &m.Role, &m.Office, &m.Phone, &m.Notes)
			return m, err
		})
		return err
	}, args...)
	if reads == boardSheet {
		return
	}
	b.queue(`
		SELECT p.id, coalesce(m.role, ''), p.full_name, p.father_name, p.national_id, p.phone
		FROM board_pool p`+inScope+`
		LEFT JOIN board_members m ON m.board_id = p.board_id AND m.national_id = p.national_id
		WHERE p.board_id = b.id ORDER BY p.id`, func(rows pgx.Rows) (err error) {
		d.Pool, err = pgx.AppendRows(make([]PoolMember, 0, d.Board.PoolSize), rows, func(r pgx.CollectableRow) (PoolMember, error) {
			var p PoolMember
			err := r.Scan(&p.ID, &p.Elected, &p.FullName, &p.FatherName, &p.NationalID, &p.Phone)
			return p, err
		})
		return err
	}, args...)
	// The kept count of conflicts spares the probe of each person on a board that has none.
	b.queue(`SELECT n.national_id FROM boards b JOIN board_figures f ON f.board_id = b.id AND f.conflicts > 0,
		LATERAL `+boardPeople+` WHERE b.id = $4 AND`+boardScope(sc)+`AND `+isCandidate,
		func(rows pgx.Rows) error {
			ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
			d.Candidates = map[string]bool{}
			for _, nid := range ids {
				d.Candidates[nid] = true
			}
			return err
		}, args...)
	b.queue(`
		SELECT s.id, s.number, s.submitted_at, coalesce(su.full_name, ''), s.members, coalesce(s.decision, ''),
		       s.decided_at, coalesce(du.full_name, ''), s.note, s.reopened_at, coalesce(ru.full_name, ''), s.reopen_reason
		FROM board_submissions s`+inScope+`
		LEFT JOIN users su ON su.id = s.submitted_by
		LEFT JOIN users du ON du.id = s.decided_by
		LEFT JOIN users ru ON ru.id = s.reopened_by
		WHERE s.board_id = b.id ORDER BY s.number DESC`, func(rows pgx.Rows) (err error) {
		d.Submissions, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Submission])
		return err
	}, args...)
	if reads == boardChange {
		return // who composes the board is for its page, not for a change
	}
	b.queue(`
		SELECT u.full_name FROM users u`+inScope+`
		WHERE u.disabled_at IS NULL AND u.province_id = b.province_id AND u.county_id = b.county_id
		  AND CASE WHEN b.district_id IS NULL THEN u.role = 'governor' ELSE u.role = 'district_head' AND u.district_id = b.district_id END
		ORDER BY `+byName(ctx, "u.full_name", "u.full_name"), func(rows pgx.Rows) (err error) {
		d.Composers, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	}, args...)
}

// changeBoard runs fn on a locked board in scope, then appends the audit entry fn returns.
func (s *Store) changeBoard(ctx context.Context, a audit.Actor, sc auth.Scope, id int64,
	fn func(tx pgx.Tx, d BoardDetail) (audit.Entry, error)) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		d, err := loadBoard(ctx, tx, sc, id, boardChange)
		if err != nil {
			return nil, err
		}
		e, err := fn(tx, d)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE boards SET updated_at = now() WHERE id = $1`, id); err != nil {
			return nil, err
		}
		e.ProvinceID = d.ProvinceID
		return []audit.Entry{e}, nil
	})
}

// changeDraft is changeBoard for changes that only a draft allows.
func (s *Store) changeDraft(ctx context.Context, a audit.Actor, sc auth.Scope, id int64,
	fn func(tx pgx.Tx, d BoardDetail) (audit.Entry, error)) error {
	return s.changeBoard(ctx, a, sc, id, func(tx pgx.Tx, d BoardDetail) (audit.Entry, error) {
		if d.Status != "draft" {
			return audit.Entry{}, ErrBoardLocked
		}
		return fn(tx, d)
	})
}

func memberAudit(m boardrules.Member) map[string]string {
	return map[string]string{"full_name": m.FullName, "father_name": m.FatherName, "national_id": m.NationalID,
		"role": m.Role, "office": m.Office, "phone": m.Phone, "notes": m.Notes}
}

// notCandidate refuses a national ID registered as a candidate in the board's election (CandidateError). It
// takes the election's registration lock, as a registration does, so that a registration and a new seat
// for the same person cannot pass each other unseen.
func notCandidate(ctx context.Context, tx pgx.Tx, d BoardDetail, nationalID string) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('candidates:' || $1::bigint))`, d.ElectionID); err != nil {
		return err
	}
	var e CandidateError
	err := tx.QueryRow(ctx, `SELECT co.name_fa, co.name_en FROM candidates k JOIN counties co ON co.id = k.county_id
		WHERE k.election_id = $1 AND k.national_id = $2`, d.ElectionID, nationalID).Scan(&e.CountyFa, &e.CountyEn)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return &e
}

// AddMember adds a member to a draft board in scope; ErrExists when the national ID is already on it, a
// CandidateError when that person is a candidate in the same election.
func (s *Store) AddMember(ctx context.Context, a audit.Actor, sc auth.Scope, boardID int64, m boardrules.Member) (int64, error) {
	var id int64
	err := s.changeDraft(ctx, a, sc, boardID, func(tx pgx.Tx, d BoardDetail) (audit.Entry, error) {
		if err := notCandidate(ctx, tx, d, m.NationalID); err != nil {
			return audit.Entry{}, err
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO board_members (board_id, full_name, father_name, national_id, role, office, phone, notes)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			boardID, m.FullName, m.FatherName, m.NationalID, m.Role, m.Office, m.Phone, m.Notes).Scan(&id)
		if isUniqueViolation(err) {
			return audit.Entry{}, ErrExists
		}
		return audit.Entry{Action: "board_member.create", Entity: "board", EntityID: strconv.FormatInt(boardID, 10),
			Detail: audit.Change{After: memberAudit(m)}}, err
	})
	return id, err
}

// UpdateMember changes a member of a draft board if nobody changed it since version. A national ID changed
// to a candidate's is refused (CandidateError); a member who registered since keeps the seat until replaced,
// flagged by the board's check.
func (s *Store) UpdateMember(ctx context.Context, a audit.Actor, sc auth.Scope, boardID, memberID int64, version int, m boardrules.Member) error {
	return s.changeDraft(ctx, a, sc, boardID, func(tx pgx.Tx, d BoardDetail) (audit.Entry, error) {
		before, ok := findMember(d, memberID)
		if !ok {
			return audit.Entry{}, ErrNotFound
		}
		if before.Version != version {
			return audit.Entry{}, ErrConflict
		}
		if m.NationalID != before.NationalID {
			if err := notCandidate(ctx, tx, d, m.NationalID); err != nil {
				return audit.Entry{}, err
			}
		}
		_, err := tx.Exec(ctx, `
			UPDATE board_members SET full_name = $2, father_name = $3, national_id = $4, role = $5, office = $6,
			       phone = $7, notes = $8, version = version + 1, updated_at = now()
			WHERE id = $1`, memberID, m.FullName, m.FatherName, m.NationalID, m.Role, m.Office, m.Phone, m.Notes)
		if isUniqueViolation(err) {
			return audit.Entry{}, ErrExists
		}
		return audit.Entry{Action: "board_member.update", Entity: "board", EntityID: strconv.FormatInt(boardID, 10),
			Detail: audit.Change{Before: memberAudit(before.Member), After: memberAudit(m)}}, err
	})
}

// DeleteMember removes a member of a draft board.
func (s *Store) DeleteMember(ctx context.Context, a audit.Actor, sc auth.Scope, boardID, memberID int64) error {
	return s.changeDraft(ctx, a, sc, boardID, func(tx pgx.Tx, d BoardDetail) (audit.Entry, error) {
		before, ok := findMember(d, memberID)
		if !ok {
			return audit.Entry{}, ErrNotFound
		}
		_, err := tx.Exec(ctx, `DELETE FROM board_members WHERE id = $1`, memberID)
		return audit.Entry{Action: "board_member.delete", Entity: "board", EntityID: strconv.FormatInt(boardID, 10),
			Detail: audit.Change{Before: memberAudit(before.Member)}}, err
	})
}

func findMember(d BoardDetail, id int64) (BoardMember, bool) {
	for _, m := range d.Members {
		if m.ID == id {
			return m, true
		}
	}
	return BoardMember{}, false
}

// AddPoolMember adds a person to a draft board's pool; ErrExists when already in it, ErrPoolFull when the
// pool holds as many as the rule asks, a CandidateError for a candidate of the same election. A changed
// pool is no longer the pool the supervision board approved, so its approval is cleared.
func (s *Store) AddPoolMember(ctx context.Context, a audit.Actor, sc auth.Scope, boardID int64, m boardrules.Member) error {
	return s.changeDraft(ctx, a, sc, boardID, func(tx pgx.Tx, d BoardDetail) (audit.Entry, error) {
		if slices.ContainsFunc(d.Pool, func(p PoolMember) bool { return p.NationalID == m.NationalID }) {
			return audit.Entry{}, ErrExists
		}
		if len(d.Pool) >= d.Rule.PoolSize {
			return audit.Entry{}, ErrPoolFull
		}
		if err := notCandidate(ctx, tx, d, m.NationalID); err != nil {
			return audit.Entry{}, err
		}
		_, err := tx.Exec(ctx, `INSERT INTO board_pool (board_id, full_name, father_name, national_id, phone)
			VALUES ($1, $2, $3, $4, $5)`, boardID, m.FullName, m.FatherName, m.NationalID, m.Phone)
		if isUniqueViolation(err) {
			return audit.Entry{}, ErrExists
		}
		if err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "board_pool.create", Entity: "board", EntityID: strconv.FormatInt(boardID, 10),
			Detail: audit.Change{After: memberAudit(m)}}, clearPoolApproval(ctx, tx, d)
	})
}

func clearPoolApproval(ctx context.Context, tx pgx.Tx, d BoardDetail) error {
	if d.PoolApprovedOn == nil && d.PoolReference == "" {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE boards SET pool_approved_on = NULL, pool_reference = '', version = version + 1 WHERE id = $1`, d.ID)
	return err
}

// DeletePoolMember removes a person from a draft board's pool and clears the pool's approval.
func (s *Store) DeletePoolMember(ctx context.Context, a audit.Actor, sc auth.Scope, boardID, poolID int64) error {
	return s.changeDraft(ctx, a, sc, boardID, func(tx pgx.Tx, d BoardDetail) (audit.Entry, error) {
		for _, p := range d.Pool {
			if p.ID == poolID {
				if _, err := tx.Exec(ctx, `DELETE FROM board_pool WHERE id = $1`, poolID); err != nil {
					return audit.Entry{}, err
				}
				return audit.Entry{Action: "board_pool.delete", Entity: "board", EntityID: strconv.FormatInt(boardID, 10),
					Detail: audit.Change{Before: memberAudit(p.Member)}}, clearPoolApproval(ctx, tx, d)
			}
		}
		return audit.Entry{}, ErrNotFound
	})
}

// SetPoolApproval records the supervision board's approval of the pool.
func (s *Store) SetPoolApproval(ctx context.Context, a audit.Actor, sc auth.Scope, boardID int64, on time.Time, reference string) error {
	return s.changeDraft(ctx, a, sc, boardID, func(tx pgx.Tx, d BoardDetail) (audit.Entry, error) {
		_, err := tx.Exec(ctx, `UPDATE boards SET pool_approved_on = $2, pool_reference = $3, version = version + 1 WHERE id = $1`,
			boardID, on, reference)
		before := map[string]any{"pool_reference": d.PoolReference}
		if d.PoolApprovedOn != nil {
			before["pool_approved_on"] = d.PoolApprovedOn.Format(time.DateOnly)
		}
		return audit.Entry{Action: "board_pool.approval", Entity: "board", EntityID: strconv.FormatInt(boardID, 10),
			Detail: audit.Change{Before: before, After: map[string]any{"pool_approved_on": on.Format(time.DateOnly), "pool_reference": reference}}}, err
	})
}

// ViolationsError carries the rules a board breaks when it cannot be submitted.
type ViolationsError struct{ Violations []boardrules.Violation }

func (e *ViolationsError) Error() string {
	return "store: the board breaks " + strconv.Itoa(len(e.Violations)) + " rules"
}

// SubmitBoard submits a draft that breaks no rule, keeping its members as a new numbered submission.
func (s *Store) SubmitBoard(ctx context.Context, a audit.Actor, sc auth.Scope, boardID int64) error {
	return s.SubmitBoardOn(ctx, a, sc, boardID, time.Time{})
}

// SubmitBoardOn is SubmitBoard with the submission dated at (the zero time: now), for the demo, whose
// boards were formed in the election's formation window, weeks before it is loaded.
func (s *Store) SubmitBoardOn(ctx context.Context, a audit.Actor, sc auth.Scope, boardID int64, at time.Time) error {
	var when *time.Time
	if !at.IsZero() {
		when = &at
	}
	return s.changeDraft(ctx, a, sc, boardID, func(tx pgx.Tx, d BoardDetail) (audit.Entry, error) {
		if vs := d.Check(); len(vs) > 0 {
			return audit.Entry{}, &ViolationsError{Violations: vs}
		}
		js, err := json.Marshal(boardrules.InLegalOrder(members(d), d.Rule.Rule()))
		if err != nil {
			return audit.Entry{}, err
		}
		number := len(d.Submissions) + 1
		if _, err := tx.Exec(ctx, `INSERT INTO board_submissions (board_id, number, submitted_by, members, submitted_at)
			VALUES ($1, $2, NULLIF($3, 0), $4, coalesce($5, now()))`, boardID, number, a.ID, js, when); err != nil {
			return audit.Entry{}, err
		}
		if _, err := tx.Exec(ctx, `UPDATE boards SET status = 'submitted', return_note = '', version = version + 1 WHERE id = $1`, boardID); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "board.submit", Entity: "board", EntityID: strconv.FormatInt(boardID, 10),
			Detail: audit.Change{Before: map[string]any{"status": d.Status}, After: map[string]any{"status": "submitted", "submission": number, "members": len(d.Members)}}}, nil
	})
}

func members(d BoardDetail) []boardrules.Member {
	var ms []boardrules.Member
	for _, m := range d.Members {
		ms = append(ms, m.Member)
	}
	return ms
}

// ApproveBoard approves a submitted board that still breaks no rule: a member may have registered as a
// candidate since it was submitted. The reviewer names the submission they saw; if the board was
// returned and submitted again meanwhile, that is ErrStaleSubmission and nothing changes.
func (s *Store) ApproveBoard(ctx context.Context, a audit.Actor, sc auth.Scope, boardID int64, submission int) error {
	return s.changeBoard(ctx, a, sc, boardID, func(tx pgx.Tx, d BoardDetail) (audit.Entry, error) {
		if d.Status != "submitted" {
			return audit.Entry{}, ErrBoardState
		}
		if d.LatestSubmission() != submission {
			return audit.Entry{}, ErrStaleSubmission
		}
		if vs := d.Check(); len(vs) > 0 {
			return audit.Entry{}, &ViolationsError{Violations: vs}
		}
		if err := decide(ctx, tx, a, d, "approved", ""); err != nil {
			return audit.Entry{}, err
		}
		if _, err := tx.Exec(ctx, `UPDATE boards SET status = 'approved', approved_at = now(), version = version + 1 WHERE id = $1`, boardID); err != nil {
			return audit.Entry{}, err
		}
		err := notifyComposer(ctx, tx, a, d.Board, NoticeBoardApproved)
		return audit.Entry{Action: "board.approve", Entity: "board", EntityID: strconv.FormatInt(boardID, 10),
			Detail: audit.Change{Before: map[string]any{"status": d.Status}, After: map[string]any{"status": "approved", "submission": submission}}}, err
	})
}

// ReturnBoard sends a submitted board back to draft with the reviewer's note, if the board is still as the
// reviewer saw it: the same latest submission, in the same status (seenStatus), so that a page opened
// before a colleague's approval cannot undo it unseen (else ErrStaleSubmission). An approved board is not
// returned but reopened, with a reason (ReopenBoard).
func (s *Store) ReturnBoard(ctx context.Context, a audit.Actor, sc auth.Scope, boardID int64, submission int, seenStatus, note string) error {
	return s.changeBoard(ctx, a, sc, boardID, func(tx pgx.Tx, d BoardDetail) (audit.Entry, error) {
		if err := seenAsItIs(d, submission, seenStatus); err != nil {
			return audit.Entry{}, err
		}
		if d.Status != "submitted" {
			return audit.Entry{}, ErrBoardState
		}
		if err := decide(ctx, tx, a, d, "returned", note); err != nil {
			return audit.Entry{}, err
		}
		if err := backToDraft(ctx, tx, boardID, note); err != nil {
			return audit.Entry{}, err
		}
		if err := notifyComposer(ctx, tx, a, d.Board, NoticeBoardReturned); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "board.return", Entity: "board", EntityID: strconv.FormatInt(boardID, 10),
			Detail: audit.Change{Before: map[string]any{"status": d.Status}, After: map[string]any{"status": "draft", "submission": submission, "note": note}}}, nil
	})
}

// ReopenBoard sends an approved board back to draft, with HQ's reason, so that its composer can correct
// it (a member who registered as a candidate since it was approved, say): the approved submission keeps
// when, by whom and why it was reopened, and the composer reads the reason as he reads a return's note.
// A submitted board may be reopened too, which is returning it with the reason as the note. Like a
// decision it applies only to the board as HQ saw it (else ErrStaleSubmission).
func (s *Store) ReopenBoard(ctx context.Context, a audit.Actor, sc auth.Scope, boardID int64, submission int, seenStatus, reason string) error {
	return s.changeBoard(ctx, a, sc, boardID, func(tx pgx.Tx, d BoardDetail) (audit.Entry, error) {
		if err := seenAsItIs(d, submission, seenStatus); err != nil {
			return audit.Entry{}, err
		}
		var err error
		if d.Status == "submitted" {
			err = decide(ctx, tx, a, d, "returned", reason)
		} else {
			_, err = tx.Exec(ctx, `UPDATE board_submissions SET reopened_at = now(), reopened_by = NULLIF($2, 0), reopen_reason = $3
				WHERE id = $1`, d.Submissions[0].ID, a.ID, reason)
		}
		if err != nil {
			return audit.Entry{}, err
		}
		if err := backToDraft(ctx, tx, boardID, reason); err != nil {
			return audit.Entry{}, err
		}
		kind := NoticeBoardReopened
		if d.Status == "submitted" {
			kind = NoticeBoardReturned
		}
		if err := notifyComposer(ctx, tx, a, d.Board, kind); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "board.reopen", Entity: "board", EntityID: strconv.FormatInt(boardID, 10),
			Detail: audit.Change{Before: map[string]any{"status": d.Status}, After: map[string]any{"status": "draft", "submission": submission, "reason": reason}}}, nil
	})
}

// notifyComposer tells those who compose the board, its county's governor or its district's head, of
// HQ's decision on it.
func notifyComposer(ctx context.Context, tx pgx.Tx, a audit.Actor, b Board, kind string) error {
	place := Place{ProvinceID: b.ProvinceID, CountyID: b.CountyID}
	title, titleEn := "هیئت اجرایی شهرستان "+b.CountyFa, "Executive board of "+b.CountyEn
	if b.Level == "district" {
		place.DistrictID = b.DistrictID
		title, titleEn = "هیئت اجرایی بخش "+b.DistrictFa, "Executive board of "+b.DistrictEn+" District"
	}
	return notify(ctx, tx, Recipients{Places: []Place{place}, Except: a.ID},
		Notice{Kind: kind, Subject: "board", SubjectID: b.ID, TitleFa: title, TitleEn: titleEn})
}

// seenAsItIs refuses a decision on a draft (ErrBoardState) or on a board that is no longer in the status
// and at the submission the reviewer's page showed (ErrStaleSubmission).
func seenAsItIs(d BoardDetail, submission int, seenStatus string) error {
	if d.Status == "draft" {
		return ErrBoardState
	}
	if d.LatestSubmission() != submission || d.Status != seenStatus {
		return ErrStaleSubmission
	}
	return nil
}

// backToDraft makes a board a draft again, with the note its composer reads.
func backToDraft(ctx context.Context, tx pgx.Tx, boardID int64, note string) error {
	_, err := tx.Exec(ctx, `UPDATE boards SET status = 'draft', return_note = $2, approved_at = NULL, version = version + 1
		WHERE id = $1`, boardID, note)
	return err
}

// decide records HQ's decision on the latest submission.
func decide(ctx context.Context, tx pgx.Tx, a audit.Actor, d BoardDetail, decision, note string) error {
	if len(d.Submissions) == 0 {
		return ErrBoardState
	}
	_, err := tx.Exec(ctx, `UPDATE board_submissions SET decision = $2, decided_at = now(), decided_by = NULLIF($3, 0), note = $4
		WHERE id = $1`, d.Submissions[0].ID, decision, a.ID, note)
	return err
}
