package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

// notice inserts a notification for a test user, as a change that concerns him would.
func (a *testApp) notice(username, kind, subject string, subjectID int64, title string) int64 {
	a.t.Helper()
	var id int64
	if err := a.st.Pool().QueryRow(context.Background(), `
		INSERT INTO notifications (user_id, kind, subject, subject_id, title) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		a.ids[username], kind, subject, subjectID, title).Scan(&id); err != nil {
		a.t.Fatal(err)
	}
	return id
}

// The inbox lists the user's own notices, counts the unread ones in every page's header, opens one at the
// address its subject gives (never one the form names) and marks them read one by one or all at once.
func TestNotificationInbox(t *testing.T) {
	a := newTestApp(t)
	returned := a.notice("gov.marvdasht", "board_returned", "board", 7, "هیئت اجرایی شهرستان مرودشت")
	a.notice("gov.marvdasht", "milestone_due", "milestone", 3, "گزارش شهرستان")
	other := a.notice("gov.pasargad", "task_new", "task", 9, "کار پاسارگاد")
	gov := a.login("gov.marvdasht")

	home := a.get(gov, "/")
	mustContain(t, home.body, `href="/notifications"`, `<span class="inbox-count" aria-hidden="true">۲</span>`, "۲ اعلان خوانده‌نشده")
	res := a.get(gov, "/notifications")
	if res.status != http.StatusOK {
		t.Fatalf("inbox: %d", res.status)
	}
	fresh, digest, _ := strings.Cut(res.body, `id="digest-h"`)
	// The unread ones, the returned board (an event) and the milestone (a reminder), are both at the top,
	// as many as the header counts; the digest below holds none of them.
	mustContain(t, fresh, "هیئت اجرایی شهرستان مرودشت", "هیئت اجرایی برای اصلاح بازگشت", "گزارش شهرستان")
	if n := strings.Count(fresh, "notice-unread"); n != 2 {
		t.Errorf("%d unread notices at the top, the header counts 2", n)
	}
	mustNotContain(t, digest, "گزارش شهرستان", "notice-unread")
	mustNotContain(t, res.body, "کار پاسارگاد")

	// Another user's notice is not his to mark.
	if res := a.post(gov, "/notifications/read", url.Values{"id": {itoa(other)}}); res.status != http.StatusNotFound {
		t.Fatalf("marking another's notice: %d", res.status)
	}
	if res := a.post(gov, "/notifications/read", url.Values{"id": {"x"}}); res.status != http.StatusNotFound {
		t.Fatalf("marking a malformed id: %d", res.status)
	}
	// Opening goes to the board, whatever else the form says.
	res = a.post(gov, "/notifications/read", url.Values{"id": {itoa(returned)}, "open": {"1"}, "next": {"https://evil.example/"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/boards/7" {
		t.Fatalf("open: %d %s", res.status, res.header.Get("Location"))
	}
	mustContain(t, a.get(gov, "/").body, `<span class="inbox-count" aria-hidden="true">۱</span>`)
	res = a.post(gov, "/notifications/read", url.Values{"all": {"1"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/notifications" {
		t.Fatalf("read all: %d %s", res.status, res.header.Get("Location"))
	}
	if n := a.count(`SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, a.ids["gov.marvdasht"]); n != 0 {
		t.Fatalf("%d unread after reading all", n)
	}
	if n := a.count(`SELECT count(*) FROM notifications WHERE read_at IS NULL`); n != 1 {
		t.Fatalf("reading all read another's too: %d unread left", n)
	}
	mustNotContain(t, a.get(gov, "/").body, `class="inbox-count"`)
	res = a.get(gov, "/notifications")
	mustContain(t, res.body, "اعلان تازه‌ای ندارید.", "هیئت اجرایی شهرستان مرودشت")
	// Read, they are in the day's digest, the reminder counted by its kind.
	_, digest, _ = strings.Cut(res.body, `id="digest-h"`)
	mustContain(t, digest, "گزارش شهرستان", "۱ مرحله نزدیک مهلت", "هیئت اجرایی شهرستان مرودشت")

	// A cross-site post changes nothing.
	a.notice("gov.marvdasht", "task_new", "task", 10, "t")
	if res := a.do(gov, http.MethodPost, "/notifications/read", url.Values{"all": {"1"}}, "Sec-Fetch-Site", "cross-site"); res.status != http.StatusForbidden {
		t.Fatalf("cross-site: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, a.ids["gov.marvdasht"]); n != 1 {
		t.Fatalf("a cross-site post marked notices read")
	}
	// In English, too.
	en := a.get(gov, "/lang/en?next=/notifications")
	_ = en
	mustContain(t, a.get(gov, "/notifications").body, "Notifications", "1 unread notification")
}

// Marking all read when none is unread writes nothing, not even an audit row, and says so.
func TestNotificationReadAllWithNoneUnread(t *testing.T) {
	a := newTestApp(t)
	a.notice("gov.marvdasht", "task_new", "task", 9, "کار مرودشت")
	gov := a.login("gov.marvdasht")
	if res := a.post(gov, "/notifications/read", url.Values{"all": {"1"}}); res.status != http.StatusSeeOther {
		t.Fatalf("read all: %d", res.status)
	}
	res := a.post(gov, "/notifications/read", url.Values{"all": {"1"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/notifications" {
		t.Fatalf("read all again: %d %s", res.status, res.header.Get("Location"))
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'notification.read_all'`); n != 1 {
		t.Fatalf("%d read-all rows audited, want the first only", n)
	}
	body := a.get(gov, "/notifications").body
	mustContain(t, body, "اعلان خوانده‌نشده‌ای نبود؛ چیزی تغییر نکرد.")
	mustNotContain(t, body, "همه اعلان‌ها خوانده‌شده علامت خوردند.")
}

// Every kind of notice is named in both languages, alone and counted, as the inbox and its digest name it.
func TestNoticeKindsNamed(t *testing.T) {
	for kind := range store.NoticeKinds {
		for _, lang := range []i18n.Lang{i18n.Fa, i18n.En} {
			for _, key := range []string{"notices.kind." + kind, "notices.count." + kind} {
				if got := i18n.Message(lang, key, i18n.ArgNum("n", 2)); got == key || got == "" || strings.Contains(got, "{") {
					t.Errorf("%s in %v: %q", key, lang, got)
				}
			}
		}
	}
}

// A notice's title is shown in the reader's language when its subject has one in it (a board's place),
// whatever language he read in when he was told; a title written in one language only (a circular's) is
// shown as written, marked as Persian in the English inbox.
func TestNoticeTitlesInTheReadersLanguage(t *testing.T) {
	a := newTestApp(t)
	for _, n := range []struct{ kind, subject, fa, en string }{
		{"board_returned", "board", "هیئت اجرایی شهرستان مرودشت", "Executive board of Marvdasht"},
		{"guidance_new", "guidance", "دستورالعمل ثبت‌نام", ""},
	} {
		if _, err := a.st.Pool().Exec(context.Background(), `INSERT INTO notifications (user_id, kind, subject, subject_id, title, title_en)
			VALUES ($1, $2, $3, 1, $4, $5)`, a.ids["gov.marvdasht"], n.kind, n.subject, n.fa, n.en); err != nil {
			t.Fatal(err)
		}
	}
	gov := a.login("gov.marvdasht")
	fa := a.get(gov, "/notifications").body
	mustContain(t, fa, "هیئت اجرایی شهرستان مرودشت", "دستورالعمل ثبت‌نام")
	mustNotContain(t, fa, "Executive board of Marvdasht")

	a.get(gov, "/lang/en")
	en := a.get(gov, "/notifications").body
	mustContain(t, en, "Executive board of Marvdasht", "Executive board returned for correction",
		`<bdi lang="fa" dir="rtl">دستورالعمل ثبت‌نام</bdi>`, "(in Persian)")
	mustNotContain(t, en, "هیئت اجرایی شهرستان مرودشت")
}
