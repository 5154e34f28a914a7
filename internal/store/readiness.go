package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
)

// Readiness checks (migration 0033). HQ defines the checklists of its province for an election, each due
// once on a day or daily over a span of days. Every county of the province files each check for each of
// its days, and every district too where HQ says so, item by item with a note. A filing is kept only for
// one of the check's days, and a district's only for a check that includes districts, so that what a
// place has missed is counted from the days alone: a place-day before today without a filing. A daily
// check is filed for a day up to today, never ahead; a check due once may be filed before its day.

// The cadences of a check.
const (
	CadenceOnce  = "once"
	CadenceDaily = "daily"
)

// Bounds of a check.
const (
	MaxCheckItems    = 50
	MaxCheckItemText = 300
	MaxCheckTitle    = 200
	MaxCheckDays     = 400 // ends_on - starts_on at most
	MaxCheckNote     = 1000
	// MaxMissedRows bounds the missed place-days a list reads, the latest first.
	MaxMissedRows = 500
	// MaxUnfiledRows bounds the places a list names, for each check, as not having filed its latest day;
	// the check's Unfiled counts them all.
	MaxUnfiledRows = 100
	// MatrixDays is how many days a check's matrix shows at once.
	MatrixDays = 14
)

// Errors of the readiness checks.
var (
	ErrCheckDay         = errors.New("store: the day is not one of the check's days")
	ErrCheckFuture      = errors.New("store: a daily check is not filed ahead of its day")
	ErrCheckNoDistricts = errors.New("store: the check is filed by counties only")
	ErrCheckRetired     = errors.New("store: the check is retired")
	ErrCheckLive        = errors.New("store: the check is not retired")
	ErrCheckAnswers     = errors.New("store: the filing does not answer every item of the check")
	ErrCheckFiledDays   = errors.New("store: the check has filings that its new days or places would leave out")
	ErrCheckInvalid     = errors.New("store: the check's definition is out of bounds")
)

// CheckDef is a check as HQ defines or edits it: its days are midnight UTC (DueDate for a check due once,
// StartsOn and EndsOn for a daily one).
type CheckDef struct {
	Title            string
	Items            []string
	Cadence          string
	DueDate          time.Time
	StartsOn         time.Time
	EndsOn           time.Time
	IncludeDistricts bool
}

// valid reports whether the definition keeps the table's bounds (the form says which field is wrong).
func (d CheckDef) valid() bool {
	if d.Title == "" || len([]rune(d.Title)) > MaxCheckTitle || len(d.Items) == 0 || len(d.Items) > MaxCheckItems {
		return false
	}
	seen := map[string]bool{}
	for _, it := range d.Items {
		if it == "" || len([]rune(it)) > MaxCheckItemText || seen[it] {
			return false
		}
		seen[it] = true
	}
	switch d.Cadence {
	case CadenceOnce:
		return !d.DueDate.IsZero()
	case CadenceDaily:
		return !d.StartsOn.IsZero() && !d.EndsOn.Before(d.StartsOn) && d.EndsOn.Sub(d.StartsOn) <= MaxCheckDays*24*time.Hour
	}
	return false
}

// days are the definition's first and last days.
func (d CheckDef) days() (first, last time.Time) {
	if d.Cadence == CadenceOnce {
		return d.DueDate, d.DueDate
	}
	return d.StartsOn, d.EndsOn
}

// Check is a check as a reader sees it, with what its places in the reader's scope have filed so far:
// Places is how many places of the scope file it; Expected their place-days due up to today, Filed how
// many of those have a filing, Missed the place-days before today without one; Unfiled the places that
// have not filed its latest day up to today (0 before its first day).
type Check struct {
	ID               int64
	ProvinceID       int64
	ElectionID       int64
	Title            string
	Cadence          string
	First            time.Time // the due day of a check due once, the first day of a daily one
	Last             time.Time
	IncludeDistricts bool
	CreatedByName    string
	CreatedAt        time.Time
	RetiredAt        *time.Time
	Version          int
	Places           int
	Expected         int
	Filed            int
	Missed           int
	Unfiled          int
}

// IsDay reports whether day is one of the check's days.
func (c Check) IsDay(day time.Time) bool { return !day.Before(c.First) && !day.After(c.Last) }

// LatestDay is the check's last day up to today, and false when its first day is after today.
func (c Check) LatestDay(today time.Time) (time.Time, bool) {
	if c.First.After(today) {
		return time.Time{}, false
	}
	if c.Last.After(today) {
		return today, true
	}
	return c.Last, true
}

// CheckItem is one item of a check.
type CheckItem struct {
	ID       int64
	CheckID  int64
	Position int
	Text     string
	Retired  bool
}

// CheckPlace is a place that files a check: a county itself (DistrictID 0) or one of its districts.
type CheckPlace struct {
	CountyID     int64
	DistrictID   int64
	CountyCode   string
	CountyFa     string
	CountyEn     string
	DistrictCode string
	DistrictFa   string
	DistrictEn   string
}

// PlaceDay is a place's day of a check: missed (before today, not filed), or not yet filed.
type PlaceDay struct {
	CheckID int64
	Title   string
	CheckPlace
	Day time.Time
}

// placesCTE is the places of the scope ($1 province, $2 county, $3 district) that file checks: each
// county itself and each district; own keeps the scope's own place only (a governor's county without its
// districts).
func placesCTE(own bool) string {
	districts := ""
	if own {
		districts = " AND $3 <> 0"
	}
	return `
	places AS (
		SELECT c.id AS county_id, 0::bigint AS district_id, c.code AS county_code, c.name_fa AS county_fa, c.name_en AS county_en,
		       ''::text AS district_code, ''::text AS district_fa, ''::text AS district_en
		FROM counties c WHERE c.province_id = $1 AND ($2 = 0 OR c.id = $2) AND $3 = 0
		UNION ALL
		SELECT c.id, d.id, c.code, c.name_fa, c.name_en, d.code, d.name_fa, d.name_en
		FROM districts d JOIN counties c ON c.id = d.county_id
		WHERE c.province_id = $1 AND ($2 = 0 OR c.id = $2) AND ($3 = 0 OR d.id = $3)` + districts + `
	)`
}

const checkCols = `k.id, k.province_id, k.election_id, k.title, k.cadence, coalesce(k.due_date, k.starts_on) AS first_day,
	coalesce(k.due_date, k.ends_on) AS last_day, k.include_districts, coalesce(u.full_name, '') AS created_by_name, k.created_at, k.retired_at, k.version`

// checkSelect reads checks of the province ($1) chosen by a condition (%s) with their counts in the scope
// as of today ($5): the places that file them, their place-days due so far, filed, and missed.
const checkSelect = `
	WITH %s,
	k AS (
		SELECT ` + checkCols + `,
		       (SELECT count(*) FROM places p WHERE p.district_id = 0 OR k.include_districts)::int AS n_places
		FROM readiness_checks k LEFT JOIN users u ON u.id = k.created_by
		WHERE k.province_id = $1 AND %s
	)
	SELECT k.id, k.province_id, k.election_id, k.title, k.cadence, k.first_day, k.last_day, k.include_districts, k.created_by_name,
	       k.created_at, k.retired_at, k.version, k.n_places,
	       k.n_places * CASE WHEN k.first_day > $5 THEN 0 ELSE least(k.last_day, $5::date) - k.first_day + 1 END,
	       (SELECT count(*) FROM readiness_filings f JOIN places p ON p.county_id = f.county_id AND p.district_id = coalesce(f.district_id, 0)
	        WHERE f.check_id = k.id AND f.day <= $5)::int,
	       k.n_places * CASE WHEN k.first_day >= $5 THEN 0 ELSE least(k.last_day, $5::date - 1) - k.first_day + 1 END
	       - (SELECT count(*) FROM readiness_filings f JOIN places p ON p.county_id = f.county_id AND p.district_id = coalesce(f.district_id, 0)
	          WHERE f.check_id = k.id AND f.day < $5)::int,
	       CASE WHEN k.first_day > $5 THEN 0 ELSE k.n_places
	            - (SELECT count(*) FROM readiness_filings f JOIN places p ON p.county_id = f.county_id AND p.district_id = coalesce(f.district_id, 0)
	               WHERE f.check_id = k.id AND f.day = least(k.last_day, $5::date))::int END
	FROM k`

// checkArgs are the arguments of the checks' queries: the scope, the election (or the one check) and today.
func checkArgs(sc auth.Scope, electionID int64, today time.Time) []any {
	return []any{sc.ProvinceID, sc.CountyID, sc.DistrictID, electionID, today}
}

func scanChecks(rows pgx.Rows) ([]Check, error) {
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Check])
}

// Checks queues the live checks of the election in the scope's province (none without one), the
// soonest due first, with their counts in the scope as of today; own counts the scope's own place only
// (a governor's county without its districts).
func (b *Batch) Checks(sc auth.Scope, electionID int64, today time.Time, own bool, out *[]Check) {
	if sc.ProvinceID == 0 {
		return
	}
	b.queue(fmt.Sprintf(checkSelect, placesCTE(own), `k.election_id = $4 AND k.retired_at IS NULL`)+` ORDER BY k.last_day DESC, k.id DESC`,
		func(rows pgx.Rows) (err error) {
			*out, err = scanChecks(rows)
			return err
		}, checkArgs(sc, electionID, today)...)
}

// Checks reads the live checks of the election in scope (Batch.Checks).
func (s *Store) Checks(ctx context.Context, sc auth.Scope, electionID int64, today time.Time, own bool) ([]Check, error) {
	var cs []Check
	var b Batch
	b.Checks(sc, electionID, today, own, &cs)
	return cs, s.Run(ctx, &b)
}

// Check queues one check of the scope's province, live or retired, with its counts in scope and its
// items (the retired ones too, after the live); a check of another province is ErrNotFound.
func (b *Batch) Check(sc auth.Scope, id int64, today time.Time, out *Check, items *[]CheckItem) {
	b.queueRow(fmt.Sprintf(checkSelect, placesCTE(false), `k.id = $4`), func(row pgx.Row) error {
		return row.Scan(&out.ID, &out.ProvinceID, &out.ElectionID, &out.Title, &out.Cadence, &out.First, &out.Last, &out.IncludeDistricts,
			&out.CreatedByName, &out.CreatedAt, &out.RetiredAt, &out.Version, &out.Places, &out.Expected, &out.Filed, &out.Missed, &out.Unfiled)
	}, checkArgs(sc, id, today)...)
	b.queue(`SELECT i.id, i.check_id, i.position, i.text, i.retired_at IS NOT NULL FROM readiness_items i
		JOIN readiness_checks k ON k.id = i.check_id AND k.province_id = $1
		WHERE i.check_id = $2 ORDER BY i.retired_at IS NOT NULL, i.position`, func(rows pgx.Rows) (err error) {
		*items, err = pgx.CollectRows(rows, pgx.RowToStructByPos[CheckItem])
		return err
	}, sc.ProvinceID, id)
}

// CheckProvince is the province of a check in the scope's province (every province for the Ministry's
// scope); none is ErrNotFound.
func (s *Store) CheckProvince(ctx context.Context, sc auth.Scope, id int64) (int64, error) {
	var province int64
	err := s.pool.QueryRow(ctx, `SELECT province_id FROM readiness_checks WHERE id = $1 AND ($2 = 0 OR province_id = $2)`,
		id, sc.ProvinceID).Scan(&province)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNotFound
	}
	return province, err
}

// Check reads one check with its items (Batch.Check).
func (s *Store) Check(ctx context.Context, sc auth.Scope, id int64, today time.Time) (Check, []CheckItem, error) {
	var c Check
	var is []CheckItem
	var b Batch
	b.Check(sc, id, today, &c, &is)
	return c, is, s.Run(ctx, &b)
}

const placeDayCols = `k.id, k.title, p.county_id, p.district_id, p.county_code, p.county_fa, p.county_en,
	p.district_code, p.district_fa, p.district_en`

// MissedDays queues the place-days of the scope before today that the live checks of the election
// expected and that have no filing, the latest first, at most MaxMissedRows; checkID limits them to one
// check (0: all); own to the scope's own place.
func (b *Batch) MissedDays(sc auth.Scope, electionID, checkID int64, today time.Time, own bool, out *[]PlaceDay) {
	if sc.ProvinceID == 0 {
		return
	}
	args := append(checkArgs(sc, electionID, today), checkID)
	b.queue(`
		WITH `+placesCTE(own)+`,
		k AS (SELECT k.id, k.title, k.include_districts, coalesce(k.due_date, k.starts_on) AS first_day,
		             least(coalesce(k.due_date, k.ends_on), $5::date - 1) AS last_day
		      FROM readiness_checks k
		      WHERE k.province_id = $1 AND k.election_id = $4 AND k.retired_at IS NULL AND ($6 = 0 OR k.id = $6))
		SELECT `+placeDayCols+`, g.day::date
		FROM k JOIN places p ON p.district_id = 0 OR k.include_districts
		CROSS JOIN LATERAL generate_series(k.first_day, k.last_day, interval '1 day') g(day)
		LEFT JOIN readiness_filings f ON f.check_id = k.id AND f.county_id = p.county_id AND coalesce(f.district_id, 0) = p.district_id
		  AND f.day = g.day::date
		WHERE f.id IS NULL
		ORDER BY g.day DESC, k.id, p.county_fa, p.county_id, p.district_id <> 0, p.district_fa
		LIMIT `+strconv.Itoa(MaxMissedRows), func(rows pgx.Rows) (err error) {
		*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[PlaceDay])
		return err
	}, args...)
}

// Unfiled queues, for each live check of the election begun by today, the places of the scope that have
// not filed its latest day (today, for a daily check still running), at most MaxUnfiledRows of each check
// (Check.Unfiled counts them all).
func (b *Batch) Unfiled(sc auth.Scope, electionID int64, today time.Time, own bool, out *[]PlaceDay) {
	if sc.ProvinceID == 0 {
		return
	}
	b.queue(`
		WITH `+placesCTE(own)+`,
		k AS (SELECT k.id, k.title, k.include_districts, least(coalesce(k.due_date, k.ends_on), $5::date) AS day
		      FROM readiness_checks k
		      WHERE k.province_id = $1 AND k.election_id = $4 AND k.retired_at IS NULL AND coalesce(k.due_date, k.starts_on) <= $5)
		SELECT id, title, county_id, district_id, county_code, county_fa, county_en, district_code, district_fa, district_en, day
		FROM (SELECT `+placeDayCols+`, k.day,
		             row_number() OVER (PARTITION BY k.id ORDER BY p.county_fa, p.county_id, p.district_id <> 0, p.district_fa, p.district_id) AS n
		      FROM k JOIN places p ON p.district_id = 0 OR k.include_districts
		      WHERE NOT EXISTS (SELECT 1 FROM readiness_filings f WHERE f.check_id = k.id AND f.county_id = p.county_id
		                        AND coalesce(f.district_id, 0) = p.district_id AND f.day = k.day)) u
		WHERE n <= `+strconv.Itoa(MaxUnfiledRows)+`
		ORDER BY id, n`, func(rows pgx.Rows) (err error) {
		*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[PlaceDay])
		return err
	}, checkArgs(sc, electionID, today)...)
}

// CheckToFile is a live check that the reader's own place files today and has not filed yet.
type CheckToFile struct {
	ID    int64
	Title string
}

// ToFileToday queues the live checks of the election that the scope's own place (a governor's county, a
// district head's district) files on today, due that day or running daily through it, and has not filed
// for it yet, the latest begun first; a district's only of the checks that include districts. A reader
// without a place of his own files none.
func (b *Batch) ToFileToday(sc auth.Scope, electionID int64, today time.Time, out *[]CheckToFile) {
	*out = nil
	if sc.CountyID == 0 {
		return
	}
	b.queue(`SELECT k.id, k.title FROM readiness_checks k
		WHERE k.province_id = $1 AND k.election_id = $4 AND k.retired_at IS NULL AND ($3 = 0 OR k.include_districts)
		  AND $5::date BETWEEN coalesce(k.due_date, k.starts_on) AND coalesce(k.due_date, k.ends_on)
		  AND NOT EXISTS (SELECT 1 FROM readiness_filings f WHERE f.check_id = k.id AND f.county_id = $2
		                  AND coalesce(f.district_id, 0) = $3 AND f.day = $5::date)
		ORDER BY coalesce(k.due_date, k.starts_on) DESC, k.id DESC`, func(rows pgx.Rows) (err error) {
		*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[CheckToFile])
		return err
	}, checkArgs(sc, electionID, today)...)
}

// Matrix is a check's places in scope by its days from From to To: for each place, the days it filed.
type Matrix struct {
	From, To time.Time
	Places   []CheckPlace
	Filed    map[[2]int64][]time.Time // by {county, district}
}

// CheckMatrix queues the places of the scope that file the check and their filings from from to to.
func (b *Batch) CheckMatrix(sc auth.Scope, c *Check, from, to time.Time, out *Matrix) {
	out.From, out.To, out.Filed = from, to, map[[2]int64][]time.Time{}
	b.queue(`WITH `+placesCTE(false)+`
		SELECT county_id, district_id, county_code, county_fa, county_en, district_code, district_fa, district_en
		FROM places p WHERE p.district_id = 0 OR (SELECT include_districts FROM readiness_checks WHERE id = $4)
		ORDER BY county_fa, county_id, district_id <> 0, district_fa`, func(rows pgx.Rows) (err error) {
		out.Places, err = pgx.CollectRows(rows, pgx.RowToStructByPos[CheckPlace])
		return err
	}, sc.ProvinceID, sc.CountyID, sc.DistrictID, c.ID)
	b.queue(`SELECT county_id, coalesce(district_id, 0), day FROM readiness_filings
		WHERE check_id = $4 AND province_id = $1 AND ($2 = 0 OR county_id = $2) AND ($3 = 0 OR district_id = $3) AND day BETWEEN $5 AND $6`,
		func(rows pgx.Rows) error {
			var county, district int64
			var day time.Time
			_, err := pgx.ForEachRow(rows, []any{&county, &district, &day}, func() error {
				k := [2]int64{county, district}
				out.Filed[k] = append(out.Filed[k], day)
				return nil
			})
			return err
		}, sc.ProvinceID, sc.CountyID, sc.DistrictID, c.ID, from, to)
}

// FiledOn reports whether the place filed on day.
func (m Matrix) FiledOn(p CheckPlace, day time.Time) bool {
	return slices.ContainsFunc(m.Filed[[2]int64{p.CountyID, p.DistrictID}], day.Equal)
}

// Filing is a place's filing of a check for a day, with its answers by item.
type Filing struct {
	ID         int64
	Day        time.Time
	FiledBy    string
	FiledAt    time.Time
	Version    int
	Answers    map[int64]ItemAnswer
	CountyID   int64
	DistrictID int64
}

// ItemAnswer is a filing's answer to an item: done or not, with a note.
type ItemAnswer struct {
	OK   bool
	Note string
}

// CheckFiling queues the place's filing of the check for day; none leaves out's ID 0.
func (b *Batch) CheckFiling(provinceID, checkID, countyID, districtID int64, day time.Time, out *Filing) {
	out.Answers = map[int64]ItemAnswer{}
	b.queue(`SELECT f.id, f.day, coalesce(u.full_name, ''), f.filed_at, f.version, a.item_id, a.ok, a.note
		FROM readiness_filings f LEFT JOIN users u ON u.id = f.filed_by
		JOIN readiness_answers a ON a.filing_id = f.id
		WHERE f.check_id = $1 AND f.province_id = $2 AND f.county_id = $3 AND coalesce(f.district_id, 0) = $4 AND f.day = $5`,
		func(rows pgx.Rows) error {
			var item int64
			var a ItemAnswer
			_, err := pgx.ForEachRow(rows, []any{&out.ID, &out.Day, &out.FiledBy, &out.FiledAt, &out.Version, &item, &a.OK, &a.Note}, func() error {
				out.Answers[item] = a
				return nil
			})
			out.CountyID, out.DistrictID = countyID, districtID
			return err
		}, checkID, provinceID, countyID, districtID, day)
}

// OwnFiling is a filing of the reader's own place, for his list of what he filed.
type OwnFiling struct {
	CheckID int64
	Title   string
	Day     time.Time
	FiledAt time.Time
	Yes     int
	No      int
}

// MaxOwnFilings bounds the filings a place's list shows, the latest first.
const MaxOwnFilings = 30

// OwnFilings queues the latest filings of the scope's own place (a governor's county, a district head's
// district) of the election's live checks.
func (b *Batch) OwnFilings(sc auth.Scope, electionID int64, out *[]OwnFiling) {
	if sc.CountyID == 0 {
		return
	}
	b.queue(`SELECT k.id, k.title, f.day, f.filed_at, count(*) FILTER (WHERE a.ok)::int, count(*) FILTER (WHERE NOT a.ok)::int
		FROM readiness_filings f JOIN readiness_checks k ON k.id = f.check_id AND k.election_id = $4 AND k.retired_at IS NULL
		JOIN readiness_answers a ON a.filing_id = f.id
		WHERE f.province_id = $1 AND f.county_id = $2 AND coalesce(f.district_id, 0) = $3
		GROUP BY f.id, k.id ORDER BY f.day DESC, f.filed_at DESC LIMIT `+strconv.Itoa(MaxOwnFilings), func(rows pgx.Rows) (err error) {
		*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[OwnFiling])
		return err
	}, sc.ProvinceID, sc.CountyID, sc.DistrictID, electionID)
}

// checkAfter is what a check's audit row says of it.
func checkAfter(d CheckDef) map[string]any {
	m := map[string]any{"title": d.Title, "cadence": d.Cadence, "include_districts": d.IncludeDistricts, "items": d.Items}
	if d.Cadence == CadenceOnce {
		m["due_date"] = d.DueDate.Format(time.DateOnly)
	} else {
		m["starts_on"], m["ends_on"] = d.StartsOn.Format(time.DateOnly), d.EndsOn.Format(time.DateOnly)
	}
	return m
}

// dayOrNil is a day for a nullable date column: nil when the cadence does not use it.
func dayOrNil(use bool, d time.Time) any {
	if !use {
		return nil
	}
	return d
}

// DefineCheck defines a check of the HQ's province for the election, with its items in order. A
// definition out of bounds is ErrCheckInvalid; an election that is not is ErrNotFound.
func (s *Store) DefineCheck(ctx context.Context, a audit.Actor, sc auth.Scope, electionID int64, d CheckDef) (int64, error) {
	if sc.ProvinceID == 0 || sc.CountyID != 0 {
		return 0, ErrNotFound
	}
	if !d.valid() {
		return 0, ErrCheckInvalid
	}
	var id int64
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var election string
		err := tx.QueryRow(ctx, `
			INSERT INTO readiness_checks (province_id, election_id, title, cadence, due_date, starts_on, ends_on, include_districts, created_by)
			SELECT $1, id, $3, $4, $5, $6, $7, $8, $9 FROM elections WHERE id = $2
			RETURNING id, (SELECT code FROM elections WHERE id = $2)`,
			sc.ProvinceID, electionID, d.Title, d.Cadence, dayOrNil(d.Cadence == CadenceOnce, d.DueDate),
			dayOrNil(d.Cadence == CadenceDaily, d.StartsOn), dayOrNil(d.Cadence == CadenceDaily, d.EndsOn), d.IncludeDistricts, a.ID).Scan(&id, &election)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO readiness_items (check_id, position, text)
			SELECT $1, n, t FROM unnest($2::text[]) WITH ORDINALITY AS x(t, n)`, id, d.Items); err != nil {
			return nil, err
		}
		after := checkAfter(d)
		after["election"] = election
		return []audit.Entry{{Action: "readiness.define", Entity: "readiness_check", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: sc.ProvinceID, Detail: audit.Change{After: after}}}, nil
	})
	return id, err
}

// lockCheck locks a check of the province and returns its definition, whether retired and its version;
// another province's is ErrNotFound.
func lockCheck(ctx context.Context, tx pgx.Tx, provinceID, id int64) (CheckDef, bool, int, error) {
	var d CheckDef
	var due, starts, ends *time.Time
	var retired bool
	var version int
	err := tx.QueryRow(ctx, `SELECT title, cadence, due_date, starts_on, ends_on, include_districts, retired_at IS NOT NULL, version
		FROM readiness_checks WHERE id = $1 AND province_id = $2 FOR UPDATE`, id, provinceID).
		Scan(&d.Title, &d.Cadence, &due, &starts, &ends, &d.IncludeDistricts, &retired, &version)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, false, 0, ErrNotFound
	}
	for _, p := range []struct {
		from *time.Time
		to   *time.Time
	}{{due, &d.DueDate}, {starts, &d.StartsOn}, {ends, &d.EndsOn}} {
		if p.from != nil {
			*p.to = *p.from
		}
	}
	return d, retired, version, err
}

// lockCheckAt locks a check of the province that an act takes as of its version: a live one (retired
// false: a retired one is ErrCheckRetired) or a retired one (ErrCheckLive when it is not). Another
// province's is ErrNotFound; a stale version ErrConflict.
func lockCheckAt(ctx context.Context, tx pgx.Tx, provinceID, id int64, version int, retired bool) (CheckDef, error) {
	d, isRetired, v, err := lockCheck(ctx, tx, provinceID, id)
	switch {
	case err != nil:
		return d, err
	case isRetired && !retired:
		return d, ErrCheckRetired
	case !isRetired && retired:
		return d, ErrCheckLive
	case v != version:
		return d, ErrConflict
	}
	return d, nil
}

// EditCheck changes a live check as of its version: its title, days, whether districts file it, and its
// items, matched by their text: a line that is a live item's text keeps that item, with its answers, at
// the line's place; a line of new text is a new item; a live item whose text no line has is retired when
// a filing answered it, else deleted. Answers thus stay with the words they answered, however the lines
// are reordered. A change of days or places that would leave an existing filing out is
// ErrCheckFiledDays; a stale version ErrConflict; a retired check ErrCheckRetired.
func (s *Store) EditCheck(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, d CheckDef) error {
	if !d.valid() {
		return ErrCheckInvalid
	}
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		before, err := lockCheckAt(ctx, tx, sc.ProvinceID, id, version, false)
		if err != nil {
			return nil, err
		}
		first, last := d.days()
		var outside bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM readiness_filings WHERE check_id = $1
			AND (day < $2 OR day > $3 OR district_id IS NOT NULL AND NOT $4))`, id, first, last, d.IncludeDistricts).Scan(&outside); err != nil {
			return nil, err
		}
		if outside {
			return nil, ErrCheckFiledDays
		}
		added, moved, removed, err := editItems(ctx, tx, id, d.Items)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE readiness_checks SET title = $2, cadence = $3, due_date = $4, starts_on = $5, ends_on = $6,
			include_districts = $7, version = version + 1 WHERE id = $1`, id, d.Title, d.Cadence, dayOrNil(d.Cadence == CadenceOnce, d.DueDate),
			dayOrNil(d.Cadence == CadenceDaily, d.StartsOn), dayOrNil(d.Cadence == CadenceDaily, d.EndsOn), d.IncludeDistricts); err != nil {
			return nil, err
		}
		was, now := checkAfter(before), checkAfter(d)
		delete(was, "items")
		delete(now, "items")
		for k, v := range now {
			if w, ok := was[k]; ok && w == v {
				delete(was, k)
				delete(now, k)
			}
		}
		if len(added) > 0 {
			now["added"] = added
		}
		if len(moved) > 0 {
			now["moved"] = moved
		}
		if len(removed) > 0 {
			now["retired"] = removed
		}
		change := audit.Change{After: now}
		if len(was) > 0 {
			change.Before = was
		}
		return []audit.Entry{{Action: "readiness.edit", Entity: "readiness_check", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: sc.ProvinceID, Detail: change}}, nil
	})
}

// editItems matches a check's live items to the lines of its edit by their text (EditCheck). The lines
// are distinct (CheckDef.valid). Live items take the positions after every position the check has used,
// in the lines' order, so that no two items ever share one, retired items keeping theirs. It returns the
// lines added, the kept items whose place among the lines differs from their place among the live items,
// and the texts taken out, each in order.
func editItems(ctx context.Context, tx pgx.Tx, id int64, lines []string) (added, moved, removed []string, err error) {
	type liveItem struct {
		ID       int64
		Text     string
		Answered bool
	}
	rows, err := tx.Query(ctx, `SELECT i.id, i.text, EXISTS (SELECT 1 FROM readiness_answers a WHERE a.item_id = i.id)
		FROM readiness_items i WHERE i.check_id = $1 AND i.retired_at IS NULL ORDER BY i.position`, id)
	if err != nil {
		return nil, nil, nil, err
	}
	live, err := pgx.CollectRows(rows, pgx.RowToStructByPos[liveItem])
	if err != nil {
		return nil, nil, nil, err
	}
	var base int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(position), 0) FROM readiness_items WHERE check_id = $1`, id).Scan(&base); err != nil {
		return nil, nil, nil, err
	}
	at := map[string]int{} // a live item's place among the live items, by its text
	for n, it := range live {
		at[it.Text] = n
	}
	var keptIDs, keptPos, addedPos []int64
	var keptRank int
	for n, line := range lines {
		pos := int64(base + 1 + n)
		if i, ok := at[line]; ok {
			keptIDs, keptPos = append(keptIDs, live[i].ID), append(keptPos, pos)
			delete(at, line)
			continue
		}
		added, addedPos = append(added, line), append(addedPos, pos)
	}
	var retire, drop []int64
	for _, it := range live {
		if _, gone := at[it.Text]; !gone {
			continue
		}
		removed = append(removed, it.Text)
		if it.Answered {
			retire = append(retire, it.ID)
		} else {
			drop = append(drop, it.ID)
		}
	}
	// An item moved when its place among the items kept differs before and after.
	keptBefore := map[int64]int{}
	for _, it := range live {
		if _, gone := at[it.Text]; !gone {
			keptBefore[it.ID] = len(keptBefore)
		}
	}
	for _, line := range lines {
		for _, it := range live {
			if it.Text == line {
				if keptBefore[it.ID] != keptRank {
					moved = append(moved, line)
				}
				keptRank++
			}
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM readiness_items WHERE check_id = $1 AND id = ANY($2)`, id, drop); err != nil {
		return nil, nil, nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE readiness_items SET retired_at = now() WHERE check_id = $1 AND id = ANY($2)`, id, retire); err != nil {
		return nil, nil, nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE readiness_items i SET position = x.p FROM unnest($2::bigint[], $3::bigint[]) AS x(id, p)
		WHERE i.check_id = $1 AND i.id = x.id`, id, keptIDs, keptPos); err != nil {
		return nil, nil, nil, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO readiness_items (check_id, position, text)
		SELECT $1, p, t FROM unnest($2::bigint[], $3::text[]) AS x(p, t)`, id, addedPos, added); err != nil {
		return nil, nil, nil, err
	}
	return added, moved, removed, nil
}

// RetireCheck takes a check out of the lists and out of filing, as of its version; its filings are kept.
// A retired check is ErrCheckRetired; a stale version ErrConflict.
func (s *Store) RetireCheck(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int) error {
	return s.setCheckRetired(ctx, a, sc, id, version, true, audit.Entry{Action: "readiness.retire"})
}

// RestoreCheck puts a retired check back into the lists and into filing, as of its version: its places
// file it again from where it stands, and the days it was retired count as missed where not filed. A
// check that is not retired is ErrCheckLive; a stale version ErrConflict.
func (s *Store) RestoreCheck(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int) error {
	return s.setCheckRetired(ctx, a, sc, id, version, false, audit.Entry{Action: "readiness.restore"})
}

// setCheckRetired retires a live check or restores a retired one (RetireCheck, RestoreCheck), logged as
// the entry's action.
func (s *Store) setCheckRetired(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, retire bool, e audit.Entry) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		d, err := lockCheckAt(ctx, tx, sc.ProvinceID, id, version, !retire)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE readiness_checks SET retired_at = CASE WHEN $2 THEN now() END, version = version + 1 WHERE id = $1`,
			id, retire); err != nil {
			return nil, err
		}
		e.Entity, e.EntityID, e.ProvinceID, e.Detail = "readiness_check", strconv.FormatInt(id, 10), sc.ProvinceID, map[string]any{"title": d.Title}
		return []audit.Entry{e}, nil
	})
}

// FileCheck files, or corrects, the place's answers to the check for day, as of today (Tehran). The
// place must be in the filer's scope and the check of his province (else ErrNotFound); a district files
// only a check that includes districts (ErrCheckNoDistricts); day must be one of the check's days
// (ErrCheckDay), and for a daily check not after today (ErrCheckFuture). Every live item is answered
// (ErrCheckAnswers). version is 0 for a first filing and the filing's version for a correction: a
// filing made or corrected meanwhile is ErrConflict. It returns the filing's new version.
func (s *Store) FileCheck(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, place CheckPlace, day, today time.Time,
	answers map[int64]ItemAnswer, version int) (int, error) {
	if place.CountyID == 0 || sc.CountyID != 0 && place.CountyID != sc.CountyID || sc.DistrictID != 0 && place.DistrictID != sc.DistrictID {
		return 0, ErrNotFound
	}
	var filed int
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		d, retired, _, err := lockCheck(ctx, tx, sc.ProvinceID, id)
		if err != nil {
			return nil, err
		}
		var county, district string
		err = tx.QueryRow(ctx, `SELECT c.code, coalesce(d.code, '') FROM counties c LEFT JOIN districts d ON d.id = $3 AND d.county_id = c.id
			WHERE c.id = $2 AND c.province_id = $1 AND ($3 = 0 OR d.id IS NOT NULL)`, sc.ProvinceID, place.CountyID, place.DistrictID).Scan(&county, &district)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		first, last := d.days()
		switch {
		case retired:
			return nil, ErrCheckRetired
		case place.DistrictID != 0 && !d.IncludeDistricts:
			return nil, ErrCheckNoDistricts
		case day.Before(first) || day.After(last):
			return nil, ErrCheckDay
		case d.Cadence == CadenceDaily && day.After(today):
			return nil, ErrCheckFuture
		}
		rows, err := tx.Query(ctx, `SELECT id, text FROM readiness_items WHERE check_id = $1 AND retired_at IS NULL ORDER BY position`, id)
		if err != nil {
			return nil, err
		}
		var item int64
		var text string
		var yes, no, notes []string
		var items []int64
		if _, err := pgx.ForEachRow(rows, []any{&item, &text}, func() error {
			ans, ok := answers[item]
			if !ok {
				return ErrCheckAnswers
			}
			if ans.OK {
				yes = append(yes, text)
			} else {
				no = append(no, text)
			}
			if ans.Note != "" {
				notes = append(notes, text+": "+ans.Note)
			}
			items = append(items, item)
			return nil
		}); err != nil {
			return nil, err
		}
		if len(items) != len(answers) {
			return nil, ErrCheckAnswers
		}
		var filingID int64
		var current int
		err = tx.QueryRow(ctx, `SELECT id, version FROM readiness_filings WHERE check_id = $1 AND county_id = $2
			AND coalesce(district_id, 0) = $3 AND day = $4 FOR UPDATE`, id, place.CountyID, place.DistrictID, day).Scan(&filingID, &current)
		action := "readiness.file"
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			if version != 0 {
				return nil, ErrConflict
			}
			err = tx.QueryRow(ctx, `INSERT INTO readiness_filings (check_id, province_id, county_id, district_id, day, filed_by)
				VALUES ($1, $2, $3, NULLIF($4, 0), $5, $6) RETURNING id, version`, id, sc.ProvinceID, place.CountyID, place.DistrictID, day, a.ID).
				Scan(&filingID, &filed)
			if err != nil {
				return nil, err
			}
		case err != nil:
			return nil, err
		case current != version:
			return nil, ErrConflict
		default:
			action = "readiness.refile"
			if err := tx.QueryRow(ctx, `UPDATE readiness_filings SET filed_by = $2, filed_at = now(), version = version + 1 WHERE id = $1
				RETURNING version`, filingID, a.ID).Scan(&filed); err != nil {
				return nil, err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM readiness_answers WHERE filing_id = $1`, filingID); err != nil {
				return nil, err
			}
		}
		oks, notesOf := make([]bool, len(items)), make([]string, len(items))
		for i, it := range items {
			oks[i], notesOf[i] = answers[it].OK, answers[it].Note
		}
		if _, err := tx.Exec(ctx, `INSERT INTO readiness_answers (filing_id, check_id, item_id, ok, note)
			SELECT $1, $2, i, o, n FROM unnest($3::bigint[], $4::bool[], $5::text[]) AS x(i, o, n)`, filingID, id, items, oks, notesOf); err != nil {
			return nil, err
		}
		detail := map[string]any{"day": day.Format(time.DateOnly), "county": county, "yes": orEmpty(yes), "no": orEmpty(no)}
		if district != "" {
			detail["district"] = district
		}
		if len(notes) > 0 {
			detail["notes"] = notes
		}
		return []audit.Entry{{Action: action, Entity: "readiness_check", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: sc.ProvinceID, Detail: detail}}, nil
	})
	return filed, err
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// sweepReadiness reminds each place that has not filed a live check of the current election due today
// (Tehran): the county's governor, the district's head where the check includes districts; once per
// check, user and day.
func sweepReadiness(ctx context.Context, tx pgx.Tx, now time.Time) (int64, error) {
	tag, err := tx.Exec(ctx, `
		WITH today AS (SELECT ($1::timestamptz AT TIME ZONE 'Asia/Tehran')::date AS d),
		due AS (
			SELECT k.id, k.province_id, k.title, k.include_districts, today.d AS day
			FROM readiness_checks k JOIN elections e ON e.id = k.election_id AND e.is_current CROSS JOIN today
			WHERE k.retired_at IS NULL AND (k.due_date = today.d OR today.d BETWEEN k.starts_on AND k.ends_on)
		)
		INSERT INTO notifications (user_id, kind, subject, subject_id, title, dedup)
		SELECT u.id, 'readiness_due', 'readiness_check', due.id, due.title, 'readiness_due ' || due.id || ' ' || due.day
		FROM due JOIN users u ON u.disabled_at IS NULL AND u.province_id = due.province_id
		  AND (u.role = 'governor' OR u.role = 'district_head' AND due.include_districts)
		WHERE NOT EXISTS (SELECT 1 FROM readiness_filings f WHERE f.check_id = due.id AND f.day = due.day
		                  AND f.county_id = u.county_id AND f.district_id IS NOT DISTINCT FROM
		                      CASE WHEN u.role = 'district_head' THEN u.district_id END)
		ON CONFLICT (user_id, dedup) DO NOTHING`, now)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}
