package server

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/nationalid"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
)

// nid makes the n-th valid national ID.
func nid(n int) string {
	nine := fmt.Sprintf("%09d", 200000000+n*7907)
	return nine + string('0'+nationalid.CheckDigit(nine))
}

// testElectionDay is the test election's day, 1405/12/21. The law's timeline puts its city registration
// from E−110 to E−103, 2026-11-22 to 2026-11-29, around the tests' clock of 2026-11-26 (1405/09/05); its
// village registration is E−77 to E−71, 2026-12-25 to 2026-12-31 (villageRegistration).
var testElectionDay = time.Date(2027, 3, 12, 0, 0, 0, 0, time.UTC)

// villageRegistration is an instant within the test election's village registration window.
var villageRegistration = time.Date(2026, 12, 27, 10, 0, 0, 0, time.UTC)

// withElection makes a current councils election (which gives every county and district its board).
func (a *testApp) withElection() int64 {
	a.t.Helper()
	id, err := a.st.AddElection(a.t.Context(), audit.System, store.NewElection{Code: "test-councils", Kind: "councils",
		TitleFa: "انتخابات آزمایشی", TitleEn: "Test election", ElectionDay: testElectionDay, Current: true})
	if err != nil {
		a.t.Fatal(err)
	}
	return id
}

func (a *testApp) boardID(county, district string) string {
	a.t.Helper()
	var id int64
	err := a.st.Pool().QueryRow(a.t.Context(), `
		SELECT b.id FROM boards b JOIN counties c ON c.id = b.county_id LEFT JOIN districts d ON d.id = b.district_id
		JOIN elections e ON e.id = b.election_id AND e.is_current
		WHERE c.code = $1 AND coalesce(d.code, '') = $2`, county, district).Scan(&id)
	if err != nil {
		a.t.Fatal(err)
	}
	return itoa(id)
}

func member(name, id, role, office string) url.Values {
	return url.Values{"full_name": {name}, "father_name": {"پدر " + name}, "national_id": {id}, "role": {role}, "office": {office}, "phone": {"09120000000"}}
}

// composeLegal fills a councils county board through the HTTP forms: a pool of 30 with its approval, the
// chair, both ex-officio members, 8 trusted members and 5 alternates from the pool.
func (a *testApp) composeLegal(c *http.Client, board string) {
	a.t.Helper()
	must := func(res response, what string) {
		a.t.Helper()
		if res.status != http.StatusSeeOther {
			a.t.Fatalf("%s: %d\n%s", what, res.status, res.body)
		}
	}
	for i := range 30 {
		must(a.post(c, "/boards/"+board+"/pool", url.Values{"full_name": {fmt.Sprintf("معتمد %d", i)}, "father_name": {"پدر"},
			"national_id": {nid(i)}, "phone": {fmt.Sprintf("0912%07d", i)}}), "pool")
	}
	must(a.post(c, "/boards/"+board+"/pool/approval", url.Values{"approved_on": {"۱۴۰۵/۰۸/۰۱"}, "reference": {"۱۲۳/ن"}}), "approval")
	must(a.post(c, "/boards/"+board+"/members", member("رئیس", nid(100), "chair", "governor")), "chair")
	must(a.post(c, "/boards/"+board+"/members", member("ثبت", nid(101), "ex_officio", "civil_registration")), "registrar")
	must(a.post(c, "/boards/"+board+"/members", member("دادگستری", nid(102), "ex_officio", "judiciary_rep")), "judiciary")
	for i := range 8 {
		must(a.post(c, "/boards/"+board+"/members", member(fmt.Sprintf("معتمد %d", i), nid(i), "trusted", "")), "trusted")
	}
	for i := range 5 {
		must(a.post(c, "/boards/"+board+"/members", member(fmt.Sprintf("معتمد %d", 10+i), nid(10+i), "alternate", "")), "alternate")
	}
}

// seen is the submission number that the board's page shows HQ, which its decision forms post back.
func (a *testApp) seen(c *http.Client, board string) string {
	a.t.Helper()
	m := regexp.MustCompile(`name="submission" value="([0-9]+)"`).FindStringSubmatch(a.get(c, "/boards/"+board).body)
	if m == nil {
		a.t.Fatalf("the page of board %s carries no submission number", board)
	}
	return m[1]
}

func (a *testApp) boardStatus(board string) string {
	a.t.Helper()
	var s string
	if err := a.st.Pool().QueryRow(a.t.Context(), `SELECT status FROM boards WHERE id = $1`, board).Scan(&s); err != nil {
		a.t.Fatal(err)
	}
	return s
}

func TestBoardWorkflow(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	gov, hq := a.login("gov.marvdasht"), a.login("hq.fars")
	board := a.boardID("marvdasht", "")

	list := a.get(gov, "/boards")
	mustContain(t, list.body, "/boards/"+board, "هیئت اجرایی شهرستان مرودشت", "هیئت اجرایی بخش مرکزی (مرودشت)")
	mustNotContain(t, list.body, "پاسارگاد")

	// An invalid member: 422, the form filled in, a message naming the field, nothing saved.
	bad := member("علی رضایی", "۰۰۱۲۳۴۵۶۷۰", "trusted", "")
	res := a.post(gov, "/boards/"+board+"/members", bad)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid member: %d", res.status)
	}
	mustContain(t, res.body, "کد ملی معتبر نیست", `value="علی رضایی"`, `value="۰۰۱۲۳۴۵۶۷۰"`, `id="e-national_id"`)
	// Persian digits are accepted and stored as Latin.
	res = a.post(gov, "/boards/"+board+"/members", member("علی رضایی", persian.ToPersianDigits(nid(500)), "secretary", ""))
	if res.status != http.StatusSeeOther {
		t.Fatalf("member with Persian digits: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM board_members WHERE national_id = $1`, nid(500)); n != 1 {
		t.Fatal("the national ID was not stored in Latin digits")
	}
	// The same person twice: 422.
	if res := a.post(gov, "/boards/"+board+"/members", member("دوباره", nid(500), "trusted", "")); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate member: %d", res.status)
	}
	// A submit with violations: 422 listing them, nothing changed.
	res = a.post(gov, "/boards/"+board+"/submit", url.Values{})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("submit with violations: %d", res.status)
	}
	mustContain(t, res.body, "هیئت باید دقیقاً یک رئیس داشته باشد", "هیئت به ۸ معتمد اصلی نیاز دارد", "تأیید فهرست معتمدین")
	if a.boardStatus(board) != "draft" || a.count(`SELECT count(*) FROM board_submissions`) != 0 {
		t.Fatal("a refused submit changed the board")
	}

	a.composeLegal(gov, board)
	page := a.get(gov, "/boards/"+board)
	mustContain(t, page.body, "ترکیب هیئت با همه قواعد قانونی مطابق است")
	if res := a.post(gov, "/boards/"+board+"/submit", url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", res.status, res.body)
	}
	if a.boardStatus(board) != "submitted" {
		t.Fatal("the board is not submitted")
	}
	// Submitted: read-only for everyone until returned.
	before := a.count(`SELECT count(*) FROM board_members`)
	if res := a.post(gov, "/boards/"+board+"/members", member("دیر", nid(600), "secretary", "")); res.status != http.StatusConflict {
		t.Fatalf("adding to a submitted board: %d", res.status)
	}
	if a.count(`SELECT count(*) FROM board_members`) != before {
		t.Fatal("a submitted board changed")
	}
	// Only HQ decides.
	if res := a.post(gov, "/boards/"+board+"/approve", url.Values{}); res.status != http.StatusForbidden {
		t.Fatalf("governor approving: %d", res.status)
	}
	if res := a.post(a.login("observer"), "/boards/"+board+"/return", url.Values{"note": {"x"}}); res.status != http.StatusForbidden {
		t.Fatalf("observer returning: %d", res.status)
	}
	if res := a.post(hq, "/boards/"+board+"/return", url.Values{"submission": {a.seen(hq, board)}, "status": {a.boardStatus(board)}, "note": {""}}); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("return without a note: %d", res.status)
	}
	if res := a.post(hq, "/boards/"+board+"/return", url.Values{"submission": {a.seen(hq, board)}, "status": {a.boardStatus(board)}, "note": {"تلفن دبیر را اصلاح کنید"}}); res.status != http.StatusSeeOther {
		t.Fatalf("return: %d", res.status)
	}
	if a.boardStatus(board) != "draft" {
		t.Fatal("a returned board is not a draft")
	}
	mustContain(t, a.get(gov, "/").body, "تلفن دبیر را اصلاح کنید")
	mustContain(t, a.get(gov, "/boards/"+board).body, "تلفن دبیر را اصلاح کنید")

	// The governor fixes: edits the secretary, replaces an alternate, resubmits.
	var secretary, alternate int64
	_ = a.st.Pool().QueryRow(t.Context(), `SELECT id FROM board_members WHERE national_id = $1`, nid(500)).Scan(&secretary)
	_ = a.st.Pool().QueryRow(t.Context(), `SELECT id FROM board_members WHERE national_id = $1`, nid(14)).Scan(&alternate)
	edit := member("علی رضایی", nid(500), "secretary", "")
	edit.Set("phone", "۰۹۱۷۱۱۱۲۲۳۳")
	edit.Set("version", "1")
	if res := a.post(gov, "/boards/"+board+"/members/"+itoa(secretary), edit); res.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", res.status, res.body)
	}
	// A second save from the same old form is refused with the current values.
	edit.Set("phone", "09170000000")
	res = a.post(gov, "/boards/"+board+"/members/"+itoa(secretary), edit)
	if res.status != http.StatusConflict {
		t.Fatalf("stale edit: %d", res.status)
	}
	mustContain(t, res.body, "کاربر دیگری همین حالا تغییر داده است", `value="09171112233"`, `name="version" value="2"`)
	if res := a.post(gov, "/boards/"+board+"/members/"+itoa(alternate)+"/delete", url.Values{"confirm": {"yes"}}); res.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.status)
	}
	if res := a.post(gov, "/boards/"+board+"/members", member("معتمد 20", nid(20), "alternate", "")); res.status != http.StatusSeeOther {
		t.Fatalf("add replacement: %d", res.status)
	}
	if res := a.post(gov, "/boards/"+board+"/submit", url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("resubmit: %d\n%s", res.status, res.body)
	}
	// HQ sees what changed since the first submission, field by field.
	review := a.get(hq, "/boards/"+board).body
	mustContain(t, review, "تغییرات نسبت به ارسال شماره ۱", "افزوده شد:", "معتمد 20", "حذف شد:", "معتمد 14", "تغییر کرد:")
	// The arrow points to the new value in reading order: leftwards in Persian, rightwards in English.
	mustContain(t, strings.Join(changeLines(review), "\n"), "تلفن: ۰۹۱۲۰۰۰۰۰۰۰ ← ۰۹۱۷۱۱۱۲۲۳۳")
	a.get(hq, "/lang/en")
	mustContain(t, strings.Join(changeLines(a.get(hq, "/boards/"+board).body), "\n"), "Phone: 09120000000 → 09171112233")
	a.get(hq, "/lang/fa")
	if res := a.get(hq, "/boards/"+board+"/print"); res.status != http.StatusNotFound {
		t.Fatalf("print before approval: %d", res.status)
	}
	if res := a.post(hq, "/boards/"+board+"/approve", url.Values{"submission": {a.seen(hq, board)}, "confirm": {"yes"}}); res.status != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.status)
	}
	if a.boardStatus(board) != "approved" {
		t.Fatal("not approved")
	}
	print := a.get(gov, "/boards/"+board+"/print")
	if print.status != http.StatusOK {
		t.Fatalf("print: %d", print.status)
	}
	// Legal order: the chair, the ex-officio members in the law's order, trusted, alternates, secretary.
	order := regexp.MustCompile(`<td>(رئیس|ثبت|دادگستری|معتمد 0|معتمد 10|علی رضایی)</td>`).FindAllStringSubmatch(print.body, -1)
	var got []string
	for _, m := range order {
		got = append(got, m[1])
	}
	if strings.Join(got, ",") != "رئیس,ثبت,دادگستری,معتمد 0,معتمد 10,علی رضایی" {
		t.Errorf("print order %v", got)
	}
	mustContain(t, print.body, "امضای رئیس هیئت", "۱۴۰۵/۰۸/۰۱")

	// Every change is audited with before/after.
	for action, want := range map[string]int{"board_member.create": 18, "board_member.update": 1, "board_member.delete": 1,
		"board_pool.create": 30, "board_pool.approval": 1, "board.submit": 2, "board.return": 1, "board.approve": 1} {
		if n := a.count(`SELECT count(*) FROM audit_log WHERE action = $1 AND entity_id = $2`, action, board); n != want {
			t.Errorf("%s audit rows = %d, want %d", action, n, want)
		}
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'board_member.update' AND detail::text LIKE '%"before"%09120000000%"after"%09171112233%'`); n != 1 {
		t.Error("the member edit's audit row lacks before and after")
	}
	if n := a.count(`SELECT count(*) FROM board_submissions WHERE board_id = $1`, board); n != 2 {
		t.Errorf("submissions kept: %d", n)
	}
}

func TestBoardScopeAndRoles(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	marvdasht, pasargad := a.boardID("marvdasht", ""), a.boardID("pasargad", "")
	central := a.boardID("marvdasht", "marvdasht-central")
	tests := []struct {
		user, method, path string
		status             int
	}{
		{"gov.pasargad", "GET", "/boards/" + marvdasht, 404},
		{"gov.pasargad", "POST", "/boards/" + marvdasht + "/members", 404},
		{"gov.marvdasht", "GET", "/boards/" + pasargad, 404},
		{"gov.marvdasht", "GET", "/boards/" + central, 200},
		{"gov.marvdasht", "POST", "/boards/" + central + "/members", 403}, // the district head composes it
		{"dh.marvdasht", "GET", "/boards/" + marvdasht, 404},
		{"dh.marvdasht", "POST", "/boards/" + central + "/members", 422},
		{"hq.fars", "POST", "/boards/" + marvdasht + "/members", 403},
		{"observer", "GET", "/boards/" + marvdasht, 200},
		{"observer", "POST", "/boards/" + marvdasht + "/submit", 403},
		{"committee", "GET", "/boards", 200},
		{"national", "GET", "/boards/" + pasargad, 200},
		{"hq.fars", "GET", "/boards/999999", 404},
		{"hq.fars", "GET", "/boards/abc", 404},
	}
	for _, tt := range tests {
		t.Run(tt.user+" "+tt.method+" "+tt.path, func(t *testing.T) {
			c := a.login(tt.user)
			var res response
			if tt.method == "GET" {
				res = a.get(c, tt.path)
			} else {
				res = a.post(c, tt.path, url.Values{})
			}
			if res.status != tt.status {
				t.Fatalf("status %d, want %d", res.status, tt.status)
			}
		})
	}
	if n := a.count(`SELECT count(*) FROM board_members`); n != 0 {
		t.Fatalf("refused requests added %d members", n)
	}
}

// A board member who registers later as a candidate flags the board again for HQ.
func TestBoardCandidateConflict(t *testing.T) {
	a := newTestApp(t)
	election := a.withElection()
	gov, hq := a.login("gov.marvdasht"), a.login("hq.fars")
	board := a.boardID("marvdasht", "")
	a.composeLegal(gov, board)
	a.post(gov, "/boards/"+board+"/submit", url.Values{})
	a.post(hq, "/boards/"+board+"/approve", url.Values{"submission": {a.seen(hq, board)}, "confirm": {"yes"}})
	if a.boardStatus(board) != "approved" {
		t.Fatal("setup: not approved")
	}
	_, err := a.st.Pool().Exec(t.Context(), `INSERT INTO candidates (election_id, province_id, county_id, full_name, national_id, gender, education)
		SELECT $1, province_id, id, 'معتمد 3', $2, 'male', 'diploma' FROM counties WHERE code = 'pasargad'`, election, nid(3))
	if err != nil {
		t.Fatal(err)
	}
	list := a.get(hq, "/boards?conflict=1")
	mustContain(t, list.body, "/boards/"+board, "۱ تعارض با داوطلبان") // one person, on the board and in the pool
	mustNotContain(t, list.body, "/boards/"+a.boardID("pasargad", "")+`"`)
	page := a.get(hq, "/boards/"+board).body
	mustContain(t, page, "معتمد 3 در همین انتخابات داوطلب ثبت‌نام کرده است", "داوطلب همین انتخابات")
	mustContain(t, a.get(hq, "/").body, "۱ هیئت با عضوی که داوطلب شده است", "/boards?conflict=1")
	// HQ can send the approved board back for correction.
	if res := a.post(hq, "/boards/"+board+"/reopen", url.Values{"submission": {a.seen(hq, board)}, "status": {a.boardStatus(board)}, "reason": {"یک معتمد داوطلب شده است"}, "confirm": {"yes"}}); res.status != http.StatusSeeOther {
		t.Fatalf("reopening an approved board: %d", res.status)
	}
	if a.boardStatus(board) != "draft" {
		t.Fatal("not back to draft")
	}
}

// The boards list shows 50 boards a page, counties' boards first, with links to the other pages that keep
// the filters; the counts by status are of every board in scope whatever the page.
func TestBoardListPages(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	hq := a.login("hq.fars")
	rows := regexp.MustCompile(`<td><a href="/boards/[0-9]+">([^<]+)</a></td>`)
	counties := a.count(`SELECT count(*) FROM boards b JOIN provinces p ON p.id = b.province_id AND p.code = 'fars'
		JOIN elections e ON e.id = b.election_id AND e.is_current WHERE level = 'county'`)
	districts := a.count(`SELECT count(*) FROM boards b JOIN provinces p ON p.id = b.province_id AND p.code = 'fars'
		JOIN elections e ON e.id = b.election_id AND e.is_current WHERE level = 'district'`)
	if counties != 37 || districts != 43 {
		t.Fatalf("setup: %d county boards and %d district boards in Fars", counties, districts)
	}
	first := a.get(hq, "/boards").body
	names := rows.FindAllStringSubmatch(first, -1)
	if len(names) != 50 || !strings.HasPrefix(names[36][1], "هیئت اجرایی شهرستان") || !strings.HasPrefix(names[37][1], "هیئت اجرایی بخش") {
		t.Fatalf("page 1 lists %d boards, the 37th %q and the 38th %q", len(names), names[36][1], names[37][1])
	}
	drafts := fmt.Sprintf(`<dd>%s</dd>`, persian.FormatInt(80, true))
	mustContain(t, first, drafts, `<nav class="pager" aria-label="صفحه‌های هیئت‌ها">`, "صفحه ۱ از ۲", `<a rel="next" href="/boards?page=2">`)
	mustNotContain(t, first, `rel="prev"`)
	second := a.get(hq, "/boards?page=2").body
	if n := len(rows.FindAllString(second, -1)); n != 30 {
		t.Errorf("page 2 lists %d boards, want 30", n)
	}
	mustContain(t, second, drafts, "صفحه ۲ از ۲", `<a rel="prev" href="/boards?page=1">`)
	mustNotContain(t, second, `rel="next"`)
	// The filters go with the page links; a list of one page has no pager.
	mustContain(t, a.get(hq, "/boards?status=draft").body, `<a rel="next" href="/boards?page=2&amp;status=draft">`)
	mustNotContain(t, a.get(hq, "/boards?level=district&status=draft").body, `class="pager"`)
}

// Every county and district has its draft board for every election, and new places get theirs.
func TestBoardsExistForEveryPlace(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	counties := a.count(`SELECT count(*) FROM counties`)
	districts := a.count(`SELECT count(*) FROM districts`)
	elections := a.count(`SELECT count(*) FROM elections`)
	if n := a.count(`SELECT count(*) FROM boards`); n != (counties+districts)*elections {
		t.Fatalf("%d boards for %d places and %d elections", n, counties+districts, elections)
	}
	if _, err := a.st.Pool().Exec(t.Context(), `INSERT INTO districts (county_id, code, name_fa, name_en)
		SELECT id, 'beyza-new', 'نو', 'New' FROM counties WHERE code = 'beyza'`); err != nil {
		t.Fatal(err)
	}
	if n := a.count(`SELECT count(*) FROM boards b JOIN districts d ON d.id = b.district_id WHERE d.code = 'beyza-new'`); n != elections {
		t.Fatalf("a new district has %d boards, want %d", n, elections)
	}
}

func TestBoardReviewFixes(t *testing.T) {
	a := newTestApp(t)
	election := a.withElection()
	gov, hq := a.login("gov.marvdasht"), a.login("hq.fars")
	board := a.boardID("marvdasht", "")

	// The chair's office follows from the board when the form leaves it out, as the contract has it.
	if res := a.post(gov, "/boards/"+board+"/members", member("رئیس", nid(100), "chair", "")); res.status != http.StatusSeeOther {
		t.Fatalf("chair without office: %d\n%s", res.status, res.body)
	}
	if n := a.count(`SELECT count(*) FROM board_members WHERE role = 'chair' AND office = 'governor'`); n != 1 {
		t.Fatal("the chair's office was not taken from the board")
	}
	if _, err := a.st.Pool().Exec(t.Context(), `DELETE FROM board_members`); err != nil {
		t.Fatal(err)
	}

	// A changed pool is no longer the approved pool. A full pool takes nobody more: one leaves first.
	a.composeLegal(gov, board)
	res := a.post(gov, "/boards/"+board+"/pool", url.Values{"full_name": {"تازه"}, "national_id": {nid(700)}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("add to a full pool: %d", res.status)
	}
	mustContain(t, res.body, "فهرست معتمدین این هیئت ۳۰ نفره است و پر شده است", `value="تازه"`)
	var leaving int64
	_ = a.st.Pool().QueryRow(t.Context(), `SELECT id FROM board_pool WHERE national_id = $1`, nid(29)).Scan(&leaving)
	a.post(gov, "/boards/"+board+"/pool/"+itoa(leaving)+"/delete", url.Values{"confirm": {"yes"}})
	a.post(gov, "/boards/"+board+"/pool/approval", url.Values{"approved_on": {"۱۴۰۵/۰۸/۰۱"}, "reference": {"۱۲۳"}})
	if res := a.post(gov, "/boards/"+board+"/pool", url.Values{"full_name": {"تازه"}, "national_id": {nid(700)}}); res.status != http.StatusSeeOther {
		t.Fatalf("add to pool: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM boards WHERE id = $1 AND pool_approved_on IS NULL AND pool_reference = ''`, board); n != 1 {
		t.Fatal("adding to an approved pool kept its approval")
	}
	mustContain(t, a.post(gov, "/boards/"+board+"/submit", url.Values{}).body, "تأیید فهرست معتمدین توسط هیئت نظارت")
	a.post(gov, "/boards/"+board+"/pool/approval", url.Values{"approved_on": {"۱۴۰۵/۰۸/۰۱"}, "reference": {"۱۲۴"}})
	if res := a.post(gov, "/boards/"+board+"/pool/approval", url.Values{"approved_on": {"1390/01/01"}, "reference": {"1"}}); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("an approval date years ago: %d", res.status)
	}
	if res := a.post(gov, "/boards/"+board+"/submit", url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", res.status, res.body)
	}
	// A submitted board refuses changes before their form is read: 409, not a blank 422.
	res = a.post(gov, "/boards/"+board+"/members", url.Values{"full_name": {""}, "national_id": {"1"}})
	if res.status != http.StatusConflict {
		t.Fatalf("invalid member on a submitted board: %d", res.status)
	}
	mustContain(t, res.body, "فقط‌خواندنی")

	// A member who registered as a candidate meanwhile blocks the approval.
	if _, err := a.st.Pool().Exec(t.Context(), `INSERT INTO candidates (election_id, province_id, county_id, full_name, national_id, gender, education)
		SELECT $1, province_id, id, 'معتمد 2', $2, 'male', 'diploma' FROM counties WHERE code = 'beyza'`, election, nid(2)); err != nil {
		t.Fatal(err)
	}
	res = a.post(hq, "/boards/"+board+"/approve", url.Values{"submission": {a.seen(hq, board)}, "confirm": {"yes"}})
	if res.status != http.StatusUnprocessableEntity || a.boardStatus(board) != "submitted" {
		t.Fatalf("approving a board with a candidate on it: %d, %s", res.status, a.boardStatus(board))
	}
	mustContain(t, res.body, "تأیید نشد", "معتمد 2 در همین انتخابات داوطلب ثبت‌نام کرده است")
	// HQ on a draft gets the right reason.
	mustContain(t, a.post(hq, "/boards/"+a.boardID("pasargad", "")+"/approve", url.Values{}).body, "فقط برای هیئتی است که برای بررسی ارسال شده است")

	// The returned status is counted and filtered on its own.
	a.post(hq, "/boards/"+board+"/return", url.Values{"submission": {a.seen(hq, board)}, "status": {a.boardStatus(board)}, "note": {"عضو داوطلب را جایگزین کنید"}})
	list := a.get(hq, "/boards?status=returned")
	mustContain(t, list.body, "/boards/"+board)
	mustNotContain(t, list.body, "/boards/"+a.boardID("pasargad", "")+`"`)

	// The official list is Persian even for an English reader.
	if _, err := a.st.Pool().Exec(t.Context(), `DELETE FROM candidates`); err != nil {
		t.Fatal(err)
	}
	a.post(gov, "/boards/"+board+"/submit", url.Values{})
	a.post(hq, "/boards/"+board+"/approve", url.Values{"submission": {a.seen(hq, board)}, "confirm": {"yes"}})
	a.get(gov, "/lang/en")
	print := a.get(gov, "/boards/"+board+"/print")
	mustContain(t, print.body, `lang="fa"`, "امضای رئیس هیئت", "۱۴۰۵/۰۸/۰۱")

	// Ids are written one way only.
	for _, p := range []string{"/boards/+" + board, "/boards/0" + board} {
		if res := a.get(hq, p); res.status != http.StatusNotFound {
			t.Errorf("%s: %d", p, res.status)
		}
	}
	// Bidirectional overrides are dropped from what was typed: the name is read as it is stored.
	if res := a.post(a.login("gov.pasargad"), "/boards/"+a.boardID("pasargad", "")+"/members", member("علی\u202eرضا", nid(900), "secretary", "")); res.status == http.StatusBadRequest {
		t.Errorf("a name with a bidi override: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM board_members WHERE full_name LIKE '%' || chr(8238) || '%'`); n != 0 {
		t.Errorf("%d names stored with a bidi override", n)
	}
}

// HQ decides on the submission its page showed: a page opened before a return and a resubmission neither
// approves nor returns the new submission, and shows it instead.
func TestBoardDecisionOnSeenSubmission(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	gov, hq, colleague := a.login("gov.marvdasht"), a.login("hq.fars"), a.login("hq.fars")
	board := a.boardID("marvdasht", "")
	a.composeLegal(gov, board)
	if res := a.post(gov, "/boards/"+board+"/submit", url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.status)
	}
	seen := a.seen(hq, board) // HQ opens submission 1 and leaves the page open
	if seen != "1" {
		t.Fatalf("the page shows submission %s, want 1", seen)
	}
	// Meanwhile a colleague returns it, and the governor changes a member and submits again.
	if res := a.post(colleague, "/boards/"+board+"/return", url.Values{"submission": {"1"}, "status": {"submitted"}, "note": {"دبیر را عوض کنید"}}); res.status != http.StatusSeeOther {
		t.Fatalf("colleague's return: %d", res.status)
	}
	if res := a.post(gov, "/boards/"+board+"/members", member("دبیر تازه", nid(501), "secretary", "")); res.status != http.StatusSeeOther {
		t.Fatalf("new secretary: %d", res.status)
	}
	if res := a.post(gov, "/boards/"+board+"/submit", url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("resubmit: %d", res.status)
	}
	unchanged := func(what string) {
		t.Helper()
		if a.boardStatus(board) != "submitted" || a.count(`SELECT count(*) FROM board_submissions WHERE board_id = $1 AND number = 2 AND decision IS NULL`, board) != 1 {
			t.Fatalf("%s changed the board", what)
		}
	}
	for _, stale := range []url.Values{{"submission": {seen}}, {}, {"submission": {"x"}}} {
		res := a.post(hq, "/boards/"+board+"/approve", stale)
		if res.status != http.StatusConflict {
			t.Fatalf("approve with %v: %d", stale, res.status)
		}
		mustContain(t, res.body, "این هیئت پس از باز شدن این صفحه دوباره ارسال شده است", `name="submission" value="2"`,
			"تغییرات نسبت به ارسال شماره ۱", "دبیر تازه")
		unchanged("an approval of the old submission")
	}
	res := a.post(hq, "/boards/"+board+"/return", url.Values{"submission": {seen}, "status": {"submitted"}, "note": {"یادداشت من"}})
	if res.status != http.StatusConflict {
		t.Fatalf("return of the old submission: %d", res.status)
	}
	mustContain(t, res.body, "این هیئت پس از باز شدن این صفحه دوباره ارسال شده است", `name="submission" value="2"`, "یادداشت من</textarea>")
	unchanged("a return of the old submission")
	// Having seen the new submission, HQ decides on it.
	if res := a.post(hq, "/boards/"+board+"/approve", url.Values{"submission": {a.seen(hq, board)}, "confirm": {"yes"}}); res.status != http.StatusSeeOther {
		t.Fatalf("approve of submission 2: %d\n%s", res.status, res.body)
	}
	if a.boardStatus(board) != "approved" || a.count(`SELECT count(*) FROM board_submissions WHERE board_id = $1 AND number = 2 AND decision = 'approved'`, board) != 1 {
		t.Fatal("submission 2 is not approved")
	}
	if res := a.post(hq, "/boards/"+board+"/reopen", url.Values{"submission": {"1"}, "status": {"approved"}, "reason": {"x"}, "confirm": {"yes"}}); res.status != http.StatusConflict || a.boardStatus(board) != "approved" {
		t.Fatalf("reopening an approved board from submission 1: %d", res.status)
	}
	// A colleague's page opened while submission 2 was awaiting review cannot undo the approval unseen,
	// by returning it (an approved board is not returned) or by reopening it.
	if res := a.post(colleague, "/boards/"+board+"/return", url.Values{"submission": {"2"}, "status": {"submitted"}, "note": {"x"}}); res.status != http.StatusConflict || a.boardStatus(board) != "approved" {
		t.Fatalf("return of an approved board from a page that showed it submitted: %d", res.status)
	}
	if res := a.post(colleague, "/boards/"+board+"/reopen", url.Values{"submission": {"2"}, "status": {"submitted"}, "reason": {"x"}, "confirm": {"yes"}}); res.status != http.StatusConflict || a.boardStatus(board) != "approved" {
		t.Fatalf("reopening an approved board from a page that showed it submitted: %d", res.status)
	}
	if !strings.Contains(a.get(hq, "/boards/"+board).body, `name="status" value="approved"`) {
		t.Fatal("the approved board's page does not carry the status it shows")
	}
	if res := a.post(hq, "/boards/"+board+"/return", url.Values{"submission": {"2"}, "status": {"approved"}, "note": {"x"}}); res.status != http.StatusConflict || a.boardStatus(board) != "approved" {
		t.Fatalf("return of the approved submission 2: %d", res.status)
	}
	if res := a.post(hq, "/boards/"+board+"/reopen", url.Values{"submission": {"2"}, "status": {"approved"}, "reason": {"x"}, "confirm": {"yes"}}); res.status != http.StatusSeeOther || a.boardStatus(board) != "draft" {
		t.Fatalf("reopening the approved submission 2: %d", res.status)
	}
	for action, want := range map[string]int{"board.approve": 1, "board.return": 1, "board.reopen": 1} {
		if n := a.count(`SELECT count(*) FROM audit_log WHERE action = $1 AND entity_id = $2`, action, board); n != want {
			t.Errorf("%s audit rows = %d, want %d", action, n, want)
		}
	}
}

// The law is national: only the national HQ changes a composition rule; every other role, a province's
// HQ included, reads it and is refused a change.
func TestBoardRulesPage(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	national, gov := a.login("national"), a.login("gov.marvdasht")
	form := url.Values{"version": {"1"}, "trusted_main": {"۹"}, "alternates": {"5"}, "pool_size": {"30"}, "quorum_num": {"2"},
		"quorum_den": {"3"}, "formed_within_days": {"5"}, "ex_officio": {"civil_registration", "judiciary_rep"}}
	for _, user := range []string{"hq.fars", "gov.marvdasht", "dh.marvdasht", "committee", "observer"} {
		c := a.login(user)
		page := a.get(c, "/boards/rules")
		if page.status != http.StatusOK {
			t.Fatalf("%s: rules page: %d", user, page.status)
		}
		mustContain(t, page.body, "قواعد ترکیب هیئت‌های اجرایی", "پیش‌فرض غیرقطعی", "۸ معتمد اصلی", "ستاد انتخابات کشور (وزارت کشور) آن‌ها را نگه می‌دارد",
			"اعضای حقوقی: رئیس ثبت احوال")
		mustNotContain(t, page.body, `action="/boards/rules/`)
		if res := a.post(c, "/boards/rules/councils/county", form); res.status != http.StatusForbidden {
			t.Fatalf("%s editing a rule: %d", user, res.status)
		}
	}
	if n := a.count(`SELECT count(*) FROM board_rules WHERE version <> 1 OR (kind, level) = ('councils', 'county') AND trusted_main <> 8`); n != 0 {
		t.Fatalf("refused edits changed %d rules", n)
	}
	page := a.get(national, "/boards/rules")
	mustContain(t, page.body, `action="/boards/rules/councils/county"`, `action="/boards/rules/majlis/district"`)
	mustNotContain(t, page.body, "ستاد انتخابات کشور (وزارت کشور) آن‌ها را نگه می‌دارد")
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("quorum_num", "4")
	bad.Set("pool_size", "many")
	res := a.post(national, "/boards/rules/councils/county", bad)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid rule: %d", res.status)
	}
	mustContain(t, res.body, "عددی بین ۰ تا ۱۰۰ وارد کنید", `value="many"`)
	if res := a.post(national, "/boards/rules/councils/county", form); res.status != http.StatusSeeOther {
		t.Fatalf("rule update: %d\n%s", res.status, res.body)
	}
	if n := a.count(`SELECT trusted_main FROM board_rules WHERE kind = 'councils' AND level = 'county' AND NOT uncertain AND version = 2`); n != 9 {
		t.Fatalf("trusted_main = %d", n)
	}
	// The check of every councils county board follows the data at once.
	mustContain(t, a.get(gov, "/boards/"+a.boardID("marvdasht", "")).body, "هیئت به ۹ معتمد اصلی نیاز دارد")
	// The same old form again: refused, nothing changed.
	form.Set("trusted_main", "7")
	res = a.post(national, "/boards/rules/councils/county", form)
	if res.status != http.StatusSeeOther || a.count(`SELECT trusted_main FROM board_rules WHERE kind = 'councils' AND level = 'county'`) != 9 {
		t.Fatalf("a stale rule edit was applied (%d)", res.status)
	}
	mustContain(t, a.get(national, "/boards/rules").body, "کاربر دیگری همین حالا تغییر داده است")
	// One audit row, by the national HQ, belonging to no province, with before and after.
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'board_rules.update' AND entity = 'board_rules'
		AND entity_id = 'councils/county' AND province_id IS NULL AND actor_id = $1
		AND detail::text LIKE '%"trusted_main":8%"trusted_main":9%'`, a.ids["national"]); n != 1 {
		t.Error("the rule change is not audited as the national HQ's, with before and after")
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'board_rules.update'`); n != 1 {
		t.Errorf("%d rule audit rows, want 1", n)
	}
	if res := a.post(national, "/boards/rules/nothing/county", form); res.status != http.StatusNotFound {
		t.Errorf("unknown rule: %d", res.status)
	}
}
