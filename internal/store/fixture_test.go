package store_test

import (
	"context"
	"encoding/csv"
	"os"
	"slices"
	"testing"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/dbtest"
	"github.com/setad/setad/internal/seed"
	"github.com/setad/setad/internal/store"
)

// testHash stands in for an argon2id hash; the audit log must never contain it.
const testHash = "$argon2id$v=19$m=1024,t=1,p=1$c2VjcmV0LXNhbHQ$SECRET-HASH-MUST-NOT-LEAK"

// fixture is a fresh database holding Fars (from the seed), a second province inserted by SQL, and one or
// more users per role in both provinces.
type fixture struct {
	t        *testing.T
	ctx      context.Context
	st       *store.Store
	province map[string]int64
	county   map[string]int64
	district map[string]int64
	user     map[string]int64
	fars     store.Reference // what the seed loaded, read back from its CSV files
}

// fixtureUsers are created by newFixture with the national scope.
var fixtureUsers = []auth.Account{
	{Username: "hq.fars", FullName: "مریم کریمی", Role: "hq", Province: "fars"},
	{Username: "gov.marvdasht", FullName: "علی رضایی", Role: "governor", County: "marvdasht"},
	{Username: "gov.pasargad", FullName: "حسن موسوی", Role: "governor", County: "pasargad"},
	{Username: "dh.marvdasht-central", FullName: "زهرا محمدی", Role: "district_head", District: "marvdasht-central"},
	{Username: "dh.marvdasht-dorudzan", FullName: "رضا احمدی", Role: "district_head", District: "marvdasht-dorudzan"},
	{Username: "committee.fars", FullName: "سارا جعفری", Role: "committee", Province: "fars", Committee: "technology"},
	{Username: "observer.fars", FullName: "فاطمه صادقی", Role: "observer", Province: "fars"},
	{Username: "hq.tehran", FullName: "نرگس تهرانی", Role: "hq", Province: "tehran"},
	{Username: "gov.shemiranat", FullName: "کاوه شمیرانی", Role: "governor", County: "shemiranat"},
	{Username: "dh.shemiranat-lavasanat", FullName: "بهرام لواسانی", Role: "district_head", District: "shemiranat-lavasanat"},
	{Username: "national", FullName: "احمد کاظمی", Role: "national"},
}

// The second province, inserted by SQL so that scope isolation has something to isolate.
const tehranSQL = `
INSERT INTO provinces (code, name_fa, name_en) VALUES ('tehran', 'تهران', 'Tehran');
INSERT INTO counties (province_id, code, name_fa, name_en)
	SELECT id, 'shemiranat', 'شمیرانات', 'Shemiranat' FROM provinces WHERE code = 'tehran';
INSERT INTO counties (province_id, code, name_fa, name_en)
	SELECT id, 'rey', 'ری', 'Rey' FROM provinces WHERE code = 'tehran';
INSERT INTO districts (county_id, code, name_fa, name_en)
	SELECT id, 'shemiranat-central', 'مرکزی', 'Central' FROM counties WHERE code = 'shemiranat';
INSERT INTO districts (county_id, code, name_fa, name_en)
	SELECT id, 'shemiranat-lavasanat', 'لواسانات', 'Lavasanat' FROM counties WHERE code = 'shemiranat';
INSERT INTO districts (county_id, code, name_fa, name_en)
	SELECT id, 'rey-central', 'مرکزی', 'Central' FROM counties WHERE code = 'rey';
`

var (
	tehranCounties  = []string{"rey", "shemiranat"}
	tehranDistricts = []string{"rey-central", "shemiranat-central", "shemiranat-lavasanat"}
)

// bareFixture is a fresh migrated database with Fars loaded by the seed and nothing else.
func bareFixture(t *testing.T) *fixture {
	t.Helper()
	t.Parallel()
	st, _ := dbtest.NewStore(t)
	ctx := context.Background()
	if err := seed.Reference(ctx, st); err != nil {
		t.Fatalf("seed.Reference: %v", err)
	}
	f := &fixture{t: t, ctx: ctx, st: st, fars: farsReference(t),
		province: map[string]int64{}, county: map[string]int64{}, district: map[string]int64{}, user: map[string]int64{}}
	f.loadIDs()
	return f
}

// newFixture adds the second province and the fixture users to a bare fixture.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := bareFixture(t)
	f.exec(tehranSQL)
	f.loadIDs()
	for _, acc := range fixtureUsers {
		id, err := f.st.CreateUser(f.ctx, audit.System, auth.Scope{}, acc, testHash)
		if err != nil {
			t.Fatalf("create %s: %v", acc.Username, err)
		}
		f.user[acc.Username] = id
	}
	return f
}

func (f *fixture) loadIDs() {
	f.t.Helper()
	for _, q := range []struct {
		sql string
		dst map[string]int64
	}{
		{`SELECT code, id FROM provinces`, f.province},
		{`SELECT code, id FROM counties`, f.county},
		{`SELECT code, id FROM districts`, f.district},
	} {
		rows, err := f.st.Pool().Query(f.ctx, q.sql)
		if err != nil {
			f.t.Fatal(err)
		}
		for rows.Next() {
			var code string
			var id int64
			if err := rows.Scan(&code, &id); err != nil {
				f.t.Fatal(err)
			}
			q.dst[code] = id
		}
		if err := rows.Err(); err != nil {
			f.t.Fatal(err)
		}
	}
}

// The scopes of the roles, by what auth.Scope documents.
func (f *fixture) national() auth.Scope { return auth.Scope{} }

func (f *fixture) hq(province string) auth.Scope {
	return auth.Scope{ProvinceID: f.mustID(f.province, province)}
}

func (f *fixture) governor(county string) auth.Scope {
	var p int64
	f.scan(`SELECT province_id FROM counties WHERE code = $1`, []any{county}, &p)
	return auth.Scope{ProvinceID: p, CountyID: f.mustID(f.county, county)}
}

func (f *fixture) districtHead(district string) auth.Scope {
	var p, c int64
	f.scan(`SELECT c.province_id, c.id FROM districts d JOIN counties c ON c.id = d.county_id WHERE d.code = $1`,
		[]any{district}, &p, &c)
	return auth.Scope{ProvinceID: p, CountyID: c, DistrictID: f.mustID(f.district, district)}
}

func (f *fixture) mustID(m map[string]int64, code string) int64 {
	f.t.Helper()
	id, ok := m[code]
	if !ok {
		f.t.Fatalf("no id for %q", code)
	}
	return id
}

func (f *fixture) exec(sql string, args ...any) {
	f.t.Helper()
	if _, err := f.st.Pool().Exec(f.ctx, sql, args...); err != nil {
		f.t.Fatalf("exec %s: %v", sql, err)
	}
}

func (f *fixture) scan(sql string, args []any, dst ...any) {
	f.t.Helper()
	if err := f.st.Pool().QueryRow(f.ctx, sql, args...).Scan(dst...); err != nil {
		f.t.Fatalf("query %s: %v", sql, err)
	}
}

func (f *fixture) count(sql string, args ...any) int {
	f.t.Helper()
	var n int
	f.scan(sql, args, &n)
	return n
}

// auditCount counts the audit rows with action, or all rows when action is "".
func (f *fixture) auditCount(action string) int {
	f.t.Helper()
	return f.count(`SELECT count(*) FROM audit_log WHERE $1 = '' OR action = $1`, action)
}

// lastAudit returns the newest audit row with action.
func (f *fixture) lastAudit(action string) audit.Row {
	f.t.Helper()
	var r audit.Row
	f.scan(`SELECT id, at, coalesce(actor_id, 0), actor, action, entity, entity_id, coalesce(province_id, 0),
		       remote, detail::text, prev_hash, hash
		FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1`, []any{action},
		&r.ID, &r.At, &r.ActorID, &r.Actor, &r.Action, &r.Entity, &r.EntityID, &r.ProvinceID, &r.Remote,
		&r.Detail, &r.PrevHash, &r.Hash)
	return r
}

// verifyChain fails the test when the audit chain does not verify.
func (f *fixture) verifyChain() {
	f.t.Helper()
	if _, err := audit.Verify(f.ctx, f.st.Pool()); err != nil {
		f.t.Fatalf("audit chain: %v", err)
	}
}

// failAfterAudit makes every audit append fail after its audit_log row is inserted (when it moves the
// chain's head), so a test can check that the change and its audit row roll back together.
func (f *fixture) failAfterAudit() {
	f.t.Helper()
	f.exec(`CREATE FUNCTION test_fail_after_audit() RETURNS trigger LANGUAGE plpgsql AS
		$$ BEGIN RAISE EXCEPTION 'forced failure after the audit row'; END $$`)
	f.exec(`CREATE TRIGGER test_fail_after_audit BEFORE UPDATE ON audit_head
		FOR EACH ROW EXECUTE FUNCTION test_fail_after_audit()`)
}

func (f *fixture) stopFailing() {
	f.t.Helper()
	f.exec(`DROP TRIGGER test_fail_after_audit ON audit_head`)
	f.exec(`DROP FUNCTION test_fail_after_audit()`)
}

// farsReference reads the seed's CSV files the way the seed does.
func farsReference(t *testing.T) store.Reference {
	t.Helper()
	ref := store.Reference{
		Province:   store.Province{Code: "fars", NameFa: "فارس", NameEn: "Fars"},
		Districts:  map[string][]store.District{},
		Committees: seed.Committees,
		Kinds:      seed.Kinds,
	}
	for _, r := range readCSV(t, "../seed/data/fars-counties.csv") {
		ref.Counties = append(ref.Counties, store.County{Code: r[0], NameFa: r[1], NameEn: r[2]})
	}
	for _, r := range readCSV(t, "../seed/data/fars-districts.csv") {
		ref.Districts[r[0]] = append(ref.Districts[r[0]], store.District{Code: r[1], NameFa: r[2], NameEn: r[3]})
	}
	if len(ref.Counties) < 10 || len(ref.Districts["marvdasht"]) < 2 {
		t.Fatalf("the Fars CSV files look wrong: %d counties, %d Marvdasht districts",
			len(ref.Counties), len(ref.Districts["marvdasht"]))
	}
	return ref
}

func readCSV(t *testing.T, name string) [][]string {
	t.Helper()
	fh, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return rows[1:]
}

func (f *fixture) farsCountyCodes() []string {
	var codes []string
	for _, c := range f.fars.Counties {
		codes = append(codes, c.Code)
	}
	return codes
}

func (f *fixture) farsDistrictCodes(county string) []string {
	var codes []string
	for c, ds := range f.fars.Districts {
		if county != "" && c != county {
			continue
		}
		for _, d := range ds {
			codes = append(codes, d.Code)
		}
	}
	return codes
}

// sorted returns a sorted copy of the concatenation of lists.
func sorted(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return out
}
