package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audience"
	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
)

// The committees' work (migration 0024 and after): the committees of each province, and the places that a
// circular, a task or a training session is addressed to. An item is its committee's, in its province;
// the places it reaches are counties and districts of that province, each a row of the item's own table
// (a circular's receipts, a task's assignees, a session's invitees) made from the audience by
// audiencePlaces in the transaction that publishes it.

// audiencePlaces turns an audience into the places of the province it reaches: its counties (DistrictID
// 0) and, with districts, theirs, ordered by county then district. A county named that is not of the province is ErrUnknownCounty.
func audiencePlaces(ctx context.Context, tx pgx.Tx, provinceID int64, a audience.Audience) ([]Place, error) {
	rows, err := tx.Query(ctx, `
		WITH chosen AS (
			SELECT c.id FROM counties c WHERE c.province_id = $1 AND ($2 OR c.code = ANY ($3::text[]))
		)
		SELECT $1::bigint, id, 0::bigint FROM chosen
		UNION ALL
		SELECT $1, d.county_id, d.id FROM districts d JOIN chosen ON chosen.id = d.county_id WHERE $4
		ORDER BY 2, 3`, provinceID, a.Province, a.Counties, a.WithDistricts)
	if err != nil {
		return nil, err
	}
	places, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Place])
	if err != nil {
		return nil, err
	}
	counties := 0
	for _, p := range places {
		if p.DistrictID == 0 {
			counties++
		}
	}
	if counties == 0 || !a.Province && counties != len(a.Counties) {
		return nil, fmt.Errorf("%w in the audience", ErrUnknownCounty)
	}
	return places, nil
}

// CommitteeMember is a user of the committee role in a province, on a committee (Committee, its key) or
// on none ("").
type CommitteeMember struct {
	ID         int64
	Username   string
	FullName   string
	Committee  string
	DisabledAt *time.Time
}

// CommitteeMembers lists the committee-role users of a province, on a committee or not, by name.
func (s *Store) CommitteeMembers(ctx context.Context, provinceID int64) ([]CommitteeMember, error) {
	var ms []CommitteeMember
	var b Batch
	b.CommitteeMembers(provinceID, &ms)
	return ms, s.Run(ctx, &b)
}

// CommitteeMembers queues the Store method of that name.
func (b *Batch) CommitteeMembers(provinceID int64, out *[]CommitteeMember) {
	b.queue(`
		SELECT id, username, full_name, coalesce(committee_key, ''), disabled_at FROM users
		WHERE role = 'committee' AND province_id = $1 ORDER BY full_name, username`, func(rows pgx.Rows) (err error) {
		*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[CommitteeMember])
		return err
	}, provinceID)
}

// CommitteeNames are a committee's names in both languages.
type CommitteeNames struct {
	NameFa, NameEn string
}

// CreateCommittee adds a committee to the caller's province (an HQ scope), after the others; a key the
// province already has is ErrExists.
func (s *Store) CreateCommittee(ctx context.Context, a audit.Actor, sc auth.Scope, key string, n CommitteeNames) error {
	if sc.ProvinceID == 0 {
		return ErrNotFound
	}
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		_, err := tx.Exec(ctx, `
			INSERT INTO province_committees (province_id, key, name_fa, name_en, position)
			SELECT $1, $2, $3, $4, coalesce(max(position), 0) + 1 FROM province_committees WHERE province_id = $1`,
			sc.ProvinceID, key, n.NameFa, n.NameEn)
		if isUniqueViolation(err) {
			return nil, ErrExists
		}
		if err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "committee.create", Entity: "committee", EntityID: key, ProvinceID: sc.ProvinceID,
			Detail: audit.Change{After: map[string]any{"name_fa": n.NameFa, "name_en": n.NameEn}}}}, nil
	})
}

// RenameCommittee gives a committee of the caller's province new names, if it is still at version; a
// committee the province does not have is ErrNotFound, a stale version ErrConflict.
func (s *Store) RenameCommittee(ctx context.Context, a audit.Actor, sc auth.Scope, key string, version int, n CommitteeNames) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var before CommitteeNames
		var v int
		err := tx.QueryRow(ctx, `
			SELECT name_fa, name_en, version FROM province_committees WHERE province_id = $1 AND key = $2 FOR UPDATE`,
			sc.ProvinceID, key).Scan(&before.NameFa, &before.NameEn, &v)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if v != version {
			return nil, ErrConflict
		}
		if _, err := tx.Exec(ctx, `
			UPDATE province_committees SET name_fa = $3, name_en = $4, version = version + 1 WHERE province_id = $1 AND key = $2`,
			sc.ProvinceID, key, n.NameFa, n.NameEn); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "committee.rename", Entity: "committee", EntityID: key, ProvinceID: sc.ProvinceID,
			Detail: audit.Change{Before: map[string]any{"name_fa": before.NameFa, "name_en": before.NameEn},
				After: map[string]any{"name_fa": n.NameFa, "name_en": n.NameEn}}}}, nil
	})
}

// ErrUserDisabled: a disabled account is put on no committee.
var ErrUserDisabled = errors.New("store: the user's account is disabled")

// SetCommitteeMember puts a committee-role user of the caller's province on the committee key (moving
// him from another), or, with join false, takes him off it: he keeps his account and reads his province,
// and acts on nothing until HQ puts him on a committee again. A user or committee not of the province,
// a user of another role, and taking off one who is not on the committee, are ErrNotFound; putting on a
// disabled account ErrUserDisabled. The change holds from the user's next request, which reads him afresh.
func (s *Store) SetCommitteeMember(ctx context.Context, a audit.Actor, sc auth.Scope, key string, userID int64, join bool) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM province_committees WHERE province_id = $1 AND key = $2)`,
			sc.ProvinceID, key).Scan(&exists); err != nil {
			return nil, err
		}
		if !exists {
			return nil, ErrNotFound
		}
		var before string
		var disabled bool
		err := tx.QueryRow(ctx, `
			SELECT coalesce(committee_key, ''), disabled_at IS NOT NULL FROM users
			WHERE id = $1 AND province_id = $2 AND role = 'committee' FOR UPDATE`,
			userID, sc.ProvinceID).Scan(&before, &disabled)
		if errors.Is(err, pgx.ErrNoRows) || err == nil && !join && before != key {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if join && disabled {
			return nil, ErrUserDisabled
		}
		after, action := key, "committee.member_add"
		if !join {
			after, action = "", "committee.member_remove"
		}
		if before == after {
			return nil, nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET committee_key = NULLIF($2, ''), version = version + 1, updated_at = now() WHERE id = $1`,
			userID, after); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: action, Entity: "user", EntityID: strconv.FormatInt(userID, 10), ProvinceID: sc.ProvinceID,
			Detail: audit.Change{Before: map[string]any{"committee": before}, After: map[string]any{"committee": after}}}}, nil
	})
}
