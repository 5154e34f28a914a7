package store_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
)

// dashDay is the day the dashboard tests read their figures for.
var dashDay = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// dashboardData fills Tehran (2 counties, 3 districts) with one of everything the dashboard counts, each
// on either side of the day's boundary, and returns the election. The expected numbers are in the tests.
func (f *fixture) dashboardData() store.Election {
	f.t.Helper()
	e := f.currentElection()
	hq := f.user["hq.tehran"]
	f.exec(`UPDATE milestones SET retired_at = now()`)
	// Milestones of Tehran's own: the county's m1 closed yesterday, m2 closes today; the districts' m3 closed yesterday.
	f.exec(`INSERT INTO milestones (kind, province_id, code, title_fa, title_en, level, start_offset, end_offset, legal)
		SELECT 'councils', p.id, x.code, x.code, x.code, x.level, x.off - 5, x.off, false
		FROM provinces p, (VALUES ('m1', 'county', $1::date - $3::date), ('m2', 'county', $2::date - $3::date),
		                          ('m3', 'district', $1::date - $3::date)) x(code, level, off)
		WHERE p.code = 'tehran'`, dashDay.AddDate(0, 0, -1), dashDay, e.ElectionDay)
	mark := func(code, county, district string) {
		f.exec(`INSERT INTO milestone_marks (election_id, milestone_id, province_id, county_id, district_id, done_by)
			SELECT $1, m.id, m.province_id, c.id, d.id, $5 FROM milestones m JOIN counties c ON c.code = $3
			LEFT JOIN districts d ON d.code = $4 WHERE m.code = $2 AND m.retired_at IS NULL`, e.ID, code, county, nullable(district), hq)
	}
	mark("m1", "shemiranat", "")
	mark("m2", "shemiranat", "")
	mark("m3", "shemiranat", "shemiranat-central")
	// Boards: the county of Shemiranat approved, its central district submitted, Lavasanat returned; Rey a
	// draft, its district approved.
	board := func(place, status, note string) {
		f.exec(`UPDATE boards b SET status = $3, return_note = $4 FROM counties c LEFT JOIN districts d ON d.code = $2
			WHERE b.election_id = $5 AND b.county_id = c.id AND c.code = $1 AND b.district_id IS NOT DISTINCT FROM d.id`,
			placeCounty(place), nullable(placeDistrict(place)), status, note, e.ID)
	}
	board("shemiranat", "approved", "")
	board("shemiranat/shemiranat-central", "submitted", "")
	board("shemiranat/shemiranat-lavasanat", "draft", "نامه ناقص است")
	board("rey/rey-central", "approved", "")
	// Tasks: t1 due yesterday, t2 due today.
	f.exec(`INSERT INTO tasks (province_id, committee_key, title, due_date, whole_province, include_districts, created_by)
		SELECT p.id, 'technology', x.t, x.due, true, true, $3 FROM provinces p,
		(VALUES ('t1', $1::date), ('t2', $2::date)) x(t, due) WHERE p.code = 'tehran'`, dashDay.AddDate(0, 0, -1), dashDay, hq)
	assign := func(task, county, district, status string) {
		f.exec(`INSERT INTO task_assignees (task_id, province_id, county_id, district_id, status)
			SELECT t.id, t.province_id, c.id, d.id, $4 FROM tasks t JOIN counties c ON c.code = $2 LEFT JOIN districts d ON d.code = $3
			WHERE t.title = $1`, task, county, nullable(district), status)
	}
	assign("t1", "shemiranat", "", "done")
	assign("t1", "shemiranat", "shemiranat-central", "open")
	assign("t1", "rey", "", "in_progress")
	assign("t2", "shemiranat", "", "open")
	assign("t2", "rey", "rey-central", "blocked")
	// Circulars: one published, received by Shemiranat (acknowledged), Lavasanat and Rey; a draft's receipt
	// does not count.
	f.exec(`INSERT INTO guidance (province_id, committee_key, title, body, audience_province, status, revision, published_at)
		SELECT id, 'technology', 'g1', 'متن', true, 'published', 1, now() FROM provinces WHERE code = 'tehran'`)
	f.exec(`INSERT INTO guidance (province_id, committee_key, title, body, audience_province)
		SELECT id, 'technology', 'g2', 'متن', true FROM provinces WHERE code = 'tehran'`)
	receipt := func(g, county, district string, acked bool) {
		f.exec(`INSERT INTO guidance_receipts (guidance_id, county_id, district_id, acked_at, acked_by)
			SELECT g.id, c.id, d.id, CASE WHEN $4 THEN now() END, CASE WHEN $4 THEN $5::bigint END
			FROM guidance g JOIN counties c ON c.code = $2 LEFT JOIN districts d ON d.code = $3 WHERE g.title = $1`,
			g, county, nullable(district), acked, hq)
	}
	receipt("g1", "shemiranat", "", true)
	receipt("g1", "shemiranat", "shemiranat-lavasanat", false)
	receipt("g1", "rey", "", false)
	receipt("g2", "rey", "", false)
	// Incidents: Rey's open critical, central Shemiranat's open high, Shemiranat's acknowledged medium and
	// its resolved low.
	f.exec(`INSERT INTO election_systems (province_id, key, name_fa, name_en, owner_committee)
		SELECT id, 'counting', 'شمارش', 'Counting', 'technology' FROM provinces WHERE code = 'tehran'`)
	incident := func(county, district, severity, status string) {
		f.exec(`INSERT INTO incidents (province_id, county_id, district_id, system_key, owner_committee, title, body, severity, since,
			status, reported_by, acked_by, acked_at, resolved_by, resolved_at)
			SELECT c.province_id, c.id, d.id, 'counting', 'technology', 'x', 'y', $3, now(), $4, $5,
			       CASE WHEN $4 <> 'open' THEN $5::bigint END, CASE WHEN $4 <> 'open' THEN now() END,
			       CASE WHEN $4 = 'resolved' THEN $5::bigint END, CASE WHEN $4 = 'resolved' THEN now() END
			FROM counties c LEFT JOIN districts d ON d.code = $2 WHERE c.code = $1`, county, nullable(district), severity, status, hq)
	}
	incident("rey", "", "critical", "open")
	incident("shemiranat", "shemiranat-central", "high", "open")
	incident("shemiranat", "", "medium", "acknowledged")
	incident("shemiranat", "", "low", "resolved")
	// Checks: c1 due once yesterday (counties), c2 daily from three days ago to five days on (districts
	// too), c3 due once today.
	f.exec(`INSERT INTO readiness_checks (province_id, election_id, title, cadence, due_date, starts_on, ends_on, include_districts, created_by)
		SELECT p.id, $1, x.t, x.cadence, x.due, x.starts, x.ends, x.d, $4 FROM provinces p,
		(VALUES ('c1', 'once', $2::date - 1, NULL::date, NULL::date, false), ('c2', 'daily', NULL, $2::date - 3, $2::date + 5, true),
		        ('c3', 'once', $2::date, NULL, NULL, false)) x(t, cadence, due, starts, ends, d)
		WHERE p.code = $3`, e.ID, dashDay, "tehran", hq)
	file := func(check, county, district string, back int) {
		f.exec(`INSERT INTO readiness_filings (check_id, province_id, county_id, district_id, day, filed_by)
			SELECT k.id, c.province_id, c.id, d.id, $4::date - $5::int, $6 FROM readiness_checks k JOIN counties c ON c.code = $2
			LEFT JOIN districts d ON d.code = $3 WHERE k.title = $1`, check, county, nullable(district), dashDay, back, hq)
	}
	file("c1", "shemiranat", "", 1)
	file("c2", "shemiranat", "shemiranat-central", 3)
	file("c2", "shemiranat", "shemiranat-central", 2)
	file("c2", "rey", "", 0) // today's filing: today is not missed yet, and not counted
	// Training: Shemiranat and Rey's district attended; Lavasanat was invited and did not.
	f.exec(`INSERT INTO trainings (province_id, committee_key, title, starts_at, place, audience, created_by)
		SELECT id, 'technology', 'آموزش', now(), 'سالن', 'province', $1 FROM provinces WHERE code = 'tehran'`, hq)
	invite := func(county, district string, attended bool) {
		f.exec(`INSERT INTO training_invitees (training_id, county_id, district_id, attended)
			SELECT t.id, c.id, d.id, $3 FROM trainings t, counties c LEFT JOIN districts d ON d.code = $2 WHERE c.code = $1`,
			county, nullable(district), attended)
	}
	invite("shemiranat", "", true)
	invite("shemiranat", "shemiranat-lavasanat", false)
	invite("rey", "rey-central", true)
	// Candidates, as their summary counts them.
	f.exec(`INSERT INTO candidate_counts (election_id, province_id, county_id, district_id, status, n)
		SELECT $1, c.province_id, c.id, coalesce(d.id, 0), x.status, x.n
		FROM (VALUES ('shemiranat', NULL, 'registered', 3), ('shemiranat', 'shemiranat-central', 'approved', 2),
		             ('rey', NULL, 'registered', 1), ('marvdasht', NULL, 'registered', 9)) x(county, district, status, n)
		JOIN counties c ON c.code = x.county LEFT JOIN districts d ON d.code = x.district`, e.ID)
	return e
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// placeCounty is the county of "county/district" or "county".
func placeCounty(place string) string {
	c, _, _ := strings.Cut(place, "/")
	return c
}

// placeDistrict is the district of "county/district", "" for a county.
func placeDistrict(place string) string {
	_, d, _ := strings.Cut(place, "/")
	return d
}

// counts is a row's numbers, without its names and ids, to compare.
func counts(f store.Figures) store.Figures {
	return store.Figures{Places: f.Places, OwnBoard: f.OwnBoard, BoardsDraft: f.BoardsDraft, BoardsReturned: f.BoardsReturned,
		BoardsSubmitted: f.BoardsSubmitted, BoardsApproved: f.BoardsApproved, MilestonesDue: f.MilestonesDue,
		MilestonesDone: f.MilestonesDone, MilestonesOverdue: f.MilestonesOverdue, TasksOpen: f.TasksOpen, TasksDue: f.TasksDue,
		TasksOverdue: f.TasksOverdue, Receipts: f.Receipts, Unacked: f.Unacked, ChecksExpected: f.ChecksExpected,
		ChecksMissed: f.ChecksMissed, PlacesTrained: f.PlacesTrained, Incidents: f.Incidents, Candidates: f.Candidates}
}

func TestFiguresByCounty(t *testing.T) {
	f := newFixture(t)
	e := f.dashboardData()
	rows, err := f.st.Figures(f.ctx, f.hq("tehran"), e.ID, dashDay, store.ByCounty, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Code != "rey" || rows[1].Code != "shemiranat" { // by Persian name: ری, شمیرانات
		t.Fatalf("rows %+v", rows)
	}
	want := map[string]store.Figures{
		"shemiranat": {Places: 3, OwnBoard: "approved", BoardsReturned: 1, BoardsSubmitted: 1, BoardsApproved: 1,
			MilestonesDue: 3, MilestonesDone: 3, MilestonesOverdue: 1, TasksOpen: 2, TasksDue: 2, TasksOverdue: 1,
			Receipts: 2, Unacked: 1, ChecksExpected: 10, ChecksMissed: 7, PlacesTrained: 1, Incidents: [4]int{0, 1, 1, 0},
			Candidates: map[string]int{"registered": 3, "approved": 2}},
		"rey": {Places: 2, OwnBoard: "draft", BoardsDraft: 1, BoardsApproved: 1, MilestonesDue: 2, MilestonesOverdue: 2,
			TasksOpen: 2, TasksDue: 1, TasksOverdue: 1, Receipts: 1, Unacked: 1, ChecksExpected: 7, ChecksMissed: 7,
			PlacesTrained: 1, Incidents: [4]int{0, 0, 0, 1}, Candidates: map[string]int{"registered": 1}},
	}
	for _, r := range rows {
		if got := counts(r); !equalFigures(got, want[r.Code]) {
			t.Errorf("%s:\n got %+v\nwant %+v", r.Code, got, want[r.Code])
		}
	}

	// The province's row is the sum of its counties'.
	prov, err := f.st.Figures(f.ctx, f.national(), e.ID, dashDay, store.ByProvince, "")
	if err != nil {
		t.Fatal(err)
	}
	var sum store.Figures
	for _, r := range rows {
		sum.Add(r)
	}
	var tehran *store.Figures
	for i := range prov {
		if prov[i].Code == "tehran" {
			tehran = &prov[i]
		}
	}
	if tehran == nil || len(prov) != 2 {
		t.Fatalf("provinces %+v", prov)
	}
	if !equalFigures(counts(*tehran), counts(sum)) {
		t.Errorf("Tehran\n got %+v\nwant the sum %+v", counts(*tehran), counts(sum))
	}

	// A day later, what was due today is overdue and today's filing counts.
	next, err := f.st.Figures(f.ctx, f.hq("tehran"), e.ID, dashDay.AddDate(0, 0, 1), store.ByCounty, "")
	if err != nil {
		t.Fatal(err)
	}
	rey := next[0]
	if rey.TasksDue != 2 || rey.TasksOverdue != 2 || rey.ChecksExpected != 10 || rey.ChecksMissed != 9 || rey.MilestonesOverdue != 3 {
		t.Errorf("Rey the day after: %+v", counts(rey))
	}
	if s := next[1]; s.MilestonesDue != 4 || s.MilestonesOverdue != 1 || s.TasksDue != 3 || s.TasksOverdue != 2 {
		t.Errorf("Shemiranat the day after: %+v", counts(s))
	}
}

func TestFiguresByPlaceAndScope(t *testing.T) {
	f := newFixture(t)
	e := f.dashboardData()
	rows, err := f.st.Figures(f.ctx, f.hq("tehran"), e.ID, dashDay, store.ByPlace, "shemiranat")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]store.Figures{}
	for _, r := range rows {
		got[r.Code] = counts(r)
	}
	want := map[string]store.Figures{
		"shemiranat": {Places: 1, OwnBoard: "approved", BoardsApproved: 1, MilestonesDue: 1, MilestonesDone: 2, TasksOpen: 1,
			TasksDue: 1, Receipts: 1, ChecksExpected: 4, ChecksMissed: 3, PlacesTrained: 1, Incidents: [4]int{0, 1, 0, 0},
			Candidates: map[string]int{"registered": 3}},
		"shemiranat-central": {Places: 1, OwnBoard: "submitted", BoardsSubmitted: 1, MilestonesDue: 1, MilestonesDone: 1,
			TasksOpen: 1, TasksDue: 1, TasksOverdue: 1, ChecksExpected: 3, ChecksMissed: 1, Incidents: [4]int{0, 0, 1, 0},
			Candidates: map[string]int{"approved": 2}},
		"shemiranat-lavasanat": {Places: 1, OwnBoard: "returned", BoardsReturned: 1, MilestonesDue: 1, MilestonesOverdue: 1,
			Receipts: 1, Unacked: 1, ChecksExpected: 3, ChecksMissed: 3},
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows: %+v", len(rows), rows)
	}
	for code, w := range want {
		if !equalFigures(got[code], w) {
			t.Errorf("%s:\n got %+v\nwant %+v", code, got[code], w)
		}
	}
	var total store.Figures
	for _, r := range rows {
		total.Add(r)
	}
	byCounty, _ := f.st.Figures(f.ctx, f.hq("tehran"), e.ID, dashDay, store.ByCounty, "shemiranat")
	if len(byCounty) != 1 || total.ChecksMissed != byCounty[0].ChecksMissed || total.TasksOverdue != byCounty[0].TasksOverdue ||
		total.CandidateTotal() != byCounty[0].CandidateTotal() {
		t.Errorf("the places' total %+v differs from the county's %+v", counts(total), byCounty)
	}

	// Out of scope, nothing: Fars's HQ, Rey's governor; a district head sees his district alone.
	for name, sc := range map[string]auth.Scope{"hq fars": f.hq("fars"), "gov rey": f.governor("rey")} {
		rows, err := f.st.Figures(f.ctx, sc, e.ID, dashDay, store.ByPlace, "shemiranat")
		if err != nil || len(rows) != 0 {
			t.Errorf("%s: %d rows, %v", name, len(rows), err)
		}
	}
	rows, err = f.st.Figures(f.ctx, f.districtHead("shemiranat-lavasanat"), e.ID, dashDay, store.ByPlace, "")
	if err != nil || len(rows) != 1 || !equalFigures(counts(rows[0]), want["shemiranat-lavasanat"]) {
		t.Errorf("district head: %+v %v", rows, err)
	}
	rows, _ = f.st.Figures(f.ctx, f.hq("fars"), e.ID, dashDay, store.ByCounty, "")
	for _, r := range rows {
		if r.Code == "marvdasht" && r.Candidates["registered"] != 9 {
			t.Errorf("Marvdasht's candidates %v", r.Candidates)
		}
		if r.ProvinceID != f.province["fars"] {
			t.Errorf("Fars's dashboard holds %s", r.Code)
		}
	}
}

func TestSnapshotReadiness(t *testing.T) {
	f := newFixture(t)
	e := f.dashboardData()
	var counties, before, after int
	f.scan(`SELECT count(*) FROM counties`, nil, &counties)
	now := dashDay.Add(9 * time.Hour) // 12:30 in Tehran
	n, err := f.st.SnapshotReadiness(f.ctx, now)
	if err != nil || int(n) != counties {
		t.Fatalf("wrote %d rows of %d counties: %v", n, counties, err)
	}
	var score, missed int
	f.scan(`SELECT r.score, r.checks_missed FROM readiness_days r JOIN counties c ON c.id = r.county_id
		WHERE c.code = 'rey' AND r.day = $1`, []any{dashDay.AddDate(0, 0, -1)}, &score, &missed)
	if missed != 7 {
		t.Errorf("Rey missed %d", missed)
	}
	f.scan(`SELECT data_version FROM cache_state`, nil, &before)
	if n, err := f.st.SnapshotReadiness(f.ctx, now.Add(10*time.Minute)); n != 0 || err != nil {
		t.Errorf("a second snapshot of the same day wrote %d: %v", n, err)
	}
	f.scan(`SELECT data_version FROM cache_state`, nil, &after)
	if before != after {
		t.Errorf("a snapshot that wrote nothing moved the data version %d → %d", before, after)
	}
	var trend []store.TrendDay
	var b store.Batch
	b.ReadinessTrend(f.hq("tehran"), e.ID, dashDay.AddDate(0, 0, -29), "", &trend)
	if err := f.st.Run(f.ctx, &b); err != nil {
		t.Fatal(err)
	}
	if len(trend) != 1 || !trend[0].Day.Equal(dashDay.AddDate(0, 0, -1)) || trend[0].ChecksMissed != 14 || trend[0].Incidents != 3 ||
		trend[0].Overdue() != 3+2+14 {
		t.Errorf("trend %+v", trend)
	}
}

func equalFigures(a, b store.Figures) bool {
	if len(a.Candidates) == 0 {
		a.Candidates = nil
	}
	if len(b.Candidates) == 0 {
		b.Candidates = nil
	}
	return reflect.DeepEqual(a, b)
}
