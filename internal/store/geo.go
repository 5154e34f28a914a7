package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
)

// Province is a row of provinces.
type Province struct {
	ID     int64
	Code   string
	NameFa string
	NameEn string
}

// County is a county with its province and the number of its districts the caller can see.
type County struct {
	ID           int64
	Code         string
	NameFa       string
	NameEn       string
	ProvinceCode string
	ProvinceFa   string
	ProvinceEn   string
	Districts    int
	Cities       int // in use (not retired), in the caller's scope
	SizesVersion int // of its cities' populations and its districts' households, which are saved together
}

// District is a row of districts with its county's names.
type District struct {
	ID         int64
	Code       string
	NameFa     string
	NameEn     string
	CountyFa   string
	CountyEn   string
	Households *int // of its villages, for the education a village constituency needs; nil when unknown
}

// byName orders a list of places for its reader: by the Persian name in Persian alphabetical order (پ
// after ب, گ after ک, which byte order puts after ی), or by the English name for a reader of English. The
// language is the request's (i18n.From: Persian when none was set, as in the seed and the command line).
// The collations are ICU's, which migration 0008 makes sure the server has.
func byName(ctx context.Context, fa, en string) string {
	if i18n.From(ctx) == i18n.En {
		return en + ` COLLATE "en-x-icu"`
	}
	return fa + ` COLLATE "fa-IR-x-icu"`
}

// scopeArgs is the common argument list of scoped queries: $1 province, $2 county, $3 district (0 = any).
func scopeArgs(sc auth.Scope) []any { return []any{sc.ProvinceID, sc.CountyID, sc.DistrictID} }

// scopeOn writes the conditions of the caller's scope ($1 province, $2 county, $3 district) on the columns
// that hold them, as the query for that shape of scope (optional).
func scopeOn(sc auth.Scope, province, county, district string) string {
	return " " + optional(sc.ProvinceID != 0, province+" = $1", "$1 = 0") +
		" AND " + optional(sc.CountyID != 0, county+" = $2", "$2 = 0") +
		" AND " + optional(sc.DistrictID != 0, district+" = $3", "$3 = 0") + " "
}

// pageOf writes the LIMIT and OFFSET of a page of size rows from offset, adding the offset to args. The
// size is the program's own number, written as a literal; so is the first page's offset, none: the generic
// plan of a prepared statement takes a parameter's LIMIT for a tenth of the table and a parameter's OFFSET for
// rows to skip, and, planned dearer than the first page's plans, it would never be chosen: every first page
// would be planned anew.
func pageOf(size, offset int, args *[]any) string {
	if offset == 0 {
		return ` LIMIT ` + strconv.Itoa(size)
	}
	*args = append(*args, offset)
	return ` LIMIT ` + strconv.Itoa(size) + ` OFFSET $` + strconv.Itoa(len(*args))
}

// optional writes an optional filter for the request at hand: its condition when it applies, and when it
// does not, its parameter compared with the value that means "any" ($2 = 0), which the planner evaluates
// once, as a whole, before it reads a row. A filter written for both cases, ($2 = 0 OR county_id = $2), is
// estimated in a prepared statement's generic plan to match almost no row, and the joins planned on that
// estimate loop over the table once for each of its rows. Each combination of filters is then a statement
// of its own, planned for the rows it finds.
func optional(applies bool, condition, none string) string {
	if applies {
		return condition
	}
	return none
}

// Counties lists the counties in scope, by province and name in the reader's alphabet.
func (s *Store) Counties(ctx context.Context, sc auth.Scope) ([]County, error) {
	var cs []County
	var b Batch
	b.Counties(ctx, sc, &cs)
	return cs, s.Run(ctx, &b)
}

// Counties queues the Store method of that name.
func (b *Batch) Counties(ctx context.Context, sc auth.Scope, out *[]County) {
	queueList(b, readsPlaces, cacheKey(ctx, "counties", sc), out, nil, func(b *Batch) { b.counties(ctx, sc, out) })
}

func (b *Batch) counties(ctx context.Context, sc auth.Scope, out *[]County) {
	b.queue(`
		SELECT c.id, c.code, c.name_fa, c.name_en, p.code AS province_code, p.name_fa AS province_fa,
		       p.name_en AS province_en,
		       (SELECT count(*) FROM districts d WHERE d.county_id = c.id AND ($3 = 0 OR d.id = $3))::int AS districts,
		       (SELECT count(*) FROM cities ci WHERE ci.county_id = c.id AND ci.retired_at IS NULL
		          AND ($3 = 0 OR ci.district_id = $3))::int AS cities,
		       c.sizes_version
		FROM counties c JOIN provinces p ON p.id = c.province_id
		WHERE ($1 = 0 OR c.province_id = $1) AND ($2 = 0 OR c.id = $2)
		ORDER BY `+byName(ctx, "p.name_fa", "p.name_en")+`, `+byName(ctx, "c.name_fa", "c.name_en"),
		func(rows pgx.Rows) (err error) {
			*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[County])
			return err
		}, scopeArgs(sc)...)
}

// County returns one county in scope by code, with the districts in scope by name in the reader's
// alphabet, or ErrNotFound.
func (s *Store) County(ctx context.Context, sc auth.Scope, code string) (County, []District, error) {
	var c County
	var ds []District
	var b Batch
	b.County(ctx, sc, code, &c, &ds)
	if err := s.Run(ctx, &b); err != nil {
		return County{}, nil, err
	}
	return c, ds, nil
}

// County queues the Store method of that name: Run returns ErrNotFound for a county out of scope.
func (b *Batch) County(ctx context.Context, sc auth.Scope, code string, county *County, districts *[]District) {
	type detail struct {
		c  County
		ds []District
	}
	b.queueCached(readsPlaces, cacheKey(ctx, "county", sc, code),
		func(v any) { *county, *districts = v.(detail).c, copyList(v.(detail).ds, District.copy) },
		func(b *Batch) { b.county(ctx, sc, code, county, districts) },
		func() any { return detail{*county, copyList(*districts, District.copy)} })
}

// copy is the district with its own households (a copy of a kept value).
func (d District) copy() District {
	d.Households = clonePtr(d.Households)
	return d
}

func (b *Batch) county(ctx context.Context, sc auth.Scope, code string, county *County, districts *[]District) {
	b.queue(`
		SELECT c.id, c.code, c.name_fa, c.name_en, p.code, p.name_fa, p.name_en, c.sizes_version,
		       (SELECT count(*) FROM cities ci WHERE ci.county_id = c.id AND ci.retired_at IS NULL
		          AND ($3 = 0 OR ci.district_id = $3))::int,
		       d.id, d.code, d.name_fa, d.name_en, d.households
		FROM counties c JOIN provinces p ON p.id = c.province_id
		LEFT JOIN districts d ON d.county_id = c.id AND ($3 = 0 OR d.id = $3)
		WHERE c.code = $4 AND ($1 = 0 OR c.province_id = $1) AND ($2 = 0 OR c.id = $2)
		ORDER BY `+byName(ctx, "d.name_fa", "d.name_en"), func(rows pgx.Rows) error {
		c, ds, err := readCounty(rows)
		*county, *districts = c, ds
		if errors.Is(err, ErrNotFound) {
			b.missing = true
			return nil
		}
		return err
	}, append(scopeArgs(sc), code)...)
}

// readCounty reads a county's rows, one per district.
func readCounty(rows pgx.Rows) (County, []District, error) {
	var (
		c     County
		ds    []District
		found bool
	)
	for rows.Next() {
		var d struct {
			ID                   *int64
			Code, NameFa, NameEn *string
			Households           *int
		}
		if err := rows.Scan(&c.ID, &c.Code, &c.NameFa, &c.NameEn, &c.ProvinceCode, &c.ProvinceFa, &c.ProvinceEn, &c.SizesVersion, &c.Cities,
			&d.ID, &d.Code, &d.NameFa, &d.NameEn, &d.Households); err != nil {
			return County{}, nil, err
		}
		found = true
		if d.ID != nil {
			ds = append(ds, District{ID: *d.ID, Code: *d.Code, NameFa: *d.NameFa, NameEn: *d.NameEn, CountyFa: c.NameFa, CountyEn: c.NameEn,
				Households: d.Households})
		}
	}
	if err := rows.Err(); err != nil {
		return County{}, nil, err
	}
	if !found {
		return County{}, nil, ErrNotFound
	}
	c.Districts = len(ds)
	return c, ds, nil
}

// Provinces lists the provinces in scope, by name in the reader's alphabet.
func (s *Store) Provinces(ctx context.Context, sc auth.Scope) ([]Province, error) {
	var ps []Province
	var b Batch
	b.Provinces(ctx, sc, &ps)
	return ps, s.Run(ctx, &b)
}

// Provinces queues the Store method of that name.
func (b *Batch) Provinces(ctx context.Context, sc auth.Scope, out *[]Province) {
	queueList(b, readsProvinces, cacheKey(ctx, "provinces", auth.Scope{ProvinceID: sc.ProvinceID}), out, nil,
		func(b *Batch) { b.provinces(ctx, sc, out) })
}

func (b *Batch) provinces(ctx context.Context, sc auth.Scope, out *[]Province) {
	b.queue(`SELECT id, code, name_fa, name_en FROM provinces WHERE ($1 = 0 OR id = $1) ORDER BY `+byName(ctx, "name_fa", "name_en"),
		func(rows pgx.Rows) (err error) {
			*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Province])
			return err
		}, sc.ProvinceID)
}

// Place is a resolved province/county/district, by codes.
type Place struct {
	ProvinceID, CountyID, DistrictID int64
}

// Unknown-code errors name the level that was not found.
var (
	ErrUnknownProvince  = errors.New("unknown province")
	ErrUnknownCounty    = errors.New("unknown county")
	ErrUnknownDistrict  = errors.New("unknown district")
	ErrUnknownCommittee = errors.New("unknown committee")
	ErrPlaceMismatch    = errors.New("the places do not agree")
	ErrCodeClash        = errors.New("reference code belongs to another province or county, or names no county of the province")
)

// ResolvePlace turns codes into ids, filling in parents from children (a district implies its county and
// province). Empty codes are left zero.
func (s *Store) ResolvePlace(ctx context.Context, province, county, district string) (Place, error) {
	var p Place
	var dc, dp, cp int64
	if district != "" {
		err := s.pool.QueryRow(ctx, `
			SELECT d.id, d.county_id, c.province_id FROM districts d JOIN counties c ON c.id = d.county_id
			WHERE d.code = $1`, district).Scan(&p.DistrictID, &dc, &dp)
		if errors.Is(err, pgx.ErrNoRows) {
			return p, fmt.Errorf("%w %q", ErrUnknownDistrict, district)
		} else if err != nil {
			return p, err
		}
	}
	if county != "" {
		err := s.pool.QueryRow(ctx, `SELECT id, province_id FROM counties WHERE code = $1`, county).Scan(&p.CountyID, &cp)
		if errors.Is(err, pgx.ErrNoRows) {
			return p, fmt.Errorf("%w %q", ErrUnknownCounty, county)
		} else if err != nil {
			return p, err
		}
	}
	if province != "" {
		err := s.pool.QueryRow(ctx, `SELECT id FROM provinces WHERE code = $1`, province).Scan(&p.ProvinceID)
		if errors.Is(err, pgx.ErrNoRows) {
			return p, fmt.Errorf("%w %q", ErrUnknownProvince, province)
		} else if err != nil {
			return p, err
		}
	}
	if p.DistrictID != 0 {
		if p.CountyID != 0 && p.CountyID != dc {
			return p, fmt.Errorf("%w: the district %q is not in the county %q", ErrPlaceMismatch, district, county)
		}
		p.CountyID, cp = dc, dp
	}
	if p.CountyID != 0 {
		if p.ProvinceID != 0 && p.ProvinceID != cp {
			where := fmt.Sprintf("county %q", county)
			if county == "" {
				where = fmt.Sprintf("district %q", district)
			}
			return p, fmt.Errorf("%w: the %s is not in the province %q", ErrPlaceMismatch, where, province)
		}
		p.ProvinceID = cp
	}
	return p, nil
}

// Reference is the reference data the seed loads.
type Reference struct {
	Province   Province
	Counties   []County              // Code, NameFa, NameEn
	Districts  map[string][]District // by county code
	Committees []Committee
	Kinds      []ElectionKind
}

// UpsertReference inserts missing reference rows and updates names that changed, in one transaction, and
// records what it changed in the audit log. Rows never disappear: HQ may have added more. Each county
// gets its seat city; the other cities are HQ's.
func (s *Store) UpsertReference(ctx context.Context, a audit.Actor, ref Reference) (changed int, err error) {
	err = s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		changed = 0
		count := func(tag int64) { changed += int(tag) }
		tag, err := tx.Exec(ctx, `
			INSERT INTO provinces (code, name_fa, name_en) VALUES ($1, $2, $3)
			ON CONFLICT (code) DO UPDATE SET name_fa = excluded.name_fa, name_en = excluded.name_en
			WHERE (provinces.name_fa, provinces.name_en) IS DISTINCT FROM (excluded.name_fa, excluded.name_en)`,
			ref.Province.Code, ref.Province.NameFa, ref.Province.NameEn)
		if err != nil {
			return nil, err
		}
		count(tag.RowsAffected())
		var provinceID int64
		if err := tx.QueryRow(ctx, `SELECT id FROM provinces WHERE code = $1`, ref.Province.Code).Scan(&provinceID); err != nil {
			return nil, err
		}
		b := &pgx.Batch{}
		for _, c := range ref.Counties {
			b.Queue(`INSERT INTO counties (province_id, code, name_fa, name_en) VALUES ($1, $2, $3, $4)
				ON CONFLICT (code) DO UPDATE SET name_fa = excluded.name_fa, name_en = excluded.name_en
				WHERE counties.province_id = excluded.province_id
				  AND (counties.name_fa, counties.name_en) IS DISTINCT FROM (excluded.name_fa, excluded.name_en)`,
				provinceID, c.Code, c.NameFa, c.NameEn)
		}
		for _, k := range ref.Committees {
			b.Queue(`INSERT INTO committees (key, name_fa, name_en, position) VALUES ($1, $2, $3, $4)
				ON CONFLICT (key) DO UPDATE SET name_fa = excluded.name_fa, name_en = excluded.name_en, position = excluded.position
				WHERE (committees.name_fa, committees.name_en, committees.position) IS DISTINCT FROM (excluded.name_fa, excluded.name_en, excluded.position)`,
				k.Key, k.NameFa, k.NameEn, k.Position)
			// Every province has the standard committees; a name its HQ has changed stays.
			b.Queue(`INSERT INTO province_committees (province_id, key, name_fa, name_en, position)
				SELECT p.id, $1, $2, $3, $4 FROM provinces p ON CONFLICT DO NOTHING`, k.Key, k.NameFa, k.NameEn, k.Position)
		}
		for _, k := range ref.Kinds {
			b.Queue(`INSERT INTO election_kinds (key, name_fa, name_en, position) VALUES ($1, $2, $3, $4)
				ON CONFLICT (key) DO UPDATE SET name_fa = excluded.name_fa, name_en = excluded.name_en, position = excluded.position
				WHERE (election_kinds.name_fa, election_kinds.name_en, election_kinds.position)
					IS DISTINCT FROM (excluded.name_fa, excluded.name_en, excluded.position)`,
				k.Key, k.NameFa, k.NameEn, k.Position)
		}
		if err := runBatch(ctx, tx, b, count); err != nil {
			return nil, err
		}
		// A code is a slug for the whole country: one that another province already uses is an error, never
		// a silent rename of someone else's county or district.
		var countyCodes, districtCodes, districtCounties []string
		for _, c := range ref.Counties {
			countyCodes = append(countyCodes, c.Code)
		}
		for county, ds := range ref.Districts {
			for _, d := range ds {
				districtCodes, districtCounties = append(districtCodes, d.Code), append(districtCounties, county)
			}
		}
		var clash string
		err = tx.QueryRow(ctx, `
			SELECT coalesce(min(code), '') FROM (
			  SELECT code FROM counties WHERE code = ANY($1) AND province_id <> $2
			  UNION ALL
			  -- a city's code that is not its own county's, or a district's
			  SELECT ci.code FROM cities ci JOIN counties c ON c.id = ci.county_id
			  WHERE ci.code <> c.code AND (ci.code = ANY($1) OR ci.code = ANY($3))
			  UNION ALL
			  SELECT x.code FROM unnest($3::text[], $4::text[]) AS x(code, county)
			  LEFT JOIN counties c ON c.code = x.county AND c.province_id = $2
			  LEFT JOIN districts d ON d.code = x.code
			  WHERE c.id IS NULL OR (d.id IS NOT NULL AND d.county_id <> c.id)
			) clashes`, countyCodes, provinceID, districtCodes, districtCounties).Scan(&clash)
		if err != nil {
			return nil, err
		}
		if clash != "" {
			return nil, fmt.Errorf("%w: %q", ErrCodeClash, clash)
		}
		b = &pgx.Batch{}
		for county, ds := range ref.Districts {
			for _, d := range ds {
				b.Queue(`INSERT INTO districts (county_id, code, name_fa, name_en)
					SELECT id, $2, $3, $4 FROM counties WHERE code = $1
					ON CONFLICT (code) DO UPDATE SET name_fa = excluded.name_fa, name_en = excluded.name_en
					WHERE (districts.name_fa, districts.name_en) IS DISTINCT FROM (excluded.name_fa, excluded.name_en)`,
					county, d.Code, d.NameFa, d.NameEn)
			}
		}
		if err := runBatch(ctx, tx, b, count); err != nil {
			return nil, err
		}
		// Each county has its seat among its cities, with the county's code and names, in its central
		// district: a county new to the reference gets it here. HQ's renames of a seat are kept.
		tag, err = tx.Exec(ctx, `
			INSERT INTO cities (county_id, district_id, code, name_fa, name_en)
			SELECT c.id, d.id, c.code, c.name_fa, c.name_en
			FROM counties c LEFT JOIN districts d ON d.county_id = c.id AND d.code = c.code || '-central'
			WHERE c.province_id = $1 AND NOT EXISTS (SELECT 1 FROM cities ci WHERE ci.code = c.code)
			ORDER BY c.id`, provinceID)
		if err != nil {
			return nil, err
		}
		count(tag.RowsAffected())
		if changed == 0 {
			return nil, nil
		}
		return []audit.Entry{{
			Action: "reference.load", Entity: "province", EntityID: ref.Province.Code, ProvinceID: provinceID,
			Detail: map[string]int{"rows_changed": changed},
		}}, nil
	})
	return changed, err
}

func runBatch(ctx context.Context, tx pgx.Tx, b *pgx.Batch, count func(int64)) error {
	if b.Len() == 0 {
		return nil
	}
	br := tx.SendBatch(ctx, b)
	for range b.Len() {
		tag, err := br.Exec()
		if err != nil {
			br.Close()
			return err
		}
		count(tag.RowsAffected())
	}
	return br.Close()
}

// Districts lists the districts in scope, by county then name in the reader's alphabet.
func (s *Store) Districts(ctx context.Context, sc auth.Scope) ([]District, error) {
	var ds []District
	var b Batch
	b.Districts(ctx, sc, &ds)
	return ds, s.Run(ctx, &b)
}

// Districts queues the Store method of that name.
func (b *Batch) Districts(ctx context.Context, sc auth.Scope, out *[]District) {
	queueList(b, readsPlaces, cacheKey(ctx, "districts", sc), out, District.copy, func(b *Batch) { b.districts(ctx, sc, out) })
}

func (b *Batch) districts(ctx context.Context, sc auth.Scope, out *[]District) {
	b.queue(`
		SELECT d.id, d.code, d.name_fa, d.name_en, c.name_fa, c.name_en, d.households
		FROM districts d JOIN counties c ON c.id = d.county_id
		WHERE ($1 = 0 OR c.province_id = $1) AND ($2 = 0 OR c.id = $2) AND ($3 = 0 OR d.id = $3)
		ORDER BY `+byName(ctx, "c.name_fa", "c.name_en")+`, `+byName(ctx, "d.name_fa", "d.name_en"),
		func(rows pgx.Rows) (err error) {
			*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[District])
			return err
		}, scopeArgs(sc)...)
}

// SetSizes records the populations of a county's cities and the households of its districts' villages
// (nil: unknown), by code, within the caller's scope, if nobody saved the county's sizes since version;
// otherwise it returns ErrConflict and changes nothing. A retired city keeps its population. What it
// replaces is read under the county's row lock in the same transaction as the change and its audit row, so
// two saves never interleave and the audit log's "before" is what the save replaced. The audit record
// names each size by its city's or district's code (codes are shared by both, so never ambiguous).
func (s *Store) SetSizes(ctx context.Context, a audit.Actor, sc auth.Scope, code string, version int, populations,
	households map[string]*int) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var id, province int64
		var v int
		err := tx.QueryRow(ctx, `SELECT id, province_id, sizes_version FROM counties
			WHERE code = $1 AND ($2 = 0 OR province_id = $2) AND ($3 = 0 OR id = $3) FOR UPDATE`,
			code, sc.ProvinceID, sc.CountyID).Scan(&id, &province, &v)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if v != version {
			return nil, ErrConflict
		}
		type size struct {
			table string
			id    int64
			code  string
			n     *int
			to    map[string]*int
		}
		rows, err := tx.Query(ctx, `
			SELECT 'cities', id, code, population FROM cities
			WHERE county_id = $1 AND retired_at IS NULL AND ($2 = 0 OR district_id = $2)
			UNION ALL
			SELECT 'districts', id, code, households FROM districts WHERE county_id = $1 AND ($2 = 0 OR id = $2)`, id, sc.DistrictID)
		if err != nil {
			return nil, err
		}
		sizes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (size, error) {
			var z size
			err := r.Scan(&z.table, &z.id, &z.code, &z.n)
			return z, err
		})
		if err != nil {
			return nil, err
		}
		before, after := map[string]any{}, map[string]any{}
		for _, z := range sizes {
			to, column := populations, "population"
			if z.table == "districts" {
				to, column = households, "households"
			}
			n, ok := to[z.code]
			if !ok {
				continue
			}
			before[z.code], after[z.code] = z.n, n
			// table and column are one of two constants each, never input.
			if _, err := tx.Exec(ctx, `UPDATE `+z.table+` SET `+column+` = $2 WHERE id = $1`, z.id, n); err != nil {
				return nil, err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE counties SET sizes_version = sizes_version + 1 WHERE id = $1`, id); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "county.sizes", Entity: "county", EntityID: code, ProvinceID: province,
			Detail: audit.Change{Before: before, After: after}}}, nil
	})
}

// MissingSize is a constituency whose size HQ has not recorded: a city without its population, or a
// district without its villages' households.
type MissingSize struct {
	Kind       string // "city" or "village"
	Code       string
	NameFa     string
	NameEn     string
	CountyCode string
	CountyFa   string
	CountyEn   string
}

// MissingSizes counts the constituencies in scope whose size is missing (cities in use without a
// population, districts without households) and lists the first limit of each kind, by county and name
// in the reader's alphabet, in one query.
func (s *Store) MissingSizes(ctx context.Context, sc auth.Scope, limit int) (cities, villages int, first []MissingSize, err error) {
	var m Missing
	var b Batch
	b.MissingSizes(ctx, sc, limit, &m)
	err = s.Run(ctx, &b)
	return m.Cities, m.Villages, m.First, err
}

// Missing is what MissingSizes finds: how many constituencies of each kind lack their size, and the first
// of them.
type Missing struct {
	Cities, Villages int
	First            []MissingSize
}

// MissingSizes queues the Store method of that name.
func (b *Batch) MissingSizes(ctx context.Context, sc auth.Scope, limit int, out *Missing) {
	b.queueCached(readsPlaces, cacheKey(ctx, "missing-sizes", sc, strconv.Itoa(limit)),
		func(v any) { *out = v.(Missing).copy() },
		func(b *Batch) { b.missingSizes(ctx, sc, limit, out) },
		func() any { return out.copy() })
}

func (m Missing) copy() Missing {
	m.First = slices.Clone(m.First)
	return m
}

func (b *Batch) missingSizes(ctx context.Context, sc auth.Scope, limit int, out *Missing) {
	b.queue(`
		SELECT kind, code, name_fa, name_en, county_code, county_fa, county_en, total::int FROM (
		  SELECT x.*, count(*) OVER (PARTITION BY kind) AS total,
		         row_number() OVER (PARTITION BY kind ORDER BY `+byName(ctx, "county_fa", "county_en")+`, `+byName(ctx, "name_fa", "name_en")+`) AS n
		  FROM (
		    SELECT 'city' AS kind, ci.code, ci.name_fa, ci.name_en, c.code AS county_code, c.name_fa AS county_fa, c.name_en AS county_en
		    FROM cities ci JOIN counties c ON c.id = ci.county_id
		    WHERE ci.population IS NULL AND ci.retired_at IS NULL AND`+cityScope+`
		    UNION ALL
		    SELECT 'village', d.code, d.name_fa, d.name_en, c.code, c.name_fa, c.name_en
		    FROM districts d JOIN counties c ON c.id = d.county_id
		    WHERE d.households IS NULL AND ($1 = 0 OR c.province_id = $1) AND ($2 = 0 OR c.id = $2) AND ($3 = 0 OR d.id = $3)
		  ) x
		) y WHERE n <= $4 ORDER BY kind, n`, func(rows pgx.Rows) error {
		var m MissingSize
		var total int
		_, err := pgx.ForEachRow(rows, []any{&m.Kind, &m.Code, &m.NameFa, &m.NameEn, &m.CountyCode, &m.CountyFa, &m.CountyEn, &total}, func() error {
			if m.Kind == "city" {
				out.Cities = total
			} else {
				out.Villages = total
			}
			out.First = append(out.First, m)
			return nil
		})
		return err
	}, append(scopeArgs(sc), limit)...)
}
