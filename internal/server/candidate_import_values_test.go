package server

import (
	"encoding/csv"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/boardrules"
)

// rejectedCSV is the rejected.csv of the preview res shows, read with encoding/csv.
func (a *testApp) rejectedCSV(c *http.Client, res response) [][]string {
	a.t.Helper()
	id := regexp.MustCompile(`/candidates/import/(\d+)/rejected.csv`).FindStringSubmatch(res.body)
	if id == nil {
		a.t.Fatalf("no rejected rows in the preview:\n%s", res.body)
	}
	body := a.get(c, "/candidates/import/"+id[1]+"/rejected.csv").body
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		a.t.Fatalf("rejected.csv: %v", err)
	}
	return records
}

// A file may say what people say: a choice by its label in either language, a constituency by its name
// or label, yes and no in words; a word that answers nothing is a problem, not a silent no.
func TestImportReadsPeoplesValues(t *testing.T) {
	a := newTestApp(t)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	a.s.now = func() time.Time { return now }
	a.withElection()
	gov := a.login("gov.marvdasht")
	file := importHeader +
		"سارا رضایی,حسن," + nid(201) + ",زن,1370/01/15,کارشناسی,,مرودشت,,,دارد,,ندارد,1405/08/20,\n" +
		"Mina Karimi,Hasan," + nid(202) + ",Female,1370/01/15,Bachelor's degree,,City of Marvdasht,,,yes,,No,1405/08/20,\n" +
		"رضا کریمی,حسن," + nid(204) + ",نامعلوم,1370/01/15,کارشناسی,,مرودشت,,,شاید,,,1405/08/20,\n"
	res := a.upload(gov, "people.csv", []byte(file))
	mustContain(t, res.body, "۲ ردیف آماده ورود و ۱ ردیف رد شده")
	records := a.rejectedCSV(gov, res)
	if len(records) != 2 || records[1][2] != nid(204) || !strings.Contains(records[1][16], "«دارد» یا «ندارد» بنویسید") ||
		!strings.Contains(records[1][16], "جنسیت") {
		t.Fatalf("rejected: %q", records)
	}
	a.confirmImport(gov, res)
	// The villages register in a window of their own.
	now = villageRegistration
	file = importHeader +
		"علی کریمی,حسن," + nid(203) + ",مرد,1370/01/15,كارشناسی ارشد,,روستاهاي بخش مرکزی (مرودشت),,,خیر,پایان خدمت,0,1405/08/20,\n"
	res = a.upload(gov, "villages.csv", []byte(file))
	mustContain(t, res.body, "۱ ردیف آماده ورود و ۰ ردیف رد شده")
	a.confirmImport(gov, res)
	now = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct{ id, where string }{
		{nid(201), "gender = 'female' AND education = 'bachelor' AND veteran AND NOT listed_post AND district_id IS NULL"},
		{nid(202), "gender = 'female' AND education = 'bachelor' AND veteran AND NOT listed_post AND district_id IS NULL"},
		{nid(203), "gender = 'male' AND education = 'master' AND NOT veteran AND military_service = 'completed' AND district_id IS NOT NULL"},
	} {
		if n := a.count(`SELECT count(*) FROM candidates WHERE national_id = $1 AND `+tt.where, tt.id); n != 1 {
			t.Errorf("%s was not stored as its words say (%s)", tt.id, tt.where)
		}
	}

	// In the province, a district's name alone is many constituencies': the codes tell them apart.
	file = importHeader + "سارا رضایی,حسن," + nid(205) + ",زن,1370/01/15,کارشناسی,,مرکزی,,,,,,1405/08/20,\n"
	res = a.upload(a.login("hq.fars"), "central.csv", []byte(file))
	mustContain(t, res.body, "چند حوزه انتخابیه این نام را دارند", "marvdasht-central")
}

// A row reports all its problems at once, its national ID's clashes with registrations and boards
// beside the others; rejected rows come in the file's order.
func TestImportRowReportsAllProblems(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	if res := a.post(gov, "/candidates", candidateForm("علی رضایی", nid(211), "marvdasht")); res.status != http.StatusSeeOther {
		t.Fatalf("register: %d", res.status)
	}
	board := mustInt(t, a.boardID("kazerun", ""))
	if err := a.st.AddPoolMember(t.Context(), audit.System, auth.Scope{}, board, boardrules.Member{FullName: "عضو", NationalID: nid(212)}); err != nil {
		t.Fatal(err)
	}
	file := importHeader +
		"الف,ب," + nid(213) + ",female,1370/01/15,bachelor,,marvdasht,,,,,,1405/08/20,\n" + // ready
		"پ,ت," + nid(211) + ",female,1370/01/15,bachelor,,marvdasht,12345,,,,,1405/08/20,\n" + // registered, bad phone
		"ث,ج," + nid(212) + ",female,1395/01/15,bachelor,,marvdasht,,,,,,1405/08/20,\n" + // on a board, too young
		"چ,ح," + nid(213) + ",female,1370/01/15,nothing,,marvdasht,,,,,,1405/08/20,\n" + // line 2's ID, bad education
		"خ,د,123,female,1370/01/15,bachelor,,nowhere,,,,,,,\n" // bad ID, constituency and certificate
	res := a.upload(gov, "all.csv", []byte(file))
	mustContain(t, res.body, "۱ ردیف آماده ورود و ۴ ردیف رد شده")
	records := a.rejectedCSV(gov, res)
	if len(records) != 5 {
		t.Fatalf("rejected: %q", records)
	}
	var firsts []string
	for _, r := range records[1:] {
		firsts = append(firsts, r[0])
	}
	if !slices.Equal(firsts, []string{"پ", "ث", "چ", "خ"}) {
		t.Errorf("rejected rows in the order %q, not the file's", firsts)
	}
	for i, wants := range [][]string{
		{"پیش‌تر در مرودشت ثبت‌نام کرده است", "شماره همراه را مانند"},
		{"(کازرون)", "تاریخ تولد باورپذیر نیست"},
		{"سطر ۲ همین فایل", "مدرک تحصیلی"},
		{"کد ملی", "حوزه انتخابیه", "گواهی عدم سوء پیشینه"},
	} {
		for _, w := range wants {
			if !strings.Contains(records[i+1][16], w) {
				t.Errorf("line %d's problems %q lack %q", i+3, records[i+1][16], w)
			}
		}
	}
}

// A preview whose rows clash with a registration made since answers 409 without a confirmation button:
// the file is to be uploaded again.
func TestStaleImportOffersNoConfirmation(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	file := importHeader + "الف,ب," + nid(221) + ",female,1370/01/15,bachelor,,marvdasht,,,,,,1405/08/20,\n" +
		"پ,ت," + nid(222) + ",female,1370/01/15,bachelor,,marvdasht,,,,,,1405/08/20,\n"
	res := a.upload(gov, "stale.csv", []byte(file))
	m := confirmID.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatalf("no preview:\n%s", res.body)
	}
	if res := a.post(gov, "/candidates", candidateForm("پ", nid(222), "marvdasht")); res.status != http.StatusSeeOther {
		t.Fatalf("register meanwhile: %d", res.status)
	}
	res = a.upload(gov, "", nil, "import", m[1], "confirm", "yes")
	if res.status != http.StatusConflict {
		t.Fatalf("stale confirmation: %d", res.status)
	}
	mustContain(t, res.body, "۳", `id="import-form"`)
	if confirmID.MatchString(res.body) {
		t.Error("the stale preview still offers its confirmation")
	}
}

// reasonsTable is the preview's table of reasons: each row's cells, tags removed.
func reasonsTable(t *testing.T, body string) [][]string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<table id="reasons">.*?<tbody>(.*?)</tbody>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no table of reasons:\n%s", body)
	}
	var rows [][]string
	for _, tr := range regexp.MustCompile(`(?s)<tr>(.*?)</tr>`).FindAllStringSubmatch(m[1], -1) {
		var cells []string
		for _, td := range regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`).FindAllStringSubmatch(tr[1], -1) {
			cells = append(cells, html.UnescapeString(strings.TrimSpace(anyTag.ReplaceAllString(td[1], ""))))
		}
		rows = append(rows, cells)
	}
	return rows
}

// A large preview groups its rejected rows by reason, the commonest first, with their count and their
// first lines; a reason whose rows differ in a detail says so.
func TestImportPreviewGroupedByReason(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	if res := a.post(gov, "/candidates", candidateForm("علی رضایی", nid(230), "marvdasht")); res.status != http.StatusSeeOther {
		t.Fatalf("register: %d", res.status)
	}
	row := func(n int, phone string) string {
		return "الف,ب," + nid(n) + ",female,1370/01/15,bachelor,,marvdasht," + phone + ",,,,,1405/08/20,\n"
	}
	var file strings.Builder
	file.WriteString(importHeader)
	file.WriteString(row(230, "")) // line 2: registered already
	for n := 231; n <= 260; n++ {  // lines 3–32: a bad phone
		file.WriteString(row(n, "12345"))
	}
	for _, n := range []int{261, 262, 263, 261, 262, 263} { // lines 33–38: 36–38 repeat 33–35
		file.WriteString(row(n, ""))
	}
	res := a.upload(gov, "many.csv", []byte(file.String()))
	mustContain(t, res.body, "۳ ردیف آماده ورود و ۳۴ ردیف رد شده")
	got := reasonsTable(t, res.body)
	want := [][]string{
		{"تلفن: شماره همراه را مانند ۰۹۱۲۳۴۵۶۷۸۹ یا شماره ثابت را با کد شهر مانند ۰۷۱۴۳۲۰۱۲۳۴ وارد کنید.", "۳۰",
			"۳، ۴، ۵، ۶، ۷، ۸، ۹، ۱۰، ۱۱، ۱۲، ۱۳، ۱۴، ۱۵، ۱۶، ۱۷، ۱۸، ۱۹، ۲۰، ۲۱، ۲۲ و ۱۰ سطر دیگر"},
		{"کد ملی: این کد ملی در سطر ۳۳ همین فایل هم آمده است. (و موارد مشابه)", "۳", "۳۶، ۳۷، ۳۸"},
		{"کد ملی: این کد ملی در همین انتخابات پیش‌تر در مرودشت ثبت‌نام کرده است.", "۱", "۲"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("reasons:\n%q\nwant\n%q", got, want)
	}
	a.get(gov, "/lang/en")
	id := regexp.MustCompile(`/candidates/import/(\d+)/rejected.csv`).FindStringSubmatch(res.body)
	got = reasonsTable(t, a.get(gov, "/candidates/import/"+id[1]).body)
	if len(got) != 3 || got[0][1] != "30" || !strings.HasSuffix(got[0][2], "22 and 10 more lines") || !strings.HasSuffix(got[1][0], "(and similar)") {
		t.Errorf("reasons in English: %q", got)
	}
}
