package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/boardrules"
	"github.com/setad/setad/internal/nationalid"
	"github.com/setad/setad/internal/seed"
	"github.com/setad/setad/internal/store"
)

// figures are a board's kept figures as the list reads them.
type figures struct {
	Members, Pool, Conflicts int
	Reopened                 bool
}

// The figures kept in board_figures are what counting the members, the pool and the candidates among them
// says, after every kind of write: members added, corrected and removed, pool entries added one by one and
// from a file and removed, registrations over a board seat, a correction of a candidate's national ID, the
// synthetic loader's COPY, a delete of candidates, submissions, approvals and reopenings, an election's cascade.
func TestBoardFiguresFollowWrites(t *testing.T) {
	f, electionID, ks := importFixture(t)
	e, err := f.st.CurrentElection(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	gov := audit.Actor{ID: f.user["gov.marvdasht"], Name: "gov.marvdasht"}
	dh := audit.Actor{ID: f.user["dh.marvdasht-central"], Name: "dh.marvdasht-central"}
	hq := audit.Actor{ID: f.user["hq.fars"], Name: "hq.fars"}
	sc, dsc, fars := f.governor("marvdasht"), f.districtHead("marvdasht-central"), f.hq("fars")
	var county, district int64
	f.scan(`SELECT id FROM boards WHERE election_id = $1 AND county_id = $2 AND level = 'county'`, []any{electionID, f.county["marvdasht"]}, &county)
	f.scan(`SELECT id FROM boards WHERE election_id = $1 AND district_id = $2`, []any{electionID, f.district["marvdasht-central"]}, &district)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	got := func(board int64) figures {
		t.Helper()
		d, err := f.st.Board(f.ctx, fars, board)
		must(err)
		return figures{d.Board.Members, d.PoolSize, d.Conflicts, d.Reopened}
	}
	want := func(when string, board int64, w figures) {
		t.Helper()
		f.checkBoardFigures(when)
		if g := got(board); g != w {
			t.Errorf("%s: board %d has %+v, want %+v", when, board, g, w)
		}
	}
	register := func(nid string, k store.Constituency) int64 {
		t.Helper()
		id, err := f.st.RegisterCandidate(f.ctx, hq, e, store.NewCandidate{FullName: "نامزد " + nid, FatherName: "حسن", NationalID: nid,
			Gender: "male", BirthDate: day(1980, 1, 1), Education: "master", Constituency: k},
			[]store.Override{{Field: "national_id", Code: "board_member", Reason: "HQ knows"}})
		must(err)
		return id
	}

	// A legal board, submitted, approved and reopened.
	composeLegal(t, f, county, gov)
	want("composed", county, figures{Members: 16, Pool: 30})
	must(f.st.SubmitBoard(f.ctx, gov, sc, county))
	must(f.st.ApproveBoard(f.ctx, hq, fars, county, 1))
	want("approved", county, figures{Members: 16, Pool: 30})
	must(f.st.ReopenBoard(f.ctx, hq, fars, county, 1, "approved", "a member registered"))
	want("reopened", county, figures{Members: 16, Pool: 30, Reopened: true})
	must(f.st.SubmitBoard(f.ctx, gov, sc, county))
	want("submitted again", county, figures{Members: 16, Pool: 30})
	must(f.st.ApproveBoard(f.ctx, hq, fars, county, 2))
	must(f.st.ReopenBoard(f.ctx, hq, fars, county, 2, "approved", "again"))
	want("reopened again", county, figures{Members: 16, Pool: 30, Reopened: true})

	// Registrations over seats: validID(0) is a trusted member and in the pool (one conflict), validID(20)
	// only in the pool, validID(100) the chair.
	a := register(validID(0), ks["marvdasht"])
	register(validID(20), ks["marvdasht"])
	register(validID(100), ks["marvdasht-central"])
	register(validID(700), ks["marvdasht"]) // on no board
	want("after registrations", county, figures{Members: 16, Pool: 30, Conflicts: 3, Reopened: true})

	// A correction of a candidate's national ID away from a seat, then onto another.
	must2(t)(f.st.CorrectCandidate(f.ctx, hq, fars, a, 1, store.NewCandidate{FullName: "نامزد", FatherName: "حسن",
		NationalID: validID(800), Gender: "male", BirthDate: day(1980, 1, 1), Education: "master"}, nil))
	want("after a correction away", county, figures{Members: 16, Pool: 30, Conflicts: 2, Reopened: true})
	must2(t)(f.st.CorrectCandidate(f.ctx, hq, fars, a, 2, store.NewCandidate{FullName: "نامزد", FatherName: "حسن",
		NationalID: validID(21), Gender: "male", BirthDate: day(1980, 1, 1), Education: "master"},
		[]store.Override{{Field: "national_id", Code: "board_member", Reason: "HQ knows"}}))
	want("after a correction onto the pool", county, figures{Members: 16, Pool: 30, Conflicts: 3, Reopened: true})

	// The pool loses two people, one of them a candidate, and takes one from a file; a member leaves, a
	// member's national ID is corrected onto a candidate's. (The board is a draft again.)
	d, err := f.st.Board(f.ctx, sc, county)
	must(err)
	for _, p := range d.Pool {
		if p.NationalID == validID(20) || p.NationalID == validID(29) {
			must(f.st.DeletePoolMember(f.ctx, gov, sc, county, p.ID))
		}
	}
	want("after pool deletions", county, figures{Members: 16, Pool: 28, Conflicts: 2, Reopened: true})
	imp, err := f.st.SavePoolImport(f.ctx, gov, sc, county, "pool.csv", "ab", func(w *store.PoolImportRows) error {
		return w.Add(f.ctx, []store.PoolImportRow{{Line: 2, Member: boardrules.Member{FullName: "از فایل", NationalID: validID(40)}}}, nil)
	})
	must(err)
	must2(t)(f.st.ConfirmPoolImport(f.ctx, gov, sc, county, imp.ID))
	want("after a pool import", county, figures{Members: 16, Pool: 29, Conflicts: 2, Reopened: true})
	for _, m := range d.Members {
		switch m.NationalID {
		case validID(100): // the chair, a candidate
			must(f.st.DeleteMember(f.ctx, gov, sc, county, m.ID))
		case validID(1):
			m.Member.NationalID = validID(41)
			must(f.st.UpdateMember(f.ctx, gov, sc, county, m.ID, m.Version, m.Member))
		}
	}
	want("after member changes", county, figures{Members: 15, Pool: 29, Conflicts: 1, Reopened: true})

	// The district's board: a member whose national ID the synthetic loader will register.
	nine := fmt.Sprintf("9%08d", 1)
	synthetic := nine + string('0'+nationalid.CheckDigit(nine))
	must2(t)(f.st.AddMember(f.ctx, dh, dsc, district, boardrules.Member{FullName: "بخشدار", NationalID: synthetic, Role: "chair", Office: "district_head"}))
	must2(t)(f.st.AddMember(f.ctx, dh, dsc, district, boardrules.Member{FullName: "امین", NationalID: validID(701), Role: "trusted"}))
	want("district composed", district, figures{Members: 2})
	must2(t)(seed.Synthetic(f.ctx, f.st, 50, time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC), true))
	want("after a synthetic load", district, figures{Members: 2, Conflicts: 1})

	// Candidates deleted.
	f.exec(`DELETE FROM candidates WHERE national_id IN ($1, $2)`, synthetic, validID(21))
	want("after deleting candidates", district, figures{Members: 2})
	want("after deleting candidates", county, figures{Members: 15, Pool: 29, Reopened: true})

	// The home page's figure and the list's filter read the same figures.
	register(validID(2), ks["marvdasht"])
	var conflicted int
	var b store.Batch
	b.ConflictedBoards(fars, electionID, &conflicted)
	must(f.st.Run(f.ctx, &b))
	listed, err := f.st.Boards(f.ctx, fars, electionID, store.BoardFilter{Conflict: true})
	must(err)
	if conflicted != 1 || len(listed) != 1 || listed[0].ID != county || listed[0].Conflicts != 1 {
		t.Errorf("conflicted boards: %d, listed %+v; want the county's board alone", conflicted, listed)
	}

	// An election's cascade takes its figures with it.
	f.exec(`DELETE FROM elections WHERE id = $1`, electionID)
	if n := f.count(`SELECT count(*) FROM board_figures`); n != f.count(`SELECT count(*) FROM boards`) {
		t.Errorf("%d figures for %d boards after the election's deletion", n, f.count(`SELECT count(*) FROM boards`))
	}
	f.verifyChain()
}

// must2 fails the test on the error of a call that also returns a value.
func must2(t *testing.T) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// checkBoardFigures fails the test unless every board has its figures and they equal a count over its
// members, pool, candidates and submissions.
func (f *fixture) checkBoardFigures(when string) {
	f.t.Helper()
	if n := f.count(`SELECT count(*) FROM boards b LEFT JOIN board_figures f ON f.board_id = b.id WHERE f.board_id IS NULL`); n != 0 {
		f.t.Errorf("%s: %d boards without figures", when, n)
	}
	n := f.count(`SELECT count(*) FROM boards b JOIN board_figures f ON f.board_id = b.id
		WHERE (f.members, f.pool, f.conflicts, f.reopened) IS DISTINCT FROM (
		    (SELECT count(*) FROM board_members m WHERE m.board_id = b.id)::int,
		    (SELECT count(*) FROM board_pool p WHERE p.board_id = b.id)::int,
		    (SELECT count(*) FROM (SELECT national_id FROM board_members WHERE board_id = b.id
		                           UNION SELECT national_id FROM board_pool WHERE board_id = b.id) n
		     WHERE EXISTS (SELECT FROM candidates k WHERE k.election_id = b.election_id AND k.national_id = n.national_id))::int,
		    coalesce((SELECT s.reopened_at IS NOT NULL FROM board_submissions s WHERE s.board_id = b.id ORDER BY s.number DESC LIMIT 1), false))`)
	if n != 0 {
		f.t.Errorf("%s: the figures of %d boards differ from a count", when, n)
	}
}

// Board writers and registrations of the people on the board, at once, neither deadlock nor leave the
// figures wrong: the board's writer takes the board's row, then the registration lock, then the figures;
// a registration the registration lock, then the figures.
func TestBoardFiguresUnderConcurrentWrites(t *testing.T) {
	f, _, ks := importFixture(t)
	e, err := f.st.CurrentElection(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	gov := audit.Actor{ID: f.user["gov.marvdasht"], Name: "gov.marvdasht"}
	hq := audit.Actor{ID: f.user["hq.fars"], Name: "hq.fars"}
	sc := f.governor("marvdasht")
	var board int64
	f.scan(`SELECT id FROM boards WHERE election_id = $1 AND county_id = $2 AND level = 'county'`, []any{e.ID, f.county["marvdasht"]}, &board)
	for i := range 20 {
		if err := f.st.AddPoolMember(f.ctx, gov, sc, board, boardrules.Member{FullName: fmt.Sprint("p", i), NationalID: validID(i)}); err != nil {
			t.Fatal(err)
		}
	}
	d, err := f.st.Board(f.ctx, sc, board)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 60)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(3)
		go func() { // a registration of a person in the pool
			defer wg.Done()
			_, err := f.st.RegisterCandidate(f.ctx, hq, e, store.NewCandidate{FullName: fmt.Sprint("c", i), FatherName: "حسن",
				NationalID: validID(i), Gender: "male", BirthDate: day(1980, 1, 1), Education: "master", Constituency: ks["marvdasht"]},
				[]store.Override{{Field: "national_id", Code: "board_member", Reason: "HQ knows"}})
			errs <- err
		}()
		go func() { // the same person seated: refused if the registration came first
			defer wg.Done()
			_, err := f.st.AddMember(f.ctx, gov, sc, board, boardrules.Member{FullName: fmt.Sprint("m", i), NationalID: validID(i), Role: "trusted"})
			var ce *store.CandidateError
			if errors.As(err, &ce) {
				err = nil
			}
			errs <- err
		}()
		go func() { // the pool loses every other person
			defer wg.Done()
			var err error
			if i%2 == 0 {
				err = f.st.DeletePoolMember(f.ctx, gov, sc, board, d.Pool[i].ID)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a concurrent write: %v", err)
		}
	}
	f.checkBoardFigures("after concurrent writes")
	// Everyone on the board or in its pool is now a candidate: ten left in the pool, and those of the ten
	// who left it who were seated before they registered.
	people := f.count(`SELECT count(*) FROM (SELECT national_id FROM board_members WHERE board_id = $1
		UNION SELECT national_id FROM board_pool WHERE board_id = $1) x`, board)
	if g, err := f.st.Board(f.ctx, sc, board); err != nil || g.PoolSize != 10 || g.Conflicts != people || people < 10 {
		t.Errorf("pool %d, conflicts %d, %v; want 10 and %d", g.PoolSize, g.Conflicts, err, people)
	}
}
