package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// endSessions makes every session end, as the idle timeout would.
func (a *testApp) endSessions() {
	a.t.Helper()
	if _, err := a.st.Pool().Exec(a.t.Context(), `UPDATE sessions SET last_seen = now() - interval '40 minutes'`); err != nil {
		a.t.Fatal(err)
	}
}

// keptMember is a member form as the board page posts it.
func keptMember(board string) url.Values {
	f := member("نرگس کاظمی", nid(301), "trusted", "")
	f.Set("notes", "از شورای محله")
	f.Set("form_page", "/boards/"+board)
	return f
}

// A form posted after the session ended is kept for its user: the login page says so, and after he signs
// in again he lands on the form's page with what he typed, and nothing is applied until he submits it.
func TestKeptFormAcrossLogin(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	board := a.boardID("marvdasht", "")
	gov := a.login("gov.marvdasht")
	mustContain(t, a.get(gov, "/boards/"+board).body, `name="form_page" value="/boards/`+board+`"`)
	a.endSessions()

	res := a.post(gov, "/boards/"+board+"/members", keptMember(board))
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/login?next=%2Fboards%2F"+board {
		t.Fatalf("posted after the session ended: %d %q", res.status, res.header.Get("Location"))
	}
	if n := a.count(`SELECT count(*) FROM pending_forms WHERE user_id = $1`, a.ids["gov.marvdasht"]); n != 1 {
		t.Fatalf("%d forms kept for the governor", n)
	}
	mustContain(t, a.get(gov, "/login?next=%2Fboards%2F"+board).body, "آنچه در فرم نوشته بودید نگه داشته شده است")

	res = a.post(gov, "/login", url.Values{"username": {"gov.marvdasht"}, "password": {testPassword}, "next": {"/boards/" + board}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/boards/"+board {
		t.Fatalf("login: %d %q", res.status, res.header.Get("Location"))
	}
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		switch c.Name {
		case keptFormCookie:
			if c.MaxAge >= 0 {
				t.Error("the kept form's cookie outlives the login")
			}
		case "setad_session":
			// The browser must still send it after the idle timeout, to tell whose form it posts.
			if c.MaxAge != 0 || !c.Expires.IsZero() {
				t.Errorf("the session cookie expires in the browser: %s", c.String())
			}
		}
	}
	page := a.get(gov, "/boards/"+board)
	mustContain(t, page.body, "بازگردانده شد", `value="نرگس کاظمی"`, `value="`+nid(301)+`"`, `<option value="trusted" selected>`,
		"از شورای محله</textarea>")
	if n := a.count(`SELECT count(*) FROM board_members WHERE national_id = $1`, nid(301)); n != 0 {
		t.Fatal("the kept form was applied before its user submitted it")
	}
	if n := a.count(`SELECT count(*) FROM pending_forms`); n != 0 {
		t.Fatal("the form is still kept after it was shown")
	}
	// Shown once: the next visit is the plain page.
	mustNotContain(t, a.get(gov, "/boards/"+board).body, "بازگردانده شد", `value="نرگس کاظمی"`)
	// He submits it, through the normal protection.
	if res := a.post(gov, "/boards/"+board+"/members", keptMember(board)); res.status != http.StatusSeeOther {
		t.Fatalf("submitting the restored form: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM board_members WHERE national_id = $1`, nid(301)); n != 1 {
		t.Fatal("the restored form, submitted, added no member")
	}
}

// Another user signing in on the same browser never sees the kept form, and it is discarded.
func TestKeptFormOnlyForItsUser(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	board := a.boardID("marvdasht", "")
	browser := a.login("gov.marvdasht")
	a.endSessions()
	if res := a.post(browser, "/boards/"+board+"/members", keptMember(board)); res.status != http.StatusSeeOther {
		t.Fatalf("post: %d", res.status)
	}
	res := a.post(browser, "/login", url.Values{"username": {"hq.fars"}, "password": {testPassword}, "next": {"/boards/" + board}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("HQ's login: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM pending_forms`); n != 0 {
		t.Fatal("another user's sign-in did not discard the kept form")
	}
	mustNotContain(t, a.get(browser, "/boards/"+board).body, "بازگردانده شد", "نرگس کاظمی", "از شورای محله")
	// The governor, signing in afterwards on that browser, finds nothing either: it is gone.
	a.post(browser, "/logout", url.Values{})
	a.post(browser, "/login", url.Values{"username": {"gov.marvdasht"}, "password": {testPassword}})
	mustNotContain(t, a.get(browser, "/boards/"+board).body, "بازگردانده شد", "نرگس کاظمی")
	if n := a.count(`SELECT count(*) FROM board_members`); n != 0 {
		t.Fatal("a kept form was applied")
	}
}

// What cannot be kept is said on the login page: a file upload; a post whose session was ended by a
// logout (destroyed, it names no one); a form of no page. Passwords are never stored.
func TestKeptFormLimits(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	board := a.boardID("marvdasht", "")

	gov := a.login("gov.marvdasht")
	a.endSessions()
	res := a.upload(gov, "c.csv", []byte(importHeader))
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/login") {
		t.Fatalf("an upload after the session ended: %d %q", res.status, res.header.Get("Location"))
	}
	mustContain(t, a.get(gov, "/login").body, "فایل را دوباره انتخاب کنید")

	loggedOut := a.login("gov.marvdasht")
	a.post(loggedOut, "/logout", url.Values{})
	a.post(loggedOut, "/boards/"+board+"/members", keptMember(board))
	mustContain(t, a.get(loggedOut, "/login").body, "آنچه فرستادید ثبت نشد")

	stranger := a.client()
	a.post(stranger, "/boards/"+board+"/members", keptMember(board))
	mustContain(t, a.get(stranger, "/login").body, "آنچه فرستادید ثبت نشد")

	noPage := a.login("gov.marvdasht")
	a.endSessions()
	f := keptMember(board)
	f.Del("form_page")
	a.post(noPage, "/boards/"+board+"/members", f)
	if n := a.count(`SELECT count(*) FROM pending_forms`); n != 0 {
		t.Fatalf("%d forms kept that could not be brought back", n)
	}

	hq := a.login("hq.fars")
	a.endSessions()
	a.post(hq, "/admin/users", url.Values{"username": {"gov.beyza"}, "full_name": {"رضا احمدی"}, "role": {"governor"},
		"county": {"beyza"}, "password": {"long-password-1"}, "form_page": {"/admin/users/new"}})
	if n := a.count(`SELECT count(*) FROM pending_forms WHERE form_values ? 'username'`); n != 1 {
		t.Fatal("the new-user form was not kept")
	}
	if n := a.count(`SELECT count(*) FROM pending_forms WHERE form_values::text LIKE '%long-password-1%' OR form_values ? 'password'`); n != 0 {
		t.Fatal("a password was stored with a kept form")
	}
}

// A form restored after a login carries the version it was typed on: a change made meanwhile by someone
// else is not overwritten by submitting it, but refused as a conflict.
func TestKeptFormKeepsItsVersion(t *testing.T) {
	a := newTestApp(t)
	hq, colleague := a.login("hq.fars"), a.login("hq.fars")
	mustContain(t, a.get(hq, "/counties/marvdasht").body, `name="version" value="1"`)
	a.endSessions()
	typed := url.Values{"version": {"1"}, "population_marvdasht": {"9000"}, "form_page": {"/counties/marvdasht"}}
	if res := a.post(hq, "/counties/marvdasht/sizes", typed); res.status != http.StatusSeeOther ||
		a.count(`SELECT count(*) FROM pending_forms`) != 1 {
		t.Fatalf("posted after the session ended: %d", res.status)
	}
	colleague = a.login("hq.fars")
	if res := a.post(colleague, "/counties/marvdasht/sizes", url.Values{"version": {"1"}, "population_marvdasht": {"15000"}}); res.status != http.StatusSeeOther {
		t.Fatalf("a colleague's save: %d", res.status)
	}
	a.post(hq, "/login", url.Values{"username": {"hq.fars"}, "password": {testPassword}, "next": {"/counties/marvdasht"}})
	page := a.get(hq, "/counties/marvdasht")
	mustContain(t, page.body, "بازگردانده شد", `value="9000"`, `name="version" value="1"`)
	mustNotContain(t, page.body, `name="version" value="2"`)
	typed.Del("form_page")
	if res := a.post(hq, "/counties/marvdasht/sizes", typed); res.status != http.StatusConflict {
		t.Fatalf("the restored form, submitted over a colleague's save: %d", res.status)
	}
	if n := a.count(`SELECT population FROM cities WHERE code = 'marvdasht'`); n != 15000 {
		t.Fatalf("population %d: the colleague's save was overwritten", n)
	}
}

// A form is kept within a form's body limit, also at an import's address, whose own limit is larger.
func TestKeptFormWithinAFormsLimit(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	board := a.boardID("marvdasht", "")
	gov := a.login("gov.marvdasht")
	a.get(gov, "/boards/"+board)
	a.endSessions()
	big := url.Values{"form_page": {"/boards/" + board}, "x": {strings.Repeat("A", 2<<20)}}
	a.post(gov, "/boards/"+board+"/pool/import", big)
	if n := a.count(`SELECT count(*) FROM pending_forms`); n != 0 {
		t.Fatalf("a 2 MB form was kept (%d rows)", n)
	}
}
