package store_test

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// checkAnswers answers every live item of a check: yes, with a note on the first.
func (f *fixture) checkAnswers(id int64) map[int64]store.ItemAnswer {
	f.t.Helper()
	_, items, err := f.st.Check(f.ctx, f.hq("fars"), id, date(2026, 11, 26))
	if err != nil {
		f.t.Fatal(err)
	}
	as := map[int64]store.ItemAnswer{}
	for i, it := range items {
		if !it.Retired {
			as[it.ID] = store.ItemAnswer{OK: i > 0, Note: map[bool]string{true: "سرور پشتیبان آماده نیست"}[i == 0]}
		}
	}
	return as
}

func checkOf(t *testing.T, cs []store.Check, id int64) store.Check {
	t.Helper()
	i := slices.IndexFunc(cs, func(c store.Check) bool { return c.ID == id })
	if i < 0 {
		t.Fatalf("check %d not listed in %+v", id, cs)
	}
	return cs[i]
}

// HQ defines a check due once and a daily one with districts; each place files its own days only, never
// ahead of a daily day, never another place's; a filing is corrected as of its version; what was filed
// and missed is counted per scope, place-day by place-day; HQ edits the items (an answered item is
// retired, not deleted) and retires the check; the sweep reminds the places that have not filed today.
func TestReadinessChecks(t *testing.T) {
	f := newFixture(t)
	today, now := date(2026, 11, 26), time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)
	election := int64(f.count(`SELECT id FROM elections WHERE code = 'councils-7'`))
	f.exec(`UPDATE elections SET is_current = true WHERE code = 'councils-7'`)
	hq, fars := f.as("hq.fars"), f.hq("fars")
	counties := f.count(`SELECT count(*) FROM counties WHERE province_id = $1`, f.province["fars"])
	districts := f.count(`SELECT count(*) FROM districts d JOIN counties c ON c.id = d.county_id WHERE c.province_id = $1`, f.province["fars"])
	marvdashtDistricts := f.count(`SELECT count(*) FROM districts WHERE county_id = $1`, f.county["marvdasht"])

	// Out-of-bounds definitions are refused.
	for _, d := range []store.CheckDef{
		{Title: "", Items: []string{"x"}, Cadence: "once", DueDate: today},
		{Title: "x", Items: nil, Cadence: "once", DueDate: today},
		{Title: "x", Items: []string{"x"}, Cadence: "daily", StartsOn: today, EndsOn: today.AddDate(0, 0, -1)},
		{Title: "x", Items: []string{"x"}, Cadence: "daily", StartsOn: today, EndsOn: today.AddDate(0, 0, 401)},
		{Title: "x", Items: []string{"x"}, Cadence: "weekly", DueDate: today},
	} {
		if _, err := f.st.DefineCheck(f.ctx, hq, fars, election, d); !errors.Is(err, store.ErrCheckInvalid) {
			t.Errorf("%+v: %v", d, err)
		}
	}
	once, err := f.st.DefineCheck(f.ctx, hq, fars, election, store.CheckDef{Title: "سامانه ثبت‌نام آزمایش شد",
		Items: []string{"ورود کاربران", "ثبت داوطلب نمونه"}, Cadence: "once", DueDate: date(2026, 11, 20)})
	if err != nil {
		t.Fatal(err)
	}
	daily, err := f.st.DefineCheck(f.ctx, hq, fars, election, store.CheckDef{Title: "کاربران آموزش دیدند",
		Items: []string{"آموزش دیدند"}, Cadence: "daily", StartsOn: date(2026, 11, 20), EndsOn: date(2026, 11, 30), IncludeDistricts: true})
	if err != nil {
		t.Fatal(err)
	}
	ahead, err := f.st.DefineCheck(f.ctx, hq, fars, election, store.CheckDef{Title: "صندوق‌ها شمرده شدند",
		Items: []string{"شمارش"}, Cadence: "once", DueDate: date(2026, 12, 5)})
	if err != nil {
		t.Fatal(err)
	}
	if n := f.auditCount("readiness.define"); n != 3 {
		t.Fatalf("%d definitions audited", n)
	}

	marvdasht := store.CheckPlace{CountyID: f.county["marvdasht"]}
	central := store.CheckPlace{CountyID: f.county["marvdasht"], DistrictID: f.district["marvdasht-central"]}
	dorudzan := store.CheckPlace{CountyID: f.county["marvdasht"], DistrictID: f.district["marvdasht-dorudzan"]}
	gov, dh := f.governor("marvdasht"), f.districtHead("marvdasht-central")
	file := func(sc auth.Scope, user string, id int64, p store.CheckPlace, day time.Time, version int) (int, error) {
		return f.st.FileCheck(f.ctx, f.as(user), sc, id, p, day, today, f.checkAnswers(id), version)
	}
	for _, tt := range []struct {
		name    string
		sc      auth.Scope
		user    string
		id      int64
		place   store.CheckPlace
		day     time.Time
		version int
		want    error
	}{
		{"once, not its day", gov, "gov.marvdasht", once, marvdasht, date(2026, 11, 21), 0, store.ErrCheckDay},
		{"daily, before its first day", gov, "gov.marvdasht", daily, marvdasht, date(2026, 11, 19), 0, store.ErrCheckDay},
		{"daily, after its last day", gov, "gov.marvdasht", daily, marvdasht, date(2026, 12, 1), 0, store.ErrCheckDay},
		{"daily, tomorrow", gov, "gov.marvdasht", daily, marvdasht, date(2026, 11, 27), 0, store.ErrCheckFuture},
		{"a district, the check of counties", dh, "dh.marvdasht-central", once, central, date(2026, 11, 20), 0, store.ErrCheckNoDistricts},
		{"another county", gov, "gov.marvdasht", once, store.CheckPlace{CountyID: f.county["pasargad"]}, date(2026, 11, 20), 0, store.ErrNotFound},
		{"another district", dh, "dh.marvdasht-central", daily, dorudzan, date(2026, 11, 20), 0, store.ErrNotFound},
		{"another province", f.governor("shemiranat"), "gov.shemiranat", once, store.CheckPlace{CountyID: f.county["shemiranat"]},
			date(2026, 11, 20), 0, store.ErrNotFound},
		{"a correction of nothing", gov, "gov.marvdasht", once, marvdasht, date(2026, 11, 20), 1, store.ErrConflict},
		{"once, on its day", gov, "gov.marvdasht", once, marvdasht, date(2026, 11, 20), 0, nil},
		{"once, ahead of its day", gov, "gov.marvdasht", ahead, marvdasht, date(2026, 12, 5), 0, nil},
		{"daily, today", gov, "gov.marvdasht", daily, marvdasht, today, 0, nil},
		{"daily, a district, late", dh, "dh.marvdasht-central", daily, central, date(2026, 11, 20), 0, nil},
		{"daily, a district, again late", dh, "dh.marvdasht-central", daily, central, date(2026, 11, 21), 0, nil},
		{"filed again as new", gov, "gov.marvdasht", once, marvdasht, date(2026, 11, 20), 0, store.ErrConflict},
	} {
		if _, err := file(tt.sc, tt.user, tt.id, tt.place, tt.day, tt.version); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	// A filing that leaves an item unanswered is refused.
	partial := f.checkAnswers(once)
	for k := range partial {
		delete(partial, k)
		break
	}
	if _, err := f.st.FileCheck(f.ctx, f.as("gov.pasargad"), f.governor("pasargad"), once, store.CheckPlace{CountyID: f.county["pasargad"]},
		date(2026, 11, 20), today, partial, 0); !errors.Is(err, store.ErrCheckAnswers) {
		t.Fatalf("a partial filing: %v", err)
	}
	// A correction as of the filing's version; a stale one refused.
	if v, err := file(gov, "gov.marvdasht", once, marvdasht, date(2026, 11, 20), 1); err != nil || v != 2 {
		t.Fatalf("a correction: %d %v", v, err)
	}
	if _, err := file(gov, "gov.marvdasht", once, marvdasht, date(2026, 11, 20), 1); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a stale correction: %v", err)
	}
	if n, m := f.auditCount("readiness.file"), f.auditCount("readiness.refile"); n != 5 || m != 1 {
		t.Fatalf("%d filings and %d corrections audited", n, m)
	}
	if row := f.lastAudit("readiness.refile"); row.EntityID != itoa(once) {
		t.Fatalf("the correction's row: %+v", row)
	}
	var filing store.Filing
	var b store.Batch
	b.CheckFiling(f.province["fars"], once, marvdasht.CountyID, 0, date(2026, 11, 20), &filing)
	if err := f.st.Run(f.ctx, &b); err != nil || filing.Version != 2 || len(filing.Answers) != 2 || filing.FiledBy != "علی رضایی" {
		t.Fatalf("the filing: %+v %v", filing, err)
	}

	// The counts, as of today (the once check due six days ago; the daily one on its seventh day).
	days, past := 7, 6
	for _, tt := range []struct {
		name                            string
		sc                              auth.Scope
		own                             bool
		id                              int64
		places, expected, filed, missed int
	}{
		{"hq, once", fars, false, once, counties, counties, 1, counties - 1},
		{"hq, daily", fars, false, daily, counties + districts, days * (counties + districts), 3, past*(counties+districts) - 2},
		{"hq, ahead", fars, false, ahead, counties, 0, 0, 0},
		{"governor's own, once", gov, true, once, 1, 1, 1, 0},
		{"governor's own, daily", gov, true, daily, 1, days, 1, past},
		{"governor's county, daily", gov, false, daily, 1 + marvdashtDistricts, days * (1 + marvdashtDistricts), 3, past*(1+marvdashtDistricts) - 2},
		{"district head, once", dh, true, once, 0, 0, 0, 0},
		{"district head, daily", dh, true, daily, 1, days, 2, past - 2},
	} {
		cs, err := f.st.Checks(f.ctx, tt.sc, election, today, tt.own)
		if err != nil {
			t.Fatal(err)
		}
		c := checkOf(t, cs, tt.id)
		if c.Places != tt.places || c.Expected != tt.expected || c.Filed != tt.filed || c.Missed != tt.missed {
			t.Errorf("%s: places %d expected %d filed %d missed %d, want %d %d %d %d", tt.name, c.Places, c.Expected, c.Filed, c.Missed,
				tt.places, tt.expected, tt.filed, tt.missed)
		}
	}
	if cs, err := f.st.Checks(f.ctx, f.hq("tehran"), election, today, false); err != nil || len(cs) != 0 {
		t.Fatalf("Tehran reads Fars's checks: %+v %v", cs, err)
	}
	if _, _, err := f.st.Check(f.ctx, f.hq("tehran"), once, today); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Tehran reads a Fars check: %v", err)
	}

	// The missed place-days, one by one: the governor's own place missed the daily check's first six days.
	var missed, county, unfiled []store.PlaceDay
	b = store.Batch{}
	b.MissedDays(gov, election, 0, today, true, &missed)
	b.MissedDays(auth.Scope{ProvinceID: f.province["fars"], CountyID: f.county["marvdasht"]}, election, 0, today, false, &county)
	b.Unfiled(fars, election, today, false, &unfiled)
	if err := f.st.Run(f.ctx, &b); err != nil {
		t.Fatal(err)
	}
	if len(missed) != past || !missed[0].Day.Equal(date(2026, 11, 25)) || !missed[past-1].Day.Equal(date(2026, 11, 20)) ||
		missed[0].CheckID != daily || missed[0].DistrictID != 0 {
		t.Fatalf("the governor's missed days: %+v", missed)
	}
	if len(county) != past*(1+marvdashtDistricts)-2 {
		t.Fatalf("Marvdasht's missed place-days: %d, want %d", len(county), past*(1+marvdashtDistricts)-2)
	}
	perCheck := map[int64]int{}
	for _, u := range unfiled {
		perCheck[u.CheckID]++
	}
	if perCheck[once] != counties-1 || perCheck[daily] != counties+districts-1 || perCheck[ahead] != 0 {
		t.Fatalf("not filed: %v", perCheck)
	}

	// The sweep reminds the places of Fars that have not filed the daily check today: not Marvdasht's
	// governor, who has; its district heads, since the check includes districts; nobody in Tehran.
	if _, err := f.st.SweepNotices(f.ctx, now); err != nil {
		t.Fatal(err)
	}
	for user, want := range map[string]int{"gov.marvdasht": 0, "gov.pasargad": 1, "dh.marvdasht-central": 1, "dh.marvdasht-dorudzan": 1,
		"gov.shemiranat": 0, "hq.fars": 0} {
		n := 0
		for _, x := range f.inbox(user) {
			if x.Kind == store.NoticeReadinessDue {
				n++
				if x.SubjectID != daily || x.Title != "کاربران آموزش دیدند" {
					t.Errorf("%s's reminder: %+v", user, x)
				}
			}
		}
		if n != want {
			t.Errorf("%s has %d reminders, want %d", user, n, want)
		}
	}
	before := f.count(`SELECT count(*) FROM notifications WHERE kind = 'readiness_due'`)
	if _, err := f.st.SweepNotices(f.ctx, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if after := f.count(`SELECT count(*) FROM notifications WHERE kind = 'readiness_due'`); after != before {
		t.Fatalf("the sweep reminded again: %d then %d", before, after)
	}

	// Edits: as of the version; an answered item taken out is retired, an unanswered one deleted; days
	// that would leave a filing out are refused, and so are counties only while districts have filed.
	edit := store.CheckDef{Title: "سامانه ثبت‌نام آزمایش و تأیید شد", Items: []string{"ورود کاربران و کارشناسان"}, Cadence: "once",
		DueDate: date(2026, 11, 20)}
	if err := f.st.EditCheck(f.ctx, hq, fars, once, 2, edit); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a stale edit: %v", err)
	}
	if err := f.st.EditCheck(f.ctx, hq, f.hq("tehran"), once, 1, edit); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Tehran editing: %v", err)
	}
	if err := f.st.EditCheck(f.ctx, hq, fars, once, 1, edit); err != nil {
		t.Fatal(err)
	}
	_, items, err := f.st.Check(f.ctx, fars, once, today)
	if err != nil || len(items) != 3 || items[0].Text != "ورود کاربران و کارشناسان" || items[0].Retired || !items[1].Retired || !items[2].Retired {
		t.Fatalf("items after the edit: %+v %v", items, err)
	}
	if err := f.st.EditCheck(f.ctx, hq, fars, ahead, 1, store.CheckDef{Title: "صندوق‌ها شمرده شدند", Items: []string{"شمارش"},
		Cadence: "once", DueDate: date(2026, 12, 6)}); !errors.Is(err, store.ErrCheckFiledDays) {
		t.Fatalf("a day that leaves a filing out: %v", err)
	}
	noDistricts := store.CheckDef{Title: "کاربران آموزش دیدند", Items: []string{"آموزش دیدند", "آزمون دادند"}, Cadence: "daily",
		StartsOn: date(2026, 11, 20), EndsOn: date(2026, 11, 30)}
	if err := f.st.EditCheck(f.ctx, hq, fars, daily, 1, noDistricts); !errors.Is(err, store.ErrCheckFiledDays) {
		t.Fatalf("counties only after district filings: %v", err)
	}
	noDistricts.IncludeDistricts = true
	if err := f.st.EditCheck(f.ctx, hq, fars, daily, 1, noDistricts); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM readiness_items WHERE check_id = $1 AND retired_at IS NULL`, daily); n != 2 {
		t.Fatalf("%d live items after adding one", n)
	}
	// The added item is not answered by the old filings; the next filing answers it.
	if _, err := file(gov, "gov.marvdasht", daily, marvdasht, date(2026, 11, 25), 0); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM readiness_answers a JOIN readiness_filings r ON r.id = a.filing_id
		WHERE r.check_id = $1 AND r.day = '2026-11-25'`, daily); n != 2 {
		t.Fatalf("%d answers to the daily check's latest filing", n)
	}

	// Retired: out of the lists and out of filing.
	if err := f.st.RetireCheck(f.ctx, hq, fars, ahead, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := file(gov, "gov.marvdasht", ahead, marvdasht, date(2026, 12, 5), 1); !errors.Is(err, store.ErrCheckRetired) {
		t.Fatalf("filing a retired check: %v", err)
	}
	cs, err := f.st.Checks(f.ctx, fars, election, today, false)
	if err != nil || len(cs) != 2 || slices.ContainsFunc(cs, func(c store.Check) bool { return c.ID == ahead }) {
		t.Fatalf("after retiring: %+v %v", cs, err)
	}
	for _, action := range []string{"readiness.edit", "readiness.retire"} {
		if f.auditCount(action) == 0 {
			t.Errorf("no %s audited", action)
		}
	}
	f.verifyChain()
}

// An edit of a check of fifty items matches its lines to the items by their text: a line of new text is
// a new item, an item whose text no line has is retired when answered, else deleted; the live items follow
// the lines' order; the log names each change in order. A retired check comes back as of its version,
// and only a retired one.
func TestEditCheckFiftyItems(t *testing.T) {
	f := newFixture(t)
	election := int64(f.count(`SELECT id FROM elections WHERE code = 'councils-7'`))
	hq, fars, gov := f.as("hq.fars"), f.hq("fars"), f.governor("marvdasht")
	lines := func(prefix string, from, to int) []string {
		var out []string
		for n := from; n <= to; n++ {
			out = append(out, prefix+" "+strconv.Itoa(n))
		}
		return out
	}
	def := store.CheckDef{Title: "پنجاه بند", Items: lines("بند", 1, 10), Cadence: "once", DueDate: date(2026, 11, 20)}
	id, err := f.st.DefineCheck(f.ctx, hq, fars, election, def)
	if err != nil {
		t.Fatal(err)
	}
	// The governor answers the ten items.
	if _, err := f.st.FileCheck(f.ctx, f.as("gov.marvdasht"), gov, id, store.CheckPlace{CountyID: f.county["marvdasht"]},
		date(2026, 11, 20), date(2026, 11, 26), f.checkAnswers(id), 0); err != nil {
		t.Fatal(err)
	}
	liveItems := func() []store.CheckItem {
		t.Helper()
		_, items, err := f.st.Check(f.ctx, fars, id, date(2026, 11, 26))
		if err != nil {
			t.Fatal(err)
		}
		return items
	}

	// Fifty lines: the even ones of the first ten reworded (new items; the old, answered, retired), forty added.
	def.Items = lines("بند", 1, 10)
	for i := 1; i < 10; i += 2 {
		def.Items[i] = "بند تازه " + strconv.Itoa(i+1)
	}
	def.Items = append(def.Items, lines("افزوده", 11, 50)...)
	if err := f.st.EditCheck(f.ctx, hq, fars, id, 1, def); err != nil {
		t.Fatal(err)
	}
	items := liveItems()
	if len(items) != store.MaxCheckItems+5 {
		t.Fatalf("%d items after the edit, want %d", len(items), store.MaxCheckItems+5)
	}
	for i, it := range items[:store.MaxCheckItems] {
		if it.Text != def.Items[i] || it.Retired || i > 0 && it.Position <= items[i-1].Position {
			t.Errorf("item %d: %+v, want %q", i+1, it, def.Items[i])
		}
	}
	for i, it := range items[store.MaxCheckItems:] {
		if want := "بند " + strconv.Itoa(2*i+2); it.Text != want || !it.Retired {
			t.Errorf("retired item %d: %+v, want %q", i+1, it, want)
		}
	}
	var detail struct {
		Before map[string]any `json:"before"`
		After  map[string]any `json:"after"`
	}
	if err := json.Unmarshal([]byte(f.lastAudit("readiness.edit").Detail), &detail); err != nil {
		t.Fatal(err)
	}
	strs := func(v any) []string {
		var out []string
		for _, s := range v.([]any) {
			out = append(out, s.(string))
		}
		return out
	}
	var from, to []string
	for i := 1; i < 10; i += 2 {
		from, to = append(from, "بند "+strconv.Itoa(i+1)), append(to, "بند تازه "+strconv.Itoa(i+1))
	}
	if detail.Before != nil || len(detail.After) != 2 || !slices.Equal(strs(detail.After["retired"]), from) ||
		!slices.Equal(strs(detail.After["added"]), append(to, lines("افزوده", 11, 50)...)) {
		t.Errorf("the edit's log: %+v", detail)
	}

	// Three lines: the first three kept, the answered items retired, the unanswered deleted.
	def.Items = def.Items[:3]
	if err := f.st.EditCheck(f.ctx, hq, fars, id, 2, def); err != nil {
		t.Fatal(err)
	}
	items = liveItems()
	if len(items) != 11 || f.count(`SELECT count(*) FROM readiness_items WHERE check_id = $1`, id) != 11 {
		t.Fatalf("items after taking 47 out: %+v", items)
	}
	for i, it := range items {
		if it.Retired != (i >= 3) {
			t.Errorf("item %d after taking out: %+v", i+1, it)
		}
	}
	detail.Before, detail.After = nil, nil
	if err := json.Unmarshal([]byte(f.lastAudit("readiness.edit").Detail), &detail); err != nil {
		t.Fatal(err)
	}
	want := append([]string{"بند تازه 4", "بند 5", "بند تازه 6", "بند 7", "بند تازه 8", "بند 9", "بند تازه 10"}, lines("افزوده", 11, 50)...)
	if detail.Before != nil || len(detail.After) != 1 || !slices.Equal(strs(detail.After["retired"]), want) {
		t.Errorf("the second edit's log: %+v", detail)
	}

	// Restored: only a retired check, as of its version.
	if err := f.st.RestoreCheck(f.ctx, hq, fars, id, 3); !errors.Is(err, store.ErrCheckLive) {
		t.Fatalf("restoring a live check: %v", err)
	}
	if err := f.st.RetireCheck(f.ctx, hq, fars, id, 3); err != nil {
		t.Fatal(err)
	}
	if err := f.st.RestoreCheck(f.ctx, hq, fars, id, 3); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a stale restore: %v", err)
	}
	if err := f.st.RestoreCheck(f.ctx, hq, f.hq("tehran"), id, 4); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Tehran restores: %v", err)
	}
	if err := f.st.RestoreCheck(f.ctx, hq, fars, id, 4); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM readiness_checks WHERE id = $1 AND retired_at IS NULL AND version = 5`, id); n != 1 ||
		f.auditCount("readiness.restore") != 1 {
		t.Fatalf("not restored: %d", n)
	}
	f.verifyChain()
}

// Answers stay with the words they answered: swapping two lines moves the items, not the answers;
// rewording an answered line retires the old item with its answers and adds a new one that the old
// filing leaves unanswered; a line written twice is refused.
func TestEditCheckKeepsAnswersWithTheirItems(t *testing.T) {
	f := newFixture(t)
	election := int64(f.count(`SELECT id FROM elections WHERE code = 'councils-7'`))
	hq, fars, gov := f.as("hq.fars"), f.hq("fars"), f.governor("marvdasht")
	def := store.CheckDef{Title: "سامانه آزمایش شد", Items: []string{"ورود کاربران", "ثبت داوطلب", "چاپ رسید"}, Cadence: "once",
		DueDate: date(2026, 11, 20)}
	id, err := f.st.DefineCheck(f.ctx, hq, fars, election, def)
	if err != nil {
		t.Fatal(err)
	}
	// checkAnswers: the first item "no" with a note, the others "yes".
	if _, err := f.st.FileCheck(f.ctx, f.as("gov.marvdasht"), gov, id, store.CheckPlace{CountyID: f.county["marvdasht"]},
		date(2026, 11, 20), date(2026, 11, 26), f.checkAnswers(id), 0); err != nil {
		t.Fatal(err)
	}
	answers := func() map[string]string {
		t.Helper()
		rows, err := f.st.Pool().Query(f.ctx, `SELECT i.text, a.ok, a.note, i.retired_at IS NOT NULL FROM readiness_answers a
			JOIN readiness_items i ON i.id = a.item_id WHERE a.check_id = $1`, id)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var text, note string
			var ok, retired bool
			if err := rows.Scan(&text, &ok, &note, &retired); err != nil {
				t.Fatal(err)
			}
			out[text] = strconv.FormatBool(ok) + " " + note + map[bool]string{true: " (retired)"}[retired]
		}
		return out
	}
	want := map[string]string{"ورود کاربران": "false سرور پشتیبان آماده نیست", "ثبت داوطلب": "true ", "چاپ رسید": "true "}
	if got := answers(); !maps.Equal(got, want) {
		t.Fatalf("answers as filed: %v", got)
	}

	// Swapped: every answer still belongs to its text, the live items in the new order.
	def.Items = []string{"ثبت داوطلب", "ورود کاربران", "چاپ رسید"}
	if err := f.st.EditCheck(f.ctx, hq, fars, id, 1, def); err != nil {
		t.Fatal(err)
	}
	if got := answers(); !maps.Equal(got, want) {
		t.Fatalf("answers after a swap: %v, want %v", got, want)
	}
	_, items, err := f.st.Check(f.ctx, fars, id, date(2026, 11, 26))
	if err != nil || len(items) != 3 || items[0].Text != "ثبت داوطلب" || items[1].Text != "ورود کاربران" || items[2].Text != "چاپ رسید" {
		t.Fatalf("items after a swap: %+v %v", items, err)
	}
	var detail struct {
		After map[string][]string `json:"after"`
	}
	if err := json.Unmarshal([]byte(f.lastAudit("readiness.edit").Detail), &detail); err != nil {
		t.Fatal(err)
	}
	if len(detail.After) != 1 || !slices.Equal(detail.After["moved"], []string{"ثبت داوطلب", "ورود کاربران"}) {
		t.Fatalf("the swap's log: %+v", detail)
	}

	// Reworded: the old item retired with its answer, the new one added, unanswered by the old filing.
	def.Items = []string{"ثبت داوطلب", "ورود کاربران", "چاپ رسید و بایگانی"}
	if err := f.st.EditCheck(f.ctx, hq, fars, id, 2, def); err != nil {
		t.Fatal(err)
	}
	want["چاپ رسید"] += " (retired)"
	if got := answers(); !maps.Equal(got, want) {
		t.Fatalf("answers after a rewording: %v, want %v", got, want)
	}
	detail.After = nil
	if err := json.Unmarshal([]byte(f.lastAudit("readiness.edit").Detail), &detail); err != nil {
		t.Fatal(err)
	}
	if len(detail.After) != 2 || !slices.Equal(detail.After["added"], []string{"چاپ رسید و بایگانی"}) ||
		!slices.Equal(detail.After["retired"], []string{"چاپ رسید"}) {
		t.Fatalf("the rewording's log: %+v", detail)
	}
	var filing store.Filing
	var b store.Batch
	b.CheckFiling(f.province["fars"], id, f.county["marvdasht"], 0, date(2026, 11, 20), &filing)
	if err := f.st.Run(f.ctx, &b); err != nil || filing.ID == 0 || len(filing.Answers) != 3 {
		t.Fatalf("the old filing: %+v %v", filing, err)
	}

	// A line written twice: refused, on define and on edit.
	def.Items = []string{"ثبت داوطلب", "ثبت داوطلب"}
	if err := f.st.EditCheck(f.ctx, hq, fars, id, 3, def); !errors.Is(err, store.ErrCheckInvalid) {
		t.Fatalf("a repeated line on edit: %v", err)
	}
	if _, err := f.st.DefineCheck(f.ctx, hq, fars, election, def); !errors.Is(err, store.ErrCheckInvalid) {
		t.Fatalf("a repeated line on define: %v", err)
	}
}
