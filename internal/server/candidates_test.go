package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/candidacy"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
)

// candidateForm is a registration that passes every check on the test clock (1405/09/05).
func candidateForm(name, id, constituency string) url.Values {
	return url.Values{"full_name": {name}, "father_name": {"حسن"}, "national_id": {id}, "gender": {"female"},
		"birth_date": {"۱۳۷۰/۰۱/۱۵"}, "education": {"bachelor"}, "occupation": {"معلم"}, "constituency": {constituency},
		"phone": {"۰۹۱۷۱۲۳۴۵۶۷"}, "tracking_id": {"TR-100"}, "certificate_date": {"۱۴۰۵/۰۸/۲۰"}}
}

func (a *testApp) candidateID(nationalID string) string {
	a.t.Helper()
	var id int64
	if err := a.st.Pool().QueryRow(a.t.Context(), `SELECT id FROM candidates WHERE national_id = $1`, nationalID).Scan(&id); err != nil {
		a.t.Fatal(err)
	}
	return itoa(id)
}

func TestCandidateRegistration(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov, hq := a.login("gov.marvdasht"), a.login("hq.fars")

	res := a.post(gov, "/candidates", candidateForm("علي رضايي", persian.ToPersianDigits(nid(1)), "marvdasht"))
	if res.status != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", res.status, res.body)
	}
	id := a.candidateID(nid(1))
	page := a.get(gov, "/candidates/"+id)
	mustContain(t, page.body, "علي رضايي", "ثبت‌نام‌شده", "کارشناسی", "مرودشت")
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'candidate.register' AND entity_id = $1`, id); n != 1 {
		t.Error("the registration is not audited")
	}

	// Every check answers on its field, with the form filled in.
	bad := candidateForm("سارا", "0012345670", "marvdasht")
	bad.Set("birth_date", "1385/01/01") // 20: plausible, but under the law's 25
	bad.Set("education", "diploma")
	bad.Set("gender", "male")
	bad.Set("certificate_date", "1404/01/01")
	res = a.post(gov, "/candidates", bad)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad registration: %d", res.status)
	}
	mustContain(t, res.body, "کد ملی", "دست‌کم ۲۵ سال", `id="e-military_service"`, "این مورد لازم است", "گواهی عدم سوء پیشینه باید پس از", `value="سارا"`)

	// One registration per person per election in the whole country, whoever registers it.
	res = a.post(hq, "/candidates", candidateForm("علی رضایی", nid(1), "pasargad"))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate in another county: %d", res.status)
	}
	mustContain(t, res.body, "پیش‌تر در مرودشت ثبت‌نام کرده است")

	// A governor registers only in his county and sees only its candidates.
	if res := a.post(a.login("gov.pasargad"), "/candidates", candidateForm("x", nid(2), "marvdasht")); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, "حوزه انتخابیه را از فهرست انتخاب کنید") {
		t.Fatalf("registering in another county: %d", res.status)
	}
	if res := a.get(a.login("gov.pasargad"), "/candidates/"+id); res.status != http.StatusNotFound {
		t.Fatalf("another county's candidate: %d", res.status)
	}
	mustNotContain(t, a.get(a.login("gov.pasargad"), "/candidates").body, "علي رضايي")
	if res := a.post(a.login("observer"), "/candidates", candidateForm("x", nid(3), "marvdasht")); res.status != http.StatusForbidden {
		t.Fatalf("observer registering: %d", res.status)
	}

	// A search for «علی» finds «علي»; a national ID in Persian digits finds it too.
	for _, q := range []string{"علی", "رضایی", persian.ToPersianDigits(nid(1)), "TR-100"} {
		if !strings.Contains(a.get(hq, "/candidates?q="+url.QueryEscape(q)).body, "/candidates/"+id) {
			t.Errorf("search %q does not find the candidate", q)
		}
	}
	if strings.Contains(a.get(hq, "/candidates?q="+url.QueryEscape("حسینی")).body, "/candidates/"+id) {
		t.Error("search finds what it should not")
	}
	mustContain(t, a.get(hq, "/candidates?status=registered&county=marvdasht").body, "/candidates/"+id)
	mustNotContain(t, a.get(hq, "/candidates?status=withdrawn").body, "/candidates/"+id)
}

func TestCandidateBoardConflict(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov, hq := a.login("gov.marvdasht"), a.login("hq.fars")
	board := a.boardID("marvdasht", "")
	a.post(gov, "/boards/"+board+"/members", member("عضو", nid(50), "secretary", ""))
	res := a.post(a.login("gov.pasargad"), "/candidates", candidateForm("عضو", nid(50), "pasargad"))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a board member registering: %d", res.status)
	}
	mustContain(t, res.body, "عضو هیئت اجرایی یا فهرست معتمدین (مرودشت) همین انتخابات است")
	// HQ may accept it with a reason; the board then shows the conflict.
	form := candidateForm("عضو", nid(50), "pasargad")
	form.Set("override_reason", "استعفا از هیئت در جریان است")
	form.Set("override_board", "1")
	if res := a.post(hq, "/candidates", form); res.status != http.StatusSeeOther {
		t.Fatalf("HQ override: %d\n%s", res.status, res.body)
	}
	id := a.candidateID(nid(50))
	mustContain(t, a.get(hq, "/candidates/"+id).body, "استعفا از هیئت در جریان است", "هیئت اجرایی شهرستان مرودشت")
	mustContain(t, a.get(gov, "/boards/"+board).body, "عضو در همین انتخابات داوطلب ثبت‌نام کرده است")
}

func TestCandidateLifecycle(t *testing.T) {
	a := newTestApp(t)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	a.s.now = func() time.Time { return now }
	a.withElection()
	gov := a.login("gov.marvdasht")
	a.post(gov, "/candidates", candidateForm("زهرا", nid(7), "marvdasht"))
	id := a.candidateID(nid(7))
	step := func(to, reason, version string, want int) response {
		t.Helper()
		res := a.post(gov, "/candidates/"+id+"/status", url.Values{"status": {to}, "reason": {reason}, "version": {version}})
		if res.status != want {
			t.Fatalf("%s: %d, want %d\n%s", to, res.status, want, res.body)
		}
		return res
	}
	step("final_qualified", "", "1", http.StatusUnprocessableEntity) // not the next step
	step("under_review", "", "1", http.StatusSeeOther)
	mustContain(t, step("exec_rejected", "", "2", http.StatusUnprocessableEntity).body, "برای این تصمیم دلیل بنویسید")
	step("exec_approved", "", "1", http.StatusConflict) // a stale form
	step("exec_approved", "", "2", http.StatusSeeOther)
	step("supervision_review", "", "3", http.StatusSeeOther)
	step("preliminary_announced", "", "4", http.StatusSeeOther)
	mustContain(t, a.get(gov, "/candidates/"+id).body, "مهلت اعتراض تا")
	now = time.Date(2027, 1, 7, 10, 0, 0, 0, time.UTC) // past the timeline's objection window, E−68 … E−65 (2027-01-06)
	mustContain(t, step("objection_filed", "", "5", http.StatusUnprocessableEntity).body, "مهلت اعتراض برای این انتخابات گذشته است")
	step("withdrawn", "انصراف کتبی", "5", http.StatusSeeOther)
	page := a.get(gov, "/candidates/"+id).body
	mustContain(t, page, "انصراف", "انصراف کتبی", "تأیید هیئت اجرایی", "در حال بررسی هیئت نظارت")
	mustNotContain(t, page, `action="/candidates/`+id+`/status"`) // final: no next step
	if n := a.count(`SELECT count(*) FROM candidate_events WHERE candidate_id = $1`, id); n != 6 {
		t.Errorf("%d events, want 6", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'candidate.status' AND entity_id = $1`, id); n != 5 {
		t.Errorf("%d status audit rows, want 5", n)
	}
}

func TestCandidateConstituencyChange(t *testing.T) {
	a := newTestApp(t)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	a.s.now = func() time.Time { return now }
	a.withElection() // election day 2027-03-12; its timeline's change of constituency until E−15, 2027-02-25
	gov, hq := a.login("gov.marvdasht"), a.login("hq.fars")
	a.post(gov, "/candidates", candidateForm("زهرا", nid(8), "marvdasht"))
	id := a.candidateID(nid(8))
	if res := a.post(hq, "/candidates/"+id+"/constituency", url.Values{"constituency": {"pasargad"}, "version": {"1"}}); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, "فقط در همان شهرستان") {
		t.Fatalf("to another county: %d", res.status)
	}
	if res := a.post(gov, "/candidates/"+id+"/constituency", url.Values{"constituency": {"marvdasht-central"}, "version": {"1"}}); res.status != http.StatusSeeOther {
		t.Fatalf("change: %d\n%s", res.status, res.body)
	}
	// The history names both constituencies, the arrow pointing to the new one.
	page := a.get(gov, "/candidates/"+id).body
	mustNotContain(t, page, "marvdasht-central")
	mustContain(t, strings.Join(changeLines(page), "\n"), "حوزه انتخابیه: شهر مرودشت ← روستاهای بخش مرکزی (مرودشت)")
	if res := a.post(gov, "/candidates/"+id+"/constituency", url.Values{"constituency": {"marvdasht"}, "version": {"2"}}); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, "پیش‌تر یک بار تغییر کرده است") {
		t.Fatalf("second change: %d", res.status)
	}
	// Past E−15 a change is refused.
	a.post(gov, "/candidates", candidateForm("مریم", nid(9), "marvdasht"))
	late := a.candidateID(nid(9))
	now = time.Date(2027, 2, 26, 10, 0, 0, 0, time.UTC) // E−14
	if res := a.post(gov, "/candidates/"+late+"/constituency", url.Values{"constituency": {"marvdasht-central"}, "version": {"1"}}); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, "مهلت تغییر حوزه") {
		t.Fatalf("late change: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'candidate.constituency'`); n != 1 {
		t.Errorf("%d constituency audit rows, want 1", n)
	}
}

// A candidate's lifecycle follows the rule of the election they stand in, not the current election's; a
// rule that cannot be loaded is a server error, never a silent default.
func TestCandidateOwnElectionRules(t *testing.T) {
	a := newTestApp(t)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	a.s.now = func() time.Time { return now }
	councils := a.withElection() // current; its timeline: objections until E−65 (2027-01-06), changes until E−15 (2027-02-25)
	majlis, err := a.st.AddElection(t.Context(), audit.System, store.NewElection{Code: "test-majlis", Kind: "majlis",
		TitleFa: "مجلس آزمایشی", TitleEn: "Test Majlis", ElectionDay: time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	majlisRule := store.CandidateRule{Kind: "majlis", MinAge: 30, VillageSmallHouseholds: 200, CitySmallPopulation: 20000,
		CertificateMaxMonths: 3, ObjectionDays: 2, ConstituencyChangeUntilDays: 60, MaxConstituencyChanges: 1}
	if _, err := a.st.AddCandidateRules(t.Context(), audit.System, []store.CandidateRule{majlisRule}); err != nil {
		t.Fatal(err)
	}
	// Both announced three days ago: within the councils' four days, past the Majlis' two.
	announced := now.Add(-72 * time.Hour)
	add := func(election int64, n int) string {
		t.Helper()
		var id int64
		if err := a.st.Pool().QueryRow(t.Context(), `INSERT INTO candidates (election_id, province_id, county_id, full_name, national_id,
			gender, education, status, announced_at)
			SELECT $1, province_id, id, 'نامزد', $2, 'female', 'bachelor', 'preliminary_announced', $3 FROM counties WHERE code = 'marvdasht'
			RETURNING id`, election, nid(n), announced).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return itoa(id)
	}
	own, current := add(majlis, 1), add(councils, 2)
	gov := a.login("gov.marvdasht")
	fa := i18n.NewContext(t.Context(), i18n.Fa)
	deadline := func(days int) string {
		return i18n.DateTime(fa, candidacy.ObjectionDeadline(announced, candidacy.Rules{ObjectionDays: days}).Add(-time.Minute))
	}
	// The Majlis' timeline has no objection window: its rule's two days count. The councils' timeline
	// has one, which ends with its last day whenever the result was announced.
	councilsDeadline := i18n.DateTime(fa, candidacy.ObjectionDeadline(announced,
		candidacy.Rules{ObjectionDays: 4, ObjectionLastDay: time.Date(2027, 1, 6, 0, 0, 0, 0, time.UTC)}).Add(-time.Minute))
	page := a.get(gov, "/candidates/"+own).body
	mustContain(t, page, "مهلت اعتراض تا "+deadline(2))
	mustNotContain(t, page, deadline(4), councilsDeadline)
	page = a.get(gov, "/candidates/"+current).body
	mustContain(t, page, "مهلت اعتراض تا "+councilsDeadline)
	mustNotContain(t, page, deadline(4))
	res := a.post(gov, "/candidates/"+own+"/status", url.Values{"status": {"objection_filed"}, "version": {"1"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("objection past the Majlis window: %d", res.status)
	}
	mustContain(t, res.body, "مهلت اعتراض برای این انتخابات گذشته است")
	if res := a.post(gov, "/candidates/"+current+"/status", url.Values{"status": {"objection_filed"}, "version": {"1"}}); res.status != http.StatusSeeOther {
		t.Fatalf("objection within the councils window: %d", res.status)
	}
	// The change of constituency follows the Majlis election's day and rule too: past E−60 for it.
	res = a.post(gov, "/candidates/"+own+"/constituency", url.Values{"constituency": {"marvdasht-central"}, "version": {"1"}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "مهلت تغییر حوزه") {
		t.Fatalf("a change past the Majlis deadline: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM candidates WHERE id = $1 AND status = 'preliminary_announced' AND version = 1
		AND constituency_changes = 0`, own); n != 1 {
		t.Fatal("a refused change moved the candidate")
	}

	// Without its rule the page and the decision are server errors, and nothing changes.
	if _, err := a.st.Pool().Exec(t.Context(), `DELETE FROM candidate_rules WHERE kind = 'majlis'`); err != nil {
		t.Fatal(err)
	}
	for _, res := range []response{
		a.get(gov, "/candidates/"+own),
		a.post(gov, "/candidates/"+own+"/status", url.Values{"status": {"objection_filed"}, "version": {"1"}}),
		a.post(gov, "/candidates/"+own+"/status", url.Values{"status": {"withdrawn"}, "reason": {"انصراف"}, "version": {"1"}}),
		a.post(gov, "/candidates/"+own+"/constituency", url.Values{"constituency": {"marvdasht-central"}, "version": {"1"}}),
	} {
		if res.status != http.StatusInternalServerError {
			t.Fatalf("without the rule: %d, want 500", res.status)
		}
		mustContain(t, res.body, "خطای سامانه")
	}
	if n := a.count(`SELECT count(*) FROM candidates WHERE id = $1 AND status = 'preliminary_announced' AND version = 1`, own); n != 1 {
		t.Fatal("a decision without the rule changed the candidate")
	}
}

// A broad search says "more than" its cap (200) instead of counting every match, and pages through the
// first 200; the list without a search counts to its own cap (1,000).
func TestCandidateCountCap(t *testing.T) {
	a := newTestApp(t)
	election := a.withElection()
	if _, err := a.st.Pool().Exec(t.Context(), `
		INSERT INTO candidates (election_id, province_id, county_id, full_name, name_norm, national_id, gender, education)
		SELECT $1, c.province_id, c.id, 'علی ' || g, 'علی' || g, lpad(g::text, 10, '0'), 'male', 'diploma'
		FROM generate_series(1, 1100) g, counties c WHERE c.code = 'shiraz'`, election); err != nil {
		t.Fatal(err)
	}
	hq := a.login("hq.fars")
	page := a.get(hq, "/candidates?q="+url.QueryEscape("علي")).body
	mustContain(t, page, "بیش از ۲۰۰ داوطلب یافت شد؛ برای دیدن همه، جست‌وجو را دقیق‌تر کنید.", "صفحه ۱ از ۴", "علی 1100")
	last := a.get(hq, "/candidates?page=4&q="+url.QueryEscape("علی")).body
	mustContain(t, last, "صفحه ۴ از ۴", "علی 901")
	mustNotContain(t, last, `rel="next"`, "علی 900<")
	mustContain(t, a.get(hq, "/candidates?q="+url.QueryEscape("علی 1099")).body, "۱ داوطلب یافت شد")
	mustContain(t, a.get(hq, "/candidates?q="+url.QueryEscape("علی 10")).body, "۱۱۱ داوطلب یافت شد", "صفحه ۱ از ۳")
	mustContain(t, a.get(hq, "/candidates").body, "بیش از ۱٬۰۰۰ داوطلب یافت شد", "صفحه ۱ از ۲۰")
	a.get(hq, "/lang/en")
	mustContain(t, a.get(hq, "/candidates?q="+url.QueryEscape("علی")).body,
		"More than 200 candidates found; narrow the search to see them all.", "Page 1 of 4")
}

// The law is national: only the national HQ changes the candidate rules; every other role, a province's
// HQ included, reads them and is refused a change.
func TestCandidateRulesPage(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	national, gov := a.login("national"), a.login("gov.marvdasht")
	form := url.Values{"version": {"1"}, "min_age": {"۴۰"}, "village_small_households": {"200"}, "city_small_population": {"20000"},
		"certificate_max_months": {"3"}, "resignation_min_months": {"3"}, "objection_days": {"4"},
		"constituency_change_until_days": {"15"}, "max_constituency_changes": {"1"}}
	for _, user := range []string{"hq.fars", "gov.marvdasht", "dh.marvdasht", "committee", "observer"} {
		c := a.login(user)
		page := a.get(c, "/candidates/rules")
		mustContain(t, page.body, "قواعد ثبت‌نام داوطلبان", "پیش‌فرض غیرقطعی", "۲۵", "ستاد انتخابات کشور (وزارت کشور) آن‌ها را نگه می‌دارد")
		mustNotContain(t, page.body, `action="/candidates/rules/`)
		if res := a.post(c, "/candidates/rules/councils", form); res.status != http.StatusForbidden {
			t.Fatalf("%s editing: %d", user, res.status)
		}
	}
	if n := a.count(`SELECT count(*) FROM candidate_rules WHERE version <> 1 OR min_age <> 25`); n != 0 {
		t.Fatalf("refused edits changed %d rules", n)
	}
	page := a.get(national, "/candidates/rules")
	mustContain(t, page.body, `action="/candidates/rules/councils"`)
	mustNotContain(t, page.body, "ستاد انتخابات کشور (وزارت کشور) آن‌ها را نگه می‌دارد")
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("objection_days", "0")
	if res := a.post(national, "/candidates/rules/councils", bad); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("zero objection window: %d", res.status)
	}
	if res := a.post(national, "/candidates/rules/councils", form); res.status != http.StatusSeeOther {
		t.Fatalf("update: %d\n%s", res.status, res.body)
	}
	// The data decides at once, in every province: a 35-year-old is now too young.
	res := a.post(gov, "/candidates", candidateForm("جوان", nid(60), "marvdasht"))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("registration under the new rule: %d", res.status)
	}
	mustContain(t, res.body, "دست‌کم ۴۰ سال")
	if res := a.post(national, "/candidates/rules/councils", form); res.status != http.StatusSeeOther || a.count(`SELECT version FROM candidate_rules WHERE kind = 'councils'`) != 2 {
		t.Fatalf("a stale edit was applied: %d", res.status)
	}
	// One audit row, by the national HQ, belonging to no province, with before and after.
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'candidate_rules.update' AND entity = 'candidate_rules'
		AND entity_id = 'councils' AND province_id IS NULL AND actor_id = $1
		AND detail::text LIKE '%"MinAge":25%"MinAge":40%'`, a.ids["national"]); n != 1 {
		t.Error("the rule change is not audited as the national HQ's, with before and after")
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'candidate_rules.update'`); n != 1 {
		t.Errorf("%d rule audit rows, want 1", n)
	}
}

// The education a constituency needs follows the sizes HQ records.
func TestConstituencySizes(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	hq, gov := a.login("hq.fars"), a.login("gov.marvdasht")
	diploma := candidateForm("دیپلمه", nid(70), "marvdasht")
	diploma.Set("education", "diploma")
	res := a.post(gov, "/candidates", diploma)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown size: %d", res.status)
	}
	mustContain(t, res.body, "ستاد استان اندازه این حوزه (جمعیت شهر یا شمار خانوار روستاها) را ثبت نکرده است")
	if res := a.post(gov, "/counties/marvdasht/sizes", url.Values{"population_marvdasht": {"15000"}}); res.status != http.StatusForbidden {
		t.Fatalf("governor setting sizes: %d", res.status)
	}
	if res := a.post(hq, "/counties/marvdasht/sizes", url.Values{"version": {"1"}, "population_marvdasht": {"abc"}}); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad size: %d", res.status)
	}
	if res := a.post(hq, "/counties/marvdasht/sizes", url.Values{"version": {"1"}, "population_marvdasht": {"۱۵۰۰۰"}, "households_marvdasht-central": {"150"}}); res.status != http.StatusSeeOther {
		t.Fatalf("sizes: %d", res.status)
	}
	mustContain(t, a.get(gov, "/counties/marvdasht").body, "۱۵٬۰۰۰", "۱۵۰")
	// A city of 15,000 needs an associate degree: a diploma is refused, not left to judgement.
	res = a.post(gov, "/candidates", diploma)
	mustContain(t, res.body, "دست‌کم مدرک «کاردانی» لازم است")
	// Villages of at most 200 households need literacy only (registered in the villages' window).
	a.s.now = func() time.Time { return villageRegistration }
	diploma.Set("constituency", "marvdasht-central")
	if res := a.post(gov, "/candidates", diploma); res.status != http.StatusSeeOther {
		t.Fatalf("village registration: %d\n%s", res.status, res.body)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'county.sizes' AND detail::text LIKE '%15000%'`); n != 1 {
		t.Error("the sizes are not audited")
	}
}

// Two HQ users edit a county's sizes from the same page: the second save is refused with the recorded
// values shown and what was typed kept, and the audit log's "before" is what each save replaced.
func TestConstituencySizesConflict(t *testing.T) {
	a := newTestApp(t)
	first, second := a.login("hq.fars"), a.login("hq.fars")
	version := regexp.MustCompile(`name="version" value="([0-9]+)"`)
	opened := func(c *http.Client) string {
		t.Helper()
		m := version.FindStringSubmatch(a.get(c, "/counties/marvdasht").body)
		if m == nil {
			t.Fatal("the sizes form carries no version")
		}
		return m[1]
	}
	v1, v2 := opened(first), opened(second)
	if v1 != "1" || v2 != "1" {
		t.Fatalf("versions %s and %s, want 1", v1, v2)
	}
	if res := a.post(first, "/counties/marvdasht/sizes", url.Values{"version": {v1}, "population_marvdasht": {"15000"},
		"households_marvdasht-central": {"150"}}); res.status != http.StatusSeeOther {
		t.Fatalf("first save: %d\n%s", res.status, res.body)
	}
	res := a.post(second, "/counties/marvdasht/sizes", url.Values{"version": {v2}, "population_marvdasht": {"9000"}, "households_marvdasht-central": {"90"}})
	if res.status != http.StatusConflict {
		t.Fatalf("second save from the same version: %d", res.status)
	}
	mustContain(t, res.body, "کاربر دیگری همین حالا اندازه‌های این شهرستان را ذخیره کرده است", "مقادیری که اکنون ثبت شده است",
		"<dd>۱۵٬۰۰۰</dd>", "<dd>۱۵۰</dd>", `value="9000"`, `value="90"`, `name="version" value="2"`)
	if a.count(`SELECT population FROM cities WHERE code = 'marvdasht'`) != 15000 || a.count(`SELECT households FROM districts WHERE code = 'marvdasht-central'`) != 150 {
		t.Fatal("the refused save changed the sizes")
	}
	if res := a.post(second, "/counties/marvdasht/sizes", url.Values{"population_marvdasht": {"9000"}}); res.status != http.StatusConflict {
		t.Fatalf("a save without a version: %d", res.status)
	}
	audited := func() (before, after string) {
		t.Helper()
		if err := a.st.Pool().QueryRow(t.Context(), `SELECT coalesce(detail->'before'->>'marvdasht', 'unknown'), detail->'after'->>'marvdasht'
			FROM audit_log WHERE action = 'county.sizes' ORDER BY id DESC LIMIT 1`).Scan(&before, &after); err != nil {
			t.Fatal(err)
		}
		return before, after
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'county.sizes'`); n != 1 {
		t.Fatalf("%d sizes audit rows, want 1", n)
	}
	if b, af := audited(); b != "unknown" || af != "15000" {
		t.Fatalf("first save audited %s → %s, want unknown → 15000", b, af)
	}
	// Having seen the recorded values, the second user saves again from the form as it came back.
	if res := a.post(second, "/counties/marvdasht/sizes", url.Values{"version": {"2"}, "population_marvdasht": {"9000"}}); res.status != http.StatusSeeOther {
		t.Fatalf("save from the current version: %d", res.status)
	}
	if b, af := audited(); b != "15000" || af != "9000" {
		t.Fatalf("second save audited %s → %s, want 15000 → 9000", b, af)
	}
}

// Typed text is stored without the control characters and invisible marks a form can carry, a name of
// marks alone is no name, and the synthetic data's tracking IDs are not for real candidates.
func TestCandidateFormText(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")

	form := candidateForm("\x01علی\x1b[0m\u200b رضا\u200cیی\x7f\ufeff\u200e\u061c\u00ad\u2062", nid(11), "marvdasht")
	form.Set("occupation", "\u2060معلم\r")
	if res := a.post(gov, "/candidates", form); res.status != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", res.status, res.body)
	}
	var name, occupation string
	if err := a.st.Pool().QueryRow(a.t.Context(), `SELECT full_name, occupation FROM candidates WHERE national_id = $1`, nid(11)).
		Scan(&name, &occupation); err != nil {
		t.Fatal(err)
	}
	if name != "علی[0m رضا\u200cیی" || occupation != "معلم" {
		t.Errorf("stored %q, %q; want the text without control characters and invisible marks, the ZWNJ kept", name, occupation)
	}

	for field, value := range map[string]string{"full_name": "\u200b\ufeff\u200c", "father_name": "-"} {
		bad := candidateForm("مریم", nid(12), "marvdasht")
		bad.Set(field, value)
		res := a.post(gov, "/candidates", bad)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("%s %q: %d", field, value, res.status)
		}
		mustContain(t, res.body, "این فیلد را پر کنید.")
	}
	for _, tracking := range []string{"SYN-99999998", "syn-00000001"} {
		bad := candidateForm("مریم", nid(12), "marvdasht")
		bad.Set("tracking_id", tracking)
		res := a.post(gov, "/candidates", bad)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("tracking ID %s: %d", tracking, res.status)
		}
		mustContain(t, res.body, "برای داده‌های آزمایشی کنار گذاشته شده‌اند")
	}
	if n := a.count(`SELECT count(*) FROM candidates WHERE national_id = $1`, nid(12)); n != 0 {
		t.Errorf("a refused registration was stored")
	}
}
