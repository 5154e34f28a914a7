package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
)

// The election systems of each province (migration 0032): HQ keeps the list, each system owned by one of
// the province's committees, which handles the incidents reported against it. A retired system stays on
// the incidents reported against it, and no new incident names it.

// System is an election system of a province with its owner committee's names.
type System struct {
	ProvinceID  int64
	Key         string
	NameFa      string
	NameEn      string
	Committee   string // the owner committee's key
	CommitteeFa string
	CommitteeEn string
	Position    int
	RetiredAt   *time.Time
	Version     int
}

// Retired reports whether the system is retired: kept on its incidents, offered to none.
func (s System) Retired() bool { return s.RetiredAt != nil }

func (s System) copy() System {
	s.RetiredAt = clonePtr(s.RetiredAt)
	return s
}

// ErrUnknownSystem: a system the province does not have, or has retired.
var ErrUnknownSystem = errors.New("store: unknown election system")

// Systems lists a province's election systems, retired ones too, in display order; province 0 lists the
// systems of every province once by key, as a live one of the lowest province id names it (the Ministry's
// filter, whose incidents are every province's).
func (s *Store) Systems(ctx context.Context, provinceID int64) ([]System, error) {
	var ss []System
	var b Batch
	b.Systems(provinceID, &ss)
	return ss, s.Run(ctx, &b)
}

// Systems queues the Store method of that name; the list is reference data the cache keeps.
func (b *Batch) Systems(provinceID int64, out *[]System) {
	key := "systems " + strconv.FormatInt(provinceID, 10)
	queueList(b, readsSystems, key, out, System.copy, func(b *Batch) { b.systems(provinceID, out) })
}

func (b *Batch) systems(provinceID int64, out *[]System) {
	b.queue(`
		SELECT * FROM (
			SELECT DISTINCT ON (s.key) s.province_id, s.key, s.name_fa, s.name_en, s.owner_committee, k.name_fa AS committee_fa,
			       k.name_en AS committee_en, s.position, s.retired_at, s.version
			FROM election_systems s JOIN province_committees k ON k.province_id = s.province_id AND k.key = s.owner_committee
			WHERE $1 = 0 OR s.province_id = $1
			ORDER BY s.key, s.retired_at IS NOT NULL, s.province_id
		) s ORDER BY s.retired_at IS NOT NULL, s.position, s.key`, func(rows pgx.Rows) (err error) {
		*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[System])
		return err
	}, provinceID)
}

// UpsertSystems gives every province the systems of the list that it lacks (by key), each owned by the
// committee the list names, in the list's order after the province's own: a province that lacks the
// committee is given none of its systems. A system the province has, retired or renamed, is kept as it
// is. It returns how many systems were added; each province that got some is one audit row.
func (s *Store) UpsertSystems(ctx context.Context, a audit.Actor, systems []System) (int64, error) {
	keys := make([]string, len(systems))
	fa := make([]string, len(systems))
	en := make([]string, len(systems))
	owners := make([]string, len(systems))
	for i, sys := range systems {
		keys[i], fa[i], en[i], owners[i] = sys.Key, sys.NameFa, sys.NameEn, sys.Committee
	}
	var added int64
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		rows, err := tx.Query(ctx, `
			WITH added AS (
				INSERT INTO election_systems (province_id, key, name_fa, name_en, owner_committee, position)
				SELECT p.id, x.key, x.name_fa, x.name_en, x.owner,
				       coalesce((SELECT max(position) FROM election_systems e WHERE e.province_id = p.id), 0) + x.n
				FROM provinces p
				CROSS JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY x (key, name_fa, name_en, owner, n)
				JOIN province_committees k ON k.province_id = p.id AND k.key = x.owner
				ON CONFLICT (province_id, key) DO NOTHING
				RETURNING province_id, key)
			SELECT p.id, p.code, count(*)::int, array_agg(a.key ORDER BY a.key)
			FROM added a JOIN provinces p ON p.id = a.province_id GROUP BY p.id, p.code ORDER BY p.code`,
			keys, fa, en, owners)
		if err != nil {
			return nil, err
		}
		var entries []audit.Entry
		var id int64
		var code string
		var n int
		var names []string
		_, err = pgx.ForEachRow(rows, []any{&id, &code, &n, &names}, func() error {
			added += int64(n)
			entries = append(entries, audit.Entry{Action: "system.load", Entity: "province", EntityID: code, ProvinceID: id,
				Detail: map[string]any{"added": n}})
			return nil
		})
		return entries, err
	})
	return added, err
}

// SystemInput is what HQ types for a system: its names and its owner committee's key.
type SystemInput struct {
	NameFa, NameEn, Committee string
}

// committeeOf checks that the province has the committee, else ErrUnknownCommittee.
func committeeOf(ctx context.Context, tx pgx.Tx, provinceID int64, key string) error {
	var ok bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM province_committees WHERE province_id = $1 AND key = $2)`,
		provinceID, key).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return ErrUnknownCommittee
	}
	return nil
}

// AddSystem adds a system to the caller's province (an HQ scope), after the others: a key the province
// has already is ErrExists, a committee it does not have ErrUnknownCommittee.
func (s *Store) AddSystem(ctx context.Context, a audit.Actor, sc auth.Scope, key string, in SystemInput) error {
	if sc.ProvinceID == 0 {
		return ErrNotFound
	}
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		if err := committeeOf(ctx, tx, sc.ProvinceID, in.Committee); err != nil {
			return nil, err
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO election_systems (province_id, key, name_fa, name_en, owner_committee, position)
			SELECT $1, $2, $3, $4, $5, coalesce(max(position), 0) + 1 FROM election_systems WHERE province_id = $1`,
			sc.ProvinceID, key, in.NameFa, in.NameEn, in.Committee)
		if isUniqueViolation(err) {
			return nil, ErrExists
		}
		if err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "system.add", Entity: "system", EntityID: key, ProvinceID: sc.ProvinceID,
			Detail: audit.Change{After: map[string]any{"name_fa": in.NameFa, "name_en": in.NameEn, "committee": in.Committee}}}}, nil
	})
}

// lockSystem reads and locks a system of the caller's province; none is ErrNotFound, another version
// ErrConflict.
func lockSystem(ctx context.Context, tx pgx.Tx, sc auth.Scope, key string, version int) (System, error) {
	var sys System
	err := tx.QueryRow(ctx, `
		SELECT name_fa, name_en, owner_committee, retired_at, version FROM election_systems
		WHERE province_id = $1 AND key = $2 FOR UPDATE`, sc.ProvinceID, key).
		Scan(&sys.NameFa, &sys.NameEn, &sys.Committee, &sys.RetiredAt, &sys.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return sys, ErrNotFound
	}
	if err == nil && sys.Version != version {
		return sys, ErrConflict
	}
	return sys, err
}

// EditSystem gives a system of the caller's province new names and owner, if it is still at version. The
// incidents reported before keep the committee that owned the system then.
func (s *Store) EditSystem(ctx context.Context, a audit.Actor, sc auth.Scope, key string, version int, in SystemInput) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		before, err := lockSystem(ctx, tx, sc, key, version)
		if err != nil {
			return nil, err
		}
		if err := committeeOf(ctx, tx, sc.ProvinceID, in.Committee); err != nil {
			return nil, err
		}
		if before.NameFa == in.NameFa && before.NameEn == in.NameEn && before.Committee == in.Committee {
			return nil, nil
		}
		if _, err := tx.Exec(ctx, `
			UPDATE election_systems SET name_fa = $3, name_en = $4, owner_committee = $5, version = version + 1
			WHERE province_id = $1 AND key = $2`, sc.ProvinceID, key, in.NameFa, in.NameEn, in.Committee); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "system.edit", Entity: "system", EntityID: key, ProvinceID: sc.ProvinceID,
			Detail: audit.Change{
				Before: map[string]any{"name_fa": before.NameFa, "name_en": before.NameEn, "committee": before.Committee},
				After:  map[string]any{"name_fa": in.NameFa, "name_en": in.NameEn, "committee": in.Committee}}}}, nil
	})
}

// RetireSystem retires a system of the caller's province (no new incident names it) or, with retire
// false, restores it, if it is still at version. Retiring a retired system changes nothing.
func (s *Store) RetireSystem(ctx context.Context, a audit.Actor, sc auth.Scope, key string, version int, retire bool) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		before, err := lockSystem(ctx, tx, sc, key, version)
		if err != nil {
			return nil, err
		}
		if before.Retired() == retire {
			return nil, nil
		}
		if _, err := tx.Exec(ctx, `
			UPDATE election_systems SET retired_at = CASE WHEN $3 THEN now() END, version = version + 1
			WHERE province_id = $1 AND key = $2`, sc.ProvinceID, key, retire); err != nil {
			return nil, err
		}
		action := "system.retire"
		if !retire {
			action = "system.restore"
		}
		return []audit.Entry{{Action: action, Entity: "system", EntityID: key, ProvinceID: sc.ProvinceID,
			Detail: audit.Change{Before: map[string]any{"retired": before.Retired()},
				After: map[string]any{"retired": retire, "name_fa": before.NameFa, "name_en": before.NameEn}}}}, nil
	})
}
