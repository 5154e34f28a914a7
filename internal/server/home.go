package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/schedule"
	"github.com/setad/setad/internal/store"
	tl "github.com/setad/setad/internal/timeline"
	"github.com/setad/setad/web/home"
	webi "github.com/setad/setad/web/incidents"
	webq "github.com/setad/setad/web/questions"
	webr "github.com/setad/setad/web/readiness"
)

// missingSizesShown is how many constituencies of each kind HQ's home names among those whose size is
// missing; the rest are counted.
const missingSizesShown = 5

// home is the role's home page: the current election and its countdown, the latest move of its day, the
// user's own milestones of the timeline that need him first, and the user's scope; for HQ, the
// constituencies whose size it has yet to record. Its reads travel as one batch, after the current
// election which some of them need.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	var d home.Data
	var b store.Batch
	// The Ministry's reader sees the country's provinces, or the province he chose, as its HQ does.
	choice, ok := s.provinceChosen(w, r)
	if !ok {
		return
	}
	var dash *dashboardRead
	var err error
	if d.Summary, err = s.summaryOf(r, p.Scope); err != nil {
		s.serverError(w, r, err)
		return
	}
	// The timeline: the reader's own milestones (HQ's are the province's, a governor's his county's, a
	// district head's his district's) and election day's latest move, which every reader is told of.
	var (
		pl    tlPlace
		ms    []store.Milestone
		marks []store.Mark
		move  store.ElectionDayMove
	)
	e, err := s.store.CurrentElection(ctx)
	switch {
	case err == nil:
		d.Election = &e
		d.DaysLeft = daysUntil(s.now(), e.ElectionDay)
		b.LatestMove(e.ID, &move)
		if p.Can(auth.ViewDashboard) {
			sc, g := p.Scope, store.ByCounty
			switch {
			case choice.Chosen != nil:
				sc = auth.Scope{ProvinceID: choice.Chosen.ID}
			case p.Role == auth.National:
				g = store.ByProvince
			case p.Scope.CountyID != 0:
				g = store.ByPlace
			}
			if dash, err = s.readDashboard(r, sc, e, g, "", choice); err != nil {
				s.serverError(w, r, err)
				return
			}
		}
		if p.Can(auth.FileChecks) && p.Scope.CountyID != 0 {
			d.ToFile = &webr.ToFileData{Today: tl.Today(s.now())}
			b.ToFileToday(p.Scope, e.ID, d.ToFile.Today, &d.ToFile.Checks)
		}
		if p.Can(auth.MarkMilestones) {
			pl.provinceID = p.Scope.ProvinceID
			if p.Scope.CountyID != 0 {
				pl.county = &store.County{ID: p.Scope.CountyID} // named once the batch has read it
			}
			if p.Scope.DistrictID != 0 {
				b.Districts(ctx, p.Scope, &pl.districts)
			}
			queueTimeline(&b, r, pl, e.ID, &ms, &marks)
		}
		if p.Can(auth.ReviewBoards) {
			b.BoardCounts(p.Scope, e.ID, &d.Review)
			b.ConflictedBoards(p.Scope, e.ID, &d.Conflicts)
		}
		if p.Can(auth.EditBoards) {
			level := "county"
			if p.Role == auth.DistrictHead {
				level = "district"
			}
			b.Boards(ctx, p.Scope, e.ID, store.BoardFilter{Level: level}, &d.Boards, nil)
		}
	case !errors.Is(err, store.ErrNotFound):
		s.serverError(w, r, err)
		return
	}
	if p.Can(auth.EditReference) {
		d.Missing = &store.Missing{}
		b.MissingSizes(ctx, p.Scope, missingSizesShown, d.Missing)
	}
	if p.Can(auth.AckGuidance) {
		d.Guidance = &store.UnackedGuidance{}
		b.UnackedGuidance(p.Scope, d.Guidance)
	}
	if writesGuidance(p) {
		b.CommitteeGuidance(p.Scope, &d.Circulars)
	}
	// A district head's incidents: those his district reported and those that affect it, as his list has them.
	if p.Scope.DistrictID != 0 && p.Can(auth.ViewIncidents) {
		d.Affecting = &webi.AffectingData{}
		b.Incidents(p.Scope, store.IncidentFilter{Open: true, Size: webi.HomeShown}, &d.Affecting.Incidents, &d.Affecting.Total)
	}
	queueHomeTasks(&b, p, s.now(), &d.Tasks)
	if p.Scope.CountyID != 0 {
		b.Counties(ctx, p.Scope, &d.Counties)
	}
	if p.Role == auth.National {
		b.Provinces(ctx, p.Scope, &d.Provinces)
	}
	// The questions waiting for an answer: those put to a member's committee, the province's for HQ.
	if p.Role == auth.HQ || p.Can(auth.AnswerQuestions) && p.Scope.Committee != "" {
		q := &d.Questions
		q.Shown, q.Now = true, s.now()
		b.WaitingQuestions(p.Scope.ProvinceID, p.Scope.Committee, q.Now.Add(-store.WaitingAfter), webq.HomeShown, &q.Questions,
			&q.Open, &q.Waiting)
	}
	if p.Can(auth.ConfirmTrainings) {
		// The sessions of today on, as Tehran counts days.
		b.Invitations(p.Scope, schedule.At(schedule.Day(s.now()), 0, 0), &d.Trainings)
	}
	if err := s.store.Run(ctx, &b); err != nil {
		s.serverError(w, r, err)
		return
	}
	if move.ID != 0 {
		d.Timeline.Move = &move
	}
	if dash != nil {
		d.Dashboard = dash.done(r)
	}
	if len(ms) > 0 {
		if pl.county != nil && len(d.Counties) == 1 {
			pl.county = &d.Counties[0]
		}
		d.Timeline.Items, d.Timeline.More = homeTimeline(timelineSections(p, tl.Today(s.now()), pl, ms, marks, nil))
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
