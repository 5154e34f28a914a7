package server

import (
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/browsertest"
)

// On the audit log as a browser lays it out, every change reads before → after in the reading order: in
// Persian the old value stands to the right of the new one, in English to the left; the page passes the
// accessibility check in both languages.
func TestBrowserAuditReadable(t *testing.T) {
	a := newTestApp(t)
	board, candidate := a.auditEveryAction()
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "hq.fars")
	// For each change on one line: is the old value to the right of the new one? A change that wraps
	// puts the new value on a later line, which reads in order in both languages.
	order := `(() => {
		const r = {lines: 0, rightToLeft: 0, wrapped: 0, bad: [], rtl: []};
		for (const before of document.querySelectorAll('.change-before')) {
			const after = before.parentElement.querySelector('.change-after');
			// The end of the old value and the start of the new one, either of which may wrap.
			const bs = before.getClientRects(), b = bs[bs.length - 1], a = after.getClientRects()[0];
			if (a.top >= b.bottom) { r.wrapped++; continue; }
			if (a.bottom <= b.top) { r.bad.push(before.parentElement.textContent); continue; }
			r.lines++;
			if (b.left > a.left) { r.rightToLeft++; r.rtl.push(before.parentElement.textContent); }
		}
		return r;
	})()`
	type result struct {
		Lines       int      `json:"lines"`
		RightToLeft int      `json:"rightToLeft"`
		Wrapped     int      `json:"wrapped"`
		Bad         []string `json:"bad"`
		RTL         []string `json:"rtl"`
	}
	for _, tt := range []struct {
		lang        string
		rightToLeft bool
	}{{"fa", true}, {"en", false}} {
		b.Visit(a.srv.URL + "/lang/" + tt.lang + "?next=" + url.QueryEscape("/audit?group=changes"))
		got, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[result](order))
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if tt.rightToLeft {
			want = got.Lines
		}
		if got.Lines < 10 || got.RightToLeft != want || len(got.Bad) > 0 {
			t.Errorf("%s: %d of %d changes have the old value on the right (%q); %d wrap; the new value above the old: %q",
				tt.lang, got.RightToLeft, got.Lines, got.RTL, got.Wrapped, got.Bad)
		}
	}
	b.Visit(a.srv.URL + "/lang/fa?next=" + url.QueryEscape("/boards/"+itoa(board)))
	b.Visit(a.srv.URL + "/candidates/" + itoa(candidate))
	b.Visit(a.srv.URL + "/boards")
}
