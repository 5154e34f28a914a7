package server

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/browsertest"
)

// The Marvdasht governor asks the legal committee a question through the real form; the committee's
// member answers it; the governor accepts the answer; HQ publishes it; the FAQ's search for «علي» (Arabic
// yeh) finds it. On a desktop screen, and the question and the FAQ on a 390 px phone, where they fit the
// screen. Every page passes the accessibility check and leaves a screenshot.
func TestBrowserQuestionFlow(t *testing.T) {
	a := newTestApp(t)
	a.withLegal()
	b := browsertest.New(t)
	b.SetViewport(browsertest.Desktop)

	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.Visit(a.srv.URL + "/questions")
	b.Run(
		chromedp.SetValue(chromedp.ID("f-committee"), "legal"),
		chromedp.SendKeys(chromedp.ID("f-title"), "عضویت علی در هیئت اجرایی"),
		chromedp.SendKeys(chromedp.ID("f-body"), "آیا کارمند شهرداری میتواند معتمد باشد؟\nاو داوطلب نیست."),
	)
	b.Check("ask-filled")
	submit(b, `#ask button[type="submit"]`)
	b.Check("asked")
	question := b.Location()
	if !strings.HasPrefix(question, a.srv.URL+"/questions/") {
		t.Fatalf("after asking, the browser is at %s", question)
	}
	if got := b.Text(".alert-ok"); got != "پرسش فرستاده شد و اعضای کمیته باخبر شدند." {
		t.Errorf("after asking the page says %q", got)
	}
	if got := b.Text(".q-body"); got != "آیا کارمند شهرداری میتواند معتمد باشد؟\nاو داوطلب نیست." {
		t.Errorf("the question reads %q", got)
	}
	logout(b)

	loginAs(b, a.srv.URL, "legal.fars")
	if got := b.Text(".inbox-count"); got != "۱" {
		t.Errorf("the committee member's unread count is %q", got)
	}
	b.Visit(question)
	b.Run(chromedp.SendKeys(chromedp.ID("f-body"), "خیر؛ کارمندان شهرداری عضو هیئت اجرایی نمیشوند."))
	submit(b, `#answer button[type="submit"]`)
	b.Check("answered")
	if got := b.Text("#answer-1 .plain-text"); got != "خیر؛ کارمندان شهرداری عضو هیئت اجرایی نمیشوند." {
		t.Errorf("the answer reads %q", got)
	}
	logout(b)

	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.Visit(question)
	submit(b, `#answer-1 form button[type="submit"]`)
	b.Check("accepted")
	if got := b.Text("#answer-1 .badge"); got != "پاسخ پذیرفته‌شده" {
		t.Errorf("the accepted answer's badge says %q", got)
	}
	logout(b)

	loginAs(b, a.srv.URL, "hq.fars")
	b.Visit(question)
	submit(b, `#publish button[type="submit"]`)
	b.Check("published")
	if got := b.Text(".alert-ok"); got != "پرسش در پرسش‌های متداول آمد." {
		t.Errorf("after publishing the page says %q", got)
	}
	logout(b)

	loginAs(b, a.srv.URL, "gov.marvdasht")
	for _, v := range []browsertest.Viewport{browsertest.Desktop, browsertest.Phone} {
		b.SetViewport(v)
		b.Visit(question)
		if page, screen := b.PageWidth(); page > screen {
			t.Errorf("%s: the question is %d px wide on a %d px screen", v, page, screen)
		}
		b.Visit(a.srv.URL + "/faq")
		b.Run(chromedp.SendKeys(chromedp.ID("f-q"), "علي"), chromedp.Click(chromedp.CSS(`#faq-search button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(".faq-entry")))
		b.Check("faq-search")
		if got := b.Text(".faq-entry h3"); got != "عضویت علی در هیئت اجرایی" {
			t.Errorf("%s: the FAQ's search finds %q", v, got)
		}
		if got := b.Text("#faq-h"); got != "۱ پرسش برای «علي»" {
			t.Errorf("%s: the FAQ's heading says %q", v, got)
		}
		if page, screen := b.PageWidth(); page > screen {
			t.Errorf("%s: the FAQ is %d px wide on a %d px screen", v, page, screen)
		}
	}
}
