package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/registration"
	"github.com/setad/setad/internal/store"
)

// The test election's windows in its timeline (testElectionDay, 2027-03-12, is 1405/12/21):
//
//	city registration      E−110 … E−103  2026-11-22 … 2026-11-29  1405/09/01 … 1405/09/08
//	village registration   E−77 … E−71    2026-12-25 … 2026-12-31  1405/10/04 … 1405/10/10
//	objections             E−68 … E−65    2027-01-03 … 2027-01-06  1405/10/13 … 1405/10/16
//	change of constituency E−110 … E−15   2026-11-22 … 2027-02-25  1405/09/01 … 1405/12/06
//	county boards          E−133 … E−129  2026-10-30 … 2026-11-03  1405/08/08 … 1405/08/12
//	district boards        E−100 … E−96   2026-12-02 … 2026-12-06  1405/09/11 … 1405/09/15
var (
	cityFrom, cityTo       = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	villageFrom, villageTo = time.Date(2026, 12, 25, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
)

// faText is a message in Persian as a page writes it, escaped.
func faText(key string, args ...i18n.Arg) string { return faHTML(key, args...) }

// lawMilestone reads the law's milestone with code, as the national HQ edits it.
func (a *testApp) lawMilestone(code string) store.Milestone {
	a.t.Helper()
	var id int64
	if err := a.st.Pool().QueryRow(a.t.Context(), `SELECT id FROM milestones WHERE code = $1 AND province_id IS NULL`, code).Scan(&id); err != nil {
		a.t.Fatal(err)
	}
	m, err := a.st.Milestone(a.t.Context(), auth.Scope{}, id)
	if err != nil {
		a.t.Fatal(err)
	}
	return m
}

// national is the national HQ's actor, who keeps the law's milestones.
func (a *testApp) national() audit.Actor {
	return audit.Actor{ID: a.ids["national"], Name: "national", Remote: "test"}
}

// retireLaw retires the law's milestone with code, as the national HQ would: the election's timeline has
// it no more.
func (a *testApp) retireLaw(code string) {
	a.t.Helper()
	m := a.lawMilestone(code)
	if err := a.st.RetireMilestone(a.t.Context(), a.national(), auth.Scope{}, m.ID, m.Version, true); err != nil {
		a.t.Fatal(err)
	}
}

// endLaw moves the last day of the law's milestone with code to endOffset days from election day.
func (a *testApp) endLaw(code string, endOffset int) {
	a.t.Helper()
	m := a.lawMilestone(code)
	in := store.MilestoneInput{TitleFa: m.TitleFa, TitleEn: m.TitleEn, DescriptionFa: m.DescriptionFa, DescriptionEn: m.DescriptionEn,
		LegalRef: m.LegalRef, Level: m.Level, ConstituencyKind: m.ConstituencyKind, StartOffset: m.StartOffset, EndOffset: endOffset,
		Gate: m.Gate, Position: m.Position}
	if err := a.st.UpdateMilestone(a.t.Context(), a.national(), auth.Scope{}, m.ID, m.Version, in); err != nil {
		a.t.Fatal(err)
	}
}

// A registration is held to the window that the election's timeline fixes for its constituency's kind:
// outside it the record has a problem naming the window's days, which the provincial HQ may override
// with a reason and a governor may not; a file's row outside it is refused; a correction is not held to
// it; without the milestone there is no window.
func TestRegistrationWindow(t *testing.T) {
	a := newTestApp(t)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) // 1405/09/05, within the city registration
	a.s.now = func() time.Time { return now }
	a.withElection()
	gov, hq := a.login("gov.marvdasht"), a.login("hq.fars")
	outside := faText("elig.outside_window", i18n.ArgDay("from", cityFrom), i18n.ArgDay("to", cityTo))
	if !strings.Contains(outside, "از ۱۴۰۵/۰۹/۰۱ تا ۱۴۰۵/۰۹/۰۸") {
		t.Fatalf("the window's Jalali days: %s", outside)
	}

	// Within the window: registered. The form shows both windows, each with its status in words.
	if res := a.post(gov, "/candidates", candidateForm("زهرا احمدی", nid(801), "marvdasht")); res.status != http.StatusSeeOther {
		t.Fatalf("within the window: %d\n%s", res.status, res.body)
	}
	inside := a.candidateID(nid(801))
	for _, page := range []string{a.get(gov, "/candidates/new").body, a.get(gov, "/candidates/import").body} {
		mustContain(t, page, "۱۴۰۵/۰۹/۰۱ تا ۱۴۰۵/۰۹/۰۸", faText("timeline.status.due_soon"), "۳ روز مانده",
			"۱۴۰۵/۱۰/۰۴ تا ۱۴۰۵/۱۰/۱۰", faText("timeline.status.upcoming"), "۲۹ روز تا شروع")
	}
	// A village registers in its own window, not in the cities'.
	res := a.post(gov, "/candidates", candidateForm("مریم احمدی", nid(802), "marvdasht-central"))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a village in the cities' window: %d", res.status)
	}
	mustContain(t, res.body, faText("elig.outside_window", i18n.ArgDay("from", villageFrom), i18n.ArgDay("to", villageTo)))

	// The day after the last: a governor is refused, without a way to override, even by posting a reason.
	now = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	late := candidateForm("سارا احمدی", nid(803), "marvdasht")
	for _, form := range []url.Values{late, withValue(late, "override_reason", "ثبت‌نام حضوری در مهلت انجام شده بود")} {
		res := a.post(gov, "/candidates", form)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("a governor outside the window: %d", res.status)
		}
		mustContain(t, res.body, outside, `value="سارا احمدی"`)
		mustNotContain(t, res.body, `name="override_reason"`)
	}
	// HQ is asked for a reason; without one nothing is registered.
	res = a.post(hq, "/candidates", late)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("HQ without a reason: %d", res.status)
	}
	mustContain(t, res.body, outside, `name="override_reason"`)
	res = a.post(hq, "/candidates", withValue(late, "override_reason", "  "))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("HQ with a blank reason: %d", res.status)
	}
	long := strings.Repeat("د", registration.MaxReason+1)
	res = a.post(hq, "/candidates", withValue(late, "override_reason", long))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("HQ with a reason over the limit: %d", res.status)
	}
	mustContain(t, res.body, faHTML("err.too_long_max", i18n.ArgNum("max", registration.MaxReason)), outside)
	if n := a.count(`SELECT count(*) FROM candidates WHERE national_id = $1`, nid(803)); n != 0 {
		t.Fatal("a registration outside the window was stored without HQ's reason")
	}
	// With a reason HQ registers it, and the override is recorded and shown.
	reason := "ثبت‌نام حضوری در مهلت انجام شده بود"
	if res := a.post(hq, "/candidates", withValue(late, "override_reason", reason)); res.status != http.StatusSeeOther {
		t.Fatalf("HQ with a reason: %d\n%s", res.status, res.body)
	}
	id := a.candidateID(nid(803))
	if n := a.count(`SELECT count(*) FROM candidate_overrides WHERE candidate_id = $1 AND field = 'constituency'
		AND code = 'outside_window' AND reason = $2 AND actor_id = $3`, id, reason, a.ids["hq.fars"]); n != 1 {
		t.Fatal("the override is not recorded as outside_window with HQ's reason")
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'candidate.register' AND entity_id = $1
		AND detail::text LIKE '%outside_window%'`, id); n != 1 {
		t.Error("the override is not in the registration's audit row")
	}
	mustContain(t, a.get(hq, "/candidates/"+id).body, faText("override.outside_window")+": "+reason)

	// The English page names the days in the reader's calendar.
	a.get(gov, "/lang/en")
	res = a.post(gov, "/candidates", candidateForm("Sara Ahmadi", nid(804), "marvdasht"))
	mustContain(t, res.body, "Under the election&#39;s timeline, candidates for this constituency register from 2026-11-22 to 2026-11-29 only.")
	a.get(gov, "/lang/fa")

	// A correction of a record registered within the window is not held to it.
	edit := candidateForm("زهرا احمدی", nid(801), "marvdasht")
	edit.Set("occupation", "پرستار")
	edit.Set("version", "1")
	if res := a.post(gov, "/candidates/"+inside+"/edit", edit); res.status != http.StatusSeeOther {
		t.Fatalf("a correction after the window: %d\n%s", res.status, res.body)
	}
	if n := a.count(`SELECT count(*) FROM candidates WHERE id = $1 AND occupation = 'پرستار'`, inside); n != 1 {
		t.Fatal("the correction was not stored")
	}

	// A file's rows outside the window are refused with the reason, HQ's file as the governor's: a file
	// carries no judgement.
	file := importHeader +
		"لیلا کریمی,حسن," + nid(805) + ",female,1370/01/15,bachelor,,marvdasht,,,0,,0,1405/08/20,\n" +
		"نرگس کریمی,حسن," + nid(806) + ",female,1370/01/15,bachelor,,marvdasht,,,0,,0,1405/08/20,\n"
	for _, c := range []*http.Client{gov, hq} {
		res := a.upload(c, "late.csv", []byte(file))
		mustContain(t, res.body, "۰ ردیف آماده ورود و ۲ ردیف رد شده")
		records := a.rejectedCSV(c, res)
		if len(records) != 3 || !strings.Contains(records[1][16], i18n.Message(i18n.Fa, "elig.outside_window",
			i18n.ArgDay("from", cityFrom), i18n.ArgDay("to", cityTo))) {
			t.Fatalf("rejected rows: %q", records)
		}
	}
	// Within the window the same file is ready; once the window has closed, its confirmation is refused
	// and nothing is imported: the rows would be registered outside it.
	now = time.Date(2026, 11, 29, 20, 29, 0, 0, time.UTC) // 1405/09/08 23:59 in Tehran, the last minute
	preview := a.upload(gov, "late.csv", []byte(file))
	mustContain(t, preview.body, "۲ ردیف آماده ورود و ۰ ردیف رد شده")
	now = time.Date(2026, 11, 29, 20, 30, 0, 0, time.UTC) // 1405/09/09 00:00 in Tehran
	m := confirmID.FindStringSubmatch(preview.body)
	if m == nil {
		t.Fatal("no confirmation in the preview")
	}
	res = a.upload(gov, "", nil, "import", m[1], "confirm", "yes")
	if res.status != http.StatusConflict {
		t.Fatalf("a confirmation after the window closed: %d", res.status)
	}
	mustContain(t, res.body, faText("err.import_stale", i18n.ArgText("lines", "۲، ۳")))
	if n := a.count(`SELECT count(*) FROM candidates WHERE national_id IN ($1, $2)`, nid(805), nid(806)); n != 0 {
		t.Fatalf("%d rows imported after the window closed", n)
	}
	mustContain(t, a.upload(gov, "late.csv", []byte(file)).body, "۰ ردیف آماده ورود و ۲ ردیف رد شده")
	// A village row is not held to the cities' window.
	now = villageRegistration
	village := importHeader + "لیلا کریمی,حسن," + nid(805) + ",female,1370/01/15,bachelor,,marvdasht-central,,,0,,0,1405/08/20,\n"
	preview = a.upload(gov, "village.csv", []byte(village))
	mustContain(t, preview.body, "۱ ردیف آماده ورود و ۰ ردیف رد شده")
	a.confirmImport(gov, preview)

	// An election whose timeline has no city registration has no window to check, and says so.
	a.retireLaw("registration-city")
	now = time.Date(2026, 12, 10, 10, 0, 0, 0, time.UTC)
	mustContain(t, a.get(gov, "/candidates/new").body, faText("window.no_registration"), "۱۴۰۵/۱۰/۰۴ تا ۱۴۰۵/۱۰/۱۰")
	rules := a.get(gov, "/candidates/rules").body
	mustContain(t, rules, faText("window.no_registration"), faText("gate.registration_city"), "۱۴۰۵/۱۰/۰۴ تا ۱۴۰۵/۱۰/۱۰")
	if res := a.post(gov, "/candidates", candidateForm("سارا احمدی", nid(807), "marvdasht")); res.status != http.StatusSeeOther {
		t.Fatalf("without a window: %d\n%s", res.status, res.body)
	}
	// The villages' window still holds.
	if res := a.post(gov, "/candidates", candidateForm("مریم احمدی", nid(802), "marvdasht-central")); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a village outside its window: %d", res.status)
	}
}

// withValue is a copy of form with name set to value.
func withValue(form url.Values, name, value string) url.Values {
	c := url.Values{}
	for k, v := range form {
		c[k] = append([]string(nil), v...)
	}
	c.Set(name, value)
	return c
}

// The objection window and the last day of a change of constituency come from the election's timeline:
// the end of the milestone's last day in Tehran, whenever the result was announced; moved by the national
// HQ, they move; without the milestone, the rule's numbers count.
func TestLifecycleWindowsFromTimeline(t *testing.T) {
	a := newTestApp(t)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	a.s.now = func() time.Time { return now }
	a.withElection()
	gov := a.login("gov.marvdasht")
	n := 900
	announced := func() string {
		t.Helper()
		n++
		if res := a.post(gov, "/candidates", candidateForm("نامزد", nid(n), "marvdasht")); res.status != http.StatusSeeOther {
			t.Fatalf("register: %d", res.status)
		}
		id := a.candidateID(nid(n))
		for v, to := range []string{"under_review", "exec_approved", "supervision_review", "preliminary_announced"} {
			if res := a.post(gov, "/candidates/"+id+"/status", url.Values{"status": {to}, "version": {itoa(int64(v + 1))}}); res.status != http.StatusSeeOther {
				t.Fatalf("%s: %d", to, res.status)
			}
		}
		return id
	}
	object := func(id string) response {
		t.Helper()
		return a.post(gov, "/candidates/"+id+"/status", url.Values{"status": {"objection_filed"}, "version": {"5"}})
	}
	// All announced on 1405/09/05, five weeks before the timeline's objection window.
	first, second, third, fourth, mover, stayer := announced(), announced(), announced(), announced(), announced(), announced()

	// The candidate's page shows both windows, with their days, status and days in words.
	page := a.get(gov, "/candidates/"+first).body
	mustContain(t, page, faText("gate.objection"), "۱۴۰۵/۱۰/۱۳ تا ۱۴۰۵/۱۰/۱۶", faText("timeline.status.upcoming"), "۳۸ روز تا شروع",
		faText("gate.constituency_change"), "۱۴۰۵/۰۹/۰۱ تا ۱۴۰۵/۱۲/۰۶", faText("timeline.status.open"), "۹۱ روز مانده",
		"مهلت اعتراض تا ۱۴۰۵/۱۰/۱۶ ۲۳:۵۹")

	// The rule's four days from the announcement are long over; the timeline's window is not.
	now = time.Date(2026, 12, 20, 10, 0, 0, 0, time.UTC)
	if res := object(first); res.status != http.StatusSeeOther {
		t.Fatalf("an objection within the timeline's window: %d\n%s", res.status, res.body)
	}
	now = time.Date(2027, 1, 6, 20, 29, 0, 0, time.UTC) // 1405/10/16 23:59 in Tehran
	mustContain(t, a.get(gov, "/candidates/"+second).body, faText("timeline.status.due_soon"), "امروز آخرین روز")
	if res := object(second); res.status != http.StatusSeeOther {
		t.Fatalf("an objection in the last minute: %d", res.status)
	}
	now = time.Date(2027, 1, 6, 20, 30, 0, 0, time.UTC) // 1405/10/17 00:00 in Tehran
	res := object(third)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("an objection after the window: %d", res.status)
	}
	mustContain(t, res.body, faText("err.objection_closed"))
	mustContain(t, a.get(gov, "/candidates/"+third).body, faText("timeline.status.past"), "۱ روز گذشته")

	// The national HQ extends the window to E−60 (1405/10/21): the objection is accepted.
	a.endLaw("objections", -60)
	mustContain(t, a.get(gov, "/candidates/"+third).body, "۱۴۰۵/۱۰/۱۳ تا ۱۴۰۵/۱۰/۲۱", "۴ روز مانده")
	if res := object(third); res.status != http.StatusSeeOther {
		t.Fatalf("an objection within the extended window: %d", res.status)
	}
	// Without the milestone the rule counts: four days from the announcement, closed long ago.
	a.retireLaw("objections")
	page = a.get(gov, "/candidates/"+fourth).body
	mustContain(t, page, "۱۴۰۵/۰۹/۰۵ تا ۱۴۰۵/۰۹/۰۹", faText("timeline.status.past"), "مهلت اعتراض تا ۱۴۰۵/۰۹/۰۹ ۲۳:۵۹")
	if res := object(fourth); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("an objection past the rule's days: %d", res.status)
	}

	// The change of constituency: until the end of the timeline's last day, E−15 (1405/12/06) here, then
	// until E−30 (1405/11/21) when the national HQ moves it.
	change := func(id string) response {
		t.Helper()
		return a.post(gov, "/candidates/"+id+"/constituency", url.Values{"constituency": {"marvdasht-central"}, "version": {"5"}})
	}
	now = time.Date(2027, 2, 25, 20, 30, 0, 0, time.UTC) // 1405/12/07 00:00 in Tehran
	res = change(stayer)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a change after the timeline's last day: %d", res.status)
	}
	mustContain(t, res.body, faText("err.change_too_late", i18n.ArgDay("date", time.Date(2027, 2, 25, 0, 0, 0, 0, time.UTC))), "۱۴۰۵/۱۲/۰۶")
	now = time.Date(2027, 2, 25, 20, 29, 0, 0, time.UTC) // 1405/12/06 23:59 in Tehran
	if res := change(mover); res.status != http.StatusSeeOther {
		t.Fatalf("a change in the last minute: %d\n%s", res.status, res.body)
	}
	a.endLaw("constituency-change", -30)
	now = time.Date(2027, 2, 11, 10, 0, 0, 0, time.UTC)
	res = change(stayer)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a change after the moved last day: %d", res.status)
	}
	mustContain(t, res.body, faText("err.change_too_late", i18n.ArgDay("date", time.Date(2027, 2, 10, 0, 0, 0, 0, time.UTC))), "۱۴۰۵/۱۱/۲۱")
	// Without the milestone, the rule's E−15 counts again.
	a.retireLaw("constituency-change")
	if res := change(stayer); res.status != http.StatusSeeOther {
		t.Fatalf("a change before the rule's E−15: %d\n%s", res.status, res.body)
	}
}

// The board's page shows its formation window and whether it is late, in red and in words: formed when
// first submitted, late when first submitted after the window's last day or not yet submitted after it.
// Lateness locks nothing. The list flags each late board.
func TestBoardFormationLate(t *testing.T) {
	a := newTestApp(t)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) // after the county boards' window, before the districts'
	a.s.now = func() time.Time { return now }
	a.withElection()
	gov, hq := a.login("gov.marvdasht"), a.login("hq.fars")
	board, district := a.boardID("marvdasht", ""), a.boardID("marvdasht", "marvdasht-central")
	lateBadges := func(c *http.Client, query string) int {
		t.Helper()
		return strings.Count(a.get(c, "/boards"+query).body, `badge-bad">`+faText("boards.late")+`<`)
	}

	page := a.get(gov, "/boards/"+board).body
	mustContain(t, page, faText("gate.board_county"), "۱۴۰۵/۰۸/۰۸ تا ۱۴۰۵/۰۸/۱۲", faText("timeline.status.overdue"), "۲۳ روز گذشته",
		`<p class="alert alert-error">`+faText("boards.late_unformed", i18n.ArgNum("n", 23))+`</p>`, faText("boards.late_never_locks"))
	page = a.get(gov, "/boards/"+district).body
	mustContain(t, page, faText("gate.board_district"), "۱۴۰۵/۰۹/۱۱ تا ۱۴۰۵/۰۹/۱۵", faText("timeline.status.upcoming"), "۶ روز تا شروع")
	mustNotContain(t, page, faText("boards.late_never_locks"), "alert-error")
	if n := lateBadges(gov, ""); n != 1 {
		t.Fatalf("%d late boards in the governor's list, want his county's one", n)
	}
	counties := a.count(`SELECT count(*) FROM counties`)
	if n := lateBadges(hq, "?level=county"); n != min(counties, boardPageSize) {
		t.Fatalf("%d late county boards in HQ's list, want every one of the page (%d counties)", n, counties)
	}

	// Late, the board is composed and submitted as any other.
	a.composeLegal(gov, board)
	if res := a.post(gov, "/boards/"+board+"/submit", nil); res.status != http.StatusSeeOther {
		t.Fatalf("submitting a late board: %d\n%s", res.status, res.body)
	}
	firstSubmitted := func(at string) {
		t.Helper()
		if _, err := a.st.Pool().Exec(t.Context(), `UPDATE board_submissions SET submitted_at = $2 WHERE board_id = $1 AND number = 1`,
			board, at); err != nil {
			t.Fatal(err)
		}
	}
	firstSubmitted("2026-11-05 10:00:00+03:30") // 1405/08/14, two days after the window
	page = a.get(gov, "/boards/"+board).body
	mustContain(t, page, faText("timeline.status.done"), `<p class="alert alert-error">`+faText("boards.formed_late", i18n.ArgNum("n", 2))+`</p>`)
	mustNotContain(t, page, faText("boards.late_unformed", i18n.ArgNum("n", 23)))
	if n := lateBadges(gov, ""); n != 1 {
		t.Fatalf("%d late boards after a late submission, want 1", n)
	}
	firstSubmitted("2026-11-03 23:59:00+03:30") // the last minute of the window
	page = a.get(gov, "/boards/"+board).body
	mustContain(t, page, faText("boards.formed_on", i18n.ArgDay("date", time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC))), "۱۴۰۵/۰۸/۱۲")
	mustNotContain(t, page, "alert-error", faText("boards.late_never_locks"))
	if n := lateBadges(gov, ""); n != 0 {
		t.Fatalf("%d late boards after a submission within the window, want none", n)
	}

	// Past the districts' window, every district board not yet submitted is late.
	now = time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	districts := a.count(`SELECT count(*) FROM districts d JOIN counties c ON c.id = d.county_id WHERE c.code = 'marvdasht'`)
	if n := lateBadges(gov, ""); n != districts || districts == 0 {
		t.Fatalf("%d late boards, want the %d districts'", n, districts)
	}
	a.get(gov, "/lang/en")
	mustContain(t, a.get(gov, "/boards/"+district).body, "Late: not submitted yet, 2 days after its window closed.")
	a.get(gov, "/lang/fa")

	// Without the milestone the timeline sets no window, and nothing is late.
	a.retireLaw("boards-district")
	page = a.get(gov, "/boards/"+district).body
	mustContain(t, page, faText("window.no_formation"))
	mustNotContain(t, page, "alert-error")
	if n := lateBadges(gov, ""); n != 0 {
		t.Fatalf("%d late boards without the districts' window, want none", n)
	}
}
