package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/dayinput"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	tl "github.com/setad/setad/internal/timeline"
	"github.com/setad/setad/web/components"
	webtl "github.com/setad/setad/web/timeline"
)

// maxOffset bounds a milestone's offsets from election day, as the table does.
const maxOffset = 400

// keepsMilestone reports whether the reader keeps a milestone: the national HQ the law's, a province's
// HQ the administrative ones of its province.
func keepsMilestone(p *auth.Principal, m store.Milestone) bool {
	if m.Legal {
		return p.Can(auth.EditLaw)
	}
	return p.Can(auth.EditTimeline) && m.ProvinceID == p.Scope.ProvinceID
}

// keeperScope is the scope the store keeps a milestone in: the zero scope the law's, the province's the
// administrative ones.
func keeperScope(m store.Milestone) auth.Scope {
	if m.Legal {
		return auth.Scope{}
	}
	return auth.Scope{ProvinceID: m.ProvinceID}
}

// milestoneTemplate is /timeline/template: the milestones of the current election's kind for every role.
func (s *Server) milestoneTemplate(w http.ResponseWriter, r *http.Request) {
	s.renderMilestoneTemplate(w, r, http.StatusOK, nil, nil, nil)
}

// renderMilestoneTemplate draws the template with HQ's add form and the national HQ's move form as they
// came back, and a refusal to say at the top.
func (s *Server) renderMilestoneTemplate(w http.ResponseWriter, r *http.Request, status int, add, move *components.Form, refused *i18n.Msg) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	d := webtl.TemplateData{Refused: refused}
	e, err := s.store.CurrentElection(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.render(w, r, status, webtl.Template(d))
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	d.Election = &e
	var ms []store.Milestone
	var last store.ElectionDayMove
	var b store.Batch
	b.MilestoneTemplate(ctx, auth.Scope{ProvinceID: p.Scope.ProvinceID}, webtl.KindOf(e), &ms)
	b.LatestMove(e.ID, &last)
	if err := s.store.Run(ctx, &b); err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, m := range ms {
		from, to := tl.Window(e.ElectionDay, m.StartOffset, m.EndOffset)
		d.Rows = append(d.Rows, webtl.TemplateRow{M: m, From: from, To: to, Keeps: keepsMilestone(p, m)})
	}
	if last.ID != 0 {
		d.LastMove = &last
	}
	if p.Can(auth.EditTimeline) {
		if add == nil {
			f := components.NewForm()
			f.Values.Set("level", tl.LevelCounty)
			add = &f
		}
		d.Add = add
	}
	if p.Can(auth.EditLaw) {
		if move == nil {
			f := components.NewForm()
			move = &f
		}
		move.Values.Set("old_day", e.ElectionDay.Format("2006-01-02"))
		d.Move = move
	}
	s.render(w, r, status, webtl.Template(d))
}

// milestoneInput reads a milestone's form into what the store takes, putting an error on each field that
// is not right: the titles (required, up to 200 characters), the descriptions (2,000) and the legal
// reference (200), the level, the kind of constituency (a candidates' window's only), the offsets (whole
// days from −400 to 400, any digits, the end not before the start), the position, and for a law's
// milestone what it governs.
func milestoneInput(f components.Form, legal bool) store.MilestoneInput {
	requireText(f, "title_fa", 200, "err.required")
	requireText(f, "title_en", 200, "err.required")
	for name, max := range map[string]int{"description_fa": 2000, "description_en": 2000, "legal_ref": 200} {
		if utf8.RuneCountInString(f.Get(name)) > max {
			f.Errors[name] = i18n.M("err.too_long_max", i18n.ArgNum("max", max))
		}
	}
	// A title and a reference are one line, however they were pasted.
	line := func(name string) string { return strings.Join(strings.Fields(f.Get(name)), " ") }
	in := store.MilestoneInput{TitleFa: line("title_fa"), TitleEn: line("title_en"), DescriptionFa: f.Get("description_fa"),
		DescriptionEn: f.Get("description_en"), LegalRef: line("legal_ref"), Level: f.Get("level"),
		ConstituencyKind: f.Get("constituency_kind")}
	switch {
	case !slices.Contains(webtl.Levels, in.Level):
		f.Errors["level"] = i18n.M("err.choose")
	case in.ConstituencyKind != "" && !slices.Contains(webtl.ConstituencyKinds, in.ConstituencyKind):
		f.Errors["constituency_kind"] = i18n.M("err.choose")
	case in.ConstituencyKind != "" && in.Level != tl.LevelCandidates:
		f.Errors["constituency_kind"] = i18n.M("timeline.err_kind_level")
	}
	var okStart, okEnd bool
	in.StartOffset, okStart = offsetField(f, "start_offset")
	in.EndOffset, okEnd = offsetField(f, "end_offset")
	if okStart && okEnd && in.EndOffset < in.StartOffset {
		f.Errors["end_offset"] = i18n.M("timeline.err_offset_order")
	}
	if v := latin(f, "position"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			f.Errors["position"] = i18n.M("timeline.err_position")
		}
		in.Position = n
	}
	if legal {
		in.Gate = f.Get("gate")
		if in.Gate != "" && !slices.Contains(webtl.Gates, in.Gate) {
			f.Errors["gate"] = i18n.M("err.choose")
		}
	}
	return in
}

// offsetField reads an offset in days from election day: a whole number from −400 to 400 in any digits,
// its minus sign typed before or after it (as a right-to-left field may show it) or as the typographic
// minus or a dash.
func offsetField(f components.Form, name string) (int, bool) {
	v := strings.Map(func(r rune) rune {
		switch r {
		case '\u2212', '\u2013', '\u2010', '\u2011', '\u2012', '\u2014', '\uFE63', '\uFF0D':
			return '-'
		case ' ':
			return -1
		}
		return r
	}, latin(f, name))
	if n, found := strings.CutSuffix(v, "-"); found && !strings.HasPrefix(n, "-") {
		v = "-" + n
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < -maxOffset || n > maxOffset {
		f.Errors[name] = i18n.M("timeline.err_offset", i18n.ArgNum("max", maxOffset))
		return 0, false
	}
	return n, true
}

// milestoneStoreError puts a refusal of the store on the form, or reports false for an error it does not
// know.
func milestoneStoreError(f components.Form, err error) bool {
	switch {
	case errors.Is(err, store.ErrExists):
		f.Errors["gate"] = i18n.M("timeline.err_gate_taken")
	case errors.Is(err, store.ErrInvalidMilestone):
		f.Errors[""] = i18n.M("timeline.err_invalid")
	case errors.Is(err, store.ErrMarkedLevel):
		f.Errors["level"] = i18n.M("timeline.err_level_marked")
	default:
		return false
	}
	return true
}

// milestoneAdd adds an administrative milestone of HQ's province to the current election's kind.
func (s *Server) milestoneAdd(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.EditTimeline) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	e, err := s.store.CurrentElection(ctx)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	in := milestoneInput(f, false)
	in.Kind = webtl.KindOf(e)
	if f.Valid() {
		id, err := s.store.AddMilestone(ctx, actor(r), auth.Scope{ProvinceID: p.Scope.ProvinceID}, in)
		switch {
		case err == nil:
			s.redirectFlash(w, r, string(webtl.MilestoneHref(id)), "timeline.milestone_added")
			return
		case !milestoneStoreError(f, err):
			s.serverError(w, r, err)
			return
		}
	}
	s.renderMilestoneTemplate(w, r, http.StatusUnprocessableEntity, &f, nil, nil)
}

// milestonePage reads the milestone of the address that the reader sees (the law's, his province's), with
// its window in the current election when it is of the election's kind; it answers 404 or 500 itself.
func (s *Server) milestonePage(w http.ResponseWriter, r *http.Request) (webtl.MilestoneData, bool) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	var d webtl.MilestoneData
	id, ok := pathID(chi.URLParam(r, "milestone"))
	if !ok {
		s.notFound(w, r)
		return d, false
	}
	m, err := s.store.Milestone(ctx, auth.Scope{ProvinceID: p.Scope.ProvinceID}, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return d, false
	} else if err != nil {
		s.serverError(w, r, err)
		return d, false
	}
	d.M = m
	e, err := s.store.CurrentElection(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return d, false
	}
	if err == nil && webtl.KindOf(e) == m.Kind {
		d.Election = &e
		d.From, d.To = tl.Window(e.ElectionDay, m.StartOffset, m.EndOffset)
	}
	if keepsMilestone(p, m) {
		f := components.NewForm()
		for k, v := range map[string]string{"title_fa": m.TitleFa, "title_en": m.TitleEn, "description_fa": m.DescriptionFa,
			"description_en": m.DescriptionEn, "legal_ref": m.LegalRef, "level": m.Level, "constituency_kind": m.ConstituencyKind,
			"start_offset": strconv.Itoa(m.StartOffset), "end_offset": strconv.Itoa(m.EndOffset), "position": strconv.Itoa(m.Position),
			"gate": m.Gate, "version": strconv.Itoa(m.Version)} {
			f.Values.Set(k, v)
		}
		d.Edit = &f
		d.Retires = !m.Legal
	}
	d.Act = components.NewForm()
	d.Act.Values.Set("version", strconv.Itoa(m.Version))
	return d, true
}

// milestoneShow is one milestone's page, with its keeper's forms.
func (s *Server) milestoneShow(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.milestonePage(w, r); ok {
		s.render(w, r, http.StatusOK, webtl.Milestone(d))
	}
}

// milestoneRefused draws a milestone's page again after a change was refused: the form keeps what was
// typed, with its errors; a change someone made first (409) shows the milestone as it is now, with the
// form at its current version.
func (s *Server) milestoneRefused(w http.ResponseWriter, r *http.Request, status int, edit *components.Form, why i18n.Msg) {
	d, ok := s.milestonePage(w, r)
	if !ok {
		return
	}
	if edit != nil {
		edit.Values.Set("version", d.Act.Get("version"))
		d.Edit = edit
	}
	if !why.IsZero() {
		d.Refused = &why
	}
	s.render(w, r, status, webtl.Milestone(d))
}

// milestoneUpdate changes a milestone, the national HQ the law's and a province's HQ its own, if nobody
// changed it since the form was drawn (else 409, with what was typed kept). Its kind and code stay.
func (s *Server) milestoneUpdate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d, ok := s.milestonePage(w, r)
	if !ok {
		return
	}
	if d.Edit == nil {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	in := milestoneInput(f, d.M.Legal)
	if !f.Valid() {
		d.Edit = &f
		s.render(w, r, http.StatusUnprocessableEntity, webtl.Milestone(d))
		return
	}
	err := s.store.UpdateMilestone(ctx, actor(r), keeperScope(d.M), d.M.ID, formVersion(f), in)
	switch {
	case err == nil:
		s.redirectFlash(w, r, string(webtl.MilestoneHref(d.M.ID)), "timeline.milestone_saved")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrConflict):
		f.Errors[""] = i18n.M("timeline.milestone_conflict")
		s.milestoneRefused(w, r, http.StatusConflict, &f, i18n.Msg{})
	case milestoneStoreError(f, err):
		d.Edit = &f
		s.render(w, r, http.StatusUnprocessableEntity, webtl.Milestone(d))
	default:
		s.serverError(w, r, err)
	}
}

// milestoneRetire takes an administrative milestone out of every county's timeline (retired, asked first)
// or brings it back; its marks stay. HQ's, for its province's own.
func (s *Server) milestoneRetire(retired bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		d, ok := s.milestonePage(w, r)
		if !ok {
			return
		}
		if !d.Retires {
			s.forbidden(w, r)
			return
		}
		f, ok := s.parseForm(w, r)
		if !ok {
			return
		}
		href := string(webtl.MilestoneHref(d.M.ID))
		if retired && !s.confirmed(w, r, f, webtl.RetireQuestion(d.M), href) {
			return
		}
		err := s.store.RetireMilestone(ctx, actor(r), keeperScope(d.M), d.M.ID, formVersion(f), retired)
		switch {
		case err == nil && retired:
			s.redirectFlash(w, r, href, "timeline.milestone_retired")
		case err == nil:
			s.redirectFlash(w, r, href, "timeline.milestone_restored")
		case errors.Is(err, store.ErrNotFound):
			s.notFound(w, r)
		case errors.Is(err, store.ErrExists):
			s.milestoneRefused(w, r, http.StatusConflict, nil, i18n.M("timeline.err_gate_taken"))
		case errors.Is(err, store.ErrConflict):
			s.milestoneRefused(w, r, http.StatusConflict, nil, i18n.M("timeline.milestone_conflict"))
		default:
			s.serverError(w, r, err)
		}
	}
}

// electionDayMove moves the current election's day (the national HQ): the new day in the reader's
// calendar, not one already past, and a reason, asked first with both days named. The form carries the day it was drawn with: if
// the day moved since, it is refused (409) with what was typed kept. Every date of the timeline moves with
// it and its marks stay.
func (s *Server) electionDayMove(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.EditLaw) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	e, err := s.store.CurrentElection(ctx)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	day, msg := dayinput.Read(i18n.From(ctx), f.Get("day"), s.now())
	switch {
	case !msg.IsZero():
		f.Errors["day"] = msg
	case day.Equal(e.ElectionDay):
		f.Errors["day"] = i18n.M("timeline.err_same_day")
	case day.Before(tl.Today(s.now())): // a mistyped year would make every milestone overdue and close every window
		f.Errors["day"] = i18n.M("timeline.err_day_past", i18n.ArgDay("today", tl.Today(s.now())))
	}
	requireText(f, "reason", maxMarkText, "err.reason_required")
	if f.Get("old_day") != e.ElectionDay.Format("2006-01-02") {
		why := i18n.M("timeline.move_conflict")
		s.renderMilestoneTemplate(w, r, http.StatusConflict, nil, &f, &why)
		return
	}
	if !f.Valid() {
		s.renderMilestoneTemplate(w, r, http.StatusUnprocessableEntity, nil, &f, nil)
		return
	}
	if !s.confirmed(w, r, f, webtl.MoveQuestion(e, day), "/timeline/template") {
		return
	}
	err = s.store.MoveElectionDay(ctx, actor(r), e.ID, day, f.Get("reason"))
	switch {
	case err == nil:
		s.redirectFlash(w, r, "/timeline/template", "timeline.move_done")
	case errors.Is(err, store.ErrSameDay):
		f.Errors["day"] = i18n.M("timeline.err_same_day")
		s.renderMilestoneTemplate(w, r, http.StatusUnprocessableEntity, nil, &f, nil)
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	default:
		s.serverError(w, r, err)
	}
}
