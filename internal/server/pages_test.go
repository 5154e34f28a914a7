package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// hasNavigation fails the test unless body is a page framed for the signed-in HQ user: the header with her
// name, the log out and the navigation with its links.
func hasNavigation(t *testing.T, what, body string) {
	t.Helper()
	for _, want := range []string{"مریم کریمی", `action="/logout"`, `<nav aria-label="منوی اصلی">`, `href="/candidates"`, `href="/admin/users"`} {
		if !strings.Contains(body, want) {
			t.Errorf("%s: the page lacks %q: no header and navigation", what, want)
		}
	}
}

// Every error page keeps the signed-in user's header and navigation, whichever part of the server answers
// it: the router (404, 405), the middleware (400, 403 for a cross-origin post), the handlers (403, 409, 413,
// 422, 500) and a panic in a page (500).
func TestErrorPagesKeepNavigation(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	hq := a.login("hq.fars")
	user := "/admin/users/" + itoa(a.ids["gov.marvdasht"])
	big := url.Values{"current_password": {strings.Repeat("x", 2<<20)}}
	tests := []struct {
		name   string
		res    func() response
		status int
	}{
		{"bad text", func() response { return a.get(hq, "/counties?q=%00") }, http.StatusBadRequest},
		{"cross-origin post", func() response {
			return a.do(hq, http.MethodPost, "/admin/users", url.Values{}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
		}, http.StatusForbidden},
		{"role", func() response { return a.get(a.login("gov.marvdasht"), "/admin/users") }, http.StatusForbidden},
		{"missing page", func() response { return a.get(hq, "/no-such-page") }, http.StatusNotFound},
		{"method", func() response { return a.do(hq, http.MethodDelete, "/counties", nil) }, http.StatusMethodNotAllowed},
		{"post to a page", func() response { return a.post(hq, "/counties", url.Values{}) }, http.StatusMethodNotAllowed},
		{"stale version", func() response { return a.post(hq, user+"/disable", url.Values{"version": {"999"}}) }, http.StatusConflict},
		{"too large", func() response { return a.post(hq, "/profile/password", big) }, http.StatusRequestEntityTooLarge},
		{"form errors", func() response { return a.post(hq, "/admin/users", url.Values{"username": {"x"}}) }, http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		res := tt.res()
		if res.status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, res.status, tt.status)
			continue
		}
		if tt.name == "role" {
			if !strings.Contains(res.body, "علی رضایی") || !strings.Contains(res.body, `<nav aria-label="منوی اصلی">`) {
				t.Errorf("%s: the governor's 403 page has no header and navigation", tt.name)
			}
			continue
		}
		hasNavigation(t, tt.name, res.body)
	}

	// A page that fails (here its clock, the second time a request reads it: after the request's own
	// start) shows the 500 page with the navigation and the request id, never the panic.
	var calls atomic.Int32
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	a.s.now = func() time.Time {
		if calls.Add(1) == 2 {
			panic("the clock broke")
		}
		return now
	}
	res := a.get(hq, "/")
	if res.status != http.StatusInternalServerError {
		t.Fatalf("a panicking page: status %d", res.status)
	}
	hasNavigation(t, "panic", res.body)
	mustContain(t, res.body, res.header.Get("X-Request-Id"))
	mustNotContain(t, res.body, "the clock broke")
	a.s.now = func() time.Time { return now }

	// A failing database query (the audit log's table is gone) shows the same.
	if _, err := a.st.Pool().Exec(t.Context(), `ALTER TABLE audit_log RENAME TO audit_log_gone`); err != nil {
		t.Fatal(err)
	}
	res = a.get(hq, "/audit")
	if res.status != http.StatusInternalServerError {
		t.Fatalf("a failing query: status %d", res.status)
	}
	hasNavigation(t, "failing query", res.body)
}

// langLink is the href of the page's language switch.
var langLink = regexp.MustCompile(`<a class="lang" href="([^"]+)"`)

// After a form comes back with its errors, the page is at the address it was posted to, which only takes
// a POST. Its language link, and a reload from the address bar, lead to the form's page, never to "method
// not allowed".
func TestLanguageSwitchAfterFormError(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	hq, gov := a.login("hq.fars"), a.login("gov.marvdasht")
	board := a.boardID("marvdasht", "")
	tests := []struct {
		c          *http.Client
		post, page string
		form       url.Values
		postOnly   bool // the address has no page of its own: a GET of it goes to the form's page
	}{
		{hq, "/admin/users", "/admin/users/new", url.Values{"username": {"x"}}, false},
		{hq, "/candidates", "/candidates/new", url.Values{"full_name": {"x"}}, false},
		{gov, "/boards/" + board + "/members", "/boards/" + board, url.Values{"full_name": {"x"}}, true},
		{gov, "/boards/" + board + "/pool", "/boards/" + board, url.Values{"full_name": {"x"}}, true},
		{hq, "/profile/password", "/profile", url.Values{"current_password": {"wrong"}}, true},
		{hq, "/counties/marvdasht/sizes", "/counties/marvdasht", url.Values{"population_marvdasht": {"many"}}, true},
	}
	for _, tt := range tests {
		res := a.post(tt.c, tt.post, tt.form)
		if res.status != http.StatusUnprocessableEntity {
			t.Errorf("POST %s: status %d, want 422", tt.post, res.status)
			continue
		}
		m := langLink.FindStringSubmatch(res.body)
		if m == nil {
			t.Fatalf("POST %s: no language link", tt.post)
		}
		href := strings.ReplaceAll(m[1], "&amp;", "&")
		if want := "/lang/en?next=" + url.QueryEscape(tt.page); href != want {
			t.Errorf("POST %s: the language link is %s, want %s", tt.post, href, want)
		}
		sw := a.get(tt.c, href)
		if sw.status != http.StatusSeeOther || sw.header.Get("Location") != tt.page {
			t.Errorf("POST %s: the language switch answers %d to %q", tt.post, sw.status, sw.header.Get("Location"))
		}
		if page := a.get(tt.c, tt.page); page.status != http.StatusOK || !strings.Contains(page.body, `<html lang="en"`) {
			t.Errorf("GET %s: status %d, or not in English", tt.page, page.status)
		}
		// The address bar after the form came back: a GET of the POST's address.
		if reload := a.get(tt.c, tt.post); tt.postOnly && (reload.status != http.StatusSeeOther || reload.header.Get("Location") != tt.page) {
			t.Errorf("GET %s: %d to %q, want the form's page %s", tt.post, reload.status, reload.header.Get("Location"), tt.page)
		}
		a.get(tt.c, "/lang/fa?next=/")
	}
	// HEAD is refused where GET is not routed, and never sent round in a circle.
	if res := a.do(hq, http.MethodHead, "/counties", nil); res.status != http.StatusMethodNotAllowed {
		t.Errorf("HEAD /counties: %d %q", res.status, res.header.Get("Location"))
	}
	// A language link that names an address taking only a POST (an old link, a page from before) goes to
	// its page too; pages that a GET opens keep their query.
	for next, want := range map[string]string{
		"/boards/" + board + "/members/12/delete": "/boards/" + board + "/members/12",
		"/candidates/rules/councils":              "/candidates/rules",
		"/logout":                                 "/",
		"/candidates?q=x&page=2":                  "/candidates?q=x&page=2",
		"/no-such-page":                           "/",
	} {
		res := a.get(hq, "/lang/en?next="+url.QueryEscape(next))
		if got := res.header.Get("Location"); res.status != http.StatusSeeOther || got != want {
			t.Errorf("language switch from %s: %d to %q, want %q", next, res.status, got, want)
		}
	}
}
