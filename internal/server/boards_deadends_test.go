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

	"github.com/xuri/excelize/v2"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/boardrules"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
)

// postFile posts a file and fields to path as a browser's upload form would.
func (a *testApp) postFile(c *http.Client, path, name string, data []byte, fields ...string) response {
	a.t.Helper()
	return a.postFileAs(c, false, path, name, data, fields...)
}

// postFileAs is postFile, the body sent in chunks of unknown length when chunked: only reading it tells
// how big it is.
func (a *testApp) postFileAs(c *http.Client, chunked bool, path, name string, data []byte, fields ...string) response {
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
	var r io.Reader = &body
	if chunked {
		r = io.MultiReader(&body) // a reader whose length the client does not know
	}
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+path, r)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

// registerCandidate registers national ID id as a candidate of election in Pasargad.
func (a *testApp) registerCandidate(election int64, name, id string) {
	a.t.Helper()
	if _, err := a.st.Pool().Exec(a.t.Context(), `INSERT INTO candidates (election_id, province_id, county_id, full_name, national_id, gender, education)
		SELECT $1, province_id, id, $2, $3, 'male', 'diploma' FROM counties WHERE code = 'pasargad'`, election, name, id); err != nil {
		a.t.Fatal(err)
	}
}

// approvedWithCandidate is Marvdasht's county board composed, submitted and approved, after which its
// trusted member «معتمد 3» registered as a candidate: the board breaks the law and nobody can edit it.
func (a *testApp) approvedWithCandidate() (board string, gov, hq *http.Client) {
	a.t.Helper()
	election := a.withElection()
	gov, hq = a.login("gov.marvdasht"), a.login("hq.fars")
	board = a.boardID("marvdasht", "")
	a.composeLegal(gov, board)
	a.post(gov, "/boards/"+board+"/submit", url.Values{})
	a.post(hq, "/boards/"+board+"/approve", url.Values{"submission": {a.seen(hq, board)}, "confirm": {"yes"}})
	if a.boardStatus(board) != "approved" {
		a.t.Fatal("setup: not approved")
	}
	a.registerCandidate(election, "معتمد 3", nid(3))
	return board, gov, hq
}

// An approved board that breaks the law says who must act and how; HQ reopens it with a reason (asked
// first), the board is a draft again with the reason shown to its governor on the board and at home, and
// in its history; the governor cannot reopen it.
func TestBoardReopen(t *testing.T) {
	a := newTestApp(t)
	board, gov, hq := a.approvedWithCandidate()
	path := "/boards/" + board

	page := a.get(hq, path).body
	mustContain(t, page, "اقدام با ستاد استان است: هیئت را با ذکر دلیل بازگشایی کنید تا فرماندار آن را اصلاح کند",
		`action="`+path+`/reopen"`, `href="#reopen-form"`, `data-confirm="هیئت اجرایی شهرستان مرودشت به پیش‌نویس برگردد تا فرماندار آن را اصلاح کند؟`,
		`class="violations"`)
	mustNotContain(t, page, `action="`+path+`/return"`) // an approved board is reopened, not returned
	page = a.get(gov, path).body
	mustContain(t, page, "ستاد استان باید آن را بازگشایی کند؛ تا آن زمان هیئت قابل تغییر نیست.",
		"عضوی را که داوطلب شده است با فرد دیگری از فهرست معتمدین جایگزین کنید", `class="violations-info"`)
	mustNotContain(t, page, `/reopen"`)
	mustContain(t, a.get(a.login("observer"), path).body, "ستاد استان باید آن را بازگشایی کند؛ سپس فرماندار آن را اصلاح می‌کند")
	a.get(hq, "/lang/en")
	mustContain(t, a.get(hq, path).body, "It is the provincial HQ&#39;s to act: reopen it with a reason, so that the county governor corrects it")
	a.get(hq, "/lang/fa")

	seen := url.Values{"submission": {a.seen(hq, board)}, "status": {"approved"}}
	with := func(extra ...string) url.Values {
		v := url.Values{}
		for k, vs := range seen {
			v[k] = vs
		}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return v
	}
	if res := a.post(gov, path+"/reopen", with("reason", "x", "confirm", "yes")); res.status != http.StatusForbidden || a.boardStatus(board) != "approved" {
		t.Fatalf("a governor reopening: %d", res.status)
	}
	res := a.post(hq, path+"/reopen", with("reason", "  ", "confirm", "yes"))
	if res.status != http.StatusUnprocessableEntity || a.boardStatus(board) != "approved" {
		t.Fatalf("reopening without a reason: %d", res.status)
	}
	mustContain(t, res.body, `id="reopen-form-errors"`, "برای این تصمیم دلیل بنویسید")
	reason := "معتمد ۳ در پاسارگاد داوطلب شده است؛ او را جایگزین کنید."
	res = a.post(hq, path+"/reopen", with("reason", reason))
	if res.status != http.StatusOK || a.boardStatus(board) != "approved" {
		t.Fatalf("reopening without the confirmation: %d", res.status)
	}
	mustContain(t, res.body, "پیش از ادامه بررسی کنید", "هیئت اجرایی شهرستان مرودشت به پیش‌نویس برگردد", `value="`+reason+`"`)
	if res := a.post(hq, path+"/reopen", with("reason", reason, "confirm", "yes")); res.status != http.StatusSeeOther {
		t.Fatalf("reopening: %d\n%s", res.status, res.body)
	}
	if a.boardStatus(board) != "draft" || a.count(`SELECT count(*) FROM boards WHERE id = $1 AND return_note = $2 AND approved_at IS NULL`, board, reason) != 1 {
		t.Fatal("the board is not a draft with the reason")
	}
	if a.count(`SELECT count(*) FROM board_submissions WHERE board_id = $1 AND decision = 'approved' AND reopen_reason = $2
		AND reopened_by = $3 AND reopened_at IS NOT NULL`, board, reason, a.ids["hq.fars"]) != 1 {
		t.Fatal("the approved submission does not record its reopening")
	}
	var detail string
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT detail FROM audit_log WHERE action = 'board.reopen' AND entity_id = $1`, board).Scan(&detail); err != nil {
		t.Fatal(err)
	}
	mustContain(t, detail, reason, `"approved"`, `"draft"`)

	page = a.get(gov, path).body
	mustContain(t, page, "ستاد استان این هیئت را پس از تأیید برای اصلاح بازگشایی کرد:", reason, // the notice
		"بازگشایی شد", "دلیل بازگشایی:", "مریم کریمی", // the history
		`class="violations"`) // the governor's to act on now
	mustContain(t, a.get(gov, "/").body, "ستاد استان این هیئت را پس از تأیید برای اصلاح بازگشایی کرد:", reason)
	mustContain(t, a.get(a.login("observer"), "/audit").body, "بازگشایی هیئت تأییدشده", reason)
	// A reopened board is a draft again: another reopening is refused.
	if res := a.post(hq, path+"/reopen", with("reason", reason, "confirm", "yes")); res.status != http.StatusConflict {
		t.Fatalf("reopening a draft: %d", res.status)
	}
}

// A board that the reader does not compose says who does; with nobody to compose it, it says so, and HQ
// gets the way to create the account, filled in. The governor reads a district board's check as
// information, not as an alarm; the district head, who composes it, as his to-do.
func TestBoardWhoComposes(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	gov, hq, dh := a.login("gov.marvdasht"), a.login("hq.fars"), a.login("dh.marvdasht")
	headless, central := "/boards/"+a.boardID("marvdasht", "marvdasht-seyyedan"), "/boards/"+a.boardID("marvdasht", "marvdasht-central")
	newHead := `href="/admin/users/new?district=marvdasht-seyyedan&amp;role=district_head"`

	page := a.get(gov, headless).body
	mustContain(t, page, "هنوز هیچ بخشداری برای این بخش حساب کاربری ندارد", `class="violations-info"`, "مورد هنوز با قانون مطابق نیست (برای آگاهی شما)")
	mustNotContain(t, page, `class="violations"`, newHead)
	page = a.get(hq, headless).body
	mustContain(t, page, "هنوز هیچ بخشداری برای این بخش حساب کاربری ندارد", newHead, "ساخت حساب بخشدار این بخش")
	mustContain(t, a.get(gov, central).body, "این هیئت را بخشدار تشکیل می‌دهد: زهرا محمدی.", `class="violations-info"`)
	page = a.get(dh, central).body
	mustContain(t, page, `class="violations"`)
	mustNotContain(t, page, "این هیئت را بخشدار تشکیل می‌دهد", "حساب کاربری ندارد")
	mustContain(t, a.get(hq, "/boards/"+a.boardID("marvdasht", "")).body, "این هیئت را فرماندار تشکیل می‌دهد: علی رضایی.")
	if _, err := a.st.Pool().Exec(t.Context(), `UPDATE users SET disabled_at = now() WHERE username = 'gov.marvdasht'`); err != nil {
		t.Fatal(err)
	}
	mustContain(t, a.get(hq, "/boards/"+a.boardID("marvdasht", "")).body, "هنوز هیچ فرمانداری برای این شهرستان حساب کاربری ندارد",
		`href="/admin/users/new?county=marvdasht&amp;role=governor"`)
	a.get(hq, "/lang/en")
	mustContain(t, a.get(hq, headless).body, "No district head has an account for this district yet")

	// The link fills in the new-user form.
	form := a.get(hq, "/admin/users/new?role=district_head&district=marvdasht-seyyedan").body
	mustContain(t, form, `<option value="district_head" selected>`, `<option value="marvdasht-seyyedan" selected>`)
	if res := a.get(a.login("gov.pasargad"), "/admin/users/new?role=district_head&district=marvdasht-seyyedan"); res.status != http.StatusForbidden {
		t.Fatalf("a governor's new-user form: %d", res.status)
	}
}

// A trusted member or an alternate is chosen from the board's approved pool, nothing typed twice: the
// person's fields come from the pool entry. An entry of another board's pool is not this pool's, and
// nothing is copied across.
func TestBoardMemberFromPool(t *testing.T) {
	a := newTestApp(t)
	election := a.withElection()
	gov := a.login("gov.marvdasht")
	board := a.boardID("marvdasht", "")
	path := "/boards/" + board
	poolID := func(boardID, nationalID string) string {
		var id int64
		if err := a.st.Pool().QueryRow(t.Context(), `SELECT id FROM board_pool WHERE board_id = $1 AND national_id = $2`, boardID, nationalID).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return itoa(id)
	}
	for i := range 30 {
		phone := fmt.Sprintf("0917%07d", i)
		if i == 1 {
			phone = "+98 917 000 0001" // stored in its national form
		}
		a.post(gov, path+"/pool", url.Values{"full_name": {fmt.Sprintf("معتمد %d", i)}, "father_name": {"پدر " + itoa(int64(i))},
			"national_id": {nid(i)}, "phone": {phone}})
	}
	// Before the supervision board's approval nobody is chosen from the pool.
	res := a.post(gov, path+"/members", url.Values{"pool": {poolID(board, nid(1))}, "role": {"trusted"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a member from a pool not approved: %d", res.status)
	}
	mustContain(t, res.body, "تأیید فهرست معتمدین توسط هیئت نظارت هنوز ثبت نشده است", `id="add-from-pool-errors"`)
	mustContain(t, a.get(gov, path).body, "پس از ثبت تأیید هیئت نظارت، معتمدین اصلی و علی‌البدل را از همین فهرست انتخاب می‌کنید")
	a.post(gov, path+"/pool/approval", url.Values{"approved_on": {"۱۴۰۵/۰۸/۰۱"}, "reference": {"۱۲۳/ن"}})

	page := a.get(gov, path).body
	mustContain(t, page, `id="add-from-pool"`, `name="pool" value="`+poolID(board, nid(1))+`"`, `name="role" value="trusted"`, `name="role" value="alternate"`,
		"معتمد 1 · "+"۲۰۰۰۰۷۹۰۷۵")
	res = a.post(gov, path+"/members", url.Values{"pool": {poolID(board, nid(1))}, "role": {"trusted"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != path+"#add-from-pool" {
		t.Fatalf("a member from the pool: %d %s", res.status, res.header.Get("Location"))
	}
	if a.count(`SELECT count(*) FROM board_members WHERE board_id = $1 AND full_name = 'معتمد 1' AND father_name = 'پدر 1'
		AND national_id = $2 AND phone = '09170000001' AND role = 'trusted' AND office = ''`, board, nid(1)) != 1 {
		t.Fatal("the member does not carry the pool entry's fields")
	}
	page = a.get(gov, path).body
	mustContain(t, page, "عضو به هیئت افزوده شد.")
	mustNotContain(t, page, `name="pool" value="`+poolID(board, nid(1))+`"`) // elected: no longer offered
	if res := a.post(gov, path+"/members", url.Values{"pool": {poolID(board, nid(2))}, "role": {"alternate"}}); res.status != http.StatusSeeOther {
		t.Fatalf("an alternate from the pool: %d", res.status)
	}

	refused := func(what string, form url.Values, want string) {
		t.Helper()
		before := a.count(`SELECT count(*) FROM board_members`)
		res := a.post(gov, path+"/members", form)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: %d", what, res.status)
		}
		mustContain(t, res.body, want, `id="add-from-pool-errors"`)
		if a.count(`SELECT count(*) FROM board_members`) != before {
			t.Fatalf("%s added a member", what)
		}
	}
	refused("the same entry twice", url.Values{"pool": {poolID(board, nid(1))}, "role": {"alternate"}}, "این کد ملی پیش‌تر در همین هیئت ثبت شده است")
	refused("a chair from the pool", url.Values{"pool": {poolID(board, nid(3))}, "role": {"chair"}}, "از فهرست معتمدین فقط معتمد اصلی یا علی‌البدل انتخاب می‌شود")
	refused("a malformed entry", url.Values{"pool": {"x"}, "role": {"trusted"}}, "این شخص در فهرست معتمدین همین هیئت نیست")
	refused("an entry's id written with a leading zero", url.Values{"pool": {"0" + poolID(board, nid(5))}, "role": {"trusted"}}, "این شخص در فهرست معتمدین همین هیئت نیست")
	// Another board's pool entry, even one the governor could not see.
	other := a.boardID("pasargad", "")
	if err := a.st.AddPoolMember(t.Context(), audit.Actor{Name: "gov.pasargad"}, auth.Scope{}, mustInt(t, other),
		boardrules.Member{FullName: "غریبه", NationalID: nid(800)}); err != nil {
		t.Fatal(err)
	}
	refused("another board's entry", url.Values{"pool": {poolID(other, nid(800))}, "role": {"trusted"}}, "این شخص در فهرست معتمدین همین هیئت نیست")
	if a.count(`SELECT count(*) FROM board_members WHERE national_id = $1`, nid(800)) != 0 {
		t.Fatal("another board's pool entry was copied")
	}
	// A pool entry who registered as a candidate since.
	a.registerCandidate(election, "معتمد 4", nid(4))
	refused("a candidate", url.Values{"pool": {poolID(board, nid(4))}, "role": {"trusted"}}, "این شخص در همین انتخابات داوطلب است (پاسارگاد)")
	// Typed into the member form, a candidate is refused on the national ID too.
	res = a.post(gov, path+"/members", member("معتمد 4", nid(4), "secretary", ""))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a candidate typed in: %d", res.status)
	}
	mustContain(t, res.body, "این شخص در همین انتخابات داوطلب است (پاسارگاد)", `id="add-member-errors"`, `value="معتمد 4"`)
}

// poolFile is a pool file of rows under a Persian header, as a clerk would write it.
func poolFile(rows ...string) []byte {
	return []byte("\uFEFFنام و نام خانوادگی,نام پدر,کد ملی,تلفن\n" + strings.Join(rows, "\n") + "\n")
}

var poolImportID = regexp.MustCompile(`name="import" value="(\d+)"`)

// The pool is loaded from a file with a preview that checks every row as the pool form does (and what only
// a file gets wrong), then confirmed all at once; nothing is added before.
func TestBoardPoolImport(t *testing.T) {
	a := newTestApp(t)
	election := a.withElection()
	gov := a.login("gov.marvdasht")
	board := a.boardID("marvdasht", "")
	path := "/boards/" + board
	for i := range 26 {
		a.post(gov, path+"/pool", url.Values{"full_name": {fmt.Sprintf("معتمد %d", i)}, "national_id": {nid(i)}})
	}
	a.post(gov, path+"/pool/approval", url.Values{"approved_on": {"۱۴۰۵/۰۸/۰۱"}, "reference": {"۱۲۳/ن"}})
	a.registerCandidate(election, "نامزد", nid(901))
	file := poolFile(
		"زهره کیانی,مهدی,"+nid(900)+",+98 917 123 4567",     // 2: ready, the phone as people type it
		"نادرست,,0012345670,",                               // 3: invalid national ID
		"تکراری,,"+nid(900)+",",                             // 4: twice in the file
		"در فهرست,,"+nid(3)+",",                             // 5: in the pool already
		"نامزد,,"+nid(901)+",",                              // 6: a candidate
		"سارا نوری,,"+persian.ToPersianDigits(nid(902))+",", // 7: ready, Persian digits
		",,"+nid(903)+",abc",                                // 8: no name, and a phone that is not one
		"مریم رضایی,,"+nid(904)+",",                         // 9: ready
		"لیلا احمدی,,"+nid(905)+",",                         // 10: ready: the pool's 30th
		"یکی بیشتر,,"+nid(906)+",",                          // 11: beyond the pool's 30
	)
	res := a.postFile(gov, path+"/pool/import", "معتمدین.csv", file)
	if res.status != http.StatusOK {
		t.Fatalf("preview: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, "پیش‌نمایش فایل «معتمدین.csv»", "۴ سطر آماده افزودن، ۶ سطر رد شده.",
		"کد ملی: کد ملی معتبر نیست", "کد ملی: این کد ملی در سطر ۲ همین فایل هم آمده است.",
		"کد ملی: این کد ملی پیش‌تر در فهرست معتمدین ثبت شده است.", "کد ملی: این شخص در همین انتخابات داوطلب است (پاسارگاد)",
		"نام و نام خانوادگی: این فیلد را پر کنید.", "فهرست معتمدین ۳۰ نفره است و این سطر از ظرفیت باقی‌مانده آن بیرون است.",
		"زهره کیانی", "سارا نوری", "مریم رضایی", "لیلا احمدی", "افزودن ۴ نفر به فهرست معتمدین")
	if !strings.Contains(res.body, "تلفن: ") {
		t.Error("row 8's phone is not among its problems")
	}
	if n := a.count(`SELECT count(*) FROM board_pool WHERE board_id = $1`, board); n != 26 {
		t.Fatalf("the preview changed the pool: %d", n)
	}
	m := poolImportID.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatal("the preview has no confirmation")
	}
	// Asked first; another user, or another board, has no such preview.
	res = a.postFile(gov, path+"/pool/import", "", nil, "import", m[1])
	if res.status != http.StatusOK || a.count(`SELECT count(*) FROM board_pool WHERE board_id = $1`, board) != 26 {
		t.Fatalf("a confirmation without its answer: %d", res.status)
	}
	mustContain(t, res.body, "۴ نفر از فایل «معتمدین.csv» یکجا به فهرست معتمدین هیئت اجرایی شهرستان مرودشت افزوده شوند؟", `enctype="multipart/form-data"`)
	if res := a.postFile(a.login("gov.pasargad"), "/boards/"+a.boardID("pasargad", "")+"/pool/import", "", nil, "import", m[1], "confirm", "yes"); res.status != http.StatusNotFound {
		t.Fatalf("another governor's confirmation on his board: %d", res.status)
	}
	res = a.postFile(gov, path+"/pool/import", "", nil, "import", m[1], "confirm", "yes")
	if res.status != http.StatusSeeOther || res.header.Get("Location") != path+"#add-pool" {
		t.Fatalf("confirmation: %d %s", res.status, res.header.Get("Location"))
	}
	if n := a.count(`SELECT count(*) FROM board_pool WHERE board_id = $1`, board); n != 30 {
		t.Fatalf("the pool holds %d, want 30", n)
	}
	if a.count(`SELECT count(*) FROM board_pool WHERE board_id = $1 AND national_id = $2 AND full_name = 'زهره کیانی' AND father_name = 'مهدی'
		AND phone = '09171234567'`, board, nid(900)) != 1 || a.count(`SELECT count(*) FROM board_pool WHERE national_id = $1`, nid(902)) != 1 {
		t.Fatal("the ready rows are not in the pool as read")
	}
	if a.count(`SELECT count(*) FROM boards WHERE id = $1 AND pool_approved_on IS NULL`, board) != 1 {
		t.Fatal("a changed pool kept its approval")
	}
	mustContain(t, a.get(gov, path).body, "سطرهای آماده فایل به فهرست معتمدین افزوده شدند.")
	if a.count(`SELECT count(*) FROM audit_log WHERE action = 'board_pool.import' AND entity_id = $1 AND detail->>'imported' = '4'`, board) != 1 {
		t.Fatal("the import is not audited")
	}
	// Once only.
	if res := a.postFile(gov, path+"/pool/import", "", nil, "import", m[1], "confirm", "yes"); res.status != http.StatusConflict {
		t.Fatalf("a second confirmation: %d", res.status)
	}
	// A full pool takes no row of a new file.
	res = a.postFile(gov, path+"/pool/import", "more.csv", poolFile("دیگری,,"+nid(950)+","))
	mustContain(t, res.body, "۰ سطر آماده افزودن، ۱ سطر رد شده.", "از ظرفیت باقی‌مانده آن بیرون است")
	mustNotContain(t, res.body, `name="import"`)
}

// The pool import reads files with the bounds of every import: refused past them, with the reason (422),
// before any row is checked; an XLSX is read as a CSV is; only the board's composer may load its pool.
func TestBoardPoolImportBounds(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	gov := a.login("gov.marvdasht")
	board := a.boardID("marvdasht", "")
	path := "/boards/" + board + "/pool/import"
	refused := func(what string, res response, want string) {
		t.Helper()
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: %d", what, res.status)
		}
		mustContain(t, res.body, want, `id="pool-import-errors"`)
	}
	fa := func(m i18n.Msg) string { return html.EscapeString(m.In(i18n.Fa)) }
	wide := "full_name" + strings.Repeat(",x", maxImportColumns) + "\n"
	refused("too wide", a.postFile(gov, path, "wide.csv", []byte(wide)),
		fa(i18n.M("err.file_too_wide", i18n.ArgNum("row", 1), i18n.ArgNum("columns", maxImportColumns))))
	var many bytes.Buffer
	many.WriteString("full_name,national_id\n")
	for i := range maxImportRows + 1 {
		fmt.Fprintf(&many, "n%d,%d\n", i, i)
	}
	refused("too many rows", a.postFile(gov, path, "many.csv", many.Bytes()), fa(i18n.M("err.file_too_many", i18n.ArgNum("rows", maxImportRows))))
	refused("a cell too long", a.postFile(gov, path, "long.csv", []byte("full_name\n"+strings.Repeat("ب", maxImportCellChars+1)+"\n")),
		fa(i18n.M("err.file_cell_too_long", i18n.ArgNum("row", 2), i18n.ArgNum("chars", maxImportCellChars))))
	// Rows that break no other bound, but more bytes than a file may have.
	big := []byte("full_name\n" + strings.Repeat(strings.Repeat("x", maxImportCellChars-1)+"\n", maxImportBytes/maxImportCellChars+1))
	refused("too big", a.postFile(gov, path, "big.csv", big), fa(i18n.M("err.file_too_big", i18n.ArgNum("mb", maxImportBytes>>20))))
	refused("too big, its length untold", a.postFileAs(gov, true, path, "big.csv", big), fa(i18n.M("err.file_too_big", i18n.ArgNum("mb", maxImportBytes>>20))))
	refused("no file", a.postFile(gov, path, "", nil), fa(i18n.M("err.file")))
	if n := a.count(`SELECT count(*) FROM board_pool_imports`); n != 0 {
		t.Fatalf("%d refused files kept", n)
	}

	x := excelize.NewFile()
	sheet := x.GetSheetName(0)
	for i, row := range [][]any{{"Full name", "National ID", "Phone"}, {"Zohreh Kiani", nid(900), "09171234567"}, {"No ID", "", ""}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		_ = x.SetSheetRow(sheet, cell, &row)
	}
	var xlsx bytes.Buffer
	_ = x.Write(&xlsx)
	res := a.postFile(gov, path, "pool.xlsx", xlsx.Bytes())
	if res.status != http.StatusOK {
		t.Fatalf("an XLSX file: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body, "۱ سطر آماده افزودن، ۱ سطر رد شده.", "Zohreh Kiani")

	if res := a.postFile(a.login("hq.fars"), path, "pool.csv", poolFile("x,,"+nid(1)+",")); res.status != http.StatusForbidden {
		t.Fatalf("HQ loading a governor's pool: %d", res.status)
	}
	if res := a.postFile(a.login("observer"), path, "pool.csv", poolFile("x,,"+nid(1)+",")); res.status != http.StatusForbidden {
		t.Fatalf("an observer loading the pool: %d", res.status)
	}
	if res := a.postFile(a.login("dh.marvdasht"), path, "pool.csv", poolFile("x,,"+nid(1)+",")); res.status != http.StatusNotFound {
		t.Fatalf("a district head loading the county's pool: %d", res.status)
	}
	if res := a.postFile(a.login("gov.pasargad"), path, "pool.csv", poolFile("x,,"+nid(1)+",")); res.status != http.StatusNotFound {
		t.Fatalf("another county's governor: %d", res.status)
	}
}

// The rules pages speak to HQ: notes written for it in both languages, no developer's notes, numbers in
// the reader's digits, and the quorum as a fraction in words.
func TestRulesPagesForHQ(t *testing.T) {
	a := newTestApp(t)
	hq, national := a.login("hq.fars"), a.login("national")
	page := a.get(hq, "/boards/rules").body
	mustNotContain(t, page, "LAW.md", "uncertain", "۲ از ۳")
	mustContain(t, page, "۸ معتمد اصلی، ۵ علی‌البدل، فهرست ۳۰ نفره؛ حد نصاب جلسه: دو سوم اعضا.",
		"حد نصاب دو سوم اعضا از آیین‌نامه پیشین گرفته شده", "شمار معتمدین اصلی در یک متن ۹ و در متن دیگر ۸ نفر آمده است",
		"با حضور دست‌کم ۲۰ نفر از ۳۰ نفر")
	mustContain(t, a.get(national, "/boards/rules").body, `value="۸"`, `value="۳۰"`, "حد نصاب کنونی: دو سوم اعضا.")
	page = a.get(hq, "/candidates/rules").body
	mustNotContain(t, page, "LAW.md")
	mustContain(t, page, "سن داوطلب در روز ثبت‌نام سنجیده می‌شود", "سن در روز ثبت‌نام سنجیده می‌شود.", "۲۰٬۰۰۰")
	mustContain(t, a.get(national, "/candidates/rules").body, `value="۲۵"`)
	a.get(hq, "/lang/en")
	page = a.get(hq, "/boards/rules").body
	mustNotContain(t, page, "LAW.md", "2 of 3")
	mustContain(t, page, "8 main trusted members, 5 alternates, a pool of 30; quorum: two thirds of the members.",
		"One text gives 9 main trusted members, another 8")
	mustContain(t, a.get(hq, "/candidates/rules").body, "A candidate&#39;s age is measured on registration day", "20,000")
	// The board page says the quorum in words too.
	a.withElection()
	mustContain(t, a.get(hq, "/boards/"+a.boardID("marvdasht", "")).body, "a meeting&#39;s quorum is two thirds of the members")
}
