package server

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/candidacy"
	"github.com/setad/setad/internal/eligibility"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/registration"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/candidates"
	"github.com/setad/setad/web/components"
)

const candidatePageSize = 50

// candidateList is the current election's candidates in scope, searched, filtered, sorted and paginated.
func (s *Server) candidateList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	q := r.URL.Query()
	d := candidates.ListData{Filter: components.NewForm(), Page: listPage(r)}
	for _, k := range []string{"q", "county", "status", "gender", "education", "sort"} {
		d.Filter.Values.Set(k, q.Get(k))
	}
	e, err := s.store.CurrentElection(ctx)
	if errors.Is(err, store.ErrNotFound) {
		s.render(w, r, http.StatusOK, candidates.List(d))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Election = &e
	f := store.CandidateFilter{Q: q.Get("q"), County: placeCode(q.Get("county")), Status: q.Get("status"), Gender: q.Get("gender"),
		Education: q.Get("education"), Own: ownPlace(q), Sort: q.Get("sort"), Page: d.Page, PageSize: candidatePageSize}
	listed, _, ok := s.districtChosen(w, r, p.Scope)
	if !ok {
		return
	}
	var b store.Batch
	b.Candidates(listed, e.ID, f, &d.Rows, &d.Total)
	b.CandidateCounts(listed, e.ID, f.County, &d.Counts)
	b.Counties(ctx, p.Scope, &d.Counties)
	if err := s.store.Run(ctx, &b); err != nil {
		s.serverError(w, r, err)
		return
	}
	if !countyIn(d.Counties, f.County) {
		s.notFound(w, r)
		return
	}
	d.Cap = f.Cap()
	d.More = d.Total > d.Cap
	d.Pages = (min(d.Total, d.Cap) + candidatePageSize - 1) / candidatePageSize
	s.render(w, r, http.StatusOK, candidates.List(d))
}

// renderCandidateForm shows the registration form f with the constituencies in the caller's scope and
// the registration windows of the current election's timeline.
func (s *Server) renderCandidateForm(w http.ResponseWriter, r *http.Request, status int, f components.Form, overridable bool) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	d := candidates.NewData{Form: f, CanOverride: p.Can(auth.OverrideCandidates), Overridable: overridable}
	var ms []store.Milestone
	var b store.Batch
	b.Constituencies(ctx, p.Scope, &d.Constituencies)
	current, err := s.queueCurrentMilestones(ctx, &b, &ms)
	if err == nil {
		err = s.store.Run(ctx, &b)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if current {
		d.Windows = registrationWindows(ctx, ms, s.now())
	}
	s.render(w, r, status, candidates.New(d))
}

// queueCurrentMilestones queues on b the reading of the law's milestones of the current election, whose
// windows gate the actions of the candidates and boards, into out; it reports whether there is a current
// election (none: nothing is queued).
func (s *Server) queueCurrentMilestones(ctx context.Context, b *store.Batch, out *[]store.Milestone) (bool, error) {
	e, err := s.store.CurrentElection(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	b.Milestones(ctx, auth.Scope{}, e.ID, out)
	return true, nil
}

// candidateLifecycle reads the election a candidate stands in, its rule, and the rule's lifecycle in it:
// the objection window and the change of constituency end as the election's timeline has them, else as
// the rule's numbers say. Failing to load them is an error, never a default.
func (s *Server) candidateLifecycle(ctx context.Context, electionID int64) (store.Election, store.CandidateRule, []store.Milestone, candidacy.Rules, error) {
	var e store.Election
	var rule store.CandidateRule
	var ms []store.Milestone
	var b store.Batch
	b.CandidateElection(electionID, &e, &rule)
	b.Milestones(ctx, auth.Scope{}, electionID, &ms)
	if err := s.store.Run(ctx, &b); err != nil {
		return e, rule, nil, candidacy.Rules{}, err
	}
	return e, rule, ms, rule.LifecycleIn(ms), nil
}

func (s *Server) candidateNew(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.RegisterCandidates) {
		s.forbidden(w, r)
		return
	}
	s.renderCandidateForm(w, r, http.StatusOK, components.NewForm(), false)
}

// isTrue reads a checkbox or a spreadsheet's yes: 1, true, yes, بله.
func isTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(persian.ToLatinDigits(v))) {
	case "1", "true", "yes", "بله", "on":
		return true
	}
	return false
}

// candidateCreate registers a candidate after every automatable check of the law; each problem comes
// back on its field, and HQ may override those the law leaves to judgement, with a reason.
func (s *Server) candidateCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.RegisterCandidates) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	id, checked, err := s.reg.Register(ctx, actor(r), p.Scope, i18n.From(ctx), registration.FromForm(f.Values), judgement(p, f))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if checked.OK() {
		s.redirectFlash(w, r, "/candidates/"+strconv.FormatInt(id, 10), "candidates.registered")
		return
	}
	maps.Copy(f.Errors, checked.Problems)
	s.renderCandidateForm(w, r, http.StatusUnprocessableEntity, f, checked.Overridable)
}

// judgement is HQ's judgement posted with a registration: the reason, and whether a board seat is accepted.
func judgement(p *auth.Principal, f components.Form) registration.Judgement {
	return registration.Judgement{Allowed: p.Can(auth.OverrideCandidates), Reason: f.Get("override_reason"),
		Board: isTrue(f.Get("override_board"))}
}

func (s *Server) scopedCandidate(w http.ResponseWriter, r *http.Request) (store.CandidateDetail, bool) {
	id, ok := pathID(chi.URLParam(r, "id"))
	if !ok {
		s.notFound(w, r)
		return store.CandidateDetail{}, false
	}
	c, err := s.store.CandidateByID(r.Context(), auth.FromContext(r.Context()).Scope, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return c, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return c, false
	}
	return c, true
}

// candidateEdit shows the correction form of a candidate's record, filled in with the record.
func (s *Server) candidateEdit(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.RegisterCandidates) {
		s.forbidden(w, r)
		return
	}
	if c, ok := s.scopedCandidate(w, r); ok {
		s.renderCandidateEdit(w, r, http.StatusOK, candidates.EditData{C: c, Form: recordForm(r.Context(), c)})
	}
}

// recordForm is a candidate's record as the correction form shows it: days in the reader's calendar,
// which the form reads back.
func recordForm(ctx context.Context, c store.CandidateDetail) components.Form {
	f := components.NewForm()
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return i18n.Day(ctx, *t)
	}
	for k, v := range map[string]string{"full_name": c.FullName, "father_name": c.FatherName, "national_id": c.NationalID,
		"gender": c.Gender, "birth_date": day(c.BirthDate), "education": c.Education, "occupation": c.Occupation,
		"phone": c.Phone, "tracking_id": c.TrackingID, "military_service": c.MilitaryService,
		"certificate_date": day(c.CertificateDate), "resignation_date": day(c.ResignationDate),
		"version": strconv.Itoa(c.Version)} {
		f.Values.Set(k, v)
	}
	if c.Veteran {
		f.Values.Set("veteran", "1")
	}
	if c.ListedPost {
		f.Values.Set("listed_post", "1")
	}
	return f
}

func (s *Server) renderCandidateEdit(w http.ResponseWriter, r *http.Request, status int, d candidates.EditData) {
	d.CanOverride = auth.FromContext(r.Context()).Can(auth.OverrideCandidates)
	s.render(w, r, status, candidates.Edit(d))
}

// candidateCorrect corrects a candidate's record, checked as a registration is (registration.Correct).
// A correction drawn from a record that someone changed since is refused (409) with the record as it is
// now and what was typed kept, against the current version.
func (s *Server) candidateCorrect(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.RegisterCandidates) {
		s.forbidden(w, r)
		return
	}
	c, ok := s.scopedCandidate(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	checked, changed, err := s.reg.Correct(ctx, actor(r), p.Scope, i18n.From(ctx), c.ID, formVersion(f),
		registration.FromForm(f.Values), judgement(p, f))
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrConflict):
		now, ok := s.scopedCandidate(w, r)
		if !ok {
			return
		}
		f.Values.Set("version", strconv.Itoa(now.Version))
		f.Errors[""] = i18n.M("candidates.correct_conflict")
		s.renderCandidateEdit(w, r, http.StatusConflict, candidates.EditData{C: now, Form: f, Stale: true})
	case err != nil:
		s.serverError(w, r, err)
	case !checked.OK():
		maps.Copy(f.Errors, checked.Problems)
		s.renderCandidateEdit(w, r, http.StatusUnprocessableEntity, candidates.EditData{C: c, Form: f, Overridable: checked.Overridable})
	case changed:
		s.redirectFlash(w, r, "/candidates/"+strconv.FormatInt(c.ID, 10), "candidates.corrected")
	default:
		s.redirectFlash(w, r, "/candidates/"+strconv.FormatInt(c.ID, 10), "candidates.unchanged")
	}
}

// candidateShowData is what the candidate's page shows around the status form f. The objection window
// and the change of constituency follow the timeline and the rule of the candidate's own election;
// failing to load them is an error, never a default.
func (s *Server) candidateShowData(r *http.Request, c store.CandidateDetail, f components.Form) (candidates.ShowData, error) {
	ctx := r.Context()
	if f.Get("version") == "" {
		f.Values.Set("version", strconv.Itoa(c.Version))
	}
	d := candidates.ShowData{C: c, Status: f, Constituency: components.NewForm()}
	var b store.Batch
	// Only the candidate's own county can receive it.
	b.Constituencies(ctx, auth.Scope{CountyID: c.CountyID}, &d.Constituencies)
	var e store.Election
	var rule store.CandidateRule
	var ms []store.Milestone
	b.CandidateElection(c.ElectionID, &e, &rule)
	b.Milestones(ctx, auth.Scope{}, c.ElectionID, &ms)
	if err := s.store.Run(ctx, &b); err != nil {
		return d, err
	}
	l := rule.LifecycleIn(ms)
	if c.Status == candidacy.PreliminaryAnnounced && c.AnnouncedAt != nil {
		d.ObjectionDeadline = i18n.DateTime(ctx, candidacy.ObjectionDeadline(*c.AnnouncedAt, l).Add(-time.Minute))
	}
	d.Windows = candidateWindows(ctx, ms, e, rule, l, c, s.now())
	return d, nil
}

// renderCandidate shows the candidate's page with status, answering the error page itself.
func (s *Server) renderCandidate(w http.ResponseWriter, r *http.Request, status int, c store.CandidateDetail, f components.Form,
	edit func(*candidates.ShowData)) {
	d, err := s.candidateShowData(r, c, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if edit != nil {
		edit(&d)
	}
	s.render(w, r, status, candidates.Show(d))
}

func (s *Server) candidateShow(w http.ResponseWriter, r *http.Request) {
	if c, ok := s.scopedCandidate(w, r); ok {
		s.renderCandidate(w, r, http.StatusOK, c, components.NewForm(), nil)
	}
}

// candidateStatus moves a candidate along the lifecycle; illegal moves, missing reasons and a closed
// objection window are refused with their message.
func (s *Server) candidateStatus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.ReviewCandidates) {
		s.forbidden(w, r)
		return
	}
	c, ok := s.scopedCandidate(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	// The objection window is the candidate's own election's, whichever election is current.
	_, _, _, lifecycle, err := s.candidateLifecycle(ctx, c.ElectionID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	to, reason := f.Get("status"), f.Get("reason")
	if utf8.RuneCountInString(reason) > 2000 {
		f.Errors["reason"] = i18n.M("err.too_long")
	} else {
		err = s.store.ChangeCandidateStatus(ctx, actor(r), p.Scope, c.ID, formVersion(f), to, reason, s.now(), lifecycle)
		switch {
		case err == nil:
			s.redirectFlash(w, r, "/candidates/"+strconv.FormatInt(c.ID, 10), "candidates.status_changed")
			return
		case errors.Is(err, store.ErrNotFound):
			s.notFound(w, r)
			return
		case errors.Is(err, store.ErrConflict):
			f = components.NewForm()
			f.Errors[""] = i18n.M("err.conflict")
			s.renderCandidate(w, r, http.StatusConflict, c, f, nil)
			return
		case errors.Is(err, candidacy.ErrReasonRequired):
			f.Errors["reason"] = i18n.M("err.reason_required")
		case errors.Is(err, candidacy.ErrObjectionClosed):
			f.Errors["status"] = i18n.M("err.objection_closed")
		case errors.Is(err, candidacy.ErrIllegal), errors.Is(err, candidacy.ErrUnknownStatus):
			f.Errors["status"] = i18n.M("err.choose")
		default:
			s.serverError(w, r, err)
			return
		}
	}
	if !slices.Contains(candidacy.Statuses, to) {
		f.Values.Del("status")
	}
	s.renderCandidate(w, r, http.StatusUnprocessableEntity, c, f, nil)
}

// candidateConstituency moves a candidate to another constituency of the same county, once, until the
// deadline, provided the candidate's education meets the new constituency's requirement. The deadline and
// the requirement are those of the candidate's own election.
func (s *Server) candidateConstituency(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.ReviewCandidates) {
		s.forbidden(w, r)
		return
	}
	c, ok := s.scopedCandidate(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	e, rule, _, lifecycle, err := s.candidateLifecycle(ctx, c.ElectionID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	k, err := s.store.ConstituencyByCode(ctx, p.Scope, f.Get("constituency"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		f.Errors["constituency"] = i18n.M("err.constituency")
	case err != nil:
		s.serverError(w, r, err)
		return
	default:
		need, _ := eligibility.RequiredEducation(eligibility.Constituency{Kind: k.Kind, Population: k.Population, Households: k.Households},
			c.Veteran, rule.Eligibility())
		have, _ := eligibility.EducationRank(c.Education)
		if want, _ := eligibility.EducationRank(need); have < want {
			f.Errors["constituency"] = i18n.M("elig.education_low", i18n.ArgKey("level", "education."+need))
			break
		}
		err := s.store.ChangeConstituency(ctx, actor(r), p.Scope, c.ID, formVersion(f), k, s.now(), e.ElectionDay, lifecycle)
		switch {
		case err == nil:
			s.redirectFlash(w, r, "/candidates/"+strconv.FormatInt(c.ID, 10), "candidates.constituency_changed")
			return
		case errors.Is(err, store.ErrConflict):
			f.Errors[""] = i18n.M("err.conflict")
		case errors.Is(err, candidacy.ErrChangeUsed):
			f.Errors["constituency"] = i18n.M("err.change_used")
		case errors.Is(err, candidacy.ErrOtherCounty):
			f.Errors["constituency"] = i18n.M("err.change_other_county")
		case errors.Is(err, candidacy.ErrChangeTooLate):
			f.Errors["constituency"] = i18n.M("err.change_too_late",
				i18n.ArgDay("date", lastDay(candidacy.ChangeDeadline(e.ElectionDay, lifecycle))))
		case errors.Is(err, candidacy.ErrIllegal):
			f.Errors["constituency"] = i18n.M("err.change_final")
		default:
			s.serverError(w, r, err)
			return
		}
	}
	s.renderCandidate(w, r, http.StatusUnprocessableEntity, c, components.NewForm(), func(d *candidates.ShowData) { d.Constituency = f })
}

func (s *Server) candidateRules(w http.ResponseWriter, r *http.Request) {
	s.renderCandidateRules(w, r, http.StatusOK, nil)
}

// renderCandidateRules shows every kind's rule, with the forms that came back, and the windows of the
// current election's timeline that gate the candidates' actions beside the numbers.
func (s *Server) renderCandidateRules(w http.ResponseWriter, r *http.Request, status int, forms map[string]components.Form) {
	ctx := r.Context()
	rules, err := s.store.CandidateRules(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := candidates.RulesData{Rules: rules, Forms: forms}
	e, err := s.store.CurrentElection(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		s.serverError(w, r, err)
		return
	default:
		ms, err := s.store.Milestones(ctx, auth.Scope{}, e.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		kind := cmp.Or(e.ParentKind, e.Kind)
		if i := slices.IndexFunc(rules, func(r store.CandidateRule) bool { return r.Kind == kind }); i >= 0 {
			d.Election = &e
			d.Windows = gateWindows(ctx, ms, rules[i], s.now())
		}
	}
	s.render(w, r, status, candidates.Rules(d))
}

// candidateRuleUpdate lets the national HQ correct a kind's registration and lifecycle numbers (0 to
// 100000, any digits). The numbers hold in every province, so no province's HQ may.
func (s *Server) candidateRuleUpdate(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.EditLaw) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	rule := store.CandidateRule{Kind: chi.URLParam(r, "kind"), Version: formVersion(f), AgeOnElectionDay: isTrue(f.Get("age_on_election_day"))}
	fields := map[string]*int{"min_age": &rule.MinAge, "village_small_households": &rule.VillageSmallHouseholds,
		"city_small_population": &rule.CitySmallPopulation, "certificate_max_months": &rule.CertificateMaxMonths,
		"resignation_min_months": &rule.ResignationMinMonths, "objection_days": &rule.ObjectionDays,
		"constituency_change_until_days": &rule.ConstituencyChangeUntilDays, "max_constituency_changes": &rule.MaxConstituencyChanges}
	for name, dst := range fields {
		v, err := strconv.Atoi(latin(f, name))
		if err != nil || v < 0 || v > 100000 {
			f.Errors[name] = i18n.M("err.number_large")
			continue
		}
		*dst = v
	}
	if f.Valid() && (rule.MinAge == 0 || rule.CertificateMaxMonths == 0 || rule.ObjectionDays == 0) {
		f.Errors[""] = i18n.M("err.number_zero")
	}
	if !f.Valid() {
		s.renderCandidateRules(w, r, http.StatusUnprocessableEntity, map[string]components.Form{rule.Kind: f})
		return
	}
	err := s.store.UpdateCandidateRule(r.Context(), actor(r), rule)
	switch {
	case err == nil:
		s.redirectFlash(w, r, "/candidates/rules", "rules.saved")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrConflict):
		s.redirectFlash(w, r, "/candidates/rules", "rules.conflict")
	default:
		s.serverError(w, r, err)
	}
}
