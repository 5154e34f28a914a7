package server

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/browsertest"
)

// The calendar as a browser lays it out in Persian: right to left, Saturday in the first column (the
// rightmost) and Friday in the last, today marked, each day's milestones inside its cell; on a phone the
// grid fits the screen with each day's count, and the days with milestones are listed below it.
func TestBrowserTimelineCalendar(t *testing.T) {
	a := newTestApp(t)
	a.timelineFixture()
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.Visit(a.srv.URL + "/timeline/calendar")
	if b.Attr("html", "dir") != "rtl" || b.Attr("html", "lang") != "fa" {
		t.Fatal("the calendar is not Persian right to left")
	}
	type layout struct {
		Headings   []string  `json:"headings"`
		Spoken     []string  `json:"spoken"`
		Lefts      []float64 `json:"lefts"`
		Today      string    `json:"today"`
		TodayLeft  float64   `json:"todayLeft"`
		Items      int       `json:"items"`
		Overflow   int       `json:"overflow"`
		ListShown  bool      `json:"listShown"`
		CountShown bool      `json:"countShown"`
	}
	read := func() layout {
		t.Helper()
		l, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[layout](`(() => {
			const ths = [...document.querySelectorAll('table.cal thead th')];
			const visible = e => e.checkVisibility() && e.getBoundingClientRect().width > 1;
			const today = document.querySelector('table.cal td[aria-current="date"]');
			const cells = [...document.querySelectorAll('table.cal td')];
			return {
				headings: ths.map(th => [...th.children].filter(visible).map(e => e.textContent.trim()).join('')),
				spoken: ths.map(th => [...th.children].filter(e => e.checkVisibility() && e.getAttribute('aria-hidden') !== 'true').map(e => e.textContent.trim()).join('')),
				lefts: ths.map(th => th.getBoundingClientRect().left),
				today: today ? today.querySelector('.cal-num').textContent + ' ' + [...today.querySelectorAll('.cal-tag')].map(e => e.textContent).join(' ') : '',
				todayLeft: today ? today.getBoundingClientRect().left : -1,
				items: document.querySelectorAll('table.cal .cal-items li').length,
				overflow: cells.filter(td => td.scrollWidth > td.clientWidth + 1).length,
				listShown: visible(document.querySelector('.cal-days')),
				countShown: [...document.querySelectorAll('.cal-count')].some(visible),
			};
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	desk := read()
	want := []string{"شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه"}
	if strings.Join(desk.Headings, ",") != strings.Join(want, ",") {
		t.Errorf("the week's columns read %q", desk.Headings)
	}
	for i := 1; i < len(desk.Lefts); i++ {
		if desk.Lefts[i] >= desk.Lefts[i-1] {
			t.Errorf("column %d (%s) is not to the left of column %d: %v", i, desk.Headings[i], i-1, desk.Lefts)
		}
	}
	// Today, Thursday 5 Azar, is in the sixth column from the right.
	if desk.Today != "۵ امروز" || desk.TodayLeft < desk.Lefts[5]-1 || desk.TodayLeft > desk.Lefts[5]+1 {
		t.Errorf("today is %q at %v, the Thursday column at %v", desk.Today, desk.TodayLeft, desk.Lefts[5])
	}
	if desk.Items < 30 || desk.Overflow > 0 || desk.ListShown || desk.CountShown {
		t.Errorf("on a desktop: %d milestones in the grid, %d cells overflowing, list shown %v, counts shown %v",
			desk.Items, desk.Overflow, desk.ListShown, desk.CountShown)
	}

	for _, v := range []browsertest.Viewport{browsertest.Phone, browsertest.SmallPhone} {
		b.SetViewport(v)
		b.Visit(a.srv.URL + "/timeline/calendar")
		if page, screen := b.PageWidth(); page > screen {
			t.Errorf("%s: the calendar is %d px wide on a %d px screen", v, page, screen)
		}
		phone := read()
		if strings.Join(phone.Headings, "") != "شیدسچپج" || phone.Overflow > 0 || !phone.ListShown || !phone.CountShown {
			t.Errorf("%s: columns %q, %d cells overflowing, list shown %v, counts shown %v", v, phone.Headings, phone.Overflow,
				phone.ListShown, phone.CountShown)
		}
		// A screen reader still reads each column's heading as the day's full name.
		if strings.Join(phone.Spoken, ",") != strings.Join(want, ",") {
			t.Errorf("%s: the columns' headings are read as %q", v, phone.Spoken)
		}
		if got := b.Text(".cal-days li h3"); !strings.HasPrefix(got, "یکشنبه ۱ آذر") {
			t.Errorf("%s: the list of days starts with %q", v, got)
		}
	}
	b.SetViewport(browsertest.Desktop)
	b.Visit(a.srv.URL + "/lang/en?next=" + "/timeline/calendar")
	if b.Attr("html", "dir") != "ltr" || b.Text("#cal-month") != "November 2026" {
		t.Errorf("in English the calendar is %q, %q", b.Attr("html", "dir"), b.Text("#cal-month"))
	}
}

// The matrix as HQ sees it on a desktop and on a phone: on the phone the page keeps the screen's width
// and the table scrolls inside its box, the counties' names staying in sight.
func TestBrowserTimelineMatrix(t *testing.T) {
	a := newTestApp(t)
	a.timelineFixture()
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "hq.fars")
	type layout struct {
		Table    float64 `json:"table"`
		Wrap     float64 `json:"wrap"`
		Overdue  string  `json:"overdue"`
		Name     float64 `json:"name"`
		NameWrap float64 `json:"nameWrap"`
	}
	read := func() layout {
		t.Helper()
		l, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[layout](`(() => {
			const table = document.querySelector('table.tl-matrix'), wrap = table.closest('.table-wrap');
			wrap.scrollLeft = document.dir === 'rtl' ? -10000 : 10000; // scrolled to the table's far end
			const name = document.querySelector('#place-shiraz th');
			const w = wrap.getBoundingClientRect();
			return {table: table.scrollWidth, wrap: wrap.clientWidth,
				overdue: document.querySelector('#place-shiraz .tl-overdue').textContent,
				name: name.getBoundingClientRect().right, nameWrap: w.right};
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	for _, v := range []browsertest.Viewport{browsertest.Desktop, browsertest.Phone} {
		b.SetViewport(v)
		b.Visit(a.srv.URL + "/timeline/matrix")
		if page, screen := b.PageWidth(); page > screen {
			t.Errorf("%s: the matrix is %d px wide on a %d px screen", v, page, screen)
		}
		l := read()
		if l.Overdue != "از مهلت گذشته" {
			t.Errorf("%s: Shiraz's overdue cell reads %q", v, l.Overdue)
		}
		// Scrolled to the end, the counties' names still stand at the box's right edge.
		if v == browsertest.Phone && (l.Table <= l.Wrap || l.Name < l.NameWrap-2 || l.Name > l.NameWrap+2) {
			t.Errorf("on a phone the table is %v px in a box of %v, and the names end at %v of %v", l.Table, l.Wrap, l.Name, l.NameWrap)
		}
		b.Visit(a.srv.URL + "/timeline/matrix?county=marvdasht")
		if page, screen := b.PageWidth(); page > screen {
			t.Errorf("%s: the districts' matrix is %d px wide on a %d px screen", v, page, screen)
		}
	}
}

// The profile makes a calendar feed: the address shows in a read-only field with a button that copies it;
// afterwards the page says a feed exists, and a new address is asked first in a dialog. On a phone the
// page with the address keeps the screen's width.
func TestBrowserProfileFeed(t *testing.T) {
	a := newTestApp(t)
	a.timelineFixture()
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.Visit(a.srv.URL + "/profile")
	b.Run(chromedp.Click(chromedp.CSS(`#ics-form button`)), chromedp.WaitVisible(chromedp.ID("ics-url")))
	b.Check("feed-made")
	first := b.Attr("#ics-url", "value")
	readonly, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[bool](`document.getElementById('ics-url').readOnly`))
	if !strings.HasPrefix(first, a.srv.URL+"/timeline.ics?token=") || err != nil || !readonly {
		t.Fatalf("the feed's address %q", first)
	}
	// The test reads the clipboard back, which a page may do only when allowed.
	grant := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, name := range []string{"clipboard-read", "clipboard-write"} {
			if _, err := cdp.Call(ctx, tg, browser.SetPermission, browser.SetPermissionParams{
				Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSettingGranted}); err != nil {
				return err
			}
		}
		return nil
	})
	b.Run(grant, chromedp.Click(chromedp.CSS(`button[data-copy="ics-url"]`)), chromedp.WaitVisible(chromedp.CSS(".copy-status:not(:empty)")))
	if got := b.Text(".copy-status"); got != "نشانی رونوشت شد." {
		t.Errorf("after copying the page says %q", got)
	}
	copied, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if err != nil || copied != first {
		t.Errorf("the clipboard holds %q (%v), want %q", copied, err, first)
	}

	b.SetViewport(browsertest.Phone)
	b.Visit(a.srv.URL + "/profile")
	if !strings.Contains(b.Text("#ics"), "خوراک تقویم شما ساخته شده است") {
		t.Errorf("the profile's feed section reads %q", b.Text("#ics"))
	}
	b.Run(chromedp.Click(chromedp.CSS(`#ics-form button`)), chromedp.WaitVisible(chromedp.CSS("dialog.confirm-dialog")))
	b.Check("feed-confirm")
	b.Run(chromedp.Click(chromedp.CSS("dialog.confirm-dialog button:not(.secondary)")), chromedp.WaitVisible(chromedp.ID("ics-url")))
	b.Check("feed-new")
	if second := b.Attr("#ics-url", "value"); second == first || !strings.HasPrefix(second, a.srv.URL+"/timeline.ics?token=") {
		t.Errorf("the new address %q (the old %q)", second, first)
	}
	if page, screen := b.PageWidth(); page > screen {
		t.Errorf("the profile with the feed's address is %d px wide on a %d px phone", page, screen)
	}
	if res := a.get(a.client(), strings.TrimPrefix(first, a.srv.URL)); res.status != 404 {
		t.Errorf("the old address answers %d", res.status)
	}
}
