package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/home"
)

// missingSizesShown is how many constituencies of each kind HQ's home names among those whose size is
// missing; the rest are counted.
const missingSizesShown = 5

// home is the role's home page: the current election and its countdown, and the user's scope; for HQ,
// the constituencies whose size it has yet to record.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	var d home.Data
	var err error
	if d.Summary, err = s.store.Summary(ctx, p.Scope); err != nil {
		s.serverError(w, r, err)
		return
	}
	e, err := s.store.CurrentElection(ctx)
	switch {
	case err == nil:
		d.Election = &e
		d.DaysLeft = daysUntil(s.now(), e.ElectionDay)
		if p.Can(auth.ReviewBoards) {
			if d.Review, err = s.store.BoardCounts(ctx, p.Scope, e.ID); err != nil {
				s.serverError(w, r, err)
				return
			}
			conflicted, err := s.store.Boards(ctx, p.Scope, e.ID, store.BoardFilter{Conflict: true})
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			d.Conflicts = len(conflicted)
		}
		if p.Can(auth.EditBoards) {
			level := "county"
			if p.Role == auth.DistrictHead {
				level = "district"
			}
			if d.Boards, err = s.store.Boards(ctx, p.Scope, e.ID, store.BoardFilter{Level: level}); err != nil {
				s.serverError(w, r, err)
				return
			}
		}
	case !errors.Is(err, store.ErrNotFound):
		s.serverError(w, r, err)
		return
	}
	if p.Can(auth.EditReference) {
		m := &home.MissingSizes{}
		if m.Cities, m.Villages, m.First, err = s.store.MissingSizes(ctx, p.Scope, missingSizesShown); err != nil {
			s.serverError(w, r, err)
			return
		}
		d.Missing = m
	}
	if p.Scope.CountyID != 0 {
		if d.Counties, err = s.store.Counties(ctx, p.Scope); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if p.Role == auth.National {
		if d.Provinces, err = s.store.Provinces(ctx, p.Scope); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, home.Page(d))
}

// daysUntil counts calendar days in Tehran from now to day (a date column, midnight UTC).
func daysUntil(now time.Time, day time.Time) int {
	t := now.In(i18n.Tehran)
	today := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	target := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	return int(target.Sub(today).Hours() / 24)
}
