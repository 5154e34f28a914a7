package server

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/browsertest"
	"github.com/setad/setad/internal/persian"
)

// A committee member schedules a session for Marvdasht and its districts through the real form; the
// governor sees it on his home page on a phone and confirms; the committee records that the county came
// and a district did not; HQ's summary of the untrained places changes with it. Each step passes the
// accessibility check and leaves a screenshot, at desktop size and on a 390 px phone.
func TestBrowserTrainingFlow(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return trainingNow }
	b := browsertest.New(t)
	num := func(n int) string { return persian.FormatInt(int64(n), true) }
	districts := a.count(`SELECT count(*) FROM districts d JOIN counties c ON c.id = d.county_id WHERE c.code = 'marvdasht'`)
	coverage := func(step string, trained int) {
		t.Helper()
		b.Visit(a.srv.URL + "/trainings")
		b.Check("coverage-" + step)
		if got := b.Text("#cov-marvdasht td:nth-of-type(4)"); got != num(trained) {
			t.Errorf("%s: Marvdasht's trained places %q, want %s", step, got, num(trained))
		}
		if got := b.Text("#cov-marvdasht td:nth-of-type(5)"); got != num(1+districts-trained) {
			t.Errorf("%s: Marvdasht's untrained places %q, want %s", step, got, num(1+districts-trained))
		}
	}

	// The committee schedules, on a desktop.
	loginAs(b, a.srv.URL, "committee")
	b.Visit(a.srv.URL + "/trainings")
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-title"), "آموزش سامانه ثبت‌نام داوطلبان"),
		chromedp.SendKeys(chromedp.ID("f-date"), "۱۴۰۵/۰۹/۲۰"),
		chromedp.SendKeys(chromedp.ID("f-time"), "۱۰:۰۰"),
		chromedp.SendKeys(chromedp.ID("f-place"), "https://meet.example.ir/room-7"),
		chromedp.Click(chromedp.CSS(`input[name="audience"][value="counties"]`)),
		chromedp.Click(chromedp.CSS(`input[name="county"][value="marvdasht"]`)),
		chromedp.Click(chromedp.CSS(`input[name="include_districts"]`)),
	)
	b.Check("schedule-form")
	submit(b, `#schedule button[type="submit"]`)
	b.Check("scheduled")
	path := strings.TrimPrefix(b.Location(), a.srv.URL)
	if !trainingLocation.MatchString(path) {
		t.Fatalf("after scheduling, the browser is at %s", path)
	}
	if got := b.Text(".alert-ok"); got != "دوره برنامه‌ریزی شد و دعوت‌شدگان آگاه شدند." {
		t.Errorf("after scheduling the page says %q", got)
	}
	if got := b.Attr(".facts a.url", "href"); got != "https://meet.example.ir/room-7" {
		t.Errorf("the online link is %q", got)
	}
	logout(b)
	loginAs(b, a.srv.URL, "hq.fars")
	coverage("before", 0)
	logout(b)

	// The governor, on a phone, finds it on his home page and confirms.
	b.SetViewport(browsertest.Phone)
	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.Visit(a.srv.URL + "/")
	if home := b.Text("#trainings-h + ul"); !strings.Contains(home, "داوطلبان") || !strings.Contains(home, "تأیید نشده") {
		t.Errorf("the governor's home page lists %q", home)
	}
	if href := b.Attr("#trainings-h + ul a", "href"); href != path {
		t.Fatalf("the home page links the session at %q, want %s", href, path)
	}
	b.Visit(a.srv.URL + path)
	b.Check("invitation")
	if page, screen := b.PageWidth(); page > screen {
		t.Errorf("the session is %d px wide on a %d px phone", page, screen)
	}
	submit(b, `#own-h + form button[type="submit"]`)
	b.Check("confirmed")
	if got := b.Text(".alert-ok"); got != "حضور شما تأیید شد." {
		t.Errorf("after confirming the page says %q", got)
	}
	if got := b.Text("#own-h + p"); !strings.Contains(got, "حضور تأیید شده") || !strings.Contains(got, "علی رضایی") {
		t.Errorf("the governor's invitation says %q", got)
	}
	b.SetViewport(browsertest.Desktop) // the phone's menu folds the sign-out button away
	logout(b)

	// The committee records attendance once the session has begun: the county came, the central district
	// did not.
	a.s.now = func() time.Time { return time.Date(2026, 12, 11, 8, 0, 0, 0, time.UTC) }
	loginAs(b, a.srv.URL, "committee")
	var county, central int64
	a.st.Pool().QueryRow(t.Context(), `SELECT id FROM training_invitees WHERE district_id IS NULL`).Scan(&county)
	a.st.Pool().QueryRow(t.Context(), `SELECT i.id FROM training_invitees i JOIN districts d ON d.id = i.district_id
		WHERE d.code = 'marvdasht-central'`).Scan(&central)
	b.Visit(a.srv.URL + path)
	c, d := itoa(county), itoa(central)
	b.Run(
		chromedp.SetValue(chromedp.ID("f-"+c+"-attended_"+c), "yes"),
		chromedp.SendKeys(chromedp.ID("f-"+c+"-attendees_"+c), "۳"),
		chromedp.SendKeys(chromedp.ID("f-"+c+"-names_"+c), "علی رضایی، مینا کرمی، حمید صالحی"),
		chromedp.SetValue(chromedp.ID("f-"+d+"-attended_"+d), "no"),
	)
	b.Check("attendance-form")
	submit(b, `#attendance button[type="submit"]`)
	b.Check("attendance-recorded")
	if got := b.Text(".alert-ok"); got != "حضور ثبت شد." {
		t.Errorf("after recording the page says %q", got)
	}
	logout(b)

	// HQ's summary: one place of Marvdasht trained, at desktop size and on a phone.
	loginAs(b, a.srv.URL, "hq.fars")
	coverage("after", 1)
	b.SetViewport(browsertest.Phone)
	coverage("after", 1)
	if page, screen := b.PageWidth(); page > screen {
		t.Errorf("the summary is %d px wide on a %d px phone", page, screen)
	}
	b.Visit(a.srv.URL + path)
	b.Check("session-hq")
	if got := b.Text("#inv-" + c); !strings.Contains(got, "حاضر بود") || !strings.Contains(got, "۳ نفر") {
		t.Errorf("HQ reads the county's attendance as %q", got)
	}
	if got := b.Text("#inv-" + d); !strings.Contains(got, "غایب بود") {
		t.Errorf("HQ reads the district's attendance as %q", got)
	}
}
