package server

import (
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/candidacy"
	"github.com/setad/setad/internal/dayinput"
	"github.com/setad/setad/internal/eligibility"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/nationalid"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/phonenum"
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
	d := candidates.ListData{Filter: components.NewForm(), Page: 1}
	for _, k := range []string{"q", "county", "status", "gender", "education", "sort"} {
		d.Filter.Values.Set(k, q.Get(k))
	}
	if n, err := strconv.Atoi(persian.ToLatinDigits(q.Get("page"))); err == nil && n > 0 && n < 100000 {
		d.Page = n
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
	f := store.CandidateFilter{Q: q.Get("q"), County: q.Get("county"), Status: q.Get("status"), Gender: q.Get("gender"),
		Education: q.Get("education"), Sort: q.Get("sort"), Page: d.Page, PageSize: candidatePageSize}
	if d.Rows, d.Total, err = s.store.Candidates(ctx, p.Scope, e.ID, f); err != nil {
		s.serverError(w, r, err)
		return
	}
	d.More = d.Total > store.CountCap
	d.Pages = (min(d.Total, store.CountCap) + candidatePageSize - 1) / candidatePageSize
	if d.Counts, err = s.store.CandidateCounts(ctx, p.Scope, e.ID, f.County); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.Counties, err = s.store.Counties(ctx, p.Scope); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, candidates.List(d))
}

func (s *Server) renderCandidateForm(w http.ResponseWriter, r *http.Request, status int, f components.Form, overridable bool) {
	p := auth.FromContext(r.Context())
	ks, err := s.store.Constituencies(r.Context(), p.Scope)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, candidates.New(candidates.NewData{Form: f, Constituencies: ks,
		CanOverride: p.Can(auth.OverrideCandidates), Overridable: overridable}))
}

func (s *Server) candidateNew(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.RegisterCandidates) {
		s.forbidden(w, r)
		return
	}
	s.renderCandidateForm(w, r, http.StatusOK, components.NewForm(), false)
}

var trackingPattern = regexp.MustCompile(`^[0-9A-Za-z/-]{0,40}$`)

// dateField reads an optional date field as its typist's language reads it (dayinput.Read); a malformed
// one is an error on the field.
func dateField(r *http.Request, f components.Form, name string, required bool, today time.Time) *time.Time {
	v := f.Get(name)
	if strings.TrimSpace(v) == "" {
		if required {
			f.Errors[name] = i18n.M("err.required")
		}
		return nil
	}
	d, msg := dayinput.Read(i18n.From(r.Context()), v, today)
	if !msg.IsZero() {
		f.Errors[name] = msg
		return nil
	}
	return &d
}

// candidateCheck is what checking a registration needs, loaded once per request whatever the number of
// rows: the election, its rules, and the constituencies in the caller's scope by code.
type candidateCheck struct {
	election       store.Election
	rule           store.CandidateRule
	constituencies map[string]store.Constituency
	canOverride    bool
}

// loadCandidateCheck answers the form with why registration is impossible, and returns false, when there
// is no current election or no rule for its kind.
func (s *Server) loadCandidateCheck(r *http.Request, f components.Form) (candidateCheck, bool, error) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	var c candidateCheck
	var err error
	c.election, err = s.store.CurrentElection(ctx)
	if errors.Is(err, store.ErrNotFound) {
		f.Errors[""] = i18n.M("home.no_election")
		return c, false, nil
	}
	if err != nil {
		return c, false, err
	}
	c.rule, err = s.store.CandidateRuleFor(ctx, c.election)
	if errors.Is(err, store.ErrNoRule) {
		f.Errors[""] = i18n.M("err.no_candidate_rules")
		return c, false, nil
	}
	if err != nil {
		return c, false, err
	}
	ks, err := s.store.Constituencies(ctx, p.Scope)
	if err != nil {
		return c, false, err
	}
	c.constituencies = map[string]store.Constituency{}
	for _, k := range ks {
		c.constituencies[k.Code] = k
	}
	c.canOverride = p.Can(auth.OverrideCandidates)
	return c, true, nil
}

// check validates one registration (typed in the form or read from a file) and runs the law's checks on
// it, putting each problem on its field. HQ's reason turns the problems the law leaves to judgement into
// overrides. It reports whether a problem left could be overridden.
func (s *Server) check(r *http.Request, cc candidateCheck, f components.Form) (store.NewCandidate, []store.Override, bool) {
	c := store.NewCandidate{
		FullName: strings.Join(strings.Fields(f.Get("full_name")), " "), FatherName: strings.Join(strings.Fields(f.Get("father_name")), " "),
		Gender: f.Get("gender"), Education: f.Get("education"), Occupation: f.Get("occupation"),
		TrackingID: latin(f, "tracking_id"), Veteran: isTrue(f.Get("veteran")),
		MilitaryService: f.Get("military_service"), ListedPost: isTrue(f.Get("listed_post")),
	}
	for name, v := range map[string]string{"full_name": c.FullName, "father_name": c.FatherName} {
		switch n := utf8.RuneCountInString(v); {
		case !strings.ContainsFunc(v, unicode.IsLetter): // marks alone do not make a name
			f.Errors[name] = i18n.M("err.required")
		case n > 200:
			f.Errors[name] = i18n.M("err.too_long")
		}
	}
	if utf8.RuneCountInString(c.Occupation) > 200 {
		f.Errors["occupation"] = i18n.M("err.too_long")
	}
	if !trackingPattern.MatchString(c.TrackingID) {
		f.Errors["tracking_id"] = i18n.M("err.tracking_id")
	} else if strings.HasPrefix(strings.ToUpper(c.TrackingID), store.SyntheticTrackingPrefix) {
		f.Errors["tracking_id"] = i18n.M("err.tracking_reserved")
	}
	if raw := f.Get("phone"); strings.TrimSpace(raw) != "" {
		if n, ok := phonenum.Normalize(raw); ok {
			c.Phone = n
		} else {
			f.Errors["phone"] = i18n.M("err.phone_number")
		}
	}
	if id, err := nationalid.Parse(f.Get("national_id")); err == nil {
		c.NationalID = id
	}
	today := s.now()
	if birth := dateField(r, f, "birth_date", true, today); birth != nil {
		c.BirthDate = *birth
	}
	c.CertificateDate = dateField(r, f, "certificate_date", false, today)
	c.ResignationDate = dateField(r, f, "resignation_date", false, today)
	k, ok := cc.constituencies[strings.ToLower(strings.TrimSpace(f.Get("constituency")))]
	if !ok {
		f.Errors["constituency"] = i18n.M("err.constituency")
	}
	c.Constituency = k
	reason := strings.TrimSpace(f.Get("override_reason"))
	canOverride := cc.canOverride && reason != ""
	var overrides []store.Override
	overridable := false
	problems := eligibility.Check(eligibility.Candidate{NationalID: f.Get("national_id"), Gender: c.Gender, Education: c.Education,
		MilitaryService: c.MilitaryService, BirthDate: c.BirthDate, Veteran: c.Veteran, ListedPost: c.ListedPost,
		CertificateDate: c.CertificateDate, ResignationDate: c.ResignationDate},
		eligibility.Constituency{Kind: k.Kind, Population: k.Population, Households: k.Households},
		cc.rule.Eligibility(), s.now().In(i18n.Tehran), cc.election.ElectionDay)
	for _, pr := range problems {
		if f.HasErr(pr.Field) {
			continue // a form error on the field says it already
		}
		if pr.Overridable && canOverride {
			overrides = append(overrides, store.Override{Field: pr.Field, Code: pr.Code, Reason: reason})
			continue
		}
		overridable = overridable || pr.Overridable
		if pr.Field == "national_id" && pr.Code == "invalid" {
			f.Errors[pr.Field] = i18n.M("err.national_id")
			continue
		}
		f.Errors[pr.Field] = eligibilityMessage(pr)
	}
	if canOverride && isTrue(f.Get("override_board")) {
		overrides = append(overrides, store.Override{Field: "national_id", Code: "board_member", Reason: reason})
	}
	return c, overrides, overridable
}

// eligibilityMessage says what a failed check of the law asks for. The rules give the value that would
// pass as text (a number, an education level, a Jalali day); here it becomes an argument of its kind, so
// that the reader's language writes it and only the messages that show it receive it.
func eligibilityMessage(pr eligibility.Problem) i18n.Msg {
	switch pr.Code {
	case "required":
		return i18n.M("elig.required")
	case "military_service":
		return i18n.M("elig.military_service")
	case "certificate_missing":
		return i18n.M("elig.certificate_missing")
	case "certificate_future":
		return i18n.M("elig.certificate_future")
	case "resignation_missing":
		return i18n.M("elig.resignation_missing")
	case "birth_future":
		return i18n.M("elig.birth_future")
	case "birth_implausible":
		return i18n.M("elig.birth_implausible")
	case "date_implausible":
		return i18n.M("elig.date_implausible")
	case "too_young":
		age, _ := strconv.Atoi(pr.Want)
		return i18n.M("elig.too_young", i18n.ArgNum("age", age))
	case "education_low":
		return i18n.M("elig.education_low", i18n.ArgKey("level", "education."+pr.Want))
	case "size_unknown":
		return i18n.M("elig.size_unknown", i18n.ArgKey("level", "education."+pr.Want))
	case "certificate_old":
		return i18n.M("elig.certificate_old", i18n.ArgDay("date", jalaliDay(pr.Want)))
	case "resignation_late":
		return i18n.M("elig.resignation_late", i18n.ArgDay("date", jalaliDay(pr.Want)))
	}
	return i18n.M("elig.invalid") // "invalid", and what a check added without a message of its own says
}

// jalaliDay reads a day the rules wrote.
func jalaliDay(s string) time.Time {
	d, err := persian.ParseDate(s)
	if err != nil {
		return time.Time{}
	}
	return d.Time(time.UTC)
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
	cc, ok, err := s.loadCandidateCheck(r, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !ok {
		s.renderCandidateForm(w, r, http.StatusUnprocessableEntity, f, false)
		return
	}
	c, overrides, overridable := s.check(r, cc, f)
	if f.Valid() {
		id, err := s.store.RegisterCandidate(ctx, actor(r), cc.election, c, overrides)
		var dup *store.DuplicateError
		var onBoard *store.BoardConflictError
		switch {
		case err == nil:
			s.redirectFlash(w, r, "/candidates/"+strconv.FormatInt(id, 10), "candidates.registered")
			return
		case errors.As(err, &dup):
			f.Errors["national_id"] = i18n.M("err.candidate_duplicate", i18n.ArgName("county", dup.CountyFa, dup.CountyEn))
		case errors.As(err, &onBoard):
			f.Errors["national_id"] = i18n.M("err.candidate_on_board", i18n.ArgText("boards", strings.Join(onBoard.Boards, "، ")))
			overridable = true
		default:
			s.serverError(w, r, err)
			return
		}
	}
	s.renderCandidateForm(w, r, http.StatusUnprocessableEntity, f, overridable)
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

// candidateShowData is what the candidate's page shows around the status form f. The objection deadline
// follows the rule of the candidate's own election; failing to load it is an error, never a default.
func (s *Server) candidateShowData(r *http.Request, c store.CandidateDetail, f components.Form) (candidates.ShowData, error) {
	if f.Get("version") == "" {
		f.Values.Set("version", strconv.Itoa(c.Version))
	}
	d := candidates.ShowData{C: c, Status: f, Constituency: components.NewForm()}
	var err error
	// Only the candidate's own county can receive it.
	if d.Constituencies, err = s.store.Constituencies(r.Context(), auth.Scope{CountyID: c.CountyID}); err != nil {
		return d, err
	}
	if c.Status == candidacy.PreliminaryAnnounced && c.AnnouncedAt != nil {
		_, rule, err := s.store.CandidateElection(r.Context(), c.ElectionID)
		if err != nil {
			return d, err
		}
		d.ObjectionDeadline = i18n.DateTime(r.Context(), candidacy.ObjectionDeadline(*c.AnnouncedAt, rule.Lifecycle()).Add(-time.Minute))
	}
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
	_, rule, err := s.store.CandidateElection(ctx, c.ElectionID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	to, reason := f.Get("status"), f.Get("reason")
	if utf8.RuneCountInString(reason) > 2000 {
		f.Errors["reason"] = i18n.M("err.too_long")
	} else {
		err = s.store.ChangeCandidateStatus(ctx, actor(r), p.Scope, c.ID, formVersion(f), to, reason, s.now(), rule.Lifecycle())
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
	e, rule, err := s.store.CandidateElection(ctx, c.ElectionID)
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
		err := s.store.ChangeConstituency(ctx, actor(r), p.Scope, c.ID, formVersion(f), k, s.now(), e.ElectionDay, rule.Lifecycle())
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
			f.Errors["constituency"] = i18n.M("err.change_too_late")
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

func (s *Server) renderCandidateRules(w http.ResponseWriter, r *http.Request, status int, forms map[string]components.Form) {
	rules, err := s.store.CandidateRules(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, candidates.Rules(candidates.RulesData{Rules: rules, Forms: forms}))
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
