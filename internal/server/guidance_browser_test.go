package server

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/browsertest"
	"github.com/setad/setad/internal/seed"
)

// download is what the browser received for a file it fetched from the page.
type download struct {
	Status      int    `json:"status"`
	Type        string `json:"type"`
	Disposition string `json:"disposition"`
	NoSniff     string `json:"nosniff"`
	Bytes       []int  `json:"bytes"`
}

// The flow: a committee member posts a circular with a PDF to Marvdasht and Pasargad; the
// Marvdasht governor sees it unread on his home page and the unread count in the header, opens it,
// downloads the file and acknowledges it; the committee sees the receipt and reminds Pasargad, whose
// governor then has the reminder in his inbox. At desktop size, with the pages seen again on a 390 px
// phone; every page passes the accessibility check.
func TestBrowserGuidanceFlow(t *testing.T) {
	a := newTestApp(t)
	pdf := seed.DemoPDF()
	file := filepath.Join(t.TempDir(), "راهنمای-ثبت‌نام.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	phone := func(b *browsertest.Browser, name string) {
		b.SetViewport(browsertest.Phone)
		if page, screen := b.PageWidth(); page > screen {
			t.Errorf("%s is %d px wide on a %d px phone", name, page, screen)
		}
		b.Check(name)
		b.SetViewport(browsertest.Desktop)
	}

	// The committee member writes and publishes the circular.
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "committee")
	b.Visit(a.srv.URL + "/guidance")
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-title"), "دستورالعمل ثبت نام داوطلبان"),
		chromedp.SendKeys(chromedp.ID("f-body"), "ثبت‌نام از **شنبه** آغاز می‌شود.\n\n- کد ملی را بدون خط تیره وارد کنید."),
		chromedp.Click(chromedp.CSS(`input[name="audience"][value="counties"]`)),
		chromedp.Click(chromedp.CSS(`input[name="county"][value="marvdasht"]`)),
		chromedp.Click(chromedp.CSS(`input[name="county"][value="pasargad"]`)),
		chromedp.SetUploadFiles(chromedp.ID("f-attachment"), []string{file}),
	)
	b.Check("new-filled")
	submit(b, `#new-guidance button[name="publish"][value="1"]`)
	page := b.Location()
	if !strings.HasPrefix(page, a.srv.URL+"/guidance/") {
		t.Fatalf("after publishing, the browser is at %s", page)
	}
	b.Check("published")
	if got := b.Text(".alert-ok"); !strings.Contains(got, "منتشر شد") {
		t.Errorf("after publishing, the page says %q", got)
	}
	if got := b.Text(".attachments a"); got != "راهنمای-ثبت‌نام.pdf" {
		t.Errorf("the attachment is named %q", got)
	}
	logout(b)

	// The Marvdasht governor: unread on his home and in the header; opens, downloads, acknowledges.
	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.Visit(a.srv.URL + "/")
	if got := b.Text(".inbox-count"); got != "۱" {
		t.Errorf("the header's unread count is %q", got)
	}
	if got := b.Text(".home-guidance"); !strings.Contains(got, "دستورالعمل ثبت نام داوطلبان") || !strings.Contains(got, "۱ بخشنامه در انتظار تأیید شما") {
		t.Errorf("the home's guidance says %q", got)
	}
	phone(b, "home-unread")
	b.Run(chromedp.Click(chromedp.CSS(".home-guidance a.guidance-title")), chromedp.WaitVisible(chromedp.CSS("#ack-form")))
	if got := b.Location(); got != page {
		t.Errorf("the home's link opened %s", got)
	}
	b.Check("governor-reads")
	if got := b.Text("article.markdown strong"); got != "شنبه" {
		t.Errorf("the body's bold text is %q", got)
	}
	got, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[download](`(async () => {
		const r = await fetch(document.querySelector('.attachments a').href);
		const buf = await r.arrayBuffer();
		return {status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'),
			nosniff: r.headers.get('x-content-type-options'), bytes: Array.from(new Uint8Array(buf))};
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	want := make([]int, len(pdf))
	for i, c := range pdf {
		want[i] = int(c)
	}
	if got.Status != 200 || got.Type != "application/pdf" || got.NoSniff != "nosniff" || !strings.HasPrefix(got.Disposition, "attachment;") ||
		!strings.Contains(got.Disposition, "filename*=UTF-8''") || !slices.Equal(got.Bytes, want) {
		t.Errorf("download: %d %q %q %q, %d bytes (want %d)", got.Status, got.Type, got.Disposition, got.NoSniff, len(got.Bytes), len(pdf))
	}
	phone(b, "governor-reads")
	submit(b, `#ack-form button[type="submit"]`)
	b.Check("acknowledged")
	if got := b.Text("#ack"); !strings.Contains(got, "تأییدشده") {
		t.Errorf("after acknowledging, the page says %q", got)
	}
	b.Visit(a.srv.URL + "/")
	if got := b.Text(".home-guidance"); !strings.Contains(got, "همه بخشنامه‌ها را تأیید کرده‌اید") {
		t.Errorf("after acknowledging, the home says %q", got)
	}
	logout(b)

	// The committee sees the receipt and reminds the rest: Pasargad.
	loginAs(b, a.srv.URL, "committee")
	b.Visit(page)
	rows, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('table.receipts tbody tr')).map(r => r.innerText.replace(/\s+/g, ' ').trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || !strings.Contains(rows[0], "مرودشت") || !strings.Contains(rows[0], "تأییدشده") || !strings.Contains(rows[0], "علی رضایی") ||
		!strings.Contains(rows[1], "پاسارگاد") || !strings.Contains(rows[1], "تأییدنشده") {
		t.Errorf("the receipts read %q", rows)
	}
	phone(b, "receipts")
	submit(b, `#remind-form button[type="submit"]`)
	b.Check("reminded")
	if got := b.Text(".alert-ok"); !strings.Contains(got, "یادآوری") {
		t.Errorf("after reminding, the page says %q", got)
	}
	logout(b)

	loginAs(b, a.srv.URL, "gov.pasargad")
	b.Visit(a.srv.URL + "/notifications")
	if got := b.Text("main"); !strings.Contains(got, "یادآوری: تأیید بخشنامه") || !strings.Contains(got, "دستورالعمل ثبت نام داوطلبان") {
		t.Errorf("Pasargad's inbox says %q", got)
	}
	phone(b, "pasargad-inbox")
	if n := a.count(`SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'guidance_reminder'`, a.ids["gov.pasargad"]); n != 1 {
		t.Errorf("Pasargad's governor has %d reminders", n)
	}
}
