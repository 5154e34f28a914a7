package store

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audience"
	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/taskflow"
)

// The committees' tasks (migration 0026). A committee assigns a task to places of its province; each
// place's copy is moved along by that place alone (its governor, its district head), and each move is
// kept with its note. Who reads what is in the queries: the province's readers (HQ, committees,
// observers) every task of it, the Ministry any province's; a governor the tasks with a copy in his
// county and those copies (his own and his districts'); a district head his district's copy.

// ErrNotYourCopy is a copy the reader may read but not move: a governor's district's copy.
var ErrNotYourCopy = errors.New("store: this copy is another place's to move")

// NewTask is a task as its committee assigns it.
type NewTask struct {
	Title    string
	Body     string
	DueDate  time.Time
	Audience audience.Audience
}

// Task is a committee's task.
type Task struct {
	ID            int64
	ProvinceID    int64
	Committee     string
	CommitteeFa   string
	CommitteeEn   string
	Title         string
	Body          string
	DueDate       time.Time
	WholeProvince bool
	Counties      []string // the codes chosen, when not the whole province
	WithDistricts bool
	CreatedBy     int64
	CreatedByName string
	CreatedAt     time.Time
}

// Audience is the audience the task was assigned to.
func (t Task) Audience() audience.Audience {
	return audience.Audience{Province: t.WholeProvince, Counties: t.Counties, WithDistricts: t.WithDistricts}
}

// TaskAssignee is one place's copy of a task: a county's (DistrictID 0) or a district's.
type TaskAssignee struct {
	ID            int64
	TaskID        int64
	CountyID      int64
	DistrictID    int64
	CountyCode    string
	CountyFa      string
	CountyEn      string
	DistrictCode  string
	DistrictFa    string
	DistrictEn    string
	Status        string
	Note          string
	ChangedAt     *time.Time
	ChangedByName string
	Version       int
}

// TaskEvent is one move of a copy, with its note.
type TaskEvent struct {
	AssigneeID int64
	From       string
	To         string
	Note       string
	ByName     string
	At         time.Time
}

// TaskDetail is a task with the copies and their moves that the reader sees.
type TaskDetail struct {
	Task
	Assignees []TaskAssignee
	Events    []TaskEvent // oldest first
}

// TaskSummary is a row of the province's list of tasks: the task and how its copies stand.
type TaskSummary struct {
	ID          int64
	Committee   string
	CommitteeFa string
	CommitteeEn string
	Title       string
	DueDate     time.Time
	Assignees   int
	Done        int
	InProgress  int
	Blocked     int
}

// TaskCopy is a place's copy with its task, as a governor's or district head's list shows it.
type TaskCopy struct {
	TaskID      int64
	Title       string
	CommitteeFa string
	CommitteeEn string
	DueDate     time.Time
	Assignee    TaskAssignee
}

// assigneeScope is the copies a reader sees, with $1 the province (0: every province, the Ministry's), $2
// the county and $3 the district (0: all of the level above).
const assigneeScope = `($1::bigint = 0 OR a.province_id = $1) AND ($2::bigint = 0 OR a.county_id = $2) AND ($3::bigint = 0 OR a.district_id = $3)`

// taskScope is the tasks a reader sees: of his province (any, for the Ministry), and for a governor or a
// district head those with a copy of his place.
const taskScope = `($1::bigint = 0 OR t.province_id = $1) AND ($2::bigint = 0 OR EXISTS (
	SELECT 1 FROM task_assignees a WHERE a.task_id = t.id AND ` + assigneeScope + `))`

const taskSelect = `
	SELECT t.id, t.province_id, t.committee_key, pc.name_fa, pc.name_en, t.title, t.body, t.due_date,
	       t.whole_province, t.counties, t.include_districts, t.created_by, u.full_name, t.created_at
	FROM tasks t
	JOIN province_committees pc ON pc.province_id = t.province_id AND pc.key = t.committee_key
	JOIN users u ON u.id = t.created_by`

const assigneeSelect = `
	SELECT a.id, a.task_id, a.county_id, coalesce(a.district_id, 0), c.code, c.name_fa, c.name_en,
	       coalesce(d.code, ''), coalesce(d.name_fa, ''), coalesce(d.name_en, ''), a.status, a.note, a.changed_at,
	       coalesce(u.full_name, ''), a.version
	FROM task_assignees a
	JOIN counties c ON c.id = a.county_id
	LEFT JOIN districts d ON d.id = a.district_id
	LEFT JOIN users u ON u.id = a.changed_by`

// maxTaskPlaces bounds the copies of one task a page reads: more than a province has places.
const maxTaskPlaces = 2000

// maxTaskEvents bounds the moves of one task a page reads, newest kept.
const maxTaskEvents = 5000

// AssignTask assigns a task of the actor's committee (sc.Committee) in his province to the places its
// audience reaches, each copy open, and tells their governors and district heads. A county of the audience
// not of the province is ErrUnknownCounty.
func (s *Store) AssignTask(ctx context.Context, a audit.Actor, sc auth.Scope, in NewTask) (int64, error) {
	var id int64
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		places, err := audiencePlaces(ctx, tx, sc.ProvinceID, in.Audience)
		if err != nil {
			return nil, err
		}
		counties := in.Audience.Counties
		if in.Audience.Province || counties == nil {
			counties = []string{}
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO tasks (province_id, committee_key, title, body, due_date, whole_province, counties, include_districts, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			sc.ProvinceID, sc.Committee, in.Title, in.Body, in.DueDate, in.Audience.Province, counties,
			in.Audience.WithDistricts, a.ID).Scan(&id); err != nil {
			return nil, err
		}
		countyIDs, districtIDs := make([]int64, len(places)), make([]int64, len(places))
		for i, p := range places {
			countyIDs[i], districtIDs[i] = p.CountyID, p.DistrictID
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO task_assignees (task_id, province_id, county_id, district_id)
			SELECT $1, $2, c, NULLIF(d, 0) FROM unnest($3::bigint[], $4::bigint[]) AS p (c, d)`,
			id, sc.ProvinceID, countyIDs, districtIDs); err != nil {
			return nil, err
		}
		if err := notify(ctx, tx, Recipients{Places: places, ProvinceID: sc.ProvinceID, Except: a.ID},
			Notice{Kind: NoticeTaskNew, Subject: "task", SubjectID: id, TitleFa: in.Title}); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "task.assign", Entity: "task", EntityID: strconv.FormatInt(id, 10), ProvinceID: sc.ProvinceID,
			Detail: audit.Change{After: audienceAudit(map[string]any{"committee": sc.Committee, "title": in.Title, "body": in.Body,
				"due_date": in.DueDate.Format(time.DateOnly), "places": len(places)}, in.Audience)}}}, nil
	})
	return id, err
}

// audienceAudit adds an audience to an audit detail as the log shows it: the whole province or the
// counties chosen (by code, which the log names), with their districts or not.
func audienceAudit(m map[string]any, a audience.Audience) map[string]any {
	m["audience"], m["include_districts"] = "province", a.WithDistricts
	if !a.Province {
		m["audience"], m["county"] = "counties", a.Counties
	}
	return m
}

// Task reads a task in the reader's scope with the copies he sees (overdue and unfinished first is the
// page's order to make; here by county then district) and their moves; ErrNotFound outside it.
func (s *Store) Task(ctx context.Context, sc auth.Scope, id int64) (TaskDetail, error) {
	var d TaskDetail
	var b Batch
	b.Task(sc, id, &d)
	err := s.Run(ctx, &b)
	return d, err
}

// Task is the queueing form of Store.Task.
func (b *Batch) Task(sc auth.Scope, id int64, out *TaskDetail) {
	b.queueRow(taskSelect+` WHERE t.id = $4 AND `+taskScope, func(row pgx.Row) error {
		return row.Scan(&out.ID, &out.ProvinceID, &out.Committee, &out.CommitteeFa, &out.CommitteeEn, &out.Title, &out.Body,
			&out.DueDate, &out.WholeProvince, &out.Counties, &out.WithDistricts, &out.CreatedBy, &out.CreatedByName, &out.CreatedAt)
	}, sc.ProvinceID, sc.CountyID, sc.DistrictID, id)
	b.queue(assigneeSelect+` WHERE a.task_id = $4 AND `+assigneeScope+`
		ORDER BY c.name_fa COLLATE "fa-IR-x-icu", a.district_id NULLS FIRST, d.name_fa COLLATE "fa-IR-x-icu" LIMIT $5`,
		func(rows pgx.Rows) (err error) {
			out.Assignees, err = pgx.CollectRows(rows, pgx.RowToStructByPos[TaskAssignee])
			return err
		}, sc.ProvinceID, sc.CountyID, sc.DistrictID, id, maxTaskPlaces)
	b.queue(`
		SELECT * FROM (
			SELECT e.assignee_id, e.from_status, e.to_status, e.note, u.full_name, e.changed_at
			FROM task_assignee_events e
			JOIN task_assignees a ON a.id = e.assignee_id
			JOIN users u ON u.id = e.changed_by
			WHERE a.task_id = $4 AND `+assigneeScope+`
			ORDER BY e.id DESC LIMIT $5) ev
		ORDER BY changed_at, assignee_id`,
		func(rows pgx.Rows) (err error) {
			out.Events, err = pgx.CollectRows(rows, pgx.RowToStructByPos[TaskEvent])
			return err
		}, sc.ProvinceID, sc.CountyID, sc.DistrictID, id, maxTaskEvents)
}

// TaskFilter chooses the province's tasks a list shows: a committee's ("" for every committee), a page of
// Limit rows from Offset.
type TaskFilter struct {
	Committee string
	Offset    int
	Limit     int
}

// Tasks is the queueing read of a province's tasks (sc.ProvinceID, which must not be 0) with how their
// copies stand, those with unfinished copies past their due date on the day today first, then by due
// date; and the number of tasks the filter finds, into total.
func (b *Batch) Tasks(sc auth.Scope, today time.Time, f TaskFilter, out *[]TaskSummary, total *int) {
	b.queue(`
		WITH counted AS (
			SELECT t.id, t.committee_key, pc.name_fa, pc.name_en, t.title, t.due_date,
			       count(a.id)::int AS assignees,
			       count(a.id) FILTER (WHERE a.status = 'done')::int AS done,
			       count(a.id) FILTER (WHERE a.status = 'in_progress')::int AS in_progress,
			       count(a.id) FILTER (WHERE a.status = 'blocked')::int AS blocked
			FROM tasks t
			JOIN province_committees pc ON pc.province_id = t.province_id AND pc.key = t.committee_key
			LEFT JOIN task_assignees a ON a.task_id = t.id
			WHERE t.province_id = $1 AND ($2 = '' OR t.committee_key = $2)
			GROUP BY t.id, pc.name_fa, pc.name_en
		)
		SELECT id, committee_key, name_fa, name_en, title, due_date, assignees, done, in_progress, blocked,
		       count(*) OVER ()::int
		FROM counted
		ORDER BY (due_date < $3 AND done < assignees) DESC, due_date, id
		OFFSET $4 LIMIT $5`,
		func(rows pgx.Rows) error {
			*out = (*out)[:0]
			*total = 0
			for rows.Next() {
				var t TaskSummary
				if err := rows.Scan(&t.ID, &t.Committee, &t.CommitteeFa, &t.CommitteeEn, &t.Title, &t.DueDate, &t.Assignees,
					&t.Done, &t.InProgress, &t.Blocked, total); err != nil {
					return err
				}
				*out = append(*out, t)
			}
			return nil
		}, sc.ProvinceID, f.Committee, today, f.Offset, f.Limit)
}

// TaskCopies is the queueing read of the copies a governor or district head sees (his county's and its
// districts', his district's): with ownOpen, only his own (the county's, the district's) not done. Unfinished copies past their due date on the
// day today come first, then by due date; at most limit.
func (b *Batch) TaskCopies(sc auth.Scope, today time.Time, ownOpen bool, limit int, out *[]TaskCopy) {
	b.queue(`
		SELECT t.id, t.title, pc.name_fa, pc.name_en, t.due_date,
		       a.id, a.task_id, a.county_id, coalesce(a.district_id, 0), c.code, c.name_fa, c.name_en,
		       coalesce(d.code, ''), coalesce(d.name_fa, ''), coalesce(d.name_en, ''), a.status, a.note, a.changed_at,
		       coalesce(u.full_name, ''), a.version
		FROM task_assignees a
		JOIN tasks t ON t.id = a.task_id
		JOIN province_committees pc ON pc.province_id = t.province_id AND pc.key = t.committee_key
		JOIN counties c ON c.id = a.county_id
		LEFT JOIN districts d ON d.id = a.district_id
		LEFT JOIN users u ON u.id = a.changed_by
		WHERE `+assigneeScope+` AND (NOT $4 OR a.status <> 'done' AND a.district_id IS NOT DISTINCT FROM NULLIF($3, 0))
		ORDER BY (t.due_date < $5 AND a.status <> 'done') DESC, t.due_date, t.id, a.district_id NULLS FIRST
		LIMIT $6`,
		func(rows pgx.Rows) error {
			*out = (*out)[:0]
			for rows.Next() {
				var c TaskCopy
				a := &c.Assignee
				if err := rows.Scan(&c.TaskID, &c.Title, &c.CommitteeFa, &c.CommitteeEn, &c.DueDate,
					&a.ID, &a.TaskID, &a.CountyID, &a.DistrictID, &a.CountyCode, &a.CountyFa, &a.CountyEn,
					&a.DistrictCode, &a.DistrictFa, &a.DistrictEn, &a.Status, &a.Note, &a.ChangedAt, &a.ChangedByName,
					&a.Version); err != nil {
					return err
				}
				*out = append(*out, c)
			}
			return nil
		}, sc.ProvinceID, sc.CountyID, sc.DistrictID, ownOpen, today, limit)
}

// ChangeTaskStatus moves a place's copy of a task to status with a note, as the copy's own place: the
// governor his county's copy, the district head his district's. A copy outside the reader's scope is
// ErrNotFound; one he reads but is not his (a district's, for a governor) ErrNotYourCopy; a version that
// is not the copy's ErrConflict; a move taskflow refuses its error. The move is kept with its note; a move
// to blocked tells the task's committee.
func (s *Store) ChangeTaskStatus(ctx context.Context, a audit.Actor, sc auth.Scope, taskID, assigneeID int64, version int,
	status, note string) error {
	note = strings.TrimSpace(note)
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var cur TaskAssignee
		var committee, title string
		err := tx.QueryRow(ctx, `
			SELECT a.status, a.note, a.version, a.county_id, coalesce(a.district_id, 0), c.code, coalesce(d.code, ''),
			       t.committee_key, t.title
			FROM task_assignees a JOIN tasks t ON t.id = a.task_id
			JOIN counties c ON c.id = a.county_id LEFT JOIN districts d ON d.id = a.district_id
			WHERE a.id = $4 AND a.task_id = $5 AND `+assigneeScope+`
			FOR UPDATE OF a`, sc.ProvinceID, sc.CountyID, sc.DistrictID, assigneeID, taskID).
			Scan(&cur.Status, &cur.Note, &cur.Version, &cur.CountyID, &cur.DistrictID, &cur.CountyCode, &cur.DistrictCode,
				&committee, &title)
		if errors.Is(err, pgx.ErrNoRows) || sc.ProvinceID == 0 || sc.CountyID == 0 {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if cur.DistrictID != sc.DistrictID {
			return nil, ErrNotYourCopy
		}
		if cur.Version != version {
			return nil, ErrConflict
		}
		if err := taskflow.Check(cur.Status, status, note); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE task_assignees SET status = $2, note = $3, changed_at = now(), changed_by = $4, version = version + 1
			WHERE id = $1`, assigneeID, status, note, a.ID); err != nil {
			return nil, err
		}
		var event int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO task_assignee_events (assignee_id, from_status, to_status, note, changed_by) VALUES ($1, $2, $3, $4, $5)
			RETURNING id`, assigneeID, cur.Status, status, note, a.ID).Scan(&event); err != nil {
			return nil, err
		}
		// A blocked copy waits on someone else: its committee is told, once a copy until it has read it.
		if status == taskflow.Blocked {
			thread := "task_blocked " + strconv.FormatInt(assigneeID, 10) + " "
			if err := notify(ctx, tx, Recipients{ProvinceID: sc.ProvinceID, Committee: committee, Except: a.ID},
				Notice{Kind: NoticeTaskBlocked, Subject: "task", SubjectID: taskID, TitleFa: title,
					Dedup: thread + strconv.FormatInt(event, 10), Thread: thread}); err != nil {
				return nil, err
			}
		}
		// The copy's place and the move's note are told once, with the state it moved to: each move has its
		// own note, which does not replace the one before it.
		after := map[string]any{"status": status, "note": note, "county": cur.CountyCode}
		if cur.DistrictCode != "" {
			after["district"] = cur.DistrictCode
		}
		before := map[string]any{"status": cur.Status}
		return []audit.Entry{{Action: "task.status", Entity: "task", EntityID: strconv.FormatInt(taskID, 10), ProvinceID: sc.ProvinceID,
			Detail: audit.Change{Before: before, After: after}}}, nil
	})
}

// TaskAssigneeVersion reads the version and status of a copy in the reader's scope, for a form that came
// back with errors: one drawn from an older version is refused as stale, whatever else it holds.
func (s *Store) TaskAssigneeVersion(ctx context.Context, sc auth.Scope, taskID, assigneeID int64) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `SELECT a.version FROM task_assignees a WHERE a.id = $4 AND a.task_id = $5 AND `+assigneeScope,
		sc.ProvinceID, sc.CountyID, sc.DistrictID, assigneeID, taskID).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNotFound
	}
	return v, err
}

// sweepTasks tells, as of the day today, each place whose copy of a task is not done: that it is due
// within taskflow.DueSoonDays (task_due), or past its due date (task_overdue); each once per copy and due
// date. The county's copy is told to its governor, a district's to its district head.
func sweepTasks(ctx context.Context, tx pgx.Tx, now time.Time) (int64, error) {
	tag, err := tx.Exec(ctx, `
		WITH today AS (SELECT ($1::timestamptz AT TIME ZONE 'Asia/Tehran')::date AS d),
		late AS (
			SELECT a.id, a.county_id, a.district_id, t.id AS task_id, t.title, t.due_date,
			       CASE WHEN t.due_date < today.d THEN 'task_overdue' ELSE 'task_due' END AS kind
			FROM task_assignees a JOIN tasks t ON t.id = a.task_id CROSS JOIN today
			WHERE a.status <> 'done' AND t.due_date <= today.d + $2::int
		)
		INSERT INTO notifications (user_id, kind, subject, subject_id, title, dedup)
		SELECT u.id, late.kind, 'task', late.task_id, late.title, late.kind || ' ' || late.id || ' ' || late.due_date
		FROM late JOIN users u ON u.disabled_at IS NULL AND (
			late.district_id IS NULL AND u.role = 'governor' AND u.county_id = late.county_id
			OR u.role = 'district_head' AND u.district_id = late.district_id)
		ON CONFLICT (user_id, dedup) DO NOTHING`, now, taskflow.DueSoonDays)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// CopyFilter narrows a list of task copies.
type CopyFilter struct {
	Own     bool // the county's own copies, not its districts'
	Open    bool // not done
	Overdue bool // not done and past their due date
}

// TaskCopiesPage is the queueing read of a page of the copies of the place sc (a province, a county with
// its districts, a district), as a list filtered by place shows them: with f.Own, only the county's own;
// with f.Open, only those not done; with f.Overdue, only those not done and past their due date on the day
// today. Unfinished copies past their due date come first, then by due
// date, task and place, the county's own before its districts'; total is how many the filter finds.
func (b *Batch) TaskCopiesPage(ctx context.Context, sc auth.Scope, today time.Time, f CopyFilter, page, size int, out *[]TaskCopy,
	total *int) {
	args := append(scopeArgs(sc), today)
	where := ` WHERE` + scopeOn(sc, "a.province_id", "a.county_id", "a.district_id") +
		` AND ` + optional(f.Overdue, "a.status <> 'done' AND t.due_date < $4", "$4::date IS NOT NULL") +
		optional(f.Open, " AND a.status <> 'done'", "") + optional(f.Own, " AND a.district_id IS NULL", "")
	countArgs := append([]any(nil), args...)
	b.queue(`
		SELECT t.id, t.title, pc.name_fa, pc.name_en, t.due_date,
		       a.id, a.task_id, a.county_id, coalesce(a.district_id, 0), c.code, c.name_fa, c.name_en,
		       coalesce(d.code, ''), coalesce(d.name_fa, ''), coalesce(d.name_en, ''), a.status, a.note, a.changed_at,
		       coalesce(u.full_name, ''), a.version
		FROM task_assignees a
		JOIN tasks t ON t.id = a.task_id
		JOIN province_committees pc ON pc.province_id = t.province_id AND pc.key = t.committee_key
		JOIN counties c ON c.id = a.county_id
		LEFT JOIN districts d ON d.id = a.district_id
		LEFT JOIN users u ON u.id = a.changed_by`+where+`
		ORDER BY (t.due_date < $4 AND a.status <> 'done') DESC, t.due_date, t.id, `+byName(ctx, "c.name_fa", "c.name_en")+`,
		         a.district_id NULLS FIRST`+pageOf(size, (max(page, 1)-1)*size, &args),
		func(rows pgx.Rows) error {
			*out = (*out)[:0]
			for rows.Next() {
				var c TaskCopy
				a := &c.Assignee
				if err := rows.Scan(&c.TaskID, &c.Title, &c.CommitteeFa, &c.CommitteeEn, &c.DueDate,
					&a.ID, &a.TaskID, &a.CountyID, &a.DistrictID, &a.CountyCode, &a.CountyFa, &a.CountyEn,
					&a.DistrictCode, &a.DistrictFa, &a.DistrictEn, &a.Status, &a.Note, &a.ChangedAt, &a.ChangedByName,
					&a.Version); err != nil {
					return err
				}
				*out = append(*out, c)
			}
			return nil
		}, args...)
	b.queueRow(`SELECT count(*)::int FROM task_assignees a JOIN tasks t ON t.id = a.task_id`+where,
		func(row pgx.Row) error { return row.Scan(total) }, countArgs...)
}
