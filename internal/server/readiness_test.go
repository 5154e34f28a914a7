package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/i18n"
)

var checkLocation = regexp.MustCompile(`^/readiness/(\d+)$`)

// checkDefinedAt is when the tests' HQ defines its checks: 1405/08/24 (2026-11-15), before their first
// days, since a check's days cannot be before the day it is defined; the tests then read and file them
// on later days.
var checkDefinedAt = time.Date(2026, 11, 15, 6, 0, 0, 0, time.UTC)

// defineCheck posts a check as HQ on checkDefinedAt and returns its id.
func (a *testApp) defineCheck(c *http.Client, form url.Values) int64 {
	a.t.Helper()
	now := a.s.now
	a.s.now = func() time.Time { return checkDefinedAt }
	defer func() { a.s.now = now }()
	res := a.post(c, "/readiness", form)
	m := checkLocation.FindStringSubmatch(res.header.Get("Location"))
	if res.status != http.StatusSeeOther || m == nil {
		a.t.Fatalf("define: %d %s", res.status, res.header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// itemFields are the filing form's answers to every item of check id: yes, with a note.
func (a *testApp) itemFields(id int64, day string, version string) url.Values {
	a.t.Helper()
	v := url.Values{"day": {day}}
	if version != "" {
		v.Set("version", version)
	}
	rows, err := a.st.Pool().Query(a.t.Context(), `SELECT id FROM readiness_items WHERE check_id = $1 AND retired_at IS NULL`, id)
	if err != nil {
		a.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var item int64
		if err := rows.Scan(&item); err != nil {
			a.t.Fatal(err)
		}
		v.Set("ok_"+strconv.FormatInt(item, 10), "yes")
		v.Set("note_"+strconv.FormatInt(item, 10), "انجام شد")
	}
	return v
}

// HQ defines checks (a wrong form comes back with its messages and values); the governor files his
// county's day, corrects it as of its version (a stale correction is refused as 409, a wrong one as 422
// with what was typed); a district head may not file a check of counties; another province's HQ and
// another county's filing are 404; the list's missed days are counted per county.
func TestReadinessPages(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return trainingNow } // 1405/09/05 (2026-11-26)
	a.withElection()
	hq, gov, dh, observer, committee, national := a.login("hq.fars"), a.login("gov.marvdasht"), a.login("dh.marvdasht"), a.login("observer"),
		a.login("committee"), a.login("national")

	if res := a.get(hq, "/readiness"); res.status != http.StatusOK || !contains(res.body, `id="define-form"`) {
		t.Fatalf("HQ's list: %d", res.status)
	}
	for _, c := range []*http.Client{gov, observer, committee} {
		if res := a.get(c, "/readiness"); res.status != http.StatusOK || contains(res.body, `id="define-form"`) {
			t.Fatalf("a reader who defines nothing: %d", res.status)
		}
		if res := a.post(c, "/readiness", url.Values{"title": {"x"}}); res.status != http.StatusForbidden {
			t.Fatalf("a non-HQ defines: %d", res.status)
		}
	}

	bad := url.Values{"title": {""}, "items": {strings.Repeat("بند\n", 51)}, "cadence": {"daily"}, "starts_on": {"۱۴۰۵/۰۹/۱۰"},
		"ends_on": {"۱۴۰۵/۰۹/۰۱"}}
	res := a.post(hq, "/readiness", bad)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong form: %d", res.status)
	}
	mustContain(t, res.body, "این فیلد را پر کنید.", "دست‌بالا ۵۰ بند بنویسید.", "روز پایان پیش از روز آغاز است.", `value="۱۴۰۵/۰۹/۱۰"`)
	if n := a.count(`SELECT count(*) FROM readiness_checks`); n != 0 {
		t.Fatalf("%d checks after a refused form", n)
	}
	once := a.defineCheck(hq, url.Values{"title": {"سامانه ثبت‌نام آزمایش شد"}, "items": {"ورود کاربران\r\n\r\nثبت داوطلب نمونه\n"},
		"cadence": {"once"}, "due_date": {"۱۴۰۵/۰۹/۰۱"}})
	daily := a.defineCheck(hq, url.Values{"title": {"کاربران آموزش دیدند"}, "items": {"آموزش دیدند"}, "cadence": {"daily"},
		"starts_on": {"۱۴۰۵/۰۹/۰۱"}, "ends_on": {"۱۴۰۵/۰۹/۲۰"}, "include_districts": {"1"}})
	if n := a.count(`SELECT count(*) FROM readiness_items WHERE check_id = $1`, once); n != 2 {
		t.Fatalf("%d items, want 2 (blank lines dropped)", n)
	}

	// The governor's list: today's daily check to file, the once check missed.
	res = a.get(gov, "/readiness")
	mustContain(t, res.body, `id="due-`+strconv.FormatInt(daily, 10)+`"`, "ثبت نشده", "/readiness/"+strconv.FormatInt(once, 10)+"/file?day=2026-11-22")
	// A district head files the daily check but not the once one (counties only).
	if res := a.get(dh, "/readiness/"+strconv.FormatInt(once, 10)+"/file"); res.status != http.StatusForbidden ||
		!contains(res.body, "این بررسی را تنها فرمانداری‌ها ثبت می‌کنند.") {
		t.Fatalf("a district head's form of a check of counties: %d", res.status)
	}
	if res := a.post(dh, "/readiness/"+strconv.FormatInt(once, 10)+"/file", a.itemFields(once, "2026-11-22", "")); res.status != http.StatusForbidden {
		t.Fatalf("a district head files a check of counties: %d", res.status)
	}

	// The governor files the once check: a missing answer comes back with what was typed.
	path := "/readiness/" + strconv.FormatInt(once, 10) + "/file"
	form := a.itemFields(once, "2026-11-22", "")
	var first string
	for k := range form {
		if strings.HasPrefix(k, "ok_") {
			first = k
		}
	}
	missing := url.Values{}
	for k, v := range form {
		missing[k] = v
	}
	missing.Del(first)
	missing.Set("note_"+strings.TrimPrefix(first, "ok_"), "یادداشت نگه‌داشته")
	if res := a.post(gov, path, missing); res.status != http.StatusUnprocessableEntity || !contains(res.body, "انجام شد یا نشد را برگزینید.") ||
		!contains(res.body, "یادداشت نگه‌داشته") || !regexp.MustCompile(`برای «\x{2068}[^\x{2069}]+\x{2069}» انجام شد`).MatchString(res.body) {
		t.Fatalf("a missing answer: %d", res.status)
	}
	if res := a.post(gov, path, form); res.status != http.StatusSeeOther || res.header.Get("Location") != path+"?day=2026-11-22" {
		t.Fatalf("filing: %d %s", res.status, res.header.Get("Location"))
	}
	// Posted again as a first filing, or corrected at a stale version: 409, the form kept.
	if res := a.post(gov, path, form); res.status != http.StatusConflict || !contains(res.body, `name="version" value="1"`) {
		t.Fatalf("a second first filing: %d", res.status)
	}
	if res := a.post(gov, path, a.itemFields(once, "2026-11-22", "1")); res.status != http.StatusSeeOther {
		t.Fatalf("a correction: %d", res.status)
	}
	if res := a.post(gov, path, a.itemFields(once, "2026-11-22", "1")); res.status != http.StatusConflict {
		t.Fatalf("a stale correction: %d", res.status)
	}
	// Days: not one of its days, a daily day to come.
	if res := a.post(gov, path, a.itemFields(once, "2026-11-23", "")); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("not its day: %d", res.status)
	}
	dpath := "/readiness/" + strconv.FormatInt(daily, 10) + "/file"
	if res := a.post(gov, dpath, a.itemFields(daily, "2026-11-27", "")); res.status != http.StatusUnprocessableEntity ||
		!contains(res.body, "بررسی روزانه برای روزهای آینده ثبت نمی‌شود") {
		t.Fatalf("tomorrow: %d", res.status)
	}
	for _, day := range []string{"2026-11-26", "2026-11-25"} {
		if res := a.post(gov, dpath, a.itemFields(daily, day, "")); res.status != http.StatusSeeOther {
			t.Fatalf("daily %s: %d", day, res.status)
		}
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action IN ('readiness.file', 'readiness.refile')`); n != 4 {
		t.Fatalf("%d filings audited, want 4", n)
	}

	// Scope: another county's governor files only his own place; Tehran's HQ does not see Fars's checks.
	pasargad := a.login("gov.pasargad")
	if res := a.get(pasargad, path); res.status != http.StatusOK || contains(res.body, "علی رضایی") {
		t.Fatalf("Pasargad's form shows Marvdasht's filing: %d", res.status)
	}
	// The Ministry opens a check without choosing its province: the check's own, read-only, its links
	// carrying it.
	if res := a.get(national, "/readiness/"+strconv.FormatInt(once, 10)); res.status != http.StatusOK {
		t.Errorf("a check without its province: %d", res.status)
	} else {
		mustContain(t, res.body, "سامانه ثبت‌نام آزمایش شد", `href="/readiness?province=fars"`, `name="province" value="fars"`, `id="matrix"`)
		mustNotContain(t, res.body, `id="edit-form"`, `/retire"`, `/restore"`)
	}
	if res := a.get(national, "/readiness/999999"); res.status != http.StatusNotFound {
		t.Errorf("no such check: %d", res.status)
	}
	if res := a.get(national, "/readiness/"+strconv.FormatInt(once, 10)+"?province=nope"); res.status != http.StatusNotFound {
		t.Errorf("a check of no province: %d", res.status)
	}
	if res := a.get(national, "/readiness/"+strconv.FormatInt(once, 10)+"?province=fars"); res.status != http.StatusOK {
		t.Errorf("the Ministry reads Fars's check: %d", res.status)
	}
	if res := a.get(national, path); res.status != http.StatusForbidden {
		t.Errorf("the Ministry files: %d", res.status)
	}
	if res := a.get(gov, "/readiness/"+strconv.FormatInt(once, 10)+"?county=pasargad"); res.status != http.StatusNotFound {
		t.Fatalf("a governor asks for another county: %d", res.status)
	}
	if res := a.get(hq, "/readiness?county=nowhere"); res.status != http.StatusNotFound {
		t.Fatalf("an unknown county: %d", res.status)
	}

	// The missed days of Marvdasht (the dashboard's link): the daily check's days 1..24 for the county
	// (it filed the 25th and today) and its districts (none filed), the once check filed.
	districts := a.count(`SELECT count(*) FROM districts WHERE county_id = (SELECT id FROM counties WHERE code = 'marvdasht')`)
	res = a.get(hq, "/readiness?county=marvdasht&missed=1")
	if res.status != http.StatusOK {
		t.Fatalf("missed: %d", res.status)
	}
	rowsOf := regexp.MustCompile(`(?s)<table id="missed".*?<tbody>(.*?)</tbody>`).FindStringSubmatch(res.body)
	// The check began on 1405/09/01 (2026-11-22): four days before today, the county filed the last.
	want := 4*(1+districts) - 1
	if rowsOf == nil || strings.Count(rowsOf[1], "<tr>") != want {
		t.Fatalf("Marvdasht's missed place-days: %v, want %d", rowsOf, want)
	}
	mustContain(t, res.body, "شهرستان مرودشت و بخش‌های آن", a.missedCount(want))
	// The governor follows his home's link to his districts' misses: the same days, his county's only.
	for _, q := range []string{"county=marvdasht&missed=1", "missed=1"} {
		res := a.get(gov, "/readiness?"+q)
		rowsOf := regexp.MustCompile(`(?s)<table id="missed".*?<tbody>(.*?)</tbody>`).FindStringSubmatch(res.body)
		if res.status != http.StatusOK || rowsOf == nil || strings.Count(rowsOf[1], "<tr>") != want {
			t.Fatalf("the governor's missed place-days (%s): %d %v, want %d", q, res.status, rowsOf, want)
		}
		mustContain(t, res.body, a.missedCount(want), `<option value="marvdasht"`)
		mustNotContain(t, res.body, `<option value="pasargad"`)
	}
	if res := a.get(gov, "/readiness?county=pasargad&missed=1"); res.status != http.StatusNotFound {
		t.Fatalf("a governor's filter on another county: %d", res.status)
	}
	for _, c := range []*http.Client{observer, committee} {
		if res := a.get(c, "/readiness?county=marvdasht&missed=1"); res.status != http.StatusOK {
			t.Fatalf("a province reader's missed days: %d", res.status)
		}
	}
	if res := a.get(national, "/readiness?province=fars&county=marvdasht&missed=1"); res.status != http.StatusOK ||
		!contains(res.body, a.missedCount(want)) {
		t.Fatalf("the Ministry's missed days: %d", res.status)
	}

	// The matrix: Marvdasht filed the once check.
	res = a.get(hq, "/readiness/"+strconv.FormatInt(once, 10)+"?county=marvdasht")
	mustContain(t, res.body, `id="matrix"`, "فرمانداری مرودشت", "ثبت شد")

	// HQ edits as of the version; a stale edit comes back (409) with what was typed.
	edit := url.Values{"version": {"1"}, "title": {"سامانه ثبت‌نام آزمایش و تأیید شد"}, "items": {"ورود کاربران\nثبت داوطلب نمونه\nچاپ رسید"},
		"cadence": {"once"}, "due_date": {"۱۴۰۵/۰۹/۰۱"}}
	if res := a.post(hq, "/readiness/"+strconv.FormatInt(once, 10), edit); res.status != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.status)
	}
	if res := a.post(hq, "/readiness/"+strconv.FormatInt(once, 10), edit); res.status != http.StatusConflict ||
		!contains(res.body, "چاپ رسید") || !contains(res.body, `name="version" value="2"`) {
		t.Fatalf("a stale edit: %d", res.status)
	}
	edit.Set("version", "2")
	edit.Set("due_date", "۱۴۰۵/۰۹/۱۲")
	if res := a.post(hq, "/readiness/"+strconv.FormatInt(once, 10), edit); res.status != http.StatusUnprocessableEntity ||
		!contains(res.body, "این تغییر بیرون می‌گذارد") {
		t.Fatalf("a day that leaves a filing out: %d", res.status)
	}
	if res := a.post(hq, "/readiness/"+strconv.FormatInt(once, 10)+"/retire", url.Values{"version": {"2"}}); res.status != http.StatusOK ||
		!contains(res.body, "کنار گذاشته شود؟") {
		t.Fatalf("retire without its confirmation: %d", res.status)
	}
	if res := a.post(hq, "/readiness/"+strconv.FormatInt(once, 10)+"/retire", url.Values{"version": {"2"}, "confirm": {"yes"}}); res.status != http.StatusSeeOther {
		t.Fatalf("retire: %d", res.status)
	}
	if res := a.post(gov, path, a.itemFields(once, "2026-11-22", "2")); res.status != http.StatusConflict {
		t.Fatalf("filing a retired check: %d", res.status)
	}
}

// missedCount is how the list writes n missed days in Persian.
func (a *testApp) missedCount(n int) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '۰' + (r - '0')
		}
		return r
	}, strconv.Itoa(n)) + " ثبت جامانده"
}

// HQ's edit of a check is read within its bound: one who may not edit is refused unread (403), an
// oversized edit is refused (413) with the Persian page and changes nothing. A retired check's page offers
// HQ its restore button; restored as of its version, it is filed again (a stale or second restore: 409).
func TestReadinessBoundsAndRestore(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return trainingNow } // 1405/09/05 (2026-11-26)
	a.withElection()
	a.withTehran()
	hq, gov := a.login("hq.fars"), a.login("gov.marvdasht")
	id := a.defineCheck(hq, url.Values{"title": {"سامانه ثبت‌نام آزمایش شد"}, "items": {"ورود کاربران\nثبت داوطلب نمونه"},
		"cadence": {"once"}, "due_date": {"۱۴۰۵/۰۹/۱۰"}})
	path := "/readiness/" + strconv.FormatInt(id, 10)
	huge := url.Values{"version": {"1"}, "title": {"x"}, "items": {strings.Repeat("بند بسیار بلند\n", 3000)}, "cadence": {"once"},
		"due_date": {"۱۴۰۵/۰۹/۱۰"}}
	for _, c := range []*http.Client{gov, a.login("observer")} {
		if res := a.post(c, path, huge); res.status != http.StatusForbidden {
			t.Errorf("an oversized edit by one who may not edit: %d", res.status)
		}
	}
	res := a.post(hq, path, huge)
	a.wantStatus(res, http.StatusRequestEntityTooLarge, "an oversized edit")
	mustContain(t, res.body, "حجم فرم ارسالی از حد مجاز بیشتر است.")
	if n := a.count(`SELECT count(*) FROM readiness_items WHERE check_id = $1`, id); n != 2 ||
		a.count(`SELECT version FROM readiness_checks WHERE id = $1`, id) != 1 || a.count(`SELECT count(*) FROM audit_log WHERE action = 'readiness.edit'`) != 0 {
		t.Fatalf("an oversized edit changed the check: %d items", n)
	}

	restore := path + "/restore"
	if res := a.post(hq, restore, url.Values{"version": {"1"}}); res.status != http.StatusConflict || !contains(res.body, "این بررسی کنار گذاشته نشده است.") {
		t.Fatalf("restoring a live check: %d", res.status)
	}
	mustNotContain(t, a.get(hq, path).body, `action="`+restore+`"`)
	a.wantStatus(a.post(hq, path+"/retire", url.Values{"version": {"1"}, "confirm": {"yes"}}), http.StatusSeeOther, "retire")
	res = a.get(hq, path)
	mustContain(t, res.body, `action="`+restore+`"`, `name="version" value="2"`, "بازگرداندن بررسی")
	mustNotContain(t, a.get(a.login("observer"), path).body, `action="`+restore+`"`)
	if res := a.post(gov, restore, url.Values{"version": {"2"}}); res.status != http.StatusForbidden {
		t.Errorf("a governor restores: %d", res.status)
	}
	if res := a.post(a.login("hq.tehran"), restore, url.Values{"version": {"2"}}); res.status != http.StatusNotFound {
		t.Errorf("another province's HQ restores: %d", res.status)
	}
	if res := a.post(hq, restore, url.Values{"version": {"1"}}); res.status != http.StatusConflict || !contains(res.body, "کاربر دیگری همین حالا") {
		t.Fatalf("a stale restore: %d", res.status)
	}
	if res := a.post(hq, restore, url.Values{"version": {"2"}}); res.status != http.StatusSeeOther || res.header.Get("Location") != path {
		t.Fatalf("restore: %d %s", res.status, res.header.Get("Location"))
	}
	if n := a.count(`SELECT count(*) FROM readiness_checks WHERE id = $1 AND retired_at IS NULL AND version = 3`, id); n != 1 ||
		a.count(`SELECT count(*) FROM audit_log WHERE action = 'readiness.restore' AND entity_id = $1`, strconv.FormatInt(id, 10)) != 1 {
		t.Fatal("the check is not restored")
	}
	if res := a.post(gov, path+"/file", a.itemFields(id, "2026-12-01", "")); res.status != http.StatusSeeOther {
		t.Fatalf("filing a restored check: %d", res.status)
	}
}

// A check's days are bounded: a new check's days from today (Tehran) to two years ahead, on define and on
// edit, where the days the check already had may stay; a line written twice is refused, on define and
// on edit. Each refusal is 422 with its message and records nothing.
func TestReadinessDaysAndItemsBounded(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return trainingNow } // 1405/09/05 (2026-11-26)
	a.withElection()
	hq := a.login("hq.fars")
	past, far := "روزهای بررسی نمی‌توانند پیش از امروز باشند؛ امروز ۱۴۰۵/۰۹/۰۵ است.", "روزهای بررسی نمی‌توانند دیرتر از ۱۴۰۷/۰۹/۰۵ باشند."
	for _, c := range []struct {
		name string
		form url.Values
		want string
	}{
		{"year 1", url.Values{"cadence": {"once"}, "due_date": {"1/1/1"}}, past},
		{"1300", url.Values{"cadence": {"once"}, "due_date": {"1300/01/01"}}, past},
		{"yesterday", url.Values{"cadence": {"once"}, "due_date": {"1405/09/04"}}, past},
		{"1499", url.Values{"cadence": {"once"}, "due_date": {"1499/01/01"}}, far},
		{"past two years", url.Values{"cadence": {"once"}, "due_date": {"1407/09/06"}}, far},
		{"daily 1380", url.Values{"cadence": {"daily"}, "starts_on": {"1380/01/01"}, "ends_on": {"1380/12/01"}}, past},
		{"daily ending far", url.Values{"cadence": {"daily"}, "starts_on": {"1407/09/01"}, "ends_on": {"1407/09/10"}}, far},
		{"repeated items", url.Values{"cadence": {"once"}, "due_date": {"1405/09/05"}, "items": {"a\na\na"}}, "بند «a» بیش از یک بار آمده است؛ هر بند را یک بار بنویسید."},
	} {
		c.form.Set("title", "بررسی")
		if c.form.Get("items") == "" {
			c.form.Set("items", "بند یک")
		}
		res := a.post(hq, "/readiness", c.form)
		if res.status != http.StatusUnprocessableEntity || !contains(res.body, c.want) {
			t.Errorf("%s: %d, want 422 saying %q", c.name, res.status, c.want)
		}
	}
	if n := a.count(`SELECT count(*) FROM readiness_checks`); n != 0 {
		t.Fatalf("%d checks after refused forms", n)
	}
	// Today and two years ahead are the bounds, both taken.
	a.wantStatus(a.post(hq, "/readiness", url.Values{"title": {"امروز"}, "items": {"بند"}, "cadence": {"once"}, "due_date": {"1405/09/05"}}),
		http.StatusSeeOther, "a check due today")
	a.wantStatus(a.post(hq, "/readiness", url.Values{"title": {"دو سال"}, "items": {"بند"}, "cadence": {"daily"}, "starts_on": {"1407/08/01"},
		"ends_on": {"1407/09/05"}}), http.StatusSeeOther, "a check ending two years ahead")

	// Edits: a check defined earlier, its first days now past, keeps them; days it did not have obey the window.
	id := a.defineCheck(hq, url.Values{"title": {"روزانه"}, "items": {"بند یک\nبند دو"}, "cadence": {"daily"}, "starts_on": {"1405/09/01"},
		"ends_on": {"1405/09/10"}})
	path := "/readiness/" + strconv.FormatInt(id, 10)
	edit := func(version, starts, ends, items string) response {
		return a.post(hq, path, url.Values{"version": {version}, "title": {"روزانه"}, "items": {items}, "cadence": {"daily"},
			"starts_on": {starts}, "ends_on": {ends}})
	}
	for _, c := range []struct {
		name, starts, ends, items, want string
	}{
		{"an earlier first day", "1405/08/30", "1405/09/10", "بند یک", past},
		{"year 1 days", "1/1/1", "1/1/5", "بند یک", past},
		{"1499 days", "1499/01/01", "1499/01/05", "بند یک", far},
		{"a last day past two years", "1405/09/01", "1407/09/06", "بند یک", "روزهای بررسی روزانه دست‌بالا ۴۰۰ روز است."},
		{"repeated items", "1405/09/01", "1405/09/10", "بند یک\nبند دو\nبند یک", "بند «بند یک» بیش از یک بار آمده است"},
	} {
		if res := edit("1", c.starts, c.ends, c.items); res.status != http.StatusUnprocessableEntity || !contains(res.body, c.want) {
			t.Errorf("edit, %s: %d, want 422 saying %q", c.name, res.status, c.want)
		}
	}
	if n := a.count(`SELECT version FROM readiness_checks WHERE id = $1`, id); n != 1 {
		t.Fatalf("refused edits changed the check: version %d", n)
	}
	a.wantStatus(edit("1", "1405/09/01", "1405/09/20", "بند یک\nبند دو"), http.StatusSeeOther, "an edit keeping its past days, adding later ones")
	if n := a.count(`SELECT count(*) FROM readiness_checks WHERE id = $1 AND starts_on = '2026-11-22' AND ends_on = '2026-12-11'`, id); n != 1 {
		t.Fatal("the edit is not recorded")
	}

	// A filing made before an item was added reads as that item not answered: its form and the check's
	// page draw, the old answers with their items.
	gov := a.login("gov.marvdasht")
	a.wantStatus(a.post(gov, path+"/file", a.itemFields(id, "2026-11-23", "")), http.StatusSeeOther, "filing")
	a.wantStatus(edit("2", "1405/09/01", "1405/09/20", "بند دو\nبند سه\nبند یک"), http.StatusSeeOther, "an edit swapping and adding lines")
	res := a.get(gov, path+"/file?day=2026-11-23")
	a.wantStatus(res, http.StatusOK, "the old filing's form")
	mustContain(t, res.body, "بند سه", `name="version" value="1"`)
	if n := strings.Count(res.body, ">انجام شد</textarea>"); n != 2 {
		t.Errorf("the old filing's form shows %d notes, want 2 (the new item unanswered)", n)
	}
	a.wantStatus(a.get(a.login("hq.fars"), path), http.StatusOK, "the check's page")
}

// More places than a check's list names: every check still counts all who have not filed its day, the
// last defined as well as the first, and its list says how many it leaves out.
func TestReadinessUnfiledBeyondTheList(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return trainingNow } // 1405/09/05 (2026-11-26)
	a.withElection()
	hq, gov := a.login("hq.fars"), a.login("gov.marvdasht")
	a.exec(`INSERT INTO districts (county_id, code, name_fa, name_en)
		SELECT c.id, 'extra-' || i, 'بخش ' || i, 'District ' || i FROM counties c, generate_series(1, 2100) i WHERE c.code = 'marvdasht'`)
	var ids []int64
	for _, title := range []string{"بررسی نخست", "بررسی دوم"} {
		ids = append(ids, a.defineCheck(hq, url.Values{"title": {title}, "items": {"بند"}, "cadence": {"daily"},
			"starts_on": {"۱۴۰۵/۰۹/۰۵"}, "ends_on": {"۱۴۰۵/۰۹/۱۰"}, "include_districts": {"1"}}))
	}
	if res := a.post(gov, "/readiness/"+itoa(ids[1])+"/file", a.itemFields(ids[1], "2026-11-26", "")); res.status != http.StatusSeeOther {
		t.Fatalf("filing: %d", res.status)
	}
	places := a.count(`SELECT (SELECT count(*) FROM counties c JOIN provinces p ON p.id = c.province_id WHERE p.code = 'fars')
		+ (SELECT count(*) FROM districts d JOIN counties c ON c.id = d.county_id JOIN provinces p ON p.id = c.province_id WHERE p.code = 'fars')`)
	if places <= 2000 {
		t.Fatalf("only %d places", places)
	}
	body := a.get(hq, "/readiness").body
	for i, id := range ids {
		card := body[strings.Index(body, `id="check-`+itoa(id)+`"`):]
		if end := strings.Index(card[1:], `class="card"`); end > 0 {
			card = card[:end]
		}
		unfiled := places - i // Marvdasht filed the second
		mustContain(t, card, i18n.Fa.Num(unfiled)+" جا برای ۱۴۰۵/۰۹/۰۵ ثبت نکرده‌اند", "و "+i18n.Fa.Num(unfiled-100)+" جای دیگر")
		mustNotContain(t, card, "همه برای")
		if n := strings.Count(card, "<li>"); n != 100 {
			t.Errorf("check %d names %d places, want 100", i, n)
		}
	}
}
