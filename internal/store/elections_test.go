package store_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/store"
)

func TestAddElection(t *testing.T) {
	f := bareFixture(t)
	// The seed adds councils-7, not current.
	if _, err := f.st.CurrentElection(f.ctx); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("CurrentElection after the seed: err = %v, want ErrNotFound", err)
	}
	seeded := f.count(`SELECT id FROM elections WHERE code = 'councils-7'`)
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	e := func(code, kind, parent string, current bool) store.NewElection {
		return store.NewElection{Code: code, Kind: kind, ParentKind: parent, TitleFa: "عنوان " + code, TitleEn: "Title " + code,
			ElectionDay: day(2027, 3, 5), Current: current}
	}
	// The steps run in order; wantCurrent is the current election's code after each ("" for none).
	tests := []struct {
		name        string
		e           store.NewElection
		wantErr     error
		wantID      int // for ErrExists: the existing id
		wantCurrent string
	}{
		{"not current", e("majlis-12", "majlis", "", false), nil, 0, ""},
		{"current", e("presidential-14", "presidential", "", true), nil, 0, "presidential-14"},
		{"current moves", e("councils-8", "councils", "", true), nil, 0, "councils-8"},
		{"a non-current one leaves it", e("majlis-13", "majlis", "", false), nil, 0, "councils-8"},
		{"by-election with a parent", e("by-majlis-12", "by_election", "majlis", true), nil, 0, "by-majlis-12"},
		{"same code", e("councils-7", "councils", "", true), store.ErrExists, seeded, "by-majlis-12"},
		{"same code, other kind", e("majlis-12", "presidential", "", false), store.ErrExists, -1, "by-majlis-12"},
		{"unknown kind", e("referendum-1", "referendum", "", true), store.ErrUnknownKind, 0, "by-majlis-12"},
		{"empty kind", e("nothing-1", "", "", false), store.ErrUnknownKind, 0, "by-majlis-12"},
		{"by-election without a parent", e("by-1", "by_election", "", true), store.ErrParentKind, 0, "by-majlis-12"},
		{"by-election of a by-election", e("by-2", "by_election", "by_election", true), store.ErrParentKind, 0, "by-majlis-12"},
		{"by-election of an unknown kind", e("by-3", "by_election", "referendum", true), store.ErrParentKind, 0, "by-majlis-12"},
		{"parent on a regular election", e("majlis-14", "majlis", "councils", true), store.ErrParentKind, 0, "by-majlis-12"},
		{"unknown parent on a regular election", e("majlis-15", "majlis", "referendum", true), store.ErrParentKind, 0, "by-majlis-12"},
		{"self parent on a regular election", e("majlis-16", "majlis", "majlis", false), store.ErrParentKind, 0, "by-majlis-12"},
		{"by-election of councils, not current", e("by-councils-7", "by_election", "councils", false), nil, 0, "by-majlis-12"},
	}
	ids := map[string]int64{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			elections, audits := f.count(`SELECT count(*) FROM elections`), f.auditCount("")
			id, err := f.st.AddElection(f.ctx, audit.System, tt.e)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if tt.wantID > 0 && id != int64(tt.wantID) {
					t.Errorf("ErrExists id = %d, want %d", id, tt.wantID)
				}
				if tt.wantID < 0 && id != ids[tt.e.Code] {
					t.Errorf("ErrExists id = %d, want %d", id, ids[tt.e.Code])
				}
				if n := f.count(`SELECT count(*) FROM elections`); n != elections {
					t.Errorf("a refused election added %d rows", n-elections)
				}
				if n := f.auditCount(""); n != audits {
					t.Errorf("a refused election added %d audit rows", n-audits)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				ids[tt.e.Code] = id
				var got store.Election
				for _, el := range mustElections(t, f) {
					if el.ID == id {
						got = el
					}
				}
				want := store.Election{ID: id, Code: tt.e.Code, Kind: tt.e.Kind, ParentKind: tt.e.ParentKind, TitleFa: tt.e.TitleFa,
					TitleEn: tt.e.TitleEn, ElectionDay: tt.e.ElectionDay, IsCurrent: tt.e.Current}
				if !got.ElectionDay.Equal(want.ElectionDay) {
					t.Errorf("election day = %v, want %v", got.ElectionDay, want.ElectionDay)
				}
				got.ElectionDay = want.ElectionDay
				if got != want {
					t.Errorf("stored %+v, want %+v", got, want)
				}
				if n := f.auditCount(""); n != audits+1 {
					t.Fatalf("%d audit rows added, want 1", n-audits)
				}
				r := f.lastAudit("election.create")
				var d struct{ After map[string]any }
				if err := json.Unmarshal([]byte(r.Detail), &d); err != nil {
					t.Fatal(err)
				}
				if r.Entity != "election" || r.EntityID != itoa(id) || d.After["code"] != tt.e.Code ||
					d.After["current"] != tt.e.Current || d.After["election_day"] != "2027-03-05" {
					t.Errorf("audit row %+v", r)
				}
			}
			// Exactly one election is current (or none yet), and it is the expected one.
			if n := f.count(`SELECT count(*) FROM elections WHERE is_current`); n > 1 || (n == 1) != (tt.wantCurrent != "") {
				t.Fatalf("%d current elections, want current %q", n, tt.wantCurrent)
			}
			cur, err := f.st.CurrentElection(f.ctx)
			switch {
			case tt.wantCurrent == "" && !errors.Is(err, store.ErrNotFound):
				t.Errorf("CurrentElection = %+v, %v; want ErrNotFound", cur, err)
			case tt.wantCurrent != "" && (err != nil || cur.Code != tt.wantCurrent):
				t.Errorf("CurrentElection = %q, %v; want %q", cur.Code, err, tt.wantCurrent)
			}
		})
	}
	f.verifyChain()
}

func mustElections(t *testing.T, f *fixture) []store.Election {
	t.Helper()
	rows, err := f.st.Pool().Query(f.ctx, `SELECT id, code, kind, coalesce(parent_kind, ''), title_fa, title_en,
		election_day, is_current FROM elections ORDER BY election_day DESC`)
	if err != nil {
		t.Fatal(err)
	}
	es, err := pgx.CollectRows(rows, pgx.RowToStructByPos[store.Election])
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestCommitteesAndKinds(t *testing.T) {
	f := bareFixture(t)
	var fars int64
	if err := f.st.Pool().QueryRow(f.ctx, `SELECT id FROM provinces WHERE code = 'fars'`).Scan(&fars); err != nil {
		t.Fatal(err)
	}
	cs, err := f.st.Committees(f.ctx, fars)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 6 || cs[0].Key != "training" || cs[5].Key != "inspection" || cs[0].ProvinceID != fars || cs[0].NameFa != "کمیته آموزش" {
		t.Fatalf("Committees = %+v", cs)
	}
	// A province added later starts with the same committees.
	if _, err := f.st.Pool().Exec(f.ctx, `INSERT INTO provinces (code, name_fa, name_en) VALUES ('yazd', 'یزد', 'Yazd')`); err != nil {
		t.Fatal(err)
	}
	var yazd int64
	if err := f.st.Pool().QueryRow(f.ctx, `SELECT id FROM provinces WHERE code = 'yazd'`).Scan(&yazd); err != nil {
		t.Fatal(err)
	}
	if cs, err := f.st.Committees(f.ctx, yazd); err != nil || len(cs) != 6 || cs[2].Key != "technology" {
		t.Fatalf("Committees of a new province = %+v, %v", cs, err)
	}
	rows, err := f.st.Pool().Query(f.ctx, `SELECT key FROM election_kinds ORDER BY position, key`)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"councils", "majlis", "presidential", "by_election"}; len(keys) != 4 ||
		keys[0] != want[0] || keys[1] != want[1] || keys[2] != want[2] || keys[3] != want[3] {
		t.Fatalf("ElectionKinds = %v, want %v", keys, want)
	}
}
