package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
)

// inbox reads a fixture user's notifications, newest first, as kind and title.
func (f *fixture) inbox(username string) []store.Notification {
	f.t.Helper()
	ns, err := f.st.Inbox(f.ctx, f.mustID(f.user, username))
	if err != nil {
		f.t.Fatal(err)
	}
	return ns
}

// HQ's decisions on a board tell its composer, the county's governor, and nobody else; reading is the
// reader's own.
func TestBoardDecisionsNotifyTheComposer(t *testing.T) {
	f := newFixture(t)
	if _, err := f.st.AddElection(f.ctx, audit.System, store.NewElection{Code: "e", Kind: "councils", TitleFa: "ا",
		TitleEn: "E", ElectionDay: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), Current: true}); err != nil {
		t.Fatal(err)
	}
	var board int64
	f.scan(`SELECT b.id FROM boards b JOIN counties c ON c.id = b.county_id WHERE c.code = 'marvdasht' AND b.level = 'county'`, nil, &board)
	gov, hq := f.as("gov.marvdasht"), f.as("hq.fars")
	composeLegal(t, f, board, gov)
	if err := f.st.SubmitBoard(f.ctx, gov, f.governor("marvdasht"), board); err != nil {
		t.Fatal(err)
	}
	if err := f.st.ReturnBoard(f.ctx, hq, f.hq("fars"), board, 1, "submitted", "fix"); err != nil {
		t.Fatal(err)
	}
	ns := f.inbox("gov.marvdasht")
	if len(ns) != 1 || ns[0].Kind != store.NoticeBoardReturned || ns[0].Subject != "board" || ns[0].SubjectID != board ||
		ns[0].Title != "هیئت اجرایی شهرستان مرودشت" || ns[0].TitleEn != "Executive board of Marvdasht" || ns[0].ReadAt != nil || ns[0].Reminder() {
		t.Fatalf("governor's inbox after a return: %+v", ns)
	}
	for _, other := range []string{"gov.pasargad", "dh.marvdasht-central", "hq.fars", "committee.fars"} {
		if ns := f.inbox(other); len(ns) != 0 {
			t.Fatalf("%s was told: %+v", other, ns)
		}
	}
	if err := f.st.SubmitBoard(f.ctx, gov, f.governor("marvdasht"), board); err != nil {
		t.Fatal(err)
	}
	if err := f.st.ApproveBoard(f.ctx, hq, f.hq("fars"), board, 2); err != nil {
		t.Fatal(err)
	}
	if err := f.st.ReopenBoard(f.ctx, hq, f.hq("fars"), board, 2, "approved", "a member registered"); err != nil {
		t.Fatal(err)
	}
	ns = f.inbox("gov.marvdasht")
	if len(ns) != 3 || ns[0].Kind != store.NoticeBoardReopened || ns[1].Kind != store.NoticeBoardApproved {
		t.Fatalf("governor's inbox: %+v", ns)
	}

	// Another user's notice is not found for him; his own is marked once.
	if _, err := f.st.MarkRead(f.ctx, f.as("gov.pasargad"), f.province["fars"], ns[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("marking another's notice: %v", err)
	}
	n, err := f.st.MarkRead(f.ctx, gov, f.province["fars"], ns[0].ID)
	if err != nil || n.ReadAt == nil || n.Subject != "board" || n.SubjectID != board || n.TitleEn != "Executive board of Marvdasht" {
		t.Fatalf("MarkRead = %+v, %v", n, err)
	}
	if got := f.count(`SELECT count(*) FROM notifications WHERE read_at IS NULL`); got != 2 {
		t.Fatalf("%d unread after one is read, want 2", got)
	}
	if _, err := f.st.MarkRead(f.ctx, gov, f.province["fars"], 0); err != nil {
		t.Fatal(err)
	}
	if got := f.count(`SELECT count(*) FROM notifications WHERE read_at IS NULL`); got != 0 {
		t.Fatalf("%d unread after all are read", got)
	}
	if f.auditCount("notification.read") != 1 || f.auditCount("notification.read_all") != 1 {
		t.Fatal("reading is not audited")
	}
	// Returned twice before the governor reads the first notice: one unread notice, not two.
	for i, submission := range []int{3, 4} {
		if err := f.st.SubmitBoard(f.ctx, gov, f.governor("marvdasht"), board); err != nil {
			t.Fatal(err)
		}
		if err := f.st.ReturnBoard(f.ctx, hq, f.hq("fars"), board, submission, "submitted", "fix again"); err != nil {
			t.Fatal(err)
		}
		if got := f.count(`SELECT count(*) FROM notifications WHERE kind = 'board_returned' AND read_at IS NULL`); got != 1 {
			t.Fatalf("after return %d: %d unread return notices, want 1", i+1, got)
		}
	}
	if got := f.count(`SELECT count(*) FROM notifications WHERE kind = 'board_returned'`); got != 2 {
		t.Fatalf("%d return notices in all, want the one read and the one unread", got)
	}
	f.verifyChain()
}

// The sweep tells each place of its milestones due within three days that it has not marked, once
// however often it runs; a place that marked it, or a user disabled, is not told.
func TestSweepTellsMilestonesComingDue(t *testing.T) {
	f := newFixture(t)
	day := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	if _, err := f.st.AddElection(f.ctx, audit.System, store.NewElection{Code: "e", Kind: "councils", TitleFa: "ا",
		TitleEn: "E", ElectionDay: day, Current: true}); err != nil {
		t.Fatal(err)
	}
	hq := f.as("hq.fars")
	county := f.addMilestone(hq, f.hq("fars"), store.MilestoneInput{Kind: "councils", Code: "report", TitleFa: "گزارش شهرستان",
		TitleEn: "County report", Level: "county", StartOffset: -20, EndOffset: -10})
	district := f.addMilestone(hq, f.hq("fars"), store.MilestoneInput{Kind: "councils", Code: "dreport", TitleFa: "گزارش بخش",
		TitleEn: "District report", Level: "district", StartOffset: -20, EndOffset: -5})
	// Tehran noon, three days before the county milestone's last day (day - 10): due; the district's (day - 5) not yet.
	now := time.Date(2027, 2, 16, 8, 30, 0, 0, time.UTC)
	e, err := f.st.CurrentElection(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.MarkDone(f.ctx, f.as("gov.pasargad"), f.governor("pasargad"), e.ID, county, f.county["pasargad"], 0, ""); err != nil {
		t.Fatal(err)
	}
	// The governor reads in English: the notice keeps both titles, for whichever language he reads it in.
	f.exec(`UPDATE users SET lang = 'en' WHERE username = 'gov.marvdasht'`)
	n, err := f.st.SweepNotices(f.ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("sweep told %d, want 1 (Marvdasht's governor)", n)
	}
	ns := f.inbox("gov.marvdasht")
	if len(ns) != 1 || ns[0].Kind != store.NoticeMilestoneDue || ns[0].SubjectID != county || ns[0].Title != "گزارش شهرستان" ||
		ns[0].TitleEn != "County report" || !ns[0].Reminder() {
		t.Fatalf("governor's inbox: %+v", ns)
	}
	for _, u := range []string{"gov.pasargad", "dh.marvdasht-central", "hq.fars", "gov.shemiranat"} {
		if len(f.inbox(u)) != 0 {
			t.Fatalf("%s was told", u)
		}
	}
	if n, err := f.st.SweepNotices(f.ctx, now.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("second sweep told %d, %v", n, err)
	}
	// Five days later the district milestone is due for both Marvdasht districts' heads.
	if n, err := f.st.SweepNotices(f.ctx, now.AddDate(0, 0, 5)); err != nil || n != 2 {
		t.Fatalf("sweep told %d, %v; want the two district heads", n, err)
	}
	if ns := f.inbox("dh.marvdasht-dorudzan"); len(ns) != 1 || ns[0].SubjectID != district {
		t.Fatalf("district head's inbox: %+v", ns)
	}
	if f.auditCount("notification.sweep") != 2 {
		t.Fatalf("sweeps that told someone are not audited: %d", f.auditCount("notification.sweep"))
	}
	f.verifyChain()
}

// A committee member taken off his committee keeps his account and his province; the committees of a
// province are its own.
func TestCommitteeMemberWithoutCommittee(t *testing.T) {
	f := newFixture(t)
	id := f.mustID(f.user, "committee.fars")
	f.exec(`UPDATE users SET committee_key = NULL WHERE id = $1`, id)
	u, err := f.st.ActiveUser(f.ctx, id)
	if err != nil || u.Committee != "" || u.ProvinceID != f.province["fars"] || u.Principal().Scope != (auth.Scope{ProvinceID: f.province["fars"]}) {
		t.Fatalf("member without a committee: %+v, %v", u, err)
	}
	// A committee of another province is not one of Fars.
	if _, err := f.st.Pool().Exec(f.ctx, `UPDATE users SET committee_key = 'x_tehran' WHERE id = $1`, id); err == nil {
		t.Fatal("a committee that Fars does not have was accepted")
	}
}

// A notice stays in the inbox while it is unread, however old: the header counts it, so the inbox must
// show it, and it can be read or marked read there. A read one leaves the inbox after InboxDays.
func TestInboxKeepsUnreadNoticesPastItsDays(t *testing.T) {
	f := newFixture(t)
	user := f.mustID(f.user, "gov.marvdasht")
	add := func(title string, age time.Duration, read bool) {
		f.exec(`INSERT INTO notifications (user_id, kind, subject, subject_id, title, created_at, read_at)
			VALUES ($1, 'answer_new', 'question', 1, $2, now() - $3::interval, CASE WHEN $4 THEN now() END)`,
			user, title, age.String(), read)
	}
	add("old read", 40*24*time.Hour, true)
	add("old unread", 40*24*time.Hour, false)
	add("new read", time.Hour, true)
	add("new unread", time.Minute, false)
	var titles []string
	for _, n := range f.inbox("gov.marvdasht") {
		titles = append(titles, n.Title)
	}
	if want := []string{"new unread", "new read", "old unread"}; !slices.Equal(titles, want) {
		t.Fatalf("inbox = %q, want %q", titles, want)
	}
}
