package server

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/browsertest"
)

// HQ defines a daily check with two items; Marvdasht's governor, on a 390 px phone, finds it to file
// today on his readiness page, answers one item done and the other not done with a note, and files it;
// the page then shows it filed, and HQ's list counts it. Each step passes the accessibility check and
// leaves a screenshot.
func TestBrowserReadinessFiling(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return trainingNow } // 1405/09/05
	a.withElection()
	id := a.defineCheck(a.login("hq.fars"), url.Values{"title": {"کاربران آموزش دیدند"}, "items": {"کاربران تازه آموزش دیدند\nراهنمای سامانه در دسترس است"},
		"cadence": {"daily"}, "starts_on": {"۱۴۰۵/۰۹/۰۱"}, "ends_on": {"۱۴۰۵/۰۹/۲۰"}})
	var items []int64
	rows, err := a.st.Pool().Query(t.Context(), `SELECT id FROM readiness_items WHERE check_id = $1 ORDER BY position`, id)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var item int64
		if err := rows.Scan(&item); err != nil {
			t.Fatal(err)
		}
		items = append(items, item)
	}
	field := func(name string, item int64) string {
		n := strconv.FormatInt(item, 10)
		return "f-" + n + "-" + name + "_" + n
	}
	due := "#due-" + strconv.FormatInt(id, 10)

	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.SetViewport(browsertest.Phone)
	b.Visit(a.srv.URL + "/readiness")
	b.Check("to-file")
	if got := b.Text(due + " .badge"); got != "ثبت نشده" {
		t.Fatalf("today's check says %q", got)
	}
	b.Run(chromedp.Click(chromedp.CSS(due + " a")))
	b.Run(chromedp.WaitVisible(chromedp.ID("file-form")))
	if got := b.Location(); !strings.HasSuffix(got, "/readiness/"+strconv.FormatInt(id, 10)+"/file?day=2026-11-26") {
		t.Fatalf("the link goes to %s", got)
	}
	// Sent with an item unanswered, the form comes back with its message and the note typed.
	b.Run(
		chromedp.SetValue(chromedp.ID(field("ok", items[0])), "yes"),
		chromedp.SendKeys(chromedp.ID(field("note", items[1])), "دو کاربر هنوز آموزش ندیدند."),
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('#file-form [required]').forEach(e => e.removeAttribute('required'))`),
	)
	submit(b, `#file-form button[type="submit"]`)
	b.Check("unanswered")
	if got := b.Text("#file-form .error-summary"); !strings.Contains(got, "انجام شد یا نشد را برگزینید.") || !strings.Contains(got, "برای «") {
		t.Errorf("the summary says %q", got)
	}
	b.Run(chromedp.SetValue(chromedp.ID(field("ok", items[1])), "no"))
	submit(b, `#file-form button[type="submit"]`)
	b.Check("filed")
	if got := b.Text("main .alert-ok"); got != "بررسی برای این روز ثبت شد." {
		t.Fatalf("after filing, the page says %q", got)
	}
	if page, screen := b.PageWidth(); page > screen {
		t.Errorf("the filing form is %d px wide on a %d px phone", page, screen)
	}
	var ok []bool
	var notes []string
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT array_agg(a.ok ORDER BY i.position), array_agg(a.note ORDER BY i.position)
		FROM readiness_answers a JOIN readiness_items i ON i.id = a.item_id WHERE a.check_id = $1`, id).Scan(&ok, &notes); err != nil {
		t.Fatal(err)
	}
	if len(ok) != 2 || !ok[0] || ok[1] || notes[1] != "دو کاربر هنوز آموزش ندیدند." {
		t.Fatalf("the answers filed: %v %q", ok, notes)
	}
	b.Visit(a.srv.URL + "/readiness")
	if got := b.Text(due + " .badge"); got != "ثبت شد" {
		t.Errorf("after filing, today's check says %q", got)
	}
	b.Check("listed")
	b.SetViewport(browsertest.Desktop)
	logout(b)

	loginAs(b, a.srv.URL, "hq.fars")
	b.Visit(a.srv.URL + "/readiness")
	b.Check("hq-list")
	if got := b.Text("#check-" + strconv.FormatInt(id, 10) + " .filed-count"); !strings.HasPrefix(got, "۱ ثبت از") {
		t.Errorf("HQ's list says %q", got)
	}
}
