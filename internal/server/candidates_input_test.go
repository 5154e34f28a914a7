package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/boardrules"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
)

// A phone is stored in one form whatever digits, separators and prefix were typed, in the form and in a
// file alike; what is not an Iranian mobile or landline with its area code is refused on its field.
func TestCandidatePhoneNormalised(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	for i, typed := range map[int]string{71: "+98 917 ۱۲۳ 45-67", 72: "۰۷۱-۴۳۲۰۱۲۳۴"} {
		f := candidateForm("علی رضایی", nid(i), "marvdasht")
		f.Set("phone", typed)
		if res := a.post(gov, "/candidates", f); res.status != http.StatusSeeOther {
			t.Fatalf("register with %q: %d\n%s", typed, res.status, res.body)
		}
	}
	if n := a.count(`SELECT count(*) FROM candidates WHERE phone IN ('09171234567', '07143201234')`); n != 2 {
		t.Errorf("%d phones stored normalised, want 2", n)
	}
	for _, typed := range []string{"43201234", "0917123456", "+1 415 555 0100", "0917abc4567"} {
		f := candidateForm("علی رضایی", nid(73), "marvdasht")
		f.Set("phone", typed)
		res := a.post(gov, "/candidates", f)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("register with %q: %d", typed, res.status)
		}
		mustContain(t, res.body, `id="e-phone"`, "شماره ثابت را با کد شهر")
	}

	file := importHeader + "سارا رضایی,حسن," + nid(74) + ",female,1370/01/15,bachelor,,marvdasht,0098 917 765 4321,,,,,1405/08/20,\n"
	res := a.upload(gov, "c.csv", []byte(file))
	a.confirmImport(gov, res)
	if n := a.count(`SELECT count(*) FROM candidates WHERE phone = '09177654321'`); n != 1 {
		t.Errorf("the imported phone is not stored normalised")
	}
}

// confirmImport confirms the preview res shows, failing the test unless it imported.
func (a *testApp) confirmImport(c *http.Client, res response) {
	a.t.Helper()
	m := confirmID.FindStringSubmatch(res.body)
	if m == nil {
		a.t.Fatalf("no preview to confirm: %d\n%s", res.status, res.body)
	}
	if res := a.upload(c, "", nil, "import", m[1], "confirm", "yes"); res.status != http.StatusSeeOther {
		a.t.Fatalf("confirm: %d\n%s", res.status, res.body)
	}
}

// Each date field says which calendar it wants, with today as the example, and reads what its reader's
// pages show: Jalali in Persian, where a Gregorian-looking year is named for what it is; Gregorian in
// English (Jalali too). The messages name days in the calendar that the field takes.
func TestDatesInTheReadersCalendar(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) } // 1405/09/05
	a.withElection()
	gov := a.login("gov.marvdasht")

	mustContain(t, a.get(gov, "/candidates/new").body, "تاریخ شمسی، به شکل سال/ماه/روز؛ مثلاً امروز ۱۴۰۵/۰۹/۰۵ است.")
	f := candidateForm("سارا رضایی", nid(81), "marvdasht")
	f.Set("birth_date", "1980/01/01")
	f.Set("certificate_date", "2026-11-20")
	res := a.post(gov, "/candidates", f)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("Gregorian days on a Persian page: %d", res.status)
	}
	mustContain(t, res.body, "این تاریخ میلادی به نظر می‌رسد", "این روز به شمسی ۱۳۵۸/۱۰/۱۱ است", "این روز به شمسی ۱۴۰۵/۰۸/۲۹ است")
	mustNotContain(t, res.body, "مقدار معتبر نیست", "هنوز نرسیده")
	f.Set("birth_date", "1370/13/01")
	mustContain(t, a.post(gov, "/candidates", f).body, "تاریخ را به شکل سال/ماه/روز وارد کنید، مثلاً ۱۴۰۵/۰۹/۰۵.")

	en := a.login("gov.marvdasht")
	a.get(en, "/lang/en")
	mustContain(t, a.get(en, "/candidates/new").body, "Gregorian calendar, year-month-day; today, for example, is 2026-11-26. A Jalali date such as 1405/09/05 is accepted too.")
	f = candidateForm("Sara Rezaei", nid(82), "marvdasht")
	f.Set("birth_date", "1980-01-01")
	f.Set("certificate_date", "2026-11-20")
	f.Set("resignation_date", "1404/01/15") // Jalali still reads on an English page
	if res := a.post(en, "/candidates", f); res.status != http.StatusSeeOther {
		t.Fatalf("Gregorian days on an English page: %d\n%s", res.status, res.body)
	}
	if n := a.count(`SELECT count(*) FROM candidates WHERE national_id = $1 AND birth_date = '1980-01-01'
		AND certificate_date = '2026-11-20' AND resignation_date = '2025-04-04'`, nid(82)); n != 1 {
		t.Error("the days typed on the English page were not stored as typed")
	}
	f = candidateForm("Sara Rezaei", nid(83), "marvdasht")
	f.Set("birth_date", "2030-01-01")
	f.Set("certificate_date", "2026-01-01")
	res = a.post(en, "/candidates", f)
	mustContain(t, res.body, "This birth date has not come yet", "The criminal-record certificate must be issued after 2026-08-27.")
	mustNotContain(t, res.body, "This value is not valid.")

	// The audit log's day filter reads the same way.
	hq := a.login("hq.fars")
	res = a.get(hq, "/audit?day=2026-11-30")
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a Gregorian day in the Persian audit filter: %d", res.status)
	}
	mustContain(t, res.body, "این تاریخ میلادی به نظر می‌رسد", "تاریخ شمسی، به شکل سال/ماه/روز")
	a.get(hq, "/lang/en")
	today := time.Now().In(i18n.Tehran) // the log's rows carry the database's clock
	for _, day := range []string{today.Format(time.DateOnly), persian.FromTime(today).String()} {
		res = a.get(hq, "/audit?day="+day)
		if res.status != http.StatusOK || !strings.Contains(res.body, "Sara Rezaei") {
			t.Errorf("the English audit filter on %s: %d, the day's registration shown: %v", day, res.status, strings.Contains(res.body, "Sara Rezaei"))
		}
	}

	// The supervision board's approval of a pool too.
	res = a.post(gov, "/boards/"+a.boardID("marvdasht", "")+"/pool/approval", url.Values{"approved_on": {"2026-11-01"}, "reference": {"12"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a Gregorian approval day: %d", res.status)
	}
	mustContain(t, res.body, "این روز به شمسی ۱۴۰۵/۰۸/۱۰ است")
}

// A national ID on another county's board is named by that county in the reader's language, by the form
// and by the import alike; two boards are listed with each language's comma.
func TestBoardClashNamedInReadersLanguage(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	ctx := t.Context()
	for i, county := range []string{"kazerun", "kazerun", "marvdasht"} {
		board, _ := strconv.ParseInt(a.boardID(county, ""), 10, 64)
		m := boardrules.Member{FullName: "عضو", NationalID: nid(91 + min(i, 1)), Role: "trusted"}
		if err := a.st.AddPoolMember(ctx, audit.System, auth.Scope{}, board, m); err != nil {
			t.Fatal(err)
		}
	}
	hq := a.login("hq.fars")
	res := a.post(hq, "/candidates", candidateForm("علی رضایی", nid(91), "marvdasht"))
	mustContain(t, res.body, "این شخص عضو هیئت اجرایی یا فهرست معتمدین (کازرون) همین انتخابات است.")
	res = a.post(hq, "/candidates", candidateForm("علی رضایی", nid(92), "marvdasht"))
	mustContain(t, res.body, "(کازرون، مرودشت)")
	a.get(hq, "/lang/en")
	res = a.post(hq, "/candidates", candidateForm("Ali Rezaei", nid(91), "marvdasht"))
	mustContain(t, res.body, "This person sits on an executive board or its pool (Kazerun) in this election.")
	res = a.post(hq, "/candidates", candidateForm("Ali Rezaei", nid(92), "marvdasht"))
	mustContain(t, res.body, "(Kazerun, Marvdasht)")

	gov := a.login("gov.marvdasht")
	file := importHeader + "علی رضایی,حسن," + nid(92) + ",female,1370/01/15,bachelor,,marvdasht,,,,,,1405/08/20,\n"
	res = a.upload(gov, "c.csv", []byte(file))
	mustContain(t, res.body, "(کازرون، مرودشت)")
	id := regexp.MustCompile(`/candidates/import/(\d+)/rejected.csv`).FindStringSubmatch(res.body)
	if id == nil {
		t.Fatalf("no preview:\n%s", res.body)
	}
	a.get(gov, "/lang/en")
	mustContain(t, a.get(gov, "/candidates/import/"+id[1]).body, "(Kazerun, Marvdasht)")
	mustContain(t, a.get(gov, "/candidates/import/"+id[1]+"/rejected.csv").body, "(Kazerun, Marvdasht)")
}
