package server

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/browsertest"
)

// After a form comes back with its errors, the language link leads to the form's page in the other
// language, not to "method not allowed".
func TestBrowserLanguageAfterFormError(t *testing.T) {
	a := newTestApp(t)
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "hq.fars")
	b.Visit(a.srv.URL + "/admin/users/new")
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-username"), "gov.beyza"),
		chromedp.SendKeys(chromedp.ID("f-full_name"), "رضا احمدی"),
		chromedp.SetValue(chromedp.ID("f-role"), "governor"),
		chromedp.SendKeys(chromedp.ID("f-password"), "long-password-1"),
	)
	submit(b, `main button[type="submit"]`) // a governor without his county
	if got := b.Location(); got != a.srv.URL+"/admin/users" {
		t.Fatalf("the form came back at %s", got)
	}
	b.Run(chromedp.Click(chromedp.CSS("a.lang")), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"]`)))
	b.Check("form-in-english")
	if got := b.Location(); got != a.srv.URL+"/admin/users/new" {
		t.Errorf("the language switch led to %s", got)
	}
	if b.Attr("#f-username", "name") != "username" || b.Text("h1") != "New user" {
		t.Errorf("the language switch did not lead to the form: %q", b.Text("h1"))
	}
}
