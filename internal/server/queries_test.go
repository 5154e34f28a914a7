package server

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/setad/setad/internal/config"
	"github.com/setad/setad/internal/dbtest"
	"github.com/setad/setad/internal/seed"
	"github.com/setad/setad/internal/store"
)

// roundTrips counts the round trips to PostgreSQL: a query, or a batch of queries sent together (Begin and
// Commit are queries too).
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	r.n.Add(1)
	return ctx
}
func (r *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (r *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	r.n.Add(1)
	return ctx
}
func (r *roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (r *roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// pageTrips bounds the round trips a signed-in page makes of its own, beyond what every signed-in request
// pays for its session and user: one batch of the page's reads, and one read they depend on (the current
// election, until it is cached).
const pageTrips = 2

// No page runs a query per row, and every signed-in page of each role reads in at most pageTrips round
// trips of its own: the count stays the same when the data grows tenfold.
func TestQueriesPerPageBounded(t *testing.T) {
	dbURL := dbtest.NewDatabase(t)
	pc, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	trips := &roundTrips{}
	pc.ConnConfig.Tracer = trips
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	// Pages are drawn every time here, so that their reads are counted (keepPages would serve the second).
	a := newTestAppOn(t, store.New(pool), dbURL, func(c *config.Config) { c.PageCacheMB = 0 })
	a.withElection()
	board := a.boardID("marvdasht", "")
	district := a.boardID("marvdasht", "marvdasht-central")
	gov, dh, hq := a.login("gov.marvdasht"), a.login("dh.marvdasht"), a.login("hq.fars")
	a.composeLegal(gov, board)
	a.post(gov, "/boards/"+board+"/submit", nil)
	if res := a.post(hq, "/boards/"+board+"/approve", url.Values{"submission": {a.seen(hq, board)}, "confirm": {"yes"}}); res.status != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.status)
	}
	a.post(dh, "/boards/"+district+"/members", member("عضو", nid(900), "trusted", ""))
	var memberID int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM board_members WHERE board_id = $1`, district).Scan(&memberID); err != nil {
		t.Fatal(err)
	}
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.post(gov, "/candidates", candidateForm("نامزد", nid(3000), "marvdasht"))
	candidate := a.candidateID(nid(3000))
	// A circular of the committee to Marvdasht and its districts, with a file; and a draft.
	circularFields := guidanceFields("راهنما", "متن", "marvdasht")
	circularFields.Set("include_districts", "1")
	circularFields.Set("publish", "1")
	circular := "/guidance/" + itoa(a.newGuidance(a.login("committee"), circularFields,
		filePart{"attachment", "guide.pdf", "application/pdf", seed.DemoPDF()}))
	draft := "/guidance/" + itoa(a.newGuidance(a.login("committee"), guidanceFields("پیش‌نویس", "متن")))
	a.withLegal()
	question := a.askQuestion(gov, "legal", "مهلت اعتراض", "چند روز؟")
	a.post(a.login("legal.fars"), "/questions/"+question+"/answers", url.Values{"body": {"چهار روز"}})
	a.post(hq, "/questions/"+question+"/publish", url.Values{"version": {"1"}, "answer": {a.answerID(question, 1)}})
	training := a.schedule(a.login("committee"), sessionForm())
	a.post(gov, training+"/confirm", nil)
	com := a.login("committee")
	task := a.assignTask(com, "کار مرودشت")
	taskPath := "/tasks/" + itoa(task)
	a.post(gov, statusPath(task, a.copyID(task, "marvdasht", "")), url.Values{"status": {"in_progress"}, "note": {"آغاز"}, "version": {"1"}})
	// An incident of Marvdasht that affects its central district, taken up by the committee with a note.
	incidentRes := a.post(gov, "/incidents", url.Values{"system": {"counting"}, "title": {"کندی شمارش"}, "body": {"شرح"},
		"severity": {"critical"}, "since": {"1405/09/05 08:00"}, "district": {"marvdasht-central"}})
	if incidentRes.status != http.StatusSeeOther {
		t.Fatalf("report: %d", incidentRes.status)
	}
	incident := incidentRes.header.Get("Location")
	a.post(com, incident+"/acknowledge", url.Values{"version": {"1"}})
	a.post(com, incident+"/notes", url.Values{"note": {"بررسی می‌شود"}})
	// The pages every role reads, and those of the roles that edit.
	read := []string{"/", "/counties", "/counties/marvdasht", "/counties/marvdasht/cities/marvdasht",
		"/boards", "/boards?status=approved&level=county", "/boards/" + board, "/boards/" + district, "/boards/" + board + "/print",
		"/boards/rules", "/candidates", "/candidates?q=" + url.QueryEscape("نامزد"), "/candidates?status=registered&constituency=marvdasht",
		"/candidates/rules", "/profile", "/timeline", "/timeline/template", "/timeline/template/" + itoa(a.milestoneID("registration-city"))}
	pages := map[string][]string{
		"hq.fars": append(slices.Clone(read), "/counties/marvdasht/cities/import", "/candidates/"+candidate,
			"/candidates/"+candidate+"/edit", "/candidates/new", "/candidates/import", "/admin/users",
			"/admin/users/"+itoa(a.ids["gov.pasargad"]), "/admin/users/new", "/audit", "/audit?group=signins", "/timeline?county=marvdasht"),
		"gov.marvdasht": append(slices.Clone(read), "/candidates/"+candidate, "/candidates/"+candidate+"/edit", "/candidates/new",
			"/candidates/import"),
		"dh.marvdasht": {"/", "/counties", "/counties/marvdasht", "/boards", "/boards/" + district,
			"/boards/" + district + "/members/" + itoa(memberID), "/boards/" + district + "/pool/import", "/boards/rules",
			"/candidates", "/candidates/rules", "/profile", "/timeline", "/timeline/template"},
		"committee": append(slices.Clone(read), "/candidates/"+candidate, "/timeline?county=marvdasht"),
		"observer":  append(slices.Clone(read), "/candidates/"+candidate, "/audit", "/timeline?county=marvdasht"),
		"national":  append(slices.Clone(read), "/candidates/"+candidate, "/audit", "/timeline?province=fars&county=marvdasht"),
	}
	// The timeline's matrix (its counties, or a county's districts) and calendar.
	for u := range pages {
		pages[u] = append(pages[u], "/guidance", circular)
	}
	pages["national"] = append(pages["national"], "/guidance?province=fars", "/guidance?province=fars&page=2")
	// The circulars' list searched and paged, and a circular's receipts filtered.
	for _, u := range []string{"hq.fars", "committee", "gov.marvdasht"} {
		pages[u] = append(pages[u], "/guidance?q="+url.QueryEscape("بخشنامه"), "/guidance?page=2", circular+"?acked=no")
	}
	pages["hq.fars"] = append(pages["hq.fars"], circular+"?county=marvdasht&acked=yes")
	for u, ps := range map[string][]string{
		"hq.fars":       {"/timeline/matrix", "/timeline/matrix?county=marvdasht", "/timeline/calendar"},
		"observer":      {"/timeline/matrix", "/timeline/calendar"},
		"national":      {"/timeline/matrix?province=fars", "/timeline/matrix?province=fars&county=marvdasht", "/timeline/calendar"},
		"gov.marvdasht": {"/timeline/calendar", "/notifications"}, "dh.marvdasht": {"/timeline/calendar", "/notifications"},
		"committee": {"/timeline/calendar", "/notifications", draft},
	} {
		pages[u] = append(pages[u], ps...)
	}
	// The questions and the FAQ.
	for u, ps := range map[string][]string{
		"hq.fars":       {"/questions", "/questions/" + question, "/faq", "/faq?q=" + url.QueryEscape("مهلت")},
		"gov.marvdasht": {"/questions", "/questions/" + question, "/faq"},
		"dh.marvdasht":  {"/questions", "/faq"},
		"committee":     {"/questions", "/questions?committee=legal", "/questions/" + question, "/faq"},
		"observer":      {"/questions", "/questions/" + question, "/faq"},
		"national":      {"/questions?province=fars", "/questions/" + question, "/faq?province=fars&q=" + url.QueryEscape("مهلت")},
	} {
		pages[u] = append(pages[u], ps...)
	}
	// The training sessions, and HQ's committees.
	for u, ps := range map[string][]string{
		"hq.fars":       {"/trainings", training, "/admin/committees", "/admin/committees/technology"},
		"gov.marvdasht": {"/trainings", training},
		"dh.marvdasht":  {"/trainings", training},
		"committee":     {"/trainings", training},
		"observer":      {"/trainings", training},
		"national":      {"/trainings?province=fars", training},
	} {
		pages[u] = append(pages[u], ps...)
	}
	// The committees' tasks: the lists, a task with its copies and their moves.
	for u, ps := range map[string][]string{
		"hq.fars": {"/tasks", taskPath}, "observer": {"/tasks", taskPath}, "national": {"/tasks?province=fars", taskPath},
		"gov.marvdasht": {"/tasks", taskPath}, "dh.marvdasht": {"/tasks", taskPath},
		"committee": {"/tasks", "/tasks?committee=all", taskPath},
	} {
		pages[u] = append(pages[u], ps...)
	}
	// The lists as a dashboard's numbers link to them, filtered by place.
	for u, ps := range map[string][]string{
		"hq.fars": {"/tasks?county=marvdasht&overdue=1", "/tasks?county=marvdasht&district=marvdasht-central",
			"/guidance?county=marvdasht&acked=no", "/trainings?county=marvdasht&untrained=1", "/timeline?county=marvdasht&overdue=1",
			"/boards?county=marvdasht&status=returned", "/candidates?county=marvdasht&status=registered"},
		"gov.marvdasht": {"/tasks?county=marvdasht&overdue=1", "/guidance?county=marvdasht&acked=no",
			"/trainings?county=marvdasht&untrained=1", "/timeline?county=marvdasht&overdue=1"},
		"dh.marvdasht": {"/tasks?county=marvdasht&overdue=1", "/guidance?acked=no", "/trainings?untrained=1"},
		"national": {"/tasks?province=fars&county=marvdasht&overdue=1", "/guidance?province=fars&county=marvdasht&acked=no",
			"/trainings?province=fars&county=marvdasht&untrained=1", "/timeline?province=fars&county=marvdasht&overdue=1"},
	} {
		pages[u] = append(pages[u], ps...)
	}
	// The readiness checks: one due once and a daily one with districts, filed by Marvdasht.
	once := "/readiness/" + itoa(a.defineCheck(hq, url.Values{"title": {"سامانه ثبت‌نام آزمایش شد"}, "items": {"ورود\nثبت"},
		"cadence": {"once"}, "due_date": {"۱۴۰۵/۰۹/۰۱"}}))
	dailyID := a.defineCheck(hq, url.Values{"title": {"کاربران آموزش دیدند"}, "items": {"آموزش"}, "cadence": {"daily"},
		"starts_on": {"۱۴۰۵/۰۹/۰۱"}, "ends_on": {"۱۴۰۵/۰۹/۲۰"}, "include_districts": {"1"}})
	daily := "/readiness/" + itoa(dailyID)
	a.post(gov, daily+"/file", a.itemFields(dailyID, "2026-11-26", ""))
	for u, ps := range map[string][]string{
		"hq.fars":       {"/readiness", "/readiness?county=marvdasht&missed=1", once, daily, daily + "?county=marvdasht&missed=1"},
		"gov.marvdasht": {"/readiness", daily, daily + "/file", once + "/file?day=2026-11-22"},
		"dh.marvdasht":  {"/readiness", daily + "/file?day=2026-11-25"},
		"committee":     {"/readiness", daily}, "observer": {"/readiness?missed=1", daily},
		"national": {"/readiness?province=fars&county=marvdasht&missed=1", daily + "?province=fars"},
	} {
		pages[u] = append(pages[u], ps...)
	}
	// The dashboards: every role's home ("/", above) and a county's page hold them; sorted; the Ministry's
	// drill-down to a province.
	pages["hq.fars"] = append(pages["hq.fars"], "/?sort=tasks&dir=desc")
	pages["national"] = append(pages["national"], "/?province=fars", "/?province=fars&sort=score&dir=asc")
	// The incidents: the lists, filtered as the dashboard links them, the report form, an incident, the systems.
	for u, ps := range map[string][]string{
		"hq.fars":       {"/incidents", "/incidents?county=marvdasht&severity=critical&open=1", incident, "/admin/systems"},
		"gov.marvdasht": {"/incidents", "/incidents/new", incident},
		"dh.marvdasht":  {"/incidents", "/incidents/new", incident},
		"committee":     {"/incidents", "/incidents?status=acknowledged&system=counting", incident},
		"observer":      {"/incidents", incident},
		"national":      {"/incidents", "/incidents?province=fars&open=1", incident},
	} {
		pages[u] = append(pages[u], ps...)
	}
	clients := map[string]*http.Client{"hq.fars": hq, "gov.marvdasht": gov, "dh.marvdasht": dh}
	for u := range pages {
		if clients[u] == nil {
			clients[u] = a.login(u)
		}
	}
	// What every signed-in request pays, for its session and user: a missing page reads nothing else.
	base := map[string]int64{}
	get := func(u, p string, want int) int64 {
		t.Helper()
		before := trips.n.Load()
		if res := a.get(clients[u], p); res.status != want {
			t.Fatalf("%s %s: %d", u, p, res.status)
		}
		return trips.n.Load() - before
	}
	measure := func() map[string]int64 {
		m := map[string]int64{}
		for u, ps := range pages {
			base[u] = get(u, "/no-such-page", http.StatusNotFound)
			for _, p := range ps {
				// Counted the second time: the first may read anew the reference data that the data's
				// growth changed, which the cache then holds. The fewer of two reads counts: a session is
				// renewed once a minute, by whichever request comes then (one more round trip).
				get(u, p, http.StatusOK)
				m[u+" "+p] = min(get(u, p, http.StatusOK), get(u, p, http.StatusOK))
			}
		}
		return m
	}
	small := measure()
	ctx := context.Background()
	for i := range 300 {
		_, err := pool.Exec(ctx, `
			WITH c AS (INSERT INTO counties (province_id, code, name_fa, name_en)
			           SELECT id, $1, $1, $1 FROM provinces WHERE code = 'fars' RETURNING id, province_id),
			     d AS (INSERT INTO districts (county_id, code, name_fa, name_en) SELECT id, $1 || '-central', 'مرکزی', 'Central' FROM c)
			INSERT INTO users (username, full_name, role, province_id, county_id, password_hash)
			SELECT 'gov.' || $1, 'فرماندار ' || $1, 'governor', province_id, id, 'x' FROM c`, fmt.Sprintf("extra%03d", i))
		if err != nil {
			t.Fatal(err)
		}
		a.login("observer") // grows the audit log
	}
	// Ten times the people on the boards, their pools and submissions, and the candidates.
	for i := range 300 {
		for _, b := range []string{board, district} {
			if _, err := pool.Exec(ctx, `INSERT INTO board_pool (board_id, full_name, national_id) VALUES ($1, 'x', $2)`, b, nid(1000+i)); err != nil {
				t.Fatal(err)
			}
			if _, err := pool.Exec(ctx, `INSERT INTO board_members (board_id, full_name, national_id, role) VALUES ($1, 'x', $2, 'trusted')`, b, nid(2000+i)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := pool.Exec(ctx, `INSERT INTO candidates (election_id, province_id, county_id, city_id, full_name, name_norm, national_id, gender, education)
			SELECT election_id, province_id, county_id, city_id, 'نامزد ' || $2, 'نامزد ' || $2, $2, 'male', 'diploma' FROM candidates WHERE id = $1`, candidate, nid(4000+i)); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO candidate_events (candidate_id, from_status, to_status) VALUES ($1, 'registered', 'under_review')`, candidate); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO question_answers (question_id, answered_by, body) SELECT id, asked_by, 'پاسخ' FROM questions WHERE id = $1`,
			question); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO questions (province_id, committee_key, county_id, asked_by, title, body)
			SELECT province_id, committee_key, county_id, asked_by, title || ' ' || $2, body FROM questions WHERE id = $1`, question, itoa(int64(i))); err != nil {
			t.Fatal(err)
		}
	}
	// Ten times the circulars, each to every county and district of Fars (the 300 new ones too).
	if _, err := pool.Exec(ctx, `
		WITH g AS (INSERT INTO guidance (province_id, committee_key, title, body, audience_province, include_districts, status, revision, published_at)
		           SELECT p.id, 'technology', 'بخشنامه ' || i, 'متن', true, true, 'published', 1, now()
		           FROM provinces p, generate_series(1, 30) i WHERE p.code = 'fars' RETURNING id)
		INSERT INTO guidance_receipts (guidance_id, county_id, district_id)
		SELECT g.id, c.id, NULL FROM g, counties c WHERE c.province_id = (SELECT id FROM provinces WHERE code = 'fars')
		UNION ALL
		SELECT g.id, d.county_id, d.id FROM g, districts d JOIN counties c ON c.id = d.county_id
		WHERE c.province_id = (SELECT id FROM provinces WHERE code = 'fars')`); err != nil {
		t.Fatal(err)
	}
	// Ten times the tasks, their copies and their moves.
	for i := range 30 {
		if _, err := pool.Exec(ctx, `
			WITH t AS (INSERT INTO tasks (province_id, committee_key, title, due_date, whole_province, include_districts, created_by)
			           SELECT province_id, committee_key, 'کار ' || $2, due_date, true, true, created_by FROM tasks WHERE id = $1 RETURNING id),
			     a AS (INSERT INTO task_assignees (task_id, province_id, county_id, district_id)
			           SELECT t.id, ta.province_id, ta.county_id, ta.district_id FROM t, task_assignees ta WHERE ta.task_id = $1 RETURNING id)
			INSERT INTO task_assignee_events (assignee_id, from_status, to_status, changed_by)
			SELECT a.id, 'open', 'in_progress', u.id FROM a, users u WHERE u.username = 'gov.marvdasht'`, task, itoa(int64(i))); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `
			INSERT INTO task_assignee_events (assignee_id, from_status, to_status, changed_by)
			SELECT ta.id, 'in_progress', 'in_progress', u.id FROM task_assignees ta, users u WHERE ta.task_id = $1 AND u.username = 'gov.marvdasht'`,
			task); err != nil {
			t.Fatal(err)
		}
	}
	// Ten times the readiness checks, each filed by every place of Fars on every day so far.
	if _, err := pool.Exec(ctx, `
		WITH k AS (INSERT INTO readiness_checks (province_id, election_id, title, cadence, starts_on, ends_on, include_districts, created_by)
		           SELECT province_id, election_id, title || ' ' || i, cadence, starts_on, ends_on, include_districts, created_by
		           FROM readiness_checks, generate_series(1, 20) i WHERE id = $1 RETURNING id, province_id, starts_on),
		     it AS (INSERT INTO readiness_items (check_id, position, text) SELECT id, 1, 'بند' FROM k RETURNING id, check_id),
		     f AS (INSERT INTO readiness_filings (check_id, province_id, county_id, district_id, day, filed_by)
		           SELECT k.id, k.province_id, c.id, d.id, g::date, (SELECT id FROM users WHERE username = 'gov.marvdasht')
		           FROM k JOIN counties c ON c.province_id = k.province_id LEFT JOIN districts d ON d.county_id = c.id,
		                generate_series(k.starts_on, '2026-11-25'::date, interval '1 day') g
		           RETURNING id, check_id)
		INSERT INTO readiness_answers (filing_id, check_id, item_id, ok) SELECT f.id, f.check_id, it.id, true FROM f JOIN it USING (check_id)`,
		dailyID); err != nil {
		t.Fatal(err)
	}
	// Ten times the incidents, each with its districts and its thread.
	if _, err := pool.Exec(ctx, `
		WITH i AS (INSERT INTO incidents (province_id, county_id, system_key, owner_committee, title, body, severity, since, reported_by)
		           SELECT province_id, county_id, system_key, owner_committee, title || ' ' || g, body, severity, since, reported_by
		           FROM incidents, generate_series(1, 10) g WHERE id = $1 RETURNING id, county_id, reported_by),
		     x AS (INSERT INTO incident_districts (incident_id, county_id, district_id)
		           SELECT i.id, i.county_id, d.id FROM i JOIN districts d ON d.county_id = i.county_id)
		INSERT INTO incident_events (incident_id, kind, note, by_user) SELECT i.id, 'note', 'یادداشت', i.reported_by FROM i, generate_series(1, 10)`,
		mustInt(t, strings.TrimPrefix(incident, "/incidents/"))); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO incident_events (incident_id, kind, note, by_user)
		SELECT e.incident_id, 'note', e.note, e.by_user FROM incident_events e, generate_series(1, 10) WHERE e.incident_id = $1`,
		mustInt(t, strings.TrimPrefix(incident, "/incidents/"))); err != nil {
		t.Fatal(err)
	}
	large := measure()
	keys := slices.Sorted(maps.Keys(large))
	var report strings.Builder
	for _, k := range keys {
		u, _, _ := strings.Cut(k, " ")
		if large[k] != small[k] {
			t.Errorf("%s: %d round trips with little data, %d with ten times more", k, small[k], large[k])
		}
		if own := large[k] - base[u]; own > pageTrips {
			t.Errorf("%s: %d round trips of its own, beyond the %d of every signed-in request; want at most %d", k, own, base[u], pageTrips)
		}
		fmt.Fprintf(&report, "%s: %d\n", k, large[k]-base[u])
	}
	t.Logf("every signed-in request: %v round trips; each page's own:\n%s", base, report.String())
}
