package server

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/browsertest"
)

// A governor marks a milestone done with a note through the real form, lands back on it with the message,
// and takes the mark back with a reason from the folded form; at desktop size and on a 390 px phone, where
// the page fits the screen. Each step passes the accessibility check and leaves a screenshot.
func TestBrowserTimelineMark(t *testing.T) {
	a := newTestApp(t)
	a.withTimeline()
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "gov.marvdasht")
	for _, tt := range []struct {
		viewport browsertest.Viewport
		code     string
	}{
		{browsertest.Desktop, "boards-county"},
		{browsertest.Phone, "registration-city"},
	} {
		b.SetViewport(tt.viewport)
		id := "ms-" + ms(a.milestoneID(tt.code)) + "-c-marvdasht"
		b.Visit(a.srv.URL + "/timeline")
		if page, screen := b.PageWidth(); page > screen {
			t.Errorf("%s: the timeline is %d px wide on a %d px screen", tt.viewport, page, screen)
		}
		if got := b.Text("#" + id + " .badge"); got != "از مهلت گذشته" {
			t.Errorf("%s: the milestone's status says %q", tt.viewport, got)
		}
		b.Run(chromedp.SendKeys(chromedp.ID("f-"+id+"-note"), "صورتجلسه ارسال شد"))
		submit(b, "#done-"+id+` button[type="submit"]`)
		seen, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[bool](`(() => { const r = document.getElementById('`+id+`').getBoundingClientRect();
			return r.top >= -1 && r.top < window.innerHeight; })()`))
		if err != nil || !seen {
			t.Errorf("%s: the page did not land on the milestone marked (%v)", tt.viewport, err)
		}
		b.Check("marked-" + tt.code)
		if got := b.Location(); got != a.srv.URL+"/timeline#"+id {
			t.Errorf("%s: after marking, the browser is at %s", tt.viewport, got)
		}
		if got := b.Text("#" + id + " .alert-ok"); got != "انجام آن ثبت شد." {
			t.Errorf("%s: the milestone says %q", tt.viewport, got)
		}
		if got := b.Text("#" + id + " .badge"); got != "انجام شد" {
			t.Errorf("%s: after marking, the status says %q", tt.viewport, got)
		}
		if mark := b.Text("#" + id + " .tl-mark"); !strings.Contains(mark, "علی رضایی") || !strings.Contains(mark, "صورتجلسه ارسال شد") {
			t.Errorf("%s: the mark says %q", tt.viewport, mark)
		}

		b.Run(chromedp.Click(chromedp.CSS("#"+id+" .tl-undo > summary")), chromedp.WaitVisible(chromedp.ID("f-"+id+"-reason")),
			chromedp.SendKeys(chromedp.ID("f-"+id+"-reason"), "صورتجلسه امضا نشده بود"))
		b.Check("undo-open-" + tt.code)
		submit(b, "#undo-"+id+` button[type="submit"]`)
		b.Check("undone-" + tt.code)
		if got := b.Text("#" + id + " .alert-ok"); got != "ثبت انجام لغو شد." {
			t.Errorf("%s: after the undoing the milestone says %q", tt.viewport, got)
		}
		if got := b.Text("#" + id + " .badge"); got != "از مهلت گذشته" {
			t.Errorf("%s: after the undoing the status says %q", tt.viewport, got)
		}
		if page, screen := b.PageWidth(); page > screen {
			t.Errorf("%s: the timeline is %d px wide on a %d px screen", tt.viewport, page, screen)
		}
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action IN ('milestone.done', 'milestone.undone') AND actor_id = $1`,
		a.ids["gov.marvdasht"]); n != 4 {
		t.Errorf("%d audit rows of the marks, want 4", n)
	}
}
