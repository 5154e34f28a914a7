package store_test

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/boardrules"
	"github.com/setad/setad/internal/nationalid"
	"github.com/setad/setad/internal/seed"
	"github.com/setad/setad/internal/store"
)

func validID(n int) string {
	nine := fmt.Sprintf("%09d", 400000000+n*7901)
	return nine + string('0'+nationalid.CheckDigit(nine))
}

// boardFixture is a fresh database with a current councils election and the Marvdasht county board.
func boardFixture(t *testing.T) (*fixture, int64, audit.Actor) {
	f := bareFixture(t)
	if _, err := f.st.AddElection(f.ctx, audit.System, store.NewElection{Code: "e", Kind: "councils", TitleFa: "ا",
		TitleEn: "E", ElectionDay: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), Current: true}); err != nil {
		t.Fatal(err)
	}
	var id int64
	f.scan(`SELECT b.id FROM boards b JOIN counties c ON c.id = b.county_id WHERE c.code = 'marvdasht' AND b.level = 'county'`, nil, &id)
	return f, id, audit.Actor{Name: "gov.marvdasht", Remote: "test"}
}

// composeLegal builds a legal councils county board through the store.
func composeLegal(t *testing.T, f *fixture, board int64, a audit.Actor) {
	t.Helper()
	sc := f.governor("marvdasht")
	for i := range 30 {
		if err := f.st.AddPoolMember(f.ctx, a, sc, board, boardrules.Member{FullName: fmt.Sprint("p", i), NationalID: validID(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.st.SetPoolApproval(f.ctx, a, sc, board, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), "12/n"); err != nil {
		t.Fatal(err)
	}
	ms := []boardrules.Member{
		{FullName: "chair", NationalID: validID(100), Role: "chair", Office: "governor"},
		{FullName: "reg", NationalID: validID(101), Role: "ex_officio", Office: "civil_registration"},
		{FullName: "jud", NationalID: validID(102), Role: "ex_officio", Office: "judiciary_rep"},
	}
	for i := range 8 {
		ms = append(ms, boardrules.Member{FullName: fmt.Sprint("t", i), NationalID: validID(i), Role: "trusted"})
	}
	for i := range 5 {
		ms = append(ms, boardrules.Member{FullName: fmt.Sprint("a", i), NationalID: validID(10 + i), Role: "alternate"})
	}
	for _, m := range ms {
		if _, err := f.st.AddMember(f.ctx, a, sc, board, m); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBoardRulesSeeded(t *testing.T) {
	f := bareFixture(t)
	if n := f.count(`SELECT count(*) FROM board_rules`); n != len(seed.BoardRules) {
		t.Fatalf("%d rules, want %d", n, len(seed.BoardRules))
	}
	// HQ's edit survives another seed.
	f.exec(`UPDATE board_rules SET trusted_main = 9 WHERE kind = 'councils' AND level = 'county'`)
	if n, err := f.st.AddBoardRules(f.ctx, audit.System, seed.BoardRules); err != nil || n != 0 {
		t.Fatalf("AddBoardRules again = %d, %v", n, err)
	}
	if n := f.count(`SELECT trusted_main FROM board_rules WHERE kind = 'councils' AND level = 'county'`); n != 9 {
		t.Fatal("the seed overwrote HQ's edit")
	}
}

func TestBoardWorkflowStates(t *testing.T) {
	f, board, gov := boardFixture(t)
	sc, hq := f.governor("marvdasht"), audit.Actor{Name: "hq", Remote: "test"}
	if err := f.st.ApproveBoard(f.ctx, hq, f.hq("fars"), board, 0); !errors.Is(err, store.ErrBoardState) {
		t.Fatalf("approving a draft: %v", err)
	}
	if err := f.st.ReturnBoard(f.ctx, hq, f.hq("fars"), board, 0, "draft", "x"); !errors.Is(err, store.ErrBoardState) {
		t.Fatalf("returning a draft: %v", err)
	}
	var ve *store.ViolationsError
	if err := f.st.SubmitBoard(f.ctx, gov, sc, board); !errors.As(err, &ve) || len(ve.Violations) == 0 {
		t.Fatalf("submitting an empty board: %v", err)
	}
	composeLegal(t, f, board, gov)
	if err := f.st.SubmitBoard(f.ctx, gov, sc, board); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.AddMember(f.ctx, gov, sc, board, boardrules.Member{FullName: "late", NationalID: validID(300), Role: "secretary"}); !errors.Is(err, store.ErrBoardLocked) {
		t.Fatalf("adding to a submitted board: %v", err)
	}
	if err := f.st.SubmitBoard(f.ctx, gov, sc, board); !errors.Is(err, store.ErrBoardLocked) {
		t.Fatalf("submitting twice: %v", err)
	}
	// Another county's governor does not reach it.
	if err := f.st.ReturnBoard(f.ctx, hq, f.governor("pasargad"), board, 1, "submitted", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("out of scope: %v", err)
	}
	if err := f.st.ApproveBoard(f.ctx, hq, f.hq("fars"), board, 1); err != nil {
		t.Fatal(err)
	}
	d, err := f.st.Board(f.ctx, sc, board)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != "approved" || d.ApprovedAt == nil || len(d.Submissions) != 1 || d.Submissions[0].Decision != "approved" ||
		len(d.Submissions[0].Members) != 16 || d.Submissions[0].Members[0].Role != "chair" {
		t.Fatalf("after approval: %+v", d.Board)
	}
	f.verifyChain()
}

// A decision names the submission the reviewer saw; once the board was returned and submitted again, a
// decision on the old submission changes nothing.
func TestBoardDecisionOnSeenSubmission(t *testing.T) {
	f, board, gov := boardFixture(t)
	sc, fars, hq := f.governor("marvdasht"), f.hq("fars"), audit.Actor{Name: "hq", Remote: "test"}
	composeLegal(t, f, board, gov)
	if err := f.st.SubmitBoard(f.ctx, gov, sc, board); err != nil {
		t.Fatal(err)
	}
	if err := f.st.ReturnBoard(f.ctx, hq, fars, board, 1, "submitted", "again"); err != nil {
		t.Fatal(err)
	}
	if err := f.st.SubmitBoard(f.ctx, gov, sc, board); err != nil {
		t.Fatal(err)
	}
	for _, seen := range []int{1, 0, 3} {
		if err := f.st.ApproveBoard(f.ctx, hq, fars, board, seen); !errors.Is(err, store.ErrStaleSubmission) {
			t.Fatalf("approving submission %d of 2: %v", seen, err)
		}
		if err := f.st.ReturnBoard(f.ctx, hq, fars, board, seen, "submitted", "stale"); !errors.Is(err, store.ErrStaleSubmission) {
			t.Fatalf("returning submission %d of 2: %v", seen, err)
		}
	}
	if n := f.count(`SELECT count(*) FROM boards WHERE id = $1 AND status = 'submitted' AND return_note = ''`, board); n != 1 {
		t.Fatal("a decision on an old submission changed the board")
	}
	if n := f.count(`SELECT count(*) FROM board_submissions WHERE board_id = $1 AND number = 2 AND decision IS NULL`, board); n != 1 {
		t.Fatal("a decision on an old submission was recorded on the new one")
	}
	if n := f.count(`SELECT count(*) FROM audit_log WHERE action IN ('board.approve', 'board.return') AND entity_id = $1`, fmt.Sprint(board)); n != 1 {
		t.Fatalf("%d decisions audited, want the one return", n)
	}
	if err := f.st.ApproveBoard(f.ctx, hq, fars, board, 2); err != nil {
		t.Fatal(err)
	}
	// An approved board is reopened, not returned, and only by a reviewer who saw it approved: a
	// colleague's page opened while it was submitted cannot undo the approval unseen.
	if err := f.st.ReturnBoard(f.ctx, hq, fars, board, 2, "approved", "fix"); !errors.Is(err, store.ErrBoardState) {
		t.Fatalf("returning the approved board: %v", err)
	}
	if err := f.st.ReopenBoard(f.ctx, hq, fars, board, 1, "approved", "stale"); !errors.Is(err, store.ErrStaleSubmission) {
		t.Fatalf("reopening the approved board from submission 1: %v", err)
	}
	if err := f.st.ReopenBoard(f.ctx, hq, fars, board, 2, "submitted", "late"); !errors.Is(err, store.ErrStaleSubmission) {
		t.Fatalf("reopening the approved board from a page that showed it submitted: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM boards WHERE id = $1 AND status = 'approved'`, board); n != 1 {
		t.Fatal("a refused return or reopening undid the approval")
	}
	if err := f.st.ReopenBoard(f.ctx, hq, fars, board, 2, "approved", "یک عضو داوطلب شده است"); err != nil {
		t.Fatal(err)
	}
	d, err := f.st.Board(f.ctx, sc, board)
	if err != nil {
		t.Fatal(err)
	}
	s := d.Submissions[0]
	if d.Status != "draft" || !d.Reopened || d.ReturnNote != "یک عضو داوطلب شده است" || d.ApprovedAt != nil ||
		s.Decision != "approved" || s.ReopenedAt == nil || s.ReopenedBy != "" || s.ReopenReason != "یک عضو داوطلب شده است" {
		t.Fatalf("after reopening: %+v, %+v", d.Board, s)
	}
	if err := f.st.ReopenBoard(f.ctx, hq, fars, board, 2, "approved", "again"); !errors.Is(err, store.ErrBoardState) {
		t.Fatalf("reopening a draft: %v", err)
	}
	if err := f.st.SubmitBoard(f.ctx, gov, sc, board); err != nil {
		t.Fatal(err)
	}
	if d, err = f.st.Board(f.ctx, sc, board); err != nil || d.Reopened || d.ReturnNote != "" {
		t.Fatalf("submitted again after reopening: %v %+v", err, d.Board)
	}
	// A submitted board reopened is returned, with the reason as the note.
	if err := f.st.ReopenBoard(f.ctx, hq, fars, board, 3, "submitted", "دلیل"); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM board_submissions WHERE board_id = $1 AND number = 3 AND decision = 'returned' AND note = 'دلیل' AND reopened_at IS NULL`, board); n != 1 {
		t.Fatal("reopening a submitted board did not return it")
	}
	if n := f.count(`SELECT count(*) FROM audit_log WHERE action = 'board.reopen' AND entity_id = $1`, fmt.Sprint(board)); n != 2 {
		t.Fatalf("%d reopenings audited, want 2", n)
	}
	f.verifyChain()
}

func TestMemberVersion(t *testing.T) {
	f, board, gov := boardFixture(t)
	sc := f.governor("marvdasht")
	m := boardrules.Member{FullName: "s", NationalID: validID(1), Role: "secretary"}
	id, err := f.st.AddMember(f.ctx, gov, sc, board, m)
	if err != nil {
		t.Fatal(err)
	}
	m.Phone = "0912"
	if err := f.st.UpdateMember(f.ctx, gov, sc, board, id, 1, m); err != nil {
		t.Fatal(err)
	}
	m.Phone = "0913"
	if err := f.st.UpdateMember(f.ctx, gov, sc, board, id, 1, m); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale update: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM board_members WHERE id = $1 AND phone = '0912' AND version = 2`, id); n != 1 {
		t.Fatal("the stale update changed the member")
	}
	if err := f.st.UpdateMember(f.ctx, gov, f.governor("pasargad"), board, id, 2, m); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update out of scope: %v", err)
	}
}

// A submission and additions racing each other: whatever was added made it into the submission or was
// refused; nothing lands on the board after it was submitted.
func TestSubmitRacesAdditions(t *testing.T) {
	f, board, gov := boardFixture(t)
	sc := f.governor("marvdasht")
	composeLegal(t, f, board, gov)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = f.st.AddMember(f.ctx, gov, sc, board, boardrules.Member{FullName: "extra", NationalID: validID(500 + i), Role: "secretary"})
		}()
	}
	wg.Add(1)
	var submitErr error
	go func() { defer wg.Done(); submitErr = f.st.SubmitBoard(f.ctx, gov, sc, board) }()
	wg.Wait()
	members := f.count(`SELECT count(*) FROM board_members WHERE board_id = $1`, board)
	if submitErr == nil {
		if n := f.count(`SELECT jsonb_array_length(members) FROM board_submissions WHERE board_id = $1`, board); n != members {
			t.Fatalf("the submission holds %d members, the board %d", n, members)
		}
	} else {
		var ve *store.ViolationsError
		if !errors.As(submitErr, &ve) {
			t.Fatal(submitErr)
		}
	}
	f.verifyChain()
}

// registerCandidate registers national ID id as a candidate in Pasargad, in the election of board.
func registerCandidate(f *fixture, board int64, id string) {
	f.exec(`INSERT INTO candidates (election_id, province_id, county_id, full_name, national_id, gender, education)
		SELECT b.election_id, c.province_id, c.id, 'نامزد', $2, 'male', 'diploma' FROM boards b, counties c
		WHERE b.id = $1 AND c.code = 'pasargad'`, board, id)
}

// Nobody who is a candidate in the same election takes a seat or a place in the pool; a pool takes no more
// than its rule asks.
func TestBoardPeopleNotCandidates(t *testing.T) {
	f, board, gov := boardFixture(t)
	sc := f.governor("marvdasht")
	registerCandidate(f, board, validID(900))
	var ce *store.CandidateError
	if _, err := f.st.AddMember(f.ctx, gov, sc, board, boardrules.Member{FullName: "x", NationalID: validID(900), Role: "secretary"}); !errors.As(err, &ce) || ce.CountyEn != "Pasargad" {
		t.Fatalf("a candidate as a member: %v", err)
	}
	if err := f.st.AddPoolMember(f.ctx, gov, sc, board, boardrules.Member{FullName: "x", NationalID: validID(900)}); !errors.As(err, &ce) {
		t.Fatalf("a candidate in the pool: %v", err)
	}
	id, err := f.st.AddMember(f.ctx, gov, sc, board, boardrules.Member{FullName: "y", NationalID: validID(901), Role: "secretary"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.UpdateMember(f.ctx, gov, sc, board, id, 1, boardrules.Member{FullName: "y", NationalID: validID(900), Role: "secretary"}); !errors.As(err, &ce) {
		t.Fatalf("a member's national ID changed to a candidate's: %v", err)
	}
	// A member who registered after taking the seat may still have his phone corrected.
	registerCandidate(f, board, validID(901))
	if err := f.st.UpdateMember(f.ctx, gov, sc, board, id, 1, boardrules.Member{FullName: "y", NationalID: validID(901), Role: "secretary", Phone: "0912"}); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		if err := f.st.AddPoolMember(f.ctx, gov, sc, board, boardrules.Member{FullName: fmt.Sprint("p", i), NationalID: validID(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.st.AddPoolMember(f.ctx, gov, sc, board, boardrules.Member{FullName: "one more", NationalID: validID(31)}); !errors.Is(err, store.ErrPoolFull) {
		t.Fatalf("a 31st pool entry: %v", err)
	}
	if err := f.st.AddPoolMember(f.ctx, gov, sc, board, boardrules.Member{FullName: "again", NationalID: validID(3)}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("the same person twice in the pool: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM board_pool WHERE board_id = $1`, board); n != 30 {
		t.Fatalf("the pool holds %d", n)
	}
	f.verifyChain()
}

// A previewed pool file is added whole or not at all, once, and only to the board and by the user it was
// previewed for.
func TestPoolImportConfirm(t *testing.T) {
	f, board, gov := boardFixture(t)
	sc := f.governor("marvdasht")
	var uid int64
	f.scan(`INSERT INTO users (username, full_name, role, province_id, county_id, password_hash)
		SELECT 'gov.m', 'فرماندار', 'governor', province_id, id, 'x' FROM counties WHERE code = 'marvdasht' RETURNING id`, nil, &uid)
	gov.ID = uid
	preview := func(ids ...int) store.PoolImport {
		t.Helper()
		imp, err := f.st.SavePoolImport(f.ctx, gov, sc, board, "pool.csv", "abc", func(w *store.PoolImportRows) error {
			var ready []store.PoolImportRow
			for i, n := range ids {
				ready = append(ready, store.PoolImportRow{Line: i + 2, Member: boardrules.Member{FullName: fmt.Sprint("p", n), NationalID: validID(n)}})
			}
			return w.Add(f.ctx, ready, []store.ImportRow{{Line: 99, Values: map[string]string{"full_name": "bad"}}})
		})
		if err != nil {
			t.Fatal(err)
		}
		return imp
	}
	imp := preview(1, 2, 3)
	if imp.Ready != 3 || imp.Rejected != 1 {
		t.Fatalf("preview: %+v", imp)
	}
	// Another user, or another board, has no such preview.
	other := gov
	other.ID = uid + 1000
	if _, err := f.st.ConfirmPoolImport(f.ctx, other, sc, board, imp.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another user's confirmation: %v", err)
	}
	var district int64
	f.scan(`SELECT d.id FROM boards d JOIN boards b ON b.id = $1 AND d.election_id = b.election_id AND d.county_id = b.county_id
		WHERE d.level = 'district' LIMIT 1`, []any{board}, &district)
	if _, err := f.st.ConfirmPoolImport(f.ctx, gov, sc, district, imp.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a confirmation on another board: %v", err)
	}
	// A person who registered since refuses the whole file.
	registerCandidate(f, board, validID(2))
	var stale *store.StaleImportError
	if _, err := f.st.ConfirmPoolImport(f.ctx, gov, sc, board, imp.ID); !errors.As(err, &stale) || len(stale.Lines) != 1 || stale.Lines[0] != 3 {
		t.Fatalf("a stale file: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM board_pool WHERE board_id = $1`, board); n != 0 {
		t.Fatal("a refused file added rows")
	}
	imp = preview(4, 5)
	n, err := f.st.ConfirmPoolImport(f.ctx, gov, sc, board, imp.ID)
	if err != nil || n != 2 {
		t.Fatalf("confirm: %d %v", n, err)
	}
	if _, err := f.st.ConfirmPoolImport(f.ctx, gov, sc, board, imp.ID); !errors.Is(err, store.ErrImported) {
		t.Fatalf("a second confirmation: %v", err)
	}
	// A file the pool has no room for is refused whole.
	var ids []int
	for i := 10; i < 39; i++ {
		ids = append(ids, i)
	}
	imp = preview(ids...)
	if _, err := f.st.ConfirmPoolImport(f.ctx, gov, sc, board, imp.ID); !errors.Is(err, store.ErrPoolFull) {
		t.Fatalf("a file beyond the pool's room: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM board_pool WHERE board_id = $1`, board); n != 2 {
		t.Fatalf("the pool holds %d, want 2", n)
	}
	if n := f.auditCount("board_pool.import"); n != 1 {
		t.Fatalf("%d imports audited", n)
	}
	f.verifyChain()
}

// A scope's boards are counted and listed by plans made once for any values, as a prepared statement's
// plan ends up, that know how many boards the scope has. When the filters that did not apply were written
// for both cases ($2 = 0 OR b.county_id = $2), the planner took any scope's boards for one or none, and
// joined by reading a table again for each of them.
func TestBoardQueriesPlanForTheirRows(t *testing.T) {
	f := newFixture(t)
	e := f.currentElection()
	// An earlier election, with its boards, one for every county and district, as in the demo.
	f.exec(`INSERT INTO elections (code, kind, title_fa, title_en, election_day)
		VALUES ('past', 'councils', 'گذشته', 'Past', date '2020-01-01')`)
	f.exec(`ANALYZE`)
	for _, c := range scopeCases {
		t.Run(c.name, func(t *testing.T) {
			sc := c.scope(f)
			var list []store.Board
			var total, conflicted int
			var counts map[string]int
			var b store.Batch
			b.Boards(f.ctx, sc, e.ID, store.BoardFilter{Page: 1, PageSize: 50}, &list, &total)
			b.Boards(f.ctx, sc, e.ID, store.BoardFilter{Level: "district"}, &list, nil)
			b.BoardCounts(sc, e.ID, &counts)
			b.ConflictedBoards(sc, e.ID, &conflicted)
			sqls, args := b.Queued()
			for i, sql := range sqls {
				f.genericRun(t, sql, args[i]).walk(func(n planNode) {
					if n.RelationName == "boards" && n.ActualRows > 10*max(n.PlanRows, 1) {
						t.Errorf("the plan expects %.0f boards and finds %.0f:\n%s", n.PlanRows, n.ActualRows, sql)
					}
				})
			}
		})
	}
}

// The official list's read has the board, its rule and its members as the board's page reads them, and
// nothing that the list does not show; a board out of scope is not found.
func TestBoardSheet(t *testing.T) {
	f, board, gov := boardFixture(t)
	sc := f.governor("marvdasht")
	composeLegal(t, f, board, gov)
	if err := f.st.SubmitBoard(f.ctx, gov, sc, board); err != nil {
		t.Fatal(err)
	}
	full, err := f.st.Board(f.ctx, sc, board)
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := f.st.BoardSheet(f.ctx, sc, board)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sheet.Board, full.Board) || !reflect.DeepEqual(sheet.Rule, full.Rule) || !reflect.DeepEqual(sheet.Members, full.Members) ||
		len(sheet.Members) != 16 {
		t.Errorf("sheet %+v, rule %+v, %d members; want %+v, rule %+v, %d members", sheet.Board, sheet.Rule, len(sheet.Members),
			full.Board, full.Rule, len(full.Members))
	}
	if sheet.Pool != nil || sheet.Submissions != nil || sheet.Composers != nil || sheet.Candidates != nil {
		t.Errorf("the sheet read more than it shows: %d in the pool, %d submissions, composers %v, candidates %v",
			len(sheet.Pool), len(sheet.Submissions), sheet.Composers, sheet.Candidates)
	}
	if _, err := f.st.BoardSheet(f.ctx, f.governor("pasargad"), board); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("out of scope: %v", err)
	}
}

// A candidate's record names the boards of the same election that hold the same person, as a member or in
// the pool, with what their titles need.
func TestCandidateBoards(t *testing.T) {
	f, _, gov := boardFixture(t)
	e, err := f.st.CurrentElection(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var county, district int64
	f.scan(`SELECT b.id FROM boards b JOIN counties c ON c.id = b.county_id WHERE c.code = 'marvdasht' AND b.level = 'county'
		AND b.election_id = $1`, []any{e.ID}, &county)
	f.scan(`SELECT b.id FROM boards b JOIN districts d ON d.id = b.district_id WHERE d.code = 'marvdasht-central'
		AND b.election_id = $1`, []any{e.ID}, &district)
	person := boardrules.Member{FullName: "امین", NationalID: validID(5), Role: "trusted"}
	if _, err := f.st.AddMember(f.ctx, gov, f.governor("marvdasht"), county, person); err != nil {
		t.Fatal(err)
	}
	if err := f.st.AddPoolMember(f.ctx, audit.Actor{Name: "dh", Remote: "test"}, f.districtHead("marvdasht-central"), district,
		boardrules.Member{FullName: "امین", NationalID: validID(5)}); err != nil {
		t.Fatal(err)
	}
	k, err := f.st.ConstituencyByCode(f.ctx, f.national(), "marvdasht")
	if err != nil {
		t.Fatal(err)
	}
	id, err := f.st.RegisterCandidate(f.ctx, audit.System, e, store.NewCandidate{FullName: "امین", FatherName: "حسن",
		NationalID: validID(5), Gender: "male", BirthDate: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), Education: "master",
		Constituency: k}, []store.Override{{Field: "national_id", Code: "board_member", Reason: "HQ knows"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.st.CandidateByID(f.ctx, f.national(), id)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(d.Boards, func(a, b store.Board) int { return cmp.Compare(a.ID, b.ID) })
	type named struct {
		ID                                                int64
		Level, CountyFa, CountyEn, DistrictFa, DistrictEn string
	}
	var got []named
	for _, b := range d.Boards {
		got = append(got, named{b.ID, b.Level, b.CountyFa, b.CountyEn, b.DistrictFa, b.DistrictEn})
	}
	want := []named{{county, "county", "مرودشت", "Marvdasht", "", ""}, {district, "district", "مرودشت", "Marvdasht", "مرکزی", "Central"}}
	if !slices.Equal(got, want) {
		t.Errorf("boards %+v, want %+v", got, want)
	}
}
