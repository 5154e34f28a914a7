package store_test

import (
	"maps"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/candidacy"
	"github.com/setad/setad/internal/seed"
	"github.com/setad/setad/internal/store"
)

// The summary candidate_counts is what a count(*) GROUP BY over candidates says, after every kind of write:
// registrations, an import's confirmation, a correction, changes of status and of constituency, the
// synthetic loader's COPY, a delete and an election's cascade.
func TestCandidateCountsFollowWrites(t *testing.T) {
	f, electionID, ks := importFixture(t)
	e, err := f.st.CurrentElection(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	rule, err := f.st.CandidateRuleFor(f.ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	hq := audit.Actor{ID: f.user["hq.fars"], Name: "hq.fars"}
	gov := audit.Actor{ID: f.user["gov.marvdasht"], Name: "gov.marvdasht"}
	lavasanat, err := f.st.ConstituencyByCode(f.ctx, auth.Scope{}, "shemiranat-lavasanat")
	if err != nil {
		t.Fatal(err)
	}
	person := func(name, nid string, k store.Constituency) store.NewCandidate {
		return store.NewCandidate{FullName: name, FatherName: "حسن", NationalID: nid, Gender: "male", BirthDate: day(1980, 1, 1),
			Education: "master", Constituency: k}
	}
	register := func(c store.NewCandidate) int64 {
		t.Helper()
		id, err := f.st.RegisterCandidate(f.ctx, hq, e, c, nil)
		if err != nil {
			t.Fatalf("register %s: %v", c.FullName, err)
		}
		return id
	}
	a := register(person("علی رضایی", "0012345679", ks["marvdasht"]))
	b := register(person("رضا احمدی", "0084575948", ks["marvdasht-central"]))
	register(person("حسن کریمی", "0013542419", ks["marvdasht-central"]))
	register(person("کاوه لواسانی", "0067749828", lavasanat))

	imp, err := f.st.SaveImport(f.ctx, gov, f.province["fars"], electionID, "c.csv", "ab12", func(w *store.ImportRows) error {
		return w.Add(f.ctx, []store.ReadyRow{
			{Line: 2, Candidate: person("مریم صادقی", "0440950373", ks["marvdasht-central"])},
			{Line: 3, Candidate: person("زهرا موسوی", "1234567891", ks["marvdasht-seyyedan"])},
		}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.st.ConfirmImport(f.ctx, gov, f.province["fars"], imp.ID, nil); err != nil || n != 2 {
		t.Fatalf("confirm: %d, %v", n, err)
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	if err := f.st.ChangeCandidateStatus(f.ctx, hq, f.hq("fars"), b, 1, candidacy.UnderReview, "", now, rule.Lifecycle()); err != nil {
		t.Fatalf("status: %v", err)
	}
	if err := f.st.ChangeConstituency(f.ctx, hq, f.hq("fars"), a, 1, ks["marvdasht-dorudzan"], now, e.ElectionDay, rule.Lifecycle()); err != nil {
		t.Fatalf("constituency: %v", err)
	}
	c := person("علی رضایی‌نژاد", "0012345679", ks["marvdasht-dorudzan"])
	if changed, err := f.st.CorrectCandidate(f.ctx, hq, f.hq("fars"), a, 2, c, nil); err != nil || !changed {
		t.Fatalf("correct: %v, %v", changed, err)
	}

	// The counts as the list shows them, in every scope, with the numbers written out.
	for _, tc := range []struct {
		name   string
		sc     auth.Scope
		county string
		want   map[string]int
	}{
		{"Fars's HQ", f.hq("fars"), "", map[string]int{"registered": 4, "under_review": 1}},
		{"Fars's HQ, Pasargad", f.hq("fars"), "pasargad", map[string]int{}},
		{"Marvdasht's governor", f.governor("marvdasht"), "", map[string]int{"registered": 4, "under_review": 1}},
		{"Marvdasht Central's head", f.districtHead("marvdasht-central"), "", map[string]int{"registered": 2, "under_review": 1}},
		{"Tehran's HQ", f.hq("tehran"), "", map[string]int{"registered": 1}},
		{"national", f.national(), "", map[string]int{"registered": 5, "under_review": 1}},
	} {
		got, err := f.st.CandidateCounts(f.ctx, tc.sc, electionID, tc.county)
		if err != nil || !maps.Equal(got, tc.want) {
			t.Errorf("%s: counts %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
	// The list's total of a filter by place and status comes from the summary too.
	for _, tc := range []struct {
		f    store.CandidateFilter
		want int
	}{
		{store.CandidateFilter{}, 5},
		{store.CandidateFilter{County: "marvdasht", Status: "registered"}, 4},
		{store.CandidateFilter{Status: "under_review"}, 1},
		{store.CandidateFilter{County: "pasargad"}, 0},
	} {
		rows, total, err := f.st.Candidates(f.ctx, f.hq("fars"), electionID, tc.f)
		if err != nil || total != tc.want || len(rows) != tc.want {
			t.Errorf("%+v: %d rows, total %d, %v; want %d", tc.f, len(rows), total, err, tc.want)
		}
	}
	f.checkCandidateCounts("after registrations, an import and changes")

	// The synthetic loader's COPY, in batches, beside the real candidates.
	if _, err := seed.Synthetic(f.ctx, f.st, 300, now, true); err != nil {
		t.Fatal(err)
	}
	f.checkCandidateCounts("after a synthetic load")
	if got := f.count(`SELECT sum(n) FROM candidate_counts WHERE election_id = $1`, electionID); got != 306 {
		t.Errorf("the summary holds %d candidates, want 306", got)
	}

	// A statement over many rows, and a delete.
	f.exec(`UPDATE candidates SET status = 'withdrawn' WHERE election_id = $1 AND status = 'registered' AND id % 3 = 0`, electionID)
	f.exec(`DELETE FROM candidates WHERE id IN (SELECT id FROM candidates WHERE election_id = $1 ORDER BY id DESC LIMIT 40)`, electionID)
	f.checkCandidateCounts("after a mass update and a delete")

	f.exec(`DELETE FROM elections WHERE id = $1`, electionID)
	if n := f.count(`SELECT count(*) FROM candidate_counts`); n != 0 {
		t.Errorf("%d summary rows left after the election's deletion", n)
	}
}

// checkCandidateCounts fails the test unless the summary equals a count over the candidates.
func (f *fixture) checkCandidateCounts(when string) {
	f.t.Helper()
	const grouped = `SELECT election_id, province_id, county_id, coalesce(district_id, 0), status, count(*)::int
		FROM candidates GROUP BY 1, 2, 3, 4, 5`
	const summary = `SELECT election_id, province_id, county_id, district_id, status, n FROM candidate_counts WHERE n > 0`
	if n := f.count(`SELECT count(*) FROM ((` + grouped + ` EXCEPT ` + summary + `) UNION ALL (` + summary + ` EXCEPT ` + grouped + `)) x`); n != 0 {
		f.t.Errorf("%s: the summary differs from the candidates in %d rows", when, n)
	}
	if n := f.count(`SELECT count(*) FROM candidates`); n == 0 {
		f.t.Errorf("%s: no candidates to count", when)
	}
}
