package store_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/store"
)

// The audit list reads each row's detail back: a change as before and after, an event as its facts, keys
// of a Go struct's record as the other details write them; a row read again is served the same detail.
func TestAuditRowsDetail(t *testing.T) {
	f := newFixture(t)
	f.exec(`DELETE FROM audit_log`)
	type rule struct {
		MinAge           int
		AgeOnElectionDay bool
		Kind             string
	}
	details := []any{
		audit.Change{Before: rule{MinAge: 25, Kind: "councils"}, After: rule{MinAge: 30, AgeOnElectionDay: true, Kind: "councils"}},
		audit.Change{After: map[string]any{"full_name": "Ali", "status": "draft"}},
		audit.Change{Before: map[string]any{"full_name": "Ali"}},
		map[string]any{"reason": "duplicate", "rows": 3},
		nil,
	}
	for _, d := range details {
		err := audit.Write(f.ctx, f.st.Pool(), audit.Actor{Name: "x", Remote: "192.0.2.1"}, func(pgx.Tx) ([]audit.Entry, error) {
			return []audit.Entry{{Action: "test.detail", Entity: "user", Detail: d}}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	want := []store.AuditDetail{ // newest first
		{},
		{Facts: map[string]any{"reason": "duplicate", "rows": 3.0}},
		{Before: map[string]any{"full_name": "Ali"}, Change: true},
		{After: map[string]any{"full_name": "Ali", "status": "draft"}, Change: true},
		{Before: map[string]any{"min_age": 25.0, "age_on_election_day": false, "kind": "councils"},
			After: map[string]any{"min_age": 30.0, "age_on_election_day": true, "kind": "councils"}, Change: true},
	}
	first, err := f.st.AuditRows(f.ctx, f.national(), store.AuditFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(want) {
		t.Fatalf("%d rows, want %d", len(first), len(want))
	}
	for i, r := range first {
		if !reflect.DeepEqual(*r.Detail, want[i]) {
			t.Errorf("row %d: detail %+v, want %+v", r.ID, *r.Detail, want[i])
		}
	}
	again, err := f.st.AuditRows(f.ctx, f.national(), store.AuditFilter{Limit: 50})
	if err != nil || len(again) != len(first) {
		t.Fatalf("read again: %d rows, %v", len(again), err)
	}
	for i, r := range again {
		if r.Detail != first[i].Detail {
			t.Errorf("row %d: its detail was read back again", r.ID)
		}
	}
}

// The details kept stay within their bounds, forgetting the first kept first; a detail too long to keep
// is read back and not kept.
func TestAuditDetailsBounded(t *testing.T) {
	st := store.New(nil)
	small := []byte(`{"reason": "x"}`)
	for id := int64(1); id <= store.MaxAuditDetails+10; id++ {
		st.ReadAuditDetail(id, small)
	}
	if n, size := st.AuditDetailsKept(); n != store.MaxAuditDetails || size != n*len(small) {
		t.Errorf("%d details kept (%d bytes), want %d", n, size, store.MaxAuditDetails)
	}
	kept := st.ReadAuditDetail(store.MaxAuditDetails+10, []byte(`{}`))
	if kept.Facts["reason"] != "x" {
		t.Errorf("the last detail kept reads %+v", kept)
	}
	if forgotten := st.ReadAuditDetail(1, []byte(`{"reason": "y"}`)); forgotten.Facts["reason"] != "y" {
		t.Errorf("the first detail kept is still kept: %+v", forgotten)
	}

	st = store.New(nil)
	big := []byte(`{"note": "` + strings.Repeat("a", store.MaxAuditDetailBytes/2) + `"}`)
	for id := int64(1); id <= int64(3*store.MaxAuditDetailsSize/len(big)); id++ {
		st.ReadAuditDetail(id, big)
	}
	if n, size := st.AuditDetailsKept(); size > store.MaxAuditDetailsSize || n != store.MaxAuditDetailsSize/len(big) {
		t.Errorf("%d details kept, %d bytes, want %d within %d bytes", n, size, store.MaxAuditDetailsSize/len(big), store.MaxAuditDetailsSize)
	}
	huge := []byte(`{"note": "` + strings.Repeat("a", store.MaxAuditDetailBytes) + `"}`)
	before, _ := st.AuditDetailsKept()
	if d := st.ReadAuditDetail(-1, huge); len(d.Facts["note"].(string)) != store.MaxAuditDetailBytes {
		t.Errorf("a long detail reads %d bytes of note", len(d.Facts["note"].(string)))
	}
	if after, _ := st.AuditDetailsKept(); after != before {
		t.Errorf("a detail longer than %d bytes was kept", store.MaxAuditDetailBytes)
	}
}
