package store_test

import (
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
