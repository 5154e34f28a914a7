package server

import (
	"context"
	"fmt"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/setad/setad/internal/dbtest"
	"github.com/setad/setad/internal/store"
)

type queryCounter struct{ n atomic.Int64 }

func (q *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	q.n.Add(1)
	return ctx
}

func (q *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// No page runs a query per row: the count of queries stays the same when the data grows tenfold.
func TestQueriesPerPageBounded(t *testing.T) {
	dbURL := dbtest.NewDatabase(t)
	pc, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	counter := &queryCounter{}
	pc.ConnConfig.Tracer = counter
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	a := newTestAppOn(t, store.New(pool), dbURL)
	a.withElection()
	board := a.boardID("marvdasht", "")
	a.composeLegal(a.login("gov.marvdasht"), board)
	a.post(a.login("gov.marvdasht"), "/boards/"+board+"/submit", nil)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.post(a.login("gov.marvdasht"), "/candidates", candidateForm("نامزد", nid(3000), "marvdasht"))
	candidate := a.candidateID(nid(3000))
	hq := a.login("hq.fars")
	pages := []string{"/", "/counties", "/counties/marvdasht", "/admin/users", "/admin/users/new", "/audit", "/profile",
		"/boards", "/boards/" + board, "/candidates", "/candidates?q=" + url.QueryEscape("نامزد"), "/candidates/" + candidate}
	measure := func() map[string]int64 {
		m := map[string]int64{}
		for _, p := range pages {
			before := counter.n.Load()
			if res := a.get(hq, p); res.status != 200 {
				t.Fatalf("%s: %d", p, res.status)
			}
			m[p] = counter.n.Load() - before
		}
		return m
	}
	small := measure()
	ctx := context.Background()
	for i := range 300 {
		_, err := pool.Exec(ctx, `
			WITH c AS (INSERT INTO counties (province_id, code, name_fa, name_en)
			           SELECT id, $1, $1, $1 FROM provinces WHERE code = 'fars' RETURNING id, province_id),
			     d AS (INSERT INTO districts (county_id, code, name_fa, name_en) SELECT id, $1 || '-central', 'مرکزی', 'Central' FROM c)
			INSERT INTO users (username, full_name, role, province_id, county_id, password_hash)
			SELECT 'gov.' || $1, 'فرماندار ' || $1, 'governor', province_id, id, 'x' FROM c`, fmt.Sprintf("extra%03d", i))
		if err != nil {
			t.Fatal(err)
		}
		a.login("observer") // grows the audit log
	}
	// Ten times the people on the board under review, its pool and its submissions.
	for i := range 300 {
		if _, err := pool.Exec(ctx, `INSERT INTO board_pool (board_id, full_name, national_id) VALUES ($1, 'x', $2)`, board, nid(1000+i)); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO board_members (board_id, full_name, national_id, role) VALUES ($1, 'x', $2, 'trusted')`, board, nid(2000+i)); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO candidates (election_id, province_id, county_id, full_name, name_norm, national_id, gender, education)
			SELECT election_id, province_id, county_id, 'نامزد ' || $2, 'نامزد ' || $2, $2, 'male', 'diploma' FROM candidates WHERE id = $1`, candidate, nid(4000+i)); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO candidate_events (candidate_id, from_status, to_status) VALUES ($1, 'registered', 'under_review')`, candidate); err != nil {
			t.Fatal(err)
		}
	}
	large := measure()
	for _, p := range pages {
		if large[p] != small[p] {
			t.Errorf("%s: %d queries with little data, %d with ten times more", p, small[p], large[p])
		}
		if large[p] > 10 {
			t.Errorf("%s runs %d queries", p, large[p])
		}
	}
	t.Logf("queries per page: %v", large)
}
