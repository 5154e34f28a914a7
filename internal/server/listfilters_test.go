package server

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/persian"
)

// attrValues are the values of the attribute attr on a page, sorted.
func attrValues(body, attr string) []string {
	var out []string
	for _, m := range regexp.MustCompile(attr+`="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

// sqlValues are the texts of the query's first column, sorted.
func (a *testApp) sqlValues(sql string, args ...any) []string {
	a.t.Helper()
	rows, err := a.st.Pool().Query(a.t.Context(), sql, args...)
	if err != nil {
		a.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			a.t.Fatal(err)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// statusOf fails the test unless GET path answers c with want.
func (a *testApp) statusOf(c *http.Client, path string, want int) response {
	a.t.Helper()
	res := a.get(c, path)
	if res.status != want {
		a.t.Fatalf("%s: %d, want %d", path, res.status, want)
	}
	return res
}

// /tasks?county=&district=&overdue=1 lists the copies of the place not done and past their due date, as
// many as SQL counts, in the reader's scope; another's county or none is not found; the filters are named
// with their removal and fill the form.
func TestTaskListFilters(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return taskNow }
	com, hq := a.login("committee"), a.login("hq.fars")
	late := a.assignTask(com, "کار دیرکرده")
	res := a.post(com, "/tasks", url.Values{"title": {"کار پاسارگاد"}, "due_date": {"۱۴۰۵/۰۹/۱۵"},
		"audience": {"counties"}, "county": {"pasargad"}, "include_districts": {"1"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("assign Pasargad: %d", res.status)
	}
	res = a.post(com, "/tasks", url.Values{"title": {"کار دورتر"}, "due_date": {"۱۴۰۵/۱۰/۲۰"},
		"audience": {"counties"}, "county": {"marvdasht"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("assign later: %d", res.status)
	}
	// Marvdasht's own copy done; twelve days on, the first two tasks are past their due date.
	if _, err := a.st.Pool().Exec(t.Context(), `UPDATE task_assignees SET status = 'done' WHERE id = $1`,
		a.copyID(late, "marvdasht", "")); err != nil {
		t.Fatal(err)
	}
	a.s.now = func() time.Time { return taskNow.AddDate(0, 0, 12) }
	overdue := func(county, district string) []string {
		return a.sqlValues(`
			SELECT a.id::text FROM task_assignees a JOIN tasks t ON t.id = a.task_id JOIN counties c ON c.id = a.county_id
			LEFT JOIN districts d ON d.id = a.district_id
			WHERE c.code = $1 AND ($2 = '' OR d.code = $2) AND a.status <> 'done' AND t.due_date < $3`,
			county, district, taskNow.AddDate(0, 0, 12))
	}
	marvdasht := overdue("marvdasht", "")
	if len(marvdasht) != 5 {
		t.Fatalf("Marvdasht's overdue copies: %v", marvdasht)
	}
	national := a.login("national")
	for _, c := range []struct {
		who  *http.Client
		path string
		want []string
	}{
		{hq, "/tasks?county=marvdasht&overdue=1", marvdasht},
		{hq, "/tasks?county=MARVDASHT&overdue=1", marvdasht},
		{a.login("gov.marvdasht"), "/tasks?county=marvdasht&overdue=1", marvdasht},
		{national, "/tasks?province=fars&county=marvdasht&overdue=1", marvdasht},
		{a.login("observer"), "/tasks?county=pasargad&overdue=1", overdue("pasargad", "")},
		{hq, "/tasks?county=marvdasht&district=marvdasht-dorudzan&overdue=1", overdue("marvdasht", "marvdasht-dorudzan")},
		{a.login("dh.marvdasht"), "/tasks?county=marvdasht&overdue=1", overdue("marvdasht", "marvdasht-central")},
		// Without overdue, the place's every copy: the later task's too, and the one done.
		{hq, "/tasks?county=marvdasht", a.sqlValues(`SELECT a.id::text FROM task_assignees a JOIN counties c ON c.id = a.county_id
			WHERE c.code = 'marvdasht'`)},
	} {
		page := a.statusOf(c.who, c.path, http.StatusOK).body
		if got := attrValues(page, "data-copy"); !slices.Equal(got, c.want) {
			t.Errorf("%s: copies %v, want %v", c.path, got, c.want)
		}
		mustContain(t, page, persian.ToPersianDigits(itoa(int64(len(c.want))))+" نسخه")
	}
	if n := len(overdue("marvdasht-dorudzan", "")); n != 0 {
		t.Fatalf("a district's code names no county: %d", n)
	}
	page := a.get(hq, "/tasks?county=marvdasht&overdue=1").body
	mustContain(t, page, `class="applied-filters"`, "شهرستان مرودشت", `href="/tasks?overdue=1"`,
		"از مهلت گذشته و انجام‌نشده", `href="/tasks?county=marvdasht"`,
		`<option value="marvdasht" selected>`, `name="overdue" value="1" checked`)
	mustContain(t, a.get(national, "/tasks?province=fars&county=marvdasht&overdue=1").body,
		`href="/tasks?overdue=1&amp;province=fars"`, `<input type="hidden" name="province" value="fars">`)
	for who, path := range map[string]string{
		"hq.fars":       "/tasks?county=nowhere&overdue=1",
		"gov.pasargad":  "/tasks?county=marvdasht&overdue=1",
		"dh.marvdasht":  "/tasks?county=pasargad",
		"committee":     "/tasks?county=marvdasht&district=pasargad-central",
		"national":      "/tasks?province=fars&county=nowhere",
		"observer":      "/tasks?district=nowhere",
		"gov.marvdasht": "/tasks?county=pasargad&overdue=1",
	} {
		a.statusOf(a.login(who), path, http.StatusNotFound)
	}
	// A district head's district names another of his county's: not his.
	a.statusOf(a.login("dh.marvdasht"), "/tasks?district=marvdasht-dorudzan", http.StatusNotFound)
}

// /guidance?county=&acked=no lists the published circulars with a receipt of the county (or its districts)
// not acknowledged, as many as SQL counts, each linking to those receipts; the scope holds.
func TestGuidanceListFilters(t *testing.T) {
	a := newTestApp(t)
	committee, hq, gov := a.login("committee"), a.login("hq.fars"), a.login("gov.marvdasht")
	publish := func(title string, districts bool, counties ...string) int64 {
		f := guidanceFields(title, "متن", counties...)
		f.Set("publish", "1")
		if districts {
			f.Set("include_districts", "1")
		}
		return a.newGuidance(committee, f)
	}
	withDistricts := publish("به مرودشت و بخش‌ها", true, "marvdasht")
	countyOnly := publish("به مرودشت تنها", false, "marvdasht")
	pasargad := publish("به پاسارگاد", false, "pasargad")
	a.newGuidance(committee, guidanceFields("پیش‌نویس مرودشت", "متن", "marvdasht"))
	// Marvdasht acknowledges both of its own: the first stays unacknowledged in its districts.
	for _, id := range []int64{withDistricts, countyOnly} {
		if res := a.post(gov, "/guidance/"+itoa(id)+"/ack", url.Values{}); res.status != http.StatusSeeOther {
			t.Fatalf("ack %d: %d", id, res.status)
		}
	}
	unacked := func(county, district string) []string {
		return a.sqlValues(`
			SELECT DISTINCT g.id::text FROM guidance g JOIN guidance_receipts r ON r.guidance_id = g.id
			JOIN counties c ON c.id = r.county_id LEFT JOIN districts d ON d.id = r.district_id
			WHERE g.status = 'published' AND r.acked_at IS NULL AND c.code = $1 AND ($2 = '' OR d.code = $2)`, county, district)
	}
	if want := []string{itoa(withDistricts)}; !slices.Equal(unacked("marvdasht", ""), want) {
		t.Fatalf("SQL finds %v", unacked("marvdasht", ""))
	}
	listed := func(page string) []string {
		i := strings.Index(page, `<ul class="guidance-list">`)
		if i < 0 {
			return nil
		}
		page = page[i : i+strings.Index(page[i:], "</ul>")]
		var ids []string
		for _, m := range regexp.MustCompile(`href="/guidance/(\d+)`).FindAllStringSubmatch(page, -1) {
			ids = append(ids, m[1])
		}
		slices.Sort(ids)
		return ids
	}
	national := a.login("national")
	for _, c := range []struct {
		who  *http.Client
		path string
		want []string
	}{
		{hq, "/guidance?county=marvdasht&acked=no", unacked("marvdasht", "")},
		{gov, "/guidance?county=marvdasht&acked=no", unacked("marvdasht", "")},
		{national, "/guidance?province=fars&county=marvdasht&acked=no", unacked("marvdasht", "")},
		{hq, "/guidance?county=pasargad&acked=no", []string{itoa(pasargad)}},
		{a.login("observer"), "/guidance?county=marvdasht&district=marvdasht-central&acked=no", unacked("marvdasht", "marvdasht-central")},
		{a.login("dh.marvdasht"), "/guidance?county=marvdasht&acked=no", unacked("marvdasht", "marvdasht-central")},
		{gov, "/guidance?acked=no", unacked("marvdasht", "")}, // the governor's own county and its districts
		{hq, "/guidance?county=marvdasht", []string{itoa(withDistricts), itoa(countyOnly)}},
	} {
		if c.want != nil && len(c.want) == 0 {
			c.want = nil
		}
		page := a.statusOf(c.who, c.path, http.StatusOK).body
		got := listed(page)
		slices.Sort(c.want)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: circulars %v, want %v", c.path, got, c.want)
		}
	}
	page := a.get(hq, "/guidance?county=marvdasht&acked=no").body
	mustContain(t, page, `href="/guidance/`+itoa(withDistricts)+`?acked=no&amp;county=marvdasht#receipts"`,
		persian.ToPersianDigits("1")+" بخشنامه با این پالایه‌ها", "شهرستان مرودشت", `href="/guidance?acked=no"`, "تأییدنشده",
		`href="/guidance?county=marvdasht"`, `<option value="marvdasht" selected>`, `name="acked" value="no" checked`)
	// The receipts a link opens are those the list counted.
	mustContain(t, a.get(hq, "/guidance/"+itoa(withDistricts)+"?acked=no&county=marvdasht").body, "درودزن")
	for who, path := range map[string]string{
		"hq.fars":      "/guidance?county=nowhere&acked=no",
		"gov.pasargad": "/guidance?county=marvdasht&acked=no",
		"dh.marvdasht": "/guidance?district=marvdasht-dorudzan",
		"committee":    "/guidance?acked=maybe",
		"national":     "/guidance?province=fars&county=shiraz-nowhere",
	} {
		a.statusOf(a.login(who), path, http.StatusNotFound)
	}
}

// /trainings?county=&untrained=1 lists the county's places that attended no session, as many as the
// coverage's NotTrained, with how far each got; the scope holds.
func TestTrainingListFilters(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return trainingNow }
	committee, hq, dh := a.login("committee"), a.login("hq.fars"), a.login("dh.marvdasht")
	path := a.schedule(committee, sessionForm())
	if res := a.post(dh, path+"/confirm", nil); res.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.status)
	}
	// Marvdasht's governorate and Dorudzan attended; Central confirmed and did not.
	if _, err := a.st.Pool().Exec(t.Context(), `
		UPDATE training_invitees SET attended = (district_id IS NULL
			OR district_id = (SELECT id FROM districts WHERE code = 'marvdasht-dorudzan'))`); err != nil {
		t.Fatal(err)
	}
	var farsID int64
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT id FROM provinces WHERE code = 'fars'`).Scan(&farsID); err != nil {
		t.Fatal(err)
	}
	cov, err := a.st.TrainingCoverage(t.Context(), farsID)
	if err != nil {
		t.Fatal(err)
	}
	notTrained := map[string]int{}
	for _, c := range cov {
		notTrained[c.Code] = c.NotTrained()
	}
	marvdasht := []string{"marvdasht-central", "marvdasht-kamfiruz", "marvdasht-kamfiruz-shomali", "marvdasht-seyyedan"}
	if notTrained["marvdasht"] != len(marvdasht) || notTrained["pasargad"] != 3 {
		t.Fatalf("coverage: %v", notTrained)
	}
	national := a.login("national")
	for _, c := range []struct {
		who  *http.Client
		path string
		want []string
	}{
		{hq, "/trainings?county=marvdasht&untrained=1", marvdasht},
		{a.login("gov.marvdasht"), "/trainings?county=marvdasht&untrained=1", marvdasht},
		{national, "/trainings?province=fars&county=marvdasht&untrained=1", marvdasht},
		{dh, "/trainings?county=marvdasht&untrained=1", []string{"marvdasht-central"}},
		{hq, "/trainings?county=pasargad&untrained=1", []string{"pasargad", "pasargad-central", "pasargad-pasargad"}},
		{hq, "/trainings?county=marvdasht&district=marvdasht-dorudzan&untrained=1", nil},
	} {
		page := a.statusOf(c.who, c.path, http.StatusOK).body
		if got := attrValues(page, "data-place"); !slices.Equal(got, c.want) {
			t.Errorf("%s: places %v, want %v", c.path, got, c.want)
		}
	}
	page := a.get(hq, "/trainings?county=marvdasht&untrained=1").body
	mustContain(t, page, persian.ToPersianDigits("4")+" جا", "به ۱ دوره دعوت شده، ۱ را تأیید کرده و در هیچ‌یک حاضر نبوده است",
		"به ۱ دوره دعوت شده و حضور را تأیید نکرده است", "شهرستان مرودشت", `href="/trainings?untrained=1"`,
		`href="/trainings?county=marvdasht"`, `<option value="marvdasht" selected>`, `name="untrained" value="1" checked`)
	mustContain(t, a.get(hq, "/trainings?county=pasargad&untrained=1").body, "فرمانداری پاسارگاد", "به هیچ دوره‌ای دعوت نشده است")
	// The summary's number links to the places it counts.
	mustContain(t, a.get(hq, "/trainings").body, `href="/trainings?county=marvdasht&amp;untrained=1"`)
	for who, path := range map[string]string{
		"hq.fars":      "/trainings?county=nowhere&untrained=1",
		"gov.pasargad": "/trainings?county=marvdasht&untrained=1",
		"dh.marvdasht": "/trainings?district=marvdasht-dorudzan&untrained=1",
		"national":     "/trainings?province=fars&county=nowhere",
	} {
		a.statusOf(a.login(who), path, http.StatusNotFound)
	}
}

// The boards and candidates lists answer 404 to a county that is not the reader's, or no county; the
// boards' status filter takes every status the counts link to, "returned" too.
func TestBoardAndCandidateCountyFilter(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	hq, pasargad := a.login("hq.fars"), a.login("gov.pasargad")
	for _, s := range []string{"draft", "returned", "submitted", "approved"} {
		a.statusOf(hq, "/boards?county=marvdasht&status="+s, http.StatusOK)
	}
	a.statusOf(hq, "/candidates?county=marvdasht&status=registered", http.StatusOK)
	a.statusOf(pasargad, "/boards?county=pasargad", http.StatusOK)
	for _, c := range []struct {
		who  *http.Client
		path string
	}{
		{hq, "/boards?county=nowhere"}, {pasargad, "/boards?county=marvdasht&status=draft"},
		{hq, "/candidates?county=nowhere"}, {pasargad, "/candidates?county=marvdasht&status=registered"},
	} {
		a.statusOf(c.who, c.path, http.StatusNotFound)
	}
}

// /timeline?county=&overdue=1 keeps the county's and its districts' milestones past their window and not
// done: as many as the template has of those levels, the districts' once per district.
func TestTimelineOverdueFilter(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	a.s.now = func() time.Time { return testElectionDay.AddDate(0, 0, 402) }
	hq := a.login("hq.fars")
	want := a.count(`
		SELECT (count(*) FILTER (WHERE level = 'county') + 5 * count(*) FILTER (WHERE level = 'district'))::int
		FROM milestones WHERE kind = 'councils' AND retired_at IS NULL
		AND (province_id IS NULL OR province_id = (SELECT id FROM provinces WHERE code = 'fars'))`)
	if want == 0 {
		t.Fatal("no milestone of a county or district")
	}
	page := a.statusOf(hq, "/timeline?county=marvdasht&overdue=1", http.StatusOK).body
	if got := strings.Count(page, `class="tl-item"`); got != want {
		t.Errorf("overdue items: %d, want %d", got, want)
	}
	if got := strings.Count(page, `data-status="overdue"`); got != want {
		t.Errorf("items overdue: %d, want %d", got, want)
	}
	mustContain(t, page, "مرحله‌های از مهلت گذشته", `href="/timeline?county=marvdasht"`, `name="overdue" value="1" checked`)
	// Unfiltered, the page has the province's and the candidates' too.
	if got := strings.Count(a.get(hq, "/timeline?county=marvdasht").body, `class="tl-item"`); got <= want {
		t.Errorf("unfiltered items: %d", got)
	}
	gov := a.login("gov.marvdasht")
	if got := strings.Count(a.statusOf(gov, "/timeline?county=marvdasht&overdue=1", http.StatusOK).body, `class="tl-item"`); got != want {
		t.Errorf("the governor's overdue items: %d, want %d", got, want)
	}
	a.statusOf(a.login("gov.pasargad"), "/timeline?county=marvdasht&overdue=1", http.StatusNotFound)
}
