package store_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/dbtest"
	"github.com/setad/setad/internal/nationalid"
	"github.com/setad/setad/internal/seed"
	"github.com/setad/setad/internal/store"
)

// The scale target of the candidates area: with 300,000 candidates, a name search and a filtered list page
// each answer in under 50 ms at the 95th percentile. Loading the candidates takes a while, so these run only
// with SETAD_PERF=1:
//
//	SETAD_PERF=1 go test -count=1 -timeout 30m -run TestCandidatesAtScale -v ./internal/store/
//	SETAD_PERF=1 go test -count=1 -timeout 30m -run '^$' -bench CandidatesAtScale ./internal/store/
//
// SETAD_PERF_ROWS changes the number of candidates.

const (
	perfTarget     = 50 * time.Millisecond
	perfIterations = 200
)

// perfCase is one query of the measurement; target marks the ones the 50 ms target is about (a name
// search and a filtered list page), the others are measured for information.
type perfCase struct {
	name   string
	filter store.CandidateFilter
	target bool
}

// perfCases are the searches HQ types (a very common first name, a less common one, fragments of a family
// name and of many names, a full name typed with Arabic letters) and the list pages filtered by county and
// status, in the largest county and in a small one, all in HQ's scope (the province), page 1 unless said.
var perfCases = []perfCase{
	{"search common first name علی", store.CandidateFilter{Q: "علی"}, true},
	{"search first name زهرا", store.CandidateFilter{Q: "زهرا"}, true},
	{"search fragment کری", store.CandidateFilter{Q: "کری"}, true},
	{"search fragment رضا (10% of rows)", store.CandidateFilter{Q: "رضا"}, true},
	{"search full name, Arabic letters", store.CandidateFilter{Q: "علي كريمي"}, true},
	{"list county+status by name", store.CandidateFilter{County: "marvdasht", Status: "under_review", Sort: "name"}, true},
	{"list county+status by name, page 3", store.CandidateFilter{County: "marvdasht", Status: "registered", Sort: "name", Page: 3}, true},
	{"list small county+status by name", store.CandidateFilter{County: "pasargad", Status: "withdrawn", Sort: "name"}, true},
	{"search national ID", store.CandidateFilter{Q: synthID(150_000)}, true},
	{"search name nobody has", store.CandidateFilter{Q: "ابوالفضل انصاری"}, true},
	{"search name nobody has, by name", store.CandidateFilter{Q: "ابوالفضل انصاری", Sort: "name"}, true},
	{"search علی sorted by name", store.CandidateFilter{Q: "علی", Sort: "name"}, false},
	{"list county by name", store.CandidateFilter{County: "marvdasht", Sort: "name"}, false},
	{"list province, newest first", store.CandidateFilter{}, false},
	{"list province by name", store.CandidateFilter{Sort: "name"}, false},
	{"list province+status, newest first", store.CandidateFilter{Status: "under_review"}, false},
}

// synthID is the national ID of the synthetic candidate with sequence number seq.
func synthID(seq int) string {
	nine := fmt.Sprintf("9%08d", seq)
	return nine + string('0'+nationalid.CheckDigit(nine))
}

// loadAtScale is a fresh database with the Fars reference data and 300,000 (or SETAD_PERF_ROWS) synthetic
// candidates in its current election, analysed. It returns the store, Fars's id and the election's id.
func loadAtScale(tb testing.TB) (*store.Store, int64, int64) {
	tb.Helper()
	if os.Getenv("SETAD_PERF") != "1" {
		tb.Skip("set SETAD_PERF=1 to load 300,000 candidates and measure the candidate queries")
	}
	rows := 300_000
	if s := os.Getenv("SETAD_PERF_ROWS"); s != "" {
		var err error
		if rows, err = strconv.Atoi(s); err != nil || rows < 1 {
			tb.Fatalf("SETAD_PERF_ROWS=%q: want a positive number", s)
		}
	}
	st, _ := dbtest.NewStore(tb)
	ctx := context.Background()
	if err := seed.Reference(ctx, st); err != nil {
		tb.Fatalf("seed.Reference: %v", err)
	}
	start := time.Now()
	res, err := seed.Synthetic(ctx, st, rows, time.Now(), false)
	if err != nil {
		tb.Fatalf("seed.Synthetic: %v", err)
	}
	tb.Logf("loaded %d synthetic candidates in %s", res.Rows, time.Since(start).Round(time.Millisecond))
	if _, err := st.Pool().Exec(ctx, `ANALYZE`); err != nil {
		tb.Fatal(err)
	}
	var fars int64
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM provinces WHERE code = 'fars'`).Scan(&fars); err != nil {
		tb.Fatal(err)
	}
	return st, fars, res.Election.ID
}

func (c perfCase) run(ctx context.Context, st *store.Store, fars, election int64) (int, error) {
	// HQ's scope: the province.
	_, total, err := st.Candidates(ctx, auth.Scope{ProvinceID: fars}, election, c.filter)
	return total, err
}

// percentile is the p-th percentile (0 < p ≤ 100) of sorted durations, nearest rank.
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}

func TestCandidatesAtScale(t *testing.T) {
	st, fars, election := loadAtScale(t)
	ctx := context.Background()
	for _, c := range perfCases {
		// Warm the cache and go past the five executions after which PostgreSQL may switch a prepared
		// statement to its generic plan, as a long-running server would have.
		total := 0
		for range 10 {
			var err error
			if total, err = c.run(ctx, st, fars, election); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
		ds := make([]time.Duration, perfIterations)
		for i := range ds {
			start := time.Now()
			if _, err := c.run(ctx, st, fars, election); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			ds[i] = time.Since(start)
		}
		slices.Sort(ds)
		p95 := percentile(ds, 95)
		verdict := "ok"
		switch {
		case p95 < perfTarget:
		case c.target:
			verdict = "MISSES the 50 ms target"
			t.Errorf("%s: p95 %.1f ms, want under %s", c.name, ms(p95), perfTarget)
		default:
			verdict = "over 50 ms (not a target case)"
		}
		// total is the count Candidates returns, which stops counting past the store's cap.
		t.Logf("%-40s total %5d  p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms  %s", c.name, total,
			ms(percentile(ds, 50)), ms(p95), ms(ds[len(ds)-1]), verdict)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func BenchmarkCandidatesAtScale(b *testing.B) {
	st, fars, election := loadAtScale(b)
	ctx := context.Background()
	for _, c := range perfCases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := c.run(ctx, st, fars, election); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
