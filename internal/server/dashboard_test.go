package server

import (
	"maps"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/config"
	"github.com/setad/setad/internal/i18n"
)

// withMonitoring gives Fars an open critical incident at Neyriz (last of its counties by name) and an overdue task copy at Marvdasht,
// on the day now.
func (a *testApp) withMonitoring(now time.Time) {
	a.t.Helper()
	a.s.now = func() time.Time { return now }
	a.exec(`INSERT INTO election_systems (province_id, key, name_fa, name_en, owner_committee)
		SELECT id, 'counting', 'شمارش', 'Counting', 'technology' FROM provinces WHERE code = 'fars' ON CONFLICT DO NOTHING`)
	a.exec(`INSERT INTO incidents (province_id, county_id, system_key, owner_committee, title, body, severity, since, reported_by)
		SELECT c.province_id, c.id, 'counting', 'technology', 'قطعی', 'شرح', 'critical', now(), $1 FROM counties c WHERE c.code = 'neyriz'`,
		a.ids["gov.pasargad"])
	a.exec(`WITH t AS (INSERT INTO tasks (province_id, committee_key, title, due_date, whole_province, include_districts, created_by)
		SELECT id, 'technology', 'کار دیرکرده', $1::date, false, false, $2 FROM provinces WHERE code = 'fars' RETURNING id, province_id)
		INSERT INTO task_assignees (task_id, province_id, county_id) SELECT t.id, t.province_id, c.id FROM t, counties c WHERE c.code = 'marvdasht'`,
		now.AddDate(0, 0, -3), a.ids["hq.fars"])
}

var dashNum = regexp.MustCompile(`<a class="dash-num" href="([^"]+)"`)

// rowOrder is the order of the county links in a dashboard's table.
func rowOrder(body string, codes ...string) []int {
	table := body[strings.Index(body, `class="dash-table"`):]
	var at []int
	for _, c := range codes {
		at = append(at, strings.Index(table, `<th scope="row"><a href="/counties/`+c+`"`))
	}
	return at
}

func TestDashboardPages(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	a.withTehran()
	a.withMonitoring(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	hq := a.login("hq.fars")

	res := a.get(hq, "/")
	if res.status != http.StatusOK {
		t.Fatalf("HQ's home: %d", res.status)
	}
	for _, want := range []string{"آمادگی شهرستان‌ها", `aria-labelledby="chart-ready-t chart-ready-d"`, `<title id="chart-ready-t">`,
		`<desc id="chart-trend-d">`, `<details class="chart-data">`, "امتیاز چگونه حساب می‌شود؟", "هیئت‌ها ۲۵، گام‌های زمان‌بندی ۲۰",
		"برای هر حادثه بحرانی باز ۲۰ امتیاز تا ۴۰",
		`href="/incidents?county=neyriz&amp;open=1&amp;severity=critical"`, `href="/tasks?county=marvdasht&amp;overdue=1"`,
		`href="/boards?county=marvdasht&amp;status=draft"`, `href="/timeline?county=marvdasht&amp;done=1"`, `href="/timeline?county=marvdasht&amp;overdue=1"`,
		`href="/readiness?county=marvdasht&amp;missed=1"`, `href="/trainings?county=marvdasht&amp;untrained=1"`,
		`href="/guidance?acked=no&amp;county=marvdasht"`, `href="/candidates?county=marvdasht"`, "نیازمند توجه"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("HQ's dashboard lacks %s", want)
		}
	}
	// The training cell counts the places not trained, as the list it opens lists them.
	untrained := regexp.MustCompile(`href="/trainings\?county=marvdasht&amp;untrained=1">\s*آموزش‌ندیده\s*<bdi>([^<]+)</bdi>`).FindStringSubmatch(res.body)
	want := a.count(`SELECT count(*) FROM (SELECT c.id, 0::bigint FROM counties c WHERE c.code = 'marvdasht'
		UNION ALL SELECT c.id, d.id FROM districts d JOIN counties c ON c.id = d.county_id WHERE c.code = 'marvdasht') p (county_id, district_id)
		WHERE NOT EXISTS (SELECT 1 FROM training_invitees i WHERE i.attended AND i.county_id = p.county_id
		                  AND coalesce(i.district_id, 0) = p.district_id)`)
	if untrained == nil || untrained[1] != i18n.Fa.Num(want) {
		t.Errorf("Marvdasht's untrained places: %v, want %d", untrained, want)
	}
	// Those that need attention first: the open critical incident, then the lowest score (every county's is
	// 0 here: its board is a draft and its board's milestone is overdue), then by name.
	if at := rowOrder(res.body, "neyriz", "abadeh", "arsanjan"); at[0] < 0 || at[0] > at[1] || at[1] > at[2] {
		t.Errorf("Neyriz (critical), then Abadeh and Arsanjan do not come first: %v", at)
	}
	// The incidents' cell names the severities as the incidents' pages do, in either language.
	neyriz := rowOf(res.body, "neyriz")
	if !regexp.MustCompile(`severity=critical"[^>]*>\s*بحرانی\s*<bdi>`).MatchString(neyriz) {
		t.Errorf("Neyriz's critical incident is not named as the incidents' pages name it:\n%s", neyriz)
	}
	a.get(hq, "/lang/en")
	if en := rowOf(a.get(hq, "/").body, "neyriz"); !regexp.MustCompile(`severity=critical"[^>]*>\s*Critical\s*<bdi>`).MatchString(en) {
		t.Errorf("in English, Neyriz's critical incident is not \"Critical\":\n%s", en)
	}
	a.get(hq, "/lang/fa")
	// Sorted by overdue tasks, most first; the header says so.
	res = a.get(hq, "/?sort=tasks&dir=desc")
	if at := rowOrder(res.body, "marvdasht", "pasargad"); at[0] > at[1] {
		t.Errorf("by overdue tasks: %v", at)
	}
	if !strings.Contains(res.body, `<th scope="col" aria-sort="descending"><a href="/?dir=asc&amp;sort=tasks">`) {
		t.Error("the tasks' header is not marked descending with a link the other way")
	}
	// By name in the Persian alphabet: پاسارگاد before مرودشت (byte order puts پ after م).
	res = a.get(hq, "/?sort=name&dir=asc")
	if at := rowOrder(res.body, "pasargad", "marvdasht"); at[0] > at[1] {
		t.Errorf("by name: %v", at)
	}
	res = a.get(hq, "/?sort=name&dir=desc")
	if at := rowOrder(res.body, "marvdasht", "pasargad"); at[0] > at[1] {
		t.Errorf("by name, the last first: %v", at)
	}
	// Every number is a link; those to the lists already there open them.
	links := dashNum.FindAllStringSubmatch(a.get(hq, "/").body, -1)
	if len(links) < 37*8 {
		t.Fatalf("only %d links to lists", len(links))
	}
	opened := 0
	for _, m := range links {
		href := strings.ReplaceAll(m[1], "&amp;", "&")
		path, _, _ := strings.Cut(href, "?")
		if path == "/boards" || path == "/timeline" || path == "/candidates" || path == "/tasks" || path == "/guidance" || path == "/trainings" {
			if r := a.get(hq, href); r.status != http.StatusOK {
				t.Errorf("%s: %d", href, r.status)
			}
			opened++
			if opened > 40 {
				break
			}
		}
	}
	drafts := a.get(hq, "/boards?county=marvdasht&status=draft")
	if !strings.Contains(drafts.body, "مرودشت") {
		t.Error("the drafts of Marvdasht do not list Marvdasht's board")
	}

	// The observer reads the same; the Ministry the provinces, and drills down to one.
	if res := a.get(a.login("observer"), "/"); !strings.Contains(res.body, "آمادگی شهرستان‌ها") {
		t.Error("the observer's home has no dashboard")
	}
	national := a.login("national")
	res = a.get(national, "/")
	if !strings.Contains(res.body, "آمادگی استان‌ها") || !strings.Contains(res.body, `<a href="/?province=fars">فارس</a>`) ||
		!strings.Contains(res.body, `href="/incidents?open=1&amp;province=fars&amp;severity=critical"`) {
		t.Error("the national view lacks Fars's row and its links")
	}
	res = a.get(national, "/?province=fars")
	if res.status != http.StatusOK || !strings.Contains(res.body, `href="/tasks?county=marvdasht&amp;overdue=1&amp;province=fars"`) ||
		!strings.Contains(res.body, `href="/?dir=asc&amp;province=fars&amp;sort=name"`) {
		t.Errorf("Fars's dashboard for the Ministry: %d", res.status)
	}
	if res := a.get(national, "/?province=nope"); res.status != http.StatusNotFound {
		t.Errorf("a province that is not: %d", res.status)
	}

	// A county's page is its figures and its districts'; the governor's home is his county's.
	gov := a.login("gov.marvdasht")
	for _, c := range []struct {
		client *http.Client
		path   string
	}{{hq, "/counties/marvdasht"}, {gov, "/"}, {gov, "/counties/marvdasht"}} {
		res := a.get(c.client, c.path)
		if res.status != http.StatusOK || !strings.Contains(res.body, "آمادگی شهرستان مرودشت") || !strings.Contains(res.body, "(خود شهرستان)") ||
			!strings.Contains(res.body, "بخش‌های امتیاز") || !strings.Contains(res.body, `<title id="chart-ready-t">`) {
			t.Errorf("%s: %d, no county dashboard", c.path, res.status)
		}
	}
	if res := a.get(a.login("dh.marvdasht"), "/"); !strings.Contains(res.body, "آمادگی بخش مرکزی") {
		t.Error("the district head's home has no district dashboard")
	}
	// Out of scope: another county's page for a governor, a Fars county for Tehran's HQ.
	if res := a.get(gov, "/counties/pasargad"); res.status != http.StatusNotFound {
		t.Errorf("a governor opens another county: %d", res.status)
	}
	if res := a.get(a.login("hq.tehran"), "/counties/marvdasht"); res.status != http.StatusNotFound {
		t.Errorf("Tehran's HQ opens a Fars county: %d", res.status)
	}
	// The committee reads no dashboard.
	if res := a.get(a.login("committee"), "/"); strings.Contains(res.body, `class="dashboard"`) {
		t.Error("a committee member's home shows the dashboard")
	}
}

// rowOf is the table row of a county's dashboard row.
func rowOf(body, code string) string {
	i := strings.Index(body, `<th scope="row"><a href="/counties/`+code+`"`)
	if i < 0 {
		return ""
	}
	return body[i : i+strings.Index(body[i:], "</tr>")]
}

// The demo's dashboard shows a county ready in every respect (Shiraz), others lagging or behind.
func TestDemoDashboard(t *testing.T) {
	a := newTestApp(t)
	a.withDemo()
	body := a.get(a.login("hq.fars"), "/").body
	shiraz := rowOf(body, "shiraz")
	if !strings.Contains(shiraz, "<strong>۱۰۰</strong>") || !strings.Contains(shiraz, `badge-ok">آماده`) {
		t.Errorf("Shiraz is not ready:\n%s", shiraz)
	}
	for _, code := range []string{"marvdasht", "pasargad", "arsanjan"} {
		if row := rowOf(body, code); row == "" || strings.Contains(row, `badge-ok">آماده`) {
			t.Errorf("%s is ready or missing:\n%s", code, row)
		}
	}
	if !strings.Contains(body, `badge-bad">بسیار عقب`) {
		t.Error("no county is far behind")
	}
	// Kazerun lags: its milestones marked, its training attended, its board under review, its task late.
	if kazerun := rowOf(body, "kazerun"); !regexp.MustCompile(`badge-[a-z]+">عقب<`).MatchString(kazerun) {
		t.Errorf("Kazerun does not lag:\n%s", kazerun)
	}
	a.exec(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'gov.marvdasht') WHERE username = 'gov.shiraz'`)
	if res := a.get(a.login("gov.shiraz"), "/"); !strings.Contains(res.body, "آمادگی شهرستان شیراز") {
		t.Error("Shiraz's governor has no county dashboard")
	}
}

// The figures of one scope are read once per data version, whoever opens the dashboard, and read again
// as soon as the data changes.
func TestDashboardFiguresShared(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) { c.PageCacheMB = 0 })
	a.withElection()
	a.withMonitoring(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	critical := regexp.MustCompile(`href="/incidents\?county=neyriz&amp;open=1&amp;severity=critical"[^>]*>(?:[^<]|<[^/a][^>]*>)*?<bdi>([^<]+)</bdi>`)
	count := func(body string) string {
		t.Helper()
		m := critical.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no count of Neyriz's open critical incidents in %s", body[strings.Index(body, "neyriz"):][:600])
		}
		return m[1]
	}
	hq, observer, national := a.login("hq.fars"), a.login("observer"), a.login("national") // signing in writes
	if got := count(a.get(hq, "/").body); got != i18n.Fa.Num(1) {
		t.Fatalf("Neyriz's open critical incidents: %s, want 1", got)
	}
	a.get(observer, "/")
	a.get(hq, "/?sort=name&dir=asc")
	if n, m := a.s.figures.Len(), a.s.summaries.Len(); n != 1 || m != 1 {
		t.Fatalf("%d sets of figures and %d summaries kept for HQ and the observer of one province, want 1 of each", n, m)
	}
	a.get(national, "/")
	if n, m := a.s.figures.Len(), a.s.summaries.Len(); n != 2 || m != 2 {
		t.Fatalf("%d sets of figures and %d summaries kept with the country's, want 2 of each", n, m)
	}
	a.exec(`INSERT INTO incidents (province_id, county_id, system_key, owner_committee, title, body, severity, since, reported_by)
		SELECT c.province_id, c.id, 'counting', 'technology', 'قطعی دوم', 'شرح', 'critical', now(), $1 FROM counties c WHERE c.code = 'neyriz'`,
		a.ids["gov.pasargad"])
	if got := count(a.get(hq, "/").body); got != i18n.Fa.Num(2) {
		t.Fatalf("after a second incident, Neyriz's open critical incidents: %s, want 2", got)
	}
	if n := a.s.figures.Len(); n != 1 {
		t.Fatalf("%d sets of figures kept after the change, want only the new one", n)
	}
}

// incidentCell is the numbers of a dashboard row's incidents cell by their label: the row is the first
// whose text has name.
func incidentCell(t *testing.T, body, name string) map[string]string {
	t.Helper()
	table := body[strings.Index(body, `class="dash-table"`):]
	for _, tr := range strings.Split(table, "<tr>")[1:] {
		if !strings.Contains(tr, name) {
			continue
		}
		out := map[string]string{}
		for _, m := range regexp.MustCompile(`href="/incidents\?[^"]*open=1[^"]*">\s*([^<]*?)\s*<bdi>([^<]+)</bdi>`).FindAllStringSubmatch(tr, -1) {
			out[m[1]] = m[2]
		}
		return out
	}
	t.Fatalf("no row of %s", name)
	return nil
}

// A district's open incidents are those its head's list shows: those it reported and those that affect
// it; a county's, on its page and its governor's home, count each incident of the county once.
func TestDashboardIncidentsAsListed(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	gov, dh, hq := a.login("gov.marvdasht"), a.login("dh.marvdasht"), a.login("hq.fars")
	a.reportIncident(gov, "counting", "high", "کندی شمارش", "marvdasht-central", "marvdasht-seyyedan")
	a.reportIncident(gov, "counting", "low", "کندی کم")
	a.reportIncident(dh, "counting", "medium", "قطعی بخش")
	a.reportIncident(a.login("gov.pasargad"), "counting", "critical", "قطعی پاسارگاد", "pasargad-central")

	if ids := listed(a.get(dh, "/incidents?open=1").body); len(ids) != 2 {
		t.Fatalf("the district head's list: %v, want the high and the medium", ids)
	}
	res := a.get(dh, "/")
	if got := incidentCell(t, res.body, "مرکزی"); !maps.Equal(got, map[string]string{"زیاد": "۱", "متوسط": "۱"}) {
		t.Errorf("the district head's row: %v, want one high, one medium", got)
	}
	mustContain(t, res.body, `<td class="bad-text">−۵</td>`)

	if ids := listed(a.get(gov, "/incidents?open=1").body); len(ids) != 3 {
		t.Fatalf("the governor's list: %v", ids)
	}
	for _, c := range []*http.Client{gov, hq} {
		path := "/counties/marvdasht"
		if c == gov {
			path = "/"
		}
		res := a.get(c, path)
		for _, tt := range []struct {
			name string
			want map[string]string
		}{
			{"(خود شهرستان)", map[string]string{"زیاد": "۱", "کم": "۱"}},
			{"مرکزی", map[string]string{"زیاد": "۱", "متوسط": "۱"}},
			{"سیدان", map[string]string{"زیاد": "۱"}},
		} {
			if got := incidentCell(t, res.body, tt.name); !maps.Equal(got, tt.want) {
				t.Errorf("%s: %s's incidents: %v, want %v", path, tt.name, got, tt.want)
			}
		}
		// The high incident counts once in the county's score: 5 off, not 15.
		mustContain(t, res.body, `<td class="bad-text">−۵</td>`)
	}
	if got := incidentCell(t, a.get(hq, "/").body, `href="/counties/marvdasht"`); !maps.Equal(got,
		map[string]string{"زیاد": "۱", "متوسط": "۱", "کم": "۱"}) {
		t.Errorf("Marvdasht's row on HQ's dashboard: %v", got)
	}
}
