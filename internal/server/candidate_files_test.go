package server

import (
	"bytes"
	"encoding/csv"
	"io"
	"mime/multipart"
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

// upload posts a file to the import as a browser would.
func (a *testApp) upload(c *http.Client, name string, data []byte, fields ...string) response {
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
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/candidates/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

var confirmID = regexp.MustCompile(`name="confirm" value="(\d+)"`)

const importHeader = "full_name,father_name,national_id,gender,birth_date,education,occupation,constituency,phone,tracking_id,veteran,military_service,listed_post,certificate_date,resignation_date\n"

func TestCandidateImport(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	file := "\uFEFF" + importHeader +
		"علي كاظمي,حسن," + persian.ToPersianDigits(nid(11)) + ",female,۱۳۶۸/۰۲/۰۱,bachelor,معلم,marvdasht,,,0,,0,۱۴۰۵/۰۸/۲۰,\n" +
		"مریم نوری,رضا," + nid(12) + ",female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\n" +
		"تکراری,رضا," + nid(12) + ",female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\n" +
		"نادرست,رضا,0012345670,female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\n" +
		"بیرون,رضا," + nid(13) + ",female,1365/11/01,master,,pasargad,,,,,,1405/08/25,\n"
	res := a.upload(gov, "candidates.csv", []byte(file))
	if res.status != http.StatusOK {
		t.Fatalf("preview: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, "۲ ردیف آماده ورود و ۳ ردیف رد شده", "در سطر ۳ همین فایل هم آمده است", "کد ملی معتبر نیست", "حوزه انتخابیه را از فهرست انتخاب کنید")
	if n := a.count(`SELECT count(*) FROM candidates`); n != 0 {
		t.Fatal("a preview registered candidates")
	}
	m := confirmID.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatal("no confirmation form")
	}
	// The rejected rows come back as a file to fix.
	rejected := a.get(gov, "/candidates/import/"+m[1]+"/rejected.csv")
	if rejected.status != 200 || !strings.HasPrefix(rejected.body, "\uFEFF") || strings.Count(rejected.body, "\n") != 4 {
		t.Fatalf("rejected file: %d\n%s", rejected.status, rejected.body)
	}
	// Another user cannot confirm or read it.
	if res := a.upload(a.login("hq.fars"), "", nil, "confirm", m[1]); res.status != http.StatusNotFound {
		t.Fatalf("confirming another user's import: %d", res.status)
	}
	if res := a.upload(gov, "", nil, "confirm", m[1]); res.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", res.status, res.body)
	}
	if n := a.count(`SELECT count(*) FROM candidates WHERE name_norm = 'علی کاظمی' AND national_id = $1`, nid(11)); n != 1 {
		t.Fatal("the Arabic-lettered, Persian-digit row was not imported normalised")
	}
	if n := a.count(`SELECT count(*) FROM candidates`); n != 2 {
		t.Fatalf("%d candidates after the import, want 2", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'candidate.import'`); n != 1 {
		t.Error("the import is not audited")
	}
	// Confirming twice does nothing; importing the same file again adds nothing.
	if res := a.upload(gov, "", nil, "confirm", m[1]); res.status != http.StatusConflict {
		t.Fatalf("second confirm: %d", res.status)
	}
	again := a.upload(gov, "candidates.csv", []byte(file))
	mustContain(t, again.body, "۰ ردیف آماده ورود و ۵ ردیف رد شده", "پیش‌تر در مرودشت ثبت‌نام کرده است")
	if n := a.count(`SELECT count(*) FROM candidates`); n != 2 {
		t.Fatal("a re-import added candidates")
	}
}

// A row registered elsewhere between the preview and the confirmation refuses the whole file.
func TestCandidateImportIsAllOrNothing(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	file := importHeader +
		"الف,ب," + nid(21) + ",female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\n" +
		"پ,ت," + nid(22) + ",female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\n"
	res := a.upload(gov, "c.csv", []byte(file))
	m := confirmID.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatalf("no preview:\n%s", res.body)
	}
	if res := a.post(a.login("hq.fars"), "/candidates", candidateForm("پ", nid(22), "beyza")); res.status != http.StatusSeeOther {
		t.Fatalf("register meanwhile: %d", res.status)
	}
	res = a.upload(gov, "", nil, "confirm", m[1])
	if res.status != http.StatusConflict {
		t.Fatalf("stale confirm: %d", res.status)
	}
	mustContain(t, res.body, "هیچ ردیفی ثبت نشد")
	if n := a.count(`SELECT count(*) FROM candidates WHERE national_id = $1`, nid(21)); n != 0 {
		t.Fatal("part of a refused file was imported")
	}
}

func TestCandidateExportRoundTrip(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	a.post(gov, "/candidates", candidateForm("علی رضایی", nid(31), "marvdasht"))
	a.post(gov, "/candidates", candidateForm("سارا احمدی", nid(32), "marvdasht-central"))
	csvFile := a.get(gov, "/candidates.csv?sort=name")
	if csvFile.status != 200 || !strings.HasPrefix(csvFile.body, "\uFEFFfull_name,") || !strings.Contains(csvFile.header.Get("Content-Disposition"), "candidates.csv") {
		t.Fatalf("csv: %d %q", csvFile.status, csvFile.body[:min(80, len(csvFile.body))])
	}
	mustContain(t, csvFile.body, "علی رضایی", nid(31), "marvdasht-central", "1370/01/15")
	// The same filters as the list.
	if filtered := a.get(gov, "/candidates.csv?q="+url.QueryEscape("سارا")).body; strings.Contains(filtered, "علی رضایی") {
		t.Error("the export ignores the search")
	}
	// Importing the export finds only duplicates.
	res := a.upload(gov, "candidates.csv", []byte(csvFile.body))
	mustContain(t, res.body, "۰ ردیف آماده ورود و ۲ ردیف رد شده", "پیش‌تر در مرودشت ثبت‌نام کرده است")

	xlsx := a.get(gov, "/candidates.xlsx")
	if xlsx.status != 200 {
		t.Fatalf("xlsx: %d", xlsx.status)
	}
	x, err := excelize.OpenReader(strings.NewReader(xlsx.body))
	if err != nil {
		t.Fatal(err)
	}
	sheet := x.GetSheetName(0)
	view, err := x.GetSheetView(sheet, 0)
	if err != nil || view.RightToLeft == nil || !*view.RightToLeft {
		t.Error("the sheet is not right-to-left")
	}
	rows, _ := x.GetRows(sheet)
	if len(rows) != 3 || rows[0][0] != "full_name" {
		t.Fatalf("xlsx rows: %v", rows)
	}
	res = a.upload(gov, "candidates.xlsx", []byte(xlsx.body))
	mustContain(t, res.body, "۰ ردیف آماده ورود و ۲ ردیف رد شده")
	// Another county's governor exports nothing of Marvdasht.
	if body := a.get(a.login("gov.pasargad"), "/candidates.csv").body; strings.Contains(body, nid(31)) {
		t.Error("the export leaks another county's candidates")
	}
}

// exportNames reads a CSV export with encoding/csv and returns its full_name column.
func exportNames(t *testing.T, body string) []string {
	t.Helper()
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v", err)
	}
	var names []string
	for _, rec := range records[1:] {
		names = append(names, rec[0])
	}
	return names
}

// The export follows the list's order: the names go in in an order that is neither their alphabetical
// order nor its reverse, so that an export ignoring the order (or using another) cannot pass.
func TestCandidateExportOrder(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	for i, name := range []string{"بهرام کاظمی", "آرش نوری", "پریا احمدی"} {
		if res := a.post(gov, "/candidates", candidateForm(name, nid(41+i), "marvdasht")); res.status != http.StatusSeeOther {
			t.Fatalf("register %s: %d", name, res.status)
		}
	}
	for _, tt := range []struct {
		sort string
		want []string
	}{
		{"name", []string{"آرش نوری", "بهرام کاظمی", "پریا احمدی"}},
		{"registered", []string{"پریا احمدی", "آرش نوری", "بهرام کاظمی"}},
		{"", []string{"پریا احمدی", "آرش نوری", "بهرام کاظمی"}}, // the list's default: newest first
	} {
		if got := exportNames(t, a.get(gov, "/candidates.csv?sort="+tt.sort).body); !slices.Equal(got, tt.want) {
			t.Errorf("sort=%q exports %v, want %v", tt.sort, got, tt.want)
		}
	}
}

// Exports carry everyone's national ID, birth date and phone: only HQ and governors, in their scope,
// may have them; the list shows the links to them alone.
func TestCandidateExportPermissions(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	if res := a.post(a.login("gov.marvdasht"), "/candidates", candidateForm("علی رضایی", nid(51), "marvdasht")); res.status != http.StatusSeeOther {
		t.Fatalf("register: %d", res.status)
	}
	for _, tt := range []struct {
		user string
		want int
	}{
		{"hq.fars", http.StatusOK},
		{"gov.marvdasht", http.StatusOK},
		{"dh.marvdasht", http.StatusForbidden},
		{"committee", http.StatusForbidden},
		{"observer", http.StatusForbidden},
		{"national", http.StatusForbidden},
	} {
		c := a.login(tt.user)
		for _, ext := range []string{"csv", "xlsx"} {
			res := a.get(c, "/candidates."+ext)
			if res.status != tt.want {
				t.Errorf("%s /candidates.%s: %d, want %d", tt.user, ext, res.status, tt.want)
				continue
			}
			if tt.want == http.StatusForbidden {
				mustNotContain(t, res.body, nid(51))
				continue
			}
			if ext == "csv" {
				mustContain(t, res.body, nid(51), "1370/01/15", "09171234567")
			} else if x, err := excelize.OpenReader(strings.NewReader(res.body)); err != nil {
				t.Errorf("%s xlsx: %v", tt.user, err)
			} else if v, _ := x.GetCellValue(x.GetSheetName(0), "C2"); v != nid(51) {
				t.Errorf("%s xlsx national ID: %q", tt.user, v)
			}
		}
		list := a.get(c, "/candidates").body
		if shown := strings.Contains(list, "/candidates.csv") && strings.Contains(list, "/candidates.xlsx"); shown != (tt.want == http.StatusOK) {
			t.Errorf("%s sees the export links: %v", tt.user, shown)
		}
	}
}

// Birth dates outside 18 to 100 years, and certificate or resignation dates with absurd years, are refused
// by the form and by the import alike.
func TestCandidateDatesPlausible(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	for _, tt := range []struct{ field, value, want string }{
		{"birth_date", "0001/01/01", "تاریخ تولد باورپذیر نیست"},
		{"birth_date", "1300/01/01", "تاریخ تولد باورپذیر نیست"},
		{"birth_date", "1390/01/01", "تاریخ تولد باورپذیر نیست"},
		{"certificate_date", "1200/01/01", "این تاریخ باورپذیر نیست"},
		{"resignation_date", "0001/01/01", "این تاریخ باورپذیر نیست"},
		{"resignation_date", "2405/01/01", "این تاریخ باورپذیر نیست"},
	} {
		f := candidateForm("علی رضایی", nid(81), "marvdasht")
		f.Set(tt.field, tt.value)
		res := a.post(gov, "/candidates", f)
		if res.status != http.StatusUnprocessableEntity {
			t.Errorf("form %s %s: %d", tt.field, tt.value, res.status)
		}
		mustContain(t, res.body, tt.want)
	}
	file := importHeader +
		"الف,ب," + nid(82) + ",female,0001/01/01,master,,marvdasht,,,,,,1405/08/25,\n" +
		"پ,ت," + nid(83) + ",female,1365/11/01,master,,marvdasht,,,,,,1200/08/25,\n" +
		"ث,ج," + nid(84) + ",female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,0001/01/01\n"
	res := a.upload(gov, "dates.csv", []byte(file))
	mustContain(t, res.body, "۰ ردیف آماده ورود و ۳ ردیف رد شده", "تاریخ تولد باورپذیر نیست", "این تاریخ باورپذیر نیست")
	if n := a.count(`SELECT count(*) FROM candidates`); n != 0 {
		t.Errorf("%d candidates with absurd dates", n)
	}
}
