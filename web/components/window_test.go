package components

import (
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/i18n"
)

// A window shows its days in the reader's calendar (only its last day when its first is not known), its
// status as a badge of a matching tone with the status's words, and its days in words; a window the
// timeline does not set says why instead.
func TestWindows(t *testing.T) {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	tehran := i18n.Tehran
	for _, tt := range []struct {
		name string
		lang i18n.Lang
		w    Window
		want []string
	}{
		{"open, in Persian", i18n.Fa, NewWindow("ثبت‌نام", day(11, 22), day(11, 29), time.Date(2026, 11, 20, 12, 0, 0, 0, tehran), false, false),
			[]string{"<dt>ثبت‌نام</dt>", "۱۴۰۵/۰۹/۰۱ تا ۱۴۰۵/۰۹/۰۸ ", `badge-draft">پیش رو<`, "<span>۲ روز تا شروع</span>"}},
		{"due soon, in English", i18n.En, NewWindow("Registration", day(11, 22), day(11, 29), time.Date(2026, 11, 26, 12, 0, 0, 0, tehran), false, false),
			[]string{"2026-11-22 to 2026-11-29", `badge-warn">Due within 3 days<`, "<span>3 days left</span>"}},
		{"open for weeks", i18n.En, NewWindow("Change", day(11, 22), day(12, 31), time.Date(2026, 11, 26, 12, 0, 0, 0, tehran), false, false),
			[]string{`badge-ok">Open now<`, "<span>35 days left</span>"}},
		{"last day, at 23:59 in Tehran", i18n.En, NewWindow("R", day(11, 22), day(11, 29), time.Date(2026, 11, 29, 23, 59, 0, 0, tehran), false, false),
			[]string{`badge-warn">`, "<span>Last day today</span>"}},
		{"closed, nobody's task", i18n.En, NewWindow("R", day(11, 22), day(11, 29), time.Date(2026, 11, 30, 0, 0, 0, 0, tehran), false, false),
			[]string{`badge-draft">Closed<`, "<span>1 day ago</span>"}},
		{"closed, someone's task not done", i18n.En, NewWindow("Board", day(11, 22), day(11, 29), time.Date(2026, 12, 2, 9, 0, 0, 0, tehran), false, true),
			[]string{`badge-bad">Overdue<`, "<span>3 days ago</span>"}},
		{"done: no days in words", i18n.En, NewWindow("Board", day(11, 22), day(11, 29), time.Date(2026, 12, 2, 9, 0, 0, 0, tehran), true, true),
			[]string{`badge-ok">Done<`}},
		{"only the last day known", i18n.Fa, NewWindow("تغییر", time.Time{}, day(12, 31), time.Date(2026, 12, 1, 9, 0, 0, 0, tehran), false, false),
			[]string{"<dd>تا ۱۴۰۵/۱۰/۱۰ <span", "<span>۳۰ روز مانده</span>"}},
		{"one day", i18n.En, NewWindow("Order", day(11, 22), day(11, 22), time.Date(2026, 11, 20, 9, 0, 0, 0, tehran), false, true),
			[]string{"<dd>2026-11-22 <span", "Starts in 2 days"}},
		{"no window", i18n.En, NoWindow("Registration", i18n.M("window.no_registration")),
			[]string{"<dt>Registration</dt><dd>The election&#39;s timeline sets no registration window: registration is not limited by date.</dd>"}},
	} {
		got := render(t, tt.lang, Windows("t", []Window{tt.w}))
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %s lacks %q", tt.name, got, w)
			}
		}
		if strings.Contains(got, "badge") != tt.w.None.IsZero() {
			t.Errorf("%s: a badge where there is no window, or none where there is: %s", tt.name, got)
		}
	}
	if got := render(t, i18n.En, Windows("t", nil)); got != "" {
		t.Errorf("no windows wrote %q", got)
	}
}
