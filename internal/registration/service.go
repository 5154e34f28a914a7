package registration

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

// Service checks candidates' records and stores those that pass.
type Service struct {
	st  *store.Store
	now func() time.Time
}

// New returns the service over st; now is the clock registrations are checked on.
func New(st *store.Store, now func() time.Time) *Service { return &Service{st: st, now: now} }

// Register checks a registration typed by a caller in scope sc, in lang, and stores it when it passes
// every check: the record's own, the law's, one registration per person per election in the whole
// country, and no seat on a board of the same election unless HQ accepted it. It returns the new
// candidate's id, or the problems; an error is a failure of the service itself.
func (s *Service) Register(ctx context.Context, a audit.Actor, sc auth.Scope, lang i18n.Lang, in Input, j Judgement) (int64, Checked, error) {
	c, err := s.Checker(ctx, sc, lang)
	if msg, ok := closed(err); ok {
		return 0, Checked{Problems: Problems{"": msg}}, nil
	}
	if err != nil {
		return 0, Checked{}, err
	}
	r := c.Check(in, j)
	if !r.OK() {
		return 0, r, nil
	}
	id, err := s.st.RegisterCandidate(ctx, a, c.Election, r.Candidate, r.Overrides)
	if msg, overridable, ok := clash(err); ok {
		r.Problems["national_id"] = msg
		r.Overridable = r.Overridable || overridable
		return 0, r, nil
	}
	return id, r, err
}

// clash is the problem of a national ID that the store refused: registered already in the election, or
// on one of its boards (which HQ may accept).
func clash(err error) (msg i18n.Msg, overridable, ok bool) {
	var dup *store.DuplicateError
	var onBoard *store.BoardConflictError
	switch {
	case errors.As(err, &dup):
		return duplicateMsg(*dup), false, true
	case errors.As(err, &onBoard):
		return boardMsg(*onBoard), true, true
	}
	return i18n.Msg{}, false, false
}

func duplicateMsg(d store.DuplicateError) i18n.Msg {
	return i18n.M("err.candidate_duplicate", i18n.ArgName("county", d.CountyFa, d.CountyEn))
}

// boardMsg names the boards in the reader's language: each language's names joined with its own comma.
func boardMsg(b store.BoardConflictError) i18n.Msg {
	return i18n.M("err.candidate_on_board", i18n.ArgName("boards", strings.Join(b.Fa, "، "), strings.Join(b.En, ", ")))
}
