package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/dbtest"
)

// Rows appended in bulk, each with its own actor and time, continue the chain: Verify passes after them
// and after an ordinary write that follows them, and the head moved to their last row.
func TestAppendBulk(t *testing.T) {
	st, _ := dbtest.NewStore(t)
	pool := st.Pool()
	ctx := context.Background()
	if err := write(ctx, pool, audit.System, audit.Entry{Action: "test.before", Entity: "test", EntityID: "1"}); err != nil {
		t.Fatal(err)
	}
	var user, province int64
	if err := pool.QueryRow(ctx, `INSERT INTO provinces (code, name_fa, name_en) VALUES ('p1', 'یک', 'One') RETURNING id`).Scan(&province); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO users (username, full_name, role, province_id, password_hash)
		VALUES ('hq.one', 'یک', 'hq', $1, 'x') RETURNING id`, province).Scan(&user); err != nil {
		t.Fatal(err)
	}
	before, err := audit.CurrentHead(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	// Times with nanoseconds: PostgreSQL keeps microseconds, and the hash must be of what it keeps.
	base := time.Date(2026, 3, 1, 8, 30, 0, 123456789, time.UTC)
	const n = 2500
	rows := make([]audit.Stamped, n)
	for i := range rows {
		s := audit.Stamped{At: base.Add(time.Duration(i) * 1001 * time.Nanosecond),
			Entry: audit.Entry{Action: "test.bulk", Entity: "test", EntityID: "x", Detail: map[string]any{"i": i, "نام": "علی"}}}
		if i%2 == 0 {
			s.Actor = audit.Actor{ID: user, Name: "hq.one", Remote: "192.0.2.7"}
			s.Entry.ProvinceID = province
		} else {
			s.Actor = audit.System
		}
		if i%7 == 0 {
			s.Entry.Detail = nil
		}
		rows[i] = s
	}
	var head audit.Head
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var err error
		head, err = audit.AppendBulk(ctx, tx, rows)
		return err
	})
	if err != nil {
		t.Fatalf("AppendBulk: %v", err)
	}
	c, err := audit.Verify(ctx, pool, before)
	if err != nil {
		t.Fatalf("Verify after the bulk append: %v", err)
	}
	if c.Rows != n+1 || c.Head != head || head.ID != before.ID+n {
		t.Fatalf("Verify = %+v, AppendBulk's head %v; want %d rows ending at row %d", c, head, n+1, before.ID+n)
	}
	var first time.Time
	var actorID *int64
	var provinceID *int64
	var detail string
	if err := pool.QueryRow(ctx, `SELECT at, actor_id, province_id, detail::text FROM audit_log WHERE id = $1`, before.ID+1).
		Scan(&first, &actorID, &provinceID, &detail); err != nil {
		t.Fatal(err)
	}
	if !first.Equal(base.Truncate(time.Microsecond)) || actorID == nil || *actorID != user || provinceID == nil || *provinceID != province || detail != "{}" {
		t.Errorf("first bulk row: at %v, actor %v, province %v, detail %s", first, actorID, provinceID, detail)
	}
	if err := pool.QueryRow(ctx, `SELECT actor_id, province_id, detail::text FROM audit_log WHERE id = $1`, before.ID+2).
		Scan(&actorID, &provinceID, &detail); err != nil {
		t.Fatal(err)
	}
	if actorID != nil || provinceID != nil || detail != `{"i":1,"نام":"علی"}` {
		t.Errorf("second bulk row: actor %v, province %v, detail %s", actorID, provinceID, detail)
	}
	// An ordinary write continues the chain after them, with the next number.
	if err := write(ctx, pool, audit.System, audit.Entry{Action: "test.after", Entity: "test", EntityID: "2"}); err != nil {
		t.Fatal(err)
	}
	c, err = audit.Verify(ctx, pool, before, head)
	if err != nil || c.Rows != n+2 || c.Head.ID != head.ID+1 {
		t.Fatalf("Verify after a write that follows = %+v, %v", c, err)
	}
	// Nothing to append leaves the head where it is.
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		h, err := audit.AppendBulk(ctx, tx, nil)
		if err == nil && h != c.Head {
			t.Errorf("AppendBulk(nil) = %v, want the head %v", h, c.Head)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
