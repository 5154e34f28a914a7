package store

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/auth"
)

// AuditRefs are what one page of the audit log mentions: the records its rows are about and by whom, and
// the places, committees and elections its details name by code.
type AuditRefs struct {
	Boards        []int64
	Candidates    []int64
	Users         []int64
	Elections     []int64
	ElectionCodes []string
	Counties      []string
	Districts     []string
	Cities        []string // by code, as details name them
	CityIDs       []int64  // by id, as the log's subjects name them
	Provinces     []string
	Committees    []string
}

// AuditUser names a user in the log.
type AuditUser struct {
	Username string
	FullName string
}

// PlaceName is a place (or a committee, an election) in both languages; a district or a city carries its
// county's names, since many districts share a name, and a city its own code and its county's, which its
// page's address holds.
type PlaceName struct {
	Fa, En             string
	CountyFa, CountyEn string
	Code, CountyCode   string
	InScope            bool // the reader may open it
}

// AuditNames are the names of AuditRefs. Boards, candidates and users are found only in the reader's
// scope, so that a page names nothing the reader may not see: one missing was removed or is outside the
// scope, and the page shows its number only. Places, committees and elections are reference data and are
// named whatever the scope; InScope says whether a county's page is the reader's to open.
type AuditNames struct {
	Boards     map[int64]Board // with the fields a board's title needs
	Candidates map[int64]string
	Users      map[int64]AuditUser
	Elections  map[string]PlaceName // by id, and by code
	Counties   map[string]PlaceName
	Districts  map[string]PlaceName
	Cities     map[string]PlaceName // by code
	CityIDs    map[int64]PlaceName
	Provinces  map[string]PlaceName
	Committees map[string]PlaceName
}

// AuditNames names what one page of the log mentions, in one query whatever the page holds.
func (s *Store) AuditNames(ctx context.Context, sc auth.Scope, r AuditRefs) (AuditNames, error) {
	n := AuditNames{Boards: map[int64]Board{}, Candidates: map[int64]string{}, Users: map[int64]AuditUser{},
		Elections: map[string]PlaceName{}, Counties: map[string]PlaceName{}, Districts: map[string]PlaceName{}, Cities: map[string]PlaceName{},
		CityIDs:   map[int64]PlaceName{},
		Provinces: map[string]PlaceName{}, Committees: map[string]PlaceName{}}
	rows, err := s.pool.Query(ctx, `
		SELECT 'board', b.id::text, b.level, c.name_fa, c.name_en, coalesce(d.name_fa, ''), coalesce(d.name_en, ''), true
		FROM boards b JOIN counties c ON c.id = b.county_id LEFT JOIN districts d ON d.id = b.district_id
		WHERE b.id = ANY($2) AND ($1 = 0 OR b.province_id = $1)
		UNION ALL
		SELECT 'candidate', k.id::text, '', k.full_name, k.full_name, '', '', true
		FROM candidates k WHERE k.id = ANY($3) AND ($1 = 0 OR k.province_id = $1)
		UNION ALL
		SELECT 'user', u.id::text, u.username, u.full_name, u.full_name, '', '', true
		FROM users u WHERE u.id = ANY($4) AND ($1 = 0 OR u.province_id = $1)
		UNION ALL
		SELECT 'election', e.id::text, e.code, e.title_fa, e.title_en, '', '', true
		FROM elections e WHERE e.id = ANY($5) OR e.code = ANY($6)
		UNION ALL
		SELECT 'county', c.code, '', c.name_fa, c.name_en, '', '', $1 = 0 OR c.province_id = $1
		FROM counties c WHERE c.code = ANY($7)
		UNION ALL
		SELECT 'district', d.code, '', d.name_fa, d.name_en, c.name_fa, c.name_en, $1 = 0 OR c.province_id = $1
		FROM districts d JOIN counties c ON c.id = d.county_id WHERE d.code = ANY($8)
		UNION ALL
		SELECT 'city', ci.code, c.code, ci.name_fa, ci.name_en, c.name_fa, c.name_en, $1 = 0 OR c.province_id = $1
		FROM cities ci JOIN counties c ON c.id = ci.county_id WHERE ci.code = ANY($11)
		UNION ALL
		SELECT 'city_id', ci.id::text, c.code || '/' || ci.code, ci.name_fa, ci.name_en, c.name_fa, c.name_en,
		       $1 = 0 OR c.province_id = $1
		FROM cities ci JOIN counties c ON c.id = ci.county_id WHERE ci.id = ANY($12)
		UNION ALL
		SELECT 'province', p.code, '', p.name_fa, p.name_en, '', '', $1 = 0 OR p.id = $1
		FROM provinces p WHERE p.code = ANY($9)
		UNION ALL
		SELECT 'committee', k.key, '', k.name_fa, k.name_en, '', '', true
		FROM committees k WHERE k.key = ANY($10)`,
		sc.ProvinceID, r.Boards, r.Candidates, r.Users, r.Elections, r.ElectionCodes, r.Counties, r.Districts, r.Provinces,
		r.Committees, r.Cities, r.CityIDs)
	if err != nil {
		return n, err
	}
	var kind, key, extra, fa, en, parentFa, parentEn string
	var inScope bool
	_, err = pgx.ForEachRow(rows, []any{&kind, &key, &extra, &fa, &en, &parentFa, &parentEn, &inScope}, func() error {
		id, _ := strconv.ParseInt(key, 10, 64)
		place := PlaceName{Fa: fa, En: en, CountyFa: parentFa, CountyEn: parentEn, InScope: inScope}
		switch kind {
		case "board":
			n.Boards[id] = Board{ID: id, Level: extra, CountyFa: fa, CountyEn: en, DistrictFa: parentFa, DistrictEn: parentEn}
		case "candidate":
			n.Candidates[id] = fa
		case "user":
			n.Users[id] = AuditUser{Username: extra, FullName: fa}
		case "election":
			n.Elections[key], n.Elections[extra] = place, place
		case "county":
			n.Counties[key] = place
		case "district":
			n.Districts[key] = place
		case "city":
			place.Code, place.CountyCode = key, extra
			n.Cities[key] = place
		case "city_id":
			place.CountyCode, place.Code, _ = strings.Cut(extra, "/")
			n.CityIDs[id] = place
		case "province":
			n.Provinces[key] = place
		case "committee":
			n.Committees[key] = place
		}
		return nil
	})
	return n, err
}
