package store_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
)

// scopeCase is one caller of the scoped queries.
type scopeCase struct {
	name  string
	scope func(*fixture) auth.Scope
}

var scopeCases = []scopeCase{
	{"national", (*fixture).national},
	{"hq fars", func(f *fixture) auth.Scope { return f.hq("fars") }},
	{"hq tehran", func(f *fixture) auth.Scope { return f.hq("tehran") }},
	{"governor marvdasht", func(f *fixture) auth.Scope { return f.governor("marvdasht") }},
	{"governor shemiranat", func(f *fixture) auth.Scope { return f.governor("shemiranat") }},
	{"district head marvdasht-central", func(f *fixture) auth.Scope { return f.districtHead("marvdasht-central") }},
	{"district head shemiranat-lavasanat", func(f *fixture) auth.Scope { return f.districtHead("shemiranat-lavasanat") }},
}

func TestCountiesAndDistrictsAreScoped(t *testing.T) {
	f := newFixture(t)
	// want gives the county codes a scope sees, each with the district codes it sees in that county.
	want := map[string]map[string][]string{}
	all := map[string][]string{"rey": {"rey-central"}, "shemiranat": {"shemiranat-central", "shemiranat-lavasanat"}}
	fars := map[string][]string{}
	for _, c := range f.farsCountyCodes() {
		fars[c] = sorted(f.farsDistrictCodes(c))
		all[c] = fars[c]
	}
	want["national"] = all
	want["hq fars"] = fars
	want["hq tehran"] = map[string][]string{"rey": {"rey-central"}, "shemiranat": {"shemiranat-central", "shemiranat-lavasanat"}}
	want["governor marvdasht"] = map[string][]string{"marvdasht": fars["marvdasht"]}
	want["governor shemiranat"] = map[string][]string{"shemiranat": {"shemiranat-central", "shemiranat-lavasanat"}}
	want["district head marvdasht-central"] = map[string][]string{"marvdasht": {"marvdasht-central"}}
	want["district head shemiranat-lavasanat"] = map[string][]string{"shemiranat": {"shemiranat-lavasanat"}}
	provinceOf := map[string]string{"rey": "tehran", "shemiranat": "tehran"}

	for _, sc := range scopeCases {
		t.Run(sc.name, func(t *testing.T) {
			scope := sc.scope(f)
			w := want[sc.name]
			var wantCounties, wantDistricts []string
			for c, ds := range w {
				wantCounties = append(wantCounties, c)
				wantDistricts = append(wantDistricts, ds...)
			}
			wantCounties, wantDistricts = sorted(wantCounties), sorted(wantDistricts)

			// Counties: the codes, each county's province and its number of visible districts.
			counties, err := f.st.Counties(f.ctx, scope)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range counties {
				got = append(got, c.Code)
				if c.Districts != len(w[c.Code]) {
					t.Errorf("Counties: %s has %d districts, want %d", c.Code, c.Districts, len(w[c.Code]))
				}
				wantProvince := "fars"
				if p, ok := provinceOf[c.Code]; ok {
					wantProvince = p
				}
				if c.ProvinceCode != wantProvince {
					t.Errorf("Counties: %s is in %q, want %q", c.Code, c.ProvinceCode, wantProvince)
				}
				if c.ID != f.county[c.Code] || c.NameFa == "" || c.NameEn == "" || c.ProvinceFa == "" || c.ProvinceEn == "" {
					t.Errorf("Counties: incomplete row %+v", c)
				}
			}
			if got = sorted(got); !slices.Equal(got, wantCounties) {
				t.Errorf("Counties = %v (%d), want %v (%d)", got, len(got), wantCounties, len(wantCounties))
			}

			// Districts.
			districts, err := f.st.Districts(f.ctx, scope)
			if err != nil {
				t.Fatal(err)
			}
			got = nil
			for _, d := range districts {
				got = append(got, d.Code)
				if d.ID != f.district[d.Code] {
					t.Errorf("Districts: %s has id %d, want %d", d.Code, d.ID, f.district[d.Code])
				}
			}
			if got = sorted(got); !slices.Equal(got, wantDistricts) {
				t.Errorf("Districts = %v, want %v", got, wantDistricts)
			}

			// County: every county in scope is found with its visible districts; every other one is not.
			for code := range f.county {
				c, ds, err := f.st.County(f.ctx, scope, code)
				wantDs, inScope := w[code]
				if !inScope {
					if !errors.Is(err, store.ErrNotFound) {
						t.Errorf("County(%s) outside scope: err = %v, want ErrNotFound (got %+v, %v)", code, err, c, ds)
					}
					continue
				}
				if err != nil {
					t.Errorf("County(%s): %v", code, err)
					continue
				}
				var dcodes []string
				for _, d := range ds {
					dcodes = append(dcodes, d.Code)
				}
				if c.Code != code || c.ID != f.county[code] || c.Districts != len(wantDs) || !slices.Equal(sorted(dcodes), wantDs) {
					t.Errorf("County(%s) = %+v with %v, want %d districts %v", code, c, dcodes, len(wantDs), wantDs)
				}
			}
		})
	}

	t.Run("unknown code", func(t *testing.T) {
		if _, _, err := f.st.County(f.ctx, auth.Scope{}, "atlantis"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("County(atlantis) err = %v, want ErrNotFound", err)
		}
	})
}

func TestProvincesAreScoped(t *testing.T) {
	f := newFixture(t)
	want := map[string][]string{
		"national":                           {"fars", "tehran"},
		"hq fars":                            {"fars"},
		"hq tehran":                          {"tehran"},
		"governor marvdasht":                 {"fars"},
		"governor shemiranat":                {"tehran"},
		"district head marvdasht-central":    {"fars"},
		"district head shemiranat-lavasanat": {"tehran"},
	}
	for _, sc := range scopeCases {
		t.Run(sc.name, func(t *testing.T) {
			ps, err := f.st.Provinces(f.ctx, sc.scope(f))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.Code)
				if p.ID != f.province[p.Code] {
					t.Errorf("%s has id %d, want %d", p.Code, p.ID, f.province[p.Code])
				}
			}
			if got = sorted(got); !slices.Equal(got, want[sc.name]) {
				t.Fatalf("Provinces = %v, want %v", got, want[sc.name])
			}
		})
	}
}

func TestSummaryIsScoped(t *testing.T) {
	f := newFixture(t)
	nFarsC, nFarsD := len(f.farsCountyCodes()), len(f.farsDistrictCodes(""))
	nMarvD := len(f.farsDistrictCodes("marvdasht"))
	// Disabled users are not counted: disable one in Fars (Marvdasht) and one in Tehran (a district head).
	if err := f.st.SetUserDisabled(f.ctx, audit.System, auth.Scope{}, f.user["dh.marvdasht-dorudzan"], 0, true); err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetUserDisabled(f.ctx, audit.System, auth.Scope{}, f.user["dh.shemiranat-lavasanat"], 0, true); err != nil {
		t.Fatal(err)
	}
	want := map[string]store.Summary{
		// 11 users, 2 disabled.
		"national": {Provinces: 2, Counties: nFarsC + 2, Districts: nFarsD + 3, Users: 9},
		// hq, 2 governors, 2 district heads (1 disabled), committee, observer.
		"hq fars": {Provinces: 1, Counties: nFarsC, Districts: nFarsD, Users: 6},
		// hq, governor, district head (disabled).
		"hq tehran":                          {Provinces: 1, Counties: 2, Districts: 3, Users: 2},
		"governor marvdasht":                 {Provinces: 1, Counties: 1, Districts: nMarvD, Users: 2},
		"governor shemiranat":                {Provinces: 1, Counties: 1, Districts: 2, Users: 1},
		"district head marvdasht-central":    {Provinces: 1, Counties: 1, Districts: 1, Users: 1},
		"district head shemiranat-lavasanat": {Provinces: 1, Counties: 1, Districts: 1, Users: 0},
	}
	for _, sc := range scopeCases {
		t.Run(sc.name, func(t *testing.T) {
			got, err := f.st.Summary(f.ctx, sc.scope(f))
			if err != nil {
				t.Fatal(err)
			}
			if got != want[sc.name] {
				t.Fatalf("Summary = %+v, want %+v", got, want[sc.name])
			}
		})
	}
}

func TestResolvePlace(t *testing.T) {
	f := newFixture(t)
	fars, tehran := f.province["fars"], f.province["tehran"]
	marv, pas, shem := f.county["marvdasht"], f.county["pasargad"], f.county["shemiranat"]
	mc := f.district["marvdasht-central"]
	tests := []struct {
		name                       string
		province, county, district string
		want                       store.Place
		wantErr                    error
		errMentions                string
	}{
		{name: "nothing", want: store.Place{}},
		{name: "province", province: "fars", want: store.Place{ProvinceID: fars}},
		{name: "other province", province: "tehran", want: store.Place{ProvinceID: tehran}},
		{name: "county implies province", county: "marvdasht", want: store.Place{ProvinceID: fars, CountyID: marv}},
		{name: "county of the other province", county: "shemiranat", want: store.Place{ProvinceID: tehran, CountyID: shem}},
		{name: "district implies county and province", district: "marvdasht-central", want: store.Place{ProvinceID: fars, CountyID: marv, DistrictID: mc}},
		{name: "all three agree", province: "fars", county: "marvdasht", district: "marvdasht-central", want: store.Place{ProvinceID: fars, CountyID: marv, DistrictID: mc}},
		{name: "province and district agree", province: "fars", district: "marvdasht-central", want: store.Place{ProvinceID: fars, CountyID: marv, DistrictID: mc}},
		{name: "county in another province", province: "tehran", county: "marvdasht", wantErr: store.ErrPlaceMismatch},
		{name: "district in another county", county: "pasargad", district: "marvdasht-central", wantErr: store.ErrPlaceMismatch},
		{name: "district in another province", province: "tehran", district: "marvdasht-central", wantErr: store.ErrPlaceMismatch},
		{name: "all three, district elsewhere", province: "fars", county: "pasargad", district: "shemiranat-central", wantErr: store.ErrPlaceMismatch},
		{name: "unknown province", province: "atlantis", wantErr: store.ErrUnknownProvince, errMentions: "atlantis"},
		{name: "unknown county", county: "atlantis", wantErr: store.ErrUnknownCounty, errMentions: "atlantis"},
		{name: "unknown district", district: "atlantis", wantErr: store.ErrUnknownDistrict, errMentions: "atlantis"},
		{name: "known province, unknown county", province: "fars", county: "nowhere", wantErr: store.ErrUnknownCounty, errMentions: "nowhere"},
		{name: "known county, unknown district", county: "marvdasht", district: "nowhere", wantErr: store.ErrUnknownDistrict, errMentions: "nowhere"},
		{name: "codes are case-sensitive", county: "Marvdasht", wantErr: store.ErrUnknownCounty},
	}
	_ = pas
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.st.ResolvePlace(f.ctx, tt.province, tt.county, tt.district)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if tt.errMentions != "" && !strings.Contains(err.Error(), tt.errMentions) {
					t.Errorf("err %q does not name %q", err, tt.errMentions)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("ResolvePlace = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestUpsertReference(t *testing.T) {
	f := bareFixture(t)
	ref := f.fars

	// The seed has loaded Fars already: loading the same data again changes nothing and audits nothing.
	audits := f.auditCount("")
	for i := range 2 {
		changed, err := f.st.UpsertReference(f.ctx, audit.System, ref)
		if err != nil {
			t.Fatal(err)
		}
		if changed != 0 {
			t.Fatalf("reload %d: changed = %d, want 0", i+1, changed)
		}
	}
	if n := f.auditCount(""); n != audits {
		t.Fatalf("reloads added %d audit rows, want 0", n-audits)
	}
	if n := f.auditCount("reference.load"); n != 1 {
		t.Fatalf("%d reference.load rows after the seed, want 1", n)
	}

	clone := func(r store.Reference) store.Reference {
		r.Counties = slices.Clone(r.Counties)
		r.Committees = slices.Clone(r.Committees)
		r.Kinds = slices.Clone(r.Kinds)
		ds := map[string][]store.District{}
		for k, v := range r.Districts {
			ds[k] = slices.Clone(v)
		}
		r.Districts = ds
		return r
	}
	marv := func(r *store.Reference) int {
		return slices.IndexFunc(r.Counties, func(c store.County) bool { return c.Code == "marvdasht" })
	}
	firstMarvDistrict := ref.Districts["marvdasht"][0].Code
	tests := []struct {
		name    string
		edit    func(*store.Reference)
		changed int
		check   string // a query returning one row that must be true after the load
	}{
		{"rename a county", func(r *store.Reference) {
			r.Counties[marv(r)].NameEn = "Marvdasht County"
		}, 1, `SELECT name_en = 'Marvdasht County' FROM counties WHERE code = 'marvdasht'`},
		{"rename it again and rename a district", func(r *store.Reference) {
			r.Counties[marv(r)].NameFa = "مرودشت نو"
			r.Districts["marvdasht"][0].NameEn += " (new)"
		}, 2, `SELECT (SELECT name_fa = 'مرودشت نو' AND name_en = 'Marvdasht County' FROM counties WHERE code = 'marvdasht')
			AND (SELECT name_en LIKE '% (new)' FROM districts WHERE code = '` + firstMarvDistrict + `')`},
		// A new county gets its seat, in its central district, as every county has.
		{"add a county with a district", func(r *store.Reference) {
			r.Counties = append(r.Counties, store.County{Code: "new-county", NameFa: "شهرستان نو", NameEn: "New County"})
			r.Districts["new-county"] = []store.District{{Code: "new-county-central", NameFa: "مرکزی", NameEn: "Central"}}
		}, 3, `SELECT count(*) = 1 FROM districts d JOIN counties c ON c.id = d.county_id JOIN provinces p ON p.id = c.province_id
			JOIN cities ci ON ci.county_id = c.id AND ci.district_id = d.id AND ci.code = c.code AND ci.name_fa = c.name_fa
			WHERE d.code = 'new-county-central' AND c.code = 'new-county' AND p.code = 'fars'`},
		{"rename a committee and move a kind", func(r *store.Reference) {
			r.Committees[0].NameEn = "Training"
			r.Kinds[0].Position = 9
		}, 2, `SELECT (SELECT name_en = 'Training' FROM committees WHERE key = 'training')
			AND (SELECT position = 9 FROM election_kinds WHERE key = 'councils')`},
		{"rename the province", func(r *store.Reference) {
			r.Province.NameEn = "Pars"
		}, 1, `SELECT name_en = 'Pars' FROM provinces WHERE code = 'fars'`},
		// Rows never disappear: a reference without a county keeps it.
		{"a county left out", func(r *store.Reference) {
			i := marv(r)
			r.Counties = slices.Delete(r.Counties, i, i+1)
			delete(r.Districts, "marvdasht")
		}, 0, `SELECT count(*) = 1 FROM counties WHERE code = 'marvdasht' AND name_fa = 'مرودشت نو'`},
	}
	cur := ref
	// Each case loads on top of the one before (the state accumulates).
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur = clone(cur)
			tt.edit(&cur)
			before := f.auditCount("reference.load")
			changed, err := f.st.UpsertReference(f.ctx, audit.System, cur)
			if err != nil {
				t.Fatal(err)
			}
			if changed != tt.changed {
				t.Errorf("changed = %d, want %d", changed, tt.changed)
			}
			var ok bool
			f.scan(tt.check, nil, &ok)
			if !ok {
				t.Errorf("after the load, %s is false", tt.check)
			}
			wantAudits := before
			if tt.changed > 0 {
				wantAudits++
			}
			if n := f.auditCount("reference.load"); n != wantAudits {
				t.Fatalf("%d reference.load rows, want %d", n, wantAudits)
			}
			if tt.changed > 0 {
				r := f.lastAudit("reference.load")
				var d map[string]int
				if err := json.Unmarshal([]byte(r.Detail), &d); err != nil {
					t.Fatal(err)
				}
				if d["rows_changed"] != tt.changed || r.EntityID != "fars" || r.ProvinceID != f.province["fars"] {
					t.Errorf("audit row = %+v, want rows_changed %d for fars", r, tt.changed)
				}
			}
			// Loading the same reference again is a no-op.
			again, err := f.st.UpsertReference(f.ctx, audit.System, cur)
			if err != nil || again != 0 {
				t.Fatalf("second load: changed = %d, err = %v; want 0, nil", again, err)
			}
			if n := f.auditCount("reference.load"); n != wantAudits {
				t.Fatalf("the second load added an audit row")
			}
		})
	}
	f.verifyChain()
}

// A reference that fails part-way (a bad code violates a CHECK) leaves nothing behind.
func TestUpsertReferenceIsAtomic(t *testing.T) {
	f := bareFixture(t)
	ref := f.fars
	ref.Province = store.Province{Code: "yazd", NameFa: "یزد", NameEn: "Yazd"}
	ref.Counties = []store.County{{Code: "yazd-county", NameFa: "یزد", NameEn: "Yazd"}, {Code: "Bad Code", NameFa: "x", NameEn: "x"}}
	ref.Districts = nil
	audits := f.auditCount("")
	if _, err := f.st.UpsertReference(f.ctx, audit.System, ref); err == nil {
		t.Fatal("a county code with spaces was accepted")
	}
	if n := f.count(`SELECT count(*) FROM provinces WHERE code = 'yazd'`) + f.count(`SELECT count(*) FROM counties WHERE code = 'yazd-county'`); n != 0 {
		t.Fatalf("a failed load left %d rows", n)
	}
	if n := f.auditCount(""); n != audits {
		t.Fatalf("a failed load left %d audit rows", n-audits)
	}
}

// A code belongs to one place in the whole country: another province's load cannot rename it.
func TestUpsertReferenceCodeClash(t *testing.T) {
	tests := []struct {
		name      string
		counties  []store.County
		districts map[string][]store.District
		clash     string
	}{
		{"county code of another province", []store.County{{Code: "marvdasht", NameFa: "ربوده", NameEn: "Hijacked"}}, nil, "marvdasht"},
		{"district of a county outside the load",
			[]store.County{{Code: "yazd-central", NameFa: "یزد", NameEn: "Yazd"}},
			map[string][]store.District{"marvdasht": {{Code: "marvdasht-new", NameFa: "نو", NameEn: "New"}}}, "marvdasht-new"},
		{"district moved to another county",
			[]store.County{{Code: "yazd-central", NameFa: "یزد", NameEn: "Yazd"}},
			map[string][]store.District{"yazd-central": {{Code: "marvdasht-central", NameFa: "مرکزی", NameEn: "Central"}}}, "marvdasht-central"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := bareFixture(t)
			ref := store.Reference{Province: store.Province{Code: "yazd", NameFa: "یزد", NameEn: "Yazd"},
				Counties: tt.counties, Districts: tt.districts}
			audits := f.auditCount("")
			_, err := f.st.UpsertReference(f.ctx, audit.System, ref)
			if !errors.Is(err, store.ErrCodeClash) || !strings.Contains(err.Error(), tt.clash) {
				t.Fatalf("UpsertReference = %v, want a clash naming %q", err, tt.clash)
			}
			if n := f.count(`SELECT count(*) FROM counties WHERE code = 'marvdasht' AND name_en = 'Marvdasht'`); n != 1 {
				t.Fatal("Marvdasht was renamed")
			}
			if n := f.count(`SELECT count(*) FROM provinces WHERE code = 'yazd'`); n != 0 || f.auditCount("") != audits {
				t.Fatal("a refused load left rows behind")
			}
		})
	}
}

// A county's sizes are saved only from the version they were drawn from, and what a save replaces is read
// under the county's lock: of two saves from the same version the second is refused, a save that starts
// while another is in progress waits and then sees it, and each audit row's "before" is what its save
// replaced.
func TestSetSizesVersioned(t *testing.T) {
	f := bareFixture(t)
	fars, hq := f.hq("fars"), audit.Actor{Name: "hq", Remote: "test"}
	n := func(v int) *int { return &v }
	before := func() map[string]any {
		t.Helper()
		var d struct{ Before map[string]any }
		if err := json.Unmarshal([]byte(f.lastAudit("county.sizes").Detail), &d); err != nil {
			t.Fatal(err)
		}
		return d.Before
	}
	city := func(v int) map[string]*int { return map[string]*int{"marvdasht": n(v)} }
	if err := f.st.SetSizes(f.ctx, hq, fars, "marvdasht", 1, city(15000), map[string]*int{"marvdasht-central": n(150)}); err != nil {
		t.Fatal(err)
	}
	if b := before(); len(b) != 2 || b["marvdasht"] != nil || b["marvdasht-central"] != nil {
		t.Fatalf("first save's before = %v, want unknown sizes", b)
	}
	if err := f.st.SetSizes(f.ctx, hq, fars, "marvdasht", 1, city(9000), map[string]*int{"marvdasht-central": n(90)}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a second save from version 1: %v", err)
	}
	if err := f.st.SetSizes(f.ctx, hq, f.governor("pasargad"), "marvdasht", 2, city(9000), nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a save out of scope: %v", err)
	}
	if got := f.count(`SELECT population FROM cities WHERE code = 'marvdasht'`); got != 15000 ||
		f.count(`SELECT sizes_version FROM counties WHERE code = 'marvdasht'`) != 2 ||
		f.count(`SELECT households FROM districts WHERE code = 'marvdasht-central'`) != 150 || f.auditCount("county.sizes") != 1 {
		t.Fatalf("refused saves changed the sizes (population %d) or the audit log", got)
	}

	// Another save holds the county; one from the same version waits for it and is then refused.
	tx, err := f.st.Pool().Begin(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(f.ctx)
	if _, err := tx.Exec(f.ctx, `UPDATE counties SET sizes_version = 3 WHERE code = 'marvdasht';
		UPDATE cities SET population = 16000 WHERE code = 'marvdasht'`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- f.st.SetSizes(f.ctx, hq, fars, "marvdasht", 2, city(9000), nil) }()
	for i := 0; f.count(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) == 0; i++ {
		if i == 500 {
			t.Fatal("the second save did not wait for the county")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := tx.Commit(f.ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a save from the version another save replaced: %v", err)
	}
	if err := f.st.SetSizes(f.ctx, hq, fars, "marvdasht", 3, city(9000), nil); err != nil {
		t.Fatal(err)
	}
	if b := before(); b["marvdasht"] != float64(16000) {
		t.Fatalf("the save's before = %v, want the population it replaced (16000)", b)
	}
	f.verifyChain()
}
