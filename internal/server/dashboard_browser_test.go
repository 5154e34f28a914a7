package server

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/browsertest"
)

// HQ's dashboard and a county's page, in Persian from the right, on an office screen and on a phone: the
// charts are named images with a title and a description, their numbers are in tables, nothing scrolls
// the page sideways, and axe-core finds nothing.
func TestBrowserDashboard(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	a.withMonitoring(time.Now())
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "hq.fars")
	for _, v := range []browsertest.Viewport{browsertest.Desktop, browsertest.Phone} {
		b.SetViewport(v)
		for _, path := range []string{"/", "/counties/marvdasht"} {
			b.Visit(a.srv.URL + path)
			if dir := b.Attr("html", "dir"); dir != "rtl" {
				t.Errorf("%s: dir %q", path, dir)
			}
			if got := b.Attr("#chart-ready svg", "aria-labelledby"); got != "chart-ready-t chart-ready-d" {
				t.Errorf("%s: the readiness chart is labelled by %q", path, got)
			}
			if b.Text("#chart-ready-t") == "" || !strings.Contains(b.Text("#chart-ready-d"), "کمترین آمادگی") {
				t.Errorf("%s: the chart's title or description is empty", path)
			}
			if !strings.Contains(b.Text("#chart-ready details summary"), "داده‌های نمودار") || b.Text("#chart-ready details table caption") == "" {
				t.Errorf("%s: the chart has no table of its numbers", path)
			}
			if !strings.Contains(b.Text("#chart-trend-d"), "امروز") {
				t.Errorf("%s: the history chart is not described", path)
			}
			if page, screen := b.PageWidth(); page > screen {
				t.Errorf("%s on %s: the page is %d px wide on a %d px screen", path, v, page, screen)
			}
		}
	}
	// Opened, the readiness chart's table, checked as the reader sees it.
	b.SetViewport(browsertest.Desktop)
	b.Visit(a.srv.URL + "/")
	b.Run(chromedp.Click(chromedp.CSS("#chart-ready details summary")))
	b.Check("chart-table-open")
}
