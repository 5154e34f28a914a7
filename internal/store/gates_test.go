package store_test

import (
	"testing"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/candidacy"
	"github.com/setad/setad/internal/eligibility"
	"github.com/setad/setad/internal/store"
)

// The gated windows of an election are its law's milestones': the registration windows by constituency
// kind, and the last days of the objection window and of the change of constituency in its lifecycle. A
// by-election has its parent's; a kind without a timeline has none, and the rule's numbers count. A
// province's own milestones never gate.
func TestGates(t *testing.T) {
	f := newFixture(t)
	e := day(2026, 5, 1) // the 7th councils election of LAW.md
	councils := f.election("gates-councils", "councils", "", e)
	by := f.election("gates-by", "by_election", "councils", e.AddDate(0, 0, 7))
	majlis := f.election("gates-majlis", "majlis", "", e)
	rule := store.CandidateRule{Kind: "councils", ObjectionDays: 4, ConstituencyChangeUntilDays: 15, MaxConstituencyChanges: 1}
	read := func(id int64) []store.Milestone {
		t.Helper()
		ms, err := f.st.Milestones(f.ctx, auth.Scope{}, id)
		if err != nil {
			t.Fatal(err)
		}
		return ms
	}
	for _, tt := range []struct {
		name      string
		election  int64
		windows   map[string]eligibility.Window
		lifecycle candidacy.Rules
	}{
		{"councils", councils, map[string]eligibility.Window{
			eligibility.City:    {From: day(2026, 1, 11), To: day(2026, 1, 18)}, // 1404/10/21 … 1404/10/28
			eligibility.Village: {From: day(2026, 2, 13), To: day(2026, 2, 19)}, // 1404/11/24 … 1404/11/30
		}, candidacy.Rules{ObjectionDays: 4, ConstituencyChangeUntilDays: 15, MaxConstituencyChanges: 1,
			ObjectionLastDay: day(2026, 2, 25), ChangeLastDay: day(2026, 4, 16)}},
		{"a by-election, a week later", by, map[string]eligibility.Window{
			eligibility.City:    {From: day(2026, 1, 18), To: day(2026, 1, 25)},
			eligibility.Village: {From: day(2026, 2, 20), To: day(2026, 2, 26)},
		}, candidacy.Rules{ObjectionDays: 4, ConstituencyChangeUntilDays: 15, MaxConstituencyChanges: 1,
			ObjectionLastDay: day(2026, 3, 4), ChangeLastDay: day(2026, 4, 23)}},
		{"a kind without a timeline", majlis, map[string]eligibility.Window{}, rule.Lifecycle()},
	} {
		ms := read(tt.election)
		if got := store.RegistrationWindows(ms); !equalWindows(got, tt.windows) {
			t.Errorf("%s: windows %v, want %v", tt.name, got, tt.windows)
		}
		if got := rule.LifecycleIn(ms); got != tt.lifecycle {
			t.Errorf("%s: lifecycle %+v, want %+v", tt.name, got, tt.lifecycle)
		}
	}

	// A province's administrative milestone cannot gate, so it never stands for the law's.
	fars := auth.Scope{ProvinceID: f.province["fars"]}
	if _, err := f.st.AddMilestone(f.ctx, f.as("hq.fars"), fars, store.MilestoneInput{Kind: "councils", Code: "fars-registration",
		TitleFa: "ث", TitleEn: "R", Level: "county", StartOffset: -300, EndOffset: -290, Gate: store.GateRegistrationCity}); err == nil {
		t.Fatal("a province's milestone with a gate was added")
	}
	// A milestone retired by the national HQ is no window.
	var id int64
	var version int
	f.scan(`SELECT id, version FROM milestones WHERE code = 'registration-village'`, nil, &id, &version)
	if err := f.st.RetireMilestone(f.ctx, f.as("national"), auth.Scope{}, id, version, true); err != nil {
		t.Fatal(err)
	}
	if ws := store.RegistrationWindows(read(councils)); len(ws) != 1 || ws[eligibility.City].From != day(2026, 1, 11) {
		t.Fatalf("windows after the village registration was retired: %v", ws)
	}
	if _, ok := store.Gate(read(councils), store.GateRegistrationVillage); ok {
		t.Fatal("a retired milestone gates")
	}
}

func equalWindows(a, b map[string]eligibility.Window) bool {
	if len(a) != len(b) {
		return false
	}
	for k, w := range a {
		if v, ok := b[k]; !ok || !v.From.Equal(w.From) || !v.To.Equal(w.To) {
			return false
		}
	}
	return true
}
