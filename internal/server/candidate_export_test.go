package server

import (
	"encoding/csv"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/setad/setad/internal/persian"
)

// readCSV reads a CSV file the portal wrote, with its byte-order mark, with encoding/csv.
func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, body)
	}
	return records
}

// readXLSX reads an XLSX file the portal wrote with excelize: its only sheet's name and rows.
func readXLSX(t *testing.T, body string) (*excelize.File, string, [][]string) {
	t.Helper()
	x, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not XLSX: %v", err)
	}
	t.Cleanup(func() { x.Close() })
	if n := len(x.GetSheetList()); n != 1 {
		t.Fatalf("%d sheets", n)
	}
	name := x.GetSheetName(0)
	rows, err := x.GetRows(name)
	if err != nil {
		t.Fatal(err)
	}
	return x, name, rows
}

// fileNames reads a download's two names: the ASCII one, and the full one in UTF-8 (filename*).
func fileNames(t *testing.T, res response) (ascii, full string) {
	t.Helper()
	cd := res.header.Get("Content-Disposition")
	if _, _, err := mime.ParseMediaType(cd); err != nil {
		t.Fatalf("Content-Disposition %q: %v", cd, err)
	}
	m := regexp.MustCompile(`^attachment; filename="([ -~]+)"; filename\*=UTF-8''([!-~]+)$`).FindStringSubmatch(cd)
	if m == nil {
		t.Fatalf("Content-Disposition %q", cd)
	}
	full, err := url.PathUnescape(m[2])
	if err != nil {
		t.Fatal(err)
	}
	return m[1], full
}

// The export is for people: headed and written in the reader's language, the sheet named and right to
// left for a Persian reader, its columns wide enough, the file named after the election, the scope and
// the day. ?format=import keeps the import's column names and codes.
func TestCandidateExportForPeople(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) } // 1405/09/05
	a.withElection()
	gov := a.login("gov.marvdasht")
	f := candidateForm("سارا رضایی", nid(301), "marvdasht")
	f.Set("veteran", "1")
	if res := a.post(gov, "/candidates", f); res.status != http.StatusSeeOther {
		t.Fatalf("register: %d", res.status)
	}

	res := a.get(gov, "/candidates.csv")
	records := readCSV(t, res.body)
	if len(records) != 2 {
		t.Fatalf("csv: %q", records)
	}
	wantHead := []string{"نام و نام خانوادگی", "نام پدر", "کد ملی", "جنسیت", "تاریخ تولد", "مدرک تحصیلی", "شغل", "حوزه انتخابیه",
		"تلفن", "کد رهگیری", "ایثارگر (یک مقطع تخفیف مدرک)", "وضعیت نظام وظیفه", "دارای یکی از مشاغل ماده ۴۱ بوده است",
		"تاریخ گواهی عدم سوء پیشینه", "تاریخ پذیرش استعفا", "وضعیت"}
	wantRow := []string{"سارا رضایی", "حسن", "۲۰۰۲۳۸۰۰۴۹", "زن", "۱۳۷۰/۰۱/۱۵", "کارشناسی", "معلم", "شهر مرودشت", "۰۹۱۷۱۲۳۴۵۶۷",
		"TR-100", "بله", "", "خیر", "۱۴۰۵/۰۸/۲۰", "", "ثبت‌نام‌شده"}
	wantRow[2] = persian.ToPersianDigits(nid(301))
	if !slices.Equal(records[0], wantHead) || !slices.Equal(records[1], wantRow) {
		t.Errorf("csv for people:\n%q\n%q\nwant\n%q\n%q", records[0], records[1], wantHead, wantRow)
	}
	ascii, full := fileNames(t, res)
	if ascii != "candidates-test-councils-marvdasht-1405-09-05.csv" || full != "داوطلبان - انتخابات آزمایشی - مرودشت - ۱۴۰۵-۰۹-۰۵.csv" {
		t.Errorf("csv named %q, %q", ascii, full)
	}

	res = a.get(gov, "/candidates.xlsx")
	x, name, rows := readXLSX(t, res.body)
	if name != "داوطلبان" || len(rows) != 2 || !slices.Equal(rows[0], wantHead) || !slices.Equal(rows[1], wantRow[:len(rows[1])]) {
		t.Errorf("xlsx for people: sheet %q, rows %q", name, rows)
	}
	if view, err := x.GetSheetView(name, 0); err != nil || view.RightToLeft == nil || !*view.RightToLeft {
		t.Error("the Persian sheet is not right to left")
	}
	for col, want := range map[string]float64{"A": 26, "C": 14, "H": 34} {
		if w, err := x.GetColWidth(name, col); err != nil || w != want {
			t.Errorf("column %s is %v wide, want %v", col, w, want)
		}
	}
	if ascii, _ := fileNames(t, res); ascii != "candidates-test-councils-marvdasht-1405-09-05.xlsx" {
		t.Errorf("xlsx named %q", ascii)
	}

	// HQ's file is named after the province, or the county it asked for.
	hq := a.login("hq.fars")
	if ascii, _ := fileNames(t, a.get(hq, "/candidates.xlsx")); ascii != "candidates-test-councils-fars-1405-09-05.xlsx" {
		t.Errorf("HQ's file named %q", ascii)
	}
	if ascii, _ := fileNames(t, a.get(hq, "/candidates.csv?county=marvdasht")); ascii != "candidates-test-councils-marvdasht-1405-09-05.csv" {
		t.Errorf("HQ's file of Marvdasht named %q", ascii)
	}

	// In English.
	a.get(gov, "/lang/en")
	res = a.get(gov, "/candidates.csv")
	records = readCSV(t, res.body)
	if records[0][0] != "Full name" || records[0][3] != "Gender" || !slices.Equal(records[1][3:8],
		[]string{"Female", "1991-04-04", "Bachelor's degree", "معلم", "City of Marvdasht"}) || records[1][2] != nid(301) ||
		records[1][15] != "Registered" {
		t.Errorf("csv in English: %q", records)
	}
	if ascii, full := fileNames(t, res); ascii != "candidates-test-councils-marvdasht-1405-09-05.csv" ||
		full != "Candidates - Test election - Marvdasht - 2026-11-26.csv" {
		t.Errorf("English csv named %q, %q", ascii, full)
	}
	x, name, _ = readXLSX(t, a.get(gov, "/candidates.xlsx").body)
	if view, err := x.GetSheetView(name, 0); name != "Candidates" || err != nil || view.RightToLeft != nil && *view.RightToLeft {
		t.Errorf("English sheet %q right to left", name)
	}

	// For the import: its column names, codes, Jalali days, whatever the reader's language.
	res = a.get(gov, "/candidates.csv?format=import")
	records = readCSV(t, res.body)
	if !slices.Equal(records[0], candidateColumns) || !slices.Equal(records[1][2:8],
		[]string{nid(301), "female", "1370/01/15", "bachelor", "معلم", "marvdasht"}) || records[1][10] != "1" {
		t.Errorf("csv for the import: %q", records)
	}
	if ascii, _ := fileNames(t, res); ascii != "candidates-for-import-test-councils-marvdasht-1405-09-05.csv" {
		t.Errorf("import file named %q", ascii)
	}
	mustContain(t, a.get(gov, "/candidates").body, `href="/candidates.csv?format=import"`)
}

// The import offers a template, CSV or XLSX: its columns and an example row written as the reader writes,
// which the import reads whole but for its national ID, ten zeros, so that it is never imported by
// mistake.
func TestCandidateImportTemplate(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	if res := a.get(a.login("observer"), "/candidates/import/template.csv"); res.status != http.StatusForbidden {
		t.Errorf("an observer's template: %d", res.status)
	}
	gov := a.login("gov.marvdasht")
	mustContain(t, a.get(gov, "/candidates/import").body, `href="/candidates/import/template.csv"`, `href="/candidates/import/template.xlsx"`)
	for _, lang := range []string{"fa", "en"} {
		a.get(gov, "/lang/"+lang)
		csvFile := a.get(gov, "/candidates/import/template.csv")
		records := readCSV(t, csvFile.body)
		if len(records) != 2 || !slices.Equal(records[0], templateColumns) || records[1][2] != "0000000000" {
			t.Fatalf("%s template.csv: %q", lang, records)
		}
		want := map[string][]string{"fa": {"زن", "۱۳۷۰/۰۵/۱۲", "کارشناسی", "معلم", "شهر مرودشت"},
			"en": {"Female", "1991-08-03", "Bachelor's degree", "Teacher", "City of Marvdasht"}}[lang]
		if !slices.Equal(records[1][3:8], want) {
			t.Errorf("%s example row %q, want %q", lang, records[1], want)
		}
		if ascii, _ := fileNames(t, csvFile); ascii != "candidates-template-test-councils-marvdasht-1405-09-05.csv" {
			t.Errorf("template named %q", ascii)
		}
		xlsxFile := a.get(gov, "/candidates/import/template.xlsx")
		_, name, rows := readXLSX(t, xlsxFile.body)
		if name != map[string]string{"fa": "داوطلبان", "en": "Candidates"}[lang] || len(rows) != 2 || !slices.Equal(rows[0], templateColumns) ||
			!slices.Equal(rows[1][3:8], want) {
			t.Errorf("%s template.xlsx: %q %q", lang, name, rows)
		}
		// Uploaded as it is, the example is refused for its national ID alone.
		for _, file := range []struct{ name, body string }{{"template.csv", csvFile.body}, {"template.xlsx", xlsxFile.body}} {
			res := a.upload(gov, file.name, []byte(file.body))
			rejected := a.rejectedCSV(gov, res)
			if len(rejected) != 2 || !strings.HasPrefix(rejected[1][16], map[string]string{"fa": "کد ملی:", "en": "National ID:"}[lang]) ||
				strings.Count(rejected[1][16], ":") != map[string]int{"fa": 1, "en": 2}[lang] {
				t.Errorf("%s %s uploaded: %q", lang, file.name, rejected)
			}
		}
	}
}
