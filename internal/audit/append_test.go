package audit_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/dbtest"
)

// roundTrips records what a connection sends to PostgreSQL, one entry per round trip: a query, or a
// batch of queries.
type roundTrips struct {
	mu   sync.Mutex
	sent []string
}

func (r *roundTrips) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, strings.Join(strings.Fields(s), " "))
}

func (r *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.add(d.SQL)
	return ctx
}
func (r *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (r *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	r.add("batch")
	return ctx
}
func (r *roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (r *roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// A write's audit append is one round trip between its begin and its commit, however many entries it has.
func TestAppendIsOneRoundTrip(t *testing.T) {
	url := dbtest.NewDatabase(t)
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	trips := &roundTrips{}
	pc.ConnConfig.Tracer = trips
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	ctx := context.Background()
	for _, n := range []int{1, 4} {
		entries := make([]audit.Entry, n)
		for i := range entries {
			entries[i] = audit.Entry{Action: "test.write", Entity: "test", Detail: map[string]int{"n": i}}
		}
		trips.sent = nil
		if err := write(ctx, pool, audit.System, entries...); err != nil {
			t.Fatal(err)
		}
		want := []string{"begin", "SELECT audit_append($1, $2, $3, $4, $5, $6, $7, $8)", "commit"}
		if strings.Join(trips.sent, "\n") != strings.Join(want, "\n") {
			t.Errorf("a write of %d entries sent %q, want %q", n, trips.sent, want)
		}
	}
	if c, err := audit.Verify(ctx, pool); err != nil || c.Rows != 5 {
		t.Fatalf("Verify = %+v, %v", c, err)
	}
}

// Rows hashed by PostgreSQL (audit_append) hash alike with audit.Hash in Go, whatever their text and time:
// Persian, newlines, empty fields, characters outside the BMP, and times whose fraction ends in zeros or
// that fall on a whole second, in a session whose time zone is not UTC.
func TestAppendHashesAsGoDoes(t *testing.T) {
	st, _ := dbtest.NewStore(t)
	pool := st.Pool()
	ctx := context.Background()
	tehran := time.FixedZone("Tehran", 3*3600+1800)
	type entry struct {
		actorID                          int64
		actor, remote                    string
		action, entity, entityID, detail string
		province                         int64
		at                               time.Time
	}
	entries := []entry{
		{0, "system", "cli", "test.whole", "test", "", `{}`, 0, time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)},
		{0, "", "", "test.empty", "", "", `{}`, 0, time.Date(2026, 3, 20, 12, 0, 0, 100000000, time.UTC)},
		{0, "hq.fars", "192.0.2.7", "test.persian", "candidate", "۱۲۳", `{"name":"علی‌رضا کریمی","note":"خط یک\nخط دو"}`, 0,
			time.Date(2026, 3, 20, 23, 59, 59, 120000000, tehran)},
		{0, "gov.marvdasht", "2001:db8::1", "test.lines", "board", "7\r\n8", `{ "a" : [1, 2.50, "\u0041"] ,"b":null }`, 0,
			time.Date(1999, 12, 31, 20, 30, 0, 1000, tehran)},
		{0, "x", "y", "test.astral", "test", "😀𝔸", `"😀"`, 0, time.Date(2026, 1, 1, 0, 0, 0, 123456000, time.UTC)},
		{0, "x", "y", "test.zero-micro", "test", "", `{}`, 0, time.Date(2026, 6, 1, 8, 9, 10, 500000, time.UTC)},
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET TIME ZONE 'America/New_York'`); err != nil {
		t.Fatal(err)
	}
	var province int64
	if err := conn.QueryRow(ctx, `INSERT INTO provinces (code, name_fa, name_en) VALUES ('fars', 'فارس', 'Fars') RETURNING id`).Scan(&province); err != nil {
		t.Fatal(err)
	}
	entries[2].province = province
	var user int64
	if err := conn.QueryRow(ctx, `INSERT INTO users (username, full_name, role, password_hash) VALUES ('user.one', 'u', 'national', 'x') RETURNING id`).Scan(&user); err != nil {
		t.Fatal(err)
	}
	entries[3].actorID = user
	for _, e := range entries {
		if _, err := conn.Exec(ctx, `SELECT audit_append($1, $2, $3, $4, $5, $6, $7, $8, $9)`, e.actorID, e.actor, e.remote,
			[]string{e.action}, []string{e.entity}, []string{e.entityID}, []int64{e.province}, []string{e.detail}, e.at); err != nil {
			t.Fatalf("%s: %v", e.action, err)
		}
	}
	// Several entries of one call share its time and chain in order.
	if _, err := conn.Exec(ctx, `SELECT audit_append(0, 'several', '', $1, $2, $3, $4, $5)`, []string{"test.a", "test.b", "test.c"},
		[]string{"e", "e", "e"}, []string{"1", "", "۳"}, []int64{0, province, 0}, []string{`{}`, `{"x":"\n"}`, `[]`}); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(ctx, `
		SELECT id, at, coalesce(actor_id, 0), actor, action, entity, entity_id, coalesce(province_id, 0),
		       remote, detail::text, prev_hash, hash
		FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := pgx.CollectRows(rows, pgx.RowToStructByPos[audit.Row])
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(entries)+3 {
		t.Fatalf("%d rows stored, want %d", len(stored), len(entries)+3)
	}
	prev := ""
	for i, r := range stored {
		if i < len(entries) {
			e := entries[i]
			got := audit.Row{ID: r.ID, At: r.At, ActorID: r.ActorID, Actor: r.Actor, Action: r.Action, Entity: r.Entity,
				EntityID: r.EntityID, ProvinceID: r.ProvinceID, Remote: r.Remote, Detail: r.Detail}
			want := audit.Row{ID: r.ID, At: e.at, ActorID: e.actorID, Actor: e.actor, Action: e.action, Entity: e.entity,
				EntityID: e.entityID, ProvinceID: e.province, Remote: e.remote, Detail: e.detail}
			if !got.At.Equal(want.At) {
				t.Errorf("%s: stored at %v, want %v", e.action, got.At, want.At)
			}
			got.At, want.At = time.Time{}, time.Time{}
			if got != want {
				t.Errorf("%s: stored %+v, want %+v", e.action, got, want)
			}
		}
		if r.PrevHash != prev {
			t.Errorf("%s: previous hash %q, want %q", r.Action, r.PrevHash, prev)
		}
		if h := audit.Hash(r); h != r.Hash {
			t.Errorf("%s (at %s): hashed by PostgreSQL %s, by Go %s", r.Action, r.At.UTC().Format(time.RFC3339Nano), r.Hash, h)
		}
		prev = r.Hash
	}
	if c, err := audit.Verify(ctx, pool); err != nil || c.Rows != len(stored) || c.Head.Hash != prev {
		t.Fatalf("Verify = %+v, %v", c, err)
	}
}

// audit_time_text writes a time as Go's RFC3339Nano does in UTC, to the microsecond PostgreSQL keeps.
func TestAuditTimeText(t *testing.T) {
	st, _ := dbtest.NewStore(t)
	ctx := context.Background()
	tehran := time.FixedZone("Tehran", 3*3600+1800)
	for _, at := range []time.Time{
		time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 20, 12, 0, 0, 100000000, time.UTC),
		time.Date(2026, 3, 20, 12, 0, 0, 120000000, time.UTC),
		time.Date(2026, 3, 20, 12, 0, 0, 1000, time.UTC),
		time.Date(2026, 3, 20, 12, 0, 0, 10000, time.UTC),
		time.Date(2026, 3, 20, 12, 0, 0, 999999000, time.UTC),
		time.Date(2026, 3, 21, 2, 0, 0, 500000000, tehran), // the day before in UTC
		time.Date(2000, 2, 29, 23, 59, 59, 0, time.UTC),
	} {
		var got string
		if err := st.Pool().QueryRow(ctx, `SELECT audit_time_text($1)`, at).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := at.UTC().Format(time.RFC3339Nano); got != want {
			t.Errorf("audit_time_text(%v) = %q, want %q", at, got, want)
		}
	}
}
