package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
)

// The timeline (migration 0022): the milestones of each election kind, offsets in days from election day,
// so that a date is always the election's day plus an offset and moves with it; the marks of the
// milestones done at each place; the moves of election days; the calendar feeds' tokens.
//
// Who may do what is the handlers' (auth's roles); where, the queries' here. A milestone is the law's
// (national, legal) or a province's (administrative): the law's are seen by every province and kept by
// the national caller (the zero scope) only, a province's are seen and kept by that province's
// province-wide scope only. A mark is made at a place of the caller's scope and of the milestone's level:
// a province's milestone by a province-wide scope (HQ), a county's by that scope for any county of its
// province or by the county's own scope (its governor), a district's by the province-wide scope or the
// district's own (its district head); the candidates' windows by nobody.

// Errors of the timeline. ErrAlreadyDone and ErrNotDone are ErrConflict too: the page was drawn before
// someone else marked or undid the milestone.
var (
	ErrAlreadyDone      = fmt.Errorf("%w: the milestone is already marked done there", ErrConflict)
	ErrNotDone          = fmt.Errorf("%w: the milestone is not marked done there", ErrConflict)
	ErrReasonRequired   = errors.New("store: a reason is required")
	ErrSameDay          = errors.New("store: the election is already on that day")
	ErrInvalidMilestone = errors.New("store: the milestone breaks a rule of the timeline (offsets, level, gate)")
	ErrMarkedLevel      = errors.New("store: the milestone is marked done at places of its level")
)

// Milestone is a row of milestones. Read for an election (Milestones), it carries its window there.
type Milestone struct {
	ID               int64
	Kind             string
	ProvinceID       int64 // 0: the law's, national
	Code             string
	TitleFa          string
	TitleEn          string
	DescriptionFa    string
	DescriptionEn    string
	LegalRef         string
	Level            string // province, county, district, candidates
	ConstituencyKind string // for level candidates: city, village, or "" for both
	StartOffset      int    // days from election day, negative before it
	EndOffset        int
	Legal            bool
	Gate             string // the action the window governs, or ""
	Position         int
	RetiredAt        *time.Time
	Version          int
	// The window in the election it was read for: election day + StartOffset to election day +
	// EndOffset, both days included, as dates (00:00 UTC). Zero when read as a template.
	From, To time.Time
}

// MilestoneInput is what adding or changing a milestone takes. Kind and Code are an added milestone's
// only: they name it for good.
type MilestoneInput struct {
	Kind             string
	Code             string // "" makes one up (m and its id)
	TitleFa          string
	TitleEn          string
	DescriptionFa    string
	DescriptionEn    string
	LegalRef         string
	Level            string
	ConstituencyKind string
	StartOffset      int
	EndOffset        int
	Gate             string // the law's milestones only
	Position         int
}

const milestoneCols = `m.id, m.kind, coalesce(m.province_id, 0), m.code, m.title_fa, m.title_en, m.description_fa,
	m.description_en, m.legal_ref, m.level, m.constituency_kind, m.start_offset, m.end_offset, m.legal, m.gate,
	m.position, m.retired_at, m.version`

// scanMilestone reads milestoneCols, then the window when window is set.
func scanMilestone(row pgx.Row, window bool) (Milestone, error) {
	var m Milestone
	dst := []any{&m.ID, &m.Kind, &m.ProvinceID, &m.Code, &m.TitleFa, &m.TitleEn, &m.DescriptionFa, &m.DescriptionEn,
		&m.LegalRef, &m.Level, &m.ConstituencyKind, &m.StartOffset, &m.EndOffset, &m.Legal, &m.Gate, &m.Position,
		&m.RetiredAt, &m.Version}
	if window {
		dst = append(dst, &m.From, &m.To)
	}
	err := row.Scan(dst...)
	return m, err
}

func collectMilestones(rows pgx.Rows, window bool) ([]Milestone, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Milestone, error) { return scanMilestone(row, window) })
}

// copyMilestone is a cached milestone's copy for one caller.
func copyMilestone(m Milestone) Milestone {
	m.RetiredAt = clonePtr(m.RetiredAt)
	return m
}

// seenMilestones is the condition of the milestones a scope sees: the law's, and its province's own.
func seenMilestones(sc auth.Scope, param string) string {
	return optional(sc.ProvinceID != 0, "(m.province_id IS NULL OR m.province_id = "+param+")",
		"m.province_id IS NULL AND "+param+" = 0")
}

// Milestones lists the live milestones of an election that a scope sees: the law's, and the
// administrative ones of the scope's province (the zero scope: the law's alone), of the election's kind
// (a by-election: its parent's), ordered by their start and position, each with its window in the
// election. An election that does not exist has none.
func (s *Store) Milestones(ctx context.Context, sc auth.Scope, electionID int64) ([]Milestone, error) {
	var ms []Milestone
	var b Batch
	b.Milestones(ctx, sc, electionID, &ms)
	return ms, s.Run(ctx, &b)
}

// Milestones queues the Store method of that name. They are kept by the cache, by province.
func (b *Batch) Milestones(ctx context.Context, sc auth.Scope, electionID int64, out *[]Milestone) {
	province := auth.Scope{ProvinceID: sc.ProvinceID}
	queueList(b, readsMilestones, cacheKey(ctx, "milestones", province, strconv.FormatInt(electionID, 10)), out, copyMilestone,
		func(b *Batch) {
			b.queue(`
				SELECT `+milestoneCols+`, e.election_day + m.start_offset, e.election_day + m.end_offset
				FROM elections e
				JOIN milestones m ON m.kind = coalesce(e.parent_kind, e.kind)
				WHERE e.id = $1 AND m.retired_at IS NULL AND `+seenMilestones(sc, "$2")+`
				ORDER BY m.start_offset, m.position, m.id`,
				func(rows pgx.Rows) (err error) {
					*out, err = collectMilestones(rows, true)
					return err
				}, electionID, sc.ProvinceID)
		})
}

// MilestoneTemplate lists the milestones of an election kind that a scope sees (as Milestones does),
// retired ones too, in the order of their start and position, without windows.
func (s *Store) MilestoneTemplate(ctx context.Context, sc auth.Scope, kind string) ([]Milestone, error) {
	var ms []Milestone
	var b Batch
	b.MilestoneTemplate(ctx, sc, kind, &ms)
	return ms, s.Run(ctx, &b)
}

// MilestoneTemplate queues the Store method of that name.
func (b *Batch) MilestoneTemplate(ctx context.Context, sc auth.Scope, kind string, out *[]Milestone) {
	province := auth.Scope{ProvinceID: sc.ProvinceID}
	queueList(b, readsMilestoneTemplate, cacheKey(ctx, "milestone-template", province, kind), out, copyMilestone,
		func(b *Batch) {
			b.queue(`SELECT `+milestoneCols+` FROM milestones m WHERE m.kind = $1 AND `+seenMilestones(sc, "$2")+`
				ORDER BY m.start_offset, m.position, m.id`,
				func(rows pgx.Rows) (err error) {
					*out, err = collectMilestones(rows, false)
					return err
				}, kind, sc.ProvinceID)
		})
}

// Milestone returns one milestone that the scope sees, retired or not, or ErrNotFound.
func (s *Store) Milestone(ctx context.Context, sc auth.Scope, id int64) (Milestone, error) {
	m, err := scanMilestone(s.pool.QueryRow(ctx, `SELECT `+milestoneCols+` FROM milestones m WHERE m.id = $1 AND `+
		seenMilestones(sc, "$2"), id, sc.ProvinceID), false)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, ErrNotFound
	}
	return m, err
}

// Mark is a milestone marked done for an election at a place: a province (CountyID 0), a county
// (DistrictID 0) or a district.
type Mark struct {
	ID          int64
	ElectionID  int64
	MilestoneID int64
	ProvinceID  int64
	CountyID    int64
	DistrictID  int64
	DoneAt      time.Time
	DoneBy      int64
	DoneByName  string // the user's full name
	Note        string
}

// Marks lists the marks of an election in a scope: a province's all of its own, a county's its own and
// its districts', a district's its own (the zero scope: every province's), by milestone and place. A mark
// of a milestone retired since is listed too.
func (s *Store) Marks(ctx context.Context, sc auth.Scope, electionID int64) ([]Mark, error) {
	var ks []Mark
	var b Batch
	b.Marks(sc, electionID, &ks)
	return ks, s.Run(ctx, &b)
}

// Marks queues the Store method of that name.
func (b *Batch) Marks(sc auth.Scope, electionID int64, out *[]Mark) {
	b.queue(`
		SELECT k.id, k.election_id, k.milestone_id, k.province_id, coalesce(k.county_id, 0), coalesce(k.district_id, 0),
		       k.done_at, k.done_by, u.full_name, k.note
		FROM milestone_marks k JOIN users u ON u.id = k.done_by
		WHERE k.election_id = $4 AND`+scopeOn(sc, "k.province_id", "k.county_id", "k.district_id")+`
		ORDER BY k.milestone_id, k.province_id, k.county_id NULLS FIRST, k.district_id NULLS FIRST`,
		func(rows pgx.Rows) (err error) {
			*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Mark])
			return err
		}, append(scopeArgs(sc), electionID)...)
}

// PlaceMarks lists the marks of an election that one place's timeline shows: the province's own marks
// and, for a county of it (countyID not 0), the county's and its districts'; by milestone and place. The
// caller has put the county in its reader's scope; the province's own marks are read by all its users.
func (s *Store) PlaceMarks(ctx context.Context, provinceID, countyID, electionID int64) ([]Mark, error) {
	var ks []Mark
	var b Batch
	b.PlaceMarks(provinceID, countyID, electionID, &ks)
	return ks, s.Run(ctx, &b)
}

// PlaceMarks queues the Store method of that name.
func (b *Batch) PlaceMarks(provinceID, countyID, electionID int64, out *[]Mark) {
	b.queue(`
		SELECT k.id, k.election_id, k.milestone_id, k.province_id, coalesce(k.county_id, 0), coalesce(k.district_id, 0),
		       k.done_at, k.done_by, u.full_name, k.note
		FROM milestone_marks k JOIN users u ON u.id = k.done_by
		WHERE k.election_id = $1 AND k.province_id = $2 AND (k.county_id IS NULL OR k.county_id = $3)
		ORDER BY k.milestone_id, k.county_id NULLS FIRST, k.district_id NULLS FIRST`,
		func(rows pgx.Rows) (err error) {
			*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Mark])
			return err
		}, electionID, provinceID, countyID)
}

// markTarget is the milestone and place of a mark, as the audit log names them.
type markTarget struct {
	election, county, district string // codes
}

// lockMarkTarget finds the milestone of an election at a place for a caller who may mark it there, and
// locks it against a change (a retirement) until the mark is made; anything else is ErrNotFound: an
// election or a milestone that does not exist, is retired, of another kind or of another province; a
// place outside the caller's scope, or not of the milestone's level; a level that is not the caller's.
func lockMarkTarget(ctx context.Context, tx pgx.Tx, sc auth.Scope, electionID, milestoneID, countyID, districtID int64) (markTarget, error) {
	var t markTarget
	err := tx.QueryRow(ctx, `
		SELECT e.code, coalesce(c.code, ''), coalesce(d.code, '')
		FROM elections e
		JOIN milestones m ON m.id = $2 AND m.kind = coalesce(e.parent_kind, e.kind) AND m.retired_at IS NULL
		     AND (m.province_id IS NULL OR m.province_id = $3)
		LEFT JOIN counties c ON c.id = $4 AND c.province_id = $3
		LEFT JOIN districts d ON d.id = $5 AND d.county_id = c.id
		WHERE e.id = $1 AND $3 <> 0
		  AND CASE m.level
		      WHEN 'province' THEN $4 = 0 AND $5 = 0 AND $6 = 0
		      WHEN 'county'   THEN c.id IS NOT NULL AND $5 = 0 AND ($6 = 0 OR $6 = $4 AND $7 = 0)
		      WHEN 'district' THEN d.id IS NOT NULL AND ($6 = 0 OR $7 = $5)
		      ELSE false
		  END
		FOR SHARE OF m`,
		electionID, milestoneID, sc.ProvinceID, countyID, districtID, sc.CountyID, sc.DistrictID).Scan(&t.election, &t.county, &t.district)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, ErrNotFound
	}
	return t, err
}

// place is what the audit log records of a mark's place and election, beside what changed.
func (t markTarget) place(m map[string]any) map[string]any {
	m["election"] = t.election
	if t.county != "" {
		m["county"] = t.county
	}
	if t.district != "" {
		m["district"] = t.district
	}
	return m
}

// MarkDone marks a milestone of an election done at a place (countyID 0 for the province's own
// milestone, districtID 0 for a county's), with a note: by a user, a.ID. A milestone or a place the
// caller may not mark there is ErrNotFound; one already done there is ErrAlreadyDone, for whichever of
// two callers at once comes second.
func (s *Store) MarkDone(ctx context.Context, a audit.Actor, sc auth.Scope, electionID, milestoneID, countyID, districtID int64,
	note string) error {
	note = strings.TrimSpace(note)
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		t, err := lockMarkTarget(ctx, tx, sc, electionID, milestoneID, countyID, districtID)
		if err != nil {
			return nil, err
		}
		var id int64
		err = tx.QueryRow(ctx, `
			INSERT INTO milestone_marks (election_id, milestone_id, province_id, county_id, district_id, done_by, note)
			VALUES ($1, $2, $3, NULLIF($4, 0), NULLIF($5, 0), $6, $7)
			ON CONFLICT ON CONSTRAINT milestone_marks_place_key DO NOTHING RETURNING id`,
			electionID, milestoneID, sc.ProvinceID, countyID, districtID, a.ID, note).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrAlreadyDone
		}
		if err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "milestone.done", Entity: "milestone", EntityID: strconv.FormatInt(milestoneID, 10),
			ProvinceID: sc.ProvinceID, Detail: audit.Change{Before: map[string]any{"done": false},
				After: t.place(map[string]any{"done": true, "note": note})}}}, nil
	})
}

// MarkUndone takes a milestone's mark back, for a reason (required: ErrReasonRequired), under the same
// rules as MarkDone; one that is not done there is ErrNotDone. The mark is deleted: the audit row keeps
// it, with who undid it and why.
func (s *Store) MarkUndone(ctx context.Context, a audit.Actor, sc auth.Scope, electionID, milestoneID, countyID, districtID int64,
	reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return ErrReasonRequired
	}
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		t, err := lockMarkTarget(ctx, tx, sc, electionID, milestoneID, countyID, districtID)
		if err != nil {
			return nil, err
		}
		var note string
		var doneAt time.Time
		err = tx.QueryRow(ctx, `
			DELETE FROM milestone_marks
			WHERE election_id = $1 AND milestone_id = $2 AND province_id = $3
			  AND county_id IS NOT DISTINCT FROM NULLIF($4, 0) AND district_id IS NOT DISTINCT FROM NULLIF($5, 0)
			RETURNING note, done_at`,
			electionID, milestoneID, sc.ProvinceID, countyID, districtID).Scan(&note, &doneAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotDone
		}
		if err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "milestone.undone", Entity: "milestone", EntityID: strconv.FormatInt(milestoneID, 10),
			ProvinceID: sc.ProvinceID, Detail: audit.Change{Before: map[string]any{"done": true, "note": note},
				After: t.place(map[string]any{"done": false, "reason": reason})}}}, nil
	})
}

// templateScope is the condition of the milestones a scope keeps: the zero scope the law's, a
// province-wide scope its province's administrative ones; a narrower scope (a governor's) none.
func templateScope(sc auth.Scope) (string, bool) {
	if sc.CountyID != 0 || sc.DistrictID != 0 {
		return "", false
	}
	return optional(sc.ProvinceID != 0, "m.province_id = $2", "m.province_id IS NULL AND $2 = 0"), true
}

// milestoneAudit is what the audit log keeps of a milestone.
func milestoneAudit(m Milestone) map[string]any {
	return map[string]any{"kind": m.Kind, "title_fa": m.TitleFa, "title_en": m.TitleEn, "description_fa": m.DescriptionFa,
		"description_en": m.DescriptionEn, "legal_ref": m.LegalRef, "level": m.Level, "constituency_kind": m.ConstituencyKind,
		"start_offset": m.StartOffset, "end_offset": m.EndOffset, "legal": m.Legal, "gate": m.Gate, "position": m.Position}
}

// milestoneError turns a refusal of the table's rules into the store's errors.
func milestoneError(err error) error {
	var pg *pgconn.PgError
	switch {
	case isUniqueViolation(err):
		return ErrExists // the code, or a live milestone of the same gate
	case isForeignKeyViolation(err):
		return ErrUnknownKind
	case errors.As(err, &pg) && pg.Code == "23514":
		return ErrInvalidMilestone
	}
	return err
}

// AddMilestone adds a milestone to an election kind's template: the national caller (the zero scope) a
// law's, a province-wide scope an administrative one of its province; a narrower scope is ErrNotFound. A
// code taken in the template, or a gate that a live milestone of the kind holds, is ErrExists; an unknown
// kind ErrUnknownKind; offsets, level or gate that break the table's rules ErrInvalidMilestone.
func (s *Store) AddMilestone(ctx context.Context, a audit.Actor, sc auth.Scope, in MilestoneInput) (int64, error) {
	if _, ok := templateScope(sc); !ok {
		return 0, ErrNotFound
	}
	var id int64
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var err error
		id, err = insertMilestone(ctx, tx, sc.ProvinceID, in, false)
		if err != nil {
			return nil, err
		}
		m, err := scanMilestone(tx.QueryRow(ctx, `SELECT `+milestoneCols+` FROM milestones m WHERE m.id = $1`, id), false)
		if err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "milestone.create", Entity: "milestone", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: sc.ProvinceID, Detail: audit.Change{After: milestoneAudit(m)}}}, nil
	})
	return id, err
}

// insertMilestone inserts a milestone of province (0: the law's), or with keep a missing one only: id 0
// when one of its code, or a live one of its gate, is there.
func insertMilestone(ctx context.Context, tx pgx.Tx, province int64, in MilestoneInput, keep bool) (int64, error) {
	var id int64
	code := in.Code
	if code == "" {
		if err := tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('milestones', 'id'))`).Scan(&id); err != nil {
			return 0, err
		}
		code = "m" + strconv.FormatInt(id, 10)
	}
	conflict := ""
	if keep { // its code, or its gate on another live milestone the national HQ made
		conflict = ` ON CONFLICT DO NOTHING`
	}
	err := tx.QueryRow(ctx, `
		INSERT INTO milestones (id, kind, province_id, code, title_fa, title_en, description_fa, description_en, legal_ref,
		                        level, constituency_kind, start_offset, end_offset, legal, gate, position)
		OVERRIDING SYSTEM VALUE
		VALUES (coalesce(NULLIF($1, 0), nextval(pg_get_serial_sequence('milestones', 'id'))), $2, NULLIF($3, 0), $4,
		        btrim($5), btrim($6), btrim($7), btrim($8), btrim($9), $10, $11, $12, $13, $3 = 0, $14, $15)`+conflict+`
		RETURNING id`,
		id, in.Kind, province, code, in.TitleFa, in.TitleEn, in.DescriptionFa, in.DescriptionEn, in.LegalRef,
		in.Level, in.ConstituencyKind, in.StartOffset, in.EndOffset, in.Gate, in.Position).Scan(&id)
	if keep && errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return id, milestoneError(err)
}

// AddLegalMilestones adds the law's milestones that are missing (by kind and code); those already there,
// perhaps changed or retired by the national HQ, are kept as they are, and so is a live milestone that
// holds the gate of one missing (which is then not added). It returns how many it added.
func (s *Store) AddLegalMilestones(ctx context.Context, a audit.Actor, ms []MilestoneInput) (int, error) {
	added := 0
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		added = 0
		for _, in := range ms {
			if in.Code == "" {
				return nil, fmt.Errorf("store: the law's milestone %q has no code", in.TitleEn)
			}
			id, err := insertMilestone(ctx, tx, 0, in, true)
			if err != nil {
				return nil, fmt.Errorf("milestone %s/%s: %w", in.Kind, in.Code, err)
			}
			if id != 0 {
				added++
			}
		}
		if added == 0 {
			return nil, nil
		}
		return []audit.Entry{{Action: "milestones.load", Entity: "milestone", Detail: map[string]int{"rows_changed": added}}}, nil
	})
	return added, err
}

// lockMilestone locks a milestone that the scope keeps (templateScope) at version, or returns ErrNotFound
// or ErrConflict.
func lockMilestone(ctx context.Context, tx pgx.Tx, sc auth.Scope, id int64, version int) (Milestone, error) {
	cond, ok := templateScope(sc)
	if !ok {
		return Milestone{}, ErrNotFound
	}
	m, err := scanMilestone(tx.QueryRow(ctx, `SELECT `+milestoneCols+` FROM milestones m WHERE m.id = $1 AND `+cond+`
		FOR UPDATE`, id, sc.ProvinceID), false)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, ErrNotFound
	}
	if err != nil {
		return m, err
	}
	if m.Version != version {
		return m, ErrConflict
	}
	return m, nil
}

// UpdateMilestone changes a milestone that the scope keeps (as AddMilestone adds it) if nobody changed it
// since version (else ErrConflict); its kind and code stay. One the scope does not keep is ErrNotFound
// (the law's for a province, another province's, any for a governor). Its level stays while it is marked
// done anywhere, in any election (ErrMarkedLevel): the marks are of places of that level, which a page of
// another level would not show, and which would show again, old, if the level came back.
func (s *Store) UpdateMilestone(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, in MilestoneInput) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		before, err := lockMilestone(ctx, tx, sc, id, version)
		if err != nil {
			return nil, err
		}
		if in.Level != before.Level {
			var marked bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM milestone_marks WHERE milestone_id = $1)`, id).Scan(&marked); err != nil {
				return nil, err
			}
			if marked {
				return nil, ErrMarkedLevel
			}
		}
		after, err := scanMilestone(tx.QueryRow(ctx, `
			UPDATE milestones m SET title_fa = btrim($2), title_en = btrim($3), description_fa = btrim($4),
			       description_en = btrim($5), legal_ref = btrim($6), level = $7, constituency_kind = $8,
			       start_offset = $9, end_offset = $10, gate = $11, position = $12, version = version + 1
			WHERE id = $1 RETURNING `+milestoneCols,
			id, in.TitleFa, in.TitleEn, in.DescriptionFa, in.DescriptionEn, in.LegalRef, in.Level, in.ConstituencyKind,
			in.StartOffset, in.EndOffset, in.Gate, in.Position), false)
		if err != nil {
			return nil, milestoneError(err)
		}
		return []audit.Entry{{Action: "milestone.update", Entity: "milestone", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: before.ProvinceID, Detail: audit.Change{Before: milestoneAudit(before), After: milestoneAudit(after)}}}, nil
	})
}

// RetireMilestone retires a milestone that the scope keeps, or restores it (retired false), if nobody
// changed it since version; one already so is ErrConflict. A retired milestone leaves the elections'
// timelines, its marks stay; restoring one whose gate a live milestone has taken since is ErrExists.
func (s *Store) RetireMilestone(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, retired bool) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		m, err := lockMilestone(ctx, tx, sc, id, version)
		if err != nil {
			return nil, err
		}
		if (m.RetiredAt != nil) == retired {
			return nil, ErrConflict // the page was drawn before it changed
		}
		if _, err := tx.Exec(ctx, `UPDATE milestones SET retired_at = CASE WHEN $2 THEN now() END, version = version + 1
			WHERE id = $1`, id, retired); err != nil {
			return nil, milestoneError(err)
		}
		action := "milestone.retire"
		if !retired {
			action = "milestone.restore"
		}
		return []audit.Entry{{Action: action, Entity: "milestone", EntityID: strconv.FormatInt(id, 10), ProvinceID: m.ProvinceID,
			Detail: audit.Change{Before: map[string]any{"retired": !retired}, After: map[string]any{"retired": retired}}}}, nil
	})
}

// ElectionByCode returns an election by its code, or ErrNotFound.
func (s *Store) ElectionByCode(ctx context.Context, code string) (Election, error) {
	return s.electionWhere(ctx, func(e Election) bool { return e.Code == code })
}

// ElectionDayMove is a row of election_day_moves: an election day moved.
type ElectionDayMove struct {
	ID          int64
	ElectionID  int64
	OldDay      time.Time
	NewDay      time.Time
	Reason      string
	MovedBy     int64  // 0: the command line
	MovedByName string // the user's full name, "" for the command line
	MovedAt     time.Time
}

// MoveElectionDay moves an election's day to day, for a reason (required: ErrReasonRequired), and records
// the move; every date of its timeline moves with it and its marks stay. An unknown election is
// ErrNotFound, the day it already has ErrSameDay. The law is national: whoever calls it (the national HQ,
// the command line) is the handler's to check.
func (s *Store) MoveElectionDay(ctx context.Context, a audit.Actor, electionID int64, day time.Time, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return ErrReasonRequired
	}
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var old time.Time
		err := tx.QueryRow(ctx, `SELECT election_day FROM elections WHERE id = $1 FOR UPDATE`, electionID).Scan(&old)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if old.Equal(day) {
			return nil, ErrSameDay
		}
		if _, err := tx.Exec(ctx, `UPDATE elections SET election_day = $2 WHERE id = $1`, electionID, day); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO election_day_moves (election_id, old_day, new_day, reason, moved_by)
			VALUES ($1, $2, $3, $4, NULLIF($5, 0))`, electionID, old, day, reason, a.ID); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "election.move", Entity: "election", EntityID: strconv.FormatInt(electionID, 10),
			Detail: audit.Change{Before: map[string]any{"election_day": old.Format(time.DateOnly)},
				After: map[string]any{"election_day": day.Format(time.DateOnly), "reason": reason}}}}, nil
	})
}

// LatestMove returns the latest move of an election's day, or ErrNotFound when it never moved.
func (s *Store) LatestMove(ctx context.Context, electionID int64) (ElectionDayMove, error) {
	var m ElectionDayMove
	var b Batch
	b.LatestMove(electionID, &m)
	if err := s.Run(ctx, &b); err != nil {
		return m, err
	}
	if m.ID == 0 {
		return m, ErrNotFound
	}
	return m, nil
}

// LatestMove queues the Store method of that name; out is left as it is (ID 0) when the day never moved.
func (b *Batch) LatestMove(electionID int64, out *ElectionDayMove) {
	b.queue(`
		SELECT v.id, v.election_id, v.old_day, v.new_day, v.reason, coalesce(v.moved_by, 0), coalesce(u.full_name, ''), v.moved_at
		FROM election_day_moves v LEFT JOIN users u ON u.id = v.moved_by
		WHERE v.election_id = $1 ORDER BY v.id DESC LIMIT 1`,
		func(rows pgx.Rows) error {
			m, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ElectionDayMove])
			if err == nil && len(m) == 1 {
				*out = m[0]
			}
			return err
		}, electionID)
}

// SetICSToken gives a user a calendar feed token, by its SHA-256 (hash), in place of the one he had,
// which stops working at once. The audit row says whether one was replaced, never the token.
func (s *Store) SetICSToken(ctx context.Context, a audit.Actor, userID int64, hash []byte) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var province int64
		err := tx.QueryRow(ctx, `SELECT coalesce(province_id, 0) FROM users WHERE id = $1 FOR UPDATE`, userID).Scan(&province)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM ics_tokens WHERE user_id = $1`, userID)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO ics_tokens (user_id, token_hash, epoch)
			SELECT id, $2, session_epoch FROM users WHERE id = $1`, userID, hash); isUniqueViolation(err) {
			return nil, ErrExists
		} else if err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "user.ics_token", Entity: "user", EntityID: strconv.FormatInt(userID, 10), ProvinceID: province,
			Detail: map[string]any{"replaced": tag.RowsAffected() > 0}}}, nil
	})
}

// UserByICSToken returns the enabled user whose calendar feed token has the SHA-256 hash, or ErrNotFound.
// A token made before the user's password last changed (his session_epoch moved on) is not his any more.
func (s *Store) UserByICSToken(ctx context.Context, hash []byte) (User, error) {
	rows, err := s.pool.Query(ctx, userSelect+`
		JOIN ics_tokens t ON t.user_id = u.id AND t.epoch = u.session_epoch
		WHERE t.token_hash = $1 AND u.disabled_at IS NULL`, hash)
	if err != nil {
		return User{}, err
	}
	return collectUser(rows)
}

// HasICSToken reports whether a user has a calendar feed token that still works.
func (s *Store) HasICSToken(ctx context.Context, userID int64) (bool, error) {
	var has bool
	var b Batch
	b.HasICSToken(userID, &has)
	return has, s.Run(ctx, &b)
}

// HasICSToken queues the Store method of that name.
func (b *Batch) HasICSToken(userID int64, out *bool) {
	b.queue(`SELECT EXISTS (SELECT 1 FROM ics_tokens t JOIN users u ON u.id = t.user_id AND u.session_epoch = t.epoch
		WHERE t.user_id = $1)`, func(rows pgx.Rows) error {
		v, err := pgx.CollectExactlyOneRow(rows, pgx.RowTo[bool])
		*out = v
		return err
	}, userID)
}
