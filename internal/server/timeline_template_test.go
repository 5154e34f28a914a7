package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/setad/setad/internal/i18n"
)

// milestoneForm is a milestone's form as its page fills it, with changes.
func milestoneForm(version string, kv ...string) url.Values {
	f := url.Values{"title_fa": {"فهرست شعب"}, "title_en": {"Polling stations"}, "level": {"county"}, "start_offset": {"-30"},
		"end_offset": {"-20"}, "version": {version}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return f
}

// Every role reads the current election kind's milestones: the law's and its province's, each with its
// offsets in words, its dates in this election, its level, what it governs and its legal reference.
func TestMilestoneTemplatePage(t *testing.T) {
	a := newTestApp(t)
	_, due := a.withTimeline()
	registration := a.milestoneID("registration-city")
	for _, u := range []string{"hq.fars", "gov.marvdasht", "dh.marvdasht", "committee", "observer", "national"} {
		res := a.get(a.login(u), "/timeline/template")
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d", u, res.status)
		}
		mustContain(t, res.body, `href="/timeline/template/`+ms(registration)+`"`, "ثبت‌نام داوطلبان شوراهای شهر",
			faHTML("timeline.offsets_before", i18n.ArgNum("from", 110), i18n.ArgNum("to", 103)), "۱۱۰ تا ۱۰۳ روز پیش از روز رأی‌گیری",
			faHTML("timeline.offsets_after", i18n.ArgNum("from", 1), i18n.ArgNum("to", 8)), faHTML("audit.offset_zero"),
			faHTML("timeline.from_to", i18n.ArgDay("from", day(2026, 11, 8)), i18n.ArgDay("to", day(2026, 11, 15))),
			faHTML("timeline.governs", i18n.ArgKey("gate", "milestone.gate.registration_city")), "ماده ۴۱ قانون انتخابات شوراها",
			faHTML("milestone.level.candidates")+" ("+faHTML("milestone.constituency_kind.city")+")")
		// Fars's own milestone: Fars's readers only; its keeper, HQ, edits it, and the national HQ the law's.
		if u == "national" {
			mustNotContain(t, res.body, "ارسال فهرست شعب")
		} else {
			mustContain(t, res.body, "ارسال فهرست شعب", faHTML("timeline.administrative"))
		}
		edit := faHTML("timeline.edit")
		switch u {
		case "hq.fars":
			mustContain(t, res.body, `action="/timeline/template/add"`, edit)
			mustNotContain(t, res.body, `action="/timeline/election-day"`)
		case "national":
			mustContain(t, res.body, `action="/timeline/election-day"`, `name="old_day" value="2027-02-26"`, edit)
			mustNotContain(t, res.body, `action="/timeline/template/add"`)
		default:
			mustNotContain(t, res.body, `action="/timeline/template/add"`, `action="/timeline/election-day"`, ">"+edit+"<")
		}
	}
	for _, tt := range []struct {
		user   string
		id     int64
		status int
		form   bool
	}{
		{"national", registration, http.StatusOK, true},
		{"national", due, http.StatusNotFound, false},
		{"hq.fars", registration, http.StatusOK, false},
		{"hq.fars", due, http.StatusOK, true},
		{"gov.marvdasht", due, http.StatusOK, false},
		{"observer", registration, http.StatusOK, false},
	} {
		res := a.get(a.login(tt.user), "/timeline/template/"+ms(tt.id))
		if res.status != tt.status {
			t.Errorf("%s, milestone %d: %d, want %d", tt.user, tt.id, res.status, tt.status)
			continue
		}
		if got := strings.Contains(res.body, `id="milestone-form"`); got != tt.form && tt.status == http.StatusOK {
			t.Errorf("%s, milestone %d: form %v, want %v", tt.user, tt.id, got, tt.form)
		}
	}
}

// The national HQ corrects a law's milestone; a province's HQ adds its own, corrects, retires and restores
// them; a form drawn before someone else's change is refused (409) with what was typed kept; a form with
// mistakes comes back (422); other roles are refused (403), and neither keeper reaches the other's.
func TestMilestoneTemplateEdits(t *testing.T) {
	a := newTestApp(t)
	a.withTimeline()
	national, hq, gov := a.login("national"), a.login("hq.fars"), a.login("gov.marvdasht")
	objections := a.milestoneID("objections")
	href := "/timeline/template/" + ms(objections)

	form := milestoneForm("1", "title_fa", "مهلت اعتراض", "title_en", "Objections", "start_offset", "-۶۸", "end_offset", "۶۴−",
		"gate", "objection", "legal_ref", "ماده ۵۲")
	for _, c := range []*http.Client{hq, gov, a.login("observer")} {
		if res := a.post(c, href, form); res.status != http.StatusForbidden {
			t.Errorf("a law's milestone edited by another role: %d", res.status)
		}
	}
	res := a.post(national, href, form)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != href {
		t.Fatalf("national edit: %d %s\n%s", res.status, res.header.Get("Location"), res.body)
	}
	if n := a.count(`SELECT count(*) FROM milestones WHERE id = $1 AND title_fa = 'مهلت اعتراض' AND start_offset = -68 AND end_offset = -64
		AND gate = 'objection' AND level = 'county' AND legal AND version = 2`, objections); n != 1 {
		t.Fatal("the law's milestone was not changed as typed")
	}
	// Stale: the form of version 1 again, typed anew.
	res = a.post(national, href, milestoneForm("1", "title_fa", "عنوان دیگر", "start_offset", "-68", "end_offset", "-65", "gate", "objection"))
	if res.status != http.StatusConflict {
		t.Fatalf("a stale edit: %d", res.status)
	}
	mustContain(t, res.body, faHTML("timeline.milestone_conflict"), `value="عنوان دیگر"`, `name="version" value="2"`, "مهلت اعتراض")
	res = a.post(national, href, milestoneForm("2", "title_fa", "", "start_offset", "-60", "end_offset", "-70", "gate", "objection",
		"constituency_kind", "city"))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong edit: %d", res.status)
	}
	mustContain(t, res.body, faHTML("err.required"), faHTML("timeline.err_offset_order"), faHTML("timeline.err_kind_level"),
		`value="-60"`, `value="-70"`)
	res = a.post(national, href, milestoneForm("2", "start_offset", "-500", "end_offset", "x", "gate", "registration_city"))
	mustContain(t, res.body, faHTML("timeline.err_offset", i18n.ArgNum("max", 400)))
	res = a.post(national, href, milestoneForm("2", "gate", "registration_city"))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a gate another milestone holds: %d", res.status)
	}
	mustContain(t, res.body, faHTML("timeline.err_gate_taken"))

	// HQ adds one of Fars's own, checked as an edit is.
	if res := a.post(gov, "/timeline/template/add", milestoneForm("")); res.status != http.StatusForbidden {
		t.Errorf("a governor adding a milestone: %d", res.status)
	}
	if res := a.post(national, "/timeline/template/add", milestoneForm("")); res.status != http.StatusForbidden {
		t.Errorf("the national HQ adding an administrative milestone: %d", res.status)
	}
	res = a.post(hq, "/timeline/template/add", milestoneForm("", "title_en", "", "end_offset", "-40"))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong milestone: %d", res.status)
	}
	mustContain(t, res.body, `id="add-milestone"`, faHTML("err.required"), faHTML("timeline.err_offset_order"), `value="فهرست شعب"`)
	res = a.post(hq, "/timeline/template/add", milestoneForm("", "title_fa", " فهرست\r\n  شعب ", "description_fa", "با نشانی هر شعبه", "position", "۳"))
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/timeline/template/") {
		t.Fatalf("add: %d %s\n%s", res.status, res.header.Get("Location"), res.body)
	}
	own := res.header.Get("Location")
	id := strings.TrimPrefix(own, "/timeline/template/")
	if n := a.count(`SELECT count(*) FROM milestones m JOIN provinces p ON p.id = m.province_id WHERE m.id = $1::bigint AND p.code = 'fars'
		AND NOT m.legal AND m.kind = 'councils' AND m.title_fa = 'فهرست شعب' AND m.position = 3 AND m.gate = ''`, id); n != 1 {
		t.Fatal("the milestone was not added to Fars as typed")
	}
	if res := a.post(national, own, milestoneForm("1")); res.status != http.StatusNotFound {
		t.Errorf("the national HQ editing Fars's milestone: %d", res.status)
	}
	if res := a.post(hq, own, milestoneForm("1", "title_fa", "فهرست شعب اخذ رأی", "gate", "objection")); res.status != http.StatusSeeOther {
		t.Fatalf("HQ edit: %d\n%s", res.status, res.body)
	}
	if a.count(`SELECT count(*) FROM milestones WHERE id = $1::bigint AND gate = '' AND version = 2`, id) != 1 {
		t.Error("an administrative milestone took a gate")
	}
	res = a.post(hq, own, milestoneForm("1", "title_fa", "نوشته من"))
	if res.status != http.StatusConflict {
		t.Fatalf("HQ's stale edit: %d", res.status)
	}
	mustContain(t, res.body, `value="نوشته من"`, `name="version" value="2"`, faHTML("timeline.milestone_conflict"))

	// Retired after a question, restored; a stale retirement is refused; the law's are not retired here.
	res = a.post(hq, own+"/retire", url.Values{"version": {"2"}})
	if res.status != http.StatusOK || a.count(`SELECT count(*) FROM milestones WHERE id = $1::bigint AND retired_at IS NULL`, id) != 1 {
		t.Fatalf("a retirement without its confirmation: %d", res.status)
	}
	mustContain(t, res.body, faHTML("timeline.retire_question", i18n.ArgName("milestone", "فهرست شعب اخذ رأی", "")))
	if res := a.post(hq, own+"/retire", url.Values{"version": {"2"}, "confirm": {"yes"}}); res.status != http.StatusSeeOther {
		t.Fatalf("retire: %d", res.status)
	}
	mustNotContain(t, a.get(gov, "/timeline").body, "فهرست شعب اخذ رأی")
	mustContain(t, a.get(gov, "/timeline/template").body, "فهرست شعب اخذ رأی", faHTML("timeline.retired"))
	if res := a.post(hq, own+"/restore", url.Values{"version": {"2"}}); res.status != http.StatusConflict {
		t.Errorf("a stale restoration: %d", res.status)
	}
	if res := a.post(hq, own+"/restore", url.Values{"version": {"3"}}); res.status != http.StatusSeeOther {
		t.Errorf("restore: %d", res.status)
	}
	mustContain(t, a.get(gov, "/timeline").body, "فهرست شعب اخذ رأی")
	// Marked done at a county, it keeps its level: the marks are the county's, which a district's milestone
	// would not show.
	if res := a.post(gov, "/timeline/"+id+"/done", nil); res.status != http.StatusSeeOther {
		t.Fatalf("the governor marking HQ's milestone: %d", res.status)
	}
	res = a.post(hq, own, milestoneForm("4", "title_fa", "فهرست شعب اخذ رأی", "level", "district"))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a marked milestone's level changed: %d", res.status)
	}
	mustContain(t, res.body, faHTML("timeline.err_level_marked"), `<option value="district" selected`)
	if a.count(`SELECT count(*) FROM milestones WHERE id = $1::bigint AND level = 'county' AND version = 4`, id) != 1 {
		t.Error("a marked milestone's level was changed")
	}
	if res := a.post(national, href+"/retire", url.Values{"version": {"2"}, "confirm": {"yes"}}); res.status != http.StatusForbidden {
		t.Errorf("a law's milestone retired here: %d", res.status)
	}
	for action, want := range map[string]int{"milestone.create": 1, "milestone.update": 1, "milestone.retire": 1, "milestone.restore": 1} {
		if n := a.count(`SELECT count(*) FROM audit_log WHERE action = $1 AND entity_id = $2 AND actor_id = $3`, action, id, a.ids["hq.fars"]); n != want {
			t.Errorf("%d audit rows of %s, want %d", n, action, want)
		}
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'milestone.update' AND entity_id = $1 AND actor_id = $2`, ms(objections),
		a.ids["national"]); n != 1 {
		t.Errorf("%d audit rows of the national edit", n)
	}
}

// The national HQ moves election day: the form asks first, naming both days; every date moves, the marks
// stay, every user's home says so, and the audit log has it. A move without a reason or to the same day
// comes back (422); one drawn before another move is refused (409); no other role may move it.
func TestElectionDayMove(t *testing.T) {
	a := newTestApp(t)
	election, _ := a.withTimeline()
	national, gov := a.login("national"), a.login("gov.marvdasht")
	boards := a.milestoneID("boards-county")
	if res := a.post(gov, "/timeline/"+ms(boards)+"/done", nil); res.status != http.StatusSeeOther {
		t.Fatalf("mark: %d", res.status)
	}
	move := url.Values{"old_day": {"2027-02-26"}, "day": {"۱۴۰۵/۱۲/۲۱"}, "reason": {"تعویق به دستور وزیر کشور"}}
	for _, u := range []string{"hq.fars", "gov.marvdasht", "observer"} {
		if res := a.post(a.login(u), "/timeline/election-day", move); res.status != http.StatusForbidden {
			t.Errorf("%s moving election day: %d", u, res.status)
		}
	}
	for _, tt := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"old_day": {"2027-02-26"}, "day": {"۱۴۰۵/۱۲/۲۱"}}, faHTML("err.reason_required")},
		{url.Values{"old_day": {"2027-02-26"}, "day": {"۱۴۰۵/۱۲/۰۷"}, "reason": {"x"}}, faHTML("timeline.err_same_day")},
		{url.Values{"old_day": {"2027-02-26"}, "day": {"فردا"}, "reason": {"x"}}, "err-never"},
		// Days already past (the clock is on 1405/09/05): the day before today, a year mistyped.
		{url.Values{"old_day": {"2027-02-26"}, "day": {"۱۴۰۵/۰۹/۰۴"}, "reason": {"x"}},
			faHTML("timeline.err_day_past", i18n.ArgDay("today", day(2026, 11, 26)))},
		{url.Values{"old_day": {"2027-02-26"}, "day": {"۱۳۰۰/۰۱/۰۱"}, "reason": {"x"}},
			faHTML("timeline.err_day_past", i18n.ArgDay("today", day(2026, 11, 26)))},
	} {
		res := a.post(national, "/timeline/election-day", tt.form)
		if res.status != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d", tt.form, res.status)
		}
		if tt.want != "err-never" {
			mustContain(t, res.body, tt.want)
		}
		mustContain(t, res.body, `id="move-day"`, `value="`+tt.form.Get("day")+`"`)
	}
	res := a.post(national, "/timeline/election-day", move)
	if res.status != http.StatusOK || a.count(`SELECT count(*) FROM election_day_moves`) != 0 {
		t.Fatalf("a move without its confirmation: %d", res.status)
	}
	mustContain(t, res.body, faHTML("timeline.move_question", i18n.ArgName("election", "انتخابات آزمایشی", ""),
		i18n.ArgDay("old", day(2027, 2, 26)), i18n.ArgDay("new", day(2027, 3, 12))), `name="confirm" value="yes"`)
	move.Set("confirm", "yes")
	res = a.post(national, "/timeline/election-day", move)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/timeline/template" {
		t.Fatalf("move: %d %s\n%s", res.status, res.header.Get("Location"), res.body)
	}
	if n := a.count(`SELECT count(*) FROM elections e JOIN election_day_moves v ON v.election_id = e.id WHERE e.id = $1
		AND e.election_day = '2027-03-12' AND v.old_day = '2027-02-26' AND v.new_day = '2027-03-12' AND v.moved_by = $2
		AND v.reason = 'تعویق به دستور وزیر کشور'`, election, a.ids["national"]); n != 1 {
		t.Fatal("the move was not recorded")
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'election.move' AND actor_id = $1`, a.ids["national"]); n != 1 {
		t.Errorf("%d audit rows of the move", n)
	}
	// Again from the page drawn before the move: refused, with what was typed kept and the day as it is.
	res = a.post(national, "/timeline/election-day", url.Values{"old_day": {"2027-02-26"}, "day": {"۱۴۰۵/۱۲/۲۸"}, "reason": {"دوباره"},
		"confirm": {"yes"}})
	if res.status != http.StatusConflict {
		t.Fatalf("a move drawn before another: %d", res.status)
	}
	mustContain(t, res.body, faHTML("timeline.move_conflict"), `value="۱۴۰۵/۱۲/۲۸"`, `name="old_day" value="2027-03-12"`)

	notice := faHTML("timeline.moved", i18n.ArgDay("old", day(2027, 2, 26)), i18n.ArgDay("new", day(2027, 3, 12)),
		i18n.ArgText("when", "")) // the instant is the database's
	notice = notice[:strings.Index(notice, "(")]
	for _, u := range []string{"hq.fars", "gov.marvdasht", "dh.marvdasht", "committee", "observer", "national"} {
		mustContain(t, a.get(a.login(u), "/").body, notice, faHTML("timeline.moved_reason", i18n.ArgText("reason", "تعویق به دستور وزیر کشور")))
	}
	// Every date moved by 14 days; the mark stays.
	page := a.get(gov, "/timeline").body
	item := itemHTML(page, "ms-"+ms(boards)+"-c-marvdasht")
	mustContain(t, item, faHTML("timeline.status.done"), faHTML("timeline.from_to", i18n.ArgDay("from", day(2026, 10, 30)),
		i18n.ArgDay("to", day(2026, 11, 3))))
	mustContain(t, itemHTML(page, "ms-"+ms(a.milestoneID("registration-city"))+"-c-marvdasht"),
		faHTML("timeline.from_to", i18n.ArgDay("from", day(2026, 11, 22)), i18n.ArgDay("to", day(2026, 11, 29))), faHTML("timeline.status.due_soon"))
}

// The home page lists the reader's own milestones that need him first (overdue, then due within days,
// then the next), a few, each linking to its place on the timeline; the read-only roles have none.
func TestTimelineOnHome(t *testing.T) {
	a := newTestApp(t)
	_, due := a.withTimeline()
	gov := a.login("gov.marvdasht")
	body := a.get(gov, "/").body
	section := body[strings.Index(body, `id="tl-home-h"`):]
	section = section[:strings.Index(section, "</section>")]
	registration, boards := a.milestoneID("registration-city"), a.milestoneID("boards-county")
	links := []string{`href="/timeline#ms-` + ms(boards) + `-c-marvdasht"`, `href="/timeline#ms-` + ms(registration) + `-c-marvdasht"`,
		`href="/timeline#ms-` + ms(due) + `-c-marvdasht"`, `href="/timeline#ms-` + ms(a.milestoneID("review-city")) + `-c-marvdasht"`}
	last := -1
	for _, l := range links {
		i := strings.Index(section, l)
		if i < 0 || i < last {
			t.Errorf("the home page's milestones lack %s or list it out of order", l)
		}
		last = i
	}
	mustContain(t, section, faHTML("timeline.status.overdue"), faHTML("timeline.status.due_soon"),
		faHTML("timeline.days_ago", i18n.ArgNum("n", 11)), faHTML("timeline.home_more", i18n.ArgNum("count", 2)))
	if n := strings.Count(section, "<li>"); n != homeTimelineShown {
		t.Errorf("%d milestones on the home page, want %d", n, homeTimelineShown)
	}
	a.post(gov, "/timeline/"+ms(boards)+"/done", nil)
	mustNotContain(t, a.get(gov, "/").body, `href="/timeline#ms-`+ms(boards)+`-c-marvdasht"`)
	mustContain(t, a.get(a.login("hq.fars"), "/").body, `href="/timeline#ms-`+ms(a.milestoneID("start-order-city"))+`"`)
	mustContain(t, a.get(a.login("dh.marvdasht"), "/").body, `href="/timeline#ms-`+ms(a.milestoneID("boards-district"))+`-d-marvdasht-central"`)
	for _, u := range []string{"observer", "committee", "national"} {
		mustNotContain(t, a.get(a.login(u), "/").body, `id="tl-home-h"`)
	}
	// Every role's navigation leads to the timeline.
	for _, u := range testUsers {
		body := a.get(a.login(u.Username), "/profile").body
		nav := body[strings.Index(body, "<nav"):strings.Index(body, "</nav>")]
		mustContain(t, nav, `<a href="/timeline">`+faHTML("nav.timeline")+`</a>`)
	}
}
