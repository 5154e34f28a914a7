package seed

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/dbtest"
	"github.com/setad/setad/internal/password"
)

func TestSpread(t *testing.T) {
	for _, c := range []struct {
		total   int
		weights []int
		lo, hi  int
		want    []int
	}{
		{10, []int{1, 1}, 0, 10, []int{5, 5}},
		{10, []int{3, 1}, 0, 10, []int{8, 2}},     // proportional, the remainder dealt in turn
		{10, []int{9, 1}, 0, 6, []int{6, 4}},      // capped, the rest to the others
		{100, []int{1, 1}, 0, 6, []int{6, 6}},     // cut to what the caps allow
		{1, []int{1, 1, 1}, 2, 9, []int{2, 2, 2}}, // raised to the floor
		{7, []int{0, 0}, 0, 9, []int{4, 3}},
	} {
		got := spread(c.total, c.weights, c.lo, c.hi)
		if !slicesEqual(got, c.want) {
			t.Errorf("spread(%d, %v, %d, %d) = %v, want %v", c.total, c.weights, c.lo, c.hi, got, c.want)
		}
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A small country, loaded as the big one is: its places with their boards, users at every place, work
// for the places, candidates counted as a recount counts them, and an audit chain that still verifies.
func TestLoadCountry(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.NewStore(t)
	ctx := context.Background()
	db := st.Pool()
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	if err := Reference(ctx, st); err != nil {
		t.Fatal(err)
	}
	farsCounties, farsDistricts := count(`SELECT count(*) FROM counties`), count(`SELECT count(*) FROM districts`)
	// Fars's election systems, as the reference gives them; the sample provinces get the same.
	if _, err := db.Exec(ctx, `INSERT INTO election_systems (province_id, key, name_fa, name_en, owner_committee, position)
		SELECT id, k, 'سامانه ' || k, 'System ' || k, 'technology', n FROM provinces,
		unnest('{candidate-registration,counting}'::text[]) WITH ORDINALITY x (k, n) WHERE code = 'fars'
		ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	// More counties than two sample provinces may have: each stays two below Fars's.
	opts := CountryOptions{Provinces: 3, Counties: farsCounties + 100, Districts: farsDistricts + 12, Users: 600,
		Candidates: 900, Tasks: 600, Audit: 700}
	var progress bytes.Buffer
	res, err := LoadCountry(ctx, st, password.NewHasher(password.Params{Time: 1, MemoryKiB: 1024, Threads: 1}, 1), opts, now, &progress)
	if err != nil {
		t.Fatalf("LoadCountry: %v", err)
	}
	if res.Provinces != 2 || res.Counties != 2*(farsCounties-2) || res.Districts != 12 || res.Users != 600 || res.Candidates != 900 || res.Audit != 700 {
		t.Errorf("result %+v", res)
	}
	// A line per finished step, as a log shows it (the buffer is no terminal).
	if lines := strings.Split(strings.TrimSpace(progress.String()), "\n"); len(lines) != len(countrySteps) ||
		!strings.HasPrefix(lines[3], "candidates: 900 rows in ") {
		t.Errorf("progress:\n%s", progress.String())
	}
	if len(res.Steps) != len(countrySteps) {
		t.Errorf("steps %v", res.Steps)
	}
	if got := count(`SELECT count(*) FROM provinces WHERE code LIKE 'syn%'`); got != 2 || count(`SELECT count(*) FROM provinces WHERE code IN ('syn01', 'syn02')`) != 2 {
		t.Errorf("%d sample provinces, want syn01 and syn02", got)
	}
	// Every county has its seat; every place has its board in every election; every province its committees.
	if got := count(`SELECT count(*) FROM counties c WHERE NOT EXISTS (SELECT 1 FROM cities ci WHERE ci.code = c.code AND ci.county_id = c.id)`); got != 0 {
		t.Errorf("%d counties without their seat", got)
	}
	places := farsCounties + farsDistricts + res.Counties + res.Districts
	if got, want := count(`SELECT count(*) FROM boards`), places*count(`SELECT count(*) FROM elections`); got != want {
		t.Errorf("%d boards, want %d (one per place and election)", got, want)
	}
	if got := count(`SELECT count(*) FROM province_committees k JOIN provinces p ON p.id = k.province_id WHERE p.code LIKE 'syn%'`); got != 2*len(Committees) {
		t.Errorf("%d committees in the sample provinces, want %d", got, 2*len(Committees))
	}
	// No sample province has as many places as Fars, which keeps the most candidates.
	if got := count(`SELECT count(*) FROM (SELECT c.province_id FROM counties c GROUP BY 1 HAVING count(*) >= $1) x`, farsCounties); got != 1 {
		t.Errorf("%d provinces with as many counties as Fars", got)
	}
	if got := count(`SELECT count(*) FROM (SELECT province_id, count(*) AS n FROM candidates GROUP BY 1) x
		WHERE n >= (SELECT count(*) FROM candidates k JOIN provinces p ON p.id = k.province_id WHERE p.code = 'fars')`); got != 1 {
		t.Errorf("%d provinces with as many candidates as Fars, want Fars alone", got)
	}
	// Users: HQ twice and an observer per province, three per county and district, committee members for the rest.
	for _, c := range []struct {
		q    string
		want int
	}{
		{`SELECT count(*) FROM users WHERE role = 'hq' AND username LIKE 's.%'`, 2 * 3},
		{`SELECT count(*) FROM users WHERE role = 'observer' AND username LIKE 's.%'`, 3},
		{`SELECT count(*) FROM users WHERE role = 'governor' AND username LIKE 's.%'`, 3 * (farsCounties + res.Counties)},
		{`SELECT count(*) FROM users WHERE role = 'district_head' AND username LIKE 's.%'`, 3 * (farsDistricts + res.Districts)},
		{`SELECT count(*) FROM users WHERE username LIKE 's.%'`, 600},
		{`SELECT count(DISTINCT password_hash) FROM users WHERE username LIKE 's.%'`, 1},
		{`SELECT count(*) FROM counties c WHERE (SELECT count(*) FROM users u WHERE u.county_id = c.id AND u.role = 'governor') <> 3`, 0},
	} {
		if got := count(c.q); got != c.want {
			t.Errorf("%s = %d, want %d", c.q, got, c.want)
		}
	}
	// Boards moved along their review, each non-draft with its submission.
	e := res.Election.ID
	if got := count(`SELECT count(*) FROM boards WHERE election_id = $1 AND status = 'approved'`, e); got == 0 || got == places {
		t.Errorf("%d approved boards of %d", got, places)
	}
	if got := count(`SELECT count(*) FROM boards b WHERE election_id = $1 AND (status <> 'draft' OR return_note <> '')
		AND NOT EXISTS (SELECT 1 FROM board_submissions s WHERE s.board_id = b.id)`, e); got != 0 {
		t.Errorf("%d boards under review without a submission", got)
	}
	// Candidates: their summary is what a recount finds.
	if got := count(`SELECT count(*) FROM (
		(SELECT election_id, province_id, county_id, coalesce(district_id, 0), status, count(*)::int FROM candidates GROUP BY 1, 2, 3, 4, 5
		 EXCEPT SELECT election_id, province_id, county_id, district_id, status, n FROM candidate_counts WHERE n > 0)
		UNION ALL
		(SELECT election_id, province_id, county_id, district_id, status, n FROM candidate_counts WHERE n > 0
		 EXCEPT SELECT election_id, province_id, county_id, coalesce(district_id, 0), status, count(*)::int FROM candidates GROUP BY 1, 2, 3, 4, 5)) x`); got != 0 {
		t.Errorf("candidate_counts differs from a recount in %d rows", got)
	}
	// Work: every task has a copy at every place of its province; marks, receipts and invitees exist.
	if got := count(`SELECT count(*) FROM tasks t WHERE (SELECT count(*) FROM task_assignees a WHERE a.task_id = t.id)
		<> (SELECT count(*) FROM counties c WHERE c.province_id = t.province_id)
		   + (SELECT count(*) FROM districts d JOIN counties c ON c.id = d.county_id WHERE c.province_id = t.province_id)`); got != 0 {
		t.Errorf("%d tasks without a copy for each place of their province", got)
	}
	if got := count(`SELECT count(*) FROM task_assignees`); got != res.Copies || got < 500 || got > 800 {
		t.Errorf("%d task copies (result %d), want about %d", got, res.Copies, opts.Tasks)
	}
	if got := count(`SELECT count(*) FROM task_assignee_events`); got != count(`SELECT count(*) FROM task_assignees WHERE status <> 'open'`) {
		t.Errorf("%d task events, want one per moved copy", got)
	}
	if res.Marks == 0 || res.Circulars != 3*len(countryCircularTitles) || res.Trainings != 3*len(countryTrainingTitles) {
		t.Errorf("work: %+v", res)
	}
	if got := count(`SELECT count(*) FROM guidance_receipts`); got != len(countryCircularTitles)*places {
		t.Errorf("%d receipts, want %d", got, len(countryCircularTitles)*places)
	}
	if got := count(`SELECT count(*) FROM training_invitees WHERE attended IS NOT NULL`); got != places {
		t.Errorf("%d invitees with attendance recorded, want those of the past training: %d", got, places)
	}
	// Monitoring: systems, incidents with their threads, checks with filings on their past days, history.
	farsSystems := count(`SELECT count(*) FROM election_systems s JOIN provinces p ON p.id = s.province_id WHERE p.code = 'fars'`)
	if got := count(`SELECT count(*) FROM election_systems`); farsSystems < 2 || got != 3*farsSystems {
		t.Errorf("%d election systems, want Fars's %d in each of the 3 provinces", got, farsSystems)
	}
	if got := count(`SELECT count(*) FROM (SELECT province_id FROM incidents GROUP BY 1 HAVING count(*) > 4) x`); got != 0 || res.Incidents == 0 {
		t.Errorf("%d provinces with more than 4 incidents; %d in all", got, res.Incidents)
	}
	for _, c := range []struct {
		q    string
		want int
	}{
		{`SELECT count(*) FROM incidents i WHERE (SELECT count(*) FROM incident_events e WHERE e.incident_id = i.id)
			<> 1 + (i.acked_at IS NOT NULL)::int + (i.resolved_at IS NOT NULL)::int`, 0},
		{`SELECT count(*) FROM incidents WHERE severity = 'critical' AND status = 'open'`,
			count(`SELECT count(*) FROM incidents WHERE severity = 'critical'`)},
		{`SELECT count(*) FROM readiness_checks`, 3 * 3},
		{`SELECT count(*) FROM readiness_items`, 3 * 3 * len(countryCheckItems)},
		{`SELECT count(*) FROM readiness_filings f JOIN readiness_checks c ON c.id = f.check_id
			WHERE f.day > $1::date OR f.district_id IS NOT NULL AND NOT c.include_districts
			   OR f.day NOT BETWEEN coalesce(c.due_date, c.starts_on) AND coalesce(c.due_date, c.ends_on)`, 0},
		{`SELECT count(*) FROM readiness_answers`, res.Filings * len(countryCheckItems)},
		{`SELECT count(*) FROM readiness_days`, 30 * count(`SELECT count(*) FROM counties`)},
		{`SELECT count(*) FROM readiness_days WHERE day >= $1::date OR day < $1::date - 30`, 0},
	} {
		var args []any
		if strings.Contains(c.q, "$1") {
			args = append(args, now.Format("2006-01-02"))
		}
		if got := count(c.q, args...); got != c.want {
			t.Errorf("%s = %d, want %d", c.q, got, c.want)
		}
	}
	// About 80% of the place-days due so far are filed: the check due five days ago at every place,
	// the daily one at every county on the 11 days from ten days ago to today.
	if due := places + 11*(farsCounties+res.Counties); res.Filings < due*6/10 || res.Filings > due*95/100 {
		t.Errorf("%d filings of %d place-days due", res.Filings, due)
	}

	// The audit chain holds the bulk history and the writes after it.
	c, err := audit.Verify(ctx, db)
	if err != nil {
		t.Fatalf("Verify after the load: %v", err)
	}
	if got := count(`SELECT count(*) FROM audit_log WHERE remote = 'synthetic'`); got != 700 {
		t.Errorf("%d synthetic audit rows, want 700", got)
	}
	if err := audit.Write(ctx, db, audit.System, func(pgx.Tx) ([]audit.Entry, error) {
		return []audit.Entry{{Action: "test.after", Entity: "test"}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if c2, err := audit.Verify(ctx, db, c.Head); err != nil || c2.Rows != c.Rows+1 {
		t.Fatalf("Verify after a write that follows: %+v, %v", c2, err)
	}
	// Loaded once only.
	before := count(`SELECT count(*) FROM users`)
	if _, err := LoadCountry(ctx, st, password.NewHasher(password.Params{Time: 1, MemoryKiB: 1024, Threads: 1}, 1), opts, now, nil); !errors.Is(err, ErrCountryLoaded) {
		t.Errorf("second load: %v, want ErrCountryLoaded", err)
	}
	if got := count(`SELECT count(*) FROM users`); got != before {
		t.Errorf("a refused load added %d users", got-before)
	}
}

// On a terminal the bar is redrawn in place, at most ten times a second, with the share of the whole
// load done, the running step, how far it is and the time since the start.
func TestProgressBar(t *testing.T) {
	var out bytes.Buffer
	clock := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	p := &progress{w: &out, tty: true, steps: []progressStep{{"places", 1}, {"candidates", 3}}, i: -1,
		clock: func() time.Time { return clock }}
	p.start = clock
	p.begin(0)
	p.done(5)
	p.begin(1)
	clock = clock.Add(41 * time.Second)
	p.update(50, 100)
	p.update(60, 100) // within the same tenth of a second: not drawn
	clock = clock.Add(time.Second)
	p.update(70, 100)
	draws := strings.Split(out.String(), "\r")[1:]
	if len(draws) != 5 {
		t.Fatalf("%d draws: %q", len(draws), out.String())
	}
	if got := strings.Join(strings.Fields(draws[3]), " "); got != "[##################------------] 62% candidates 50/100 0:41" {
		t.Errorf("bar %q", got)
	}
	if got := strings.Join(strings.Fields(draws[4]), " "); got != "[#######################-------] 77% candidates 70/100 0:42" {
		t.Errorf("bar %q", got)
	}
	p.done(100)
	if last := out.String()[strings.LastIndex(out.String(), "\r"):]; strings.Join(strings.Fields(last), " ") != "[##############################] 100% candidates 0:42" ||
		!strings.HasSuffix(last, "\n") {
		t.Errorf("the last draw %q does not end the line", out.String()[strings.LastIndex(out.String(), "\r"):])
	}
}
