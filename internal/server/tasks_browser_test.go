package server

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/browsertest"
)

// A committee member assigns a task to Marvdasht with its districts through the real form; the Marvdasht
// governor, on a 390 px phone, sees it on his home page, moves his copy to in progress and then to done
// with a note; the committee sees the progress and the note, at desktop size and on the phone. Each step
// passes the accessibility check and leaves a screenshot.
func TestBrowserTaskFlow(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return taskNow }
	b := browsertest.New(t)

	loginAs(b, a.srv.URL, "committee")
	b.SetViewport(browsertest.Desktop)
	b.Visit(a.srv.URL + "/tasks")
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-title"), "آزمایش سامانه ثبت‌نام"),
		chromedp.SendKeys(chromedp.ID("f-body"), "اتصال همه رایانه‌ها را بیازمایید."),
		chromedp.SendKeys(chromedp.ID("f-due_date"), "۱۴۰۵/۰۹/۱۵"),
		chromedp.Click(chromedp.CSS(`input[name="audience"][value="counties"]`)),
		chromedp.Click(chromedp.CSS(`input[name="county"][value="marvdasht"]`)),
		chromedp.Click(chromedp.CSS(`input[name="include_districts"]`)),
	)
	b.Check("assign-filled")
	submit(b, `#assign-form button[type="submit"]`)
	b.Check("assigned")
	if got := b.Text("main .alert-ok"); got != "کار واگذار شد و به گیرندگان اعلان شد." {
		t.Fatalf("after assigning, the page says %q", got)
	}
	taskPath := strings.TrimPrefix(b.Location(), a.srv.URL)
	id, err := strconv.ParseInt(strings.TrimPrefix(taskPath, "/tasks/"), 10, 64)
	if err != nil {
		t.Fatalf("after assigning, the browser is at %s", b.Location())
	}
	copyID := a.copyID(id, "marvdasht", "")
	row := "#copy-" + strconv.FormatInt(copyID, 10)
	if got := b.Text(row + " .badge"); got != "باز" {
		t.Errorf("the county's copy says %q", got)
	}
	logout(b)

	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.SetViewport(browsertest.Phone)
	b.Visit(a.srv.URL + "/")
	if got := b.Text("#tasks-home-h"); got != "کارهای شما" {
		t.Errorf("the governor's home page has %q", got)
	}
	b.Visit(a.srv.URL + taskPath)
	form := "status-" + strconv.FormatInt(copyID, 10)
	for i, step := range []struct{ status, note, says string }{
		{"in_progress", "", "در دست انجام"},
		{"done", "همه دستگاه ها وصل شدند.", "انجام شد"},
	} {
		b.Run(chromedp.SetValue(chromedp.ID("f-"+form+"-status"), step.status))
		if step.note != "" {
			b.Run(chromedp.SendKeys(chromedp.ID("f-"+form+"-note"), step.note))
		}
		submit(b, "#"+form+` button[type="submit"]`)
		b.Check("moved-" + step.status)
		if got := b.Text("#" + form + " .alert-ok"); got != "وضعیت ثبت شد." {
			t.Errorf("step %d: the form says %q", i, got)
		}
		if got := b.Text(row + " .tl-head .badge"); !strings.HasPrefix(got, step.says) {
			t.Errorf("step %d: the copy says %q", i, got)
		}
		if page, screen := b.PageWidth(); page > screen {
			t.Errorf("step %d: the task is %d px wide on a %d px phone", i, page, screen)
		}
	}
	if got := b.Text(row + " .tl-mark"); !strings.Contains(got, "همه دستگاه ها وصل شدند.") || !strings.Contains(got, "علی رضایی") {
		t.Errorf("the copy's last change says %q", got)
	}
	b.SetViewport(browsertest.Desktop) // where the header shows its log out
	logout(b)

	loginAs(b, a.srv.URL, "committee")
	for _, v := range []browsertest.Viewport{browsertest.Desktop, browsertest.Phone} {
		b.SetViewport(v)
		b.Visit(a.srv.URL + taskPath)
		if got := b.Text(row + " .tl-mark"); !strings.Contains(got, "همه دستگاه ها وصل شدند.") {
			t.Errorf("%s: the committee reads %q", v, got)
		}
		b.Run(chromedp.Click(chromedp.CSS(row + " .task-history > summary")))
		b.Check("history-open")
		if got := b.Text(row + " .task-history ol"); !strings.Contains(got, "در دست انجام") || !strings.Contains(got, "انجام شد") {
			t.Errorf("%s: the history says %q", v, got)
		}
		b.Visit(a.srv.URL + "/tasks")
		if got := b.Text("table.tasks .task-progress"); got != "۱ از ۶ انجام شد" {
			t.Errorf("%s: the list's progress says %q", v, got)
		}
		if page, screen := b.PageWidth(); page > screen {
			t.Errorf("%s: the list is %d px wide on a %d px screen", v, page, screen)
		}
	}
}
