package store_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/seed"
	"github.com/setad/setad/internal/store"
)

// as is the fixture user's actor.
func (f *fixture) as(username string) audit.Actor {
	f.t.Helper()
	return audit.Actor{ID: f.mustID(f.user, username), Name: username, Remote: "test"}
}

// election adds an election of kind on day and returns its id.
func (f *fixture) election(code, kind, parent string, on time.Time) int64 {
	f.t.Helper()
	id, err := f.st.AddElection(f.ctx, audit.System, store.NewElection{Code: code, Kind: kind, ParentKind: parent,
		TitleFa: "انتخابات " + code, TitleEn: "Election " + code, ElectionDay: on})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// milestoneID is the id of the milestone of kind with code (of province, "" for the law's).
func (f *fixture) milestoneID(code string) int64 {
	f.t.Helper()
	var id int64
	f.scan(`SELECT id FROM milestones WHERE code = $1`, []any{code}, &id)
	return id
}

// addMilestone adds a milestone through the store, failing the test on an error.
func (f *fixture) addMilestone(a audit.Actor, sc auth.Scope, in store.MilestoneInput) int64 {
	f.t.Helper()
	id, err := f.st.AddMilestone(f.ctx, a, sc, in)
	if err != nil {
		f.t.Fatalf("AddMilestone %+v: %v", in, err)
	}
	return id
}

func codes(ms []store.Milestone) []string {
	var cs []string
	for _, m := range ms {
		cs = append(cs, m.Code)
	}
	return cs
}

// The seed's councils timeline is the law's: national, legal, in the order of LAW.md's table, every
// window within its bounds; the gates each on one milestone.
func TestSeededTimeline(t *testing.T) {
	f := bareFixture(t)
	ms, err := f.st.MilestoneTemplate(f.ctx, auth.Scope{}, "councils")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != len(seed.CouncilsTimeline) || len(ms) < 15 {
		t.Fatalf("%d milestones, want the %d of the seed", len(ms), len(seed.CouncilsTimeline))
	}
	gates := map[string]string{}
	for _, m := range ms {
		if !m.Legal || m.ProvinceID != 0 || m.Kind != "councils" || m.RetiredAt != nil || m.Version != 1 {
			t.Errorf("%s: legal %v province %d kind %s retired %v version %d", m.Code, m.Legal, m.ProvinceID, m.Kind, m.RetiredAt, m.Version)
		}
		if m.TitleFa == "" || m.TitleEn == "" || m.DescriptionFa == "" || m.DescriptionEn == "" {
			t.Errorf("%s: a title or a description is missing", m.Code)
		}
		if m.Gate != "" {
			gates[m.Gate] = m.Code
		}
	}
	want := map[string]string{"registration_city": "registration-city", "registration_village": "registration-village",
		"objection": "objections", "constituency_change": "constituency-change", "board_county": "boards-county",
		"board_district": "boards-district"}
	if fmt.Sprint(gates) != fmt.Sprint(want) {
		t.Errorf("gates %v, want %v", gates, want)
	}
	// LAW.md's windows.
	for code, w := range map[string][2]int{"registration-city": {-110, -103}, "registration-village": {-77, -71},
		"objections": {-68, -65}, "constituency-change": {-110, -15}, "boards-county": {-133, -129},
		"boards-district": {-100, -96}, "election-day": {0, 0}, "term-start": {48, 48}, "resignations-city": {-200, -194}} {
		i := slices.IndexFunc(ms, func(m store.Milestone) bool { return m.Code == code })
		if i < 0 || ms[i].StartOffset != w[0] || ms[i].EndOffset != w[1] {
			t.Errorf("%s: window %+v, want %v", code, ms, w)
		}
	}
	// The 7th councils election's calendar, from its day 1405/02/11.
	councils7 := int64(f.count(`SELECT id FROM elections WHERE code = 'councils-7'`))
	got, err := f.st.Milestones(f.ctx, auth.Scope{}, councils7)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range got {
		switch m.Code {
		case "registration-city": // 1404/10/21 to 1404/10/28
			if !m.From.Equal(day(2026, 1, 11)) || !m.To.Equal(day(2026, 1, 18)) {
				t.Errorf("city registration %s to %s", m.From, m.To)
			}
		case "objections": // 1404/12/03 to 1404/12/06
			if !m.From.Equal(day(2026, 2, 22)) || !m.To.Equal(day(2026, 2, 25)) {
				t.Errorf("objections %s to %s", m.From, m.To)
			}
		}
	}
}

// The seed adds the law's milestones that are missing and keeps those there as the national HQ left
// them: changed, or retired.
func TestSeedKeepsNationalChanges(t *testing.T) {
	f := newFixture(t)
	national, nationwide := f.as("national"), f.national()
	id := f.milestoneID("objections")
	m, err := f.st.Milestone(f.ctx, nationwide, id)
	if err != nil {
		t.Fatal(err)
	}
	in := inputOf(m)
	in.EndOffset = -63
	if err := f.st.UpdateMilestone(f.ctx, national, nationwide, id, m.Version, in); err != nil {
		t.Fatal(err)
	}
	if err := f.st.RetireMilestone(f.ctx, national, nationwide, f.milestoneID("campaign"), 1, true); err != nil {
		t.Fatal(err)
	}
	f.exec(`DELETE FROM milestones WHERE code IN ('term-start', 'registration-village')`)
	f.addMilestone(national, nationwide, store.MilestoneInput{Kind: "councils", Code: "village-registration", TitleFa: "ثبت‌نام روستا",
		TitleEn: "Village registration", Level: "district", Gate: "registration_village", StartOffset: -80, EndOffset: -72})
	// Tehran, inserted by SQL, is given its election systems first: the seed's only other change is then
	// the milestone it adds.
	if _, err := f.st.UpsertSystems(f.ctx, audit.System, seed.Systems); err != nil {
		t.Fatal(err)
	}
	audits := f.auditCount("")
	if err := seed.Reference(f.ctx, f.st); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT end_offset FROM milestones WHERE code = 'objections'`); n != -63 {
		t.Errorf("the national HQ's change undone by the seed: end %d", n)
	}
	if n := f.count(`SELECT count(*) FROM milestones WHERE code = 'campaign' AND retired_at IS NOT NULL`); n != 1 {
		t.Error("the seed brought a retired milestone back")
	}
	if n := f.count(`SELECT count(*) FROM milestones WHERE code = 'term-start' AND legal AND province_id IS NULL`); n != 1 {
		t.Error("the seed did not add the missing milestone")
	}
	if n := f.count(`SELECT count(*) FROM milestones WHERE gate = 'registration_village'`); n != 1 {
		t.Errorf("%d milestones of the village registration's gate, want the national HQ's alone", n)
	}
	if n := f.auditCount(""); n != audits+1 {
		t.Errorf("%d audit rows, want one", n-audits)
	}
	var d map[string]int
	if err := json.Unmarshal([]byte(f.lastAudit("milestones.load").Detail), &d); err != nil || d["rows_changed"] != 1 {
		t.Errorf("load's detail %v %v", d, err)
	}
	if err := seed.Reference(f.ctx, f.st); err != nil {
		t.Fatal(err)
	}
	if n := f.auditCount(""); n != audits+1 {
		t.Errorf("the seed again wrote %d audit rows", n-audits-1)
	}
}

func inputOf(m store.Milestone) store.MilestoneInput {
	return store.MilestoneInput{Kind: m.Kind, Code: m.Code, TitleFa: m.TitleFa, TitleEn: m.TitleEn, DescriptionFa: m.DescriptionFa,
		DescriptionEn: m.DescriptionEn, LegalRef: m.LegalRef, Level: m.Level, ConstituencyKind: m.ConstituencyKind,
		StartOffset: m.StartOffset, EndOffset: m.EndOffset, Gate: m.Gate, Position: m.Position}
}

// An election's milestones are the law's and the reader's province's, of its kind (a by-election: its
// parent's), live, in the order of their start and position, each with its dates from election day.
func TestMilestonesOfAnElection(t *testing.T) {
	f := newFixture(t)
	national, nationwide := f.as("national"), f.national()
	fars, tehran := f.hq("fars"), f.hq("tehran")
	councils := f.election("councils-8", "councils", "", day(2030, 5, 3))
	byElection := f.election("by-councils-8", "by_election", "councils", day(2031, 1, 10))
	majlis := f.election("majlis-13", "majlis", "", day(2030, 2, 22))

	farsOwn := f.addMilestone(f.as("hq.fars"), fars, store.MilestoneInput{Kind: "councils", Code: "stations", TitleFa: "شعب", TitleEn: "Stations",
		Level: "county", StartOffset: -110, EndOffset: -100, Position: -1}) // first among those starting with registration
	f.addMilestone(f.as("hq.fars"), fars, store.MilestoneInput{Kind: "councils", Code: "retired", TitleFa: "کنار", TitleEn: "Gone",
		Level: "county", StartOffset: -50, EndOffset: -40})
	if err := f.st.RetireMilestone(f.ctx, f.as("hq.fars"), fars, f.milestoneID("retired"), 1, true); err != nil {
		t.Fatal(err)
	}
	f.addMilestone(f.as("hq.tehran"), tehran, store.MilestoneInput{Kind: "councils", Code: "tehran-own", TitleFa: "تهران", TitleEn: "Tehran",
		Level: "county", StartOffset: -20, EndOffset: -10})
	f.addMilestone(national, nationwide, store.MilestoneInput{Kind: "majlis", Code: "majlis-registration", TitleFa: "ثبت‌نام", TitleEn: "Registration",
		Level: "county", StartOffset: -60, EndOffset: -54})

	legal := make([]string, len(seed.CouncilsTimeline))
	for i, m := range seed.CouncilsTimeline {
		legal[i] = m.Code
	}
	for _, tt := range []struct {
		name     string
		sc       auth.Scope
		election int64
		want     []string // the codes, in any order; the order is checked below
	}{
		{"national", nationwide, councils, legal},
		{"Fars HQ", fars, councils, append(slices.Clone(legal), "stations")},
		{"a Fars governor", f.governor("marvdasht"), councils, append(slices.Clone(legal), "stations")},
		{"a Fars district head", f.districtHead("marvdasht-central"), councils, append(slices.Clone(legal), "stations")},
		{"Tehran HQ", tehran, councils, append(slices.Clone(legal), "tehran-own")},
		{"a by-election follows its parent", fars, byElection, append(slices.Clone(legal), "stations")},
		{"another kind", fars, majlis, []string{"majlis-registration"}},
		{"no such election", fars, 999999, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := f.st.Milestones(f.ctx, tt.sc, tt.election)
			if err != nil {
				t.Fatal(err)
			}
			if got := sorted(codes(ms)); !slices.Equal(got, sorted(tt.want)) {
				t.Errorf("milestones %v, want %v", got, sorted(tt.want))
			}
			if !slices.IsSortedFunc(ms, func(a, b store.Milestone) int {
				if a.StartOffset != b.StartOffset {
					return a.StartOffset - b.StartOffset
				}
				return a.Position - b.Position
			}) {
				t.Errorf("not in the order of start and position: %v", codes(ms))
			}
			var e store.Election
			for _, x := range mustElections(t, f) {
				if x.ID == tt.election {
					e = x
				}
			}
			for _, m := range ms {
				if !m.From.Equal(e.ElectionDay.AddDate(0, 0, m.StartOffset)) || !m.To.Equal(e.ElectionDay.AddDate(0, 0, m.EndOffset)) {
					t.Errorf("%s: %s to %s, election day %s", m.Code, m.From, m.To, e.ElectionDay)
				}
			}
		})
	}
	ms, _ := f.st.Milestones(f.ctx, fars, councils)
	if i := slices.Index(codes(ms), "stations"); i < 0 || ms[i+1].Code != "registration-city" {
		t.Errorf("the position does not order the milestones that start together: %v", codes(ms))
	}

	// The template: the retired ones too; the one milestone in scope, or none.
	tpl, err := f.st.MilestoneTemplate(f.ctx, fars, "councils")
	if err != nil || !slices.Contains(codes(tpl), "retired") || slices.Contains(codes(tpl), "tehran-own") || len(tpl) != len(legal)+2 {
		t.Errorf("Fars's template %v %v", codes(tpl), err)
	}
	if _, err := f.st.Milestone(f.ctx, tehran, farsOwn); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Tehran reads Fars's milestone: %v", err)
	}
	if _, err := f.st.Milestone(f.ctx, nationwide, farsOwn); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the national scope reads Fars's milestone: %v", err)
	}
	if m, err := f.st.Milestone(f.ctx, f.governor("marvdasht"), farsOwn); err != nil || m.Code != "stations" {
		t.Errorf("a Fars governor reads Fars's milestone: %+v %v", m, err)
	}
}

// Each caller adds, changes, retires and restores the milestones it keeps, and no other: the national
// HQ the law's, a province's HQ its own; a change drawn from an older version is refused.
func TestMilestoneTemplateWrites(t *testing.T) {
	f := newFixture(t)
	national, nationwide := f.as("national"), f.national()
	hq, fars, tehran := f.as("hq.fars"), f.hq("fars"), f.hq("tehran")
	in := store.MilestoneInput{Kind: "councils", TitleFa: "  فهرست شعب  ", TitleEn: "Stations", Level: "county", StartOffset: -30, EndOffset: -20}

	// Adding: the caller's scope decides legal or administrative; a code is made up when none is given.
	id := f.addMilestone(hq, fars, in)
	m, err := f.st.Milestone(f.ctx, fars, id)
	if err != nil || m.Legal || m.ProvinceID != f.province["fars"] || m.Code != fmt.Sprintf("m%d", id) || m.TitleFa != "فهرست شعب" {
		t.Errorf("HQ's milestone %+v %v", m, err)
	}
	r := f.lastAudit("milestone.create")
	if r.Entity != "milestone" || r.EntityID != itoa(id) || r.ProvinceID != f.province["fars"] || !strings.Contains(r.Detail, `"level":"county"`) {
		t.Errorf("audit row %+v", r)
	}
	lawID := f.addMilestone(national, nationwide, store.MilestoneInput{Kind: "councils", Code: "law-new", TitleFa: "ق", TitleEn: "L",
		Level: "province", StartOffset: 1, EndOffset: 2})
	if law, err := f.st.Milestone(f.ctx, fars, lawID); err != nil || !law.Legal || law.ProvinceID != 0 {
		t.Errorf("national's milestone %+v %v", law, err)
	}
	if f.lastAudit("milestone.create").ProvinceID != 0 {
		t.Error("the law's milestone's audit row belongs to a province")
	}
	bad := func(change func(*store.MilestoneInput)) store.MilestoneInput {
		x := in
		change(&x)
		return x
	}
	for _, tt := range []struct {
		name string
		sc   auth.Scope
		in   store.MilestoneInput
		want error
	}{
		{"a governor", f.governor("marvdasht"), in, store.ErrNotFound},
		{"a district head", f.districtHead("marvdasht-central"), in, store.ErrNotFound},
		{"a code taken", fars, bad(func(x *store.MilestoneInput) { x.Code = m.Code }), store.ErrExists},
		{"a gate of a province", fars, bad(func(x *store.MilestoneInput) { x.Gate = "objection" }), store.ErrInvalidMilestone},
		{"a gate taken", nationwide, bad(func(x *store.MilestoneInput) { x.Gate = "objection" }), store.ErrExists},
		{"ends before it starts", fars, bad(func(x *store.MilestoneInput) { x.EndOffset = -31 }), store.ErrInvalidMilestone},
		{"beyond 400 days", fars, bad(func(x *store.MilestoneInput) { x.StartOffset = -401 }), store.ErrInvalidMilestone},
		{"an unknown level", fars, bad(func(x *store.MilestoneInput) { x.Level = "city" }), store.ErrInvalidMilestone},
		{"a constituency kind off the candidates", fars, bad(func(x *store.MilestoneInput) { x.ConstituencyKind = "city" }), store.ErrInvalidMilestone},
		{"no title", fars, bad(func(x *store.MilestoneInput) { x.TitleEn = "  " }), store.ErrInvalidMilestone},
		{"a by-election", fars, bad(func(x *store.MilestoneInput) { x.Kind = "by_election" }), store.ErrInvalidMilestone},
		{"an unknown kind", fars, bad(func(x *store.MilestoneInput) { x.Kind = "referendum" }), store.ErrUnknownKind},
	} {
		audits := f.auditCount("")
		if _, err := f.st.AddMilestone(f.ctx, hq, tt.sc, tt.in); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
		if f.auditCount("") != audits {
			t.Errorf("%s: a refused milestone was audited", tt.name)
		}
	}

	// Changing: only what the caller keeps, at the version it read.
	changed := in
	changed.Level, changed.EndOffset, changed.TitleEn = "district", -18, "Stations listed"
	legalID := f.milestoneID("objections")
	for _, tt := range []struct {
		name    string
		sc      auth.Scope
		id      int64
		version int
		want    error
	}{
		{"Fars HQ, the law's", fars, legalID, 1, store.ErrNotFound},
		{"the national HQ, Fars's", nationwide, id, 1, store.ErrNotFound},
		{"Tehran HQ, Fars's", tehran, id, 1, store.ErrNotFound},
		{"a Fars governor, Fars's", f.governor("marvdasht"), id, 1, store.ErrNotFound},
		{"no such milestone", fars, 999999, 1, store.ErrNotFound},
		{"a stale version", fars, id, 0, store.ErrConflict},
		{"Fars HQ, its own", fars, id, 1, nil},
		{"the same page again", fars, id, 1, store.ErrConflict},
	} {
		if err := f.st.UpdateMilestone(f.ctx, hq, tt.sc, tt.id, tt.version, changed); !errors.Is(err, tt.want) || tt.want == nil && err != nil {
			t.Errorf("update, %s: %v, want %v", tt.name, err, tt.want)
		}
		if err := f.st.RetireMilestone(f.ctx, hq, tt.sc, tt.id, tt.version, true); tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("retire, %s: %v, want %v", tt.name, err, tt.want)
		}
	}
	m, _ = f.st.Milestone(f.ctx, fars, id)
	if m.Level != "district" || m.EndOffset != -18 || m.TitleEn != "Stations listed" || m.Version != 2 || m.Code != fmt.Sprintf("m%d", id) {
		t.Errorf("after the change: %+v", m)
	}
	var d struct{ Before, After map[string]any }
	if err := json.Unmarshal([]byte(f.lastAudit("milestone.update").Detail), &d); err != nil {
		t.Fatal(err)
	}
	if d.Before["level"] != "county" || d.After["level"] != "district" || d.Before["end_offset"] != -20.0 || d.After["end_offset"] != -18.0 {
		t.Errorf("update's detail %+v", d)
	}
	law, _ := f.st.Milestone(f.ctx, nationwide, legalID)
	lawIn := inputOf(law)
	lawIn.Gate = ""
	if err := f.st.UpdateMilestone(f.ctx, national, nationwide, legalID, law.Version, lawIn); err != nil {
		t.Errorf("the national HQ changes the law's: %v", err)
	}

	// Retiring and restoring, each once.
	if err := f.st.RetireMilestone(f.ctx, hq, fars, id, 2, true); err != nil {
		t.Fatal(err)
	}
	if err := f.st.RetireMilestone(f.ctx, hq, fars, id, 3, true); !errors.Is(err, store.ErrConflict) {
		t.Errorf("retired twice: %v", err)
	}
	if err := f.st.RetireMilestone(f.ctx, hq, fars, id, 3, false); err != nil {
		t.Fatal(err)
	}
	if f.auditCount("milestone.retire") != 1 || f.auditCount("milestone.restore") != 1 {
		t.Errorf("%d retirements and %d restorations audited", f.auditCount("milestone.retire"), f.auditCount("milestone.restore"))
	}
	// A gate is one live milestone's: the one that took it while the other was retired keeps it.
	if err := f.st.RetireMilestone(f.ctx, national, nationwide, f.milestoneID("registration-city"), 1, true); err != nil {
		t.Fatal(err)
	}
	f.addMilestone(national, nationwide, store.MilestoneInput{Kind: "councils", Code: "registration-city-2", TitleFa: "ث", TitleEn: "R",
		Level: "county", Gate: "registration_city", StartOffset: -100, EndOffset: -93})
	if err := f.st.RetireMilestone(f.ctx, national, nationwide, f.milestoneID("registration-city"), 2, false); !errors.Is(err, store.ErrExists) {
		t.Errorf("restored beside the gate's new milestone: %v", err)
	}
	f.verifyChain()
}

// markCase is a mark tried by someone on a milestone at a place.
type markCase struct {
	name             string
	who              string // a fixture user
	sc               auth.Scope
	milestone        string // a code
	county, district string
	want             error
}

// Each marks what its level and scope let it, where they let it; anything else is not found, and writes
// nothing.
func TestMarkScope(t *testing.T) {
	f := newFixture(t)
	e := f.election("councils-8", "councils", "", day(2030, 5, 3))
	other := f.election("majlis-13", "majlis", "", day(2030, 2, 22))
	fars, tehran := f.hq("fars"), f.hq("tehran")
	f.addMilestone(f.as("hq.fars"), fars, store.MilestoneInput{Kind: "councils", Code: "fars-own", TitleFa: "ف", TitleEn: "F",
		Level: "district", StartOffset: -30, EndOffset: -20})
	f.addMilestone(f.as("hq.fars"), fars, store.MilestoneInput{Kind: "councils", Code: "fars-retired", TitleFa: "ف", TitleEn: "F",
		Level: "county", StartOffset: -30, EndOffset: -20})
	if err := f.st.RetireMilestone(f.ctx, f.as("hq.fars"), fars, f.milestoneID("fars-retired"), 1, true); err != nil {
		t.Fatal(err)
	}
	gov, dh := f.governor("marvdasht"), f.districtHead("marvdasht-central")
	cases := []markCase{
		{name: "HQ, the province's", who: "hq.fars", sc: fars, milestone: "start-order-city"},
		{name: "another province's HQ, the same milestone for itself", who: "hq.tehran", sc: tehran, milestone: "start-order-city"},
		{name: "HQ, a county's", who: "hq.fars", sc: fars, milestone: "boards-county", county: "pasargad"},
		{name: "HQ, a district's", who: "hq.fars", sc: fars, milestone: "boards-district", county: "marvdasht", district: "marvdasht-dorudzan"},
		{name: "HQ, its own at a district", who: "hq.fars", sc: fars, milestone: "fars-own", county: "marvdasht", district: "marvdasht-dorudzan"},
		{name: "the governor, his county's", who: "gov.marvdasht", sc: gov, milestone: "boards-county", county: "marvdasht"},
		{name: "the district head, his district's", who: "dh.marvdasht-central", sc: dh, milestone: "boards-district", county: "marvdasht", district: "marvdasht-central"},
		{name: "the district head, Fars's own", who: "dh.marvdasht-central", sc: dh, milestone: "fars-own", county: "marvdasht", district: "marvdasht-central"},

		{name: "the governor, another county", who: "gov.marvdasht", sc: gov, milestone: "boards-county", county: "pasargad", want: store.ErrNotFound},
		{name: "the governor, the province's", who: "gov.marvdasht", sc: gov, milestone: "start-order-city", want: store.ErrNotFound},
		{name: "the governor, a district's of his county", who: "gov.marvdasht", sc: gov, milestone: "boards-district", county: "marvdasht", district: "marvdasht-central", want: store.ErrNotFound},
		{name: "the district head, another district", who: "dh.marvdasht-central", sc: dh, milestone: "boards-district", county: "marvdasht", district: "marvdasht-dorudzan", want: store.ErrNotFound},
		{name: "the district head, his county's", who: "dh.marvdasht-central", sc: dh, milestone: "boards-county", county: "marvdasht", want: store.ErrNotFound},
		{name: "HQ, another province's county", who: "hq.fars", sc: fars, milestone: "boards-county", county: "shemiranat", want: store.ErrNotFound},
		{name: "HQ, a district of another county than named", who: "hq.fars", sc: fars, milestone: "boards-district", county: "pasargad", district: "marvdasht-central", want: store.ErrNotFound},
		{name: "HQ, a county's milestone for the province", who: "hq.fars", sc: fars, milestone: "boards-county", want: store.ErrNotFound},
		{name: "HQ, a county's milestone at a district", who: "hq.fars", sc: fars, milestone: "boards-county", county: "marvdasht", district: "marvdasht-central", want: store.ErrNotFound},
		{name: "HQ, the province's at a county", who: "hq.fars", sc: fars, milestone: "start-order-village", county: "marvdasht", want: store.ErrNotFound},
		{name: "HQ, a district's milestone at a county", who: "hq.fars", sc: fars, milestone: "boards-district", county: "marvdasht", want: store.ErrNotFound},
		{name: "the candidates' window", who: "hq.fars", sc: fars, milestone: "constituency-change", county: "marvdasht", want: store.ErrNotFound},
		{name: "the candidates' window, for the province", who: "hq.fars", sc: fars, milestone: "constituency-change", want: store.ErrNotFound},
		{name: "another province's own", who: "hq.tehran", sc: tehran, milestone: "fars-own", county: "shemiranat", district: "shemiranat-central", want: store.ErrNotFound},
		{name: "a retired milestone", who: "hq.fars", sc: fars, milestone: "fars-retired", county: "marvdasht", want: store.ErrNotFound},
		{name: "the national HQ", who: "national", sc: f.national(), milestone: "start-order-city", want: store.ErrNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			county, district := int64(0), int64(0)
			if c.county != "" {
				county = f.mustID(f.county, c.county)
			}
			if c.district != "" {
				district = f.mustID(f.district, c.district)
			}
			marks, audits := f.count(`SELECT count(*) FROM milestone_marks`), f.auditCount("")
			err := f.st.MarkDone(f.ctx, f.as(c.who), c.sc, e, f.milestoneID(c.milestone), county, district, "  یادداشت  ")
			if !errors.Is(err, c.want) || c.want == nil && err != nil {
				t.Fatalf("MarkDone: %v, want %v", err, c.want)
			}
			if c.want != nil {
				if f.count(`SELECT count(*) FROM milestone_marks`) != marks || f.auditCount("") != audits {
					t.Error("a refused mark wrote")
				}
				if err := f.st.MarkUndone(f.ctx, f.as(c.who), c.sc, e, f.milestoneID(c.milestone), county, district, "دلیل"); !errors.Is(err, c.want) {
					t.Errorf("MarkUndone: %v, want %v", err, c.want)
				}
				return
			}
			if n := f.count(`SELECT count(*) FROM milestone_marks WHERE election_id = $1 AND milestone_id = $2 AND province_id = $3
				AND county_id IS NOT DISTINCT FROM NULLIF($4, 0) AND district_id IS NOT DISTINCT FROM NULLIF($5, 0)
				AND done_by = $6 AND note = 'یادداشت'`, e, f.milestoneID(c.milestone), c.sc.ProvinceID, county, district, f.user[c.who]); n != 1 {
				t.Errorf("%d marks as made", n)
			}
			r := f.lastAudit("milestone.done")
			var d struct{ Before, After map[string]any }
			if err := json.Unmarshal([]byte(r.Detail), &d); err != nil {
				t.Fatal(err)
			}
			if r.EntityID != itoa(f.milestoneID(c.milestone)) || r.ProvinceID != c.sc.ProvinceID || r.ActorID != f.user[c.who] ||
				d.Before["done"] != false || d.After["done"] != true || d.After["note"] != "یادداشت" || d.After["election"] != "councils-8" ||
				d.After["county"] != nilIfEmpty(c.county) || d.After["district"] != nilIfEmpty(c.district) {
				t.Errorf("audit row %+v", r)
			}
			// The same milestone in another election is another mark, of a milestone of another kind none.
			if err := f.st.MarkDone(f.ctx, f.as(c.who), c.sc, other, f.milestoneID(c.milestone), county, district, ""); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("marked in an election of another kind: %v", err)
			}
		})
	}
	f.verifyChain()
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// The marks a scope reads: a province's all of its own, a county's its own and its districts', a
// district's its own.
func TestMarksInScope(t *testing.T) {
	f := newFixture(t)
	e := f.election("councils-8", "councils", "", day(2030, 5, 3))
	fars, tehran := f.hq("fars"), f.hq("tehran")
	mark := func(who string, sc auth.Scope, code, county, district string) {
		t.Helper()
		var c, d int64
		if county != "" {
			c = f.mustID(f.county, county)
		}
		if district != "" {
			d = f.mustID(f.district, district)
		}
		if err := f.st.MarkDone(f.ctx, f.as(who), sc, e, f.milestoneID(code), c, d, ""); err != nil {
			t.Fatalf("mark %s at %s %s: %v", code, county, district, err)
		}
	}
	mark("hq.fars", fars, "start-order-city", "", "")
	mark("hq.fars", fars, "boards-county", "marvdasht", "")
	mark("hq.fars", fars, "boards-county", "pasargad", "")
	mark("hq.fars", fars, "boards-district", "marvdasht", "marvdasht-central")
	mark("hq.fars", fars, "boards-district", "marvdasht", "marvdasht-dorudzan")
	mark("hq.tehran", tehran, "start-order-city", "", "")
	mark("hq.tehran", tehran, "boards-county", "shemiranat", "")

	place := func(k store.Mark) string {
		switch {
		case k.DistrictID != 0:
			return "district " + itoa(k.DistrictID)
		case k.CountyID != 0:
			return "county " + itoa(k.CountyID)
		}
		return "province " + itoa(k.ProvinceID)
	}
	for _, tt := range []struct {
		name string
		sc   auth.Scope
		want []string
	}{
		{"Fars", fars, []string{"province " + itoa(f.province["fars"]), "county " + itoa(f.county["marvdasht"]), "county " + itoa(f.county["pasargad"]),
			"district " + itoa(f.district["marvdasht-central"]), "district " + itoa(f.district["marvdasht-dorudzan"])}},
		{"Marvdasht", f.governor("marvdasht"), []string{"county " + itoa(f.county["marvdasht"]),
			"district " + itoa(f.district["marvdasht-central"]), "district " + itoa(f.district["marvdasht-dorudzan"])}},
		{"Pasargad", f.governor("pasargad"), []string{"county " + itoa(f.county["pasargad"])}},
		{"Marvdasht's central district", f.districtHead("marvdasht-central"), []string{"district " + itoa(f.district["marvdasht-central"])}},
		{"Tehran", tehran, []string{"province " + itoa(f.province["tehran"]), "county " + itoa(f.county["shemiranat"])}},
		{"Shemiranat's Lavasanat", f.districtHead("shemiranat-lavasanat"), nil},
	} {
		ks, err := f.st.Marks(f.ctx, tt.sc, e)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, k := range ks {
			got = append(got, place(k))
			if k.ElectionID != e || k.DoneBy == 0 || k.DoneByName == "" || k.DoneAt.IsZero() {
				t.Errorf("%s: mark %+v", tt.name, k)
			}
		}
		if !slices.Equal(sorted(got), sorted(tt.want)) {
			t.Errorf("%s: marks %v, want %v", tt.name, got, tt.want)
		}
	}
	if ks, err := f.st.Marks(f.ctx, f.national(), e); err != nil || len(ks) != 7 {
		t.Errorf("the national scope reads %d marks, %v", len(ks), err)
	}

	// One place's timeline: the province's own marks, and a county's with its districts'; never another
	// county's or another province's.
	for _, tt := range []struct {
		name             string
		province, county int64
		want             []string
	}{
		{"Fars alone", f.province["fars"], 0, []string{"province " + itoa(f.province["fars"])}},
		{"Fars and Marvdasht", f.province["fars"], f.county["marvdasht"], []string{"province " + itoa(f.province["fars"]),
			"county " + itoa(f.county["marvdasht"]), "district " + itoa(f.district["marvdasht-central"]),
			"district " + itoa(f.district["marvdasht-dorudzan"])}},
		{"Fars and Pasargad", f.province["fars"], f.county["pasargad"], []string{"province " + itoa(f.province["fars"]),
			"county " + itoa(f.county["pasargad"])}},
		{"Fars and a county of Tehran", f.province["fars"], f.county["shemiranat"], []string{"province " + itoa(f.province["fars"])}},
	} {
		ks, err := f.st.PlaceMarks(f.ctx, tt.province, tt.county, e)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, k := range ks {
			got = append(got, place(k))
		}
		if !slices.Equal(sorted(got), sorted(tt.want)) {
			t.Errorf("%s: marks %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A milestone is marked done once per place: marked again, or by two at once, the second is told it is
// done already; undone, it is gone, and undone again the second is told it is not done. An undoing needs
// a reason, which the audit log keeps with the note of the mark it removed.
func TestMarkTwice(t *testing.T) {
	f := newFixture(t)
	e := f.election("councils-8", "councils", "", day(2030, 5, 3))
	gov, hq := f.governor("marvdasht"), f.hq("fars")
	milestone, marvdasht := f.milestoneID("boards-county"), f.mustID(f.county, "marvdasht")
	if err := f.st.MarkDone(f.ctx, f.as("gov.marvdasht"), gov, e, milestone, marvdasht, 0, "نخست"); err != nil {
		t.Fatal(err)
	}
	audits := f.auditCount("")
	if err := f.st.MarkDone(f.ctx, f.as("hq.fars"), hq, e, milestone, marvdasht, 0, "دوم"); !errors.Is(err, store.ErrAlreadyDone) ||
		!errors.Is(err, store.ErrConflict) {
		t.Errorf("marked twice: %v", err)
	}
	if err := f.st.MarkUndone(f.ctx, f.as("hq.fars"), hq, e, milestone, marvdasht, 0, "   "); !errors.Is(err, store.ErrReasonRequired) {
		t.Errorf("undone without a reason: %v", err)
	}
	if f.auditCount("") != audits {
		t.Error("a refusal was audited")
	}
	if err := f.st.MarkUndone(f.ctx, f.as("hq.fars"), hq, e, milestone, marvdasht, 0, " صورت‌جلسه ناقص "); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM milestone_marks`); n != 0 {
		t.Errorf("%d marks after the undoing", n)
	}
	var d struct{ Before, After map[string]any }
	r := f.lastAudit("milestone.undone")
	if err := json.Unmarshal([]byte(r.Detail), &d); err != nil {
		t.Fatal(err)
	}
	if r.ActorID != f.user["hq.fars"] || d.Before["done"] != true || d.Before["note"] != "نخست" || d.After["done"] != false ||
		d.After["reason"] != "صورت‌جلسه ناقص" || d.After["county"] != "marvdasht" {
		t.Errorf("undone's audit row %+v", r)
	}
	if err := f.st.MarkUndone(f.ctx, f.as("hq.fars"), hq, e, milestone, marvdasht, 0, "دوباره"); !errors.Is(err, store.ErrNotDone) ||
		!errors.Is(err, store.ErrConflict) {
		t.Errorf("undone twice: %v", err)
	}

	// Two at once, many times: one wins each race, the other is told.
	for round := range 10 {
		results := make([]error, 2)
		var start, wg sync.WaitGroup
		start.Add(1)
		for i, who := range []struct {
			a  audit.Actor
			sc auth.Scope
		}{{f.as("gov.marvdasht"), gov}, {f.as("hq.fars"), hq}} {
			wg.Go(func() {
				start.Wait()
				results[i] = f.st.MarkDone(f.ctx, who.a, who.sc, e, milestone, marvdasht, 0, fmt.Sprint(round))
			})
		}
		start.Done()
		wg.Wait()
		if ok, done := countErrs(results, nil), countErrs(results, store.ErrAlreadyDone); ok != 1 || done != 1 {
			t.Fatalf("round %d: %v", round, results)
		}
		for i := range results {
			results[i] = nil
		}
		start.Add(1)
		for i := range 2 {
			wg.Go(func() {
				start.Wait()
				results[i] = f.st.MarkUndone(f.ctx, f.as("hq.fars"), hq, e, milestone, marvdasht, 0, "دلیل")
			})
		}
		start.Done()
		wg.Wait()
		if ok, notDone := countErrs(results, nil), countErrs(results, store.ErrNotDone); ok != 1 || notDone != 1 {
			t.Fatalf("round %d, undoing: %v", round, results)
		}
	}
	if n := f.auditCount("milestone.done"); n != 11 {
		t.Errorf("%d marks audited, want 11", n)
	}
	f.verifyChain()
}

func countErrs(errs []error, target error) int {
	n := 0
	for _, err := range errs {
		if target == nil && err == nil || target != nil && errors.Is(err, target) {
			n++
		}
	}
	return n
}

// Moving election day moves every date of its timeline, keeps every mark, and is recorded; the caches
// of every process let the old day and dates go.
func TestMoveElectionDay(t *testing.T) {
	f := newFixture(t)
	f.listening()
	fars := f.hq("fars")
	e, err := f.st.AddElection(f.ctx, audit.System, store.NewElection{Code: "councils-8", Kind: "councils", TitleFa: "ج", TitleEn: "C",
		ElectionDay: day(2030, 5, 3), Current: true})
	if err != nil {
		t.Fatal(err)
	}
	milestone, marvdasht := f.milestoneID("boards-county"), f.mustID(f.county, "marvdasht")
	if err := f.st.MarkDone(f.ctx, f.as("gov.marvdasht"), f.governor("marvdasht"), e, milestone, marvdasht, 0, "انجام شد"); err != nil {
		t.Fatal(err)
	}
	before := f.seen()
	cur, err := f.st.CurrentElection(before)
	if err != nil || !cur.ElectionDay.Equal(day(2030, 5, 3)) {
		t.Fatalf("current election %+v %v", cur, err)
	}
	old, err := f.st.Milestones(before, fars, e)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.LatestMove(before, e); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a move before any: %v", err)
	}

	national := f.as("national")
	for _, tt := range []struct {
		name     string
		election int64
		day      time.Time
		reason   string
		want     error
	}{
		{"no reason", e, day(2030, 5, 17), " ", store.ErrReasonRequired},
		{"the same day", e, day(2030, 5, 3), "دلیل", store.ErrSameDay},
		{"no such election", 999999, day(2030, 5, 17), "دلیل", store.ErrNotFound},
	} {
		if err := f.st.MoveElectionDay(f.ctx, national, tt.election, tt.day, tt.reason); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if n := f.count(`SELECT count(*) FROM election_day_moves`); n != 0 {
		t.Errorf("%d moves recorded by the refusals", n)
	}
	if err := f.st.MoveElectionDay(f.ctx, national, e, time.Date(2030, 5, 17, 23, 30, 0, 0, time.UTC), " تعویق به دستور وزیر "); err != nil {
		t.Fatal(err)
	}
	after := f.seen()
	cur, err = f.st.CurrentElection(after)
	if err != nil || !cur.ElectionDay.Equal(day(2030, 5, 17)) {
		t.Errorf("current election after the move %+v %v", cur, err)
	}
	moved, err := f.st.Milestones(after, fars, e)
	if err != nil || len(moved) != len(old) {
		t.Fatalf("%d milestones after the move, %d before: %v", len(moved), len(old), err)
	}
	for i, m := range moved {
		if !m.From.Equal(old[i].From.AddDate(0, 0, 14)) || !m.To.Equal(old[i].To.AddDate(0, 0, 14)) {
			t.Errorf("%s: %s to %s after the move, %s to %s before", m.Code, m.From, m.To, old[i].From, old[i].To)
		}
	}
	ks, err := f.st.Marks(after, fars, e)
	if err != nil || len(ks) != 1 || ks[0].MilestoneID != milestone || ks[0].Note != "انجام شد" {
		t.Errorf("marks after the move: %+v %v", ks, err)
	}
	mv, err := f.st.LatestMove(after, e)
	if err != nil || mv.ElectionID != e || !mv.OldDay.Equal(day(2030, 5, 3)) || !mv.NewDay.Equal(day(2030, 5, 17)) ||
		mv.Reason != "تعویق به دستور وزیر" || mv.MovedBy != f.user["national"] || mv.MovedByName != "احمد کاظمی" || mv.MovedAt.IsZero() {
		t.Errorf("latest move %+v %v", mv, err)
	}
	r := f.lastAudit("election.move")
	if r.Entity != "election" || r.EntityID != itoa(e) || r.ProvinceID != 0 ||
		r.Detail != `{"before":{"election_day":"2030-05-03"},"after":{"election_day":"2030-05-17","reason":"تعویق به دستور وزیر"}}` {
		t.Errorf("audit row %+v", r)
	}
	// Back again, from the command line: the latest move is the second.
	if err := f.st.MoveElectionDay(f.ctx, audit.System, e, day(2030, 5, 3), "لغو تعویق"); err != nil {
		t.Fatal(err)
	}
	if mv, err := f.st.LatestMove(f.seen(), e); err != nil || !mv.NewDay.Equal(day(2030, 5, 3)) || mv.MovedBy != 0 || mv.MovedByName != "" {
		t.Errorf("latest move %+v %v", mv, err)
	}
	again, _ := f.st.Milestones(f.seen(), fars, e)
	if len(again) == 0 || !again[0].From.Equal(old[0].From) {
		t.Errorf("moved back: %+v", again)
	}
	f.verifyChain()
}

// A calendar feed's token: stored as its hash, replaced by the next one, which alone works; never in
// the audit log; a disabled user's works no more.
func TestICSTokens(t *testing.T) {
	f := newFixture(t)
	gov := f.user["gov.marvdasht"]
	first, second := sha256.Sum256([]byte("first")), sha256.Sum256([]byte("second"))
	if has, err := f.st.HasICSToken(f.ctx, gov); err != nil || has {
		t.Errorf("a token before any: %v %v", has, err)
	}
	if _, err := f.st.UserByICSToken(f.ctx, first[:]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown token: %v", err)
	}
	if err := f.st.SetICSToken(f.ctx, f.as("gov.marvdasht"), gov, first[:]); err != nil {
		t.Fatal(err)
	}
	if u, err := f.st.UserByICSToken(f.ctx, first[:]); err != nil || u.ID != gov || u.CountyCode != "marvdasht" ||
		u.Principal().Scope != f.governor("marvdasht") {
		t.Errorf("the token's user %+v %v", u, err)
	}
	if has, err := f.st.HasICSToken(f.ctx, gov); err != nil || !has {
		t.Errorf("no token after setting one: %v %v", has, err)
	}
	if err := f.st.SetICSToken(f.ctx, f.as("gov.marvdasht"), gov, second[:]); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.UserByICSToken(f.ctx, first[:]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the replaced token still works: %v", err)
	}
	if u, err := f.st.UserByICSToken(f.ctx, second[:]); err != nil || u.ID != gov {
		t.Errorf("the new token: %+v %v", u, err)
	}
	if err := f.st.SetICSToken(f.ctx, f.as("hq.fars"), f.user["hq.fars"], second[:]); !errors.Is(err, store.ErrExists) {
		t.Errorf("another user's token: %v", err)
	}
	if err := f.st.SetICSToken(f.ctx, audit.System, 999999, first[:]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no such user: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM ics_tokens`); n != 1 {
		t.Errorf("%d tokens", n)
	}
	rows := f.count(`SELECT count(*) FROM audit_log WHERE action = 'user.ics_token' AND entity = 'user' AND entity_id = $1
		AND province_id = $2`, itoa(gov), f.province["fars"])
	if rows != 2 || f.lastAudit("user.ics_token").Detail != `{"replaced":true}` {
		t.Errorf("%d audit rows, the last %q", rows, f.lastAudit("user.ics_token").Detail)
	}
	for _, h := range [][32]byte{first, second} {
		if n := f.count(`SELECT count(*) FROM audit_log WHERE detail::text LIKE '%' || $1 || '%'`, hex.EncodeToString(h[:])[:16]); n != 0 {
			t.Error("the audit log holds a token's hash")
		}
	}
	// A new password, set by HQ or by the user, ends the feed with the sessions.
	var version int
	f.scan(`SELECT version FROM users WHERE id = $1`, []any{gov}, &version)
	if err := f.st.ResetPassword(f.ctx, f.as("hq.fars"), f.hq("fars"), gov, version, "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.UserByICSToken(f.ctx, second[:]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a token from before a password reset: %v", err)
	}
	if has, err := f.st.HasICSToken(f.ctx, gov); err != nil || has {
		t.Errorf("a token from before a password reset is reported: %v %v", has, err)
	}
	if err := f.st.SetICSToken(f.ctx, f.as("gov.marvdasht"), gov, first[:]); err != nil {
		t.Fatal(err)
	}
	if err := f.st.ChangeOwnPassword(f.ctx, f.as("gov.marvdasht"), "y"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.UserByICSToken(f.ctx, first[:]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a token from before a password change: %v", err)
	}
	if err := f.st.SetICSToken(f.ctx, f.as("gov.marvdasht"), gov, second[:]); err != nil {
		t.Fatal(err)
	}
	f.scan(`SELECT version FROM users WHERE id = $1`, []any{gov}, &version)
	if err := f.st.SetUserDisabled(f.ctx, f.as("hq.fars"), f.hq("fars"), gov, version, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.UserByICSToken(f.ctx, second[:]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a disabled user's token: %v", err)
	}
}
