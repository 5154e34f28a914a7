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

// On the narrowest phone (360 px) the lists of copies stand each copy in a card: its status is on the
// screen without scrolling sideways, and its due date is not broken across lines, in both languages. A
// district head's list has no column of places, all his copies being his district's.
func TestBrowserTaskListOnPhones(t *testing.T) {
	a := newTestApp(t)
	a.withDemo()
	for _, user := range []string{"gov.marvdasht", "dh.marvdasht"} {
		for _, lang := range []string{"fa", "en"} {
			t.Run(user+"/"+lang, func(t *testing.T) {
				b := browsertest.New(t)
				loginAs(b, a.srv.URL, user)
				b.Run(chromedp.Navigate(a.srv.URL + "/lang/" + lang + "?next=/"))
				b.SetViewport(browsertest.SmallPhone)
				b.Visit(a.srv.URL + "/tasks")
				bad, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[[]string](`(() => {
					const out = [], w = document.documentElement.clientWidth;
					const rows = document.querySelectorAll('table.tasks tbody tr');
					if (rows.length === 0) out.push('no copies listed');
					for (const tr of rows) {
						const s = tr.querySelector('td:last-child .badge').getBoundingClientRect();
						if (s.left < 0 || s.right > w) out.push('status at ' + Math.round(s.left) + '..' + Math.round(s.right) + ' of ' + w);
						const d = tr.querySelector('time');
						if (d.getClientRects().length > 1 || d.getBoundingClientRect().height > 40) out.push('date ' + JSON.stringify(d.textContent) + ' broken');
					}
					return out.slice(0, 5);
				})()`))
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range bad {
					t.Error(s)
				}
				places, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[int](`document.querySelectorAll('table.tasks th[scope=col]').length`))
				if err != nil {
					t.Fatal(err)
				}
				if want := map[string]int{"gov.marvdasht": 4, "dh.marvdasht": 3}[user]; places != want {
					t.Errorf("the list has %d columns, want %d", places, want)
				}
			})
		}
	}
}

// A numbered list counts in Persian digits on a Persian page and in decimal ones on an English page; the
// file field of a circular's form is a finger's size on a phone; the audience's counties show only when
// they are to be chosen.
func TestBrowserCommitteeFormsOnPhones(t *testing.T) {
	a := newTestApp(t)
	a.withDemo()
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "committee")
	b.SetViewport(browsertest.Phone)
	for lang, want := range map[string]string{"fa": "persian", "en": "decimal"} {
		b.Run(chromedp.Navigate(a.srv.URL + "/lang/" + lang + "?next=/"))
		b.Visit(a.srv.URL + "/guidance")
		got, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[string](`(() => {
			const ol = document.createElement('ol'); document.querySelector('main').append(ol);
			return getComputedStyle(ol).listStyleType; })()`))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: a numbered list counts in %q, want %q", lang, got, want)
		}
		h, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[float64](`document.querySelector('input[type=file]').getBoundingClientRect().height`))
		if err != nil {
			t.Fatal(err)
		}
		if h < 43.5 {
			t.Errorf("%s: the file field is %.0f px high", lang, h)
		}
		// The counties are listed only once "chosen counties" is picked, without JavaScript.
		counties := func() bool {
			v, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[bool](`document.querySelector('.audience-counties').checkVisibility()`))
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if counties() {
			t.Errorf("%s: the counties are listed with the whole province chosen", lang)
		}
		b.Run(chromedp.Click(chromedp.CSS(`input[name="audience"][value="counties"]`)))
		if !counties() {
			t.Errorf("%s: the counties are hidden with chosen counties picked", lang)
		}
	}
}
