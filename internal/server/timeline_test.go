package server

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

// withTimeline makes an election current on 2027-02-26 (1405/12/07) with the server's clock on 2026-11-26
// (E−92), and adds a Fars milestone of its own that ends in two days: the law's milestones are then
// overdue, open, upcoming and past, and Fars's is due within three days.
func (a *testApp) withTimeline() (election int64, due int64) {
	a.t.Helper()
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	election, err := a.st.AddElection(a.t.Context(), audit.System, store.NewElection{Code: "test-councils", Kind: "councils",
		TitleFa: "انتخابات آزمایشی", TitleEn: "Test election", ElectionDay: day(2027, 2, 26), Current: true})
	if err != nil {
		a.t.Fatal(err)
	}
	var fars int64
	if err := a.st.Pool().QueryRow(a.t.Context(), `SELECT id FROM provinces WHERE code = 'fars'`).Scan(&fars); err != nil {
		a.t.Fatal(err)
	}
	due, err = a.st.AddMilestone(a.t.Context(), audit.Actor{ID: a.ids["hq.fars"], Name: "hq.fars"}, auth.Scope{ProvinceID: fars},
		store.MilestoneInput{Kind: "councils", TitleFa: "ارسال فهرست شعب", TitleEn: "Polling stations listed", Level: "county",
			StartOffset: -95, EndOffset: -90})
	if err != nil {
		a.t.Fatal(err)
	}
	return election, due
}

// milestoneID is the id of the law's milestone with code.
func (a *testApp) milestoneID(code string) int64 {
	a.t.Helper()
	var id int64
	if err := a.st.Pool().QueryRow(a.t.Context(), `SELECT id FROM milestones WHERE code = $1`, code).Scan(&id); err != nil {
		a.t.Fatalf("milestone %s: %v", code, err)
	}
	return id
}

// itemHTML is the part of a timeline page that shows one milestone at one place (its element id), or "".
func itemHTML(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	for _, next := range []string{`<li class="tl-item"`, "</ol>"} {
		if end := strings.Index(rest, next); end >= 0 {
			rest = rest[:end]
		}
	}
	return rest
}

// enHTML is an English text as a page writes it.
func enHTML(key string, args ...i18n.Arg) string {
	return html.EscapeString(i18n.Message(i18n.En, key, args...))
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func ms(id int64) string { return strconv.FormatInt(id, 10) }

// A governor's timeline shows his county's milestones with their Jalali dates, the days in words and the
// status in words and colour; the province's and the candidates' windows read only; each district's
// milestones, read only; in English, Gregorian dates.
func TestTimelinePageValues(t *testing.T) {
	a := newTestApp(t)
	_, due := a.withTimeline()
	gov := a.login("gov.marvdasht")
	res := a.get(gov, "/timeline")
	if res.status != http.StatusOK {
		t.Fatalf("status %d", res.status)
	}
	body := res.body
	registration := itemHTML(body, "ms-"+ms(a.milestoneID("registration-city"))+"-c-marvdasht")
	mustContain(t, registration, "ثبت‌نام داوطلبان شوراهای شهر",
		faHTML("timeline.from_to", i18n.ArgDay("from", day(2026, 11, 8)), i18n.ArgDay("to", day(2026, 11, 15))), "۱۴۰۵/۰۸/۱۷",
		faHTML("timeline.days_ago", i18n.ArgNum("n", 11)), "۱۱ روز گذشته",
		`class="badge tl-overdue"`, faHTML("timeline.status.overdue"), faHTML("timeline.legal"), `title="2026-11-08 – 2026-11-15"`,
		faHTML("milestone.gate.registration_city"), `action="/timeline/`+ms(a.milestoneID("registration-city"))+`/done"`)
	mustNotContain(t, registration, `name="county"`) // a governor's county is his own
	mustContain(t, itemHTML(body, "ms-"+ms(due)+"-c-marvdasht"), `class="badge tl-due-soon"`, faHTML("timeline.status.due_soon"),
		faHTML("timeline.days_left", i18n.ArgNum("n", 2)), faHTML("timeline.administrative"))
	mustContain(t, itemHTML(body, "ms-"+ms(a.milestoneID("review-city"))+"-c-marvdasht"), `class="badge tl-open"`,
		faHTML("timeline.days_left", i18n.ArgNum("n", 12)))
	mustContain(t, itemHTML(body, "ms-"+ms(a.milestoneID("objections"))+"-c-marvdasht"), `class="badge tl-upcoming"`,
		faHTML("timeline.days_to_start", i18n.ArgNum("n", 24)))
	// The province's milestones: HQ's, read only here.
	order := itemHTML(body, "ms-"+ms(a.milestoneID("start-order-city")))
	mustContain(t, order, faHTML("timeline.status.overdue"), faHTML("timeline.on_day", i18n.ArgDay("day", day(2026, 10, 15))))
	mustNotContain(t, order, "<form")
	mustContain(t, body, faHTML("timeline.note_province"), faHTML("timeline.note_district"), faHTML("timeline.note_candidates"))
	// A district's milestone, read only, per district.
	for _, d := range []string{"marvdasht-central", "marvdasht-dorudzan"} {
		boards := itemHTML(body, "ms-"+ms(a.milestoneID("boards-district"))+"-d-"+d)
		mustContain(t, boards, faHTML("timeline.status.overdue"))
		mustNotContain(t, boards, "<form")
	}
	// The candidates' windows: a closed one is past, never overdue; the legal reference shows.
	resign := itemHTML(body, "ms-"+ms(a.milestoneID("resignations-city")))
	mustContain(t, resign, `class="badge tl-past"`, faHTML("timeline.status.past"), "ماده ۴۱ قانون انتخابات شوراها")
	mustNotContain(t, resign, "<form")

	a.get(gov, "/lang/en?next=/timeline")
	en := a.get(gov, "/timeline").body
	mustContain(t, itemHTML(en, "ms-"+ms(a.milestoneID("registration-city"))+"-c-marvdasht"),
		"From 2026-11-08 to 2026-11-15", "11 days ago", "Overdue", "City council candidates&#39; registration")
	mustNotContain(t, en, "۱۴۰۵/")
}

// Marking a milestone done and taking the mark back: the mark shows who, when and the note; the second of
// two marks, and an undoing of what is not done, are refused (409) with the page as it is now; an undoing
// without a reason comes back (422) with its form open and the message; every mark is audited.
func TestTimelineMarkAndUndo(t *testing.T) {
	a := newTestApp(t)
	election, _ := a.withTimeline()
	gov := a.login("gov.marvdasht")
	boards := a.milestoneID("boards-county")
	id := "ms-" + ms(boards) + "-c-marvdasht"
	done := "/timeline/" + ms(boards) + "/done"
	undone := "/timeline/" + ms(boards) + "/undone"

	res := a.post(gov, done, url.Values{"note": {"  صورت‌جلسه\u200b تشکیل \x1b[31mارسال شد  "}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/timeline#"+id {
		t.Fatalf("done: %d %s\n%s", res.status, res.header.Get("Location"), res.body)
	}
	if n := a.count(`SELECT count(*) FROM milestone_marks k JOIN counties c ON c.id = k.county_id
		WHERE k.election_id = $1 AND k.milestone_id = $2 AND c.code = 'marvdasht' AND k.district_id IS NULL AND k.done_by = $3
		AND k.note = 'صورت‌جلسه تشکیل [31mارسال شد'`, election, boards, a.ids["gov.marvdasht"]); n != 1 {
		t.Fatal("the mark was not recorded with its cleaned note")
	}
	var doneAt time.Time
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT done_at FROM milestone_marks WHERE milestone_id = $1`, boards).Scan(&doneAt); err != nil {
		t.Fatal(err)
	}
	page := a.get(gov, "/timeline").body
	item := itemHTML(page, id)
	mustContain(t, item, faHTML("timeline.marked_done"), `class="badge tl-done"`, faHTML("timeline.status.done"),
		faHTML("timeline.done_by", i18n.ArgText("name", "علی رضایی"), i18n.ArgText("when", i18n.Fa.DateTime(doneAt))), faHTML("timeline.note", i18n.ArgText("note", "صورت‌جلسه تشکیل [31mارسال شد")), `action="`+undone+`"`)
	mustNotContain(t, item, `action="`+done+`"`)

	res = a.post(gov, done, url.Values{"note": {"دوباره"}})
	if res.status != http.StatusConflict {
		t.Fatalf("marked twice: %d", res.status)
	}
	mustContain(t, res.body, faHTML("timeline.already_done", i18n.ArgName("milestone", "تشکیل هیئت اجرایی شهرستان", "")), "علی رضایی")
	mustContain(t, itemHTML(res.body, id), faHTML("timeline.status.done"))
	// A stale form is refused as stale even when what it holds is wrong too: the page offers no note field.
	res = a.post(gov, done, url.Values{"note": {strings.Repeat("ی", maxMarkText+1)}})
	if res.status != http.StatusConflict {
		t.Fatalf("marked twice with a note too long: %d", res.status)
	}
	mustContain(t, res.body, faHTML("timeline.already_done", i18n.ArgName("milestone", "تشکیل هیئت اجرایی شهرستان", "")))
	mustNotContain(t, res.body, "error-summary")

	res = a.post(gov, undone, url.Values{"reason": {"  "}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("undone without a reason: %d", res.status)
	}
	item = itemHTML(res.body, id)
	mustContain(t, item, `<details class="tl-undo" open`, "error-summary", faHTML("err.reason_required"), `aria-invalid="true"`)
	if a.count(`SELECT count(*) FROM milestone_marks WHERE milestone_id = $1`, boards) != 1 {
		t.Fatal("an undoing without a reason took the mark back")
	}
	long := strings.Repeat("ب", maxMarkText+1)
	res = a.post(gov, undone, url.Values{"reason": {long}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a reason too long: %d", res.status)
	}
	mustContain(t, itemHTML(res.body, id), faHTML("err.too_long_max", i18n.ArgNum("max", maxMarkText)), long)

	res = a.post(gov, undone, url.Values{"reason": {"صورت‌جلسه امضا نشده بود"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/timeline#"+id {
		t.Fatalf("undone: %d %s", res.status, res.header.Get("Location"))
	}
	item = itemHTML(a.get(gov, "/timeline").body, id)
	mustContain(t, item, faHTML("timeline.marked_undone"), faHTML("timeline.status.overdue"), `action="`+done+`"`)
	res = a.post(gov, undone, url.Values{"reason": {"دوباره"}})
	if res.status != http.StatusConflict {
		t.Fatalf("undone twice: %d", res.status)
	}
	mustContain(t, res.body, faHTML("timeline.not_done", i18n.ArgName("milestone", "تشکیل هیئت اجرایی شهرستان", "")))
	if res := a.post(gov, undone, url.Values{"reason": {""}}); res.status != http.StatusConflict {
		t.Fatalf("undone twice without a reason: %d", res.status)
	}

	res = a.post(gov, done, url.Values{"note": {strings.Repeat("ی", maxMarkText+1)}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a note too long: %d", res.status)
	}
	mustContain(t, itemHTML(res.body, id), faHTML("err.too_long_max", i18n.ArgNum("max", maxMarkText)))
	if res := a.post(gov, done, url.Values{"note": {strings.Repeat("ی", maxMarkText)}}); res.status != http.StatusSeeOther {
		t.Fatalf("a note of the longest length: %d", res.status)
	}

	for action, want := range map[string]int{"milestone.done": 2, "milestone.undone": 1} {
		if n := a.count(`SELECT count(*) FROM audit_log WHERE action = $1 AND entity = 'milestone' AND entity_id = $2 AND actor_id = $3
			AND detail->'after'->>'county' = 'marvdasht'`, action, ms(boards), a.ids["gov.marvdasht"]); n != want {
			t.Errorf("%d audit rows of %s, want %d", n, action, want)
		}
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'milestone.undone' AND detail->'after'->>'reason' = 'صورت‌جلسه امضا نشده بود'
		AND detail->'before'->>'note' LIKE 'صورت‌جلسه تشکیل%'`); n != 1 {
		t.Error("the undoing's audit row lacks its reason or the note it removed")
	}
	// The log reads them in words, naming the milestone with a link to its page.
	log := a.get(a.login("hq.fars"), "/audit").body
	mustContain(t, log, faHTML("action.milestone.done"), faHTML("action.milestone.undone"),
		`href="/timeline/template/`+ms(boards)+`"`, "صورت‌جلسه امضا نشده بود")
}

// Marks stay in their scope: a governor or a district head naming another place, another province's
// milestone, a level that is not theirs, or a candidates' window is not found (404); the read-only roles
// may not mark (403); HQ acts for a county and a district it names, and another province's county is not
// found. Nothing is marked by a refused post.
func TestTimelineMarkScope(t *testing.T) {
	a := newTestApp(t)
	election, due := a.withTimeline()
	var yazd int64
	if err := a.st.Pool().QueryRow(t.Context(), `
		WITH p AS (INSERT INTO provinces (code, name_fa, name_en) VALUES ('yazd', 'یزد', 'Yazd') RETURNING id),
		     c AS (INSERT INTO counties (province_id, code, name_fa, name_en) SELECT id, 'meybod', 'میبد', 'Meybod' FROM p RETURNING id)
		INSERT INTO districts (county_id, code, name_fa, name_en) SELECT id, 'meybod-central', 'مرکزی', 'Central' FROM c
		RETURNING (SELECT id FROM p)`).Scan(&yazd); err != nil {
		t.Fatal(err)
	}
	yazdOwn, err := a.st.AddMilestone(t.Context(), audit.System, auth.Scope{ProvinceID: yazd}, store.MilestoneInput{Kind: "councils",
		TitleFa: "مرحله یزد", TitleEn: "Yazd's", Level: "county", StartOffset: -100, EndOffset: -90})
	if err != nil {
		t.Fatal(err)
	}
	county, district, province := a.milestoneID("boards-county"), a.milestoneID("boards-district"), a.milestoneID("start-order-city")
	candidates := a.milestoneID("constituency-change")
	gov, dh, hq := a.login("gov.marvdasht"), a.login("dh.marvdasht"), a.login("hq.fars")
	marks := func() int { return a.count(`SELECT count(*) FROM milestone_marks WHERE election_id = $1`, election) }
	refused := []struct {
		name   string
		c      *http.Client
		id     int64
		form   url.Values
		status int
	}{
		{"governor naming another county", gov, county, url.Values{"county": {"pasargad"}}, http.StatusNotFound},
		{"governor, a district's milestone", gov, district, url.Values{"district": {"marvdasht-central"}}, http.StatusNotFound},
		{"governor, the province's milestone", gov, province, nil, http.StatusNotFound},
		{"governor, a candidates' window", gov, candidates, nil, http.StatusNotFound},
		{"governor, another province's milestone", gov, yazdOwn, nil, http.StatusNotFound},
		{"governor, no such milestone", gov, 999999, nil, http.StatusNotFound},
		{"district head, the county's milestone", dh, county, nil, http.StatusNotFound},
		{"district head naming another district", dh, district, url.Values{"district": {"marvdasht-dorudzan"}}, http.StatusNotFound},
		{"district head naming another county", dh, district, url.Values{"county": {"pasargad"}}, http.StatusNotFound},
		{"HQ, an unknown county", hq, county, url.Values{"county": {"nowhere"}}, http.StatusNotFound},
		{"HQ, another province's county", hq, county, url.Values{"county": {"meybod"}}, http.StatusNotFound},
		{"HQ, a county's milestone without its county", hq, county, nil, http.StatusNotFound},
		{"HQ, a district of another county", hq, district, url.Values{"county": {"marvdasht"}, "district": {"pasargad-central"}}, http.StatusNotFound},
		{"HQ, another province's milestone", hq, yazdOwn, url.Values{"county": {"marvdasht"}}, http.StatusNotFound},
		{"HQ, a candidates' window", hq, candidates, nil, http.StatusNotFound},
		{"committee", a.login("committee"), county, url.Values{"county": {"marvdasht"}}, http.StatusForbidden},
		{"observer", a.login("observer"), province, nil, http.StatusForbidden},
		{"national", a.login("national"), province, nil, http.StatusForbidden},
	}
	for _, tt := range refused {
		if res := a.post(tt.c, "/timeline/"+ms(tt.id)+"/done", tt.form); res.status != tt.status {
			t.Errorf("%s: %d, want %d", tt.name, res.status, tt.status)
		}
		if res := a.post(tt.c, "/timeline/"+ms(tt.id)+"/undone", url.Values{"reason": {"x"}, "county": tt.form["county"],
			"district": tt.form["district"]}); res.status != tt.status {
			t.Errorf("%s, undone: %d, want %d", tt.name, res.status, tt.status)
		}
	}
	if n := marks(); n != 0 {
		t.Fatalf("refused posts left %d marks", n)
	}

	// HQ acts for Marvdasht and its Central district, and marks the province's own.
	for _, tt := range []struct {
		id       int64
		form     url.Values
		location string
	}{
		{county, url.Values{"county": {"Marvdasht"}}, "/timeline?county=marvdasht#ms-" + ms(county) + "-c-marvdasht"},
		{district, url.Values{"county": {"marvdasht"}, "district": {"marvdasht-central"}}, "/timeline?county=marvdasht#ms-" + ms(district) + "-d-marvdasht-central"},
		{province, nil, "/timeline#ms-" + ms(province)},
	} {
		res := a.post(hq, "/timeline/"+ms(tt.id)+"/done", tt.form)
		if res.status != http.StatusSeeOther || res.header.Get("Location") != tt.location {
			t.Errorf("HQ marking %d: %d %s, want %s", tt.id, res.status, res.header.Get("Location"), tt.location)
		}
	}
	if n := a.count(`SELECT count(*) FROM milestone_marks k LEFT JOIN counties c ON c.id = k.county_id LEFT JOIN districts d ON d.id = k.district_id
		WHERE k.done_by = $1 AND (k.milestone_id = $2 AND c.code = 'marvdasht' AND d.id IS NULL
		OR k.milestone_id = $3 AND d.code = 'marvdasht-central' OR k.milestone_id = $4 AND c.id IS NULL)`,
		a.ids["hq.fars"], county, district, province); n != 3 {
		t.Fatalf("HQ's marks: %d of 3", n)
	}
	// The governor sees HQ's marks at his county and his district; the district head his district's, and
	// marks it himself no more (409).
	page := a.get(gov, "/timeline").body
	mustContain(t, itemHTML(page, "ms-"+ms(county)+"-c-marvdasht"), faHTML("timeline.status.done"), "مریم کریمی")
	mustContain(t, itemHTML(page, "ms-"+ms(district)+"-d-marvdasht-central"), faHTML("timeline.status.done"))
	mustContain(t, itemHTML(page, "ms-"+ms(province)), faHTML("timeline.status.done"))
	if res := a.post(dh, "/timeline/"+ms(district)+"/done", nil); res.status != http.StatusConflict {
		t.Errorf("the district head marking what HQ marked: %d", res.status)
	}
	res := a.post(dh, "/timeline/"+ms(district)+"/undone", url.Values{"reason": {"بخش هنوز تشکیل نشده"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/timeline#ms-"+ms(district)+"-d-marvdasht-central" {
		t.Errorf("the district head taking HQ's mark back: %d %s", res.status, res.header.Get("Location"))
	}
	// Another county's governor sees none of Marvdasht's marks: asking for Marvdasht is not found, and his
	// own page shows none.
	pasargad := a.login("gov.pasargad")
	if res := a.get(pasargad, "/timeline?county=marvdasht"); res.status != http.StatusNotFound {
		t.Errorf("another county's governor asking for Marvdasht: %d", res.status)
	}
	other := a.get(pasargad, "/timeline").body
	mustContain(t, itemHTML(other, "ms-"+ms(county)+"-c-pasargad"), faHTML("timeline.status.overdue"))
	mustNotContain(t, other, "-c-marvdasht", "marvdasht-central")
	if a.count(`SELECT count(*) FROM milestone_marks WHERE milestone_id = $1`, due) != 0 {
		t.Fatal("a mark nobody made")
	}
}

// HQ chooses a county with a form that works without JavaScript and acts for it; the committee and the
// observer read the same read-only; the Ministry chooses a province first; a district head sees his
// district's milestones and the candidates' windows, not the county's or another district's.
func TestTimelinePlaces(t *testing.T) {
	a := newTestApp(t)
	a.withTimeline()
	county, district := a.milestoneID("boards-county"), a.milestoneID("boards-district")
	hq := a.login("hq.fars")
	page := a.get(hq, "/timeline").body
	mustContain(t, page, `<form method="get" action="/timeline"`, `<select id="f-county" name="county"`, faHTML("timeline.choose_county"),
		`action="/timeline/`+ms(a.milestoneID("start-order-city"))+`/done"`)
	mustNotContain(t, page, "-c-marvdasht")
	page = a.get(hq, "/timeline?county=marvdasht").body
	mustContain(t, page, `<option value="marvdasht" selected`)
	item := itemHTML(page, "ms-"+ms(county)+"-c-marvdasht")
	mustContain(t, item, `action="/timeline/`+ms(county)+`/done"`, `name="county" value="marvdasht"`)
	mustContain(t, itemHTML(page, "ms-"+ms(district)+"-d-marvdasht-central"), `name="district" value="marvdasht-central"`)
	if res := a.get(hq, "/timeline?county=nowhere"); res.status != http.StatusNotFound {
		t.Errorf("HQ, an unknown county: %d", res.status)
	}

	for _, u := range []string{"committee", "observer"} {
		res := a.get(a.login(u), "/timeline?county=marvdasht")
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d", u, res.status)
		}
		mustContain(t, res.body, "ms-"+ms(county)+"-c-marvdasht", faHTML("timeline.note_county"))
		mustNotContain(t, res.body, `action="/timeline/`)
	}

	national := a.login("national")
	page = a.get(national, "/timeline").body
	mustContain(t, page, `<select id="f-timeline-province-province" name="province"`, faHTML("timeline.choose_province"))
	mustNotContain(t, page, "ms-"+ms(county))
	page = a.get(national, "/timeline?province=fars&county=marvdasht").body
	mustContain(t, page, `<input type="hidden" name="province" value="fars"`, "ms-"+ms(county)+"-c-marvdasht", "ارسال فهرست شعب")
	mustNotContain(t, page, `action="/timeline/`)
	if res := a.get(national, "/timeline?province=nowhere"); res.status != http.StatusNotFound {
		t.Errorf("the Ministry, an unknown province: %d", res.status)
	}

	// A governor or district head naming another county than his own is not found, as HQ naming one of
	// another province is; his own county by its code is his page.
	for _, u := range []string{"gov.marvdasht", "dh.marvdasht"} {
		c := a.login(u)
		if res := a.get(c, "/timeline?county=shiraz"); res.status != http.StatusNotFound {
			t.Errorf("%s, another county: %d", u, res.status)
		}
		if res := a.get(c, "/timeline?county=marvdasht"); res.status != http.StatusOK {
			t.Errorf("%s, his own county by its code: %d", u, res.status)
		}
	}

	page = a.get(a.login("dh.marvdasht"), "/timeline").body
	mustContain(t, page, "ms-"+ms(district)+"-d-marvdasht-central", `action="/timeline/`+ms(district)+`/done"`,
		"ms-"+ms(a.milestoneID("registration-village")))
	mustNotContain(t, page, "-c-marvdasht", "marvdasht-dorudzan", "ms-"+ms(a.milestoneID("start-order-city"))+`"`, `name="district"`)
	// The candidates' windows of the district's constituencies: the Central district has the county's seat,
	// a city, and villages; Dorudzan villages only.
	cityWindow, villageWindow := "ms-"+ms(a.milestoneID("resignations-city"))+`"`, "ms-"+ms(a.milestoneID("resignations-village"))+`"`
	mustContain(t, page, cityWindow, villageWindow)
	hash, _ := a.s.hasher.Hash(t.Context(), testPassword)
	if _, err := a.st.CreateUser(t.Context(), audit.System, auth.Scope{}, auth.Account{Username: "dh.dorudzan", FullName: "بخشدار درودزن",
		Role: "district_head", District: "marvdasht-dorudzan"}, hash); err != nil {
		t.Fatal(err)
	}
	page = a.get(a.login("dh.dorudzan"), "/timeline").body
	mustContain(t, page, villageWindow, "ms-"+ms(district)+"-d-marvdasht-dorudzan")
	mustNotContain(t, page, cityWindow, "marvdasht-central")
}
