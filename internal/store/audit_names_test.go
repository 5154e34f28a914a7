package store_test

import (
	"reflect"
	"testing"

	"github.com/setad/setad/internal/store"
)

// A page of the audit log names boards, candidates and users only in its reader's scope; places,
// committees and elections are reference data, named whatever the scope, with whether the reader may
// open the county's page.
func TestAuditNamesScoped(t *testing.T) {
	f := newFixture(t)
	e := f.currentElection()
	board := func(county string) int64 {
		var id int64
		f.scan(`SELECT b.id FROM boards b JOIN counties c ON c.id = b.county_id WHERE c.code = $1 AND b.level = 'county'`,
			[]any{county}, &id)
		return id
	}
	marvdasht, shemiranat := board("marvdasht"), board("shemiranat")
	candidate := f.registerNamed(e, "مریم موسوی\u200cنژاد", "0000000018")
	refs := store.AuditRefs{
		Boards: []int64{marvdasht, shemiranat}, Candidates: []int64{candidate},
		Users:     []int64{f.user["gov.marvdasht"], f.user["hq.tehran"]},
		Elections: []int64{e.ID}, ElectionCodes: []string{"search"},
		Counties: []string{"marvdasht", "shemiranat"}, Districts: []string{"marvdasht-central", "rey-central"},
		Provinces: []string{"fars", "tehran"}, Committees: []string{"technology"},
	}
	for _, tt := range []struct {
		scope        string
		seesTehran   bool
		farsInScope  bool
		tehranOpened bool
	}{{"fars", false, true, false}, {"tehran", true, false, true}, {"national", true, true, true}} {
		sc := f.national()
		if tt.scope != "national" {
			sc = f.hq(tt.scope)
		}
		n, err := f.st.AuditNames(f.ctx, sc, refs)
		if err != nil {
			t.Fatal(err)
		}
		seesFars := tt.scope != "tehran"
		if b, ok := n.Boards[marvdasht]; ok != seesFars || ok && (b.CountyFa != "مرودشت" || b.Level != "county") {
			t.Errorf("%s: Marvdasht's board %+v, %v", tt.scope, b, ok)
		}
		if _, ok := n.Boards[shemiranat]; ok != tt.seesTehran {
			t.Errorf("%s: Shemiranat's board named: %v", tt.scope, ok)
		}
		if name, ok := n.Candidates[candidate]; ok != seesFars || ok && name != "مریم موسوی\u200cنژاد" {
			t.Errorf("%s: candidate %q, %v", tt.scope, name, ok)
		}
		if u, ok := n.Users[f.user["gov.marvdasht"]]; ok != seesFars || ok && (u.Username != "gov.marvdasht" || u.FullName != "علی رضایی") {
			t.Errorf("%s: user %+v, %v", tt.scope, u, ok)
		}
		if _, ok := n.Users[f.user["hq.tehran"]]; ok != tt.seesTehran {
			t.Errorf("%s: Tehran's HQ named: %v", tt.scope, ok)
		}
		// Reference data: always named.
		if c := n.Counties["marvdasht"]; c.Fa != "مرودشت" || c.InScope != tt.farsInScope {
			t.Errorf("%s: county %+v", tt.scope, c)
		}
		if c := n.Counties["shemiranat"]; c.En != "Shemiranat" || c.InScope != tt.tehranOpened {
			t.Errorf("%s: county %+v", tt.scope, c)
		}
		if d := n.Districts["rey-central"]; d.Fa != "مرکزی" || d.CountyFa != "ری" {
			t.Errorf("%s: district %+v", tt.scope, d)
		}
		if p := n.Provinces["tehran"]; p.En != "Tehran" {
			t.Errorf("%s: province %+v", tt.scope, p)
		}
		if k := n.Committees["technology"]; k.Fa == "" {
			t.Errorf("%s: committee %+v", tt.scope, k)
		}
		if el, ok := n.Elections["search"]; !ok || el.Fa != "آزمایشی" || n.Elections[itoa(e.ID)] != el {
			t.Errorf("%s: election %+v", tt.scope, el)
		}
	}
}

// The places, committees and elections a page of the log names come from the cache of reference data: a
// second page reads none of them again; a change of any of them drops them, and the next page names them
// as changed, cities by their code and by their id alike.
func TestAuditNamesFromTheCache(t *testing.T) {
	f := newFixture(t)
	f.listening()
	e := f.currentElection()
	var cityID int64
	f.scan(`SELECT id FROM cities WHERE code = 'marvdasht'`, nil, &cityID)
	refs := store.AuditRefs{Elections: []int64{e.ID}, Counties: []string{"marvdasht"}, Districts: []string{"rey-central"},
		Cities: []string{"marvdasht"}, CityIDs: []int64{cityID}, Provinces: []string{"tehran"}, Committees: []string{"technology"},
		Users: []int64{f.user["gov.marvdasht"]}}
	names := func() store.AuditNames {
		t.Helper()
		n, err := f.st.AuditNames(f.seen(), f.hq("fars"), refs)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	first := names()
	loads := f.st.CacheLoads()
	second := names()
	if f.st.CacheLoads() != loads {
		t.Errorf("the second page read the reference data again")
	}
	if !reflect.DeepEqual(first, second) {
		t.Errorf("served from the cache: %+v, read: %+v", second, first)
	}
	want := store.PlaceName{Fa: "مرودشت", En: "Marvdasht", CountyFa: "مرودشت", CountyEn: "Marvdasht", Code: "marvdasht",
		CountyCode: "marvdasht", InScope: true}
	if first.Cities["marvdasht"] != want || first.CityIDs[cityID] != want {
		t.Errorf("city %+v and by id %+v, want %+v", first.Cities["marvdasht"], first.CityIDs[cityID], want)
	}
	if p := first.Provinces["tehran"]; p.En != "Tehran" || p.InScope {
		t.Errorf("province %+v", p)
	}
	if u := first.Users[f.user["gov.marvdasht"]]; u.Username != "gov.marvdasht" {
		t.Errorf("user %+v", u)
	}
	renamed := func(sql string, args ...any) {
		t.Helper()
		f.exec(sql, args...)
		f.until("the reference data dropped", func() bool { return f.st.CacheEntries() == 0 })
	}
	renamed(`UPDATE elections SET title_en = 'Renamed' WHERE id = $1`, e.ID)
	if el := names().Elections[itoa(e.ID)]; el.En != "Renamed" {
		t.Errorf("after a rename: election %+v", el)
	}
	renamed(`UPDATE committees SET name_en = 'Renamed' WHERE key = 'technology'`)
	if k := names().Committees["technology"]; k.En != "Renamed" {
		t.Errorf("after a rename: committee %+v", k)
	}
	renamed(`UPDATE cities SET name_en = 'Marvdasht City' WHERE code = 'marvdasht'`)
	if c := names().CityIDs[cityID]; c.En != "Marvdasht City" {
		t.Errorf("after a rename: city %+v", c)
	}
}
