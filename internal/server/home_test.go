package server

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/store"
)

func TestHomePerRole(t *testing.T) {
	a := newTestApp(t)
	// An election ten days ahead of the server's clock, made current.
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	a.s.now = func() time.Time { return now }
	_, err := a.st.AddElection(t.Context(), audit.System, store.NewElection{
		Code: "test", Kind: "councils", TitleFa: "انتخابات آزمایشی", TitleEn: "Test election",
		ElectionDay: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), Current: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user  string
		wants []string
		nots  []string
	}{
		{"hq.fars", []string{"انتخابات آزمایشی", "۱۰ روز مانده به رأی‌گیری", "۱۴۰۵/۰۹/۱۵", "۳۷", "/admin/users", "/audit", "پنجشنبه ۵ آذر ۱۴۰۵"}, nil},
		{"gov.marvdasht", []string{"/counties/marvdasht", "شهرستان شما", "۱۰ روز مانده"}, []string{"/admin/users", "/audit"}},
		{"dh.marvdasht", []string{"بخش مرکزی، مرودشت"}, []string{"/admin/users"}},
		{"committee", []string{"کمیته فناوری، فارس"}, []string{"/admin/users", "/audit"}},
		{"observer", []string{"/audit", "فقط برای مشاهده"}, []string{"/admin/users"}},
		{"national", []string{"کل کشور", "استان‌ها", "فارس", "/audit"}, []string{"/admin/users"}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			res := a.get(a.login(tt.user), "/")
			if res.status != 200 {
				t.Fatalf("status %d", res.status)
			}
			mustContain(t, res.body, tt.wants...)
			mustNotContain(t, res.body, tt.nots...)
		})
	}
}

func TestDaysUntil(t *testing.T) {
	day := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		now  time.Time
		want int
	}{
		{time.Date(2026, 4, 30, 12, 0, 0, 0, time.UTC), 1},
		{time.Date(2026, 4, 30, 21, 0, 0, 0, time.UTC), 0}, // already 1 May in Tehran
		{time.Date(2026, 5, 2, 12, 0, 0, 0, time.UTC), -1},
		{time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), 120},
	}
	for _, tt := range tests {
		if got := daysUntil(tt.now, day); got != tt.want {
			t.Errorf("daysUntil(%v) = %d, want %d", tt.now, got, tt.want)
		}
	}
}

// section is the part of a page from the heading of id to the end of its section; "" when there is none.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	return body[i : i+strings.Index(body[i:], "</section>")]
}

var toFileLink = regexp.MustCompile(`href="/readiness/(\d+)/file\?day=2026-11-26"`)

// toFile are the checks a section links to for filing today, in its order.
func toFile(s string) []string {
	var ids []string
	for _, m := range toFileLink.FindAllStringSubmatch(s, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// A district head's home names his district's open incidents, the newest ten, with the way to all of
// them, and the checks his district has yet to file today; a governor's home and his county's page the
// checks of his county. Each page reads them in a fixed number of queries.
func TestHomeOwnPlaceToDo(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return trainingNow } // 1405/09/05 (2026-11-26)
	a.withElection()
	hq, gov, dh := a.login("hq.fars"), a.login("gov.marvdasht"), a.login("dh.marvdasht")
	daily := func(title, from, to, districts string) string {
		return itoa(a.defineCheck(hq, url.Values{"title": {title}, "items": {"بند"}, "cadence": {"daily"}, "starts_on": {from},
			"ends_on": {to}, "include_districts": {districts}}))
	}
	once := func(title, day, districts string) string {
		return itoa(a.defineCheck(hq, url.Values{"title": {title}, "items": {"بند"}, "cadence": {"once"}, "due_date": {day},
			"include_districts": {districts}}))
	}
	withDistricts := daily("روزانه با بخش‌ها", "۱۴۰۵/۰۹/۰۱", "۱۴۰۵/۰۹/۱۰", "1")
	dueToday := once("امروز با بخش‌ها", "۱۴۰۵/۰۹/۰۵", "1")
	countiesOnly := daily("روزانه شهرستان‌ها", "۱۴۰۵/۰۹/۰۱", "۱۴۰۵/۰۹/۱۰", "")
	filedByDistrict := daily("ثبت‌شده بخش", "۱۴۰۵/۰۹/۰۱", "۱۴۰۵/۰۹/۱۰", "1")
	once("فردا", "۱۴۰۵/۰۹/۰۶", "1")
	daily("تا دیروز", "۱۴۰۵/۰۹/۰۱", "۱۴۰۵/۰۹/۰۴", "1")
	for _, f := range []struct {
		c     *http.Client
		check string
	}{{dh, filedByDistrict}, {gov, dueToday}} {
		if res := a.post(f.c, "/readiness/"+f.check+"/file", a.itemFields(mustInt(t, f.check), "2026-11-26", "")); res.status != http.StatusSeeOther {
			t.Fatalf("filing %s: %d", f.check, res.status)
		}
	}
	// Twelve open incidents that affect Marvdasht's central district, the first reported last; one open
	// elsewhere in the county; one resolved.
	a.exec(`INSERT INTO election_systems (province_id, key, name_fa, name_en, owner_committee)
		SELECT id, 'counting', 'شمارش', 'Counting', 'technology' FROM provinces WHERE code = 'fars' ON CONFLICT DO NOTHING`)
	a.exec(`WITH i AS (
			INSERT INTO incidents (province_id, county_id, system_key, owner_committee, title, body, severity, status, since, reported_by, reported_at,
			                       acked_at, acked_by, resolved_at, resolved_by)
			SELECT c.province_id, c.id, 'counting', 'technology', 'حادثه ' || g, 'شرح', 'high', CASE WHEN g = 13 THEN 'resolved' ELSE 'open' END,
			       now() - interval '1 day', $1, now() - g * interval '1 minute', r.at, r.by, r.at, r.by
			FROM counties c, generate_series(1, 13) g,
			     LATERAL (SELECT CASE WHEN g = 13 THEN now() END AS at, CASE WHEN g = 13 THEN $1::bigint END AS by) r
			WHERE c.code = 'marvdasht' RETURNING id, county_id)
		INSERT INTO incident_districts (incident_id, county_id, district_id)
		SELECT i.id, i.county_id, d.id FROM i, districts d WHERE d.code = 'marvdasht-central'`, a.ids["gov.marvdasht"])
	a.exec(`INSERT INTO incidents (province_id, county_id, system_key, owner_committee, title, body, severity, since, reported_by)
		SELECT c.province_id, c.id, 'counting', 'technology', 'حادثه شهرستان', 'شرح', 'low', now(), $1 FROM counties c WHERE c.code = 'marvdasht'`,
		a.ids["gov.marvdasht"])

	res := a.get(dh, "/")
	a.wantStatus(res, http.StatusOK, "the district head's home")
	if got := toFile(section(res.body, "to-file-h")); !slices.Equal(got, []string{dueToday, withDistricts}) {
		t.Errorf("the district head's checks to file today: %v, want %v", got, []string{dueToday, withDistricts})
	}
	affecting := section(res.body, "affecting-h")
	var shown []string
	for _, m := range regexp.MustCompile(`<a href="/incidents/\d+"><bdi>([^<]+)</bdi></a>`).FindAllStringSubmatch(affecting, -1) {
		shown = append(shown, m[1])
	}
	if len(shown) != 10 || shown[0] != "حادثه 1" || shown[9] != "حادثه 10" {
		t.Errorf("the district head's incidents: %v, want the newest ten", shown)
	}
	mustContain(t, affecting, `<a href="/incidents?open=1">همه حادثه‌های باز (۱۲)</a>`)
	mustContain(t, a.get(dh, "/incidents?open=1").body, "حادثه‌ها (۱۲)")

	res = a.get(gov, "/")
	if got := toFile(section(res.body, "to-file-h")); !slices.Equal(got, []string{filedByDistrict, countiesOnly, withDistricts}) {
		t.Errorf("the governor's checks to file today: %v", got)
	}
	mustNotContain(t, res.body, `id="affecting-h"`)
	if got := toFile(section(a.get(gov, "/counties/marvdasht").body, "to-file-h")); !slices.Equal(got,
		[]string{filedByDistrict, countiesOnly, withDistricts}) {
		t.Errorf("the governor's county page: checks to file today %v", got)
	}
	// HQ files nothing: its view of the county has no such list; in English, the headings say what they are.
	mustNotContain(t, a.get(hq, "/counties/marvdasht").body, `id="to-file-h"`)
	a.get(dh, "/lang/en")
	mustContain(t, a.get(dh, "/").body, "Today&#39;s readiness checks to file", "Open incidents affecting my district",
		"All open incidents (12)")
}
