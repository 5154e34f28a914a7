package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// taskNow is the server's clock in the tasks' tests: 1405/09/05 in Tehran.
var taskNow = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// assignTask posts a task of the test committee to Marvdasht with its districts, due 1405/09/15, and
// returns its id.
func (a *testApp) assignTask(c *http.Client, title string) int64 {
	a.t.Helper()
	res := a.post(c, "/tasks", url.Values{"title": {title}, "body": {"شرح کار"}, "due_date": {"۱۴۰۵/۰۹/۱۵"},
		"audience": {"counties"}, "county": {"marvdasht"}, "include_districts": {"1"}})
	loc := res.header.Get("Location")
	if res.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/tasks/") {
		a.t.Fatalf("assign: %d %s", res.status, loc)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/tasks/"), 10, 64)
	if err != nil {
		a.t.Fatal(err)
	}
	return id
}

// copyID is the id of a task's copy at a county (district "" for the county's own).
func (a *testApp) copyID(task int64, county, district string) int64 {
	a.t.Helper()
	return int64(a.count(`
		SELECT ta.id FROM task_assignees ta JOIN counties c ON c.id = ta.county_id LEFT JOIN districts d ON d.id = ta.district_id
		WHERE ta.task_id = $1 AND c.code = $2 AND coalesce(d.code, '') = $3`, task, county, district))
}

func statusPath(task, copy int64) string {
	return "/tasks/" + strconv.FormatInt(task, 10) + "/assignees/" + strconv.FormatInt(copy, 10) + "/status"
}

// A committee member assigns a task from /tasks: a copy for Marvdasht and each of its districts, told to
// each; a form with errors comes back filled (422), and nobody else assigns (403).
func TestTaskAssign(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return taskNow }
	com := a.login("committee")
	res := a.get(com, "/tasks")
	if res.status != http.StatusOK {
		t.Fatalf("/tasks: %d", res.status)
	}
	mustContain(t, res.body, `id="assign-form"`, `name="due_date"`, `value="marvdasht"`, "کارهای کمیته فناوری", "کاری نیست.")

	id := a.assignTask(com, "بررسی سامانه ثبت‌نام")
	page := a.get(com, "/tasks/"+strconv.FormatInt(id, 10))
	// The description is Markdown, made safe.
	res = a.post(com, "/tasks", url.Values{"title": {"کار با شرح"}, "body": {"**مهم** <script>alert(1)</script> [پیوند](javascript:alert(1))"},
		"due_date": {"1405/09/20"}, "audience": {"province"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("a task with a Markdown description: %d", res.status)
	}
	body := a.get(com, res.header.Get("Location")).body
	mustContain(t, body, "<strong>مهم</strong>")
	mustNotContain(t, body, "<script>alert", "javascript:")
	mustContain(t, page.body, "کار واگذار شد و به گیرندگان اعلان شد.", "بررسی سامانه ثبت‌نام", "شرح کار", "کمیته فناوری",
		"مرودشت", "۰ از ", "۱۰ روز مانده", "هنوز کسی به این نسخه نپرداخته است.")
	mustNotContain(t, page.body, `action="/tasks/`+strconv.FormatInt(id, 10)+`/assignees/`)
	copies := a.count(`SELECT count(*) FROM task_assignees WHERE task_id = $1`, id)
	districts := a.count(`SELECT count(*) FROM districts d JOIN counties c ON c.id = d.county_id WHERE c.code = 'marvdasht'`)
	if copies != districts+1 || copies < 3 {
		t.Fatalf("%d copies for Marvdasht and its %d districts", copies, districts)
	}
	if n := a.count(`SELECT count(*) FROM notifications WHERE kind = 'task_new' AND subject_id = $1`, id); n != 2 {
		t.Fatalf("%d told (the test users of Marvdasht are its governor and one district head)", n)
	}
	if n := a.count(`SELECT count(*) FROM tasks WHERE due_date = '2026-12-06' AND committee_key = 'technology'`); n != 1 {
		t.Fatal("the due date or the committee was not kept")
	}

	for _, tt := range []struct {
		name   string
		form   url.Values
		field  string
		errMsg string
	}{
		{"no title", url.Values{"title": {""}}, "title", "این فیلد را پر کنید."},
		{"a title too long", url.Values{"title": {strings.Repeat("ک", 201)}}, "title", "این مقدار بیش از اندازه طولانی است."},
		{"a body too long", url.Values{"body": {strings.Repeat("ک", 20001)}}, "body", "حداکثر"},
		{"no due date", url.Values{"due_date": {""}}, "due_date", "این فیلد را پر کنید."},
		{"a due date that is no date", url.Values{"due_date": {"1405/13/40"}}, "due_date", "تاریخ را به شکل سال/ماه/روز"},
		{"a past due date", url.Values{"due_date": {"1405/09/04"}}, "due_date", "مهلت نمی‌تواند روزی گذشته باشد؛ امروز ۱۴۰۵/۰۹/۰۵ است."},
		{"no audience", url.Values{"audience": {""}}, "audience", "گیرندگان را برگزینید"},
		{"no county", url.Values{"county": {""}}, "county", "دست‌کم یک شهرستان"},
		{"another province's county", url.Values{"county": {"shemiranat"}}, "county", "دست‌کم یک شهرستان"},
	} {
		form := url.Values{"title": {"کار نگه‌داشته"}, "body": {"متن نگه‌داشته"}, "due_date": {"1405/09/20"},
			"audience": {"counties"}, "county": {"marvdasht"}}
		for k, v := range tt.form {
			form[k] = v
		}
		res := a.post(com, "/tasks", form)
		if res.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", tt.name, res.status)
			continue
		}
		mustContain(t, res.body, `id="e-`+tt.field+`"`, tt.errMsg)
		if tt.field != "body" {
			mustContain(t, res.body, "متن نگه‌داشته")
		}
		if tt.field != "title" {
			mustContain(t, res.body, `value="کار نگه‌داشته"`)
		}
	}
	if n := a.count(`SELECT count(*) FROM tasks`); n != 2 {
		t.Fatalf("%d tasks after refused forms", n)
	}
	for _, user := range []string{"gov.marvdasht", "dh.marvdasht", "hq.fars", "observer", "national"} {
		c := a.login(user)
		if res := a.post(c, "/tasks", url.Values{"title": {"x"}, "due_date": {"1405/09/20"}, "audience": {"province"}}); res.status != http.StatusForbidden {
			t.Errorf("%s assigns: %d", user, res.status)
		}
		if res := a.get(c, "/tasks"); strings.Contains(res.body, `id="assign-form"`) {
			t.Errorf("%s is shown the form", user)
		}
	}
	// A committee member taken off his committee reads, and assigns nothing.
	if _, err := a.st.Pool().Exec(t.Context(), `UPDATE users SET committee_key = NULL WHERE username = 'committee'`); err != nil {
		t.Fatal(err)
	}
	off := a.login("committee")
	if res := a.post(off, "/tasks", url.Values{"title": {"x"}, "due_date": {"1405/09/20"}, "audience": {"province"}}); res.status != http.StatusForbidden {
		t.Errorf("a member off his committee assigns: %d", res.status)
	}
	if res := a.get(off, "/tasks"); res.status != http.StatusOK || !strings.Contains(res.body, "بررسی سامانه ثبت‌نام") {
		t.Errorf("a member off his committee does not read the province's tasks: %d", res.status)
	}
}

// Each reader sees the tasks and copies of his scope: the governor his county's and its districts', the
// district head his district's, the province's readers all, the Ministry any province it chooses; others
// are answered 404.
func TestTaskPagesScope(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return taskNow }
	id := a.assignTask(a.login("committee"), "کار مرودشت")
	path := "/tasks/" + strconv.FormatInt(id, 10)
	county, district := a.copyID(id, "marvdasht", ""), a.copyID(id, "marvdasht", "marvdasht-central")

	gov := a.get(a.login("gov.marvdasht"), path)
	if gov.status != http.StatusOK {
		t.Fatalf("governor: %d", gov.status)
	}
	mustContain(t, gov.body, `action="`+statusPath(id, county)+`"`, "این نسخه را بخشدار همین بخش به‌روز می‌کند.", "بخش مرکزی، مرودشت")
	mustNotContain(t, gov.body, `action="`+statusPath(id, district)+`"`)
	dh := a.get(a.login("dh.marvdasht"), path)
	mustContain(t, dh.body, `action="`+statusPath(id, district)+`"`)
	mustNotContain(t, dh.body, `id="`+"copy-"+strconv.FormatInt(county, 10)+`"`)
	for _, user := range []string{"hq.fars", "observer", "national", "committee"} {
		res := a.get(a.login(user), path)
		if res.status != http.StatusOK || strings.Contains(res.body, `/status"`) {
			t.Errorf("%s: %d, or a status form", user, res.status)
		}
	}
	pas := a.login("gov.pasargad")
	for _, p := range []string{path, "/tasks/999999", "/tasks/x"} {
		if res := a.get(pas, p); res.status != http.StatusNotFound {
			t.Errorf("Pasargad's governor at %s: %d", p, res.status)
		}
	}

	mustContain(t, a.get(a.login("gov.marvdasht"), "/tasks").body, "کار مرودشت", "کارهای واگذارشده به شما", "بخش مرکزی، مرودشت")
	mustNotContain(t, a.get(pas, "/tasks").body, "کار مرودشت")
	mustContain(t, a.get(a.login("observer"), "/tasks").body, "کار مرودشت", "۰ از ")
	for _, page := range []string{"999999999999999999", "-3", "x", "۱"} {
		if res := a.get(a.login("hq.fars"), "/tasks?page="+url.QueryEscape(page)); res.status != http.StatusOK || !strings.Contains(res.body, "کار مرودشت") {
			t.Errorf("/tasks?page=%s: %d, or not the first page", page, res.status)
		}
	}
	nat := a.login("national")
	res := a.get(nat, "/tasks")
	mustContain(t, res.body, "برای دیدن کارها، استان را انتخاب کنید.")
	mustNotContain(t, res.body, "کار مرودشت")
	mustContain(t, a.get(nat, "/tasks?province=fars").body, "کار مرودشت")
	if res := a.get(nat, "/tasks?province=nowhere"); res.status != http.StatusNotFound {
		t.Errorf("an unknown province: %d", res.status)
	}

	mustNotContain(t, a.get(a.login("gov.marvdasht"), "/tasks").body, "تنها ")
	// A county given more tasks than its list shows is told so.
	if _, err := a.st.Pool().Exec(t.Context(), `
		WITH t AS (INSERT INTO tasks (province_id, committee_key, title, due_date, whole_province, include_districts, created_by)
		           SELECT province_id, committee_key, 'کار ' || n, due_date, false, false, created_by FROM tasks, generate_series(1, $2) n
		           WHERE id = $1 RETURNING id, province_id)
		INSERT INTO task_assignees (task_id, province_id, county_id) SELECT t.id, t.province_id, c.id FROM t, counties c WHERE c.code = 'marvdasht'`,
		id, maxCopies); err != nil {
		t.Fatal(err)
	}
	mustContain(t, a.get(a.login("gov.marvdasht"), "/tasks").body, "تنها ۵۰۰ کار نخست")

	// The home pages: the assignee's own open copies, the committee's tasks.
	mustContain(t, a.get(a.login("gov.marvdasht"), "/").body, "کارهای شما", "کار مرودشت")
	mustContain(t, a.get(a.login("committee"), "/").body, "کارهای کمیته شما", "کار مرودشت", "۰ از ")
	mustNotContain(t, a.get(pas, "/").body, "کار مرودشت")
}

// The governor moves his county's copy: 303 back to its form, kept with its note; a stale form is 409
// with what was typed kept; a move the flow refuses or a missing note 422; a district's copy 403 to him,
// another county's 404; those who do not report 403.
func TestTaskStatus(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return taskNow }
	id := a.assignTask(a.login("committee"), "کار مرودشت")
	county, district := a.copyID(id, "marvdasht", ""), a.copyID(id, "marvdasht", "marvdasht-central")
	gov := a.login("gov.marvdasht")
	path := statusPath(id, county)

	res := a.post(gov, path, url.Values{"status": {"in_progress"}, "note": {"آغاز شد"}, "version": {"1"}})
	if want := "/tasks/" + strconv.FormatInt(id, 10) + "#status-" + strconv.FormatInt(county, 10); res.status != http.StatusSeeOther ||
		res.header.Get("Location") != want {
		t.Fatalf("move: %d %s", res.status, res.header.Get("Location"))
	}
	page := a.get(gov, "/tasks/"+strconv.FormatInt(id, 10))
	mustContain(t, page.body, "وضعیت ثبت شد.", "در دست انجام", "یادداشت: \u2068آغاز شد\u2069", "آخرین تغییر: \u2068علی رضایی\u2069")

	for _, tt := range []struct {
		name   string
		form   url.Values
		status int
		says   []string
	}{
		{"stale", url.Values{"status": {"done"}, "note": {"نوشته من"}, "version": {"1"}}, http.StatusConflict,
			[]string{"در این میان کس دیگری این نسخه را تغییر داده است", "نوشته من", `name="version" value="2"`}},
		{"stale and too long", url.Values{"status": {"done"}, "note": {strings.Repeat("ن", 2001)}, "version": {"1"}}, http.StatusConflict,
			[]string{"در این میان کس دیگری"}},
		{"blocked without a reason", url.Values{"status": {"blocked"}, "version": {"2"}}, http.StatusUnprocessableEntity,
			[]string{"برای این تغییر یادداشت لازم است"}},
		{"back to open", url.Values{"status": {"open"}, "note": {"x"}, "version": {"2"}}, http.StatusUnprocessableEntity,
			[]string{"این نسخه به این وضعیت نمی‌رود"}},
		{"no such status", url.Values{"status": {"closed"}, "note": {"x"}, "version": {"2"}}, http.StatusUnprocessableEntity,
			[]string{"یکی از گزینه‌ها را انتخاب کنید."}},
		{"a note too long", url.Values{"status": {"done"}, "note": {strings.Repeat("ن", 2001)}, "version": {"2"}}, http.StatusUnprocessableEntity,
			[]string{"حداکثر"}},
	} {
		res := a.post(gov, path, tt.form)
		if res.status != tt.status {
			t.Errorf("%s: %d, want %d", tt.name, res.status, tt.status)
		}
		mustContain(t, res.body, tt.says...)
	}
	if n := a.count(`SELECT version FROM task_assignees WHERE id = $1`, county); n != 2 {
		t.Fatalf("refused posts moved the copy: version %d", n)
	}

	for _, tt := range []struct {
		user   string
		path   string
		status int
	}{
		{"gov.marvdasht", statusPath(id, district), http.StatusForbidden},
		{"gov.pasargad", path, http.StatusNotFound},
		{"gov.marvdasht", statusPath(id+1, county), http.StatusNotFound},
		{"gov.marvdasht", "/tasks/" + strconv.FormatInt(id, 10) + "/assignees/x/status", http.StatusNotFound},
		{"dh.marvdasht", path, http.StatusNotFound},
		{"committee", path, http.StatusForbidden},
		{"hq.fars", path, http.StatusForbidden},
		{"observer", path, http.StatusForbidden},
		{"national", path, http.StatusForbidden},
	} {
		res := a.post(a.login(tt.user), tt.path, url.Values{"status": {"done"}, "note": {"x"}, "version": {"1"}})
		if res.status != tt.status {
			t.Errorf("%s at %s: %d, want %d", tt.user, tt.path, res.status, tt.status)
		}
	}
	if res := a.do(gov, http.MethodPost, path, url.Values{"status": {"done"}, "version": {"2"}}, "Sec-Fetch-Site", "cross-site"); res.status != http.StatusForbidden {
		t.Errorf("cross-site: %d", res.status)
	}

	dh := a.login("dh.marvdasht")
	if res := a.post(dh, statusPath(id, district), url.Values{"status": {"blocked"}, "note": {"اینترنت قطع است"}, "version": {"1"}}); res.status != http.StatusSeeOther {
		t.Fatalf("the district head blocks his copy: %d", res.status)
	}
	if res := a.post(gov, path, url.Values{"status": {"done"}, "note": {"گزارش رفت"}, "version": {"2"}}); res.status != http.StatusSeeOther {
		t.Fatalf("done: %d", res.status)
	}
	// The committee sees the progress and the notes over time.
	com := a.get(a.login("committee"), "/tasks/"+strconv.FormatInt(id, 10))
	mustContain(t, com.body, "۱ از ", "انجام شد", "متوقف", "اینترنت قطع است", "یادداشت: \u2068گزارش رفت\u2069", "سابقه (۲ تغییر)", "آغاز شد")
	if i, j := strings.Index(com.body, "اینترنت قطع است"), strings.Index(com.body, "یادداشت: \u2068گزارش رفت\u2069"); i < 0 || j < 0 || i > j {
		t.Error("the blocked copy is not listed before the done one")
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'task.status'`); n != 3 {
		t.Errorf("%d audit rows of the moves, want 3", n)
	}
}

// The demo gives every tasks page something to show: the committee's tasks with overdue and blocked
// copies, a governor's copies in every state, a district head's, and the home pages' lists.
func TestTaskDemo(t *testing.T) {
	a := newTestApp(t)
	a.withDemo()
	com := a.get(a.login("committee"), "/tasks")
	mustContain(t, com.body, "آزمایش اتصال سامانه ثبت‌نام داوطلبان در فرمانداری", "از مهلت گذشته", "متوقف", "۱ از ")
	mustContain(t, a.get(a.login("committee"), "/tasks?committee=all").body, "معرفی نماینده حقوقی فرمانداری به کمیته حقوقی")
	gov := a.login("gov.marvdasht")
	list := a.get(gov, "/tasks")
	mustContain(t, list.body, "متوقف", "انجام شد", "در دست انجام", "باز", "روز از مهلت گذشته", "روز مانده")
	mustContain(t, a.get(gov, "/").body, "کارهای شما", "آزمایش اتصال سامانه ثبت‌نام داوطلبان در فرمانداری")
	mustContain(t, a.get(a.login("dh.marvdasht"), "/tasks").body, "بخش مرکزی، مرودشت", "در دست انجام")
	mustContain(t, a.get(a.login("committee"), "/").body, "کارهای کمیته شما", "از مهلت گذشته")
	mustContain(t, a.get(a.login("observer"), "/tasks").body, "کارهای استان", "معرفی نماینده حقوقی")
	if n := a.count(`SELECT count(*) FROM notifications WHERE kind = 'task_overdue'`); n == 0 {
		t.Error("the demo's sweep told nobody of an overdue task")
	}
	// The technology committee is told of Marvdasht's blocked copy, in its inbox.
	if n := a.count(`SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.kind = 'task_blocked' AND u.role = 'committee' AND u.committee_key = 'technology'`); n == 0 {
		t.Error("the demo's committee was not told of the blocked copy")
	}
	mustContain(t, a.get(a.login("committee"), "/notifications").body, "کار: نسخه‌ای متوقف شد", "آزمایش اتصال سامانه ثبت‌نام داوطلبان در فرمانداری")
}

// The governor reads his districts' copies but does not move them: his task page shows each of them
// without a form, with the reason in words (in Persian and in English); his post to a district's copy is
// refused and changes nothing, while the district head's own post moves it.
func TestGovernorReadsDistrictCopies(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return taskNow }
	id := a.assignTask(a.login("committee"), "کار مرودشت")
	path := "/tasks/" + strconv.FormatInt(id, 10)
	county, district := a.copyID(id, "marvdasht", ""), a.copyID(id, "marvdasht", "marvdasht-central")
	gov := a.login("gov.marvdasht")

	page := a.get(gov, path).body
	i := strings.Index(page, `id="`+"copy-"+strconv.FormatInt(district, 10)+`"`)
	if i < 0 {
		t.Fatal("the governor's page does not show his district's copy")
	}
	item, _, _ := strings.Cut(page[i:], "</li>")
	mustContain(t, item, "بخش مرکزی", "این نسخه را بخشدار همین بخش به‌روز می‌کند.")
	mustNotContain(t, item, "<form", `name="status"`)
	mustContain(t, page, `action="`+statusPath(id, county)+`"`)
	a.get(gov, "/lang/en")
	mustContain(t, a.get(gov, path).body, "This copy is updated by the district head.")

	if res := a.post(gov, statusPath(id, district), url.Values{"status": {"in_progress"}, "note": {"x"}, "version": {"1"}}); res.status != http.StatusForbidden {
		t.Errorf("the governor moves his district's copy: %d, want 403", res.status)
	}
	if n := a.count(`SELECT version FROM task_assignees WHERE id = $1`, district); n != 1 {
		t.Fatalf("the refused post moved the copy: version %d", n)
	}
	if n := a.count(`SELECT count(*) FROM task_assignee_events WHERE assignee_id = $1`, district); n != 0 {
		t.Fatalf("the refused post kept %d moves", n)
	}
	if res := a.post(a.login("dh.marvdasht"), statusPath(id, district), url.Values{"status": {"in_progress"}, "version": {"1"}}); res.status != http.StatusSeeOther {
		t.Fatalf("the district head moves his copy: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM task_assignees WHERE id = $1 AND status = 'in_progress'`, district); n != 1 {
		t.Error("the district head's move was not kept")
	}
}

// The forms of a circular, a task and a training session start with the same audience: the whole
// province.
func TestAudienceDefaultsToProvince(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	committee := a.login("committee")
	for _, path := range []string{"/guidance", "/tasks", "/trainings"} {
		res := a.get(committee, path)
		mustContain(t, res.body, `<input type="radio" name="audience" value="province" checked>`)
		mustNotContain(t, res.body, `value="counties" checked`)
	}
}
