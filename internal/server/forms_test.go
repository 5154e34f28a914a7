package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/web/components"
)

// A form that comes back with errors opens with a summary linking each error to its field, which takes the
// focus so that the browser lands on it; every posted form of the portal is drawn so.
func TestErrorSummary(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	board := a.boardID("marvdasht", "")
	gov := a.login("gov.marvdasht")

	res := a.post(gov, "/boards/"+board+"/members", url.Values{"full_name": {"رضا"}, "national_id": {"123"}, "role": {"trusted"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid member: %d", res.status)
	}
	summary := between(res.body, `<form method="post" action="/boards/`+board+`/members" id="add-member"`, `</form>`)
	mustContain(t, summary, `class="error-summary" role="alert"`, `autofocus`, "این فرم ثبت نشد",
		`<a href="#f-national_id">کد ملی: کد ملی معتبر نیست`)
	mustContain(t, res.body, `id="f-national_id"`)
	// Only the form that was posted has a summary.
	if n := strings.Count(res.body, `class="error-summary"`); n != 1 {
		t.Errorf("%d error summaries on the page", n)
	}

	res = a.post(gov, "/boards/"+board+"/pool", url.Values{"full_name": {""}, "national_id": {nid(1)}})
	summary = between(res.body, `id="add-pool"`, `</form>`)
	mustContain(t, summary, `<a href="#f-pool-full_name">نام و نام خانوادگی: این فیلد را پر کنید.</a>`)

	// A form-level error is listed without a link.
	res = a.post(a.client(), "/login", url.Values{"username": {"gov.marvdasht"}, "password": {"wrong"}})
	mustContain(t, between(res.body, `id="login-form"`, `</form>`), `class="error-summary"`, "<li>نام کاربری یا گذرواژه نادرست است")

	// Every posted form is drawn in the summary's frame, which names the page it is on.
	hq := a.login("hq.fars")
	for page, form := range map[string]string{
		"/admin/users/new":    `action="/admin/users" id="user-form"`,
		"/profile":            `action="/profile/password" id="password-form"`,
		"/counties/marvdasht": `action="/counties/marvdasht/sizes" id="sizes-form"`,
		"/candidates/new":     `action="/candidates" id="candidate-form"`,
		"/candidates/import":  `action="/candidates/import" id="import-form"`,
		"/boards/rules":       `action="/boards/rules/councils/county" id="rule-form-councils-county"`,
		"/candidates/rules":   `action="/candidates/rules/councils" id="crule-form-councils"`,
	} {
		c := hq
		if strings.HasSuffix(page, "/rules") {
			c = a.login("national")
		}
		mustContain(t, between(a.get(c, page).body, form, "</form>"), `name="form_page" value="`+page+`"`)
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// A successful "add" returns to its form, which shows the message, so that a pool of 30 is entered
// without scrolling back to the form each time.
func TestAddReturnsToItsForm(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	board := a.boardID("marvdasht", "")
	gov := a.login("gov.marvdasht")
	res := a.post(gov, "/boards/"+board+"/pool", url.Values{"full_name": {"معتمد یک"}, "national_id": {nid(1)}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/boards/"+board+"#add-pool" {
		t.Fatalf("pool add: %d %q", res.status, res.header.Get("Location"))
	}
	page := a.get(gov, "/boards/"+board).body
	mustContain(t, between(page, `id="add-pool"`, `</form>`), `role="status"`, "به فهرست معتمدین افزوده شد")
	mustNotContain(t, between(page, `<main`, `<h1>`), `role="status"`)
	res = a.post(gov, "/boards/"+board+"/members", member("رئیس", nid(100), "chair", "governor"))
	if res.header.Get("Location") != "/boards/"+board+"#add-member" {
		t.Fatalf("member add went to %q", res.header.Get("Location"))
	}
	mustContain(t, between(a.get(gov, "/boards/"+board).body, `id="add-member"`, `</form>`), `role="status"`)
	// Other changes still report at the page's top.
	a.post(gov, "/boards/"+board+"/pool/approval", url.Values{"approved_on": {"۱۴۰۵/۰۸/۰۱"}, "reference": {"۱۲۳"}})
	mustContain(t, between(a.get(gov, "/boards/"+board).body, `<main`, `<h1>`), `role="status"`)
}

var confirmPage = regexp.MustCompile(`<form method="post" action="([^"]+)"[^>]*>(.*?)<input type="hidden" name="confirm" value="yes">`)

// confirmation checks that res is the confirmation page (200) posting back to action, naming what it
// must, and returns the fields it posts again.
func confirmation(t *testing.T, res response, action string, names ...string) url.Values {
	t.Helper()
	if res.status != http.StatusOK {
		t.Fatalf("posted without confirmation: %d, want the confirmation page (200)", res.status)
	}
	mustContain(t, res.body, "پیش از ادامه بررسی کنید", "هنوز چیزی تغییر نکرده است", "انصراف")
	mustContain(t, res.body, names...)
	m := confirmPage.FindStringSubmatch(between(res.body, `class="card confirm-step"`, "</section>"))
	if m == nil || m[1] != action {
		t.Fatalf("the confirmation page does not post back to %s: %v", action, m)
	}
	vals := url.Values{}
	for _, h := range regexp.MustCompile(`name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(m[2], -1) {
		vals.Add(h[1], h[2])
	}
	vals.Set("confirm", "yes")
	return vals
}

// Deleting a member or a pool entry, approving a board, disabling a user and confirming an import ask
// first: posted without confirm=yes they answer with a page that says what will happen, naming the
// record, and change nothing; posted again from that page, they are done.
func TestConfirmBeforeWhatCannotBeUndone(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	board := a.boardID("marvdasht", "")
	gov, hq := a.login("gov.marvdasht"), a.login("hq.fars")
	a.composeLegal(gov, board)
	countRows := func(sql string, args ...any) int { return a.count(sql, args...) }

	t.Run("member", func(t *testing.T) {
		var id int64
		_ = a.st.Pool().QueryRow(t.Context(), `SELECT id FROM board_members WHERE national_id = $1`, nid(14)).Scan(&id)
		path := "/boards/" + board + "/members/" + itoa(id) + "/delete"
		again := confirmation(t, a.post(gov, path, url.Values{}), path, "«معتمد 14» از هیئت اجرایی شهرستان مرودشت حذف شود؟")
		if countRows(`SELECT count(*) FROM board_members WHERE id = $1`, id) != 1 {
			t.Fatal("asking deleted the member")
		}
		if res := a.post(gov, path, again); res.status != http.StatusSeeOther || countRows(`SELECT count(*) FROM board_members WHERE id = $1`, id) != 0 {
			t.Fatalf("confirmed delete: %d", res.status)
		}
		a.post(gov, "/boards/"+board+"/members", member("معتمد 14", nid(14), "alternate", ""))
	})
	t.Run("pool", func(t *testing.T) {
		// The pool is full: a newcomer takes the place of one who leaves it, and is then removed.
		if _, err := a.st.Pool().Exec(t.Context(), `DELETE FROM board_pool WHERE national_id = $1`, nid(29)); err != nil {
			t.Fatal(err)
		}
		defer a.post(gov, "/boards/"+board+"/pool", url.Values{"full_name": {"معتمد 29"}, "national_id": {nid(29)}})
		a.post(gov, "/boards/"+board+"/pool", url.Values{"full_name": {"تازه‌وارد"}, "national_id": {nid(40)}})
		var id int64
		_ = a.st.Pool().QueryRow(t.Context(), `SELECT id FROM board_pool WHERE national_id = $1`, nid(40)).Scan(&id)
		path := "/boards/" + board + "/pool/" + itoa(id) + "/delete"
		again := confirmation(t, a.post(gov, path, url.Values{}), path, "«تازه‌وارد» از فهرست معتمدین هیئت اجرایی شهرستان مرودشت حذف شود؟")
		if countRows(`SELECT count(*) FROM board_pool WHERE id = $1`, id) != 1 {
			t.Fatal("asking deleted the pool entry")
		}
		if res := a.post(gov, path, again); res.status != http.StatusSeeOther || countRows(`SELECT count(*) FROM board_pool WHERE id = $1`, id) != 0 {
			t.Fatalf("confirmed delete: %d", res.status)
		}
	})
	t.Run("approve", func(t *testing.T) {
		// A change to the pool voids its approval: it is recorded again.
		a.post(gov, "/boards/"+board+"/pool/approval", url.Values{"approved_on": {"۱۴۰۵/۰۸/۰۱"}, "reference": {"۱۲۳/ن"}})
		if res := a.post(gov, "/boards/"+board+"/submit", url.Values{}); res.status != http.StatusSeeOther {
			t.Fatalf("submit: %d", res.status)
		}
		path := "/boards/" + board + "/approve"
		again := confirmation(t, a.post(hq, path, url.Values{"submission": {a.seen(hq, board)}}), path,
			"ترکیب هیئت اجرایی شهرستان مرودشت (ارسال شماره ۱) تأیید شود؟")
		if again.Get("submission") != "1" {
			t.Errorf("the confirmation posts submission %q again", again.Get("submission"))
		}
		if a.boardStatus(board) != "submitted" {
			t.Fatal("asking approved the board")
		}
		if res := a.post(hq, path, again); res.status != http.StatusSeeOther || a.boardStatus(board) != "approved" {
			t.Fatalf("confirmed approval: %d", res.status)
		}
	})
	t.Run("disable", func(t *testing.T) {
		id := itoa(a.ids["observer"])
		path := "/admin/users/" + id + "/disable"
		again := confirmation(t, a.post(hq, path, url.Values{"version": {"1"}}), path, "حساب «observer» (فاطمه صادقی) غیرفعال شود؟")
		if countRows(`SELECT count(*) FROM users WHERE id = $1 AND disabled_at IS NULL`, id) != 1 {
			t.Fatal("asking disabled the user")
		}
		if res := a.post(hq, path, again); res.status != http.StatusSeeOther || countRows(`SELECT count(*) FROM users WHERE id = $1 AND disabled_at IS NOT NULL`, id) != 1 {
			t.Fatalf("confirmed disable: %d", res.status)
		}
	})
	t.Run("import", func(t *testing.T) {
		res := a.upload(gov, "نامزدها.csv", []byte(importHeader+"الف,ب,"+nid(61)+",female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\n"))
		m := confirmID.FindStringSubmatch(res.body)
		if m == nil {
			t.Fatalf("no preview:\n%s", res.body)
		}
		res = a.upload(gov, "", nil, "import", m[1])
		again := confirmation(t, res, "/candidates/import", "۱ داوطلب از فایل «نامزدها.csv» یکجا ثبت شوند؟")
		// The page posts the fields again as the preview did, as a file upload is read.
		mustContain(t, res.body, `action="/candidates/import" enctype="multipart/form-data"`)
		if countRows(`SELECT count(*) FROM candidates`) != 0 {
			t.Fatal("asking imported the file")
		}
		if res := a.upload(gov, "", nil, "import", again.Get("import"), "confirm", again.Get("confirm")); res.status != http.StatusSeeOther || countRows(`SELECT count(*) FROM candidates`) != 1 {
			t.Fatalf("confirmed import: %d\n%s", res.status, res.body)
		}
	})
	// The forms say the same where JavaScript asks.
	mustContain(t, a.get(hq, "/admin/users/"+itoa(a.ids["committee"])).body, `data-confirm="حساب «committee» (سارا جعفری) غیرفعال شود؟`,
		`data-confirm-yes="غیرفعال کردن حساب"`, `data-confirm-no="انصراف"`)
}

var onceField = regexp.MustCompile(`name="form_id" value="([0-9a-f]{32})"`)

// onceID is the one-time id of the first create form of a page.
func onceID(t *testing.T, body string) string {
	t.Helper()
	m := onceField.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page's form has no one-time id")
	}
	return m[1]
}

// The committees' create forms carry a one-time id: the same rendered form posted twice (a double click,
// even two posts at once) creates one record, and the second post goes to it saying so; a form drawn
// again is a new one. A question, an answer, a circular, a task and a session each.
func TestCreateFormsSentTwice(t *testing.T) {
	a := newTestApp(t)
	a.withLegal()
	a.s.now = func() time.Time { return trainingNow }
	gov, legal, committee := a.login("gov.marvdasht"), a.login("legal.fars"), a.login("committee")

	// The list drawn twice with no change between (the second served from the page cache): two tabs, two
	// forms, two ids.
	if one, two := onceID(t, a.get(gov, "/questions").body), onceID(t, a.get(gov, "/questions").body); one == two {
		t.Fatal("the page served again repeats its form's id")
	}
	ask := url.Values{"committee": {"legal"}, "title": {"پرسش دوبار"}, "body": {"متن"}, "form_id": {onceID(t, a.get(gov, "/questions").body)}}
	first := a.post(gov, "/questions", ask)
	second := a.post(gov, "/questions", ask)
	if first.status != http.StatusSeeOther || second.status != http.StatusSeeOther || !questionAddress.MatchString(first.header.Get("Location")) ||
		second.header.Get("Location") != first.header.Get("Location") {
		t.Fatalf("asked twice: %d %s, %d %s", first.status, first.header.Get("Location"), second.status, second.header.Get("Location"))
	}
	mustContain(t, a.get(gov, second.header.Get("Location")).body, "این فرم پیش‌تر فرستاده و ثبت شده بود")
	if n := a.count(`SELECT count(*) FROM questions`); n != 1 {
		t.Fatalf("%d questions from one form", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'question.ask'`); n != 1 {
		t.Fatalf("%d asks audited", n)
	}
	// Two posts at once of a form drawn anew: one question more, both sent to it.
	again := onceID(t, a.get(gov, "/questions").body)
	if again == ask.Get("form_id") {
		t.Fatal("a form drawn again has the same id")
	}
	ask.Set("form_id", again)
	locs := make(chan string, 2)
	for range 2 {
		go func() { locs <- a.post(gov, "/questions", ask).header.Get("Location") }()
	}
	if l1, l2 := <-locs, <-locs; l1 != l2 || !questionAddress.MatchString(l1) {
		t.Fatalf("two posts at once went to %q and %q", l1, l2)
	}
	if n := a.count(`SELECT count(*) FROM questions`); n != 2 {
		t.Fatalf("%d questions from two forms", n)
	}

	// An answer.
	q := strings.TrimPrefix(first.header.Get("Location"), "/questions/")
	answer := url.Values{"body": {"پاسخ"}, "form_id": {onceID(t, a.get(legal, "/questions/"+q).body)}}
	for range 2 {
		if res := a.post(legal, "/questions/"+q+"/answers", answer); res.status != http.StatusSeeOther || res.header.Get("Location") != "/questions/"+q {
			t.Fatalf("answered: %d %s", res.status, res.header.Get("Location"))
		}
	}
	if n := a.count(`SELECT count(*) FROM question_answers`); n != 1 {
		t.Fatalf("%d answers from one form", n)
	}

	// A circular, a task and a session.
	circular := guidanceFields("بخشنامه دوبار", "متن", "marvdasht")
	circular.Set("form_id", onceID(t, a.get(committee, "/guidance").body))
	g := a.newGuidance(committee, circular)
	if res := a.postMultipart(committee, "/guidance", circular); res.status != http.StatusSeeOther || res.header.Get("Location") != "/guidance/"+itoa(g) {
		t.Fatalf("the circular sent again: %d %s", res.status, res.header.Get("Location"))
	}
	task := url.Values{"title": {"کار دوبار"}, "due_date": {"۱۴۰۵/۰۹/۱۵"}, "audience": {"counties"}, "county": {"marvdasht"},
		"form_id": {onceID(t, a.get(committee, "/tasks").body)}}
	t1, t2 := a.post(committee, "/tasks", task), a.post(committee, "/tasks", task)
	if t1.status != http.StatusSeeOther || t2.header.Get("Location") != t1.header.Get("Location") {
		t.Fatalf("the task sent twice: %d %s, %s", t1.status, t1.header.Get("Location"), t2.header.Get("Location"))
	}
	session := sessionForm()
	session.Set("form_id", onceID(t, a.get(committee, "/trainings").body))
	path := a.schedule(committee, session)
	if again := a.schedule(committee, session); again != path {
		t.Fatalf("the session sent again went to %s, not %s", again, path)
	}
	for table, want := range map[string]int{"guidance": 1, "tasks": 1, "trainings": 1} {
		if n := a.count(`SELECT count(*) FROM ` + table); n != want {
			t.Errorf("%d %s from one form", n, table)
		}
	}
	// A form refused on a field comes back with its id, which then creates once.
	res := a.post(committee, "/tasks", url.Values{"title": {""}, "due_date": {"۱۴۰۵/۰۹/۱۵"}, "audience": {"counties"}, "county": {"marvdasht"},
		"form_id": {strings.Repeat("ab", 16)}})
	if res.status != http.StatusUnprocessableEntity || onceID(t, res.body) != strings.Repeat("ab", 16) {
		t.Fatalf("a refused task: %d", res.status)
	}
}

// TestRequireTextSeesNothing: a field that holds only spaces and joiners shows nothing, so it is missing;
// a joiner between letters is part of a Persian word and is kept.
func TestRequireTextSeesNothing(t *testing.T) {
	for _, c := range []struct {
		value   string
		missing bool
	}{
		{"\u200c", true},
		{"\u200d \u200c\n", true},
		{"می\u200cخواهم", false},
		{"a", false},
	} {
		f := components.NewForm()
		f.Values.Set("title", c.value)
		requireText(f, "title", 200, "err.required")
		if got := f.Errors["title"].Key == "err.required"; got != c.missing {
			t.Errorf("%q: missing %v, want %v", c.value, got, c.missing)
		}
	}
}
