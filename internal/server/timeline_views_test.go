package server

import (
	"bytes"
	"crypto/sha256"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
)

// timelineDay is the test's day: 26 November 2026 in Tehran (5 Azar 1405), 92 days before timelineElection.
var timelineDay = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// timelineElection is the day of the timeline's test election, 7 Esfand 1405 (26 February 2027).
var timelineElection = time.Date(2027, 2, 26, 0, 0, 0, 0, time.UTC)

// timelineFixture is a current election on timelineElection, seen on timelineDay, with an administrative
// milestone of Fars due within three days (its window E−95…E−90), and marks: Marvdasht's county board
// formed (by its governor) and the administrative milestone done there, Pasargad's city registration done
// (by the HQ), Marvdasht's Central district board formed (by its district head). It returns the election
// and the milestones' ids by code.
func (a *testApp) timelineFixture() (int64, map[string]int64) {
	a.t.Helper()
	ctx := a.t.Context()
	e, err := a.st.AddElection(ctx, audit.System, store.NewElection{Code: "timeline-test", Kind: "councils",
		TitleFa: "انتخابات آزمایشی", TitleEn: "Test election", ElectionDay: timelineElection, Current: true})
	if err != nil {
		a.t.Fatal(err)
	}
	a.s.now = func() time.Time { return timelineDay }
	users := map[string]store.User{}
	for _, name := range []string{"hq.fars", "gov.marvdasht", "dh.marvdasht"} {
		u, err := a.st.UserByUsername(ctx, name)
		if err != nil {
			a.t.Fatal(err)
		}
		users[name] = u
	}
	hq := users["hq.fars"]
	fars := auth.Scope{ProvinceID: hq.ProvinceID}
	as := func(u store.User) audit.Actor { return audit.Actor{ID: u.ID, Name: u.Username} }
	if _, err := a.st.AddMilestone(ctx, as(hq), fars, store.MilestoneInput{Kind: "councils", Code: "stations", Level: "county",
		StartOffset: -95, EndOffset: -90, TitleFa: "فهرست شعب", TitleEn: "Polling stations"}); err != nil {
		a.t.Fatal(err)
	}
	ms, err := a.st.Milestones(ctx, fars, e)
	if err != nil {
		a.t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, m := range ms {
		ids[m.Code] = m.ID
	}
	place := map[string]int64{}
	for _, sql := range []string{`SELECT code, id FROM counties`, `SELECT code, id FROM districts`} {
		rows, err := a.st.Pool().Query(ctx, sql)
		if err != nil {
			a.t.Fatal(err)
		}
		for rows.Next() {
			var code string
			var id int64
			if err := rows.Scan(&code, &id); err != nil {
				a.t.Fatal(err)
			}
			place[code] = id
		}
	}
	gov, dh := users["gov.marvdasht"], users["dh.marvdasht"]
	for _, k := range []struct {
		who              store.User
		milestone        string
		county, district string
	}{
		{gov, "boards-county", "marvdasht", ""},
		{gov, "stations", "marvdasht", ""},
		{hq, "registration-city", "pasargad", ""},
		{dh, "boards-district", "marvdasht", "marvdasht-central"},
	} {
		sc := auth.Scope{ProvinceID: k.who.ProvinceID, CountyID: k.who.CountyID, DistrictID: k.who.DistrictID}
		if err := a.st.MarkDone(ctx, as(k.who), sc, e, ids[k.milestone], place[k.county], place[k.district], ""); err != nil {
			a.t.Fatalf("mark %s at %s %s: %v", k.milestone, k.county, k.district, err)
		}
	}
	return e, ids
}

var (
	matrixRowRE   = regexp.MustCompile(`(?s)<tr id="place-([a-z0-9-]+)">(.*?)</tr>`)
	matrixCellRE  = regexp.MustCompile(`<td class="tl-cell tl-([a-z-]+)"><a href="([^"]+)">([^<]+)</a></td>`)
	matrixCountRE = regexp.MustCompile(`<td class="num(?: bad-text)?">([^<]+)</td>`)
	matrixFootRE  = regexp.MustCompile(`(?s)<tfoot>(.*?)</tfoot>`)
	matrixHeadRE  = regexp.MustCompile(`<span class="tl-title">([^<]+)</span>`)
)

// matrixRow is a row of the matrix as the page shows it: each cell's status (by its class), its words and
// its link, and the row's overdue count.
type matrixRow struct {
	statuses, words, links []string
	overdue                int
}

// readMatrix reads the matrix of a page: its columns' titles, its rows by place, and the overdue counts of
// its last row (per milestone, then the total).
func readMatrix(t *testing.T, body string) (titles []string, rows map[string]matrixRow, perMilestone []int) {
	t.Helper()
	for _, m := range matrixHeadRE.FindAllStringSubmatch(body, -1) {
		titles = append(titles, m[1])
	}
	num := func(s string) int {
		n, err := strconv.Atoi(persian.ToLatinDigits(s))
		if err != nil {
			t.Fatalf("count %q: %v", s, err)
		}
		return n
	}
	rows = map[string]matrixRow{}
	for _, m := range matrixRowRE.FindAllStringSubmatch(body, -1) {
		var r matrixRow
		for _, c := range matrixCellRE.FindAllStringSubmatch(m[2], -1) {
			r.statuses, r.links, r.words = append(r.statuses, c[1]), append(r.links, c[2]), append(r.words, c[3])
		}
		counts := matrixCountRE.FindAllStringSubmatch(m[2], -1)
		if len(counts) != 1 {
			t.Fatalf("row %s has %d counts", m[1], len(counts))
		}
		r.overdue = num(counts[0][1])
		rows[m[1]] = r
	}
	if foot := matrixFootRE.FindStringSubmatch(body); foot != nil {
		for _, c := range matrixCountRE.FindAllStringSubmatch(foot[1], -1) {
			perMilestone = append(perMilestone, num(c[1]))
		}
	}
	return titles, rows, perMilestone
}

// The matrix shows every county of the province by the county milestones of the current election, the
// law's and the province's own, in the order of their windows: each cell the county's status on the day
// in words on its colour, linking to the county's timeline, with the overdue cells counted per county and
// per milestone; with ?county= the county's districts by the district milestones. HQ and the observer read
// their province's, the national HQ any province's; the other roles are refused.
func TestTimelineMatrix(t *testing.T) {
	a := newTestApp(t)
	a.timelineFixture()
	counties := a.count(`SELECT count(*) FROM counties c JOIN provinces p ON p.id = c.province_id WHERE p.code = 'fars'`)
	hq := a.login("hq.fars")
	a.get(hq, "/lang/en")
	res := a.get(hq, "/timeline/matrix")
	if res.status != http.StatusOK {
		t.Fatalf("HQ's matrix: %d", res.status)
	}
	titles, rows, per := readMatrix(t, res.body)
	// The county milestones by their start: boards E−133…−129 and city registration E−110…−103 closed,
	// the review E−102…−80 open (12 days left), the HQ's stations E−95…−90 due in 2 days, the rest to come.
	wantTitles := []string{"County executive board formed", "City council candidates&#39; registration",
		"City candidates reviewed by the executive board, files sent to the supervision board", "Polling stations",
		"Supervision boards&#39; review deadline (cities under 200,000)", "Results to the governors; candidates&#39; objections",
		"Complaints about the results"}
	if !slices.Equal(titles, wantTitles) {
		t.Fatalf("columns %q, want %q", titles, wantTitles)
	}
	if len(rows) != counties {
		t.Errorf("%d rows, want Fars's %d counties", len(rows), counties)
	}
	tests := []struct {
		county   string
		statuses []string
		overdue  int
	}{
		{"marvdasht", []string{"done", "overdue", "open", "done", "upcoming", "upcoming", "upcoming"}, 1},
		{"pasargad", []string{"overdue", "done", "open", "due-soon", "upcoming", "upcoming", "upcoming"}, 1},
		{"shiraz", []string{"overdue", "overdue", "open", "due-soon", "upcoming", "upcoming", "upcoming"}, 2},
	}
	words := map[string]string{"done": "Done", "overdue": "Overdue", "open": "Open now", "due-soon": "Due within 3 days", "upcoming": "Upcoming"}
	for _, tt := range tests {
		r := rows[tt.county]
		if !slices.Equal(r.statuses, tt.statuses) || r.overdue != tt.overdue {
			t.Errorf("%s: %v, %d overdue; want %v, %d", tt.county, r.statuses, r.overdue, tt.statuses, tt.overdue)
		}
		for i, s := range r.statuses {
			if r.words[i] != words[s] || r.links[i] != "/timeline?county="+tt.county {
				t.Errorf("%s, cell %d (%s): %q linking to %q", tt.county, i, s, r.words[i], r.links[i])
			}
		}
	}
	// Overdue per milestone: the boards everywhere but Marvdasht, the registration everywhere but Pasargad.
	wantPer := []int{counties - 1, counties - 1, 0, 0, 0, 0, 0, 2*counties - 2}
	if !slices.Equal(per, wantPer) {
		t.Errorf("overdue per milestone and in all %v, want %v", per, wantPer)
	}
	mustContain(t, res.body, `href="/timeline/matrix?county=marvdasht"`, `class="table-wrap"`)

	// A county's districts by the district milestones: Central's board formed, the others' overdue.
	res = a.get(hq, "/timeline/matrix?county=marvdasht")
	if res.status != http.StatusOK {
		t.Fatalf("Marvdasht's districts: %d", res.status)
	}
	titles, rows, per = readMatrix(t, res.body)
	districts := a.count(`SELECT count(*) FROM districts d JOIN counties c ON c.id = d.county_id WHERE c.code = 'marvdasht'`)
	if !slices.Equal(titles, []string{"District executive board formed", "Village and tribal council candidates&#39; registration"}) ||
		len(rows) != districts || districts < 2 {
		t.Fatalf("districts' matrix: columns %q, %d rows of %d districts", titles, len(rows), districts)
	}
	for code, r := range rows {
		want := []string{"overdue", "upcoming"}
		if code == "marvdasht-central" {
			want = []string{"done", "upcoming"}
		}
		if !slices.Equal(r.statuses, want) || r.links[0] != "/timeline?county=marvdasht" {
			t.Errorf("district %s: %v linking to %s; want %v", code, r.statuses, r.links[0], want)
		}
	}
	if !slices.Equal(per, []int{districts - 1, 0, districts - 1}) {
		t.Errorf("districts' overdue counts %v", per)
	}
	mustContain(t, res.body, "Timeline across the districts of Marvdasht", `href="/timeline/matrix"`)
	mustNotContain(t, res.body, "County executive board formed")

	// In Persian the statuses and the counts are Persian words and digits.
	a.get(hq, "/lang/fa")
	res = a.get(hq, "/timeline/matrix")
	_, rows, _ = readMatrix(t, res.body)
	if r := rows["shiraz"]; r.words[0] != "از مهلت گذشته" || r.words[3] != "سررسید تا ۳ روز دیگر" {
		t.Errorf("Shiraz in Persian: %q", r.words)
	}
	mustContain(t, res.body, `<td class="num bad-text">۲</td>`)

	// The observer reads the same; the national HQ chooses a province, and reads the same of it.
	obs := a.login("observer")
	if _, rows, _ := readMatrix(t, a.get(obs, "/timeline/matrix").body); !slices.Equal(rows["marvdasht"].statuses, tests[0].statuses) {
		t.Errorf("the observer's Marvdasht: %v", rows["marvdasht"].statuses)
	}
	nat := a.login("national")
	res = a.get(nat, "/timeline/matrix")
	if res.status != http.StatusOK || strings.Contains(res.body, "<table") || !strings.Contains(res.body, `<select id="f-matrix-province-province" name="province"`) {
		t.Errorf("the national HQ's matrix before a province is chosen: %d, a table or no choice", res.status)
	}
	res = a.get(nat, "/timeline/matrix?province=fars")
	if _, rows, _ := readMatrix(t, res.body); !slices.Equal(rows["pasargad"].statuses, tests[1].statuses) ||
		rows["pasargad"].links[0] != "/timeline?county=pasargad&amp;province=fars" {
		t.Errorf("the national HQ's Pasargad: %v linking to %s", rows["pasargad"].statuses, rows["pasargad"].links[0])
	}
	mustContain(t, res.body, `href="/timeline/matrix?county=marvdasht&amp;province=fars"`, `<option value="fars" selected>`)
	if _, rows, _ := readMatrix(t, a.get(nat, "/timeline/matrix?province=fars&county=marvdasht").body); !slices.Equal(rows["marvdasht-central"].statuses, []string{"done", "upcoming"}) {
		t.Errorf("the national HQ's Marvdasht Central: %v", rows["marvdasht-central"].statuses)
	}

	// Another province's county is none of Fars's; an unknown province or county is not found.
	a.exec(`WITH p AS (INSERT INTO provinces (code, name_fa, name_en) VALUES ('yazd', 'یزد', 'Yazd') RETURNING id)
		INSERT INTO counties (province_id, code, name_fa, name_en) SELECT id, 'yazd-c', 'یزد', 'Yazd' FROM p`)
	for _, tt := range []struct {
		c    *http.Client
		path string
	}{{hq, "/timeline/matrix?county=yazd-c"}, {hq, "/timeline/matrix?county=nowhere"}, {nat, "/timeline/matrix?province=nowhere"},
		{nat, "/timeline/matrix?province=fars&county=yazd-c"}} {
		if res := a.get(tt.c, tt.path); res.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", tt.path, res.status)
		}
	}
	if res := a.get(nat, "/timeline/matrix?province=yazd"); res.status != http.StatusOK || !strings.Contains(res.body, `id="place-yazd-c"`) ||
		strings.Contains(res.body, `id="place-marvdasht"`) {
		t.Errorf("the national HQ's Yazd: %d", res.status)
	}
	if strings.Contains(a.get(hq, "/timeline/matrix").body, "yazd-c") {
		t.Error("Fars's matrix shows a county of Yazd")
	}

	// A governor, a district head and a committee member read their own timeline, not the matrix.
	for _, u := range []string{"gov.marvdasht", "dh.marvdasht", "committee"} {
		c := a.login(u)
		for _, path := range []string{"/timeline/matrix", "/timeline/matrix?county=marvdasht"} {
			if res := a.get(c, path); res.status != http.StatusForbidden {
				t.Errorf("%s %s: %d, want 403", u, path, res.status)
			}
		}
		if strings.Contains(a.get(c, "/timeline/calendar").body, `href="/timeline/matrix"`) {
			t.Errorf("%s is offered the matrix", u)
		}
	}
}

// calendarDayRE finds a day of the grid: its classes, whether it is today, its number and its milestones.
var calendarDayRE = regexp.MustCompile(`(?s)<td class="(cal-day[^"]*)"( aria-current="date")?><div class="cal-date"><span class="cal-num">([^<]+)</span>(.*?)</td>`)

// calendarCell is one day of the grid as the page shows it.
type calendarCell struct {
	class   string
	today   bool
	num     string
	content string
}

func readCalendar(t *testing.T, body string) []calendarCell {
	t.Helper()
	var cells []calendarCell
	for _, m := range calendarDayRE.FindAllStringSubmatch(body, -1) {
		cells = append(cells, calendarCell{class: m[1], today: m[2] != "", num: m[3], content: m[4]})
	}
	if len(cells)%7 != 0 || len(cells) < 28 {
		t.Fatalf("the grid has %d days", len(cells))
	}
	return cells
}

// inMonthDay returns the grid's day of the month numbered num.
func inMonthDay(t *testing.T, cells []calendarCell, num string) calendarCell {
	t.Helper()
	for _, c := range cells {
		if c.num == num && !strings.Contains(c.class, "cal-out") {
			return c
		}
	}
	t.Fatalf("no day %s in the month", num)
	return calendarCell{}
}

// The calendar shows this month in Tehran in the reader's calendar, Saturday first, today and Fridays
// marked in words; each day lists the milestones of the user's scope that start, run or end on it; the
// months around it are a link away, a month of the other calendar leads to the reader's, and anything
// else is the 400 page.
func TestTimelineCalendar(t *testing.T) {
	a := newTestApp(t)
	a.timelineFixture()
	hq, gov, dh := a.login("hq.fars"), a.login("gov.marvdasht"), a.login("dh.marvdasht")
	res := a.get(hq, "/timeline/calendar")
	if res.status != http.StatusOK {
		t.Fatalf("calendar: %d", res.status)
	}
	// 5 Azar 1405 is Thursday 26 November 2026: Azar runs from Sunday 22 November to Monday 21 December,
	// so its grid is five weeks from 30 Aban to 4 Dey.
	cells := readCalendar(t, res.body)
	if len(cells) != 35 || cells[0].num != "۳۰" || !strings.Contains(cells[0].class, "cal-out") || cells[1].num != "۱" ||
		cells[30].num != "۳۰" || cells[34].num != "۴" || !strings.Contains(cells[34].class, "cal-out") {
		t.Errorf("Azar 1405: %d days from %s to %s", len(cells), cells[0].num, cells[len(cells)-1].num)
	}
	mustContain(t, res.body, `<h2 id="cal-month">آذر ۱۴۰۵</h2>`, `href="/timeline/calendar?month=1405-08" rel="prev"`,
		`href="/timeline/calendar?month=1405-10" rel="next"`, `<span class="wd-long">شنبه</span>`)
	mustNotContain(t, res.body, "این ماه") // this month is the month shown
	if got := strings.Index(res.body, ">شنبه<"); got < 0 || got > strings.Index(res.body, ">جمعه<") {
		t.Error("the week does not start on Saturday and end on Friday")
	}
	var today []string
	for _, c := range cells {
		if c.today {
			today = append(today, c.num)
		}
		friday := strings.Contains(c.class, "cal-fri") && !strings.Contains(c.class, "cal-out")
		if friday != strings.Contains(c.content, `<span class="cal-tag cal-rest">تعطیل</span>`) {
			t.Errorf("day %s: Friday %v, but its words say otherwise", c.num, friday)
		}
	}
	for i, c := range cells {
		if strings.Contains(c.class, "cal-fri") != (i%7 == 6) {
			t.Errorf("day %s in column %d is marked Friday: %v", c.num, i%7, !(i%7 == 6))
		}
	}
	if !slices.Equal(today, []string{"۵"}) || !strings.Contains(inMonthDay(t, cells, "۵").content, "امروز") {
		t.Errorf("today is marked on %v", today)
	}
	if fridays := strings.Count(res.body, `"cal-day cal-fri"`); fridays != 4 { // 6, 13, 20 and 27 Azar
		t.Errorf("%d Fridays in the month, want 4", fridays)
	}
	// 1 Azar (22 November, E−96) is the district boards' last day; the city review (E−102…−80) runs to
	// 17 Azar, and the supervision boards' review (E−79…−69) runs from 18 to 28 Azar; the change of
	// constituency (E−110…−15) runs through the month.
	for _, tt := range []struct {
		day, want string
	}{
		{"۱", `<span class="cal-part">پایان:</span> تشکیل هیئت اجرایی بخش`},
		{"۱", `بررسی صلاحیت داوطلبان شهر`},
		{"۱۷", `<span class="cal-part">پایان:</span> بررسی صلاحیت داوطلبان شهر`},
		{"۱۸", `<span class="cal-part">آغاز:</span> پایان مهلت بررسی هیئت‌های نظارت`},
		{"۲۲", `تغییر حوزه انتخابیه داوطلب`},
		{"۲۸", `<span class="cal-part">پایان:</span> پایان مهلت بررسی هیئت‌های نظارت`},
	} {
		if c := inMonthDay(t, cells, tt.day); !strings.Contains(c.content, tt.want) {
			t.Errorf("day %s lacks %q", tt.day, tt.want)
		}
	}
	if c := inMonthDay(t, cells, "۱۸"); strings.Contains(c.content, "بررسی صلاحیت داوطلبان شهر") {
		t.Error("the city review is shown after its last day")
	}
	mustContain(t, res.body, `<a href="/timeline"><span class="cal-part">`, `<h2 id="cal-days-h">روزهای دارای مرحله</h2>`)

	// The governor sees his county's milestones and his districts'; the district head his district's and
	// not the county's, nor the cities' windows.
	if body := a.get(gov, "/timeline/calendar").body; !strings.Contains(body, "بررسی صلاحیت داوطلبان شهر") || !strings.Contains(body, "تشکیل هیئت اجرایی بخش") {
		t.Error("the governor's calendar lacks his county's or his districts' milestones")
	}
	body := a.get(dh, "/timeline/calendar").body
	if !strings.Contains(body, "تشکیل هیئت اجرایی بخش") || !strings.Contains(body, "تغییر حوزه انتخابیه داوطلب") ||
		strings.Contains(body, "بررسی صلاحیت داوطلبان شهر") {
		t.Error("the district head's calendar is not his district's")
	}
	if body := a.get(dh, "/timeline/calendar?month=1405-08").body; strings.Contains(body, "ثبت‌نام داوطلبان شوراهای شهر") ||
		!strings.Contains(body, "آبان ۱۴۰۵") {
		t.Error("Aban 1405 shows the district head the cities' registration, or is not Aban")
	}

	// Another month: its own grid, and a link back to this month.
	res = a.get(hq, "/timeline/calendar?month=۱۴۰۵-۱۲")
	cells = readCalendar(t, res.body)
	mustContain(t, res.body, `<h2 id="cal-month">اسفند ۱۴۰۵</h2>`, `href="/timeline/calendar?month=1405-09">این ماه</a>`)
	if c := inMonthDay(t, cells, "۷"); !strings.Contains(c.content, "روز رأی‌گیری") || strings.Contains(c.content, "cal-part") {
		t.Error("7 Esfand 1405 is not shown as election day")
	}
	if strings.Contains(res.body, `aria-current="date"`) {
		t.Error("a month without today marks a day as today")
	}

	// In English, the Gregorian month; a Jalali month leads to the Gregorian one that holds its middle, and
	// in Persian the other way round.
	a.get(hq, "/lang/en")
	res = a.get(hq, "/timeline/calendar")
	cells = readCalendar(t, res.body)
	mustContain(t, res.body, `<h2 id="cal-month">November 2026</h2>`, `<span class="wd-long">Saturday</span>`, `href="/timeline/calendar?month=2026-12" rel="next"`)
	if c := inMonthDay(t, cells, "26"); !c.today || !strings.Contains(c.content, "today") {
		t.Error("26 November is not marked as today")
	}
	if c := inMonthDay(t, cells, "22"); !strings.Contains(c.content, `<span class="cal-part">Ends:</span> District executive board formed`) {
		t.Error("22 November lacks the end of the district boards' window")
	}
	if cells[0].num != "31" || !strings.Contains(cells[0].class, "cal-out") { // 1 November 2026 is a Sunday
		t.Errorf("November 2026 starts its grid on %s (%s)", cells[0].num, cells[0].class)
	}
	for path, want := range map[string]string{"/timeline/calendar?month=1405-09": "/timeline/calendar?month=2026-12"} {
		if res := a.get(hq, path); res.status != http.StatusSeeOther || res.header.Get("Location") != want {
			t.Errorf("%s: %d to %q, want 303 to %s", path, res.status, res.header.Get("Location"), want)
		}
	}
	a.get(hq, "/lang/fa")
	if res := a.get(hq, "/timeline/calendar?month=2026-11"); res.status != http.StatusSeeOther ||
		res.header.Get("Location") != "/timeline/calendar?month=1405-08" {
		t.Errorf("November 2026 in Persian: %d to %q", res.status, res.header.Get("Location"))
	}
	for _, bad := range []string{"1405-13", "1405", "x", "1405-1-1", "1600-01", strings.Repeat("1", 40)} {
		if res := a.get(hq, "/timeline/calendar?month="+url.QueryEscape(bad)); res.status != http.StatusBadRequest {
			t.Errorf("month %q: %d, want 400", bad, res.status)
		} else {
			hasNavigation(t, "bad month", res.body)
		}
	}
}

// Without a current election the calendar still shows this month, with no milestone.
func TestTimelineCalendarWithoutElection(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return timelineDay }
	res := a.get(a.login("gov.marvdasht"), "/timeline/calendar")
	if res.status != http.StatusOK {
		t.Fatalf("calendar: %d", res.status)
	}
	mustContain(t, res.body, `<h2 id="cal-month">آذر ۱۴۰۵</h2>`, "در این ماه مرحله‌ای از حوزه شما نیست.")
	mustNotContain(t, res.body, `class="cal-items"`)
	if res := a.get(a.login("hq.fars"), "/timeline/matrix"); res.status != http.StatusOK || strings.Contains(res.body, "<table") {
		t.Errorf("the matrix without an election: %d", res.status)
	}
}

var feedAddressRE = regexp.MustCompile(`<input id="ics-url" class="copy-source" type="text" value="([^"]+)"`)

// makeFeed posts the profile's feed form (with its confirmation) and returns the token of the address
// the page shows.
func (a *testApp) makeFeed(c *http.Client) string {
	a.t.Helper()
	res := a.post(c, "/profile/ics-token", url.Values{"confirm": {"yes"}})
	m := feedAddressRE.FindStringSubmatch(res.body)
	if res.status != http.StatusOK || m == nil {
		a.t.Fatalf("making a feed: %d, no address", res.status)
	}
	u, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
	if err != nil || u.Path != "/timeline.ics" || u.Host != strings.TrimPrefix(a.srv.URL, "http://") {
		a.t.Fatalf("the feed's address %q", m[1])
	}
	return u.Query().Get("token")
}

// feed reads a calendar feed without a session, as a calendar application does.
func (a *testApp) feed(token string) response {
	return a.get(a.client(), "/timeline.ics?token="+url.QueryEscape(token))
}

// parseFeed parses a feed with a real iCalendar parser and returns its events by UID.
func parseFeed(t *testing.T, res response) (*ics.Calendar, map[string]*ics.VEvent) {
	t.Helper()
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("feed: %d, %q", res.status, res.header.Get("Content-Type"))
	}
	cal, err := ics.ParseCalendar(strings.NewReader(res.body))
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, res.body)
	}
	events := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		events[e.Id()] = e
	}
	return cal, events
}

// prop is an event's property value, and its VALUE parameter.
func prop(e *ics.VEvent, name ics.ComponentProperty) (string, string) {
	p := e.GetProperty(name)
	if p == nil {
		return "", ""
	}
	var value string
	if v := p.ICalParameters["VALUE"]; len(v) > 0 {
		value = v[0]
	}
	return p.Value, value
}

// The profile makes a calendar feed: its address is shown once, with a way to copy it, and afterwards the
// page says that a feed exists and offers a new address, asked first. The feed, read without a session,
// holds an all-day event for each milestone of the user's scope, in his language; a missing or wrong
// token, the token replaced by a new one and a disabled user's token find nothing. Only the token's hash
// is stored.
func TestTimelineFeed(t *testing.T) {
	a := newTestApp(t)
	e, ids := a.timelineFixture()
	for _, token := range []string{"", "nothing", strings.Repeat("x", 43), strings.Repeat("y", 500)} {
		if res := a.feed(token); res.status != http.StatusNotFound {
			t.Errorf("token %q: %d, want 404", token, res.status)
		}
	}
	gov := a.login("gov.marvdasht")
	res := a.get(gov, "/profile")
	mustContain(t, res.body, "هنوز نشانی خوراکی نساخته‌اید.", `action="/profile/ics-token"`, "ساختن نشانی خوراک")
	mustNotContain(t, res.body, "data-confirm=", `id="ics-url"`)
	// The first feed needs no confirmation.
	res = a.post(gov, "/profile/ics-token", url.Values{})
	mustContain(t, res.body, "نشانی خوراک تقویم شما ساخته شد", `readonly`, `data-copy="ics-url"`, `<script src="/static/js/copy.js" defer></script>`,
		`class="feed-link"`)
	token := feedAddressRE.FindStringSubmatch(res.body)
	if res.status != http.StatusOK || token == nil {
		t.Fatalf("making the feed: %d", res.status)
	}
	first, _ := url.Parse(strings.ReplaceAll(token[1], "&amp;", "&"))
	tok := first.Query().Get("token")
	if len(tok) != 43 {
		t.Errorf("the token %q is not 256 bits", tok)
	}
	hash := sha256.Sum256([]byte(tok))
	if n := a.count(`SELECT count(*) FROM ics_tokens WHERE user_id = $1 AND token_hash = $2`, a.ids["gov.marvdasht"], hash[:]); n != 1 {
		t.Errorf("%d tokens stored by their hash", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'user.ics_token' AND actor_id = $1`, a.ids["gov.marvdasht"]); n != 1 {
		t.Errorf("%d audit rows of the new feed", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE position($1 in detail::text) > 0`, tok); n != 0 {
		t.Error("the audit log holds the token")
	}

	// Calendar apps may ask with HEAD first: the feed's headers, without its body.
	if res := a.do(a.client(), http.MethodHead, "/timeline.ics?token="+url.QueryEscape(tok), nil); res.status != http.StatusOK ||
		!strings.HasPrefix(res.header.Get("Content-Type"), "text/calendar") || res.body != "" {
		t.Errorf("HEAD of the feed: %d %q, %d bytes", res.status, res.header.Get("Content-Type"), len(res.body))
	}
	if res := a.do(a.client(), http.MethodHead, "/timeline.ics?token=nothing", nil); res.status != http.StatusNotFound {
		t.Errorf("HEAD of the feed with a wrong token: %d", res.status)
	}
	cal, events := parseFeed(t, a.feed(tok))
	if got := a.feed(tok).body; !strings.Contains(got, "\r\n") || strings.Contains(strings.ReplaceAll(got, "\r\n", ""), "\n") {
		t.Error("the feed's lines do not end in CRLF")
	}
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == "X-WR-CALNAME" && p.Value != "ستاد: انتخابات آزمایشی" {
			t.Errorf("the calendar's name is %q", p.Value)
		}
	}
	// The governor's scope: every live milestone of the election (the law's and Fars's), each once.
	ms, err := a.st.Milestones(t.Context(), auth.Scope{ProvinceID: a.provinceID("fars")}, e)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != len(ms) || len(ms) != 17 {
		t.Errorf("%d events for %d milestones", len(events), len(ms))
	}
	uid := "milestone-" + itoa(ids["registration-city"]) + ".election-" + itoa(e) + ".county-marvdasht@setad"
	reg := events[uid]
	if reg == nil {
		t.Fatalf("no event %s among %d", uid, len(events))
	}
	// City registration E−110…E−103: 8 to 15 November 2026, the end exclusive.
	for name, want := range map[ics.ComponentProperty][2]string{
		ics.ComponentPropertyDtStart: {"20261108", "DATE"}, ics.ComponentPropertyDtEnd: {"20261116", "DATE"},
		ics.ComponentPropertySummary: {"ثبت‌نام داوطلبان شوراهای شهر", ""}, ics.ComponentPropertyDtstamp: {"20261126T100000Z", ""},
	} {
		if v, param := prop(reg, name); v != want[0] || param != want[1] {
			t.Errorf("%s = %q (VALUE %q), want %q (%q)", name, v, param, want[0], want[1])
		}
	}
	if desc, _ := prop(reg, ics.ComponentPropertyDescription); !strings.Contains(desc, "از ۱۴۰۵/۰۸/۱۷ تا ۱۴۰۵/۰۸/۲۴") ||
		!strings.Contains(desc, "ثبت‌نام اینترنتی داوطلبان") {
		t.Errorf("the description %q lacks the window or the milestone's", desc)
	}
	if day := events["milestone-"+itoa(ids["election-day"])+".election-"+itoa(e)+".county-marvdasht@setad"]; day == nil {
		t.Error("no event for election day")
	} else if s, _ := prop(day, ics.ComponentPropertyDtStart); s != "20270226" {
		t.Errorf("election day starts %s", s)
	}

	// Afterwards the profile says a feed exists, and a new one is asked first.
	res = a.get(gov, "/profile")
	mustContain(t, res.body, "خوراک تقویم شما ساخته شده است", `data-confirm="نشانی تازه‌ای برای خوراک تقویم شما ساخته شود؟`, "ساختن نشانی تازه")
	mustNotContain(t, res.body, tok, `id="ics-url"`)
	res = a.post(gov, "/profile/ics-token", url.Values{})
	mustContain(t, res.body, `class="card confirm-step"`, "نشانی کنونی همین حالا از کار می‌افتد", `name="confirm" value="yes"`)
	if a.feed(tok).status != http.StatusOK {
		t.Error("asking for a new address stopped the feed")
	}
	second := a.makeFeed(gov)
	if second == tok {
		t.Fatal("the new address is the old one")
	}
	if res := a.feed(tok); res.status != http.StatusNotFound {
		t.Errorf("the replaced token: %d, want 404", res.status)
	}
	if _, events := parseFeed(t, a.feed(second)); len(events) != len(ms) {
		t.Errorf("the new token's feed has %d events", len(events))
	}
	if n := a.count(`SELECT count(*) FROM ics_tokens WHERE user_id = $1`, a.ids["gov.marvdasht"]); n != 1 {
		t.Errorf("%d tokens kept", n)
	}

	// The feed is drawn at every read: a moved election day moves its events at once.
	if err := a.st.MoveElectionDay(t.Context(), audit.System, e, time.Date(2027, 3, 5, 0, 0, 0, 0, time.UTC), "test"); err != nil {
		t.Fatal(err)
	}
	_, events = parseFeed(t, a.feed(second))
	if s, _ := prop(events["milestone-"+itoa(ids["election-day"])+".election-"+itoa(e)+".county-marvdasht@setad"], ics.ComponentPropertyDtStart); s != "20270305" {
		t.Errorf("after the move election day starts %s", s)
	}

	// A district head's feed is his district's, in English when that is his language; the national HQ's
	// the law's.
	dh := a.login("dh.marvdasht")
	a.post(dh, "/profile/lang", url.Values{"lang": {"en"}})
	cal, events = parseFeed(t, a.feed(a.makeFeed(dh)))
	var summaries []string
	for _, ev := range events {
		s, _ := prop(ev, ics.ComponentPropertySummary)
		summaries = append(summaries, s)
		if !strings.HasSuffix(ev.Id(), ".district-marvdasht-central@setad") {
			t.Errorf("the district head's event %s", ev.Id())
		}
	}
	if !slices.Contains(summaries, "District executive board formed") || slices.Contains(summaries, "County executive board formed") ||
		slices.Contains(summaries, "Polling stations") || slices.Contains(summaries, "City council candidates' registration") {
		t.Errorf("the district head's feed: %q", summaries)
	}
	_, events = parseFeed(t, a.feed(a.makeFeed(a.login("national"))))
	for id := range events {
		if strings.Contains(id, "milestone-"+itoa(ids["stations"])+".") || !strings.HasSuffix(id, ".national@setad") {
			t.Errorf("the national HQ's feed has %s", id)
		}
	}
	if len(events) != 16 {
		t.Errorf("the national HQ's feed has %d events, want the law's 16", len(events))
	}

	// A disabled user's feed is gone; enabled again, it is back.
	a.exec(`UPDATE users SET disabled_at = now() WHERE id = $1`, a.ids["gov.marvdasht"])
	if res := a.feed(second); res.status != http.StatusNotFound {
		t.Errorf("a disabled user's feed: %d", res.status)
	}
	a.exec(`UPDATE users SET disabled_at = NULL WHERE id = $1`, a.ids["gov.marvdasht"])
	if res := a.feed(second); res.status != http.StatusOK || !bytes.HasPrefix([]byte(res.body), []byte("BEGIN:VCALENDAR\r\n")) {
		t.Errorf("the enabled user's feed: %d", res.status)
	}
}

// provinceID is a province's id by code.
func (a *testApp) provinceID(code string) int64 {
	a.t.Helper()
	var id int64
	if err := a.st.Pool().QueryRow(a.t.Context(), `SELECT id FROM provinces WHERE code = $1`, code).Scan(&id); err != nil {
		a.t.Fatal(err)
	}
	return id
}
