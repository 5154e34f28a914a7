package store

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
)

// Committee is a committee of a province (province_committees, migration 0024): the standard ones every
// province starts with (the committees table, which the seed keeps) and those its HQ adds.
type Committee struct {
	ProvinceID int64
	Key        string
	NameFa     string
	NameEn     string
	Position   int
	Version    int
}

// ElectionKind is a row of election_kinds.
type ElectionKind struct {
	Key      string
	NameFa   string
	NameEn   string
	Position int
}

// Election is a row of elections.
type Election struct {
	ID          int64
	Code        string
	Kind        string
	ParentKind  string
	TitleFa     string
	TitleEn     string
	ElectionDay time.Time
	IsCurrent   bool
}

// Committees lists the committees of a province in display order.
func (s *Store) Committees(ctx context.Context, provinceID int64) ([]Committee, error) {
	var cs []Committee
	var b Batch
	b.Committees(provinceID, &cs)
	return cs, s.Run(ctx, &b)
}

// Committees queues the Store method of that name.
func (b *Batch) Committees(provinceID int64, out *[]Committee) {
	key := "committees " + strconv.FormatInt(provinceID, 10)
	queueList(b, readsCommittees, key, out, nil, func(b *Batch) { b.committees(provinceID, out) })
}

func (b *Batch) committees(provinceID int64, out *[]Committee) {
	b.queue(`SELECT province_id, key, name_fa, name_en, position, version FROM province_committees
		WHERE province_id = $1 ORDER BY position, key`, func(rows pgx.Rows) (err error) {
		*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Committee])
		return err
	}, provinceID)
}

const electionCols = `id, code, kind, coalesce(parent_kind, ''), title_fa, title_en, election_day, is_current`

// elections lists every election, from the cache: there are a few. The list is shared: the callers copy
// out the one they need.
func (s *Store) elections(ctx context.Context) ([]Election, error) {
	return cached(ctx, s, readsElections, "elections", func(ctx context.Context) ([]Election, error) {
		rows, err := s.pool.Query(ctx, `SELECT `+electionCols+` FROM elections ORDER BY id`)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowToStructByPos[Election])
	})
}

// CurrentElection returns the election most pages work on, or ErrNotFound when none is current.
func (s *Store) CurrentElection(ctx context.Context) (Election, error) {
	return s.electionWhere(ctx, func(e Election) bool { return e.IsCurrent })
}

// electionWhere returns the election that is, or ErrNotFound.
func (s *Store) electionWhere(ctx context.Context, is func(Election) bool) (Election, error) {
	es, err := s.elections(ctx)
	if err != nil {
		return Election{}, err
	}
	if i := slices.IndexFunc(es, is); i >= 0 {
		return es[i], nil
	}
	return Election{}, ErrNotFound
}

// NewElection is what AddElection needs.
type NewElection struct {
	Code        string
	Kind        string
	ParentKind  string // for a by-election
	TitleFa     string
	TitleEn     string
	ElectionDay time.Time
	Current     bool
}

// Errors of AddElection.
var (
	ErrUnknownKind = errors.New("unknown election kind")
	ErrParentKind  = errors.New("a by-election needs the kind it follows (councils, majlis or presidential); other kinds take none")
)

// AddElection creates an election and, if asked, makes it the current one. An election with the same
// code is left as it is and ErrExists returned with its id, so the seed can run again.
func (s *Store) AddElection(ctx context.Context, a audit.Actor, e NewElection) (int64, error) {
	var id int64
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var known, parentKnown bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM election_kinds WHERE key = $1),
			EXISTS (SELECT 1 FROM election_kinds WHERE key = $2 AND key <> 'by_election')`, e.Kind, e.ParentKind).Scan(&known, &parentKnown); err != nil {
			return nil, err
		}
		if !known {
			return nil, ErrUnknownKind
		}
		if (e.Kind == "by_election") != parentKnown || (e.Kind != "by_election" && e.ParentKind != "") {
			return nil, ErrParentKind
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO elections (code, kind, parent_kind, title_fa, title_en, election_day)
			VALUES ($1, $2, NULLIF($3, ''), $4, $5, $6)
			ON CONFLICT (code) DO NOTHING RETURNING id`,
			e.Code, e.Kind, e.ParentKind, e.TitleFa, e.TitleEn, e.ElectionDay).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			if err := tx.QueryRow(ctx, `SELECT id FROM elections WHERE code = $1`, e.Code).Scan(&id); err != nil {
				return nil, err
			}
			return nil, ErrExists
		}
		if err != nil {
			return nil, err
		}
		if e.Current {
			if err := setCurrent(ctx, tx, id); err != nil {
				return nil, err
			}
		}
		return []audit.Entry{{
			Action: "election.create", Entity: "election", EntityID: strconv.FormatInt(id, 10),
			Detail: audit.Change{After: map[string]any{
				"code": e.Code, "kind": e.Kind, "parent_kind": e.ParentKind, "title_fa": e.TitleFa, "title_en": e.TitleEn,
				"election_day": e.ElectionDay.Format(time.DateOnly), "current": e.Current,
			}},
		}}, nil
	})
	return id, err
}

func setCurrent(ctx context.Context, tx pgx.Tx, id int64) error {
	if _, err := tx.Exec(ctx, `UPDATE elections SET is_current = false WHERE is_current AND id <> $1`, id); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE elections SET is_current = true WHERE id = $1`, id)
	return err
}
