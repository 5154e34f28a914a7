package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/password"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
)

// The synthetic country exists to measure Setad at the scale of Iran (`setad seed --synthetic-country`):
// beside Fars, sample provinces syn01, syn02, … with their counties, districts, seat cities and boards;
// users at every place; boards along their review; synthetic candidates over every constituency; the
// committees' tasks, circulars and trainings with what the places did of them; the timeline's marks; and
// a long audit history. Everything is invented: never load it into a database that holds a real election.
// It is written set-based (one INSERT … SELECT per kind of row, COPY for candidates and audit rows), so
// the whole load takes minutes.

// CountryOptions are the sizes of the synthetic country. Counties, Districts and Users are totals over the
// database (Fars's included); Tasks counts the copies the places receive, about.
type CountryOptions struct {
	Provinces, Counties, Districts int
	Users                          int
	Candidates                     int
	Tasks                          int
	Audit                          int
	Force                          bool // load the candidates beside real ones of the current election
}

// Country is the size of Iran: 31 provinces, about 480 counties and 1,100 districts.
var Country = CountryOptions{Provinces: 31, Counties: 480, Districts: 1100, Users: 20_000, Candidates: 300_000,
	Tasks: 20_000, Audit: 100_000}

// CountryResult says what LoadCountry loaded.
type CountryResult struct {
	Election                                  store.Election
	Provinces, Counties, Districts, Boards    int // the synthetic provinces' own; Boards of the current election, moved along their review
	Users, Candidates, Tasks, Copies, Marks   int
	Circulars, Receipts, Trainings, Invitees  int
	Audit                                     int
	Systems, Incidents, Checks, Filings, Days int    // election systems, readiness checks and their filings, days of readiness history
	Password                                  string // of every synthetic user
	Steps                                     []StepTime
	Elapsed                                   time.Duration
}

// ErrCountryLoaded refuses a second load of the synthetic country.
var ErrCountryLoaded = errors.New("the synthetic country is already loaded (its provinces syn01 … exist); load it into a fresh database")

// CountryLoaded tells whether the synthetic country's provinces exist.
func CountryLoaded(ctx context.Context, st *store.Store) (bool, error) {
	var loaded bool
	err := st.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM provinces WHERE code LIKE 'syn%')`).Scan(&loaded)
	return loaded, err
}

// countrySteps are the load's steps, with their shares of its time.
var countrySteps = []progressStep{{"places", 2}, {"users", 2}, {"boards", 1}, {"candidates", 60}, {"work", 10},
	{"audit", 10}, {"vacuum", 15}}

// The sample provinces' sizes are drawn reproducibly from this seed.
const countrySeed = 12

// LoadCountry loads the synthetic country (see above): the reference data first when missing, then the
// sample provinces, into the current election (the synthetic one, created when none is current). It
// refuses with ErrCountryLoaded, loading nothing, when the sample provinces exist. Progress goes to
// progress (standard error; nil: none). Every synthetic user's password is the demo's, hashed once.
func LoadCountry(ctx context.Context, st *store.Store, h *password.Hasher, opts CountryOptions, now time.Time,
	progress io.Writer) (CountryResult, error) {
	var res CountryResult
	started := time.Now()
	if loaded, err := CountryLoaded(ctx, st); err != nil {
		return res, err
	} else if loaded {
		return res, ErrCountryLoaded
	}
	if err := Reference(ctx, st); err != nil {
		return res, err
	}
	e, _, err := syntheticElection(ctx, st, now)
	if err != nil {
		return res, err
	}
	res.Election = e
	p := newProgress(progress, countrySteps)
	pool := st.Pool()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)

	p.begin(0)
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return countryPlaces(ctx, tx, opts, &res) }); err != nil {
		return res, fmt.Errorf("synthetic country: places: %w", err)
	}
	// Again, for what it gives every province (the election systems), the sample ones now among them.
	if err := Reference(ctx, st); err != nil {
		return res, err
	}
	p.done(res.Counties + res.Districts)

	p.begin(1)
	hash, err := h.Hash(ctx, DemoPassword)
	if err != nil {
		return res, err
	}
	res.Password = DemoPassword
	if err := pool.QueryRow(ctx, countryUsersSQL, opts.Users, hash, maleNames, femaleNames, familyNames).Scan(&res.Users); err != nil {
		return res, fmt.Errorf("synthetic country: users: %w", err)
	}
	p.done(res.Users)

	p.begin(2)
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, countryBoardsSQL, e.ID, now)
		if err != nil {
			return err
		}
		res.Boards = int(tag.RowsAffected())
		_, err = tx.Exec(ctx, countrySubmissionsSQL, e.ID, now)
		return err
	}); err != nil {
		return res, fmt.Errorf("synthetic country: boards: %w", err)
	}
	p.done(res.Boards)

	p.begin(3)
	// The planner learns of the new places and users before the candidates come: the checks of each
	// candidate's county, district and city against them are planned on these numbers, and on the few rows
	// of the reference alone they would read whole tables, row after row.
	if _, err := pool.Exec(ctx, `ANALYZE provinces, counties, districts, cities, province_committees, users, boards`); err != nil {
		return res, fmt.Errorf("synthetic country: analyze: %w", err)
	}
	cand, err := synthetic(ctx, st, opts.Candidates, now, opts.Force, p.update)
	res.Candidates = cand.Rows
	if err != nil {
		return res, err
	}
	p.done(res.Candidates)

	p.begin(4)
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := countryWork(ctx, tx, e, opts, now, today, &res); err != nil {
			return err
		}
		return countryMonitoring(ctx, tx, e, now, today, &res)
	}); err != nil {
		return res, fmt.Errorf("synthetic country: work: %w", err)
	}
	p.done(res.Copies + res.Marks + res.Receipts + res.Invitees + res.Incidents + res.Filings + res.Days)

	p.begin(5)
	if err := countryAudit(ctx, st, opts.Audit, now, &res); err != nil {
		return res, fmt.Errorf("synthetic country: audit: %w", err)
	}
	p.done(res.Audit)

	p.begin(6)
	// The planner learns of the new rows now, not when autovacuum comes by; VACUUM also sets the
	// visibility maps, so counts over the big tables are index-only.
	if _, err := pool.Exec(ctx, `VACUUM (ANALYZE) users, boards, board_submissions, task_assignees, task_assignee_events, tasks,
		milestone_marks, guidance, guidance_receipts, trainings, training_invitees, audit_log, counties, districts, cities,
		election_systems, incidents, incident_events, incident_districts, readiness_checks, readiness_items, readiness_filings,
		readiness_answers, readiness_days`); err != nil {
		return res, fmt.Errorf("synthetic country: vacuum: %w", err)
	}
	p.done(0)
	res.Steps = p.finished
	res.Elapsed = time.Since(started)
	return res, nil
}

// spread shares total over len(weights) parts in proportion to the weights, each part at least lo and
// at most hi (total is cut to what the bounds allow).
func spread(total int, weights []int, lo, hi int) []int {
	n := len(weights)
	out := make([]int, n)
	if n == 0 {
		return out
	}
	lo = min(lo, hi)
	total = min(max(total, n*lo), n*hi)
	left := total - n*lo
	for i := range out {
		out[i] = lo
	}
	for left > 0 {
		sum := 0
		for i, w := range weights {
			if out[i] < hi {
				sum += max(w, 1)
			}
		}
		if sum == 0 {
			break
		}
		given := 0
		for i, w := range weights {
			if out[i] >= hi {
				continue
			}
			add := min(left*max(w, 1)/sum, hi-out[i], left-given)
			out[i] += add
			given += add
		}
		if given == 0 { // the remainder, one each in turn
			for i := 0; i < n && left-given > 0; i++ {
				if out[i] < hi {
					out[i]++
					given++
				}
			}
		}
		left -= given
	}
	return out
}

// countryPlaces adds the sample provinces, their counties (each with its seat city) and districts; the
// rows' triggers give each province the committees and each place its boards. A sample province stays
// smaller than the largest province already there (Fars), which keeps the most candidates.
func countryPlaces(ctx context.Context, tx pgx.Tx, opts CountryOptions, res *CountryResult) error {
	var provinces, counties, districts, maxCounties, maxDistricts int
	if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM provinces), (SELECT count(*) FROM counties), (SELECT count(*) FROM districts),
		       coalesce((SELECT max(n) FROM (SELECT count(*) AS n FROM counties GROUP BY province_id) x), 0),
		       coalesce((SELECT max(n) FROM (SELECT count(*) AS n FROM districts d JOIN counties c ON c.id = d.county_id GROUP BY c.province_id) x), 0)`).
		Scan(&provinces, &counties, &districts, &maxCounties, &maxDistricts); err != nil {
		return err
	}
	n := max(opts.Provinces-provinces, 1)
	r := rand.New(rand.NewPCG(countrySeed, 0))
	weights := make([]int, n)
	for i := range weights {
		weights[i] = 6 + r.IntN(31) // 6 to 36 counties, as Iran's provinces have
	}
	cs := spread(opts.Counties-counties, weights, min(6, max((opts.Counties-counties)/n, 1)), max(maxCounties-2, 1))
	ds := spread(opts.Districts-districts, cs, 0, max(maxDistricts-2, 0))
	codes := make([]string, n)
	for i := range codes {
		codes[i] = fmt.Sprintf("syn%02d", i+1)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO provinces (code, name_fa, name_en)
		SELECT x.code, 'استان نمونه ' || translate(x.i::text, '0123456789', '۰۱۲۳۴۵۶۷۸۹'), 'Sample province ' || x.i
		FROM unnest($1::text[]) WITH ORDINALITY x(code, i) ORDER BY x.i`, codes); err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `
		INSERT INTO counties (province_id, code, name_fa, name_en)
		SELECT p.id, p.code || '-c' || lpad(g::text, 2, '0'),
		       'نمونه ' || translate(x.i || '-' || g, '0123456789', '۰۱۲۳۴۵۶۷۸۹'), 'Sample ' || x.i || '-' || g
		FROM unnest($1::text[], $2::int[]) WITH ORDINALITY x(code, n, i) JOIN provinces p USING (code), generate_series(1, x.n) g
		ORDER BY x.i, g`, codes, cs)
	if err != nil {
		return err
	}
	res.Counties = int(tag.RowsAffected())
	// District j of a province is in its county (j-1) mod n + 1, so the districts are dealt out evenly.
	tag, err = tx.Exec(ctx, `
		INSERT INTO districts (county_id, code, name_fa, name_en, households)
		SELECT c.id, c.code || '-d' || ((g - 1) / x.nc + 1), 'بخش ' || translate(((g - 1) / x.nc + 1)::text, '0123456789', '۰۱۲۳۴۵۶۷۸۹'),
		       'District ' || ((g - 1) / x.nc + 1), 200 + abs(hashtext(c.code || g)) % 5000
		FROM unnest($1::text[], $2::int[], $3::int[]) WITH ORDINALITY x(code, nc, nd, i) CROSS JOIN generate_series(1, x.nd) g
		JOIN counties c ON c.code = x.code || '-c' || lpad(((g - 1) % x.nc + 1)::text, 2, '0')
		ORDER BY x.i, g`, codes, cs, ds)
	if err != nil {
		return err
	}
	res.Districts = int(tag.RowsAffected())
	// Each county's seat, a city constituency of its own, in its first district.
	if _, err := tx.Exec(ctx, `
		INSERT INTO cities (county_id, district_id, code, name_fa, name_en, population)
		SELECT c.id, d.id, c.code, c.name_fa, c.name_en, 5000 + abs(hashtext(c.code)) % 300000
		FROM counties c JOIN provinces p ON p.id = c.province_id
		LEFT JOIN districts d ON d.county_id = c.id AND d.code = c.code || '-d1'
		WHERE p.code = ANY ($1) ORDER BY c.id`, codes); err != nil {
		return err
	}
	res.Provinces = n
	return nil
}

// countryUsersSQL adds, at every place of every province, users named s.<place>.<role><n>: two HQ users
// and an observer per province, three governors per county, three district heads per district, and as
// many committee members as make up $1 users in all, dealt out over the provinces' committees. $2 is the
// one password hash they share; $3–$5 the names they are drawn from.
const countryUsersSQL = `
WITH ks AS (SELECT k.province_id, k.key, p.code, row_number() OVER (ORDER BY p.id, k.position, k.key) - 1 AS i,
                   count(*) OVER () AS n
            FROM province_committees k JOIN provinces p ON p.id = k.province_id),
fixed AS (
  SELECT 's.' || p.code || '.hq' || g AS username, 'hq' AS role, p.id AS province_id, NULL::bigint AS county_id,
         NULL::bigint AS district_id, NULL::text AS committee_key
  FROM provinces p, generate_series(1, 2) g
  UNION ALL
  SELECT 's.' || p.code || '.observer', 'observer', p.id, NULL, NULL, NULL FROM provinces p
  UNION ALL
  SELECT 's.' || c.code || '.gov' || g, 'governor', c.province_id, c.id, NULL, NULL FROM counties c, generate_series(1, 3) g
  UNION ALL
  SELECT 's.' || d.code || '.dh' || g, 'district_head', c.province_id, c.id, d.id, NULL
  FROM districts d JOIN counties c ON c.id = d.county_id, generate_series(1, 3) g),
members AS (
  SELECT 's.' || ks.code || '.' || ks.key || '.' || (g / ks.n + 1), 'committee', ks.province_id, NULL::bigint, NULL::bigint, ks.key
  FROM generate_series(0, greatest($1 - (SELECT count(*) FROM fixed), 0) - 1) g JOIN ks ON ks.i = g % ks.n),
ins AS (
  INSERT INTO users (username, full_name, role, province_id, county_id, district_id, committee_key, password_hash)
  SELECT a.username,
         CASE WHEN abs(hashtext(a.username)) % 4 = 0 THEN ($4::text[])[1 + abs(hashtext(a.username || 'f')) % cardinality($4::text[])]
              ELSE ($3::text[])[1 + abs(hashtext(a.username || 'f')) % cardinality($3::text[])] END
         || ' ' || ($5::text[])[1 + abs(hashtext(a.username || 'l')) % cardinality($5::text[])],
         a.role, a.province_id, a.county_id, a.district_id, a.committee_key, $2
  FROM (SELECT * FROM fixed UNION ALL SELECT * FROM members) a
  RETURNING 1)
SELECT count(*)::int FROM ins`

// countryBoardsSQL moves the boards of election $1 that nobody has touched along their review, by a hash
// of their id: 60% approved, 20% submitted, 5% returned with a note, the rest still drafts.
const countryBoardsSQL = `
UPDATE boards b SET status = x.status, return_note = x.note, version = b.version + 1, updated_at = $2,
       approved_at = CASE WHEN x.status = 'approved' THEN $2::timestamptz - make_interval(days => x.h % 10 + 1) END
FROM (SELECT id, abs(hashtext('board' || id)) % 20 AS h,
             CASE WHEN abs(hashtext('board' || id)) % 20 < 12 THEN 'approved'
                  WHEN abs(hashtext('board' || id)) % 20 < 16 THEN 'submitted' ELSE 'draft' END AS status,
             CASE WHEN abs(hashtext('board' || id)) % 20 = 16
                  THEN 'ترکیب هیئت با قانون نمی‌خواند؛ عضو معتمد جایگزین معرفی شود.' ELSE '' END AS note
      FROM boards) x
WHERE b.id = x.id AND b.election_id = $1 AND b.status = 'draft' AND b.return_note = '' AND x.h < 17
  AND NOT EXISTS (SELECT 1 FROM board_submissions s WHERE s.board_id = b.id)`

// countrySubmissionsSQL records the submission, and HQ's decision, behind each board countryBoardsSQL
// moved: submitted by the place's chair, decided by the province's first HQ user.
const countrySubmissionsSQL = `
INSERT INTO board_submissions (board_id, number, submitted_at, submitted_by, members, decision, decided_at, decided_by, note)
SELECT b.id, 1, $2::timestamptz - interval '12 days',
       (SELECT min(u.id) FROM users u WHERE u.county_id = b.county_id AND u.district_id IS NOT DISTINCT FROM b.district_id
          AND u.role IN ('governor', 'district_head')),
       '[]', CASE WHEN b.status = 'approved' THEN 'approved' WHEN b.status = 'draft' THEN 'returned' END,
       CASE WHEN b.status <> 'submitted' THEN coalesce(b.approved_at, $2::timestamptz - interval '5 days') END,
       CASE WHEN b.status <> 'submitted' THEN (SELECT min(u.id) FROM users u WHERE u.province_id = b.province_id AND u.role = 'hq') END,
       b.return_note
FROM boards b
WHERE b.election_id = $1 AND (b.status <> 'draft' OR b.return_note <> '')
  AND NOT EXISTS (SELECT 1 FROM board_submissions s WHERE s.board_id = b.id)`

// Titles of the synthetic tasks, circulars and trainings.
var (
	countryTaskTitles = []string{"آزمایش اتصال سامانه ثبت‌نام داوطلبان", "فهرست رایانه‌ها و چاپگرهای شعب اخذ رأی",
		"معرفی نماینده حقوقی فرمانداری", "بررسی صورت‌جلسه‌های تشکیل هیئت‌های اجرایی", "تعیین محل شعب اخذ رأی",
		"برآورد نیروی انتظامی شعب", "آموزش عوامل اجرایی شعب", "تهیه برنامه تبلیغات نامزدها", "بازدید از محل نگهداری صندوق‌ها",
		"گزارش آمادگی خط پشتیبان اینترنت", "فهرست معتمدان پیشنهادی", "هماهنگی با ثبت احوال برای احراز هویت",
		"تأمین برق اضطراری شعب", "تکمیل فرم آمار واجدان شرایط"}
	countryCircularTitles = []string{"دستورالعمل ثبت‌نام داوطلبان", "شیوه‌نامه تشکیل هیئت‌های اجرایی",
		"ضوابط تبلیغات انتخاباتی", "دستورالعمل امنیت شعب اخذ رأی", "راهنمای کار با سامانه احراز هویت"}
	countryTrainingTitles = []string{"آموزش کار با سامانه ثبت‌نام", "آموزش عوامل شعب اخذ رأی"}
)

// countryWork adds, set-based, what the committees sent the places and what the places did of it: tasks
// (each to every place of its province, due from 20 days ago to 30 days ahead) with their copies moved
// along (hashed: 45% done, 20% in progress, 5% blocked) and an event for each move; marks of about 70% of
// the county and district milestones whose window has opened; five circulars a province, 70% of their
// receipts acknowledged; two trainings a province, the past one's attendance recorded (60% attended).
func countryWork(ctx context.Context, tx pgx.Tx, e store.Election, opts CountryOptions, now, today time.Time, res *CountryResult) error {
	// The places, each with its user (its first governor or district head, else its province's first HQ
	// user) and its province's committees and their first members.
	if _, err := tx.Exec(ctx, `
		CREATE TEMP TABLE country_places ON COMMIT DROP AS
		SELECT c.province_id, c.id AS county_id, d.id AS district_id,
		       coalesce((SELECT min(u.id) FROM users u WHERE u.county_id = c.id AND u.district_id IS NOT DISTINCT FROM d.id
		                   AND u.role IN ('governor', 'district_head')),
		                (SELECT min(u.id) FROM users u WHERE u.province_id = c.province_id AND u.role = 'hq')) AS user_id
		FROM counties c LEFT JOIN LATERAL (SELECT NULL::bigint AS id UNION ALL SELECT id FROM districts WHERE county_id = c.id) d ON true;
		CREATE TEMP TABLE country_committees ON COMMIT DROP AS
		SELECT k.province_id, k.key, row_number() OVER (PARTITION BY k.province_id ORDER BY k.position, k.key) - 1 AS i,
		       count(*) OVER (PARTITION BY k.province_id) AS n,
		       coalesce((SELECT min(u.id) FROM users u WHERE u.province_id = k.province_id AND u.committee_key = k.key),
		                (SELECT min(u.id) FROM users u WHERE u.province_id = k.province_id AND u.role = 'hq')) AS user_id
		FROM province_committees k;
		ANALYZE country_places; ANALYZE country_committees`); err != nil {
		return err
	}
	var places int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM country_places`).Scan(&places); err != nil {
		return err
	}
	perProvince := max((opts.Tasks+places/2)/max(places, 1), 1)
	var lastTask int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM tasks`).Scan(&lastTask); err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `
		INSERT INTO tasks (province_id, committee_key, title, body, due_date, whole_province, counties, include_districts, created_by, created_at)
		SELECT k.province_id, k.key, ($4::text[])[1 + (g - 1) % cardinality($4::text[])],
		       'این کار را تا موعد انجام دهید و نتیجه را در همین صفحه گزارش کنید.',
		       $2::date + (abs(hashtext(k.province_id || '/' || g)) % 51 - 20), true, '{}', true, k.user_id,
		       $3::timestamptz - make_interval(days => 25 - g)
		FROM generate_series(1, $1) g JOIN country_committees k ON k.i = (g - 1) % k.n
		ORDER BY k.province_id, g`, perProvince, today, now, countryTaskTitles)
	if err != nil {
		return fmt.Errorf("tasks: %w", err)
	}
	res.Tasks = int(tag.RowsAffected())
	tag, err = tx.Exec(ctx, `
		INSERT INTO task_assignees (task_id, province_id, county_id, district_id, status, changed_at, changed_by, version)
		SELECT t.id, p.province_id, p.county_id, p.district_id, s.status,
		       CASE WHEN s.status <> 'open' THEN least(t.created_at + make_interval(hours => 6 + s.h), $2::timestamptz) END,
		       CASE WHEN s.status <> 'open' THEN p.user_id END, CASE WHEN s.status <> 'open' THEN 2 ELSE 1 END
		FROM tasks t JOIN country_places p ON p.province_id = t.province_id,
		     LATERAL (SELECT h, CASE WHEN h < 45 THEN 'done' WHEN h < 65 THEN 'in_progress' WHEN h < 70 THEN 'blocked' ELSE 'open' END AS status
		              FROM (SELECT abs(hashtext(t.id || '/' || p.county_id || '/' || coalesce(p.district_id, 0))) % 100 AS h) x) s
		WHERE t.id > $1
		ORDER BY t.id, p.county_id, p.district_id NULLS FIRST`, lastTask, now)
	if err != nil {
		return fmt.Errorf("task copies: %w", err)
	}
	res.Copies = int(tag.RowsAffected())
	if _, err := tx.Exec(ctx, `
		INSERT INTO task_assignee_events (assignee_id, from_status, to_status, note, changed_by, changed_at)
		SELECT a.id, 'open', a.status, '', a.changed_by, a.changed_at FROM task_assignees a
		WHERE a.task_id > $1 AND a.status <> 'open' ORDER BY a.id`, lastTask); err != nil {
		return fmt.Errorf("task events: %w", err)
	}

	tag, err = tx.Exec(ctx, `
		INSERT INTO milestone_marks (election_id, milestone_id, province_id, county_id, district_id, done_at, done_by, note)
		SELECT e.id, m.id, p.province_id, p.county_id, p.district_id,
		       least(e.election_day + m.start_offset + (abs(hashtext(m.id || '/' || p.county_id)) % 5) + time '10:00', $3::timestamptz),
		       p.user_id, ''
		FROM elections e
		JOIN milestones m ON m.kind = coalesce(e.parent_kind, e.kind) AND m.retired_at IS NULL AND m.level IN ('county', 'district')
		JOIN country_places p ON (m.level = 'district') = (p.district_id IS NOT NULL) AND (m.province_id IS NULL OR m.province_id = p.province_id)
		WHERE e.id = $1 AND e.election_day + m.start_offset <= $2::date
		  AND abs(hashtext(m.id || '/' || p.county_id || '/' || coalesce(p.district_id, 0))) % 10 < 7
		ORDER BY m.id, p.county_id, p.district_id NULLS FIRST
		ON CONFLICT ON CONSTRAINT milestone_marks_place_key DO NOTHING`, e.ID, today, now)
	if err != nil {
		return fmt.Errorf("marks: %w", err)
	}
	res.Marks = int(tag.RowsAffected())

	norms := make([]string, len(countryCircularTitles))
	for i, t := range countryCircularTitles {
		norms[i] = persian.Normalize(t)
	}
	var lastGuidance int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM guidance`).Scan(&lastGuidance); err != nil {
		return err
	}
	tag, err = tx.Exec(ctx, `
		INSERT INTO guidance (province_id, committee_key, author_id, title, body, audience_province, include_districts, status,
		                      revision, created_at, published_at, title_norm)
		SELECT k.province_id, k.key, k.user_id, ($2::text[])[g], 'متن کامل این بخشنامه پیوست است؛ آن را بخوانید و دریافت آن را تأیید کنید.',
		       true, true, 'published', 1, $1::timestamptz - make_interval(days => 3 * g + 1), $1::timestamptz - make_interval(days => 3 * g),
		       ($3::text[])[g]
		FROM generate_series(1, cardinality($2::text[])) g JOIN country_committees k ON k.i = (g - 1) % k.n
		ORDER BY k.province_id, g`, now, countryCircularTitles, norms)
	if err != nil {
		return fmt.Errorf("circulars: %w", err)
	}
	res.Circulars = int(tag.RowsAffected())
	if _, err := tx.Exec(ctx, `
		INSERT INTO guidance_versions (guidance_id, revision, title, body, changed_by, changed_at)
		SELECT id, 1, title, body, author_id, published_at FROM guidance WHERE id > $1 ORDER BY id`, lastGuidance); err != nil {
		return fmt.Errorf("circular versions: %w", err)
	}
	tag, err = tx.Exec(ctx, `
		INSERT INTO guidance_receipts (guidance_id, county_id, district_id, opened_at, opened_by, acked_at, acked_by, acked_revision)
		SELECT g.id, p.county_id, p.district_id,
		       CASE WHEN x.h < 85 THEN g.published_at + make_interval(hours => 2 + x.h) END, CASE WHEN x.h < 85 THEN p.user_id END,
		       CASE WHEN x.h < 70 THEN g.published_at + make_interval(hours => 3 + x.h) END, CASE WHEN x.h < 70 THEN p.user_id END,
		       CASE WHEN x.h < 70 THEN 1 END
		FROM guidance g JOIN country_places p ON p.province_id = g.province_id,
		     LATERAL (SELECT abs(hashtext(g.id || '/' || p.county_id || '/' || coalesce(p.district_id, 0))) % 100 AS h) x
		WHERE g.id > $1 ORDER BY g.id, p.county_id, p.district_id NULLS FIRST`, lastGuidance)
	if err != nil {
		return fmt.Errorf("receipts: %w", err)
	}
	res.Receipts = int(tag.RowsAffected())

	var lastTraining int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM trainings`).Scan(&lastTraining); err != nil {
		return err
	}
	tag, err = tx.Exec(ctx, `
		INSERT INTO trainings (province_id, committee_key, title, starts_at, place, audience, include_districts, created_by, created_at)
		SELECT k.province_id, k.key, ($2::text[])[g], date_trunc('day', $1::timestamptz) + make_interval(days => CASE g WHEN 1 THEN -7 ELSE 10 END, hours => 9),
		       'سالن اجتماعات استانداری', 'province', true, k.user_id, $1::timestamptz - interval '20 days'
		FROM generate_series(1, cardinality($2::text[])) g
		JOIN country_committees k ON k.key = (SELECT key FROM country_committees WHERE province_id = k.province_id
		                                      ORDER BY key <> 'training', i LIMIT 1)
		ORDER BY k.province_id, g`, now, countryTrainingTitles)
	if err != nil {
		return fmt.Errorf("trainings: %w", err)
	}
	res.Trainings = int(tag.RowsAffected())
	tag, err = tx.Exec(ctx, `
		INSERT INTO training_invitees (training_id, county_id, district_id, confirmed_at, confirmed_by, attended, attendees,
		                               recorded_at, recorded_by)
		SELECT t.id, p.county_id, p.district_id,
		       CASE WHEN x.h < 80 THEN t.created_at + interval '1 day' END, CASE WHEN x.h < 80 THEN p.user_id END,
		       CASE WHEN past THEN x.h < 60 END, CASE WHEN past AND x.h < 60 THEN 1 + x.h % 5 END,
		       CASE WHEN past THEN t.starts_at + interval '1 day' END, CASE WHEN past THEN t.created_by END
		FROM trainings t JOIN country_places p ON p.province_id = t.province_id,
		     LATERAL (SELECT abs(hashtext(t.id || '/' || p.county_id || '/' || coalesce(p.district_id, 0))) % 100 AS h,
		                     t.starts_at < $2::timestamptz AS past) x
		WHERE t.id > $1 ORDER BY t.id, p.county_id, p.district_id NULLS FIRST`, lastTraining, now)
	if err != nil {
		return fmt.Errorf("invitees: %w", err)
	}
	res.Invitees = int(tag.RowsAffected())
	return nil
}

// Titles of the synthetic incidents and readiness checks.
var (
	countryIncidentTitles = []string{"قطع اتصال سامانه در فرمانداری", "کندی شدید پاسخ سامانه", "خطای چاپ رسید",
		"ناهمخوانی فهرست شعب"}
	countryCheckTitles = []string{"آزمایش سامانه ثبت‌نام", "آموزش کاربران سامانه", "گزارش روزانه آمادگی شعب"}
	countryCheckItems  = []string{"اتصال شبکه برقرار است", "کاربران با حساب خود وارد شدند", "رسید آزمایشی چاپ شد"}
)

// countryMonitoring adds, set-based, what the monitoring reads: every province's election systems (those
// of Fars where a province has none yet), 0 to 4 incidents a province (open critical, resolved, under
// work, open low) with their threads and affected district, three readiness checks a province (one due
// five days ago, with the districts; one due in three days; one daily from ten days ago to three days
// ahead) with filings for about 80% of the place-days due so far and answers to every item, and each
// county's readiness history of the 30 days before today, improving towards today.
func countryMonitoring(ctx context.Context, tx pgx.Tx, e store.Election, now, today time.Time, res *CountryResult) error {
	tag, err := tx.Exec(ctx, `
		INSERT INTO election_systems (province_id, key, name_fa, name_en, owner_committee, position)
		SELECT p.id, s.key, s.name_fa, s.name_en, s.owner_committee, s.position
		FROM provinces p CROSS JOIN election_systems s JOIN provinces f ON f.id = s.province_id AND f.code = 'fars'
		WHERE p.id <> f.id AND s.retired_at IS NULL
		  AND NOT EXISTS (SELECT 1 FROM election_systems x WHERE x.province_id = p.id)
		  AND EXISTS (SELECT 1 FROM province_committees k WHERE k.province_id = p.id AND k.key = s.owner_committee)
		ORDER BY p.id, s.position`)
	if err != nil {
		return fmt.Errorf("systems: %w", err)
	}
	res.Systems = int(tag.RowsAffected())

	var lastIncident int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM incidents`).Scan(&lastIncident); err != nil {
		return err
	}
	// Incident g of a province: 1 open and critical, 2 resolved, 3 acknowledged, 4 open and low; in its
	// county (g*7) mod n, against its system g mod m.
	tag, err = tx.Exec(ctx, `
		INSERT INTO incidents (province_id, county_id, system_key, owner_committee, title, body, severity, since, status,
		                       reported_by, reported_at, acked_by, acked_at, resolved_by, resolved_at, resolution)
		SELECT p.id, c.county_id, s.key, s.owner_committee, ($2::text[])[g], 'از صبح امروز کاربران فرمانداری نمی‌توانند کار را ادامه دهند؛ پیگیری شد.',
		       (ARRAY['critical', 'high', 'medium', 'low'])[g], r.at - interval '2 hours',
		       (ARRAY['open', 'resolved', 'acknowledged', 'open'])[g], c.user_id, r.at,
		       CASE WHEN g IN (2, 3) THEN k.user_id END, CASE WHEN g IN (2, 3) THEN r.at + interval '1 hour' END,
		       CASE WHEN g = 2 THEN k.user_id END, CASE WHEN g = 2 THEN r.at + interval '5 hours' END,
		       CASE WHEN g = 2 THEN 'سامانه دوباره راه‌اندازی شد و کار می‌کند.' ELSE '' END
		FROM provinces p
		CROSS JOIN LATERAL generate_series(1, abs(hashtext('incidents' || p.code)) % 5) g
		JOIN LATERAL (SELECT pl.county_id, pl.user_id, count(*) OVER () AS n, row_number() OVER (ORDER BY pl.county_id) - 1 AS i
		              FROM country_places pl WHERE pl.province_id = p.id AND pl.district_id IS NULL) c ON c.i = (g * 7) % c.n
		JOIN LATERAL (SELECT x.key, x.owner_committee, count(*) OVER () AS m, row_number() OVER (ORDER BY x.position, x.key) - 1 AS i
		              FROM election_systems x WHERE x.province_id = p.id AND x.retired_at IS NULL) s ON s.i = g % s.m
		JOIN country_committees k ON k.province_id = p.id AND k.key = s.owner_committee
		CROSS JOIN LATERAL (SELECT $1::timestamptz - make_interval(days => CASE WHEN g = 2 THEN 6 ELSE g - 1 END, hours => 3) AS at) r
		ORDER BY p.id, g`, now, countryIncidentTitles)
	if err != nil {
		return fmt.Errorf("incidents: %w", err)
	}
	res.Incidents = int(tag.RowsAffected())
	if _, err := tx.Exec(ctx, `
		INSERT INTO incident_districts (incident_id, county_id, district_id)
		SELECT i.id, i.county_id, (SELECT min(d.id) FROM districts d WHERE d.county_id = i.county_id)
		FROM incidents i WHERE i.id > $1 AND EXISTS (SELECT 1 FROM districts d WHERE d.county_id = i.county_id) ORDER BY i.id`,
		lastIncident); err != nil {
		return fmt.Errorf("incident districts: %w", err)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO incident_events (incident_id, kind, note, severity, by_user, at)
		SELECT i.id, x.kind, x.note, x.severity, x.by_user, x.at
		FROM incidents i, LATERAL (VALUES ('reported', '', i.severity, i.reported_by, i.reported_at),
		                                  ('acknowledged', '', NULL, i.acked_by, i.acked_at),
		                                  ('resolved', i.resolution, NULL, i.resolved_by, i.resolved_at)) x (kind, note, severity, by_user, at)
		WHERE i.id > $1 AND x.by_user IS NOT NULL ORDER BY i.id, x.at`, lastIncident); err != nil {
		return fmt.Errorf("incident threads: %w", err)
	}

	var lastCheck int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM readiness_checks`).Scan(&lastCheck); err != nil {
		return err
	}
	tag, err = tx.Exec(ctx, `
		INSERT INTO readiness_checks (province_id, election_id, title, cadence, due_date, starts_on, ends_on, include_districts,
		                              created_by, created_at)
		SELECT p.id, $1, ($3::text[])[g], CASE g WHEN 3 THEN 'daily' ELSE 'once' END,
		       CASE g WHEN 1 THEN $2::date - 5 WHEN 2 THEN $2::date + 3 END,
		       CASE g WHEN 3 THEN $2::date - 10 END, CASE g WHEN 3 THEN $2::date + 3 END, g = 1,
		       (SELECT min(u.id) FROM users u WHERE u.province_id = p.id AND u.role = 'hq'), $2::date - 20
		FROM provinces p, generate_series(1, 3) g
		WHERE EXISTS (SELECT 1 FROM users u WHERE u.province_id = p.id AND u.role = 'hq')
		ORDER BY p.id, g`, e.ID, today, countryCheckTitles)
	if err != nil {
		return fmt.Errorf("checks: %w", err)
	}
	res.Checks = int(tag.RowsAffected())
	if _, err := tx.Exec(ctx, `
		INSERT INTO readiness_items (check_id, position, text)
		SELECT c.id, x.n, x.t FROM readiness_checks c, unnest($2::text[]) WITH ORDINALITY x (t, n) WHERE c.id > $1 ORDER BY c.id, x.n`,
		lastCheck, countryCheckItems); err != nil {
		return fmt.Errorf("check items: %w", err)
	}
	tag, err = tx.Exec(ctx, `
		INSERT INTO readiness_filings (check_id, province_id, county_id, district_id, day, filed_by, filed_at)
		SELECT c.id, p.province_id, p.county_id, p.district_id, d.day, p.user_id, d.day + time '11:00'
		FROM readiness_checks c
		JOIN country_places p ON p.province_id = c.province_id AND (c.include_districts OR p.district_id IS NULL)
		CROSS JOIN LATERAL (SELECT g::date AS day FROM generate_series(coalesce(c.due_date, c.starts_on), coalesce(c.due_date, c.ends_on),
		                                                             interval '1 day') g) d
		WHERE c.id > $1 AND d.day <= $2::date
		  AND abs(hashtext(c.id || '/' || p.county_id || '/' || coalesce(p.district_id, 0) || '/' || d.day)) % 10 < 8
		ORDER BY c.id, d.day, p.county_id, p.district_id NULLS FIRST`, lastCheck, today)
	if err != nil {
		return fmt.Errorf("filings: %w", err)
	}
	res.Filings = int(tag.RowsAffected())
	if _, err := tx.Exec(ctx, `
		INSERT INTO readiness_answers (filing_id, check_id, item_id, ok, note)
		SELECT f.id, f.check_id, i.id, abs(hashtext(f.id || '/' || i.id)) % 10 < 8,
		       CASE WHEN abs(hashtext(f.id || '/' || i.id)) % 10 >= 8 THEN 'پیگیری می‌شود.' ELSE '' END
		FROM readiness_filings f JOIN readiness_items i ON i.check_id = f.check_id
		WHERE f.check_id > $1 ORDER BY f.id, i.position`, lastCheck); err != nil {
		return fmt.Errorf("answers: %w", err)
	}

	// The history: a county's score rises over the month, from about 45 to about 75, and its overdue work
	// falls, each county a little apart from the others.
	tag, err = tx.Exec(ctx, `
		INSERT INTO readiness_days (election_id, province_id, county_id, day, milestones_overdue, tasks_overdue, checks_missed,
		                            incidents_open, score)
		SELECT $1, c.province_id, c.id, $2::date - a, a / 10 + x.h % 3, a / 6 + x.h % 4, CASE WHEN a > 10 THEN 0 ELSE x.h % 2 END,
		       CASE WHEN x.h % 7 = 0 AND a < 5 THEN 1 ELSE 0 END, least(100, greatest(0, 75 - a + x.h % 15 - 7))
		FROM counties c CROSS JOIN generate_series(1, 30) a CROSS JOIN LATERAL (SELECT abs(hashtext('days' || c.id)) AS h) x
		WHERE NOT EXISTS (SELECT 1 FROM readiness_days r WHERE r.election_id = $1 AND r.county_id = c.id)
		ORDER BY c.province_id, a DESC, c.id`, e.ID, today)
	if err != nil {
		return fmt.Errorf("readiness history: %w", err)
	}
	res.Days = int(tag.RowsAffected())
	return nil
}

// countryAudit appends n audit rows over the fortnight before now, chained as any others: the logins of
// the synthetic users, their moves of task copies and their acknowledgements of circulars, in turn.
func countryAudit(ctx context.Context, st *store.Store, n int, now time.Time, res *CountryResult) error {
	if n <= 0 {
		return nil
	}
	pool := st.Pool()
	type user struct {
		id       int64
		name     string
		province int64
	}
	users, err := collect(ctx, pool, `SELECT id, username, coalesce(province_id, 0) FROM users WHERE username LIKE 's.%' ORDER BY id`,
		func(r pgx.CollectableRow) (user, error) {
			var u user
			return u, r.Scan(&u.id, &u.name, &u.province)
		})
	if err != nil {
		return err
	}
	type act struct {
		user          user
		entity        int64
		county, place string
		status        string
	}
	acts := func(q string) ([]act, error) {
		return collect(ctx, pool, q, func(r pgx.CollectableRow) (act, error) {
			var a act
			return a, r.Scan(&a.user.id, &a.user.name, &a.user.province, &a.entity, &a.county, &a.place, &a.status)
		})
	}
	moves, err := acts(`SELECT u.id, u.username, a.province_id, a.task_id, c.code, coalesce(d.code, ''), a.status
		FROM task_assignees a JOIN users u ON u.id = a.changed_by JOIN counties c ON c.id = a.county_id
		LEFT JOIN districts d ON d.id = a.district_id WHERE a.status <> 'open' AND u.username LIKE 's.%' ORDER BY a.id`)
	if err != nil {
		return err
	}
	acks, err := acts(`SELECT u.id, u.username, g.province_id, g.id, c.code, coalesce(d.code, ''), ''
		FROM guidance_receipts r JOIN guidance g ON g.id = r.guidance_id JOIN users u ON u.id = r.acked_by
		JOIN counties c ON c.id = r.county_id LEFT JOIN districts d ON d.id = r.district_id
		WHERE r.acked_at IS NOT NULL AND u.username LIKE 's.%' ORDER BY r.guidance_id, r.county_id, r.district_id NULLS FIRST`)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		return errors.New("no synthetic users to audit")
	}
	place := func(a act, m map[string]any) map[string]any {
		m["county"] = a.county
		if a.place != "" {
			m["district"] = a.place
		}
		return m
	}
	start := now.Add(-14 * 24 * time.Hour)
	step := 14 * 24 * time.Hour / time.Duration(n)
	rows := make([]audit.Stamped, n)
	for i := range rows {
		s := audit.Stamped{At: start.Add(time.Duration(i) * step)}
		switch {
		case i%3 == 1 && len(moves) > 0:
			a := moves[(i/3)%len(moves)]
			s.Actor = audit.Actor{ID: a.user.id, Name: a.user.name, Remote: "synthetic"}
			s.Entry = audit.Entry{Action: "task.status", Entity: "task", EntityID: strconv.FormatInt(a.entity, 10),
				ProvinceID: a.user.province, Detail: audit.Change{Before: map[string]any{"status": "open"},
					After: place(a, map[string]any{"status": a.status})}}
		case i%3 == 2 && len(acks) > 0:
			a := acks[(i/3)%len(acks)]
			s.Actor = audit.Actor{ID: a.user.id, Name: a.user.name, Remote: "synthetic"}
			s.Entry = audit.Entry{Action: "guidance.ack", Entity: "guidance", EntityID: strconv.FormatInt(a.entity, 10),
				ProvinceID: a.user.province, Detail: audit.Change{Before: map[string]any{"acked": false},
					After: place(a, map[string]any{"acked": true, "revision": 1})}}
		default:
			u := users[(i*7919)%len(users)]
			s.Actor = audit.Actor{ID: u.id, Name: u.name, Remote: "synthetic"}
			s.Entry = audit.Entry{Action: "login.success", Entity: "user", EntityID: strconv.FormatInt(u.id, 10), ProvinceID: u.province}
		}
		rows[i] = s
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		_, err := audit.AppendBulk(ctx, tx, rows)
		return err
	})
	if err == nil {
		res.Audit = n
	}
	return err
}

// collect runs a query and reads its rows with scan.
func collect[T any](ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, sql string, scan func(pgx.CollectableRow) (T, error)) ([]T, error) {
	rows, err := q.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scan)
}
