// Package composition is the one checking path of the people who compose an executive board: a member
// typed into the form or chosen from the board's pool, a pool entry typed into its form or read from a
// file. Each is turned into a checked boardrules.Member, or into what is wrong with it field by field, by
// the same rules and with the same messages, and only a checked one reaches the store. The handlers parse
// and render, so the pool import cannot drift from the pool form, nor a member taken from the pool from a
// typed one.
package composition

import (
	"context"
	"errors"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/boardrules"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

// Service checks the people of a board and hands the checked ones to the store.
type Service struct{ st *store.Store }

// New returns the service over st.
func New(st *store.Store) *Service { return &Service{st: st} }

// Problems are what is wrong with an entry, by form field ("" for the entry as a whole), as messages.
// None means the entry was checked and saved.
type Problems map[string]i18n.Msg

func keyProblems(errs boardrules.FieldErrors) Problems {
	p := make(Problems, len(errs))
	for field, key := range errs {
		p[field] = i18n.M(key)
	}
	return p
}

// checkMember turns a typed member into a checked one. A chair's office follows from the board (a
// governor chairs a county board, a district head a district board) when it was left empty.
func checkMember(d store.BoardDetail, typed boardrules.Member) (boardrules.Member, Problems) {
	if typed.Role == boardrules.Chair && typed.Office == "" {
		typed.Office = d.Rule.ChairOffice
	}
	m, errs := boardrules.CleanMember(typed, true)
	return m, keyProblems(errs)
}

// checkPoolEntry turns a typed pool entry (a form's or a file row's) into a checked one: a pool entry has
// no seat, office or notes.
func checkPoolEntry(typed boardrules.Member) (boardrules.Member, Problems) {
	m, errs := boardrules.CleanMember(typed, false)
	return m, keyProblems(errs)
}

// isCandidate is the problem of a person who is a candidate in the board's election.
func isCandidate(e *store.CandidateError) i18n.Msg {
	return i18n.M("err.is_candidate", i18n.ArgName("county", e.CountyFa, e.CountyEn))
}

// poolFull is the problem of an entry for a pool that holds as many as its rule asks.
func poolFull(d store.BoardDetail) i18n.Msg {
	return i18n.M("err.pool_full", i18n.ArgNum("size", d.Rule.PoolSize))
}

// refused turns what the store refuses about a person into the problem of its field; other errors are
// the caller's. taken is the message for a national ID already there.
func refused(err error, taken string, d store.BoardDetail) (Problems, error) {
	var ce *store.CandidateError
	switch {
	case err == nil:
		return nil, nil
	case errors.As(err, &ce):
		return Problems{"national_id": isCandidate(ce)}, nil
	case errors.Is(err, store.ErrExists):
		return Problems{"national_id": i18n.M(taken)}, nil
	case errors.Is(err, store.ErrPoolFull):
		return Problems{"": poolFull(d)}, nil
	}
	return nil, err
}

// AddMember checks a typed member and adds it to board d.
func (s *Service) AddMember(ctx context.Context, a audit.Actor, sc auth.Scope, d store.BoardDetail, typed boardrules.Member) (Problems, error) {
	m, p := checkMember(d, typed)
	if len(p) > 0 {
		return p, nil
	}
	_, err := s.st.AddMember(ctx, a, sc, d.ID, m)
	return refused(err, "err.national_id_on_board", d)
}

// AddMemberFromPool makes the entry poolID of board d's approved pool a trusted member or an alternate
// (role), with the name, father's name, national ID and phone of the entry: nothing is typed twice. The
// entry must be this board's (another board's is "not in this pool", never copied across), and the pool
// approved. Problems are given for the fields of the form that picks: pool and role.
func (s *Service) AddMemberFromPool(ctx context.Context, a audit.Actor, sc auth.Scope, d store.BoardDetail, poolID int64, role string) (Problems, error) {
	p := Problems{}
	if role != boardrules.Trusted && role != boardrules.Alternate {
		p["role"] = i18n.M("err.pool_role")
	}
	var entry *store.PoolMember
	for i := range d.Pool {
		if d.Pool[i].ID == poolID {
			entry = &d.Pool[i]
		}
	}
	switch {
	case entry == nil:
		p["pool"] = i18n.M("err.pool_entry_unknown")
	case d.PoolApprovedOn == nil:
		p["pool"] = i18n.M("err.pool_not_approved_yet")
	}
	if len(p) > 0 {
		return p, nil
	}
	typed := entry.Member
	typed.Role = role
	found, err := s.AddMember(ctx, a, sc, d, typed)
	// The person's fields are the pool entry's here: what is wrong with them is the chosen entry's.
	for field, msg := range found {
		if field == "role" || field == "" {
			p[field] = msg
		} else {
			p["pool"] = msg
		}
	}
	return p, err
}

// UpdateMember checks a member's typed values and saves them if nobody changed the member since version
// (else store.ErrConflict).
func (s *Service) UpdateMember(ctx context.Context, a audit.Actor, sc auth.Scope, d store.BoardDetail, memberID int64, version int,
	typed boardrules.Member) (Problems, error) {
	m, p := checkMember(d, typed)
	if len(p) > 0 {
		return p, nil
	}
	return refused(s.st.UpdateMember(ctx, a, sc, d.ID, memberID, version, m), "err.national_id_on_board", d)
}

// AddPoolEntry checks a typed pool entry and adds it to board d's pool.
func (s *Service) AddPoolEntry(ctx context.Context, a audit.Actor, sc auth.Scope, d store.BoardDetail, typed boardrules.Member) (Problems, error) {
	m, p := checkPoolEntry(typed)
	if len(p) > 0 {
		return p, nil
	}
	return refused(s.st.AddPoolMember(ctx, a, sc, d.ID, m), "err.national_id_in_pool", d)
}
