package server

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
	webi "github.com/setad/setad/web/incidents"
)

var (
	incidentAddress = regexp.MustCompile(`^/incidents/(\d+)$`)
	incidentLink    = regexp.MustCompile(`href="/incidents/(\d+)"`)
)

// sinceNow is a start an hour ago as the form takes it: the Jalali day and the time in Tehran.
func sinceNow() string {
	t := time.Now().Add(-time.Hour).In(i18n.Tehran)
	return persian.FromTime(t).String() + " " + t.Format("15:04")
}

// reportIncident posts an incident and returns its id.
func (a *testApp) reportIncident(c *http.Client, system, severity, title string, districts ...string) string {
	a.t.Helper()
	res := a.post(c, "/incidents", url.Values{"system": {system}, "title": {title}, "body": {"شرح " + title}, "severity": {severity},
		"since": {sinceNow()}, "district": districts})
	m := incidentAddress.FindStringSubmatch(res.header.Get("Location"))
	if res.status != http.StatusSeeOther || m == nil {
		a.t.Fatalf("report %q: %d %s", title, res.status, res.header.Get("Location"))
	}
	return m[1]
}

// incidentVersion is an incident's version.
func (a *testApp) incidentVersion(id string) string {
	return itoa(int64(a.count(`SELECT version FROM incidents WHERE id = $1`, mustInt(a.t, id))))
}

// listed are the incidents a list page links to, in its order.
func listed(body string) []string {
	var ids []string
	for _, m := range incidentLink.FindAllStringSubmatch(body, -1) {
		if !slices.Contains(ids, m[1]) {
			ids = append(ids, m[1])
		}
	}
	return ids
}

// The example under the since field, and in its message, is taken by the field at any hour, in either
// language: never ahead of now, in the reader's calendar.
func TestSinceExample(t *testing.T) {
	for _, tt := range []struct {
		now    time.Time
		fa, en string
	}{
		{time.Date(2026, 11, 30, 20, 40, 0, 0, time.UTC), "۱۴۰۵/۰۹/۱۰ ۰۰:۰۰", "2026-12-01 00:00"}, // 00:10 in Tehran
		{time.Date(2026, 12, 1, 2, 20, 0, 0, time.UTC), "۱۴۰۵/۰۹/۱۰ ۰۵:۰۰", "2026-12-01 05:00"},
		{time.Date(2026, 12, 1, 20, 29, 0, 0, time.UTC), "۱۴۰۵/۰۹/۱۰ ۲۳:۰۰", "2026-12-01 23:00"},
	} {
		for lang, want := range map[i18n.Lang]string{i18n.Fa: tt.fa, i18n.En: tt.en} {
			got := webi.SinceExample(lang, tt.now)
			if got != want {
				t.Errorf("%s at %v: %q, want %q", lang, tt.now, got, want)
			}
			if _, msg := readSince(lang, persian.ToLatinDigits(got), tt.now); !msg.IsZero() { // as the form reads it
				t.Errorf("%s at %v: the example %q is refused: %v", lang, tt.now, got, msg)
			}
		}
	}
}

// Reporting: a governor's form lists the systems and his county's districts; a form with errors comes
// back filled (422), each field with its message; a report goes to its page (303) and tells the
// committee; a district head's incident is his district's; those who do not report are refused.
func TestIncidentReportForm(t *testing.T) {
	a := newTestApp(t)
	gov, dh := a.login("gov.marvdasht"), a.login("dh.marvdasht")
	for _, u := range []string{"hq.fars", "committee", "observer", "national"} {
		c := a.login(u)
		if res := a.get(c, "/incidents/new"); res.status != http.StatusForbidden {
			t.Errorf("%s opens the report form: %d", u, res.status)
		}
		if res := a.post(c, "/incidents", url.Values{"title": {"x"}}); res.status != http.StatusForbidden {
			t.Errorf("%s reports: %d", u, res.status)
		}
	}
	res := a.get(gov, "/incidents/new")
	a.wantStatus(res, http.StatusOK, "form")
	mustContain(t, res.body, "سامانه شمارش آرا", `value="marvdasht-central"`, `name="since"`)

	for _, tt := range []struct {
		since, msg string
	}{
		{"1405/13/40 10:00", "تاریخ"},
		{"1405/01/01 25:00", webi.SinceExample(i18n.Fa, a.s.now())},
		{persian.FromTime(time.Now().In(i18n.Tehran).AddDate(0, 0, 2)).String(), "پس از اکنون"},
		{"1390/01/01", "یک سال"},
	} {
		res = a.post(gov, "/incidents", url.Values{"system": {"counting"}, "title": {"کندی شمارش"}, "body": {""}, "severity": {"high"},
			"since": {tt.since}, "district": {"marvdasht-central"}})
		a.wantStatus(res, http.StatusUnprocessableEntity, "since "+tt.since)
		mustContain(t, res.body, `value="کندی شمارش"`, `value="marvdasht-central" checked`, `<option value="high" selected>`,
			`value="`+tt.since+`"`, tt.msg)
	}
	res = a.post(gov, "/incidents", url.Values{"system": {""}, "title": {"x"}, "body": {"y"}, "severity": {"urgent"}, "since": {sinceNow()},
		"district": {"pasargad-central"}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "bad choices")
	mustContain(t, res.body, "سامانه‌ای از فهرست برگزینید", "شدت را برگزینید")
	res = a.post(gov, "/incidents", url.Values{"system": {"counting"}, "title": {"x"}, "body": {"y"}, "severity": {"low"}, "since": {sinceNow()},
		"district": {"pasargad-central"}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "another county's district")
	mustContain(t, res.body, "بخش‌ها را از بخش‌های شهرستان خود برگزینید")
	many := make([]string, 101)
	for i := range many {
		many[i] = "marvdasht-central"
	}
	res = a.post(gov, "/incidents", url.Values{"system": {"counting"}, "title": {"x"}, "body": {"y"}, "severity": {"low"}, "since": {sinceNow()},
		"district": many})
	a.wantStatus(res, http.StatusUnprocessableEntity, "a hundred and one districts")
	mustContain(t, res.body, "بخش‌ها را از بخش‌های شهرستان خود برگزینید")
	if n := a.count(`SELECT count(*) FROM incidents`); n != 0 {
		t.Fatalf("%d incidents after refused reports", n)
	}

	id := a.reportIncident(gov, "counting", "critical", "توقف شمارش", "marvdasht-central")
	res = a.get(gov, "/incidents/"+id)
	a.wantStatus(res, http.StatusOK, "incident")
	mustContain(t, res.body, "توقف شمارش", "بحرانی", "در انتظار رسیدگی", "کمیته فناوری", "مرکزی", "گزارش شد با شدت بحرانی")
	if n := a.count(`SELECT count(*) FROM notifications WHERE kind = 'incident_critical' AND subject_id = $1`, mustInt(t, id)); n != 2 {
		t.Errorf("%d critical notices, want HQ's and the committee's", n)
	}
	// The same form posted twice records one incident, and its second post goes to it.
	once := url.Values{"system": {"counting"}, "title": {"دوبار"}, "body": {"متن"}, "severity": {"low"}, "since": {sinceNow()},
		"form_id": {onceID(t, a.get(gov, "/incidents/new").body)}}
	first := a.post(gov, "/incidents", once)
	second := a.post(gov, "/incidents", once)
	if first.status != http.StatusSeeOther || second.status != http.StatusSeeOther ||
		second.header.Get("Location") != first.header.Get("Location") {
		t.Errorf("posted twice: %d %s, then %d %s", first.status, first.header.Get("Location"), second.status, second.header.Get("Location"))
	}
	if n := a.count(`SELECT count(*) FROM incidents WHERE title = 'دوبار'`); n != 1 {
		t.Errorf("%d incidents from one form posted twice", n)
	}
	// The district head names another district: his own is the one affected.
	own := a.reportIncident(dh, "result-transmission", "low", "خطای ارسال", "marvdasht-dorudzan")
	if n := a.count(`SELECT count(*) FROM incident_districts x JOIN districts d ON d.id = x.district_id
		WHERE x.incident_id = $1 AND d.code = 'marvdasht-central'`, mustInt(t, own)); n != 1 {
		t.Errorf("the district head's incident affects not only his district")
	}
}

// Each reads the incidents of his scope and no other: another county's governor, another province's
// HQ and the head of a district the incident does not affect find nothing there (404), to read or to act.
func TestIncidentScopePages(t *testing.T) {
	a := newTestApp(t)
	a.withTehran()
	gov := a.login("gov.marvdasht")
	county := a.reportIncident(gov, "counting", "high", "شهرستان")
	district := a.reportIncident(gov, "counting", "high", "بخش مرکزی", "marvdasht-central")
	for _, tt := range []struct {
		user, id string
		want     int
	}{
		{"gov.pasargad", county, http.StatusNotFound},
		{"hq.tehran", county, http.StatusNotFound},
		{"dh.marvdasht", county, http.StatusNotFound},
		{"dh.marvdasht", district, http.StatusOK},
		{"hq.fars", county, http.StatusOK},
		{"observer", county, http.StatusOK},
		{"committee", county, http.StatusOK},
		{"national", county, http.StatusOK},
	} {
		c := a.login(tt.user)
		if res := a.get(c, "/incidents/"+tt.id); res.status != tt.want {
			t.Errorf("%s reads incident %s: %d, want %d", tt.user, tt.id, res.status, tt.want)
		}
		if tt.want == http.StatusNotFound {
			for _, act := range []string{"/acknowledge", "/notes", "/severity", "/resolve", "/reopen"} {
				if res := a.post(c, "/incidents/"+tt.id+act, url.Values{"version": {"1"}, "note": {"x"}}); res.status != http.StatusNotFound {
					t.Errorf("%s posts %s: %d, want 404", tt.user, act, res.status)
				}
			}
		}
	}
	if res := a.get(a.login("hq.tehran"), "/incidents"); len(listed(res.body)) != 0 {
		t.Errorf("Tehran's HQ lists Fars's incidents: %v", listed(res.body))
	}
}

// The list's filters keep the rows they name (the dashboard links to them), for each reader's scope.
func TestIncidentListFilters(t *testing.T) {
	a := newTestApp(t)
	gov, pas, dh := a.login("gov.marvdasht"), a.login("gov.pasargad"), a.login("dh.marvdasht")
	critical := a.reportIncident(gov, "counting", "critical", "الف")
	low := a.reportIncident(gov, "voter-authentication", "low", "ب")
	fromDistrict := a.reportIncident(dh, "result-transmission", "high", "پ")
	pasargad := a.reportIncident(pas, "counting", "critical", "ت")
	tech := a.login("committee")
	a.wantStatus(a.post(tech, "/incidents/"+pasargad+"/resolve", url.Values{"version": {"1"}, "resolution": {"حل شد"}}), http.StatusSeeOther, "resolve")
	a.wantStatus(a.post(tech, "/incidents/"+low+"/acknowledge", url.Values{"version": {"1"}}), http.StatusSeeOther, "acknowledge")
	hq := a.login("hq.fars")
	for _, tt := range []struct {
		who  *http.Client
		path string
		want []string
	}{
		{hq, "/incidents", []string{pasargad, fromDistrict, low, critical}},
		{hq, "/incidents?county=marvdasht&severity=critical&open=1", []string{critical}},
		{hq, "/incidents?severity=critical", []string{pasargad, critical}},
		{hq, "/incidents?status=resolved", []string{pasargad}},
		{hq, "/incidents?status=acknowledged", []string{low}},
		{hq, "/incidents?status=open", []string{fromDistrict, critical}},
		{hq, "/incidents?status=unresolved", []string{fromDistrict, low, critical}},
		{hq, "/incidents?open=1", []string{fromDistrict, low, critical}},
		{hq, "/incidents?system=counting", []string{pasargad, critical}},
		{hq, "/incidents?county=pasargad", []string{pasargad}},
		{gov, "/incidents", []string{fromDistrict, low, critical}},
		{dh, "/incidents", []string{fromDistrict}},
		{a.login("national"), "/incidents", []string{pasargad, fromDistrict, low, critical}},
		{a.login("national"), "/incidents?province=fars&open=1&severity=critical", []string{critical}},
	} {
		res := a.get(tt.who, tt.path)
		a.wantStatus(res, http.StatusOK, tt.path)
		if got := listed(res.body); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.path, got, tt.want)
		}
	}
	if res := a.get(a.login("national"), "/incidents?province=nope"); res.status != http.StatusNotFound {
		t.Errorf("an unknown province: %d", res.status)
	}
	// A county that is not the reader's, or none, is 404 as on every list, for every reader.
	a.withTehran()
	for _, tt := range []struct {
		who  string
		path string
	}{
		{"hq.fars", "/incidents?county=nope"},
		{"hq.fars", "/incidents?county=NOPE!"},
		{"hq.tehran", "/incidents?county=marvdasht"},
		{"gov.marvdasht", "/incidents?county=pasargad"},
		{"dh.marvdasht", "/incidents?county=pasargad"},
		{"observer", "/incidents?county=nope"},
		{"committee", "/incidents?county=nope"},
		{"national", "/incidents?county=nope"},
		{"national", "/incidents?province=tehran&county=marvdasht"},
	} {
		if res := a.get(a.login(tt.who), tt.path); res.status != http.StatusNotFound {
			t.Errorf("%s reads %s: %d, want 404", tt.who, tt.path, res.status)
		}
	}
	for _, tt := range []struct {
		who  *http.Client
		path string
		want []string
	}{
		{gov, "/incidents?county=marvdasht", []string{fromDistrict, low, critical}},
		{a.login("national"), "/incidents?county=pasargad", []string{pasargad}},
	} {
		res := a.get(tt.who, tt.path)
		a.wantStatus(res, http.StatusOK, tt.path)
		if got := listed(res.body); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.path, got, tt.want)
		}
	}
	res := a.get(hq, "/incidents?county=marvdasht&severity=critical&open=1")
	mustContain(t, res.body, `<option value="marvdasht" selected>`, `<option value="critical" selected>`, `<option value="unresolved" selected>`)
}

// The owner committee takes an incident up and resolves it; the reporting place and the committee note
// it, change its severity and reopen it; a stale version is refused (409) with the page as it is now; a
// form with errors comes back filled (422); another committee, HQ and the observer act on nothing (403).
func TestIncidentActs(t *testing.T) {
	a := newTestApp(t)
	a.withLegal()
	gov, tech, legal := a.login("gov.marvdasht"), a.login("committee"), a.login("legal.fars")
	id := a.reportIncident(gov, "counting", "medium", "کندی")
	path := "/incidents/" + id
	for _, c := range []*http.Client{legal, a.login("hq.fars"), a.login("observer"), gov} {
		if res := a.post(c, path+"/acknowledge", url.Values{"version": {"1"}}); res.status != http.StatusForbidden {
			t.Errorf("acknowledged by another: %d", res.status)
		}
		if res := a.post(c, path+"/resolve", url.Values{"version": {"1"}, "resolution": {"x"}}); res.status != http.StatusForbidden {
			t.Errorf("resolved by another: %d", res.status)
		}
	}
	if res := a.post(legal, path+"/notes", url.Values{"note": {"x"}}); res.status != http.StatusForbidden {
		t.Errorf("another committee notes: %d", res.status)
	}
	res := a.get(tech, path)
	mustContain(t, res.body, `action="/incidents/`+id+`/acknowledge"`, `action="/incidents/`+id+`/resolve"`)
	res = a.get(legal, path)
	mustNotContain(t, res.body, `/acknowledge"`, `/resolve"`, `/notes"`)

	res = a.post(tech, path+"/acknowledge", url.Values{"version": {"2"}})
	a.wantStatus(res, http.StatusConflict, "stale acknowledge")
	mustContain(t, res.body, "کاربر دیگری همین حالا تغییر داده است")
	a.wantStatus(a.post(tech, path+"/acknowledge", url.Values{"version": {"1"}}), http.StatusSeeOther, "acknowledge")
	res = a.post(tech, path+"/acknowledge", url.Values{"version": {"2"}})
	a.wantStatus(res, http.StatusConflict, "acknowledged twice")
	mustContain(t, res.body, "با وضعیت کنونی حادثه جور نیست", "در دست رسیدگی")

	res = a.post(gov, path+"/notes", url.Values{"note": {""}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "an empty note")
	a.wantStatus(a.post(gov, path+"/notes", url.Values{"note": {"هنوز کند است"}}), http.StatusSeeOther, "note")
	res = a.post(gov, path+"/severity", url.Values{"version": {"1"}, "severity": {"critical"}})
	a.wantStatus(res, http.StatusConflict, "stale severity")
	mustContain(t, res.body, `<option value="critical" selected>`)
	a.wantStatus(a.post(gov, path+"/severity", url.Values{"version": {"2"}, "severity": {"critical"}}), http.StatusSeeOther, "severity")
	res = a.post(tech, path+"/resolve", url.Values{"version": {"3"}, "resolution": {""}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "an empty resolution")
	mustContain(t, res.body, `id="resolve"`)
	res = a.post(tech, path+"/resolve", url.Values{"version": {"2"}, "resolution": {"خط پشتیبان وصل شد"}})
	a.wantStatus(res, http.StatusConflict, "stale resolve")
	mustContain(t, res.body, "خط پشتیبان وصل شد")
	a.wantStatus(a.post(tech, path+"/resolve", url.Values{"version": {"3"}, "resolution": {"خط پشتیبان وصل شد"}}), http.StatusSeeOther, "resolve")
	res = a.get(gov, path)
	mustContain(t, res.body, "برطرف شد", "خط پشتیبان وصل شد", "هنوز کند است", "شدت به بحرانی تغییر کرد", `/reopen"`)
	mustNotContain(t, res.body, `/notes"`, `/severity"`)
	a.wantStatus(a.post(gov, path+"/reopen", url.Values{"version": {"4"}, "note": {"دوباره کند شد"}}), http.StatusSeeOther, "reopen")
	if s := a.count(`SELECT count(*) FROM incidents WHERE id = $1 AND status = 'open' AND version = 5`, mustInt(t, id)); s != 1 {
		t.Error("the incident is not open again")
	}
	if n := a.count(`SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.kind = 'incident_update' AND u.username = 'gov.marvdasht'`); n == 0 {
		t.Error("the reporting governor was not told")
	}
}

// HQ keeps the province's systems: adds one (a malformed or taken key refused on its field), renames it
// or gives it to another committee as of its version, retires it (the report form no longer offers it)
// and restores it; nobody else may.
func TestSystemsAdmin(t *testing.T) {
	a := newTestApp(t)
	hq, gov := a.login("hq.fars"), a.login("gov.marvdasht")
	for _, u := range []string{"gov.marvdasht", "committee", "observer", "national"} {
		if res := a.get(a.login(u), "/admin/systems"); res.status != http.StatusForbidden {
			t.Errorf("%s opens the systems: %d", u, res.status)
		}
	}
	res := a.get(hq, "/admin/systems")
	a.wantStatus(res, http.StatusOK, "list")
	mustContain(t, res.body, "سامانه ثبت‌نام داوطلبان", "سامانه ارسال نتایج", "کمیته مسئول: کمیته فناوری", `action="/admin/systems/counting/retire"`)

	res = a.post(hq, "/admin/systems", url.Values{"key": {"SMS Gate"}, "name_fa": {"درگاه پیامک"}, "name_en": {"SMS gateway"}, "committee": {"technology"}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "bad key")
	mustContain(t, res.body, `value="درگاه پیامک"`, "شناسه با حرف کوچک لاتین آغاز می‌شود")
	res = a.post(hq, "/admin/systems", url.Values{"key": {"counting"}, "name_fa": {"درگاه پیامک"}, "name_en": {"SMS gateway"}, "committee": {"technology"}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "taken key")
	mustContain(t, res.body, "سامانه‌ای با این شناسه هست")
	a.wantStatus(a.post(hq, "/admin/systems", url.Values{"key": {"sms-gateway"}, "name_fa": {"درگاه پیامک"}, "name_en": {"SMS gateway"},
		"committee": {"technology"}}), http.StatusSeeOther, "add")
	mustContain(t, a.get(gov, "/incidents/new").body, "درگاه پیامک")

	res = a.post(hq, "/admin/systems/sms-gateway", url.Values{"version": {"2"}, "name_fa": {"سامانه پیامک"}, "name_en": {"SMS"}, "committee": {"legal"}})
	a.wantStatus(res, http.StatusConflict, "stale edit")
	mustContain(t, res.body, `value="سامانه پیامک"`)
	a.wantStatus(a.post(hq, "/admin/systems/sms-gateway", url.Values{"version": {"1"}, "name_fa": {"سامانه پیامک"}, "name_en": {"SMS"},
		"committee": {"legal"}}), http.StatusSeeOther, "edit")
	mustContain(t, a.get(hq, "/admin/systems").body, "سامانه پیامک", "کمیته مسئول: کمیته حقوقی")
	a.wantStatus(a.post(hq, "/admin/systems/sms-gateway/retire", url.Values{"version": {"2"}}), http.StatusSeeOther, "retire")
	mustNotContain(t, a.get(gov, "/incidents/new").body, "سامانه پیامک")
	res = a.post(gov, "/incidents", url.Values{"system": {"sms-gateway"}, "title": {"x"}, "body": {"y"}, "severity": {"low"}, "since": {sinceNow()}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "a retired system")
	a.wantStatus(a.post(hq, "/admin/systems/sms-gateway/retire", url.Values{"version": {"2"}}), http.StatusConflict, "stale retire")
	a.wantStatus(a.post(hq, "/admin/systems/sms-gateway/restore", url.Values{"version": {"3"}}), http.StatusSeeOther, "restore")
	if res := a.post(hq, "/admin/systems/nope/retire", url.Values{"version": {"1"}}); res.status != http.StatusNotFound {
		t.Errorf("an unknown system: %d", res.status)
	}
	if res := a.post(gov, "/admin/systems/counting/retire", url.Values{"version": {"1"}}); res.status != http.StatusForbidden {
		t.Errorf("a governor retires: %d", res.status)
	}
	if !strings.Contains(a.get(hq, "/audit").body, "سامانه") {
		t.Error("the log does not show the systems' changes")
	}
}

// An act's form is read only for one who may take it, within a bound of its own: another committee's
// oversized note is refused as not his (403) and another county's as not found (404), unread; the reporting
// governor's note a character too long comes back (422) with its message and what he typed; one far over
// the bound is refused (413) with the Persian page; nothing of it is written.
func TestIncidentActBounds(t *testing.T) {
	a := newTestApp(t)
	a.withLegal()
	gov, tech := a.login("gov.marvdasht"), a.login("committee")
	id := a.reportIncident(gov, "counting", "medium", "کندی")
	path := "/incidents/" + id
	written := func() int {
		return a.count(`SELECT count(*) FROM incident_events WHERE incident_id = $1`, mustInt(t, id)) +
			a.count(`SELECT count(*) FROM audit_log WHERE entity = 'incident' AND entity_id = $1`, id)
	}
	before := written()
	huge := strings.Repeat("ب", 6000) // 36,000 bytes posted: over a note's bound, under every form's
	for _, tt := range []struct {
		user, act string
		want      int
	}{
		{"legal.fars", "/notes", http.StatusForbidden},
		{"legal.fars", "/resolve", http.StatusForbidden},
		{"observer", "/reopen", http.StatusForbidden},
		{"gov.pasargad", "/notes", http.StatusNotFound},
	} {
		res := a.post(a.login(tt.user), path+tt.act, url.Values{"version": {"1"}, "note": {huge}, "resolution": {huge}})
		a.wantStatus(res, tt.want, tt.user+" "+tt.act)
	}
	long := strings.Repeat("ب", maxIncidentNote+1)
	res := a.post(gov, path+"/notes", url.Values{"note": {long}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "a note a character too long")
	mustContain(t, res.body, "این مقدار بیش از اندازه طولانی است.", ">"+long+"</textarea>")
	for _, post := range []struct {
		who        *http.Client
		act, field string
	}{{gov, "/notes", "note"}, {tech, "/resolve", "resolution"}, {gov, "/severity", "severity"}, {tech, "/acknowledge", "x"}} {
		res = a.post(post.who, path+post.act, url.Values{"version": {"1"}, post.field: {huge}})
		a.wantStatus(res, http.StatusRequestEntityTooLarge, "an oversized "+post.act)
		mustContain(t, res.body, "حجم فرم ارسالی از حد مجاز بیشتر است.")
	}
	if n := written(); n != before {
		t.Errorf("%d events and audit rows after refused acts, want %d", n, before)
	}
	if n := a.count(`SELECT count(*) FROM incidents WHERE id = $1 AND status = 'open' AND version = 1`, mustInt(t, id)); n != 1 {
		t.Error("the incident changed")
	}
}

// The Ministry's list of every province's incidents filters them by system: the systems of all
// provinces, each key once, and the filter keeps the incidents of that system in any province.
func TestIncidentNationalSystems(t *testing.T) {
	a := newTestApp(t)
	a.withTehran()
	// Tehran keeps Fars's systems, and one of its own.
	a.exec(`INSERT INTO election_systems (province_id, key, name_fa, name_en, owner_committee, position)
		SELECT t.id, s.key, s.name_fa, s.name_en, s.owner_committee, s.position FROM election_systems s
		JOIN provinces f ON f.id = s.province_id AND f.code = 'fars' CROSS JOIN provinces t WHERE t.code = 'tehran'
		UNION ALL SELECT id, 'metro-gates', 'دروازه‌های مترو', 'Metro gates', 'technology', 99 FROM provinces WHERE code = 'tehran'`)
	gov := a.login("gov.marvdasht")
	counting := a.reportIncident(gov, "counting", "high", "شمارش")
	a.reportIncident(gov, "voter-authentication", "low", "احراز هویت")
	national := a.login("national")
	res := a.get(national, "/incidents")
	a.wantStatus(res, http.StatusOK, "the national list")
	options := regexp.MustCompile(`(?s)<select[^>]*name="system".*?</select>`).FindString(res.body)
	values := regexp.MustCompile(`<option value="([a-z][a-z0-9-]+)"`).FindAllStringSubmatch(options, -1)
	if want := a.count(`SELECT count(DISTINCT key) FROM election_systems`); len(values) != want || strings.Count(options, `value="counting"`) != 1 {
		t.Errorf("the national system filter: %d options, want %d, each key once: %s", len(values), want, options)
	}
	mustContain(t, options, "سامانه شمارش آرا", `<option value="metro-gates">`)
	res = a.get(national, "/incidents?system=counting")
	if got := listed(res.body); !slices.Equal(got, []string{counting}) {
		t.Errorf("the national list of the counting system: %v, want %v", got, []string{counting})
	}
	mustContain(t, res.body, `<option value="counting" selected>`)
}

// The reporting place only raises its incident's severity: lowering it is 422 with the form kept and its
// message, nothing changed; the owner committee lowers it, and lowering from critical tells HQ. A note's
// form posted twice records one note.
func TestIncidentSeverityLoweredAndNoteOnce(t *testing.T) {
	a := newTestApp(t)
	gov, tech := a.login("gov.marvdasht"), a.login("committee")
	id := a.reportIncident(gov, "counting", "critical", "شمارش از کار افتاد")
	path := "/incidents/" + id
	a.wantStatus(a.post(tech, path+"/acknowledge", url.Values{"version": {"1"}}), http.StatusSeeOther, "acknowledge")

	// The reporter is offered only the severities from the incident's up; the committee every one.
	page := a.get(gov, path).body
	form := page[strings.Index(page, `action="`+path+`/severity"`):]
	form = form[:strings.Index(form, "</form>")]
	if strings.Contains(form, `<option value="low"`) || !strings.Contains(form, `<option value="critical" selected>`) ||
		!strings.Contains(form, "گزارش‌دهنده شدت را تنها بالا می‌برد") {
		t.Errorf("the reporter's severity form offers a lower severity, or does not say why not:\n%s", form)
	}
	if page := a.get(tech, path).body; !strings.Contains(page, `<option value="low"`) {
		t.Error("the committee is not offered a lower severity")
	}
	res := a.post(gov, path+"/severity", url.Values{"version": {"2"}, "severity": {"low"}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "the reporter lowers")
	mustContain(t, res.body, "گزارش‌دهنده شدت حادثه را تنها بالا می‌برد؛ شدت اکنون «بحرانی» است.", `<option value="low" selected>`)
	if n := a.count(`SELECT count(*) FROM incidents WHERE id = $1 AND severity = 'critical' AND version = 2`, mustInt(t, id)); n != 1 {
		t.Fatal("the reporter's lowering changed the incident")
	}
	updates := func() int {
		return a.count(`SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
			WHERE n.kind = 'incident_update' AND n.subject_id = $1 AND u.username = 'hq.fars'`, mustInt(t, id))
	}
	if n := updates(); n != 0 {
		t.Fatalf("HQ told of an update before any: %d", n)
	}
	a.wantStatus(a.post(tech, path+"/severity", url.Values{"version": {"2"}, "severity": {"low"}}), http.StatusSeeOther, "the committee lowers")
	if n := a.count(`SELECT count(*) FROM incidents WHERE id = $1 AND severity = 'low' AND version = 3`, mustInt(t, id)); n != 1 {
		t.Fatal("the committee's lowering is not recorded")
	}
	if n := updates(); n != 1 {
		t.Fatalf("HQ told %d times of the lowering from critical, want 1", n)
	}
	// Raising is the reporter's; lowering again is not, and tells nobody (not from critical).
	a.wantStatus(a.post(gov, path+"/severity", url.Values{"version": {"3"}, "severity": {"high"}}), http.StatusSeeOther, "the reporter raises")
	a.wantStatus(a.post(gov, path+"/severity", url.Values{"version": {"4"}, "severity": {"medium"}}), http.StatusUnprocessableEntity, "the reporter lowers from high")
	a.wantStatus(a.post(tech, path+"/severity", url.Values{"version": {"4"}, "severity": {"medium"}}), http.StatusSeeOther, "the committee lowers from high")
	if n := updates(); n != 1 {
		t.Fatalf("HQ told %d times, want 1 (only a lowering from critical)", n)
	}

	note := url.Values{"note": {"خط پشتیبان وصل شد"}, "form_id": {onceID(t, a.get(gov, path).body)}}
	first, again := a.post(gov, path+"/notes", note), a.post(gov, path+"/notes", note)
	if first.status != http.StatusSeeOther || again.status != http.StatusSeeOther || again.header.Get("Location") != path {
		t.Fatalf("a note posted twice: %d, %d %s", first.status, again.status, again.header.Get("Location"))
	}
	if n := a.count(`SELECT count(*) FROM incident_events WHERE incident_id = $1 AND kind = 'note'`, mustInt(t, id)); n != 1 {
		t.Errorf("%d notes from one form", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'incident.note' AND entity_id = $1`, id); n != 1 {
		t.Errorf("%d audit rows of one note", n)
	}
}
