package seed

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/dbtest"
	"github.com/setad/setad/internal/nationalid"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
)

func TestSynthetic(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.NewStore(t)
	ctx := context.Background()
	db := st.Pool()
	if err := Reference(ctx, st); err != nil {
		t.Fatalf("Reference: %v", err)
	}
	// A city besides Marvdasht's seat: a constituency of its own.
	if _, err := db.Exec(ctx, `INSERT INTO cities (county_id, code, name_fa, name_en)
		SELECT id, 'seyedan', 'سیدان', 'Seyedan' FROM counties WHERE code = 'marvdasht'`); err != nil {
		t.Fatal(err)
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	old := syntheticBatch
	syntheticBatch = 400 // several batches, one of them short
	t.Cleanup(func() { syntheticBatch = old })

	if res, err := Synthetic(ctx, st, 0, now, false); err != nil || res.Rows != 0 {
		t.Fatalf("Synthetic(0) = %+v, %v", res, err)
	}
	auditBefore := count(`SELECT count(*) FROM audit_log`)
	const n = 1000
	res, err := Synthetic(ctx, st, n, now, false)
	if err != nil {
		t.Fatalf("Synthetic: %v", err)
	}
	if !res.ElectionCreated || res.Election.Code != SyntheticElection || !res.Election.IsCurrent {
		t.Errorf("election %+v (created %v), want the current synthetic election created", res.Election, res.ElectionCreated)
	}
	if res.Rows != n || res.FirstSeq != 1 || res.LastSeq != n {
		t.Errorf("result %+v, want %d rows, sequence 1 to %d", res, n, n)
	}
	// The election itself is audited by AddElection; the load adds one row however many batches it took.
	if got := count(`SELECT count(*) FROM audit_log`) - auditBefore; got != 2 {
		t.Errorf("%d audit rows added, want 2 (the election and the load)", got)
	}
	if got := count(`SELECT count(*) FROM audit_log WHERE action = 'candidate.synthetic' AND detail->>'rows' = '1000'`); got != 1 {
		t.Errorf("%d candidate.synthetic audit rows for 1000 rows, want 1", got)
	}
	if _, err := audit.Verify(ctx, db); err != nil {
		t.Errorf("audit chain: %v", err)
	}
	if got := count(`SELECT count(*) FROM candidates WHERE election_id = $1`, res.Election.ID); got != n {
		t.Errorf("%d candidates, want %d", got, n)
	}

	// Every city and district has candidates; a district's candidate is in the district's county.
	places, err := st.Constituencies(ctx, auth.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if got := count(`SELECT count(DISTINCT (county_id, coalesce(district_id, 0), coalesce(city_id, 0))) FROM candidates`); got != len(places) {
		t.Errorf("candidates in %d constituencies, want all %d", got, len(places))
	}
	if got := count(`SELECT count(*) FROM candidates k JOIN districts d ON d.id = k.district_id WHERE d.county_id <> k.county_id`); got != 0 {
		t.Errorf("%d candidates in a district of another county", got)
	}
	// The statuses, genders and education levels are spread.
	for col, want := range map[string]int{"status": 12, "gender": 2, "education": 6} {
		if got := count(`SELECT count(DISTINCT ` + col + `) FROM candidates`); got != want {
			t.Errorf("%d distinct %s, want %d", got, col, want)
		}
	}

	rows, err := db.Query(ctx, `SELECT full_name, name_norm, national_id, tracking_id FROM candidates`)
	if err != nil {
		t.Fatal(err)
	}
	arabic := 0
	for rows.Next() {
		var full, norm, nid, tracking string
		if err := rows.Scan(&full, &norm, &nid, &tracking); err != nil {
			t.Fatal(err)
		}
		if !nationalid.Valid(nid) {
			t.Errorf("%s: national ID %s is not valid", full, nid)
		}
		if tracking != "SYN-"+nid[1:9] {
			t.Errorf("national ID %s has tracking ID %s", nid, tracking)
		}
		if norm != persian.Normalize(full) {
			t.Errorf("name_norm %q of %q is not its normal form", norm, full)
		}
		if strings.ContainsAny(full, "يك") {
			arabic++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if arabic < n/20 || arabic > n/5 {
		t.Errorf("%d of %d names typed with Arabic letters, want about a tenth", arabic, n)
	}

	// A name typed in Persian finds the ones typed with Arabic letters.
	var farsID int64
	if err := db.QueryRow(ctx, `SELECT id FROM provinces WHERE code = 'fars'`).Scan(&farsID); err != nil {
		t.Fatal(err)
	}
	var arabicName string
	if err := db.QueryRow(ctx, `SELECT full_name FROM candidates WHERE full_name ~ '[يك]' ORDER BY id LIMIT 1`).Scan(&arabicName); err != nil {
		t.Fatal(err)
	}
	persianName := strings.NewReplacer("ي", "ی", "ك", "ک").Replace(arabicName)
	found, _, err := st.Candidates(ctx, auth.Scope{ProvinceID: farsID}, res.Election.ID, store.CandidateFilter{Q: persianName, PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	hit := false
	for _, c := range found {
		hit = hit || c.FullName == arabicName
	}
	if !hit {
		t.Errorf("searching %q did not find %q", persianName, arabicName)
	}

	// Running it again adds as many more, with fresh national IDs, to the same election.
	res2, err := Synthetic(ctx, st, 150, now, false)
	if err != nil {
		t.Fatalf("second Synthetic: %v", err)
	}
	if res2.ElectionCreated || res2.Election.ID != res.Election.ID || res2.FirstSeq != n+1 || res2.LastSeq != n+150 {
		t.Errorf("second load %+v, want 150 more (sequence %d to %d) in election %d", res2, n+1, n+150, res.Election.ID)
	}
	if got := count(`SELECT count(DISTINCT national_id) FROM candidates`); got != n+150 {
		t.Errorf("%d distinct national IDs, want %d", got, n+150)
	}
	if got := count(`SELECT count(*) FROM audit_log WHERE action = 'candidate.synthetic'`); got != 2 {
		t.Errorf("%d candidate.synthetic audit rows after two loads, want 2", got)
	}

	if _, err := Synthetic(ctx, st, -1, now, false); err == nil {
		t.Error("Synthetic(-1) did not fail")
	}
}

// With an election current (the demo's, say), the candidates go there and no election is created.
func TestSyntheticIntoCurrentElection(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.NewStore(t)
	ctx := context.Background()
	if err := Reference(ctx, st); err != nil {
		t.Fatalf("Reference: %v", err)
	}
	id, err := st.AddElection(ctx, audit.System, store.NewElection{Code: "current-one", Kind: "councils",
		TitleFa: "جاری", TitleEn: "Current", ElectionDay: time.Date(2026, 9, 4, 0, 0, 0, 0, time.UTC), Current: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Synthetic(ctx, st, 100, time.Now(), false)
	if err != nil {
		t.Fatalf("Synthetic: %v", err)
	}
	if res.ElectionCreated || res.Election.ID != id {
		t.Errorf("loaded into %+v (created %v), want the current election %d", res.Election, res.ElectionCreated, id)
	}
	var elections int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM elections WHERE code = $1`, SyntheticElection).Scan(&elections); err != nil {
		t.Fatal(err)
	}
	if elections != 0 {
		t.Errorf("the synthetic election was created although one was current")
	}
}
