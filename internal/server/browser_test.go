package server

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/browsertest"
)

var persianDigits = regexp.MustCompile(`[۰-۹]`)

// A governor logs in through the real form, sees a Persian right-to-left page in Vazirmatn with today's
// Jalali date, his name, role and county, switches to English and back, and logs out.
func TestBrowserGovernorFlow(t *testing.T) {
	a := newTestApp(t)
	b := browsertest.New(t)
	b.Visit(a.srv.URL + "/login")
	if b.Attr("html", "lang") != "fa" || b.Attr("html", "dir") != "rtl" {
		t.Fatal("the login page is not Persian right-to-left")
	}
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-username"), "gov.marvdasht"),
		chromedp.SendKeys(chromedp.ID("f-password"), testPassword),
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".who-name")),
	)
	b.Check("home-fa")
	if got := b.Location(); got != a.srv.URL+"/" {
		t.Errorf("after login the browser is at %s", got)
	}
	checks := map[string]string{".who-name": "علی رضایی", ".who-role": "فرماندار", ".who-place": "مرودشت", "h1": "پیشخوان"}
	for sel, want := range checks {
		if got := b.Text(sel); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	if b.Attr("html", "lang") != "fa" || b.Attr("html", "dir") != "rtl" {
		t.Error("the home page is not Persian right-to-left")
	}
	today := b.Text(".today")
	if !persianDigits.MatchString(today) || regexp.MustCompile(`[0-9]`).MatchString(today) {
		t.Errorf("today's date %q is not in Persian digits", today)
	}
	if !regexp.MustCompile(`فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند`).MatchString(today) {
		t.Errorf("today's date %q has no Jalali month", today)
	}
	font, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[bool](
		`document.fonts.ready.then(() => getComputedStyle(document.body).fontFamily.replaceAll('"', '').startsWith('Vazirmatn') &&
			[...document.fonts].some(f => f.family.replaceAll('"', '') === 'Vazirmatn' && f.status === 'loaded'))`,
		chromedp.EvalAwaitPromise))
	if err != nil || !font {
		t.Errorf("Vazirmatn is not the loaded page font (%v)", err)
	}
	nav := b.Text("nav")
	for _, want := range []string{"خانه", "شهرستان‌ها", "حساب من"} {
		if !strings.Contains(nav, want) {
			t.Errorf("navigation %q lacks %q", nav, want)
		}
	}
	for _, not := range []string{"کاربران", "گزارش رویدادها"} {
		if strings.Contains(nav, not) {
			t.Errorf("a governor's navigation offers %q", not)
		}
	}

	b.Run(chromedp.Click(chromedp.CSS("a.lang")), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"]`)))
	b.Check("home-en")
	if b.Attr("html", "dir") != "ltr" || b.Text(".who-role") != "County governor" || b.Text(".who-place") != "Marvdasht" {
		t.Errorf("English page: dir %q, role %q, place %q", b.Attr("html", "dir"), b.Text(".who-role"), b.Text(".who-place"))
	}
	b.Run(chromedp.Click(chromedp.CSS("a.lang")), chromedp.WaitVisible(chromedp.CSS(`html[lang="fa"]`)))
	if b.Text("h1") != "پیشخوان" {
		t.Error("switching back did not return to Persian")
	}

	b.Visit(a.srv.URL + "/counties/marvdasht")
	if !strings.Contains(b.Text("main"), "درودزن") {
		t.Error("the county page does not list its districts")
	}
	b.Visit(a.srv.URL + "/profile")

	b.Run(chromedp.Click(chromedp.CSS(`.header-tools button`)), chromedp.WaitVisible(chromedp.ID("f-username")))
	b.Check("logged-out")
	if got := b.Text(".alert-ok"); got != "از سامانه خارج شدید." {
		t.Errorf("after logout the page says %q", got)
	}
	b.Visit(a.srv.URL + "/")
	if !strings.HasSuffix(b.Location(), "/login") {
		t.Errorf("after logout / shows %s", b.Location())
	}
}

// HQ's pages, including a form sent back with errors, pass the accessibility check in both languages.
func TestBrowserHQPages(t *testing.T) {
	a := newTestApp(t)
	b := browsertest.New(t)
	b.Visit(a.srv.URL + "/login")
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-username"), "hq.fars"),
		chromedp.SendKeys(chromedp.ID("f-password"), "wrong password"),
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")),
	)
	b.Check("login-failed")
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-password"), testPassword),
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".who-name")),
	)
	if nav := b.Text("nav"); !strings.Contains(nav, "کاربران") || !strings.Contains(nav, "گزارش رویدادها") {
		t.Errorf("HQ navigation %q lacks users or audit", nav)
	}
	for _, path := range []string{"/", "/counties", "/admin/users", "/audit", "/boards", "/boards/rules", "/candidates/rules", "/no-such-page"} {
		b.Visit(a.srv.URL + path)
	}
	b.Visit(a.srv.URL + "/admin/users/new")
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-username"), "gov.beyza"),
		chromedp.SendKeys(chromedp.ID("f-full_name"), "رضا احمدی"),
		chromedp.SetValue(chromedp.ID("f-role"), "governor"),
		chromedp.SendKeys(chromedp.ID("f-password"), "long-password-1"),
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")),
	)
	b.Check("user-form-errors")
	if got := b.Attr("#f-username", "value"); got != "gov.beyza" {
		t.Errorf("the form came back with username %q", got)
	}
	if !strings.Contains(b.Text("main"), "شهرستان فرماندار را انتخاب کنید") {
		t.Error("the form does not say what is missing")
	}
	b.Visit(a.srv.URL + "/lang/en?next=%2Faudit")
	b.Visit(a.srv.URL + "/admin/users/" + itoa(a.ids["gov.marvdasht"]))
}

// The national HQ keeps the law's rules: both rule pages show it the forms, and they pass the
// accessibility check.
func TestBrowserNationalRules(t *testing.T) {
	a := newTestApp(t)
	b := browsertest.New(t)
	b.Visit(a.srv.URL + "/login")
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-username"), "national"),
		chromedp.SendKeys(chromedp.ID("f-password"), testPassword),
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".who-name")),
	)
	for page, form := range map[string]string{"/boards/rules": "/boards/rules/councils/county", "/candidates/rules": "/candidates/rules/councils"} {
		b.Visit(a.srv.URL + page)
		if got := b.Attr(`form[action="`+form+`"]`, "method"); got != "post" {
			t.Errorf("the national HQ has no form posting to %s (method %q)", form, got)
		}
	}
}
