package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
)

// User is a row of users with the names of its place and committee.
type User struct {
	ID           int64
	Username     string
	FullName     string
	Role         string
	ProvinceID   int64
	CountyID     int64
	DistrictID   int64
	Committee    string
	PasswordHash string
	Lang         string
	LockedUntil  *time.Time
	DisabledAt   *time.Time
	Version      int
	ProvinceCode string
	ProvinceFa   string
	ProvinceEn   string
	CountyCode   string
	CountyFa     string
	CountyEn     string
	DistrictCode string
	DistrictFa   string
	DistrictEn   string
	CommitteeFa  string
	CommitteeEn  string
	SessionEpoch int
}

const userSelect = `
	SELECT u.id, u.username, u.full_name, u.role, coalesce(u.province_id, 0), coalesce(u.county_id, 0),
	       coalesce(u.district_id, 0), coalesce(u.committee_key, ''), u.password_hash, u.lang, u.locked_until,
	       u.disabled_at, u.version,
	       coalesce(p.code, ''), coalesce(p.name_fa, ''), coalesce(p.name_en, ''),
	       coalesce(c.code, ''), coalesce(c.name_fa, ''), coalesce(c.name_en, ''),
	       coalesce(d.code, ''), coalesce(d.name_fa, ''), coalesce(d.name_en, ''),
	       coalesce(k.name_fa, ''), coalesce(k.name_en, ''), u.session_epoch
	FROM users u
	LEFT JOIN provinces p ON p.id = u.province_id
	LEFT JOIN counties c ON c.id = u.county_id
	LEFT JOIN districts d ON d.id = u.district_id
	LEFT JOIN province_committees k ON k.province_id = u.province_id AND k.key = u.committee_key`

func collectUser(rows pgx.Rows) (User, error) {
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[User])
	if errors.Is(err, pgx.ErrNoRows) {
		return u, ErrNotFound
	}
	return u, err
}

// Principal turns a user into the request's principal.
func (u User) Principal() *auth.Principal {
	p := &auth.Principal{
		ID: u.ID, Username: u.Username, FullName: u.FullName, Role: auth.Role(u.Role), Lang: u.Lang,
		Scope: auth.Scope{ProvinceID: u.ProvinceID, CountyID: u.CountyID, DistrictID: u.DistrictID, Committee: u.Committee},
	}
	switch {
	case u.DistrictFa != "":
		p.PlaceFa, p.PlaceEn = "بخش "+u.DistrictFa+"، "+u.CountyFa, u.DistrictEn+" District, "+u.CountyEn
	case u.CountyFa != "":
		p.PlaceFa, p.PlaceEn = u.CountyFa, u.CountyEn
	case u.CommitteeFa != "":
		p.PlaceFa, p.PlaceEn = u.CommitteeFa+"، "+u.ProvinceFa, u.CommitteeEn+", "+u.ProvinceEn
	case u.ProvinceFa != "":
		p.PlaceFa, p.PlaceEn = u.ProvinceFa, u.ProvinceEn
	default:
		p.PlaceFa, p.PlaceEn = "کل کشور", "Whole country"
	}
	return p
}

// UserByUsername returns a user by login name (any case), disabled or not.
func (s *Store) UserByUsername(ctx context.Context, username string) (User, error) {
	rows, err := s.pool.Query(ctx, userSelect+` WHERE lower(u.username) = lower($1)`, username)
	if err != nil {
		return User{}, err
	}
	return collectUser(rows)
}

// ActiveUser returns an enabled user by id, with his password hash (a signed-in request reads its user
// with its session: ReadSession).
func (s *Store) ActiveUser(ctx context.Context, id int64) (User, error) {
	rows, err := s.pool.Query(ctx, userSelect+` WHERE u.id = $1 AND u.disabled_at IS NULL`, id)
	if err != nil {
		return User{}, err
	}
	return collectUser(rows)
}

// Users lists the users in scope (an HQ user's province), by role then name.
func (s *Store) Users(ctx context.Context, sc auth.Scope) ([]User, error) {
	rows, err := s.pool.Query(ctx, userSelect+`
		WHERE ($1 = 0 OR u.province_id = $1) AND ($2 = 0 OR u.county_id = $2) AND ($3 = 0 OR u.district_id = $3)
		ORDER BY u.role, u.username`, scopeArgs(sc)...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[User])
}

// UserInScope returns one user in scope, or ErrNotFound.
func (s *Store) UserInScope(ctx context.Context, sc auth.Scope, id int64) (User, error) {
	rows, err := s.pool.Query(ctx, userSelect+`
		WHERE u.id = $4 AND ($1 = 0 OR u.province_id = $1) AND ($2 = 0 OR u.county_id = $2) AND ($3 = 0 OR u.district_id = $3)`,
		append(scopeArgs(sc), id)...)
	if err != nil {
		return User{}, err
	}
	return collectUser(rows)
}

// userAudit is what the audit log keeps of a user: never the password hash.
func userAudit(u User) map[string]any {
	m := map[string]any{"username": u.Username, "full_name": u.FullName, "role": u.Role, "lang": u.Lang,
		"disabled": u.DisabledAt != nil}
	for k, v := range map[string]string{"province": u.ProvinceCode, "county": u.CountyCode, "district": u.DistrictCode, "committee": u.Committee} {
		if v != "" {
			m[k] = v
		}
	}
	return m
}

// CreateUser adds an account whose place and committee are given as codes and resolved here. A caller
// with a province scope can only create users inside it; ErrNotFound answers a place outside the scope.
func (s *Store) CreateUser(ctx context.Context, a audit.Actor, sc auth.Scope, acc auth.Account, hash string) (int64, error) {
	acc = acc.Normalize()
	place, err := s.ResolvePlace(ctx, acc.Province, acc.County, acc.District)
	if err != nil {
		return 0, err
	}
	role, _ := auth.ParseRole(acc.Role)
	if role == auth.National && sc.ProvinceID != 0 {
		return 0, ErrNotFound
	}
	if sc.ProvinceID != 0 && place.ProvinceID != sc.ProvinceID {
		return 0, ErrNotFound
	}
	// Keep only the levels the role is scoped by; parents come from ResolvePlace.
	_, needC, needD, _ := role.Needs()
	if !needD {
		place.DistrictID = 0
	}
	if !needC && !needD {
		place.CountyID = 0
	}
	if role == auth.National {
		place.ProvinceID = 0
	}
	var id int64
	err = s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		if acc.Committee != "" {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM province_committees WHERE province_id = $1 AND key = $2)`,
				place.ProvinceID, acc.Committee).Scan(&ok); err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("%w %q", ErrUnknownCommittee, acc.Committee)
			}
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO users (username, full_name, role, province_id, county_id, district_id, committee_key, password_hash)
			VALUES ($1, $2, $3, NULLIF($4, 0), NULLIF($5, 0), NULLIF($6, 0), NULLIF($7, ''), $8) RETURNING id`,
			acc.Username, acc.FullName, acc.Role, place.ProvinceID, place.CountyID, place.DistrictID, acc.Committee, hash).Scan(&id)
		if isUniqueViolation(err) {
			return nil, ErrExists
		}
		if err != nil {
			return nil, err
		}
		rows, err := tx.Query(ctx, userSelect+` WHERE u.id = $1`, id)
		if err != nil {
			return nil, err
		}
		stored, err := collectUser(rows)
		if err != nil {
			return nil, err
		}
		return []audit.Entry{{
			Action: "user.create", Entity: "user", EntityID: strconv.FormatInt(id, 10), ProvinceID: place.ProvinceID,
			Detail: audit.Change{After: userAudit(stored)},
		}}, nil
	})
	return id, err
}

// updateUser locks a user in scope, checks its version, applies set (an UPDATE … SET fragment over $1 =
// id) with args, and audits before/after under action.
func (s *Store) updateUser(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, action, set string, args ...any) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		rows, err := tx.Query(ctx, userSelect+`
			WHERE u.id = $4 AND ($1 = 0 OR u.province_id = $1) AND ($2 = 0 OR u.county_id = $2) AND ($3 = 0 OR u.district_id = $3)
			FOR UPDATE OF u`, append(scopeArgs(sc), id)...)
		if err != nil {
			return nil, err
		}
		before, err := collectUser(rows)
		if err != nil {
			return nil, err
		}
		if version != 0 && before.Version != version {
			return nil, ErrConflict
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET `+set+`, version = version + 1, updated_at = now() WHERE id = $1`,
			append([]any{id}, args...)...); err != nil {
			return nil, err
		}
		rows, err = tx.Query(ctx, userSelect+` WHERE u.id = $1`, id)
		if err != nil {
			return nil, err
		}
		after, err := collectUser(rows)
		if err != nil {
			return nil, err
		}
		return []audit.Entry{{
			Action: action, Entity: "user", EntityID: strconv.FormatInt(id, 10), ProvinceID: before.ProvinceID,
			Detail: audit.Change{Before: userAudit(before), After: userAudit(after)},
		}}, nil
	})
}

// SetUserDisabled disables or re-enables a user in scope. A disabled user's sessions stop working at
// their next request.
func (s *Store) SetUserDisabled(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, disabled bool) error {
	if disabled {
		return s.updateUser(ctx, a, sc, id, version, "user.disable", `disabled_at = now(), session_epoch = session_epoch + 1`)
	}
	return s.updateUser(ctx, a, sc, id, version, "user.enable", `disabled_at = NULL, locked_until = NULL`)
}

// ResetPassword sets a new password hash for a user in scope, lifts any lock and ends its sessions.
func (s *Store) ResetPassword(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, hash string) error {
	return s.updateUser(ctx, a, sc, id, version, "user.password_reset",
		`password_hash = $2, locked_until = NULL, session_epoch = session_epoch + 1`, hash)
}

// ChangeOwnPassword sets the signed-in user's own password and ends the user's other sessions.
func (s *Store) ChangeOwnPassword(ctx context.Context, a audit.Actor, hash string) error {
	return s.updateUser(ctx, a, auth.Scope{}, a.ID, 0, "user.password_change", `password_hash = $2, session_epoch = session_epoch + 1`, hash)
}

// SetLang stores a signed-in user's language.
func (s *Store) SetLang(ctx context.Context, a audit.Actor, lang string) error {
	return s.updateUser(ctx, a, auth.Scope{}, a.ID, 0, "user.language", `lang = $2`, lang)
}
