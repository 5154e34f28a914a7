package server

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/browsertest"
	"github.com/setad/setad/internal/persian"
)

// A governor registers a candidate through the form (Persian digits, Arabic letters) and moves it along
// its lifecycle; the list finds it by name.
func TestBrowserCandidate(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.Visit(a.srv.URL + "/candidates")
	b.Visit(a.srv.URL + "/candidates/new")
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-full_name"), "علي رضايي"),
		chromedp.SendKeys(chromedp.ID("f-father_name"), "حسن"),
		chromedp.SendKeys(chromedp.ID("f-national_id"), persian.ToPersianDigits(nid(41))),
		chromedp.SetValue(chromedp.ID("f-gender"), "female"),
		chromedp.SendKeys(chromedp.ID("f-birth_date"), "۱۳۷۰/۰۱/۱۵"),
		chromedp.SetValue(chromedp.ID("f-education"), "bachelor"),
		chromedp.SetValue(chromedp.ID("f-constituency"), "marvdasht"),
		chromedp.SendKeys(chromedp.ID("f-certificate_date"), "۱۴۰۵/۰۸/۲۰"),
	)
	submit(b, `main form button[type="submit"]`)
	b.Check("registered")
	if got := b.Text("h1"); got != "علي رضايي" {
		t.Fatalf("after registration the page is %q", got)
	}
	b.Run(chromedp.SetValue(chromedp.ID("f-status"), "under_review"))
	submit(b, `form[action$="/status"] button`)
	b.Run(chromedp.SetValue(chromedp.ID("f-status"), "exec_rejected"))
	submit(b, `form[action$="/status"] button`)
	b.Check("reason-required")
	if !strings.Contains(b.Text("main"), "برای این تصمیم دلیل بنویسید") {
		t.Error("a rejection without a reason was not refused")
	}
	b.Run(
		chromedp.SetValue(chromedp.ID("f-status"), "exec_rejected"),
		chromedp.SendKeys(chromedp.ID("f-reason"), "مدرک تحصیلی ارائه نشد"),
	)
	submit(b, `form[action$="/status"] button`)
	b.Check("rejected")
	if !strings.Contains(b.Text(".lead"), "رد هیئت اجرایی") {
		t.Errorf("status shown: %q", b.Text(".lead"))
	}
	b.Visit(a.srv.URL + "/candidates?q=" + "%D8%B9%D9%84%DB%8C") // «علی», Persian yeh
	if !strings.Contains(b.Text("main"), "علي رضايي") {
		t.Error("a search for «علی» does not find «علي»")
	}
	b.Visit(a.srv.URL + "/candidates/import")

	// A preview with more rows of each kind than a page shows: both tables with their pagers.
	var file strings.Builder
	file.WriteString(importHeader)
	for i := range 220 {
		id := nid(600 + i)
		if i%2 == 1 {
			id = "0012345670"
		}
		file.WriteString("داوطلب " + strconv.Itoa(i) + ",پدر," + id + ",female,1365/11/01,master,,marvdasht,,,,,,1405/08/25,\n")
	}
	m := confirmID.FindStringSubmatch(a.upload(a.login("gov.marvdasht"), "c.csv", []byte(file.String())).body)
	if m == nil {
		t.Fatal("no preview")
	}
	b.Visit(a.srv.URL + "/candidates/import/" + m[1] + "?ready=2&rejected=1")
	if !strings.Contains(b.Text("main"), "صفحه ۲ از ۲") {
		t.Errorf("the preview's second page of ready rows: %q", b.Text("main"))
	}
}
