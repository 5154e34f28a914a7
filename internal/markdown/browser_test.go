package markdown

import (
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/setad/setad/internal/browsertest"
	"github.com/setad/setad/web"
)

// guidanceBody is a circular as a committee writes one: headings from h1, lists, a table wider than a
// phone, links, a quotation, code and a long address.
const guidanceBody = `# دستورالعمل تشکیل هیئت‌های اجرایی

هیئت اجرایی هر شهرستان باید تا **۱۴۰۵/۰۳/۱۲** تشکیل شود؛ جزئیات در [سامانه](https://example.com/guidance/12) آمده است.

## مراحل

1. فهرست **معتمدان** را از بخشداری‌ها بگیرید.
2. جلسه را با حضور *نماینده دادستان* برگزار کنید.
   - صورت‌جلسه را امضا کنید.
   - ~~نسخه کاغذی~~ نسخه الکترونیکی را بارگذاری کنید.

### جدول زمان‌بندی

| شهرستان | بخش | مهلت تشکیل | وضعیت | مسئول | تلفن | توضیحات |
|---|---|---|---|---|---|---|
| مرودشت | مرکزی | ۱۴۰۵/۰۳/۱۲ | انجام‌شده | فرمانداری مرودشت | ۰۷۱۴۳۲۰۱۲۳۴ | بدون توضیح |
| پاسارگاد | پاسارگاد | ۱۴۰۵/۰۳/۱۴ | در جریان | فرمانداری پاسارگاد | ۰۷۱۴۳۵۰۱۲۳۴ | در انتظار فهرست معتمدان |

> قانون انتخابات شوراها، ماده ۳۱: هیئت اجرایی با حضور اکثریت اعضا رسمیت می‌یابد.

پرسش‌ها را به hq@example.com بفرستید یا به www.example.com/faq/executive-boards/formation-and-composition-of-the-boards سر بزنید.

` + "```\nکد پیگیری: 1405-03-12-000123\n```\n"

// A rendered body, in a page of the portal's style and direction, passes axe-core with no violation and
// keeps to the screen's width on a desktop and on a small phone: the headings follow the page's h2, the
// links and the table's box are named, and the wide table scrolls in its box.
func TestRenderedBodyInAPage(t *testing.T) {
	mux := http.NewServeMux()
	static, err := fs.Sub(web.Static, "static")
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	for _, lang := range []string{"fa", "en"} {
		dir := "rtl"
		if lang == "en" {
			dir = "ltr"
		}
		mux.HandleFunc("/"+lang, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!DOCTYPE html>
<html lang="%s" dir="%s"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Guidance</title><link rel="stylesheet" href="/static/css/app.css"></head>
<body><main id="main"><h1>Guidance</h1><h2>%s</h2><div lang="fa" dir="%s">%s</div></main></body></html>`,
				lang, dir, html.EscapeString(Plain(guidanceBody, 40)), Dir(guidanceBody), Render(guidanceBody))
		})
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()

	b := browsertest.New(t)
	for _, v := range []browsertest.Viewport{browsertest.Desktop, browsertest.SmallPhone} {
		b.SetViewport(v)
		for _, lang := range []string{"fa", "en"} {
			b.Visit(srv.URL + "/" + lang)
			if page, screen := b.PageWidth(); page > screen {
				t.Errorf("%s on %s: the page is %d px wide on a %d px screen", lang, v, page, screen)
			}
			if got := b.Text("h3"); got != "دستورالعمل تشکیل هیئت‌های اجرایی" {
				t.Errorf("%s on %s: first h3 %q", lang, v, got)
			}
			if got := b.Attr(".table-wrap", "aria-label"); !strings.HasPrefix(got, "شهرستان، بخش") {
				t.Errorf("%s on %s: table box named %q", lang, v, got)
			}
		}
	}
}
