package store_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/citycheck"
	"github.com/setad/setad/internal/store"
)

// addCity adds a city to a county of Fars as HQ, checked as the form checks it.
func (f *fixture) addCity(county string, in citycheck.Input) citycheck.Row {
	f.t.Helper()
	known, err := f.st.CityKnown(f.ctx, f.hq("fars"))
	if err != nil {
		f.t.Fatal(err)
	}
	row, problems := known.Check(in, county, citycheck.Add)
	if len(problems) > 0 {
		f.t.Fatalf("%+v: %+v", in, problems)
	}
	if err := f.st.AddCity(f.ctx, audit.Actor{Name: "hq", Remote: "test"}, f.hq("fars"), row); err != nil {
		f.t.Fatal(err)
	}
	return row
}

// Migration 0012 gives every county its seat city, with the county's code and names, in its central
// district and with the population recorded for the county; the candidates who stood in the county's
// city stand in its seat. The way back returns the population to the county.
func TestCitiesMigration(t *testing.T) {
	f, e, ks := importFixture(t)
	m, err := store.Migrator(f.st.Pool().Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.Migrate(9); err != nil {
		t.Fatalf("down to 0009: %v", err)
	}
	f.exec(`UPDATE counties SET population = 15000 WHERE code = 'marvdasht'`)
	f.exec(`INSERT INTO candidates (election_id, province_id, county_id, district_id, full_name, national_id, gender, education)
		VALUES ($1, $2, $3, NULL, 'شهری', '0012345679', 'male', 'bachelor'), ($1, $2, $3, $4, 'روستایی', '0084575948', 'male', 'diploma')`,
		e, f.province["fars"], f.county["marvdasht"], f.district["marvdasht-central"])
	if err := m.Up(); err != nil {
		t.Fatalf("up from 0009: %v", err)
	}
	f.st.Pool().Reset()
	if n := f.count(`SELECT count(*) FROM counties c JOIN cities ci ON ci.county_id = c.id AND ci.code = c.code
		AND ci.name_fa = c.name_fa AND ci.name_en = c.name_en`); n != f.count(`SELECT count(*) FROM counties`) || n < 37 {
		t.Fatalf("%d counties with their seat", n)
	}
	if n := f.count(`SELECT count(*) FROM cities ci JOIN districts d ON d.id = ci.district_id
		WHERE ci.code = 'marvdasht' AND d.code = 'marvdasht-central' AND ci.population = 15000`); n != 1 {
		t.Error("Marvdasht's seat lacks its district or the county's population")
	}
	if n := f.count(`SELECT count(*) FROM cities WHERE population IS NOT NULL`); n != 1 {
		t.Errorf("%d seats have a population, want Marvdasht's only", n)
	}
	if n := f.count(`SELECT count(*) FROM candidates k JOIN cities ci ON ci.id = k.city_id
		WHERE k.national_id = '0012345679' AND ci.code = 'marvdasht' AND k.district_id IS NULL`); n != 1 {
		t.Error("the city candidate does not stand in the seat")
	}
	if n := f.count(`SELECT count(*) FROM candidates WHERE national_id = '0084575948' AND city_id IS NULL`); n != 1 {
		t.Error("the village candidate was given a city")
	}
	k, err := f.st.CandidateByID(f.ctx, f.national(), int64(f.count(`SELECT id FROM candidates WHERE national_id = '0012345679'`)))
	if err != nil || k.ConstituencyCode != "marvdasht" || k.ConstituencyFa != "مرودشت" {
		t.Errorf("the city candidate reads %+v, %v", k.Candidate, err)
	}
	if ks["marvdasht"].CityID == 0 {
		t.Error("the seat's constituency names no city")
	}

	if err := m.Migrate(9); err != nil {
		t.Fatalf("down to 0009 again: %v", err)
	}
	if n := f.count(`SELECT population FROM counties WHERE code = 'marvdasht'`); n != 15000 {
		t.Errorf("the way back gives Marvdasht %d people", n)
	}
	if err := m.Up(); err != nil {
		t.Fatal(err)
	}
	f.st.Pool().Reset()
}

// A candidate stands in a city or a district, and a registration naming neither stands in its county's
// seat, as every one did before the cities.
func TestCandidateConstituencyIsOne(t *testing.T) {
	f, e, ks := importFixture(t)
	f.exec(`INSERT INTO candidates (election_id, province_id, county_id, full_name, national_id, gender, education)
		VALUES ($1, $2, $3, 'بی‌نام‌حوزه', '0012345679', 'male', 'bachelor')`, e, f.province["fars"], f.county["marvdasht"])
	if n := f.count(`SELECT count(*) FROM candidates WHERE city_id = $1`, ks["marvdasht"].CityID); n != 1 {
		t.Error("a registration without a city or district does not stand in the seat")
	}
	_, err := f.st.Pool().Exec(f.ctx, `INSERT INTO candidates (election_id, province_id, county_id, district_id, city_id, full_name,
		national_id, gender, education) VALUES ($1, $2, $3, $4, $5, 'دوگانه', '0084575948', 'male', 'bachelor')`,
		e, f.province["fars"], f.county["marvdasht"], f.district["marvdasht-central"], ks["marvdasht"].CityID)
	if err == nil {
		t.Error("a candidate stands in a city and a district at once")
	}
	seyedan := f.addCity("marvdasht", citycheck.Input{Code: "seyedan", NameFa: "سیدان"})
	var pasargadSeat int64
	f.scan(`SELECT id FROM cities WHERE code = 'pasargad'`, nil, &pasargadSeat)
	_, err = f.st.Pool().Exec(f.ctx, `INSERT INTO candidates (election_id, province_id, county_id, city_id, full_name, national_id,
		gender, education) VALUES ($1, $2, $3, $4, 'جابجا', '0084575948', 'male', 'bachelor')`,
		e, f.province["fars"], f.county["marvdasht"], pasargadSeat)
	if err == nil {
		t.Errorf("a candidate of Marvdasht stands in Pasargad's seat (%s added meanwhile)", seyedan.Code)
	}
}

// The constituencies are every city in use of the county with its own population, and the districts'
// villages; a candidate registered in a city stands in it, and moves to another city or to villages.
func TestCityConstituencies(t *testing.T) {
	f := newFixture(t)
	e := f.currentElection()
	hq := audit.Actor{Name: "hq", Remote: "test"}
	f.addCity("marvdasht", citycheck.Input{Code: "seyedan", NameFa: "سیدان", NameEn: "Seyedan", District: "marvdasht-seyyedan",
		Population: "6100"})
	f.addCity("marvdasht", citycheck.Input{Code: "kamfiruz", NameFa: "کامفیروز", NameEn: "Kamfiruz"})
	f.addCity("pasargad", citycheck.Input{Code: "saadat-shahr", NameFa: "سعادت‌شهر"})
	ks, err := f.st.Constituencies(f.ctx, f.governor("marvdasht"))
	if err != nil {
		t.Fatal(err)
	}
	var cities []string
	byCode := map[string]store.Constituency{}
	for _, k := range ks {
		byCode[k.Code] = k
		if k.Kind == "city" {
			cities = append(cities, k.NameFa)
		}
	}
	// In Persian order: س before ک before م.
	if !slices.Equal(cities, []string{"سیدان", "کامفیروز", "مرودشت"}) {
		t.Errorf("Marvdasht's cities: %v", cities)
	}
	if k := byCode["seyedan"]; k.Population != 6100 || k.CityID == 0 || k.DistrictID != 0 || k.CountyFa != "مرودشت" {
		t.Errorf("Seyedan's constituency: %+v", k)
	}
	if _, err := f.st.ConstituencyByCode(f.ctx, f.governor("marvdasht"), "saadat-shahr"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Marvdasht's governor finds Pasargad's city: %v", err)
	}
	if ks, _ := f.st.Constituencies(f.ctx, f.districtHead("marvdasht-seyyedan")); slices.ContainsFunc(ks, func(k store.Constituency) bool {
		return k.Kind == "city"
	}) {
		t.Error("a district head is offered cities")
	}

	id, err := f.st.RegisterCandidate(f.ctx, hq, e, store.NewCandidate{FullName: "نامزد سیدان", FatherName: "حسن",
		NationalID: "0012345679", Gender: "male", BirthDate: day(1980, 1, 1), Education: "bachelor", Constituency: byCode["seyedan"]}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.st.CandidateByID(f.ctx, f.governor("marvdasht"), id)
	if err != nil || c.ConstituencyCode != "seyedan" || c.ConstituencyEn != "Seyedan" || c.CountyEn != "Marvdasht" {
		t.Fatalf("the candidate reads %+v, %v", c.Candidate, err)
	}
	rule, err := f.st.CandidateRuleFor(f.ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	if err := f.st.ChangeConstituency(f.ctx, hq, f.hq("fars"), id, 1, byCode["kamfiruz"], now, e.ElectionDay, rule.Lifecycle()); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM candidates k JOIN cities ci ON ci.id = k.city_id WHERE k.id = $1 AND ci.code = 'kamfiruz'
		AND k.district_id IS NULL`, id); n != 1 {
		t.Error("the change to Kamfiruz did not move the candidate")
	}
	var reason string
	f.scan(`SELECT reason FROM candidate_events WHERE candidate_id = $1 ORDER BY id DESC LIMIT 1`, []any{id}, &reason)
	if reason != "seyedan → kamfiruz" {
		t.Errorf("the change's event reads %q", reason)
	}
}

// HQ adds, renames, retires and deletes the cities of its province's counties only, each change checked
// against the version it was drawn from and audited; the seat stays, and a city with candidates is only
// retired.
func TestCityWrites(t *testing.T) {
	f := newFixture(t)
	e := f.currentElection()
	fars, hq := f.hq("fars"), audit.Actor{Name: "hq", Remote: "test"}
	known, err := f.st.CityKnown(f.ctx, fars)
	if err != nil {
		t.Fatal(err)
	}
	row, _ := known.Check(citycheck.Input{Code: "seyedan", NameFa: "سیدان", Population: "6100"}, "marvdasht", citycheck.Add)
	if err := f.st.AddCity(f.ctx, hq, f.hq("tehran"), row); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Tehran's HQ adds a city to Marvdasht: %v", err)
	}
	if err := f.st.AddCity(f.ctx, hq, f.governor("pasargad"), row); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Pasargad's governor's scope adds a city to Marvdasht: %v", err)
	}
	sizes := f.count(`SELECT sizes_version FROM counties WHERE code = 'marvdasht'`)
	if err := f.st.AddCity(f.ctx, hq, fars, row); err != nil {
		t.Fatal(err)
	}
	if f.count(`SELECT sizes_version FROM counties WHERE code = 'marvdasht'`) != sizes+1 {
		t.Error("a city added with its population leaves the county's sizes version")
	}
	if err := f.st.AddCity(f.ctx, hq, fars, row); !errors.Is(err, store.ErrCityNameTaken) {
		t.Errorf("the same city again: %v", err)
	}
	row.NameFa = "سیدان دو"
	if err := f.st.AddCity(f.ctx, hq, fars, row); !errors.Is(err, store.ErrExists) {
		t.Errorf("a code in use: %v", err)
	}
	var added struct{ After map[string]any }
	if err := json.Unmarshal([]byte(f.lastAudit("city.add").Detail), &added); err != nil {
		t.Fatal(err)
	}
	if a := added.After; a["code"] != "seyedan" || a["county"] != "marvdasht" || a["population"] != float64(6100) || a["name_fa"] != "سیدان" {
		t.Errorf("city.add audited %v", a)
	}

	names := store.CityNames{NameFa: "سیدان", NameEn: "Seyedan", District: "marvdasht-seyyedan"}
	if err := f.st.UpdateCity(f.ctx, hq, fars, "marvdasht", "seyedan", 2, names); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a rename from a version not seen: %v", err)
	}
	if err := f.st.UpdateCity(f.ctx, hq, f.hq("tehran"), "marvdasht", "seyedan", 1, names); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Tehran's HQ renames a city of Fars: %v", err)
	}
	if err := f.st.UpdateCity(f.ctx, hq, fars, "marvdasht", "seyedan", 1, store.CityNames{NameFa: "مرو دشت", NameEn: "x"}); !errors.Is(err, store.ErrCityNameTaken) {
		t.Errorf("a rename to the seat's name: %v", err)
	}
	if err := f.st.UpdateCity(f.ctx, hq, fars, "marvdasht", "seyedan", 1, store.CityNames{NameFa: "سیدان", District: "pasargad-central"}); !errors.Is(err, store.ErrUnknownDistrict) {
		t.Errorf("a district of another county: %v", err)
	}
	if err := f.st.UpdateCity(f.ctx, hq, fars, "marvdasht", "seyedan", 1, names); err != nil {
		t.Fatal(err)
	}
	c, err := f.st.City(f.ctx, f.governor("marvdasht"), "marvdasht", "seyedan")
	if err != nil || c.NameEn != "Seyedan" || c.DistrictEn != "Seyyedan" || c.Version != 2 || *c.Population != 6100 {
		t.Fatalf("after the rename: %+v, %v", c, err)
	}
	if _, err := f.st.City(f.ctx, f.districtHead("marvdasht-central"), "marvdasht", "seyedan"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a district head reads a city of another district: %v", err)
	}

	// A candidate stands in it: it is retired, not deleted; retired, it is offered no more.
	k, err := f.st.ConstituencyByCode(f.ctx, fars, "seyedan")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.RegisterCandidate(f.ctx, hq, e, store.NewCandidate{FullName: "نامزد", FatherName: "حسن", NationalID: "0012345679",
		Gender: "male", BirthDate: day(1980, 1, 1), Education: "bachelor", Constituency: k}, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.st.DeleteCity(f.ctx, hq, fars, "marvdasht", "seyedan", 2); !errors.Is(err, store.ErrCityInUse) {
		t.Errorf("deleting a city with a candidate: %v", err)
	}
	if err := f.st.RetireCity(f.ctx, hq, fars, "marvdasht", "seyedan", 1, true); !errors.Is(err, store.ErrConflict) {
		t.Errorf("retiring from an old version: %v", err)
	}
	if err := f.st.RetireCity(f.ctx, hq, fars, "marvdasht", "seyedan", 2, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.ConstituencyByCode(f.ctx, fars, "seyedan"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a retired city is still offered: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM candidates k JOIN cities ci ON ci.id = k.city_id WHERE ci.code = 'seyedan'`); n != 1 {
		t.Error("the retired city's candidate lost it")
	}
	if err := f.st.RetireCity(f.ctx, hq, fars, "marvdasht", "seyedan", 3, true); !errors.Is(err, store.ErrConflict) {
		t.Errorf("retiring a retired city: %v", err)
	}
	if err := f.st.RetireCity(f.ctx, hq, fars, "marvdasht", "seyedan", 3, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.ConstituencyByCode(f.ctx, fars, "seyedan"); err != nil {
		t.Errorf("a restored city is not offered: %v", err)
	}

	// The seat stays; a city without candidates is deleted.
	if err := f.st.RetireCity(f.ctx, hq, fars, "marvdasht", "marvdasht", 1, true); !errors.Is(err, store.ErrCitySeat) {
		t.Errorf("retiring the seat: %v", err)
	}
	if err := f.st.DeleteCity(f.ctx, hq, fars, "marvdasht", "marvdasht", 1); !errors.Is(err, store.ErrCitySeat) {
		t.Errorf("deleting the seat: %v", err)
	}
	mistake := f.addCity("marvdasht", citycheck.Input{NameFa: "اشتباه"})
	if err := f.st.DeleteCity(f.ctx, hq, fars, "marvdasht", mistake.Code, 1); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM cities WHERE code = $1`, mistake.Code); n != 0 {
		t.Error("the deleted city is still there")
	}
	for action, want := range map[string]int{"city.add": 2, "city.update": 1, "city.retire": 1, "city.restore": 1, "city.delete": 1} {
		if n := f.auditCount(action); n != want {
			t.Errorf("%d %s rows, want %d", n, action, want)
		}
	}
	if r := f.lastAudit("city.retire"); r.Entity != "city" || r.EntityID != itoa(c.ID) || r.ProvinceID != f.province["fars"] {
		t.Errorf("city.retire row: %+v", r)
	}
	f.verifyChain()
}

// HQ's home counts the constituencies whose size is missing and names the first of each kind, within
// the caller's scope.
func TestMissingSizes(t *testing.T) {
	f := newFixture(t)
	fars := f.hq("fars")
	cities, villages, first, err := f.st.MissingSizes(f.ctx, fars, 3)
	if err != nil {
		t.Fatal(err)
	}
	if cities != len(f.fars.Counties) || villages != len(f.farsDistrictCodes("")) || len(first) != 6 {
		t.Fatalf("%d cities, %d districts, %d named; want %d, %d, 6", cities, villages, len(first), len(f.fars.Counties),
			len(f.farsDistrictCodes("")))
	}
	if first[0].Kind != "city" || first[0].NameFa != "آباده" || first[3].Kind != "village" || first[3].CountyFa != "آباده" {
		t.Errorf("named first: %+v", first)
	}
	f.addCity("marvdasht", citycheck.Input{Code: "seyedan", NameFa: "سیدان"})
	f.addCity("marvdasht", citycheck.Input{Code: "kamfiruz", NameFa: "کامفیروز", Population: "3500"})
	marv := f.governor("marvdasht")
	if c, v, _, _ := f.st.MissingSizes(f.ctx, marv, 3); c != 2 || v != len(f.farsDistrictCodes("marvdasht")) {
		t.Errorf("Marvdasht misses %d cities and %d districts", c, v)
	}
	seat := 15000
	households := map[string]*int{}
	for _, d := range f.farsDistrictCodes("marvdasht") {
		households[d] = &seat
	}
	version := f.count(`SELECT sizes_version FROM counties WHERE code = 'marvdasht'`)
	if err := f.st.SetSizes(f.ctx, audit.Actor{Name: "hq"}, fars, "marvdasht", version, map[string]*int{"marvdasht": &seat}, households); err != nil {
		t.Fatal(err)
	}
	c, v, first, err := f.st.MissingSizes(f.ctx, marv, 3)
	if err != nil || c != 1 || v != 0 || len(first) != 1 || first[0].Code != "seyedan" || first[0].CountyCode != "marvdasht" {
		t.Errorf("after Marvdasht's sizes: %d, %d, %+v, %v", c, v, first, err)
	}
	if c, v, _, _ := f.st.MissingSizes(f.ctx, f.hq("tehran"), 3); c != 0 || v != len(tehranDistricts) {
		t.Errorf("Tehran's HQ sees %d cities and %d districts missing", c, v)
	}
}

// A previewed list is applied whole or not at all: a city named meanwhile by another change refuses it,
// and a list is applied once.
func TestCityImportConfirm(t *testing.T) {
	f := newFixture(t)
	fars := f.hq("fars")
	hq := audit.Actor{ID: f.user["hq.fars"], Name: "hq.fars"}
	known, err := f.st.CityKnown(f.ctx, fars)
	if err != nil {
		t.Fatal(err)
	}
	check := func(in citycheck.Input) citycheck.Row {
		t.Helper()
		row, problems := known.Check(in, "marvdasht", citycheck.Load)
		if len(problems) > 0 {
			t.Fatal(problems)
		}
		if row.CityID == 0 {
			known.Take(row.Code)
		}
		return row
	}
	rows := []store.CityImportRow{
		{Line: 2, City: check(citycheck.Input{City: "مرودشت", Population: "150000", District: "marvdasht-central"})},
		{Line: 3, City: check(citycheck.Input{City: "سیدان", Population: "6100", District: "marvdasht-seyyedan"})},
		{Line: 4, Cells: map[string]string{"city": "?"}, Problems: []store.ImportProblem{{Field: "name_fa"}}},
		{Line: 5, City: check(citycheck.Input{County: "pasargad", City: "سعادت‌شهر"})},
	}
	imp, err := f.st.SaveCityImport(f.ctx, hq, fars, "marvdasht", "cities.csv", "ab12", rows)
	if err != nil || imp.Ready != 3 || imp.Rejected != 1 {
		t.Fatalf("preview: %+v, %v", imp, err)
	}
	if _, err := f.st.SaveCityImport(f.ctx, hq, f.hq("tehran"), "marvdasht", "x.csv", "ab12", rows); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a preview from another province's county page: %v", err)
	}
	got, err := f.st.CityImportRows(f.ctx, hq.ID, imp.ID)
	if err != nil || len(got) != 4 || got[0].City.CityID == 0 || got[1].City.Code != "marvdasht-2" || got[2].Cells["city"] != "?" ||
		got[3].CountyEn != "Pasargad" || got[1].DistrictEn != "Seyyedan" {
		t.Fatalf("preview rows: %+v, %v", got, err)
	}
	if rs, _ := f.st.CityImportRows(f.ctx, f.user["gov.marvdasht"], imp.ID); len(rs) != 0 {
		t.Error("another user reads the preview")
	}

	// Someone adds Seyedan by hand before the confirmation: nothing of the list is applied.
	f.addCity("marvdasht", citycheck.Input{Code: "seyedan", NameFa: "سیدان"})
	_, _, err = f.st.ConfirmCityImport(f.ctx, hq, fars, imp.ID)
	var stale *store.StaleCityImportError
	if !errors.As(err, &stale) || !slices.Equal(stale.Lines, []int{3}) {
		t.Fatalf("confirming a stale list: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM cities WHERE population IS NOT NULL OR code = 'pasargad-2'`); n != 0 {
		t.Fatal("a stale list was applied in part")
	}

	imp, err = f.st.SaveCityImport(f.ctx, hq, fars, "marvdasht", "cities.csv", "ab12", []store.CityImportRow{rows[0], rows[3]})
	if err != nil {
		t.Fatal(err)
	}
	version := f.count(`SELECT sizes_version FROM counties WHERE code = 'marvdasht'`)
	added, updated, err := f.st.ConfirmCityImport(f.ctx, hq, fars, imp.ID)
	if err != nil || added != 1 || updated != 1 {
		t.Fatalf("confirm: %d added, %d updated, %v", added, updated, err)
	}
	if f.count(`SELECT population FROM cities WHERE code = 'marvdasht'`) != 150000 ||
		f.count(`SELECT count(*) FROM cities ci JOIN counties c ON c.id = ci.county_id WHERE c.code = 'pasargad' AND ci.name_fa = 'سعادت‌شهر'`) != 1 ||
		f.count(`SELECT sizes_version FROM counties WHERE code = 'marvdasht'`) != version+1 {
		t.Error("the list was not applied as previewed")
	}
	if _, _, err := f.st.ConfirmCityImport(f.ctx, hq, fars, imp.ID); !errors.Is(err, store.ErrImported) {
		t.Errorf("confirming twice: %v", err)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(f.lastAudit("city.import").Detail), &d); err != nil || d["added"] != float64(1) ||
		d["updated"] != float64(1) || d["sha256"] != "ab12" {
		t.Errorf("city.import audited %v, %v", d, err)
	}
	f.verifyChain()
}
