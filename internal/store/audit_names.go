package store

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/auth"
)

// AuditRefs are what one page of the audit log mentions: the records its rows are about and by whom, and
// the places, committees and elections its details name by code.
type AuditRefs struct {
	Boards        []int64
	Candidates    []int64
	Users         []int64
	Milestones    []int64
	Tasks         []int64
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

// AuditNames are the names of AuditRefs. Boards, candidates, users, milestones and tasks are found only in the
// reader's scope (a milestone: the law's and the reader's province's), so that a page names nothing the
// reader may not see: one missing was removed or is outside the scope, and the page shows its number
// only. Places, committees and elections are reference data and are named whatever the scope; InScope
// says whether a county's page is the reader's to open.
type AuditNames struct {
	Boards     map[int64]Board // with the fields a board's title needs
	Candidates map[int64]string
	Users      map[int64]AuditUser
	Milestones map[int64]PlaceName  // by their titles
	Tasks      map[int64]string     // by their titles
	Elections  map[string]PlaceName // by id, and by code
	Counties   map[string]PlaceName
	Districts  map[string]PlaceName
	Cities     map[string]PlaceName // by code
	CityIDs    map[int64]PlaceName
	Provinces  map[string]PlaceName
	Committees map[string]PlaceName
}

// AuditNames names what one page of the log mentions: its boards, candidates, users and milestones in one
// query, its places, committees and elections from the cache of reference data (auditDirectory), in one
// round trip.
func (s *Store) AuditNames(ctx context.Context, sc auth.Scope, r AuditRefs) (AuditNames, error) {
	n := AuditNames{Boards: map[int64]Board{}, Candidates: map[int64]string{}, Users: map[int64]AuditUser{}, Milestones: map[int64]PlaceName{},
		Tasks: map[int64]string{}, Elections: map[string]PlaceName{}, Counties: map[string]PlaceName{}, Districts: map[string]PlaceName{}, Cities: map[string]PlaceName{},
		CityIDs:   map[int64]PlaceName{},
		Provinces: map[string]PlaceName{}, Committees: map[string]PlaceName{}}
	var dir *auditDirectory
	var b Batch
	b.queueCached(readsAuditDirectory, "audit-directory", func(v any) { dir = v.(*auditDirectory) },
		func(b *Batch) { b.auditDirectory(&dir) }, func() any { return dir })
	if len(r.Boards)+len(r.Candidates)+len(r.Users)+len(r.Milestones)+len(r.Tasks) > 0 {
		b.queue(`
			SELECT 'board', b.id, b.level, c.name_fa, c.name_en, coalesce(d.name_fa, ''), coalesce(d.name_en, '')
			FROM boards b JOIN counties c ON c.id = b.county_id LEFT JOIN districts d ON d.id = b.district_id
			WHERE b.id = ANY($2) AND `+optional(sc.ProvinceID != 0, "b.province_id = $1", "$1 = 0")+`
			UNION ALL
			SELECT 'candidate', k.id, '', k.full_name, k.full_name, '', ''
			FROM candidates k WHERE k.id = ANY($3) AND `+optional(sc.ProvinceID != 0, "k.province_id = $1", "$1 = 0")+`
			UNION ALL
			SELECT 'user', u.id, u.username, u.full_name, u.full_name, '', ''
			FROM users u WHERE u.id = ANY($4) AND `+optional(sc.ProvinceID != 0, "u.province_id = $1", "$1 = 0")+`
			UNION ALL
			SELECT 'milestone', m.id, '', m.title_fa, m.title_en, '', ''
			FROM milestones m WHERE m.id = ANY($5) AND `+optional(sc.ProvinceID != 0, "(m.province_id IS NULL OR m.province_id = $1)", "$1 = 0")+`
			UNION ALL
			SELECT 'task', t.id, '', t.title, t.title, '', ''
			FROM tasks t WHERE t.id = ANY($6) AND `+optional(sc.ProvinceID != 0, "t.province_id = $1", "$1 = 0"),
			func(rows pgx.Rows) error {
				var kind, extra, fa, en, parentFa, parentEn string
				var id int64
				_, err := pgx.ForEachRow(rows, []any{&kind, &id, &extra, &fa, &en, &parentFa, &parentEn}, func() error {
					switch kind {
					case "board":
						n.Boards[id] = Board{ID: id, Level: extra, CountyFa: fa, CountyEn: en, DistrictFa: parentFa, DistrictEn: parentEn}
					case "candidate":
						n.Candidates[id] = fa
					case "user":
						n.Users[id] = AuditUser{Username: extra, FullName: fa}
					case "milestone":
						n.Milestones[id] = PlaceName{Fa: fa, En: en, InScope: true}
					case "task":
						n.Tasks[id] = fa
					}
					return nil
				})
				return err
			}, sc.ProvinceID, r.Boards, r.Candidates, r.Users, r.Milestones, r.Tasks)
	}
	if err := s.Run(ctx, &b); err != nil {
		return n, err
	}
	inScope := func(province int64) bool { return sc.ProvinceID == 0 || province == sc.ProvinceID }
	named := func(p dirPlace) PlaceName {
		name := p.PlaceName
		name.InScope = inScope(p.province)
		return name
	}
	for _, id := range r.Elections {
		if e, ok := dir.electionIDs[id]; ok {
			n.Elections[e.id], n.Elections[e.code] = e.name, e.name
		}
	}
	for _, code := range r.ElectionCodes {
		if e, ok := dir.elections[code]; ok {
			n.Elections[e.id], n.Elections[e.code] = e.name, e.name
		}
	}
	for _, code := range r.Counties {
		if c, ok := dir.counties[code]; ok {
			n.Counties[code] = named(c)
		}
	}
	for _, code := range r.Districts {
		if d, ok := dir.districts[code]; ok {
			n.Districts[code] = named(d)
		}
	}
	for _, code := range r.Cities {
		if c, ok := dir.cities[code]; ok {
			n.Cities[code] = named(c)
		}
	}
	for _, id := range r.CityIDs {
		if c, ok := dir.cities[dir.cityCodes[id]]; ok {
			n.CityIDs[id] = named(c)
		}
	}
	for _, code := range r.Provinces {
		if p, ok := dir.provinces[code]; ok {
			n.Provinces[code] = named(p)
		}
	}
	for _, key := range r.Committees {
		if k, ok := dir.committees[key]; ok {
			n.Committees[key] = k
		}
	}
	return n, nil
}

// readsAuditDirectory are the tables of auditDirectory.
var readsAuditDirectory = readsPlaces | readsCommittees | tablesOf("committees") | readsElections

// auditDirectory is every place, committee and election by the code that the log's details name it by: reference
// data, kept by the cache, which a page of the log looks its names up in. It is shared by every request
// and never changed once read.
type auditDirectory struct {
	provinces, counties, districts, cities map[string]dirPlace // by code
	cityCodes                              map[int64]string    // a city's code by its id
	committees                             map[string]PlaceName
	elections                              map[string]dirElection // by code
	electionIDs                            map[int64]dirElection
}

// dirPlace is a place's names, a district's and a city's with its county's, and the province it is in.
type dirPlace struct {
	PlaceName
	province int64
}

// dirElection is an election's title, with its id and its code, the two keys that the log names it by.
type dirElection struct {
	id, code string
	name     PlaceName
}

func (b *Batch) auditDirectory(out **auditDirectory) {
	b.queue(`
		SELECT 'province', p.code, '', p.name_fa, p.name_en, '', '', p.id, 0::bigint FROM provinces p
		UNION ALL
		SELECT 'county', c.code, '', c.name_fa, c.name_en, '', '', c.province_id, 0 FROM counties c
		UNION ALL
		SELECT 'district', d.code, '', d.name_fa, d.name_en, c.name_fa, c.name_en, c.province_id, 0
		FROM districts d JOIN counties c ON c.id = d.county_id
		UNION ALL
		SELECT 'city', ci.code, c.code, ci.name_fa, ci.name_en, c.name_fa, c.name_en, c.province_id, ci.id
		FROM cities ci JOIN counties c ON c.id = ci.county_id
		UNION ALL
		SELECT 'committee', k.key, '', k.name_fa, k.name_en, '', '', 0, 0 FROM committees k
		UNION ALL
		SELECT DISTINCT ON (k.key) 'committee', k.key, '', k.name_fa, k.name_en, '', '', 0, 0 FROM province_committees k
		WHERE NOT EXISTS (SELECT 1 FROM committees s WHERE s.key = k.key)
		UNION ALL
		SELECT 'election', e.code, '', e.title_fa, e.title_en, '', '', 0, e.id FROM elections e`,
		func(rows pgx.Rows) error {
			d := &auditDirectory{provinces: map[string]dirPlace{}, counties: map[string]dirPlace{}, districts: map[string]dirPlace{},
				cities: map[string]dirPlace{}, cityCodes: map[int64]string{}, committees: map[string]PlaceName{},
				elections: map[string]dirElection{}, electionIDs: map[int64]dirElection{}}
			var kind, code, extra, fa, en, parentFa, parentEn string
			var province, id int64
			_, err := pgx.ForEachRow(rows, []any{&kind, &code, &extra, &fa, &en, &parentFa, &parentEn, &province, &id}, func() error {
				p := dirPlace{PlaceName{Fa: fa, En: en, CountyFa: parentFa, CountyEn: parentEn}, province}
				switch kind {
				case "province":
					d.provinces[code] = p
				case "county":
					d.counties[code] = p
				case "district":
					d.districts[code] = p
				case "city":
					p.Code, p.CountyCode = code, extra
					d.cities[code] = p
					d.cityCodes[id] = code
				case "committee":
					d.committees[code] = PlaceName{Fa: fa, En: en, InScope: true}
				case "election":
					e := dirElection{id: strconv.FormatInt(id, 10), code: code, name: PlaceName{Fa: fa, En: en, InScope: true}}
					d.elections[code], d.electionIDs[id] = e, e
				}
				return nil
			})
			*out = d
			return err
		})
}
