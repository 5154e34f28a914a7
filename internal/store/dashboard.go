package store

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/readiness"
)

// Figures are the monitoring's counts of one row of a dashboard: a province (the national view), a county
// (a province's dashboard) or one place (a county's page: the county itself and each district). Every count
// is of the places of the row as of the day the figures were read for: a milestone, a task copy or a check's
// day is overdue or missed when its last day was before that day.
type Figures struct {
	ProvinceID, CountyID, DistrictID int64
	Code, NameFa, NameEn             string
	CountyCode                       string // the county of a county's or a place's row; "" for a province
	Places                           int    // the places counted: counties and districts
	OwnBoard                         string // the status of the row's own board (a county's, a district's); "" for a province
	BoardsDraft, BoardsReturned      int
	BoardsSubmitted, BoardsApproved  int
	MilestonesDue, MilestonesDone    int // milestones of the places' level whose window has closed; milestones marked done
	MilestonesOverdue                int
	TasksOpen, TasksDue              int // task copies not done; copies due before the day
	TasksOverdue                     int
	Receipts, Unacked                int            // published circulars received; of them not acknowledged
	UnackedCirculars                 int            // the published circulars that some place of the row has not acknowledged
	ChecksExpected, ChecksMissed     int            // readiness check filings due before the day; of them not filed
	PlacesTrained                    int            // places that attended a training session
	Incidents                        [4]int         // open incidents of the places, by severity, low first (see incidentsByPlace)
	Candidates                       map[string]int // the election's candidates by status
}

// Boards is the number of boards of the row's places.
func (f Figures) Boards() int {
	return f.BoardsDraft + f.BoardsReturned + f.BoardsSubmitted + f.BoardsApproved
}

// OpenIncidents is the number of open incidents of every severity.
func (f Figures) OpenIncidents() int {
	return f.Incidents[0] + f.Incidents[1] + f.Incidents[2] + f.Incidents[3]
}

// CandidateTotal is the number of candidates of every status.
func (f Figures) CandidateTotal() int {
	n := 0
	for _, v := range f.Candidates {
		n += v
	}
	return n
}

// Inputs are the row's counts as the readiness score weighs them.
func (f Figures) Inputs() readiness.Inputs {
	return readiness.Inputs{
		Boards: f.Boards(), BoardsSubmitted: f.BoardsSubmitted, BoardsApproved: f.BoardsApproved,
		MilestonesDue: f.MilestonesDue, MilestonesOverdue: f.MilestonesOverdue, TasksDue: f.TasksDue, TasksOverdue: f.TasksOverdue,
		Receipts: f.Receipts, Unacked: f.Unacked, ChecksExpected: f.ChecksExpected, ChecksMissed: f.ChecksMissed,
		Places: f.Places, PlacesTrained: f.PlacesTrained, OpenIncidents: f.Incidents,
	}
}

// Add adds the counts of g to f (a total row of several rows); names and ids stay f's. The circulars not
// acknowledged are not added: one circular may be unacknowledged in several rows.
func (f *Figures) Add(g Figures) {
	f.Places += g.Places
	f.BoardsDraft += g.BoardsDraft
	f.BoardsReturned += g.BoardsReturned
	f.BoardsSubmitted += g.BoardsSubmitted
	f.BoardsApproved += g.BoardsApproved
	f.MilestonesDue += g.MilestonesDue
	f.MilestonesDone += g.MilestonesDone
	f.MilestonesOverdue += g.MilestonesOverdue
	f.TasksOpen += g.TasksOpen
	f.TasksDue += g.TasksDue
	f.TasksOverdue += g.TasksOverdue
	f.Receipts += g.Receipts
	f.Unacked += g.Unacked
	f.ChecksExpected += g.ChecksExpected
	f.ChecksMissed += g.ChecksMissed
	f.PlacesTrained += g.PlacesTrained
	for i := range f.Incidents {
		f.Incidents[i] += g.Incidents[i]
	}
	for k, v := range g.Candidates {
		if f.Candidates == nil {
			f.Candidates = map[string]int{}
		}
		f.Candidates[k] += v
	}
}

// Grouping is what one row of figures counts.
type Grouping int

// The groupings.
const (
	ByProvince Grouping = iota // one row per province: the national view
	ByCounty                   // one row per county, its districts included: a province's dashboard
	ByPlace                    // one row per place: a county itself and each of its districts
)

// grouping is how a Grouping is written in SQL: the columns of a row's identity and names, its own board,
// and the candidate counts' columns. Only these fixed strings reach the statement.
type grouping struct {
	cols, group, own, candidates string
	incidents                    string // the CTE inc: the open incidents of each place, by severity
	order                        string // what comes before the names in the rows' order
}

// orderBy is the rows' order: the grouping's, then by name in the reader's alphabet, then by code.
func (g grouping) orderBy(ctx context.Context, level Grouping) string {
	switch level {
	case ByProvince:
		return byName(ctx, "pr.name_fa", "pr.name_en") + ", pr.code"
	case ByCounty:
		return byName(ctx, "c.name_fa", "c.name_en") + ", c.code"
	}
	return g.order + byName(ctx, "coalesce(d.name_fa, c.name_fa)", "coalesce(d.name_en, c.name_en)") + ", d.code"
}

var groupings = map[Grouping]grouping{
	ByProvince: {
		cols:       `pr.id, 0::bigint, 0::bigint, pr.code, pr.name_fa, pr.name_en, ''`,
		group:      `pr.id, pr.code, pr.name_fa, pr.name_en`,
		own:        `''`,
		candidates: `k.province_id, 0::bigint, 0::bigint`,
		incidents:  incidentsByReporter,
	},
	ByCounty: {
		cols:       `c.province_id, c.id, 0::bigint, c.code, c.name_fa, c.name_en, c.code`,
		group:      `c.province_id, c.id, c.code, c.name_fa, c.name_en`,
		own:        `coalesce(max(bo.status) FILTER (WHERE p.district_id = 0), '')`,
		candidates: `k.province_id, k.county_id, 0::bigint`,
		incidents:  incidentsByReporter,
	},
	ByPlace: {
		cols: `c.province_id, c.id, p.district_id, coalesce(d.code, c.code), coalesce(d.name_fa, c.name_fa),
		       coalesce(d.name_en, c.name_en), c.code`,
		group:      `c.province_id, c.id, p.district_id, d.code, c.code, d.name_fa, c.name_fa, d.name_en, c.name_en`,
		own:        `coalesce(max(bo.status), '')`,
		candidates: `k.province_id, k.county_id, k.district_id`,
		incidents:  incidentsByPlace,
		order:      `c.id, p.district_id <> 0, `, // a county before its districts
	},
}

// incidentsBy is the CTE inc of the open incidents by severity, counted per place by the condition on
// (i, p) that makes an incident a place's.
func incidentsBy(cond string) string {
	return `inc AS (
	SELECT p.county_id, p.district_id,
	       count(*) FILTER (WHERE i.severity = 'low') AS low, count(*) FILTER (WHERE i.severity = 'medium') AS medium,
	       count(*) FILTER (WHERE i.severity = 'high') AS high, count(*) FILTER (WHERE i.severity = 'critical') AS critical
	FROM places p JOIN incidents i ON i.county_id = p.county_id AND i.status <> 'resolved' AND (` + cond + `)
	GROUP BY 1, 2)`
}

var (
	// incidentsByReporter counts an incident for the place that reported it, so that a row of several
	// places (a county with its districts, a province) counts each of its incidents once, as its list
	// shows them.
	incidentsByReporter = incidentsBy(`coalesce(i.district_id, 0) = p.district_id`)
	// incidentsByPlace counts an incident for the place that reported it and for each district it affects:
	// a district's row counts what its head's list shows. Such rows overlap; their total is counted apart
	// (Batch.OpenIncidents).
	incidentsByPlace = incidentsBy(`coalesce(i.district_id, 0) = p.district_id
		OR EXISTS (SELECT 1 FROM incident_districts x WHERE x.incident_id = i.id AND x.district_id = p.district_id)`)
)

// inCounty limits a column of county ids to the scope's county ($3) and to the county of code $6, if any.
func inCounty(col string) string {
	return `($3 = 0 OR ` + col + ` = $3) AND ($6 = '' OR ` + col + ` = (SELECT id FROM counties WHERE code = $6))`
}

// figuresSQL counts every family of the monitoring per place, each aggregated to at most one row per
// place before the places are joined and grouped: $1 the election, $2 $3 $4 the scope's province, county
// and district (0: not limited), $5 the day, $6 a county's code (” for any).
var figuresSQL = `
WITH e AS (SELECT id, election_day, coalesce(parent_kind, kind) AS kind FROM elections WHERE id = $1),
places AS (
	SELECT c.province_id, c.id AS county_id, 0::bigint AS district_id FROM counties c
	WHERE ($2 = 0 OR c.province_id = $2) AND ` + inCounty("c.id") + ` AND $4 = 0
	UNION ALL
	SELECT c.province_id, c.id, d.id FROM districts d JOIN counties c ON c.id = d.county_id
	WHERE ($2 = 0 OR c.province_id = $2) AND ` + inCounty("c.id") + ` AND ($4 = 0 OR d.id = $4)),
bo AS (
	SELECT b.county_id, coalesce(b.district_id, 0) AS district_id, ` + displayStatus + ` AS status
	FROM boards b WHERE b.election_id = $1 AND ($2 = 0 OR b.province_id = $2) AND ` + inCounty("b.county_id") + `),
due AS (
	SELECT m.id, m.level, m.province_id FROM milestones m JOIN e ON m.kind = e.kind
	WHERE m.retired_at IS NULL AND m.level IN ('county', 'district') AND e.election_day + m.end_offset < $5::date),
mk AS (
	SELECT x.county_id, coalesce(x.district_id, 0) AS district_id, x.milestone_id
	FROM milestone_marks x JOIN milestones m ON m.id = x.milestone_id AND m.retired_at IS NULL
	WHERE x.election_id = $1 AND x.county_id IS NOT NULL AND ($2 = 0 OR x.province_id = $2) AND ` + inCounty("x.county_id") + `),
ms AS (
	SELECT p.county_id, p.district_id, count(*) AS due, count(*) FILTER (WHERE x.milestone_id IS NULL) AS overdue
	FROM places p
	JOIN due ON due.level = CASE WHEN p.district_id = 0 THEN 'county' ELSE 'district' END
	        AND (due.province_id IS NULL OR due.province_id = p.province_id)
	LEFT JOIN mk x ON x.county_id = p.county_id AND x.district_id = p.district_id AND x.milestone_id = due.id
	GROUP BY 1, 2),
done AS (SELECT county_id, district_id, count(*) AS n FROM mk GROUP BY 1, 2),
ta AS (
	SELECT a.county_id, coalesce(a.district_id, 0) AS district_id,
	       count(*) FILTER (WHERE a.status <> 'done') AS open, count(*) FILTER (WHERE t.due_date < $5::date) AS due,
	       count(*) FILTER (WHERE a.status <> 'done' AND t.due_date < $5::date) AS overdue
	FROM task_assignees a JOIN tasks t ON t.id = a.task_id
	WHERE ($2 = 0 OR a.province_id = $2) AND ` + inCounty("a.county_id") + ` GROUP BY 1, 2),
gr AS (
	SELECT r.county_id, coalesce(r.district_id, 0) AS district_id, count(*) AS receipts,
	       count(*) FILTER (WHERE r.acked_at IS NULL) AS unacked
	FROM guidance_receipts r JOIN guidance g ON g.id = r.guidance_id AND g.status = 'published'
	WHERE ($2 = 0 OR g.province_id = $2) AND ` + inCounty("r.county_id") + ` GROUP BY 1, 2),
%INC%,
ck AS (
	SELECT k.id, k.province_id, k.cadence, k.due_date, k.starts_on, k.ends_on, k.include_districts
	FROM readiness_checks k WHERE k.election_id = $1 AND k.retired_at IS NULL AND ($2 = 0 OR k.province_id = $2)),
ex AS (
	SELECT p.county_id, p.district_id,
	       sum(CASE WHEN k.cadence = 'once' THEN (k.due_date < $5::date)::int
	                ELSE greatest(0, least(k.ends_on, $5::date - 1) - k.starts_on + 1) END) AS expected
	FROM places p JOIN ck k ON k.province_id = p.province_id AND (p.district_id = 0 OR k.include_districts)
	GROUP BY 1, 2),
fi AS (
	SELECT f.county_id, coalesce(f.district_id, 0) AS district_id, count(*) AS filed
	FROM readiness_filings f JOIN ck k ON k.id = f.check_id
	WHERE f.day < $5::date AND ($2 = 0 OR f.province_id = $2) AND ` + inCounty("f.county_id") + ` GROUP BY 1, 2),
tr AS (
	SELECT i.county_id, coalesce(i.district_id, 0) AS district_id
	FROM training_invitees i JOIN trainings t ON t.id = i.training_id AND ($2 = 0 OR t.province_id = $2)
	WHERE i.attended AND ` + inCounty("i.county_id") + ` GROUP BY 1, 2)
SELECT %COLS%, count(*)::int, %OWN%,
       count(*) FILTER (WHERE bo.status = 'draft')::int, count(*) FILTER (WHERE bo.status = 'returned')::int,
       count(*) FILTER (WHERE bo.status = 'submitted')::int, count(*) FILTER (WHERE bo.status = 'approved')::int,
       coalesce(sum(ms.due), 0)::int, coalesce(sum(done.n), 0)::int, coalesce(sum(ms.overdue), 0)::int,
       coalesce(sum(ta.open), 0)::int, coalesce(sum(ta.due), 0)::int, coalesce(sum(ta.overdue), 0)::int,
       coalesce(sum(gr.receipts), 0)::int, coalesce(sum(gr.unacked), 0)::int,
       coalesce(sum(ex.expected), 0)::int, coalesce(sum(greatest(coalesce(ex.expected, 0) - coalesce(fi.filed, 0), 0)), 0)::int,
       count(tr.county_id)::int,
       coalesce(sum(inc.low), 0)::int, coalesce(sum(inc.medium), 0)::int, coalesce(sum(inc.high), 0)::int,
       coalesce(sum(inc.critical), 0)::int
FROM places p
LEFT JOIN bo USING (county_id, district_id) LEFT JOIN ms USING (county_id, district_id)
LEFT JOIN done USING (county_id, district_id) LEFT JOIN ta USING (county_id, district_id)
LEFT JOIN gr USING (county_id, district_id) LEFT JOIN inc USING (county_id, district_id)
LEFT JOIN ex USING (county_id, district_id) LEFT JOIN fi USING (county_id, district_id)
LEFT JOIN tr USING (county_id, district_id)
JOIN counties c ON c.id = p.county_id JOIN provinces pr ON pr.id = p.province_id
LEFT JOIN districts d ON d.id = p.district_id
GROUP BY %GROUP%
ORDER BY %ORDER%`

// candidateFiguresSQL counts the election's candidates in scope by the row and status, from the summary
// candidate_counts that every write to candidates keeps.
const candidateFiguresSQL = `
SELECT %CANDIDATES%, k.status, sum(k.n)::int FROM candidate_counts k
WHERE k.election_id = $1 AND ($2 = 0 OR k.province_id = $2) AND %COUNTY% AND ($4 = 0 OR k.district_id = $4)
GROUP BY 1, 2, 3, 4 HAVING sum(k.n) > 0`

// unackedFiguresSQL counts by the row the published circulars that some place of the row has not
// acknowledged, each once however many of its places have not: what /guidance?acked=no lists for the row.
// $1 $2 $3 the scope's province, county and district (0: not limited), $4 a county's code (empty for any).
const unackedFiguresSQL = `
SELECT %CANDIDATES%, count(DISTINCT k.guidance_id)::int
FROM (SELECT c.province_id, r.county_id, coalesce(r.district_id, 0) AS district_id, r.guidance_id
      FROM guidance_receipts r JOIN guidance g ON g.id = r.guidance_id AND g.status = 'published'
      JOIN counties c ON c.id = r.county_id
      WHERE r.acked_at IS NULL AND ($1 = 0 OR g.province_id = $1) AND ($2 = 0 OR r.county_id = $2)
        AND ($3 = 0 OR r.district_id = $3) AND ($4 = '' OR c.code = $4)) k
GROUP BY 1, 2, 3`

// Figures reads the figures of an election in scope on the day today (a date), one row per g, in county the
// county of that code only ("" for every county in scope), by name in the reader's alphabet (a county before
// its districts). A row's candidates are counted from the summary the candidates' writes keep, never from
// the candidates.
func (s *Store) Figures(ctx context.Context, sc auth.Scope, electionID int64, today time.Time, g Grouping, county string) ([]Figures, error) {
	return figures(ctx, s.pool, sc, electionID, today, g, county)
}

// figures runs the three statements of Figures on q. Each is planned for its arguments every time
// (QueryExecModeExec): a statement kept prepared is planned once for any argument after a few runs, and
// for "every province" ($2 = 0) that plan reads each family's whole table several times over.
func figures(ctx context.Context, q querier, sc auth.Scope, electionID int64, today time.Time, g Grouping, county string) ([]Figures, error) {
	gr := groupings[g]
	sql := strings.NewReplacer("%INC%", gr.incidents, "%COLS%", gr.cols, "%OWN%", gr.own, "%GROUP%", gr.group, "%ORDER%", gr.orderBy(ctx, g)).Replace(figuresSQL)
	rows, err := q.Query(ctx, sql, pgx.QueryExecModeExec, electionID, sc.ProvinceID, sc.CountyID, sc.DistrictID, today, county)
	if err != nil {
		return nil, err
	}
	var out []Figures
	var f Figures
	_, err = pgx.ForEachRow(rows, []any{&f.ProvinceID, &f.CountyID, &f.DistrictID, &f.Code, &f.NameFa, &f.NameEn, &f.CountyCode, &f.Places, &f.OwnBoard,
		&f.BoardsDraft, &f.BoardsReturned, &f.BoardsSubmitted, &f.BoardsApproved,
		&f.MilestonesDue, &f.MilestonesDone, &f.MilestonesOverdue, &f.TasksOpen, &f.TasksDue, &f.TasksOverdue,
		&f.Receipts, &f.Unacked, &f.ChecksExpected, &f.ChecksMissed, &f.PlacesTrained,
		&f.Incidents[0], &f.Incidents[1], &f.Incidents[2], &f.Incidents[3]}, func() error {
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	at := map[[3]int64]int{}
	for i, f := range out {
		at[[3]int64{f.ProvinceID, f.CountyID, f.DistrictID}] = i
	}
	// The same scope, the county's code as $5.
	csql := strings.NewReplacer("%CANDIDATES%", gr.candidates,
		"%COUNTY%", strings.ReplaceAll(inCounty("k.county_id"), "$6", "$5")).Replace(candidateFiguresSQL)
	rows, err = q.Query(ctx, csql, pgx.QueryExecModeExec, electionID, sc.ProvinceID, sc.CountyID, sc.DistrictID, county)
	if err != nil {
		return nil, err
	}
	var key [3]int64
	var status string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&key[0], &key[1], &key[2], &status, &n}, func() error {
		if i, ok := at[key]; ok {
			f := &out[i]
			if f.Candidates == nil {
				f.Candidates = map[string]int{}
			}
			f.Candidates[status] += n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, strings.ReplaceAll(unackedFiguresSQL, "%CANDIDATES%", gr.candidates), pgx.QueryExecModeExec,
		sc.ProvinceID, sc.CountyID, sc.DistrictID, county)
	if err != nil {
		return nil, err
	}
	_, err = pgx.ForEachRow(rows, []any{&key[0], &key[1], &key[2], &n}, func() error {
		if i, ok := at[key]; ok {
			out[i].UnackedCirculars = n
		}
		return nil
	})
	return out, err
}

// TrendDay is a day of the readiness history, summed over the counties in scope.
type TrendDay struct {
	Day                                                      time.Time
	MilestonesOverdue, TasksOverdue, ChecksMissed, Incidents int
}

// Overdue is everything overdue or missed that day.
func (d TrendDay) Overdue() int { return d.MilestonesOverdue + d.TasksOverdue + d.ChecksMissed }

// ReadinessTrend reads the history of an election in scope (and in the county of code county, if not
// "") from the day from on, one row per day with a snapshot, oldest first.
func (b *Batch) ReadinessTrend(sc auth.Scope, electionID int64, from time.Time, county string, out *[]TrendDay) {
	*out = nil
	b.queue(`
		SELECT r.day, sum(r.milestones_overdue)::int, sum(r.tasks_overdue)::int, sum(r.checks_missed)::int, sum(r.incidents_open)::int
		FROM readiness_days r
		WHERE r.election_id = $1 AND ($2 = 0 OR r.province_id = $2) AND `+inCounty("r.county_id")+` AND $4 = 0 AND r.day >= $5::date
		GROUP BY r.day ORDER BY r.day`, func(rows pgx.Rows) error {
		var d TrendDay
		_, err := pgx.ForEachRow(rows, []any{&d.Day, &d.MilestonesOverdue, &d.TasksOverdue, &d.ChecksMissed, &d.Incidents},
			func() error { *out = append(*out, d); return nil })
		return err
	}, electionID, sc.ProvinceID, sc.CountyID, sc.DistrictID, from, county)
}

// SnapshotReadiness writes the history of the current election for the day before today (Tehran), once:
// every county's figures as they stood at the end of that day, with its score. It writes nothing when that
// day is already written, by this process or another, or while another writes it: a write, even of no
// rows, would move the data version that every kept page is keyed by. It returns the rows written.
func (s *Store) SnapshotReadiness(ctx context.Context, now time.Time) (int64, error) {
	e, err := s.CurrentElection(ctx)
	if err == ErrNotFound {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	y, m, d := now.In(i18n.Tehran).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	yesterday := today.AddDate(0, 0, -1)
	var fresh bool
	err = s.pool.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM readiness_days WHERE election_id = $1 AND day = $2)`,
		e.ID, yesterday).Scan(&fresh)
	if err != nil || !fresh {
		return 0, err
	}
	var n int64
	err = s.write(ctx, audit.System, func(tx pgx.Tx) ([]audit.Entry, error) {
		var locked, written bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(hashtext('readiness_days')),
			EXISTS (SELECT 1 FROM readiness_days WHERE election_id = $1 AND day = $2)`, e.ID, yesterday).Scan(&locked, &written); err != nil {
			return nil, err
		}
		if !locked || written {
			return nil, nil
		}
		fs, err := figures(ctx, tx, auth.Scope{}, e.ID, today, ByCounty, "")
		if err != nil {
			return nil, err
		}
		if len(fs) == 0 {
			return nil, nil
		}
		rows := make([][]any, len(fs))
		for i, f := range fs {
			rows[i] = []any{e.ID, f.ProvinceID, f.CountyID, yesterday, f.MilestonesOverdue, f.TasksOverdue, f.ChecksMissed,
				f.OpenIncidents(), int16(readiness.Score(f.Inputs()).Score)}
		}
		n, err = tx.CopyFrom(ctx, pgx.Identifier{"readiness_days"}, []string{"election_id", "province_id", "county_id", "day",
			"milestones_overdue", "tasks_overdue", "checks_missed", "incidents_open", "score"}, pgx.CopyFromRows(rows))
		return nil, err
	})
	return n, err
}
