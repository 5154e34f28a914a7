package store_test

import (
	"errors"
	"testing"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
)

// committeeOf reads a user's committee key ("" for none).
func (f *fixture) committeeOf(username string) string {
	f.t.Helper()
	var k string
	f.scan(`SELECT coalesce(committee_key, '') FROM users WHERE id = $1`, []any{f.mustID(f.user, username)}, &k)
	return k
}

// HQ keeps its own province's committees: creates one (a key taken is ErrExists), renames one as of its
// version, moves a member onto it and takes him off; another province's HQ finds none of them.
func TestCommitteesAdmin(t *testing.T) {
	f := newFixture(t)
	hq, fars, tehran := f.as("hq.fars"), f.hq("fars"), f.hq("tehran")
	if err := f.st.CreateCommittee(f.ctx, hq, fars, "elections", store.CommitteeNames{NameFa: "کمیته انتخابات", NameEn: "Elections committee"}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreateCommittee(f.ctx, hq, fars, "elections", store.CommitteeNames{NameFa: "دیگر", NameEn: "Other"}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("a key taken: %v", err)
	}
	ks, err := f.st.Committees(f.ctx, f.province["fars"])
	if err != nil {
		t.Fatal(err)
	}
	last := ks[len(ks)-1]
	if last.Key != "elections" || last.NameFa != "کمیته انتخابات" || last.Version != 1 || last.Position <= ks[len(ks)-2].Position {
		t.Fatalf("the new committee: %+v", last)
	}
	// Tehran's HQ has no committee of that key; Fars's standard ones are Fars's.
	if err := f.st.RenameCommittee(f.ctx, f.as("hq.tehran"), tehran, "elections", 1, store.CommitteeNames{NameFa: "x", NameEn: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Tehran renaming Fars's committee: %v", err)
	}
	if err := f.st.SetCommitteeMember(f.ctx, f.as("hq.tehran"), tehran, "technology", f.user["committee.fars"], false); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Tehran taking a Fars member off: %v", err)
	}
	if err := f.st.RenameCommittee(f.ctx, hq, fars, "elections", 1, store.CommitteeNames{NameFa: "کمیته امور انتخابات", NameEn: "Election affairs"}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.RenameCommittee(f.ctx, hq, fars, "elections", 1, store.CommitteeNames{NameFa: "دیر", NameEn: "Late"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a stale rename: %v", err)
	}
	if r := f.lastAudit("committee.rename"); r.EntityID != "elections" || r.ProvinceID != f.province["fars"] {
		t.Fatalf("rename audited as %+v", r)
	}

	// The member moves from technology to elections, then is taken off: his account stays.
	member := f.user["committee.fars"]
	if err := f.st.SetCommitteeMember(f.ctx, hq, fars, "elections", member, true); err != nil {
		t.Fatal(err)
	}
	if k := f.committeeOf("committee.fars"); k != "elections" {
		t.Fatalf("moved to %q", k)
	}
	// A governor is no committee member; nor is a user unknown.
	if err := f.st.SetCommitteeMember(f.ctx, hq, fars, "elections", f.user["gov.marvdasht"], true); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a governor added: %v", err)
	}
	if err := f.st.SetCommitteeMember(f.ctx, hq, fars, "nosuch", member, true); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown committee: %v", err)
	}
	if err := f.st.SetCommitteeMember(f.ctx, hq, fars, "technology", member, false); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("taken off a committee he is not on: %v", err)
	}
	if err := f.st.SetCommitteeMember(f.ctx, hq, fars, "elections", member, false); err != nil {
		t.Fatal(err)
	}
	u, err := f.st.ActiveUser(f.ctx, member)
	if err != nil {
		t.Fatal(err)
	}
	if p := u.Principal(); p.Scope.Committee != "" || p.Role != auth.Committee || p.Scope.ProvinceID != f.province["fars"] {
		t.Fatalf("taken off, his principal is %+v", p)
	}
	ms, err := f.st.CommitteeMembers(f.ctx, f.province["fars"])
	if err != nil || len(ms) != 1 || ms[0].ID != member || ms[0].Committee != "" {
		t.Fatalf("members %+v, %v", ms, err)
	}
	// Off his committee, he schedules nothing.
	if _, err := f.st.ScheduleTraining(f.ctx, f.as("committee.fars"), u.Principal().Scope, store.NewTraining{}, nil); !errors.Is(err, store.ErrTrainingNoCommittee) {
		t.Fatalf("a member on no committee scheduled: %v", err)
	}
	if n := f.auditCount("committee.member_add") + f.auditCount("committee.member_remove") + f.auditCount("committee.create"); n != 3 {
		t.Fatalf("%d committee rows audited, want 3", n)
	}
	f.verifyChain()
}
