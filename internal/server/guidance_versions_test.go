package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/seed"
	"github.com/setad/setad/internal/store"
)

// A change of a circular posted without a version it can read (missing, empty, not a number, not
// positive, too big, a decimal) is refused like a stale one: 409 with what was typed kept, and nothing
// written.
func TestGuidanceVersionRequired(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	committee := a.login("committee")
	f := guidanceFields("عنوان", "متن", "marvdasht")
	f.Set("publish", "1")
	published := a.newGuidance(committee, f)
	draft := a.newGuidance(committee, guidanceFields("پیش‌نویس", "متن", "marvdasht"))
	version := func(id int64) int {
		return a.count(`SELECT version FROM guidance WHERE id = $1`, id)
	}
	pv, dv := version(published), version(draft)
	for _, v := range []string{"", "missing", "abc", "-1", "0", "99999999999999999999", "2.0", "2e0"} {
		edit := url.Values{"title": {"عنوان"}, "body": {"متن تایپ‌شده [" + v + "]"}}
		publish := url.Values{"confirm": {"yes"}}
		withdraw := url.Values{"reason": {"دلیل"}, "confirm": {"yes"}}
		if v != "missing" {
			edit.Set("version", v)
			publish.Set("version", v)
			withdraw.Set("version", v)
		}
		res := a.post(committee, "/guidance/"+itoa(published)+"/edit", edit)
		if res.status != http.StatusConflict {
			t.Errorf("edit with version %q: %d", v, res.status)
		}
		mustContain(t, res.body, "متن تایپ‌شده ["+v+"]")
		if res := a.post(committee, "/guidance/"+itoa(draft)+"/publish", publish); res.status != http.StatusConflict {
			t.Errorf("publish with version %q: %d", v, res.status)
		}
		if res := a.post(committee, "/guidance/"+itoa(published)+"/withdraw", withdraw); res.status != http.StatusConflict {
			t.Errorf("withdraw with version %q: %d", v, res.status)
		}
	}
	if got := version(published); got != pv {
		t.Errorf("the published circular went from version %d to %d", pv, got)
	}
	if got := version(draft); got != dv {
		t.Errorf("the draft went from version %d to %d", dv, got)
	}
	if n := a.count(`SELECT count(*) FROM guidance WHERE id = $1 AND status = 'draft'`, draft); n != 1 {
		t.Error("the draft was published without a version")
	}
}

var bodyError = regexp.MustCompile(`id="e-body"[^>]*>([^<]*)<`)

// A field of a multipart form over the reader's bound is reported too long, not missing: the new
// circular's body, and (and so a new session's title and place).
func TestUploadFormFieldTooLong(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	committee := a.login("committee")
	res := a.postMultipart(committee, "/guidance", guidanceFields("عنوان", strings.Repeat("a", 200_000), "marvdasht"))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a body of 200,000 bytes: %d", res.status)
	}
	if m := bodyError.FindStringSubmatch(res.body); m == nil || !strings.Contains(m[1], "حداکثر ۲۰٬۰۰۰ نویسه.") {
		t.Errorf("the body's error: %q", m)
	}
}

// A file added to a circular or a session that already has the most files is refused with its reason in
// sight, though the page no longer draws the form that adds files (a tab drawn before the last one).
func TestAttachmentOverTheMostShown(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	committee := a.login("committee")
	pdf := seed.DemoPDF()
	files := make([]filePart, store.MaxAttachments)
	for i := range files {
		files[i] = filePart{"attachment", "f" + strconv.Itoa(i) + ".pdf", "application/pdf", pdf}
	}
	more := filePart{"attachment", "more.pdf", "application/pdf", pdf}
	for _, page := range []string{
		"/guidance/" + itoa(a.newGuidance(committee, guidanceFields("عنوان", "متن", "marvdasht"), files...)),
		a.schedule(committee, sessionForm(), files...),
	} {
		if contains(a.get(committee, page).body, `id="attach-form"`) {
			t.Errorf("%s: the form that adds files, with %d files", page, store.MaxAttachments)
		}
		res := a.postMultipart(committee, page+"/attachments", nil, more)
		if res.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: an 11th file: %d", page, res.status)
		}
		mustContain(t, res.body, `role="alert"`, "حداکثر ۱۰ پیوست.")
	}
}

// A correction from a page drawn before another member's comes back with the author's text kept in the
// form and the circular's current text shown above it, in words that say so; a publish from a page drawn
// before the circular was published shows why it was refused, though the page has no publish form now.
func TestGuidanceStaleEditShowsCurrent(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	committee := a.login("committee")
	draft := a.newGuidance(committee, guidanceFields("عنوان", "متن نخست", "marvdasht"))
	page := "/guidance/" + itoa(draft)
	if res := a.post(committee, page+"/publish", url.Values{"version": {"1"}, "confirm": {"yes"}}); res.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", res.status)
	}
	if res := a.post(committee, page+"/edit", url.Values{"title": {"عنوان"}, "body": {"اصلاح همکار"}, "version": {"2"}}); res.status != http.StatusSeeOther {
		t.Fatalf("correct: %d", res.status)
	}
	res := a.post(committee, page+"/edit", url.Values{"title": {"عنوان"}, "body": {"اصلاح من"}, "version": {"2"}})
	if res.status != http.StatusConflict {
		t.Fatalf("a stale correction: %d", res.status)
	}
	mustContain(t, res.body, "متن شما در فرم زیر نگه داشته شده", "متن کنونی بخشنامه",
		`readonly rows="8">اصلاح همکار</textarea>`, ">اصلاح من</textarea>")
	mustNotContain(t, res.body, "مقادیر کنونی نمایش داده شده‌اند")

	res = a.post(committee, page+"/publish", url.Values{"version": {"1"}, "confirm": {"yes"}})
	if res.status != http.StatusConflict {
		t.Fatalf("publish again from the draft's page: %d", res.status)
	}
	mustContain(t, res.body, `id="refused"`, "این مورد را کاربر دیگری همین حالا تغییر داده است.")
}

// A task's due date and a session's date lie within two years of today (1405/09/05 here): the last day
// is taken, the day after and a date centuries ahead are refused with the last day named.
func TestDatesWithinTwoYears(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) } // 1405/09/05
	com := a.login("committee")
	task := func(due string) response {
		return a.post(com, "/tasks", url.Values{"title": {"کار"}, "due_date": {due}, "audience": {"counties"}, "county": {"marvdasht"}})
	}
	session := func(date string) response {
		f := sessionForm()
		f.Set("date", date)
		return a.postMultipart(com, "/trainings", f)
	}
	for _, due := range []string{"1407/09/06", "1500/01/01"} {
		res := task(due)
		if res.status != http.StatusUnprocessableEntity {
			t.Errorf("a task due %s: %d", due, res.status)
		}
		mustContain(t, res.body, "مهلت نمی‌تواند دیرتر از ۱۴۰۷/۰۹/۰۵ باشد.")
		res = session(due)
		if res.status != http.StatusUnprocessableEntity {
			t.Errorf("a session on %s: %d", due, res.status)
		}
		mustContain(t, res.body, "جلسه را برای روزی تا ۱۴۰۷/۰۹/۰۵ بگذارید.")
	}
	if res := task("1407/09/05"); res.status != http.StatusSeeOther {
		t.Errorf("a task due on the last day: %d", res.status)
	}
	if res := session("1407/09/05"); res.status != http.StatusSeeOther {
		t.Errorf("a session on the last day: %d", res.status)
	}
}
