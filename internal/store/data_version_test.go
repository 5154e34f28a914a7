package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/dbtest"
)

// unwatched are the tables no page shows, whose changes leave the data version as it is (migration 0021).
var unwatched = []string{"cache_state", "data_touch", "form_submissions", "pending_forms", "schema_migrations", "sessions"}

// Every table a page may show moves the data version on when it changes: a new table without the
// trigger would let the page cache serve what it no longer holds.
func TestEveryTableIsWatched(t *testing.T) {
	st, _ := dbtest.NewStore(t)
	rows, err := st.Pool().Query(context.Background(), `
		SELECT c.relname, EXISTS (SELECT FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'data_touch')
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		var watched bool
		if err := rows.Scan(&name, &watched); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
		if watched == slices.Contains(unwatched, name) {
			t.Errorf("table %s: watched %v; every table but %v must be watched (SELECT data_watch('%s') in its migration)",
				name, watched, unwatched, name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, u := range unwatched {
		if !slices.Contains(tables, u) {
			t.Errorf("%s is listed as unwatched but is no table", u)
		}
	}
	if len(tables) < 30 {
		t.Fatalf("only %d tables: %v", len(tables), tables)
	}
}

// The data version moves on by one for each transaction that changes watched tables, as it commits and
// not before, whatever it changed and however; a rolled-back one and a change of the sessions leave it.
func TestDataVersionMovesAtCommit(t *testing.T) {
	st, _ := dbtest.NewStore(t)
	ctx := context.Background()
	pool := st.Pool()
	version := func() int64 {
		t.Helper()
		var v int64
		if err := pool.QueryRow(ctx, `SELECT data_version FROM cache_state`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	in := func(what string, want int64, stmts ...string) {
		t.Helper()
		before := version()
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s); err != nil {
				t.Fatalf("%s: %s: %v", what, s, err)
			}
		}
		if v := version(); v != before {
			t.Fatalf("%s: the version moved to %d before the commit, from %d", what, v, before)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if v := version(); v != before+want {
			t.Fatalf("%s: version %d after the commit, want %d", what, v, before+want)
		}
		var left int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM data_touch`).Scan(&left); err != nil || left != 0 {
			t.Fatalf("%s: %d rows left in data_touch (%v)", what, left, err)
		}
	}
	in("one insert", 1, `INSERT INTO provinces (code, name_fa, name_en) VALUES ('p1', 'یک', 'One')`)
	in("several statements on several tables", 1,
		`INSERT INTO provinces (code, name_fa, name_en) VALUES ('p2', 'دو', 'Two')`,
		`UPDATE provinces SET name_en = 'Two!' WHERE code = 'p2'`,
		`INSERT INTO counties (province_id, code, name_fa, name_en) SELECT id, 'c2', 'شهر', 'Town' FROM provinces WHERE code = 'p2'`,
		`DELETE FROM counties WHERE code = 'c2'`)
	in("a statement that changes no row", 1, `UPDATE provinces SET name_en = 'x' WHERE false`)
	in("a change rolled back to a savepoint, then another", 1,
		`SAVEPOINT a`, `UPDATE provinces SET name_en = 'Three' WHERE code = 'p1'`, `ROLLBACK TO SAVEPOINT a`,
		`UPDATE provinces SET name_en = 'Four' WHERE code = 'p1'`)
	in("a change rolled back to a savepoint alone", 0,
		`SAVEPOINT a`, `UPDATE provinces SET name_en = 'Five' WHERE code = 'p1'`, `ROLLBACK TO SAVEPOINT a`)
	in("the sessions and kept forms", 0, `DELETE FROM sessions`, `DELETE FROM pending_forms`)
	in("a read", 0, `SELECT count(*) FROM provinces`)

	// An open transaction that has written holds nothing that another writer waits for: the version's row
	// is taken only as each commits.
	open, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer open.Rollback(ctx)
	if _, err := open.Exec(ctx, `UPDATE provinces SET name_en = 'Open' WHERE code = 'p1'`); err != nil {
		t.Fatal(err)
	}
	quick, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := pool.Exec(quick, `UPDATE provinces SET name_en = 'Other' WHERE code = 'p2'`); err != nil {
		t.Fatalf("a write waited for another transaction's: %v", err)
	}
	if err := open.Rollback(ctx); err != nil {
		t.Fatal(err)
	}

	before := version()
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"provinces"}, []string{"code", "name_fa", "name_en"},
		pgx.CopyFromRows([][]any{{"p3", "سه", "Three"}, {"p4", "چهار", "Four"}})); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != before+1 {
		t.Fatalf("a COPY of two rows: version %d, want %d", v, before+1)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM provinces WHERE code = 'p4'`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != before+1 {
		t.Fatalf("a rolled-back transaction moved the version to %d", v)
	}
}
