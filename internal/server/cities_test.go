package server

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/setad/setad/internal/i18n"
)

// uploadTo posts a file and fields to path, multipart, as a browser's upload form does.
func (a *testApp) uploadTo(c *http.Client, path, name string, data []byte, fields ...string) response {
	a.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = mw.WriteField(fields[i], fields[i+1])
	}
	if data != nil {
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

// faHTML is a Persian text as a page writes it.
func faHTML(key string, args ...i18n.Arg) string {
	return html.EscapeString(i18n.Message(i18n.Fa, key, args...))
}

// A city HQ adds is a constituency of its own: the county's page lists it, the governor's form offers it,
// a candidate registered there stands in it, and the education the law asks reads its own population,
// not the seat's.
func TestCityIsAConstituency(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	hq, gov := a.login("hq.fars"), a.login("gov.marvdasht")
	page := a.get(hq, "/counties/marvdasht").body
	mustContain(t, page, `href="/counties/marvdasht/cities/marvdasht"`, faHTML("counties.seat"), `action="/counties/marvdasht/cities"`,
		`href="/counties/marvdasht/cities/import"`)
	mustNotContain(t, a.get(gov, "/counties/marvdasht").body, `action="/counties/marvdasht/cities"`)

	city := url.Values{"name_fa": {"سیدان"}, "name_en": {"Seyedan"}, "code": {"Seyedan"}, "district": {"marvdasht-seyyedan"},
		"population": {"۶٬۱۰۰"}}
	res := a.post(hq, "/counties/marvdasht/cities", city)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/counties/marvdasht#add-city" {
		t.Fatalf("add: %d %s\n%s", res.status, res.header.Get("Location"), res.body)
	}
	if n := a.count(`SELECT count(*) FROM cities ci JOIN counties c ON c.id = ci.county_id JOIN districts d ON d.id = ci.district_id
		WHERE ci.code = 'seyedan' AND c.code = 'marvdasht' AND d.code = 'marvdasht-seyyedan' AND ci.population = 6100
		AND ci.name_en = 'Seyedan'`); n != 1 {
		t.Fatal("the city was not recorded as typed")
	}
	res = a.post(hq, "/counties/marvdasht/cities", city)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("the same city again: %d", res.status)
	}
	mustContain(t, res.body, faHTML("err.city_name_taken", i18n.ArgName("county", "مرودشت", "Marvdasht")), faHTML("err.city_code_taken"),
		`value="Seyedan"`)
	res = a.post(hq, "/counties/marvdasht/cities", url.Values{"name_fa": {"کامفیروز"}, "district": {"pasargad-central"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a district of another county: %d", res.status)
	}
	mustContain(t, res.body, faHTML("err.city_district", i18n.ArgName("county", "مرودشت", "Marvdasht")))

	mustContain(t, a.get(gov, "/counties/marvdasht").body, `href="/counties/marvdasht/cities/seyedan"`, "سیدان", "۶٬۱۰۰")
	mustContain(t, a.get(gov, "/candidates/new").body, `<option value="seyedan">`+faHTML("candidates.constituency_city", i18n.ArgName("city", "سیدان", "Seyedan")))

	// Seyedan has 6,100 people: an associate degree is enough there, a diploma is not; in the seat, of
	// 148,858, an associate degree is not enough.
	if res := a.post(hq, "/counties/marvdasht/sizes", url.Values{"version": {"2"}, "population_marvdasht": {"148858"},
		"population_seyedan": {"6100"}}); res.status != http.StatusSeeOther {
		t.Fatalf("sizes: %d\n%s", res.status, res.body)
	}
	form := candidateForm("نامزد سیدان", nid(801), "seyedan")
	form.Set("education", "diploma")
	res = a.post(gov, "/candidates", form)
	mustContain(t, res.body, faHTML("elig.education_low", i18n.ArgKey("level", "education.associate")))
	form.Set("education", "associate")
	form.Set("constituency", "marvdasht")
	res = a.post(gov, "/candidates", form)
	mustContain(t, res.body, faHTML("elig.education_low", i18n.ArgKey("level", "education.bachelor")))
	form.Set("constituency", "seyedan")
	if res := a.post(gov, "/candidates", form); res.status != http.StatusSeeOther {
		t.Fatalf("registration in Seyedan: %d\n%s", res.status, res.body)
	}
	id := a.candidateID(nid(801))
	if n := a.count(`SELECT count(*) FROM candidates k JOIN cities ci ON ci.id = k.city_id WHERE k.id = $1 AND ci.code = 'seyedan'
		AND k.district_id IS NULL`, mustInt(t, id)); n != 1 {
		t.Fatal("the candidate does not stand in Seyedan")
	}
	mustContain(t, a.get(gov, "/candidates/"+id).body, faHTML("candidates.constituency_city", i18n.ArgName("city", "سیدان", "Seyedan")))
}

// The cities' routes are HQ's, within its province: a governor (or any other role) posting to them is
// refused (403) and another province's county does not exist for HQ (404); nothing changes.
func TestCityRoutesScope(t *testing.T) {
	a := newTestApp(t)
	if _, err := a.st.Pool().Exec(t.Context(), `
		WITH p AS (INSERT INTO provinces (code, name_fa, name_en) VALUES ('yazd', 'یزد', 'Yazd') RETURNING id),
		     c AS (INSERT INTO counties (province_id, code, name_fa, name_en) SELECT id, 'meybod', 'میبد', 'Meybod' FROM p RETURNING id)
		INSERT INTO cities (county_id, code, name_fa, name_en) SELECT id, 'meybod', 'میبد', 'Meybod' FROM c`); err != nil {
		t.Fatal(err)
	}
	hq, gov := a.login("hq.fars"), a.login("gov.marvdasht")
	posts := []struct {
		path string
		form url.Values
	}{
		{"/cities", url.Values{"name_fa": {"سیدان"}}},
		{"/cities/{city}", url.Values{"version": {"1"}, "name_fa": {"نام نو"}}},
		{"/cities/{city}/retire", url.Values{"version": {"1"}, "confirm": {"yes"}}},
		{"/cities/{city}/restore", url.Values{"version": {"1"}}},
		{"/cities/{city}/delete", url.Values{"version": {"1"}, "confirm": {"yes"}}},
		{"/cities/import", url.Values{}},
		{"/sizes", url.Values{"version": {"1"}, "population_marvdasht": {"5"}}},
	}
	audits := a.count(`SELECT count(*) FROM audit_log WHERE action LIKE 'city.%' OR action = 'county.sizes'`)
	for _, p := range posts {
		for _, user := range []string{"gov.marvdasht", "dh.marvdasht", "observer", "national", "committee"} {
			c := gov
			if user != "gov.marvdasht" {
				c = a.login(user)
			}
			path := "/counties/marvdasht" + strings.ReplaceAll(p.path, "{city}", "marvdasht")
			if res := a.post(c, path, p.form); res.status != http.StatusForbidden {
				t.Errorf("%s POST %s: %d, want 403", user, path, res.status)
			}
		}
		path := "/counties/meybod" + strings.ReplaceAll(p.path, "{city}", "meybod")
		if res := a.post(hq, path, p.form); res.status != http.StatusNotFound {
			t.Errorf("Fars HQ POST %s: %d, want 404", path, res.status)
		}
	}
	if res := a.get(gov, "/counties/marvdasht/cities/import"); res.status != http.StatusForbidden {
		t.Errorf("a governor opens the import: %d", res.status)
	}
	for _, path := range []string{"/counties/meybod/cities/meybod", "/counties/meybod/cities/import", "/counties/marvdasht/cities/meybod",
		"/counties/marvdasht/cities/pasargad"} {
		if res := a.get(hq, path); res.status != http.StatusNotFound {
			t.Errorf("Fars HQ GET %s: %d, want 404", path, res.status)
		}
	}
	if res := a.get(a.login("gov.pasargad"), "/counties/marvdasht/cities/marvdasht"); res.status != http.StatusNotFound {
		t.Errorf("Pasargad's governor opens Marvdasht's seat: %d", res.status)
	}
	// A governor reads his county's cities, without HQ's forms.
	res := a.get(gov, "/counties/marvdasht/cities/marvdasht")
	if res.status != http.StatusOK {
		t.Fatalf("Marvdasht's governor opens its seat: %d", res.status)
	}
	mustNotContain(t, res.body, `action="/counties/marvdasht/cities/marvdasht"`, "/retire", "/delete")
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action LIKE 'city.%' OR action = 'county.sizes'`); n != audits ||
		a.count(`SELECT count(*) FROM cities WHERE name_fa = 'نام نو' OR name_fa = 'سیدان' OR retired_at IS NOT NULL`) != 0 {
		t.Error("a refused post changed something")
	}
}

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

// HQ renames a city from the version its page showed (a rename from an older one is refused, 409, with
// the city as it is now), retires it after a confirmation (it is offered no more; its candidates keep
// it) and restores it; a city with candidates is not deleted, one added by mistake is; the seat stays.
func TestCityRenameRetireDelete(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	hq, gov := a.login("hq.fars"), a.login("gov.marvdasht")
	if res := a.post(hq, "/counties/marvdasht/cities", url.Values{"name_fa": {"سیدان"}, "code": {"seyedan"}}); res.status != http.StatusSeeOther {
		t.Fatalf("add: %d", res.status)
	}
	page := a.get(hq, "/counties/marvdasht/cities/seyedan")
	if m := versionField.FindStringSubmatch(page.body); page.status != http.StatusOK || m == nil || m[1] != "1" {
		t.Fatalf("city page: %d, version %v", page.status, m)
	}
	rename := url.Values{"version": {"1"}, "name_fa": {"سیدان"}, "name_en": {"Seyedan"}, "district": {"marvdasht-seyyedan"}}
	if res := a.post(hq, "/counties/marvdasht/cities/seyedan", rename); res.status != http.StatusSeeOther ||
		res.header.Get("Location") != "/counties/marvdasht/cities/seyedan" {
		t.Fatalf("rename: %d %s", res.status, res.header.Get("Location"))
	}
	rename.Set("name_en", "Sayedan")
	res := a.post(hq, "/counties/marvdasht/cities/seyedan", rename)
	if res.status != http.StatusConflict {
		t.Fatalf("a rename from the old version: %d", res.status)
	}
	mustContain(t, res.body, faHTML("counties.city_conflict"), `<dd dir="ltr">Seyedan</dd>`, `value="Sayedan"`, `name="version" value="2"`)
	if n := a.count(`SELECT count(*) FROM cities WHERE code = 'seyedan' AND name_en = 'Seyedan' AND version = 2`); n != 1 {
		t.Fatal("the stale rename was applied")
	}

	// Retiring asks first.
	res = a.post(hq, "/counties/marvdasht/cities/seyedan/retire", url.Values{"version": {"2"}})
	if res.status != http.StatusOK {
		t.Fatalf("retire without confirmation: %d", res.status)
	}
	mustContain(t, res.body, faHTML("confirm.city_retire_empty", i18n.ArgName("city", "سیدان", "Seyedan")))
	if a.count(`SELECT count(*) FROM cities WHERE retired_at IS NOT NULL`) != 0 {
		t.Fatal("the city was retired before the confirmation")
	}
	form := candidateForm("نامزد سیدان", nid(811), "seyedan")
	if res := a.post(gov, "/candidates", form); res.status != http.StatusSeeOther {
		t.Fatalf("registration in Seyedan: %d\n%s", res.status, res.body)
	}
	if res := a.post(hq, "/counties/marvdasht/cities/seyedan/retire", url.Values{"version": {"2"}, "confirm": {"yes"}}); res.status != http.StatusSeeOther {
		t.Fatalf("retire: %d", res.status)
	}
	mustNotContain(t, a.get(gov, "/candidates/new").body, `value="seyedan"`)
	form = candidateForm("نامزد دیگر", nid(812), "seyedan")
	if res := a.post(gov, "/candidates", form); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("registration in a retired city: %d", res.status)
	}
	mustContain(t, a.get(gov, "/candidates/"+a.candidateID(nid(811))).body, "سیدان")
	mustContain(t, a.get(gov, "/counties/marvdasht").body, faHTML("counties.retired"))

	// With a candidate, it is not deleted.
	res = a.post(hq, "/counties/marvdasht/cities/seyedan/delete", url.Values{"version": {"3"}, "confirm": {"yes"}})
	if res.status != http.StatusConflict {
		t.Fatalf("deleting a city with a candidate: %d", res.status)
	}
	mustContain(t, res.body, faHTML("err.city_in_use"))
	if res := a.post(hq, "/counties/marvdasht/cities/seyedan/restore", url.Values{"version": {"3"}}); res.status != http.StatusSeeOther {
		t.Fatalf("restore: %d", res.status)
	}
	mustContain(t, a.get(gov, "/candidates/new").body, `value="seyedan"`)

	// The seat stays; a city added by mistake goes.
	res = a.post(hq, "/counties/marvdasht/cities/marvdasht/retire", url.Values{"version": {"1"}, "confirm": {"yes"}})
	if res.status != http.StatusConflict {
		t.Fatalf("retiring the seat: %d", res.status)
	}
	mustContain(t, res.body, faHTML("err.city_seat"))
	mustContain(t, a.get(hq, "/counties/marvdasht/cities/marvdasht").body, faHTML("counties.seat_stays"))
	if res := a.post(hq, "/counties/marvdasht/cities", url.Values{"name_fa": {"اشتباه"}}); res.status != http.StatusSeeOther {
		t.Fatalf("add: %d", res.status)
	}
	res = a.post(hq, "/counties/marvdasht/cities/marvdasht-2/delete", url.Values{"version": {"1"}})
	if res.status != http.StatusOK || a.count(`SELECT count(*) FROM cities WHERE code = 'marvdasht-2'`) != 1 {
		t.Fatalf("delete without confirmation: %d", res.status)
	}
	mustContain(t, res.body, faHTML("confirm.city_delete", i18n.ArgName("city", "اشتباه", "اشتباه")))
	if res := a.post(hq, "/counties/marvdasht/cities/marvdasht-2/delete", url.Values{"version": {"1"}, "confirm": {"yes"}}); res.status != http.StatusSeeOther ||
		a.count(`SELECT count(*) FROM cities WHERE code = 'marvdasht-2'`) != 0 {
		t.Fatalf("delete: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action IN ('city.add', 'city.update', 'city.retire', 'city.restore', 'city.delete')`); n != 6 {
		t.Errorf("%d city audit rows, want 6", n)
	}
}

// A list of cities, with Persian headings and values, is previewed row by row (every problem of a row at
// once, a city named twice refused) and applied on confirmation: recorded cities get their population,
// new ones are added, in this county and others of the province. Read back from the database.
func TestCityImport(t *testing.T) {
	a := newTestApp(t)
	hq := a.login("hq.fars")
	if res := a.get(hq, "/counties/marvdasht/cities/import"); res.status != http.StatusOK {
		t.Fatalf("import page: %d", res.status)
	}
	file := "\uFEFFشهر,شهرستان,بخش,جمعیت\n" +
		"مرودشت,مرودشت,مرکزی,۱۴۸٬۸۵۸\n" +
		"سیدان,,سیدان,6100\n" +
		"سعادت‌شهر,pasargad,,15600\n" +
		"نادرست,مرودشت,جایی,abc\n" +
		"سيدان,,,6200\n"
	res := a.uploadTo(hq, "/counties/marvdasht/cities/import", "شهرها.csv", []byte(file))
	if res.status != http.StatusOK {
		t.Fatalf("preview: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, faHTML("candidates.preview_counts", i18n.ArgNum("ready", 3), i18n.ArgNum("rejected", 2)),
		faHTML("err.city_district", i18n.ArgName("county", "مرودشت", "Marvdasht")), faHTML("err.city_population"),
		faHTML("err.city_twice", i18n.ArgNum("line", 3)), "marvdasht-2", "pasargad-2", faHTML("counties.new_city"), "۱۴۸٬۸۵۸")
	if n := a.count(`SELECT count(*) FROM cities WHERE population IS NOT NULL OR code LIKE '%-2'`); n != 0 {
		t.Fatal("the preview changed the cities")
	}
	id := confirmID.FindStringSubmatch(res.body)
	if id == nil {
		t.Fatal("no confirmation form")
	}
	if res := a.uploadTo(a.login("gov.marvdasht"), "/counties/marvdasht/cities/import", "", nil, "import", id[1], "confirm", "yes"); res.status != http.StatusForbidden {
		t.Fatalf("a governor confirms: %d", res.status)
	}
	res = a.uploadTo(hq, "/counties/marvdasht/cities/import", "", nil, "import", id[1])
	if res.status != http.StatusOK || a.count(`SELECT count(*) FROM cities WHERE population IS NOT NULL`) != 0 {
		t.Fatalf("confirmation without the answer: %d", res.status)
	}
	mustContain(t, res.body, faHTML("confirm.city_import", i18n.ArgNum("ready", 3), i18n.ArgText("file", "شهرها.csv")))
	res = a.uploadTo(hq, "/counties/marvdasht/cities/import", "", nil, "import", id[1], "confirm", "yes")
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/counties/marvdasht" {
		t.Fatalf("confirm: %d %s\n%s", res.status, res.header.Get("Location"), res.body)
	}
	if n := a.count(`SELECT count(*) FROM cities ci JOIN counties c ON c.id = ci.county_id LEFT JOIN districts d ON d.id = ci.district_id
		WHERE (ci.code = 'marvdasht' AND ci.population = 148858 AND d.code = 'marvdasht-central')
		   OR (ci.code = 'marvdasht-2' AND ci.name_fa = 'سیدان' AND ci.population = 6100 AND d.code = 'marvdasht-seyyedan' AND c.code = 'marvdasht')
		   OR (ci.code = 'pasargad-2' AND ci.name_fa = 'سعادت‌شهر' AND ci.population = 15600 AND c.code = 'pasargad' AND d.id IS NULL)`); n != 3 {
		t.Fatalf("%d of 3 rows applied as previewed", n)
	}
	if n := a.count(`SELECT count(*) FROM cities`); n != a.count(`SELECT count(*) FROM counties`)+2 {
		t.Errorf("%d cities", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'city.import' AND entity = 'county' AND entity_id = 'marvdasht'
		AND detail->>'added' = '2' AND detail->>'updated' = '1'`); n != 1 {
		t.Error("the import is not audited with its counts")
	}
	res = a.uploadTo(hq, "/counties/marvdasht/cities/import", "", nil, "import", id[1], "confirm", "yes")
	if res.status != http.StatusConflict {
		t.Fatalf("confirming twice: %d", res.status)
	}
	if res := a.get(hq, "/counties/pasargad/cities/import/"+id[1]); res.status != http.StatusNotFound {
		t.Errorf("the preview under another county's address: %d", res.status)
	}
	mustContain(t, a.get(hq, "/counties/marvdasht/cities/import/"+id[1]).body, faHTML("counties.import_done"))

	// The same list as a spreadsheet, with English headings: nothing is left to change but one population.
	x := excelize.NewFile()
	for i, row := range [][]any{{"city", "county", "population"}, {"marvdasht", "marvdasht", 150000}, {"سعادت شهر", "پاسارگاد", ""}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res = a.uploadTo(hq, "/counties/marvdasht/cities/import", "cities.xlsx", buf.Bytes())
	if res.status != http.StatusOK {
		t.Fatalf("xlsx preview: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, faHTML("candidates.preview_counts", i18n.ArgNum("ready", 2), i18n.ArgNum("rejected", 0)), "۱۵۰٬۰۰۰")
	id = confirmID.FindStringSubmatch(res.body)
	// A city retired since the preview refuses the list, which is to be loaded again: no confirmation is offered.
	a.exec(`UPDATE cities SET retired_at = now() WHERE code = 'pasargad-2'`)
	res = a.uploadTo(hq, "/counties/marvdasht/cities/import", "", nil, "import", id[1], "confirm", "yes")
	if res.status != http.StatusConflict {
		t.Fatalf("a stale list confirmed: %d", res.status)
	}
	mustContain(t, res.body, faHTML("err.city_import_stale", i18n.ArgText("lines", "۳")))
	if confirmID.MatchString(res.body) {
		t.Error("a stale list is offered for confirmation beside its error")
	}
	a.exec(`UPDATE cities SET retired_at = NULL WHERE code = 'pasargad-2'`)
	if res := a.uploadTo(hq, "/counties/marvdasht/cities/import", "", nil, "import", id[1], "confirm", "yes"); res.status != http.StatusSeeOther {
		t.Fatalf("xlsx confirm: %d", res.status)
	}
	if a.count(`SELECT population FROM cities WHERE code = 'marvdasht'`) != 150000 || a.count(`SELECT population FROM cities WHERE code = 'pasargad-2'`) != 15600 {
		t.Error("the spreadsheet was not applied as previewed")
	}

	// A file without a column of cities is refused whole.
	res = a.uploadTo(hq, "/counties/marvdasht/cities/import", "x.csv", []byte("full_name,national_id\nعلی,123\n"))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a file of candidates: %d", res.status)
	}
}

// The candidates' file names a city by its code, like the form, and its rows stand in that city.
func TestCandidateImportNamesACity(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	if res := a.post(a.login("hq.fars"), "/counties/marvdasht/cities", url.Values{"name_fa": {"سیدان"}, "code": {"seyedan"}}); res.status != http.StatusSeeOther {
		t.Fatalf("add: %d", res.status)
	}
	gov := a.login("gov.marvdasht")
	res := a.upload(gov, "candidates.csv", []byte(importHeader+"مریم نوری,رضا,"+nid(821)+",female,1365/11/01,master,,seyedan,,,,,,1405/08/25,\n"))
	id := confirmID.FindStringSubmatch(res.body)
	if res.status != http.StatusOK || id == nil {
		t.Fatalf("preview: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, "سیدان")
	if res := a.upload(gov, "", nil, "import", id[1], "confirm", "yes"); res.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM candidates k JOIN cities ci ON ci.id = k.city_id WHERE k.national_id = $1 AND ci.code = 'seyedan'`, nid(821)); n != 1 {
		t.Error("the imported candidate does not stand in Seyedan")
	}
}

// Until HQ records a constituency's size, the governor's form marks it and says that HQ must record it,
// and a diploma holder's registration there says so; HQ's home lists what is missing, with links, and
// the list shrinks as HQ records the sizes.
func TestSizesMissing(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	hq, gov := a.login("hq.fars"), a.login("gov.marvdasht")
	label := faHTML("candidates.size_missing_option",
		i18n.ArgText("constituency", i18n.Message(i18n.Fa, "candidates.constituency_city", i18n.ArgName("city", "مرودشت", "Marvdasht"))))
	marked := `<option value="marvdasht">` + label
	mustContain(t, a.get(gov, "/candidates/new").body, marked, faHTML("candidates.size_missing_hint"))
	form := candidateForm("دیپلمه", nid(831), "marvdasht")
	form.Set("education", "diploma")
	res := a.post(gov, "/candidates", form)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a diploma holder where the size is missing: %d", res.status)
	}
	mustContain(t, res.body, faHTML("elig.size_unknown", i18n.ArgKey("level", "education.bachelor")), label)

	home := a.get(hq, "/").body
	cities, districts := a.count(`SELECT count(*) FROM cities`), a.count(`SELECT count(*) FROM districts`)
	mustContain(t, home, faHTML("home.sizes_missing"), faHTML("home.cities_missing", i18n.ArgNum("count", cities)),
		faHTML("home.villages_missing", i18n.ArgNum("count", districts)),
		`href="/counties/abadeh#sizes-form"`, faHTML("home.size_missing_city", i18n.ArgName("city", "آباده", "Abadeh"), i18n.ArgName("county", "آباده", "Abadeh")),
		faHTML("home.sizes_more", i18n.ArgNum("count", cities+districts-2*missingSizesShown)))
	if n := strings.Count(home, "#sizes-form"); n != 2*missingSizesShown {
		t.Errorf("HQ's home names %d constituencies, want %d", n, 2*missingSizesShown)
	}
	mustNotContain(t, a.get(gov, "/").body, faHTML("home.sizes_missing"))

	households := url.Values{"version": {"1"}, "population_marvdasht": {"148858"}}
	for _, d := range []string{"marvdasht-central", "marvdasht-dorudzan", "marvdasht-kamfiruz", "marvdasht-kamfiruz-shomali", "marvdasht-seyyedan"} {
		households.Set("households_"+d, "1500")
	}
	if res := a.post(hq, "/counties/marvdasht/sizes", households); res.status != http.StatusSeeOther {
		t.Fatalf("sizes: %d\n%s", res.status, res.body)
	}
	mustContain(t, a.get(hq, "/").body, faHTML("home.cities_missing", i18n.ArgNum("count", cities-1)),
		faHTML("home.villages_missing", i18n.ArgNum("count", districts-5)))
	page := a.get(gov, "/candidates/new").body
	mustNotContain(t, page, faHTML("candidates.size_missing_hint"), marked)
	mustContain(t, page, `<option value="marvdasht">`+faHTML("candidates.constituency_city", i18n.ArgName("city", "مرودشت", "Marvdasht"))+"<")
}

// A list of cities larger than a form's body limit is still read by the import, within its own limit.
func TestCityImportOverAFormsLimit(t *testing.T) {
	a := newTestApp(t)
	hq := a.login("hq.fars")
	var file strings.Builder
	file.WriteString("city,county,district,population\n")
	for i := range 1900 {
		fmt.Fprintf(&file, "شهر %s %d,marvdasht,,%d\n", strings.Repeat("ا", 350), i, 1000+i)
	}
	if file.Len() <= 1<<20 {
		t.Fatalf("the file is %d bytes, not over a form's limit", file.Len())
	}
	res := a.uploadTo(hq, "/counties/marvdasht/cities/import", "cities.csv", []byte(file.String()))
	if res.status != http.StatusOK || !strings.Contains(res.body, `id="preview-h"`) {
		t.Fatalf("a %d-byte list: %d\n%.2000s", file.Len(), res.status, res.body)
	}
}
