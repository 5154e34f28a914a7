package server

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/browsertest"
)

// The Marvdasht governor reports a critical incident of the counting system on a phone, through the real
// form, with the central district affected; the technology committee's member, on a desktop, takes it up
// and resolves it; the governor, on the phone again, reads it resolved. Every page passes the
// accessibility check, leaves a screenshot and fits its screen.
func TestBrowserIncidentFlow(t *testing.T) {
	a := newTestApp(t)
	b := browsertest.New(t)
	fits := func(what string) {
		t.Helper()
		if page, screen := b.PageWidth(); page > screen {
			t.Errorf("%s is %d px wide on a %d px screen", what, page, screen)
		}
	}

	b.SetViewport(browsertest.Phone)
	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.Visit(a.srv.URL + "/incidents")
	b.Run(chromedp.Click(chromedp.CSS(`a[href="/incidents/new"]`)), chromedp.WaitVisible(chromedp.ID("report")))
	b.Run(
		chromedp.SetValue(chromedp.ID("f-system"), "counting"),
		chromedp.SendKeys(chromedp.ID("f-title"), "توقف سامانه شمارش"),
		chromedp.SendKeys(chromedp.ID("f-body"), "ثبت نتیجه صندوقها انجام نمیشود.\nپیام: خطای ارتباط"),
		chromedp.SetValue(chromedp.ID("f-severity"), "critical"),
		chromedp.SendKeys(chromedp.ID("f-since"), sinceNow()),
		chromedp.Click(chromedp.CSS(`input[name="district"][value="marvdasht-central"]`)),
	)
	b.Check("incident-report-filled")
	fits("the report form")
	submit(b, `#report button[type="submit"]`)
	b.Check("incident-reported")
	incident := b.Location()
	if !strings.HasPrefix(incident, a.srv.URL+"/incidents/") {
		t.Fatalf("after reporting, the browser is at %s", incident)
	}
	if got := b.Text(".alert-ok"); got != "حادثه گزارش شد و کمیته مسئول باخبر شد." {
		t.Errorf("after reporting the page says %q", got)
	}
	if got := b.Text(".q-body"); got != "ثبت نتیجه صندوقها انجام نمیشود.\nپیام: خطای ارتباط" {
		t.Errorf("the incident reads %q", got)
	}
	fits("the incident")
	b.Run(chromedp.Click(chromedp.CSS(`details.menu > summary`))) // the phone's menu holds the sign-out
	logout(b)

	b.SetViewport(browsertest.Desktop)
	loginAs(b, a.srv.URL, "committee")
	if got := b.Text(".inbox-count"); got != "۲" {
		t.Errorf("the committee member's unread count is %q, want the new and the critical notices", got)
	}
	b.Visit(incident)
	submit(b, `form[action$="/acknowledge"] button[type="submit"]`)
	b.Check("incident-acknowledged")
	if got := b.Text(".alert-ok"); got != "رسیدگی به حادثه آغاز شد." {
		t.Errorf("after acknowledging the page says %q", got)
	}
	b.Run(chromedp.SendKeys(chromedp.ID("f-resolution"), "سرور شمارش دوباره راه‌اندازی شد."))
	submit(b, `#resolve button[type="submit"]`)
	b.Check("incident-resolved")
	if got := b.Text(".alert-ok"); got != "برطرف شدن حادثه ثبت شد." {
		t.Errorf("after resolving the page says %q", got)
	}
	logout(b)

	b.SetViewport(browsertest.Phone)
	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.Visit(incident)
	b.Check("incident-resolved-governor")
	fits("the resolved incident")
	if got := b.Text("main .badge-ok"); got != "برطرف شد" {
		t.Errorf("the governor reads the state %q", got)
	}
	if got := b.Text(".incident-thread li:last-child strong"); got != "برطرف شد" {
		t.Errorf("the thread ends with %q", got)
	}
}
