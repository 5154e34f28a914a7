package server

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/browsertest"
	"github.com/setad/setad/internal/password"
	"github.com/setad/setad/internal/seed"
)

// withDemo loads the demo data (boards in every state of their review, candidates along their lifecycle)
// next to testUsers, with the server's clock on the demo's day, so pages show the rows they show in use.
func (a *testApp) withDemo() {
	a.t.Helper()
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	a.s.now = func() time.Time { return now }
	if err := seed.Demo(a.t.Context(), a.st, password.NewHasher(cheap, 2), now, io.Discard); err != nil {
		a.t.Fatal(err)
	}
}

// trainingPath is the page of the session with title.
func (a *testApp) trainingPath(title string) string {
	a.t.Helper()
	return "/trainings/" + itoa(int64(a.count(`SELECT id FROM trainings WHERE title = $1`, title)))
}

// offenders lists what sticks out of the screen, widest first, to say what makes a page too wide: elements
// outside any box that scrolls or clips, and anything positioned, which a scrolling box does not hold unless
// it is positioned itself.
const offenders = `(() => {
	const w = Math.min(window.innerWidth, document.documentElement.clientWidth), out = [];
	const clipped = e => {
		for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
			if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
		}
		return false;
	};
	for (const e of document.body.querySelectorAll('*')) {
		const r = e.getBoundingClientRect();
		if (r.width === 0 || (r.right <= w + 1 && r.left >= -1)) continue;
		const positioned = ['absolute', 'fixed'].includes(getComputedStyle(e).position);
		if (positioned || !clipped(e)) {
			out.push([Math.round(r.width), e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
				(typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '') +
				' at ' + Math.round(r.left) + '..' + Math.round(r.right)]);
		}
	}
	return out.sort((a, b) => b[0] - a[0]).slice(0, 8).map(x => x[1]);
})()`

// hiddenControls lists a form's controls (the form of id %s) that lie outside the screen, though a box
// that scrolls sideways may hold them: a form filled on a phone must not make its user scroll to a field.
const hiddenControls = `((id) => {
	const w = Math.min(window.innerWidth, document.documentElement.clientWidth), out = [];
	for (const e of document.querySelectorAll('#' + id + ' select, #' + id + ' input:not([type=hidden]), #' + id + ' textarea, #' + id + ' button')) {
		const r = e.getBoundingClientRect();
		if (r.left < -1 || r.right > w + 1) out.push((e.id || e.name || e.tagName) + ' at ' + Math.round(r.left) + '..' + Math.round(r.right));
	}
	return out.slice(0, 8);
})(%q)`

// smallTargets lists the controls a finger cannot hit, under 44 by 44 CSS pixels: buttons, fields, menus,
// check boxes and radios with their labels, and the links of every navigation (header, tabs, pages). Links
// inside running text are exempt, as WCAG 2.5.5 exempts them.
const smallTargets = `(() => {
	const out = [];
	const sel = 'button, input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file]), select, textarea, summary, ' +
		'.site-header a, nav a, a.button, label:has(> input[type=checkbox]), label:has(> input[type=radio])';
	for (const e of document.querySelectorAll(sel)) {
		const r = e.getBoundingClientRect();
		if (r.width === 0 || r.height === 0 || !e.checkVisibility()) continue;
		if (r.height < 43.5 || r.width < 43.5) out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + JSON.stringify((e.textContent || e.name || '').trim().slice(0, 30)) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
	}
	return out.slice(0, 8);
})()`

// Every main page, as each role that uses it sees it, fits a phone's screen (390 px, and 360 px) without
// scrolling sideways, in both languages; its controls are big enough to tap; and it passes the
// accessibility check on a desktop screen and on the phone. Screenshots of both are saved.
func TestBrowserPagesFitPhones(t *testing.T) {
	a := newTestApp(t)
	a.withDemo()
	county, district := a.boardID("marvdasht", ""), a.boardID("marvdasht", "marvdasht-central")
	var candidate int64
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT id FROM candidates WHERE tracking_id = 'DEMO-0102'`).Scan(&candidate); err != nil {
		t.Fatal(err)
	}
	legal, own := a.milestoneID("registration-city"), a.milestoneID("demo-training") // the law's, and Fars's own
	circular := func(status, like string) string {
		var id int64
		if err := a.st.Pool().QueryRow(t.Context(), `SELECT id FROM guidance WHERE status = $1 AND title LIKE $2`, status, like).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return "/guidance/" + itoa(id)
	}
	// The demo's circulars: with a PDF to the whole province, corrected, withdrawn, and a draft.
	withPDF, corrected := circular("published", "راهنمای ورود%"), circular("published", "تفسیر قانونی%")
	withdrawn, draft := circular("withdrawn", "%"), circular("draft", "%")
	var question int64 // a demo question of Marvdasht, answered
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT q.id FROM questions q JOIN counties c ON c.id = q.county_id
		WHERE c.code = 'marvdasht' AND q.answers > 0 ORDER BY q.id LIMIT 1`).Scan(&question); err != nil {
		t.Fatal(err)
	}
	held, online := a.trainingPath("آموزش قانون انتخابات شوراها و برنامه زمان‌بندی"), a.trainingPath("کار با سامانه ثبت‌نام داوطلبان")
	// The held session's committee member, who has its attendance form: with the test password.
	a.exec(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'committee')
		WHERE username = 'committee.training'`)
	mustContain(t, a.get(a.login("committee.training"), held).body, `id="attendance"`, `class="att-group"`)
	// The demo's overdue task, with a copy blocked.
	task := "/tasks/" + itoa(int64(a.count(`SELECT id::int FROM tasks WHERE title LIKE 'آزمایش اتصال%'`)))
	// The demo's incident of Marvdasht, taken up with notes, and its resolved one of Beyza.
	acked := "/incidents/" + itoa(int64(a.count(`SELECT id::int FROM incidents WHERE status = 'acknowledged' ORDER BY id LIMIT 1`)))
	resolved := "/incidents/" + itoa(int64(a.count(`SELECT id::int FROM incidents WHERE status = 'resolved' ORDER BY id LIMIT 1`)))
	pages := map[string][]string{
		"": {"/login"},
		"hq.fars": {"/", "/counties", "/counties/marvdasht", "/counties/marvdasht/cities/seyedan", "/counties/marvdasht/cities/import",
			"/boards", "/boards/" + county, "/boards/" + district,
			"/boards/rules", "/candidates", "/candidates/" + itoa(candidate), "/candidates/new", "/candidates/import",
			"/candidates/rules", "/admin/users", "/admin/users/new", "/admin/users/" + itoa(a.ids["gov.marvdasht"]),
			"/audit", "/profile", "/no-such-page", "/timeline/matrix", "/timeline/matrix?county=marvdasht", "/timeline/calendar",
			"/timeline", "/timeline?county=marvdasht", "/timeline/template", "/timeline/template/" + itoa(own), withPDF,
			"/questions", "/questions/" + itoa(question), "/faq", "/trainings", held, "/admin/committees", "/admin/committees/training",
			"/tasks", task, "/admin/systems"},
		"gov.marvdasht": {"/", "/counties/marvdasht", "/counties/marvdasht/cities/seyedan", "/boards/" + county,
			"/boards/" + county + "/pool/import", "/boards/" + district, "/candidates", "/candidates/new",
			"/candidates/" + itoa(candidate) + "/edit", "/timeline/calendar", "/timeline", "/timeline/template", "/notifications",
			"/guidance", withPDF, corrected, "/questions", "/questions/" + itoa(question), "/faq", "/trainings", held, online,
			"/tasks", task, "/incidents/new", acked},
		"dh.marvdasht": {"/", "/boards/" + district, "/timeline/calendar", "/timeline", "/notifications", "/guidance", withPDF,
			"/trainings", held, "/tasks", task, "/incidents", "/incidents/new"},
		"committee": {"/", "/timeline", "/timeline/calendar", "/timeline/template", "/guidance", withPDF, corrected, draft,
			"/questions", "/questions/" + itoa(question), "/faq?q=" + url.QueryEscape("مهلت"), "/trainings", online,
			"/tasks", "/tasks?committee=all", task, "/incidents", acked, resolved},
		"committee.training": {held},
		"observer": {"/", "/audit", "/timeline/matrix", "/timeline?county=marvdasht", "/timeline/calendar?month=1405-08",
			withdrawn, "/tasks", "/tasks?county=marvdasht&overdue=1", "/guidance?county=marvdasht&acked=no",
			"/trainings?county=marvdasht&untrained=1", "/timeline?county=marvdasht&overdue=1", "/incidents",
			"/incidents?county=pasargad&severity=critical&open=1"},
		"national": {"/", "/?province=fars", "/boards/rules", "/candidates/rules", "/timeline/matrix?province=fars", "/timeline/calendar",
			"/timeline?province=fars&county=marvdasht", "/timeline/template", "/timeline/template/" + itoa(legal),
			"/guidance?province=fars", "/questions?province=fars", "/faq?province=fars", "/trainings?province=fars",
			"/tasks?province=fars", task, "/tasks?province=fars&county=marvdasht&overdue=1", "/incidents?province=fars"},
	}
	// The demo's readiness checks: the list, the missed days, a check's matrix, a place's filing form.
	check := func(title string) string {
		return "/readiness/" + itoa(int64(a.count(`SELECT id FROM readiness_checks WHERE title = $1`, title)))
	}
	once, daily, network := check("سامانه ثبت‌نام آزمایش شد"), check("کاربران آموزش دیدند"), check("اتصال شبکه شعبه‌های اخذ رأی بررسی شد")
	for u, ps := range map[string][]string{
		"hq.fars":       {"/readiness", "/readiness?county=marvdasht&missed=1", daily, network + "?county=marvdasht"},
		"gov.marvdasht": {"/readiness", daily + "/file", once + "/file", daily},
		"dh.marvdasht":  {"/readiness", network + "/file"},
		"committee":     {"/readiness"},
		"observer":      {"/readiness?missed=1"},
		"national":      {"/readiness?province=fars", network + "?province=fars&missed=1"},
	} {
		pages[u] = append(pages[u], ps...)
	}
	for user, paths := range pages {
		for _, lang := range []string{"fa", "en"} {
			t.Run(fmt.Sprintf("%s/%s", cmp.Or(user, "anonymous"), lang), func(t *testing.T) {
				b := browsertest.New(t)
				if user != "" {
					loginAs(b, a.srv.URL, user)
				}
				b.Run(chromedp.Navigate(a.srv.URL + "/lang/" + lang + "?next=/"))
				for _, v := range []browsertest.Viewport{browsertest.Desktop, browsertest.Phone} {
					b.SetViewport(v)
					for _, path := range paths {
						b.Visit(a.srv.URL + path)
						if got := b.Attr("html", "lang"); got != lang {
							t.Fatalf("%s is in %q, want %q", path, got, lang)
						}
						if v != browsertest.Phone {
							continue
						}
						if page, screen := b.PageWidth(); page > screen {
							wide, _ := chromedp.Run(b.Ctx(), chromedp.Evaluate[[]string](offenders))
							t.Errorf("%s is %d px wide on a %d px phone: %s", path, page, screen, strings.Join(wide, ", "))
						}
						if small, _ := chromedp.Run(b.Ctx(), chromedp.Evaluate[[]string](smallTargets)); len(small) > 0 {
							t.Errorf("%s: controls smaller than 44 px: %s", path, strings.Join(small, "; "))
						}
						b.SetViewport(browsertest.SmallPhone)
						if page, screen := b.PageWidth(); page > screen {
							wide, _ := chromedp.Run(b.Ctx(), chromedp.Evaluate[[]string](offenders))
							t.Errorf("%s is %d px wide on a %d px phone: %s", path, page, screen, strings.Join(wide, ", "))
						}
						if path == held && user == "committee.training" {
							// The attendance form, a row per invited place, is filled on a phone without
							// scrolling sideways, at 360 px as at 390.
							for _, vp := range []browsertest.Viewport{browsertest.SmallPhone, browsertest.Phone} {
								b.SetViewport(vp)
								if off, _ := chromedp.Run(b.Ctx(), chromedp.Evaluate[[]string](fmt.Sprintf(hiddenControls, "attendance"))); len(off) > 0 {
									t.Errorf("%s: the attendance form's fields off a phone's screen (%d): %s", path, vp, strings.Join(off, "; "))
								}
							}
						}
						b.SetViewport(browsertest.Phone)
					}
				}
			})
		}
	}
}

// On a phone the header is one short row and the navigation folds into a menu that opens without
// JavaScript; on a desktop the navigation shows without the menu's button.
func TestBrowserPhoneMenu(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "hq.fars")
	shown := func(sel string) bool {
		v, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[bool](`(() => { const e = document.querySelector(`+"`"+sel+"`"+`); return !!e && e.checkVisibility(); })()`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	b.Visit(a.srv.URL + "/candidates")
	if shown(".menu > summary") || !shown(`.site-header nav a[href="/boards"]`) || !shown(".who-name") {
		t.Error("on a desktop the navigation is folded into a menu")
	}

	// Without JavaScript: the page's scripts do not run (the checks below are the test's own).
	scripts := func(off bool) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off})
			return err
		})
	}
	b.SetViewport(browsertest.Phone)
	b.Run(scripts(true), chromedp.Navigate(a.srv.URL+"/candidates"), chromedp.WaitReady(chromedp.CSS("main")))
	if js, _ := chromedp.Run(b.Ctx(), chromedp.Evaluate[bool](`typeof htmx !== 'undefined'`)); js {
		t.Fatal("the page's scripts ran")
	}
	if h, _ := chromedp.Run(b.Ctx(), chromedp.Evaluate[float64](`document.querySelector('.site-header').getBoundingClientRect().height`)); h > 80 {
		t.Errorf("on a phone the header is %.0f px high", h)
	}
	if !shown(".menu > summary") || shown(`.site-header nav a[href="/boards"]`) {
		t.Fatal("on a phone the navigation is not folded into a menu")
	}
	if got := b.Text(".menu > summary"); got != "منو" {
		t.Errorf("the menu's button says %q", got)
	}
	b.Run(chromedp.Click(chromedp.CSS(".menu > summary")), chromedp.WaitVisible(chromedp.CSS(`.site-header nav a[href="/boards"]`)))
	b.Run(scripts(false)) // for the accessibility check
	b.Check("menu-open")
	if !shown(".who-name") || !shown(".header-tools button") {
		t.Error("the open menu lacks the user or the log out")
	}
	b.Run(chromedp.Click(chromedp.CSS(`.site-header nav a[href="/boards"]`)), chromedp.WaitVisible(chromedp.CSS(`form[action="/boards"]`)))
	if got := b.Location(); got != a.srv.URL+"/boards" {
		t.Errorf("the menu's link led to %s", got)
	}
	if shown(`.site-header nav a[href="/boards"]`) {
		t.Error("the menu is open on the next page")
	}
}
