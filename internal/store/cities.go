package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/citycheck"
	"github.com/setad/setad/internal/persian"
)

// City is a city of a county: a council constituency with its own population.
type City struct {
	ID           int64
	Code         string
	NameFa       string
	NameEn       string
	CountyCode   string
	CountyFa     string
	CountyEn     string
	DistrictCode string // "" while HQ has not said which district it lies in
	DistrictFa   string
	DistrictEn   string
	Population   *int // nil until HQ records it
	Seat         bool // the county's seat, whose code is the county's
	RetiredAt    *time.Time
	Version      int
}

// Errors of the cities' writes.
var (
	ErrCityNameTaken = errors.New("store: the county has a city of that name")
	ErrCityInUse     = errors.New("store: candidates stand in this city")
	ErrCitySeat      = errors.New("store: the county's seat stays")
)

const citySelect = `
	SELECT ci.id, ci.code, ci.name_fa, ci.name_en, c.code, c.name_fa, c.name_en,
	       coalesce(d.code, ''), coalesce(d.name_fa, ''), coalesce(d.name_en, ''), ci.population, ci.code = c.code,
	       ci.retired_at, ci.version
	FROM cities ci JOIN counties c ON c.id = ci.county_id LEFT JOIN districts d ON d.id = ci.district_id`

// cityScope is the scope of a city: the county's province and county, and a district head's district.
const cityScope = ` ($1 = 0 OR c.province_id = $1) AND ($2 = 0 OR c.id = $2) AND ($3 = 0 OR ci.district_id = $3) `

// Cities lists a county's cities in scope, retired ones included, by name in the reader's alphabet.
func (s *Store) Cities(ctx context.Context, sc auth.Scope, county string) ([]City, error) {
	var cs []City
	var b Batch
	b.Cities(ctx, sc, county, &cs)
	return cs, s.Run(ctx, &b)
}

// Cities queues the Store method of that name.
func (b *Batch) Cities(ctx context.Context, sc auth.Scope, county string, out *[]City) {
	queueList(b, readsPlaces, cacheKey(ctx, "cities", sc, county), out, City.copy, func(b *Batch) { b.cities(ctx, sc, county, out) })
}

// copy is the city with its own population and retirement (a copy of a kept value).
func (c City) copy() City {
	c.Population, c.RetiredAt = clonePtr(c.Population), clonePtr(c.RetiredAt)
	return c
}

func (b *Batch) cities(ctx context.Context, sc auth.Scope, county string, out *[]City) {
	b.queue(citySelect+` WHERE`+cityScope+`AND c.code = $4
		ORDER BY ci.retired_at IS NOT NULL, `+byName(ctx, "ci.name_fa", "ci.name_en"), func(rows pgx.Rows) (err error) {
		*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[City])
		return err
	}, append(scopeArgs(sc), county)...)
}

// CityInfo is a city with the number of registrations that stand in it, in any election: a city that has
// any can be retired but not deleted.
type CityInfo struct {
	City
	Candidates int
}

// City returns one city of a county in scope, or ErrNotFound.
func (s *Store) City(ctx context.Context, sc auth.Scope, county, city string) (CityInfo, error) {
	var ci CityInfo
	var b Batch
	b.City(sc, county, city, &ci)
	return ci, s.Run(ctx, &b)
}

// City queues the Store method of that name: Run returns ErrNotFound for a city out of scope.
func (b *Batch) City(sc auth.Scope, county, city string, out *CityInfo) {
	b.queueRow(`SELECT x.*, (SELECT count(*) FROM candidates k WHERE k.city_id = x.id)::int FROM (`+citySelect+`
		WHERE`+cityScope+`AND c.code = $4 AND ci.code = $5) x`, func(row pgx.Row) error {
		return row.Scan(&out.ID, &out.Code, &out.NameFa, &out.NameEn, &out.CountyCode, &out.CountyFa, &out.CountyEn,
			&out.DistrictCode, &out.DistrictFa, &out.DistrictEn, &out.Population, &out.Seat, &out.RetiredAt, &out.Version,
			&out.Candidates)
	}, append(scopeArgs(sc), county, city)...)
}

// CityKnown loads what citycheck reads for a caller who edits cities: the counties of the caller's
// province (every province for the national scope) with their districts and cities, and every code in use.
func (s *Store) CityKnown(ctx context.Context, sc auth.Scope) (*citycheck.Known, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT c.id, c.code, c.name_fa, c.name_en, coalesce(d.id, 0), coalesce(d.code, ''), coalesce(d.name_fa, ''), coalesce(d.name_en, '')
		FROM counties c LEFT JOIN districts d ON d.county_id = c.id
		WHERE ($1 = 0 OR c.province_id = $1) AND ($2 = 0 OR c.id = $2) ORDER BY c.id, d.id`, sc.ProvinceID, sc.CountyID)
	if err != nil {
		return nil, err
	}
	var counties []citycheck.County
	var c, d citycheck.Place
	_, err = pgx.ForEachRow(rows, []any{&c.ID, &c.Code, &c.NameFa, &c.NameEn, &d.ID, &d.Code, &d.NameFa, &d.NameEn}, func() error {
		if len(counties) == 0 || counties[len(counties)-1].ID != c.ID {
			counties = append(counties, citycheck.County{Place: c})
		}
		if d.ID != 0 {
			last := &counties[len(counties)-1]
			last.Districts = append(last.Districts, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows, err = s.pool.Query(ctx, `
		SELECT ci.id, ci.county_id, coalesce(ci.district_id, 0), ci.code, ci.name_fa, ci.name_en, ci.population, ci.retired_at IS NOT NULL
		FROM cities ci JOIN counties c ON c.id = ci.county_id
		WHERE ($1 = 0 OR c.province_id = $1) AND ($2 = 0 OR c.id = $2)`, sc.ProvinceID, sc.CountyID)
	if err != nil {
		return nil, err
	}
	cities, err := pgx.CollectRows(rows, pgx.RowToStructByPos[citycheck.City])
	if err != nil {
		return nil, err
	}
	rows, err = s.pool.Query(ctx, `SELECT code FROM cities UNION SELECT code FROM districts UNION SELECT code FROM counties`)
	if err != nil {
		return nil, err
	}
	taken, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	return citycheck.NewKnown(counties, cities, taken), nil
}

// lockCounty locks a county in scope for a change of its cities or sizes, so that two such changes
// never interleave, and returns its id and province; ErrNotFound outside the scope.
func lockCounty(ctx context.Context, tx pgx.Tx, sc auth.Scope, code string) (id, province int64, err error) {
	err = tx.QueryRow(ctx, `SELECT id, province_id FROM counties WHERE code = $1 AND ($2 = 0 OR province_id = $2)
		AND ($3 = 0 OR id = $3) FOR UPDATE`, code, sc.ProvinceID, sc.CountyID).Scan(&id, &province)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, 0, ErrNotFound
	}
	return id, province, err
}

// nameTaken reports whether another city of the county (not except) has the name, as Persian names are
// compared (persian.Normalize).
func nameTaken(ctx context.Context, tx pgx.Tx, countyID, except int64, nameFa string) (bool, error) {
	rows, err := tx.Query(ctx, `SELECT name_fa FROM cities WHERE county_id = $1 AND id <> $2`, countyID, except)
	if err != nil {
		return false, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return false, err
	}
	want := persian.Normalize(nameFa)
	for _, n := range names {
		if persian.Normalize(n) == want {
			return true, nil
		}
	}
	return false, nil
}

// codeFree reports whether no city, district or county has the code.
func codeFree(ctx context.Context, tx pgx.Tx, code string) (bool, error) {
	var used bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cities WHERE code = $1) OR EXISTS (SELECT 1 FROM districts WHERE code = $1)
		OR EXISTS (SELECT 1 FROM counties WHERE code = $1)`, code).Scan(&used)
	return !used, err
}

// errCodeRace is a code taken, in another county, between codeFree and the insert: the transaction is
// aborted, and is refused as a whole.
var errCodeRace = fmt.Errorf("%w (by a change made at the same moment)", ErrExists)

func isForeignKeyViolation(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23503"
}

// insertCity adds a checked new city to a county locked by the caller and returns its id. A population
// recorded with it is a change of the county's sizes, whose version moves on.
func insertCity(ctx context.Context, tx pgx.Tx, countyID int64, r citycheck.Row) (int64, error) {
	if taken, err := nameTaken(ctx, tx, countyID, 0, r.NameFa); err != nil {
		return 0, err
	} else if taken {
		return 0, ErrCityNameTaken
	}
	if free, err := codeFree(ctx, tx, r.Code); err != nil {
		return 0, err
	} else if !free {
		return 0, ErrExists
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO cities (county_id, district_id, code, name_fa, name_en, population)
		VALUES ($1, NULLIF($2, 0), $3, $4, $5, $6) RETURNING id`, countyID, r.DistrictID, r.Code, r.NameFa, r.NameEn, r.Population).Scan(&id)
	if isUniqueViolation(err) {
		return 0, errCodeRace
	}
	if err != nil || r.Population == nil {
		return id, err
	}
	_, err = tx.Exec(ctx, `UPDATE counties SET sizes_version = sizes_version + 1 WHERE id = $1`, countyID)
	return id, err
}

// AddCity adds a checked city to its county, within the caller's scope: ErrNotFound outside it, ErrExists
// for a code in use, ErrCityNameTaken for a name the county has.
func (s *Store) AddCity(ctx context.Context, a audit.Actor, sc auth.Scope, r citycheck.Row) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		county, province, err := lockCounty(ctx, tx, sc, r.CountyCode)
		if err != nil {
			return nil, err
		}
		if county != r.CountyID {
			return nil, ErrNotFound
		}
		id, err := insertCity(ctx, tx, county, r)
		if err != nil {
			return nil, err
		}
		after := map[string]any{"code": r.Code, "name_fa": r.NameFa, "name_en": r.NameEn, "county": r.CountyCode, "population": r.Population}
		if err := districtCode(ctx, tx, r.DistrictID, after); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "city.add", Entity: "city", EntityID: strconv.FormatInt(id, 10), ProvinceID: province,
			Detail: audit.Change{After: after}}}, nil
	})
}

// districtCode puts a district's code into an audit record, as "district" (nothing for none).
func districtCode(ctx context.Context, tx pgx.Tx, id int64, m map[string]any) error {
	if id == 0 {
		return nil
	}
	var code string
	err := tx.QueryRow(ctx, `SELECT code FROM districts WHERE id = $1`, id).Scan(&code)
	m["district"] = code
	return err
}

// lockCity locks a city of a county in scope and checks its version: ErrNotFound outside the scope,
// ErrConflict when someone changed it since version.
func lockCity(ctx context.Context, tx pgx.Tx, sc auth.Scope, county, city string, version int) (City, int64, int64, error) {
	countyID, province, err := lockCounty(ctx, tx, sc, county)
	if err != nil {
		return City{}, 0, 0, err
	}
	rows, err := tx.Query(ctx, citySelect+` WHERE ci.county_id = $1 AND ci.code = $2 FOR UPDATE OF ci`, countyID, city)
	if err != nil {
		return City{}, 0, 0, err
	}
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[City])
	if errors.Is(err, pgx.ErrNoRows) {
		return c, 0, 0, ErrNotFound
	}
	if err != nil {
		return c, 0, 0, err
	}
	if c.Version != version {
		return c, 0, 0, ErrConflict
	}
	return c, countyID, province, nil
}

// CityNames are a city's names and district as the rename form gives them.
type CityNames struct {
	NameFa, NameEn string
	District       string // a district code of the county; "" for none
}

// UpdateCity renames a city and sets its district, if nobody changed the city since version.
func (s *Store) UpdateCity(ctx context.Context, a audit.Actor, sc auth.Scope, county, city string, version int, n CityNames) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		c, countyID, province, err := lockCity(ctx, tx, sc, county, city, version)
		if err != nil {
			return nil, err
		}
		if taken, err := nameTaken(ctx, tx, countyID, c.ID, n.NameFa); err != nil {
			return nil, err
		} else if taken {
			return nil, ErrCityNameTaken
		}
		var district *int64
		if n.District != "" {
			err := tx.QueryRow(ctx, `SELECT id FROM districts WHERE county_id = $1 AND code = $2`, countyID, n.District).Scan(&district)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil, ErrUnknownDistrict
			}
			if err != nil {
				return nil, err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE cities SET name_fa = $2, name_en = $3, district_id = $4, version = version + 1 WHERE id = $1`,
			c.ID, n.NameFa, n.NameEn, district); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "city.update", Entity: "city", EntityID: strconv.FormatInt(c.ID, 10), ProvinceID: province,
			Detail: audit.Change{Before: map[string]any{"name_fa": c.NameFa, "name_en": c.NameEn, "district": c.DistrictCode},
				After: map[string]any{"name_fa": n.NameFa, "name_en": n.NameEn, "district": n.District}}}}, nil
	})
}

// RetireCity takes a city out of the constituencies offered from now on (retired) or brings it back, if
// nobody changed it since version. Its candidates keep it. The county's seat stays (ErrCitySeat).
func (s *Store) RetireCity(ctx context.Context, a audit.Actor, sc auth.Scope, county, city string, version int, retired bool) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		c, _, province, err := lockCity(ctx, tx, sc, county, city, version)
		if err != nil {
			return nil, err
		}
		if c.Seat {
			return nil, ErrCitySeat
		}
		if (c.RetiredAt != nil) == retired {
			return nil, ErrConflict // the page was drawn before it changed
		}
		if _, err := tx.Exec(ctx, `UPDATE cities SET retired_at = CASE WHEN $2 THEN now() END, version = version + 1 WHERE id = $1`,
			c.ID, retired); err != nil {
			return nil, err
		}
		action := "city.retire"
		if !retired {
			action = "city.restore"
		}
		return []audit.Entry{{Action: action, Entity: "city", EntityID: strconv.FormatInt(c.ID, 10), ProvinceID: province,
			Detail: audit.Change{Before: map[string]any{"retired": !retired}, After: map[string]any{"retired": retired}}}}, nil
	})
}

// DeleteCity removes a city added by mistake, if nobody changed it since version: a city in which
// candidates stand, in any election, can only be retired (ErrCityInUse), and the seat stays (ErrCitySeat).
func (s *Store) DeleteCity(ctx context.Context, a audit.Actor, sc auth.Scope, county, city string, version int) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		c, countyID, province, err := lockCity(ctx, tx, sc, county, city, version)
		if err != nil {
			return nil, err
		}
		if c.Seat {
			return nil, ErrCitySeat
		}
		// candidate_import_rows keep no key to cities: a preview naming this city is refused at its
		// confirmation by candidates' own key.
		if _, err := tx.Exec(ctx, `DELETE FROM cities WHERE id = $1`, c.ID); isForeignKeyViolation(err) {
			return nil, ErrCityInUse
		} else if err != nil {
			return nil, err
		}
		if c.Population != nil {
			if _, err := tx.Exec(ctx, `UPDATE counties SET sizes_version = sizes_version + 1 WHERE id = $1`, countyID); err != nil {
				return nil, err
			}
		}
		return []audit.Entry{{Action: "city.delete", Entity: "city", EntityID: strconv.FormatInt(c.ID, 10), ProvinceID: province,
			Detail: audit.Change{Before: map[string]any{"code": c.Code, "name_fa": c.NameFa, "name_en": c.NameEn, "county": c.CountyCode,
				"district": c.DistrictCode, "population": c.Population}}}}, nil
	})
}

// CityImport is a previewed list of cities: what it was and how many of its rows are ready and rejected.
type CityImport struct {
	ID         int64
	UserID     int64
	CountyCode string // the county whose page it was loaded from
	FileName   string
	FileSHA256 string
	Ready      int
	Rejected   int
	ImportedAt *time.Time
}

// CityImportRow is one row of a previewed list: ready (Problems nil) with what it will do, or rejected
// with its cells and why.
type CityImportRow struct {
	Line       int
	City       citycheck.Row
	CountyFa   string
	CountyEn   string
	DistrictFa string // the district the row sets; "" for none
	DistrictEn string
	Before     *int // a recorded city's population now
	Cells      map[string]string
	Problems   []ImportProblem
}

// SaveCityImport keeps a previewed list of cities, loaded from the page of a county in the caller's
// scope, until its owner confirms it; rows gives its rows, ready and rejected, in the file's order.
func (s *Store) SaveCityImport(ctx context.Context, a audit.Actor, sc auth.Scope, county, fileName, sha256 string,
	rows []CityImportRow) (CityImport, error) {
	imp := CityImport{UserID: a.ID, CountyCode: county, FileName: fileName, FileSHA256: sha256}
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var countyID, province int64
		err := tx.QueryRow(ctx, `SELECT id, province_id FROM counties WHERE code = $1 AND ($2 = 0 OR province_id = $2)
			AND ($3 = 0 OR id = $3)`, county, sc.ProvinceID, sc.CountyID).Scan(&countyID, &province)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		imp.Ready, imp.Rejected = 0, 0
		copyRows := make([][]any, 0, len(rows))
		for _, r := range rows {
			if len(r.Problems) > 0 {
				imp.Rejected++
				copyRows = append(copyRows, []any{r.Line, nil, nil, nil, nil, nil, nil, nil, r.Cells, r.Problems})
				continue
			}
			imp.Ready++
			c := r.City
			copyRows = append(copyRows, []any{r.Line, c.CountyID, nullID(c.CityID), nullID(c.DistrictID), c.Code, c.NameFa, c.NameEn,
				c.Population, nil, nil})
		}
		if err := tx.QueryRow(ctx, `INSERT INTO city_imports (user_id, province_id, county_id, file_name, file_sha256, ready_count, rejected_count)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, a.ID, province, countyID, fileName, sha256, imp.Ready, imp.Rejected).Scan(&imp.ID); err != nil {
			return nil, err
		}
		for i := range copyRows {
			copyRows[i] = append([]any{imp.ID}, copyRows[i]...)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"city_import_rows"}, []string{"import_id", "line", "county_id", "city_id",
			"district_id", "code", "name_fa", "name_en", "population", "cells", "problems"}, pgx.CopyFromRows(copyRows)); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "city.import_preview", Entity: "county", EntityID: county, ProvinceID: province,
			Detail: map[string]any{"file": fileName, "sha256": sha256, "ready": imp.Ready, "rejected": imp.Rejected}}}, nil
	})
	return imp, err
}

const cityImportSelect = `SELECT i.id, i.user_id, c.code, i.file_name, i.file_sha256, i.ready_count, i.rejected_count, i.imported_at
	FROM city_imports i JOIN counties c ON c.id = i.county_id WHERE i.id = $1 AND i.user_id = $2`

// CityImportByID returns one of the user's previewed lists, or ErrNotFound.
func (s *Store) CityImportByID(ctx context.Context, userID, id int64) (CityImport, error) {
	return cityImportByID(ctx, s.pool, cityImportSelect, userID, id)
}

func cityImportByID(ctx context.Context, q querier, sql string, userID, id int64) (CityImport, error) {
	rows, err := q.Query(ctx, sql, id, userID)
	if err != nil {
		return CityImport{}, err
	}
	imp, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[CityImport])
	if errors.Is(err, pgx.ErrNoRows) {
		return imp, ErrNotFound
	}
	return imp, err
}

// CityImportRows returns every row of one of the user's previewed lists, in the file's order, with the
// names of their places and the population each recorded city has now.
func (s *Store) CityImportRows(ctx context.Context, userID, id int64) ([]CityImportRow, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT r.line, coalesce(r.county_id, 0), coalesce(c.code, ''), coalesce(r.city_id, 0), coalesce(r.district_id, 0),
		       coalesce(r.code, ''), coalesce(r.name_fa, ''), coalesce(r.name_en, ''), r.population,
		       coalesce(c.name_fa, ''), coalesce(c.name_en, ''), coalesce(d.name_fa, ''), coalesce(d.name_en, ''), ci.population,
		       r.cells, r.problems
		FROM city_import_rows r JOIN city_imports i ON i.id = r.import_id
		LEFT JOIN counties c ON c.id = r.county_id LEFT JOIN districts d ON d.id = r.district_id
		LEFT JOIN cities ci ON ci.id = r.city_id
		WHERE r.import_id = $1 AND i.user_id = $2 ORDER BY r.line`, id, userID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (CityImportRow, error) {
		var r CityImportRow
		c := &r.City
		err := row.Scan(&r.Line, &c.CountyID, &c.CountyCode, &c.CityID, &c.DistrictID, &c.Code, &c.NameFa, &c.NameEn, &c.Population,
			&r.CountyFa, &r.CountyEn, &r.DistrictFa, &r.DistrictEn, &r.Before, &r.Cells, &r.Problems)
		return r, err
	})
}

// StaleCityImportError names the rows that no longer apply: their city was retired, removed or given a
// code or name since the preview.
type StaleCityImportError struct{ Lines []int }

func (e *StaleCityImportError) Error() string {
	return "store: " + strconv.Itoa(len(e.Lines)) + " rows are stale"
}

// ConfirmCityImport applies every ready row of a previewed list in one transaction, or none: the new
// cities are added and the recorded ones get their population (and district, when the row gave one).
// The counties the rows touch are locked first, in one order; a row that no longer applies refuses the
// whole list (StaleCityImportError), as does a list confirmed before (ErrImported). One audit row records
// the list by its file's hash; its rows stay in city_import_rows.
func (s *Store) ConfirmCityImport(ctx context.Context, a audit.Actor, sc auth.Scope, id int64) (added, updated int, err error) {
	err = s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		added, updated = 0, 0
		imp, err := cityImportByID(ctx, tx, cityImportSelect+` FOR UPDATE OF i`, a.ID, id)
		if err != nil {
			return nil, err
		}
		if imp.ImportedAt != nil {
			return nil, ErrImported
		}
		var province int64
		err = tx.QueryRow(ctx, `SELECT province_id FROM city_imports WHERE id = $1 AND ($2 = 0 OR province_id = $2)`, id, sc.ProvinceID).Scan(&province)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `SELECT 1 FROM counties WHERE id IN (SELECT county_id FROM city_import_rows
			WHERE import_id = $1 AND problems IS NULL) ORDER BY id FOR UPDATE`, id); err != nil {
			return nil, err
		}
		rows, err := tx.Query(ctx, `
			SELECT r.line, r.county_id, coalesce(r.city_id, 0), coalesce(r.district_id, 0), r.code, r.name_fa, r.name_en, r.population,
			       ci.id IS NOT NULL AND ci.retired_at IS NULL, ci.population IS DISTINCT FROM r.population
			FROM city_import_rows r LEFT JOIN cities ci ON ci.id = r.city_id
			WHERE r.import_id = $1 AND r.problems IS NULL ORDER BY r.line`, id)
		if err != nil {
			return nil, err
		}
		type readyRow struct {
			line             int
			city             citycheck.Row
			current, resized bool
		}
		ready, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (readyRow, error) {
			var r readyRow
			c := &r.city
			err := row.Scan(&r.line, &c.CountyID, &c.CityID, &c.DistrictID, &c.Code, &c.NameFa, &c.NameEn, &c.Population, &r.current, &r.resized)
			return r, err
		})
		if err != nil {
			return nil, err
		}
		var stale []int
		resized := map[int64]bool{}
		for _, r := range ready {
			c := r.city
			if c.CityID != 0 {
				if !r.current {
					stale = append(stale, r.line)
					continue
				}
				if _, err := tx.Exec(ctx, `UPDATE cities SET population = $2, version = version + (district_id IS DISTINCT FROM
					coalesce(NULLIF($3, 0), district_id))::int, district_id = coalesce(NULLIF($3, 0), district_id) WHERE id = $1`,
					c.CityID, c.Population, c.DistrictID); err != nil {
					return nil, err
				}
				resized[c.CountyID] = resized[c.CountyID] || r.resized
				updated++
				continue
			}
			switch _, err := insertCity(ctx, tx, c.CountyID, c); {
			case errors.Is(err, errCodeRace):
				return nil, &StaleCityImportError{Lines: append(stale, r.line)}
			case errors.Is(err, ErrExists), errors.Is(err, ErrCityNameTaken):
				stale = append(stale, r.line)
				continue
			case err != nil:
				return nil, err
			}
			added++
		}
		if len(stale) > 0 {
			return nil, &StaleCityImportError{Lines: stale}
		}
		for county, changed := range resized {
			if !changed {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE counties SET sizes_version = sizes_version + 1 WHERE id = $1`, county); err != nil {
				return nil, err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE city_imports SET imported_at = now() WHERE id = $1`, id); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "city.import", Entity: "county", EntityID: imp.CountyCode, ProvinceID: province,
			Detail: map[string]any{"file": imp.FileName, "sha256": imp.FileSHA256, "added": added, "updated": updated}}}, nil
	})
	return added, updated, err
}
