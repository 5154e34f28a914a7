package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/seed"
)

// trainingNow is the tests' clock: 1405/09/05 (2026-11-26) in Tehran, morning.
var trainingNow = time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)

// sessionForm is a valid session for Marvdasht and its districts on 1405/09/20 at 10:00.
func sessionForm() url.Values {
	return url.Values{"title": {"آموزش سامانه ثبت‌نام داوطلبان"}, "date": {"۱۴۰۵/۰۹/۲۰"}, "time": {"۱۰:۰۰"},
		"place": {"https://meet.example.ir/room-7"}, "audience": {"counties"}, "county": {"marvdasht"}, "include_districts": {"1"}}
}

var trainingLocation = regexp.MustCompile(`^/trainings/(\d+)$`)

// schedule posts a session as c, with its materials, and returns its page's path.
func (a *testApp) schedule(c *http.Client, form url.Values, files ...filePart) string {
	a.t.Helper()
	res := a.postMultipart(c, "/trainings", form, files...)
	m := trainingLocation.FindStringSubmatch(res.header.Get("Location"))
	if res.status != http.StatusSeeOther || m == nil {
		a.t.Fatalf("schedule: %d %s", res.status, res.header.Get("Location"))
	}
	return m[0]
}

// A committee member schedules a session; each route answers each role as the issue says: the form comes
// back with its messages, the invited governor confirms his place once, another county finds nothing,
// only the session's committee records attendance (as of its version), and HQ's summary counts it.
func TestTrainingPages(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return trainingNow }
	a.addUser(auth.Account{Username: "legal", FullName: "پرویز حقوقی", Role: "committee", Province: "fars", Committee: "legal"})
	committee, gov, pasargad, dh := a.login("committee"), a.login("gov.marvdasht"), a.login("gov.pasargad"), a.login("dh.marvdasht")
	hq, observer, national, legal := a.login("hq.fars"), a.login("observer"), a.login("national"), a.login("legal")

	res := a.get(committee, "/trainings")
	if res.status != http.StatusOK {
		t.Fatalf("list: %d", res.status)
	}
	mustContain(t, res.body, `id="schedule"`, "برنامه‌ریزی دوره تازه برای کمیته فناوری", "دوره‌ای در پیش نیست.")
	for _, c := range []*http.Client{gov, hq, observer} {
		if contains(a.get(c, "/trainings").body, `id="schedule"`) {
			t.Fatal("a reader who schedules nothing has the form")
		}
		if res := a.post(c, "/trainings", sessionForm()); res.status != http.StatusForbidden {
			t.Fatalf("a non-member schedules: %d", res.status)
		}
	}

	// Wrong fields come back, kept, with their messages.
	bad := url.Values{"title": {strings.Repeat("ع", 201)}, "date": {"۱۴۰۵/۱۳/۴۰"}, "time": {"۲۵:۰۰"}, "place": {""},
		"audience": {"counties"}, "include_districts": {"1"}}
	res = a.postMultipart(committee, "/trainings", bad)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong form: %d", res.status)
	}
	mustContain(t, res.body, "این مقدار بیش از اندازه طولانی است.", "ساعت را به شکل ساعت:دقیقه وارد کنید", `value="۲۵:۰۰"`,
		"تاریخ را به شکل سال/ماه/روز وارد کنید", "این فیلد را پر کنید.", "دست‌کم یک شهرستان از این استان برگزینید.")
	unknown := sessionForm()
	unknown["county"] = []string{"nowhere"}
	if res := a.postMultipart(committee, "/trainings", unknown); res.status != http.StatusUnprocessableEntity || !contains(res.body, "دست‌کم یک شهرستان") {
		t.Fatalf("an unknown county: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM trainings`); n != 0 {
		t.Fatalf("%d sessions after refused forms", n)
	}

	path := a.schedule(committee, sessionForm())
	var starts time.Time
	a.st.Pool().QueryRow(t.Context(), `SELECT starts_at FROM trainings`).Scan(&starts)
	if want := time.Date(2026, 12, 11, 6, 30, 0, 0, time.UTC); !starts.Equal(want) {
		t.Fatalf("the session starts at %s, want %s (10:00 in Tehran on 1405/09/20)", starts, want)
	}
	res = a.get(committee, path)
	mustContain(t, res.body, "آموزش سامانه ثبت‌نام داوطلبان", "۱۴۰۵/۰۹/۲۰ ۱۰:۰۰",
		`<a href="https://meet.example.ir/room-7" rel="noopener noreferrer" target="_blank" dir="ltr" class="url">`, "فرمانداری مرودشت")

	// Scope: Pasargad and a malformed id find nothing; the district head sees his own place only.
	for _, p := range []string{path, "/trainings/0", "/trainings/x", "/trainings/999999"} {
		if res := a.get(pasargad, p); res.status != http.StatusNotFound {
			t.Fatalf("Pasargad opens %s: %d", p, res.status)
		}
	}
	if res := a.post(pasargad, path+"/confirm", nil); res.status != http.StatusNotFound {
		t.Fatalf("Pasargad confirms: %d", res.status)
	}
	res = a.get(dh, path)
	if res.status != http.StatusOK || contains(res.body, "فرمانداری مرودشت") || !contains(res.body, "بخشداری مرکزی (مرودشت)") {
		t.Fatalf("the district head's page: %d", res.status)
	}
	mustNotContain(t, a.get(pasargad, "/trainings").body, "آموزش سامانه ثبت‌نام داوطلبان")

	// The governor sees it on his home page and confirms, once.
	mustContain(t, a.get(gov, "/").body, "دوره‌های آموزشی شما", "آموزش سامانه ثبت‌نام داوطلبان", "تأیید نشده")
	mustContain(t, a.get(gov, path).body, "حضور را تأیید می‌کنم")
	for _, c := range []*http.Client{committee, hq, observer, national} {
		if res := a.post(c, path+"/confirm", nil); res.status != http.StatusForbidden {
			t.Fatalf("a non-invitee confirms: %d", res.status)
		}
	}
	for range 2 {
		if res := a.post(gov, path+"/confirm", nil); res.status != http.StatusSeeOther || res.header.Get("Location") != path {
			t.Fatalf("confirm: %d %s", res.status, res.header.Get("Location"))
		}
	}
	mustContain(t, a.get(gov, path).body, "حضور تأیید شده", "علی رضایی")
	mustNotContain(t, a.get(gov, path).body, "حضور را تأیید می‌کنم")
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'training.confirm'`); n != 1 {
		t.Fatalf("%d confirmations audited", n)
	}

	// Attendance: only the session's committee, as of its version.
	var county, central int64
	a.st.Pool().QueryRow(t.Context(), `SELECT i.id FROM training_invitees i WHERE i.district_id IS NULL`).Scan(&county)
	a.st.Pool().QueryRow(t.Context(), `SELECT i.id FROM training_invitees i JOIN districts d ON d.id = i.district_id
		WHERE d.code = 'marvdasht-central'`).Scan(&central)
	att := url.Values{"version": {"1"}, "attended_" + itoa(county): {"yes"}, "attendees_" + itoa(county): {"۴"},
		"names_" + itoa(county): {"علی رضایی، مینا کرمی"}, "attended_" + itoa(central): {"no"}}
	for _, c := range []*http.Client{gov, hq, observer, national, legal} {
		if res := a.post(c, path+"/attendance", att); res.status != http.StatusForbidden {
			t.Fatalf("a non-member of the committee records: %d", res.status)
		}
	}
	if res := a.post(pasargad, "/trainings/999999/attendance", att); res.status != http.StatusForbidden {
		t.Fatalf("a governor records: %d", res.status)
	}
	// Not before the session has begun (1405/09/20 at 10:00 in Tehran): no form, and a post is refused.
	res = a.get(committee, path)
	mustContain(t, res.body, "حضور دعوت‌شدگان از زمان آغاز دوره ثبت می‌شود.")
	mustNotContain(t, res.body, `id="attendance"`)
	if res := a.post(committee, path+"/attendance", att); res.status != http.StatusForbidden {
		t.Fatalf("attendance recorded before the session: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM training_invitees WHERE recorded_at IS NOT NULL`); n != 0 {
		t.Fatalf("%d places recorded before the session", n)
	}
	a.s.now = func() time.Time { return time.Date(2026, 12, 11, 8, 0, 0, 0, time.UTC) }
	mustContain(t, a.get(committee, path).body, `id="attendance"`)
	wrong := url.Values{"version": {"1"}, "attended_" + itoa(county): {"maybe"}, "attendees_" + itoa(central): {"چند"},
		"names_" + itoa(central): {strings.Repeat("ن", 2001)}}
	res = a.post(committee, path+"/attendance", wrong)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong attendance: %d", res.status)
	}
	mustContain(t, res.body, "حاضر بود یا غایب بود را برگزینید.", "شمار حاضران را با رقم وارد کنید، از ۰ تا ۱۰٬۰۰۰.", `value="چند"`)
	if res := a.post(committee, path+"/attendance", att); res.status != http.StatusSeeOther {
		t.Fatalf("attendance: %d", res.status)
	}
	stale := url.Values{"version": {"1"}, "attended_" + itoa(county): {"no"}, "names_" + itoa(county): {"نام دیرهنگام"}}
	res = a.post(committee, path+"/attendance", stale)
	if res.status != http.StatusConflict {
		t.Fatalf("a stale attendance: %d", res.status)
	}
	mustContain(t, res.body, "کاربر دیگری همین حالا تغییر داده است", "نام دیرهنگام", `name="version" value="2"`)
	res = a.get(gov, path)
	mustContain(t, res.body, "حاضر بود", "غایب بود", "۴ نفر", "علی رضایی، مینا کرمی")

	// HQ's summary: Marvdasht's governorate trained, its districts not.
	res = a.get(hq, "/trainings")
	row := regexp.MustCompile(`(?s)<tr id="cov-marvdasht">.*?</tr>`).FindString(res.body)
	if row == "" {
		t.Fatal("no coverage row for Marvdasht")
	}
	districts := a.count(`SELECT count(*) FROM districts d JOIN counties c ON c.id = d.county_id WHERE c.code = 'marvdasht'`)
	nums := regexp.MustCompile(`<td class="num">(?:<(?:span|a)[^>]*>)?([^<]+)`).FindAllStringSubmatch(row, -1)
	got := []string{}
	for _, n := range nums {
		got = append(got, n[1])
	}
	fa := func(n int) string { return persian.FormatInt(int64(n), true) }
	want := []string{fa(1 + districts), fa(1 + districts), fa(1), fa(1), fa(districts)}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("Marvdasht's coverage %v, want %v", got, want)
	}
	mustNotContain(t, row, "فرمانداری")
	mustContain(t, row, "بخش‌های ", "مرکزی")
	if contains(a.get(gov, "/trainings").body, `id="coverage"`) {
		t.Fatal("a governor reads the province's coverage")
	}

	// The Ministry chooses a province; an unknown one is not found.
	mustContain(t, a.get(national, "/trainings").body, "استانی را برگزینید.")
	mustContain(t, a.get(national, "/trainings?province=fars").body, "آموزش سامانه ثبت‌نام داوطلبان", `id="coverage"`)
	if res := a.get(national, "/trainings?province=nowhere"); res.status != http.StatusNotFound {
		t.Fatalf("an unknown province: %d", res.status)
	}
	if res := a.get(national, path); res.status != http.StatusOK {
		t.Fatalf("the Ministry opens the session: %d", res.status)
	}

	// A session is not scheduled in the past; a place that is not an https address is text; past
	// sessions are marked.
	a.s.now = func() time.Time { return trainingNow }
	other := sessionForm()
	other["place"], other["date"], other["time"] = []string{"javascript:alert(1)"}, []string{"۱۴۰۵/۰۹/۰۱"}, []string{"9:05"}
	if res := a.postMultipart(committee, "/trainings", other); res.status != http.StatusUnprocessableEntity ||
		!contains(res.body, "جلسه را برای امروز یا پس از آن بگذارید") {
		t.Fatalf("a session in the past: %d", res.status)
	}
	a.s.now = func() time.Time { return time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC) } // 1405/08/30
	held := a.schedule(committee, other)
	a.s.now = func() time.Time { return trainingNow }
	res = a.get(committee, held)
	mustContain(t, res.body, "javascript:alert(1)", "برگزار شده", "۱۴۰۵/۰۹/۰۱ ۰۹:۰۵")
	mustNotContain(t, res.body, `href="javascript:`)
	mustContain(t, a.get(committee, "/trainings").body, "دوره‌های برگزارشده")

	// A kept copy of a page is not served once its next session has started, the same day: it is then
	// marked held.
	a.s.now = func() time.Time { return time.Date(2026, 12, 11, 6, 0, 0, 0, time.UTC) }
	mustNotContain(t, a.get(gov, path).body, "برگزار شده")
	if upcoming, _, _ := strings.Cut(a.get(committee, "/trainings").body, `id="past-h"`); !strings.Contains(upcoming, "آموزش سامانه ثبت‌نام داوطلبان") {
		t.Error("a session to come is not listed as such")
	}
	a.s.now = func() time.Time { return time.Date(2026, 12, 11, 6, 31, 0, 0, time.UTC) }
	mustContain(t, a.get(gov, path).body, "برگزار شده")
	if upcoming, _, _ := strings.Cut(a.get(committee, "/trainings").body, `id="past-h"`); !strings.Contains(upcoming, "دوره‌ای در پیش نیست.") {
		t.Error("a session begun is still listed as to come")
	}

	// In English, Gregorian.
	a.get(gov, "/lang/en")
	mustContain(t, a.get(gov, path).body, "2026-12-11 10:00", "Marvdasht governorate", "Attended")
}

// A session's materials: scheduled with a PDF, listed on its page and downloaded byte for byte, as an
// attachment, by each reader in its scope (another county's governor finds nothing); a file whose content
// contradicts its name is refused with the form kept; only the session's committee adds more.
func TestTrainingMaterials(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return trainingNow }
	a.addUser(auth.Account{Username: "legal", FullName: "پرویز حقوقی", Role: "committee", Province: "fars", Committee: "legal"})
	committee, gov, pasargad, dh := a.login("committee"), a.login("gov.marvdasht"), a.login("gov.pasargad"), a.login("dh.marvdasht")
	hq, observer, national, legal := a.login("hq.fars"), a.login("observer"), a.login("national"), a.login("legal")
	pdf := seed.DemoPDF()

	// A PDF named .docx: refused, nothing scheduled, the form kept with the file's message.
	res := a.postMultipart(committee, "/trainings", sessionForm(), filePart{"attachment", "جزوه.docx", "application/pdf", pdf})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a PDF named .docx: %d", res.status)
	}
	mustContain(t, res.body, `id="e-attachment"`, ".pdf", `value="آموزش سامانه ثبت‌نام داوطلبان"`, `value="https://meet.example.ir/room-7"`,
		"دوباره انتخاب کنید")
	if n := a.count(`SELECT count(*) FROM trainings`); n != 0 {
		t.Fatalf("%d sessions after a refused file", n)
	}

	path := a.schedule(committee, sessionForm(), filePart{"attachment", "جزوه آموزشی.pdf", "application/pdf", pdf})
	mustContain(t, a.get(gov, path).body, "مواد آموزشی", "جزوه آموزشی.pdf", `href="`+path+`/attachments/1"`)
	if contains(a.get(gov, path).body, `id="attach-form"`) || !contains(a.get(committee, path).body, `id="attach-form"`) {
		t.Error("the form that adds materials is the committee's alone")
	}
	for name, c := range map[string]*http.Client{"committee": committee, "governor": gov, "district head": dh, "hq": hq,
		"observer": observer, "national": national, "another committee": legal} {
		dl := a.get(c, path+"/attachments/1")
		if dl.status != http.StatusOK || dl.body != string(pdf) {
			t.Errorf("%s downloads: %d, %d bytes", name, dl.status, len(dl.body))
			continue
		}
		for h, want := range map[string]string{
			"Content-Type":           "application/pdf",
			"Content-Disposition":    `attachment; filename="file.pdf"; filename*=UTF-8''%D8%AC%D8%B2%D9%88%D9%87%20%D8%A2%D9%85%D9%88%D8%B2%D8%B4%DB%8C.pdf`,
			"X-Content-Type-Options": "nosniff",
			"Content-Length":         itoa(int64(len(pdf))),
		} {
			if got := dl.header.Get(h); got != want {
				t.Errorf("%s's download: %s %q, want %q", name, h, got, want)
			}
		}
		// HEAD answers the same headers without the body.
		head := a.do(c, http.MethodHead, path+"/attachments/1", nil)
		if head.status != http.StatusOK || head.body != "" {
			t.Errorf("%s's HEAD: %d, %d bytes", name, head.status, len(head.body))
		}
		for _, h := range []string{"Content-Type", "Content-Length", "Content-Disposition", "X-Content-Type-Options", "Content-Security-Policy"} {
			if got, want := head.header.Get(h), dl.header.Get(h); got != want {
				t.Errorf("%s's HEAD: %s %q, want %q", name, h, got, want)
			}
		}
	}
	for _, p := range []string{path + "/attachments/1", path + "/attachments/2", path + "/attachments/01", "/trainings/999/attachments/1"} {
		c := gov
		if p == path+"/attachments/1" {
			c = pasargad
		}
		if res := a.get(c, p); res.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, res.status)
		}
		if res := a.do(c, http.MethodHead, p, nil); res.status != http.StatusNotFound {
			t.Errorf("HEAD %s: %d, want 404", p, res.status)
		}
	}

	// More materials: the committee's; a governor, another committee 403; another county 404.
	more := filePart{"attachment", "slides.pdf", "application/pdf", pdf}
	for name, c := range map[string]*http.Client{"governor": gov, "another committee": legal, "hq": hq} {
		if res := a.postMultipart(c, path+"/attachments", nil, more); res.status != http.StatusForbidden {
			t.Errorf("%s adds materials: %d, want 403", name, res.status)
		}
	}
	if res := a.postMultipart(pasargad, path+"/attachments", nil, more); res.status != http.StatusNotFound {
		t.Errorf("another county adds materials: %d, want 404", res.status)
	}
	res = a.postMultipart(committee, path+"/attachments", nil, filePart{"attachment", "page.pdf", "application/pdf", []byte("<html><script>alert(1)</script></html>")})
	if res.status != http.StatusUnprocessableEntity || !contains(res.body, `id="e-attachment"`) || !contains(res.body, `<details class="card fold" id="attach" open`) {
		t.Errorf("a web page named .pdf: %d", res.status)
	}
	if res := a.postMultipart(committee, path+"/attachments", nil); res.status != http.StatusUnprocessableEntity {
		t.Errorf("no file chosen: %d", res.status)
	}
	if res := a.postMultipart(committee, path+"/attachments", nil, more); res.status != http.StatusSeeOther {
		t.Fatalf("the committee adds materials: %d", res.status)
	}
	if dl := a.get(gov, path+"/attachments/2"); dl.status != http.StatusOK || dl.body != string(pdf) {
		t.Errorf("the added material: %d", dl.status)
	}
	id := strings.TrimPrefix(path, "/trainings/")
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'training.attach' AND entity_id = $1 AND detail::text LIKE '%slides.pdf%'`, id); n != 1 {
		t.Errorf("%d audit rows of the added material", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'training.schedule' AND entity_id = $1 AND detail::text LIKE '%attachments%'`, id); n != 1 {
		t.Errorf("%d audit rows of the scheduled material", n)
	}
}

// Once a session has begun its invited places confirm no more: the button is gone and a post is refused
// (409) with the page saying why.
func TestTrainingConfirmOnceBegun(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return trainingNow }
	committee, gov := a.login("committee"), a.login("gov.marvdasht")
	path := a.schedule(committee, sessionForm())
	mustContain(t, a.get(gov, path).body, "حضور را تأیید می‌کنم")
	a.s.now = func() time.Time { return time.Date(2026, 12, 11, 6, 30, 0, 0, time.UTC) } // 10:00 in Tehran, as it begins
	mustNotContain(t, a.get(gov, path).body, "حضور را تأیید می‌کنم")
	res := a.post(gov, path+"/confirm", nil)
	if res.status != http.StatusConflict {
		t.Fatalf("a confirmation once begun: %d", res.status)
	}
	mustContain(t, res.body, "این جلسه آغاز شده است؛ تأیید حضور پس از آغاز جلسه پذیرفته نیست.")
	if n := a.count(`SELECT count(*) FROM training_invitees WHERE confirmed_at IS NOT NULL`); n != 0 {
		t.Fatalf("%d places confirmed once begun", n)
	}
}

// An attendance post changes only the places it names, and the log keeps what a place's record held
// before it was changed or cleared.
func TestTrainingAttendancePartial(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return trainingNow }
	committee := a.login("committee")
	path := a.schedule(committee, sessionForm())
	a.s.now = func() time.Time { return time.Date(2026, 12, 11, 8, 0, 0, 0, time.UTC) }
	var county, central int64
	a.st.Pool().QueryRow(t.Context(), `SELECT i.id FROM training_invitees i WHERE i.district_id IS NULL`).Scan(&county)
	a.st.Pool().QueryRow(t.Context(), `SELECT i.id FROM training_invitees i JOIN districts d ON d.id = i.district_id
		WHERE d.code = 'marvdasht-central'`).Scan(&central)
	all := url.Values{"version": {"1"}, "attended_" + itoa(county): {"yes"}, "attendees_" + itoa(county): {"۴"},
		"names_" + itoa(county): {"علی رضایی"}, "attended_" + itoa(central): {"no"}, "names_" + itoa(central): {""}}
	a.wantStatus(a.post(committee, path+"/attendance", all), http.StatusSeeOther, "the attendance")
	if body := a.get(committee, path).body; !strings.Contains(body, `value="۴"`) || strings.Contains(body, `value="4"`) {
		t.Error("the recorded count is not drawn in Persian digits")
	}
	// The district alone, cleared: the county keeps its record.
	partial := url.Values{"version": {"2"}, "names_" + itoa(central): {""}}
	a.wantStatus(a.post(committee, path+"/attendance", partial), http.StatusSeeOther, "the district's attendance alone")
	if n := a.count(`SELECT count(*) FROM training_invitees WHERE id = $1 AND attended AND attendees = 4 AND attendee_names = 'علی رضایی'`, county); n != 1 {
		t.Fatal("a place the post did not name lost its attendance")
	}
	if n := a.count(`SELECT count(*) FROM training_invitees WHERE id = $1 AND attended IS NULL`, central); n != 1 {
		t.Fatal("the place the post named was not cleared")
	}
	// The county changed: the log says what it held.
	change := url.Values{"version": {"3"}, "attended_" + itoa(county): {"no"}, "names_" + itoa(county): {""}}
	a.wantStatus(a.post(committee, path+"/attendance", change), http.StatusSeeOther, "the county's change")
	var before string
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT detail->'before' FROM audit_log WHERE action = 'training.attendance'
		ORDER BY id DESC LIMIT 1`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	mustContain(t, before, `"attended":true`, `"attendees":4`, `"attendee_names":"علی رضایی"`)
	var cleared string
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT detail->'before' FROM audit_log WHERE action = 'training.attendance'
		ORDER BY id DESC OFFSET 1 LIMIT 1`).Scan(&cleared); err != nil {
		t.Fatal(err)
	}
	mustContain(t, cleared, `"attended":false`)
	// A post naming no place of this session (another session's, or none) records nothing and says so.
	for _, foreign := range []url.Values{{"version": {"4"}, "attended_999999": {"yes"}}, {"version": {"4"}}} {
		res := a.post(committee, path+"/attendance", foreign)
		a.wantStatus(res, http.StatusUnprocessableEntity, "a post naming no place of the session")
		mustContain(t, res.body, "هیچ‌یک از محل‌های دعوت‌شده")
	}
	if n := a.count(`SELECT count(*) FROM trainings WHERE version = 4`); n != 1 {
		t.Fatal("a post naming no place changed the session's version")
	}
}
