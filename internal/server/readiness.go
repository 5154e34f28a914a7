package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/dayinput"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/internal/timeline"
	"github.com/setad/setad/web/components"
	"github.com/setad/setad/web/readiness"
)

// The body bounds of the checks' forms (formBytes): a definition's title and items with their line breaks
// and days; a filing's note on each item, with its answer's field.
var (
	checkDefBytes = formBytes(store.MaxCheckTitle + store.MaxCheckItems*(store.MaxCheckItemText+2) + 3*20)
	fileBytes     = formBytes(store.MaxCheckItems * (store.MaxCheckNote + 40))
)

// readinessRoutes adds the readiness checks: the list (HQ's form that defines one), a check's matrix
// (HQ's edit form), and a place's filing form for one of its days.
func (s *Server) readinessRoutes(r chi.Router) {
	r.With(s.keepPages).Get("/readiness", s.readinessList)
	r.Post("/readiness", s.readinessDefine)
	r.With(s.keepPages).Get("/readiness/{id}", s.readinessShow)
	r.Post("/readiness/{id}", s.readinessEdit)
	r.Post("/readiness/{id}/retire", s.readinessRetire)
	r.Post("/readiness/{id}/restore", s.readinessRestore)
	r.With(s.keepPages).Get("/readiness/{id}/file", s.readinessFilePage)
	r.Post("/readiness/{id}/file", s.readinessFile)
}

// readinessReader returns the principal who may read the checks, or answers 403 and returns nil.
func (s *Server) readinessReader(w http.ResponseWriter, r *http.Request) *auth.Principal {
	p := auth.FromContext(r.Context())
	if !p.Can(auth.ViewCommitteeWork) && !p.Can(auth.ViewDashboard) {
		s.forbidden(w, r)
		return nil
	}
	return p
}

// readinessScope is the reader's scope for the checks, with the Ministry's chosen province; false when the
// page has been answered.
func (s *Server) readinessScope(w http.ResponseWriter, r *http.Request, p *auth.Principal) (auth.Scope, components.ProvinceChoice, bool) {
	prov, ok := s.provinceChosen(w, r)
	sc := p.Scope
	sc.Committee = ""
	sc.ProvinceID = prov.ID(sc.ProvinceID)
	return sc, prov, ok
}

// countyFilter narrows a province-wide reader's scope to the county of ?county=code: a code not in his
// scope answers 404 (false). None asked leaves the scope as it is.
func (s *Server) countyFilter(w http.ResponseWriter, r *http.Request, sc *auth.Scope) (*store.County, bool) {
	code := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("county")))
	if code == "" || sc.ProvinceID == 0 {
		return nil, true
	}
	c, _, err := s.store.County(r.Context(), *sc, code)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
		return nil, false
	case err != nil:
		s.serverError(w, r, err)
		return nil, false
	}
	sc.CountyID = c.ID
	return &c, true
}

func (s *Server) readinessList(w http.ResponseWriter, r *http.Request) {
	p := s.readinessReader(w, r)
	if p == nil {
		return
	}
	f := components.NewForm()
	f.Values.Set("cadence", store.CadenceOnce)
	s.renderReadinessList(w, r, p, http.StatusOK, f)
}

// renderReadinessList draws /readiness for the reader with HQ's definition form f.
func (s *Server) renderReadinessList(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, f components.Form) {
	ctx := r.Context()
	sc, prov, ok := s.readinessScope(w, r, p)
	if !ok {
		return
	}
	today := timeline.Today(s.now())
	d := readiness.ListData{Today: today, Province: prov, Form: f, CanDefine: p.Can(auth.DefineChecks), Filter: components.NewForm()}
	if sc.ProvinceID == 0 {
		s.render(w, r, status, readiness.List(d))
		return
	}
	e, err := s.store.CurrentElection(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		d.NoElection = true
		s.render(w, r, status, readiness.List(d))
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	d.Election = e
	var b store.Batch
	// A governor asking for a filter (his home's links to his districts' misses) reads his county's places
	// as HQ reads the province's; a district head has only his own place.
	q := r.URL.Query()
	filtered := sc.DistrictID == 0 && (q.Get("county") != "" || q.Get("missed") == "1")
	if p.Can(auth.FileChecks) && !filtered {
		d.Place = true
		b.Checks(sc, e.ID, today, true, &d.Checks)
		b.Unfiled(sc, e.ID, today, true, &d.Unfiled)
		b.MissedDays(sc, e.ID, 0, today, true, &d.Missed)
		b.OwnFilings(sc, e.ID, &d.Filings)
	} else {
		if d.County, ok = s.countyFilter(w, r, &sc); !ok {
			return
		}
		if sc, _, ok = s.districtChosen(w, r, sc); !ok {
			return
		}
		d.OnlyMissed = r.URL.Query().Get("missed") == "1"
		if d.County != nil {
			d.Filter.Values.Set("county", d.County.Code)
		}
		if d.OnlyMissed {
			d.Filter.Values.Set("missed", "1")
			// The county's own place (?level=county), or the scope with its districts.
			b.MissedDays(sc, e.ID, 0, today, ownPlace(r.URL.Query()) && sc.CountyID != 0 && sc.DistrictID == 0, &d.Missed)
		}
		b.Counties(ctx, auth.Scope{ProvinceID: sc.ProvinceID, CountyID: p.Scope.CountyID}, &d.Counties)
		b.Checks(sc, e.ID, today, false, &d.Checks)
		b.Unfiled(sc, e.ID, today, false, &d.Unfiled)
	}
	if err := s.store.Run(ctx, &b); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, readiness.List(d))
}

// readCheckDef reads a check's definition from its form, putting each wrong field's message on it. Its
// days are today's (Tehran) at the earliest and two years ahead at the latest, so that a mistyped year
// cannot make thousands of missed days at once; an edit keeps the days that old (the check as it was)
// already had, nil for a new check.
func readCheckDef(ctx context.Context, f components.Form, now time.Time, old *store.Check) store.CheckDef {
	d := store.CheckDef{Title: strings.TrimSpace(f.Get("title")), Cadence: f.Get("cadence"), IncludeDistricts: f.Get("include_districts") == "1"}
	requireText(f, "title", store.MaxCheckTitle, "err.required")
	for line := range strings.SplitSeq(f.Get("items"), "\n") {
		if line = strings.TrimFunc(line, unseen); line != "" {
			d.Items = append(d.Items, line)
		}
	}
	switch {
	case len(d.Items) == 0:
		f.Errors["items"] = i18n.M("err.required")
	case len(d.Items) > store.MaxCheckItems:
		f.Errors["items"] = i18n.M("readiness.err_items_many", i18n.ArgNum("max", store.MaxCheckItems))
	case slices.ContainsFunc(d.Items, func(it string) bool { return utf8.RuneCountInString(it) > store.MaxCheckItemText }):
		f.Errors["items"] = i18n.M("readiness.err_item_long", i18n.ArgNum("chars", store.MaxCheckItemText))
	default:
		seen := map[string]bool{}
		for _, it := range d.Items {
			if seen[it] {
				f.Errors["items"] = i18n.M("readiness.err_item_repeated", i18n.ArgText("item", it))
				break
			}
			seen[it] = true
		}
	}
	day := func(name string) time.Time {
		v := latin(f, name)
		switch {
		case v == "":
			f.Errors[name] = i18n.M("err.required")
		case utf8.RuneCountInString(v) > 20:
			f.Errors[name] = i18n.M("err.too_long")
		default:
			t, msg := dayinput.Read(i18n.From(ctx), v, now)
			if msg.IsZero() {
				return t
			}
			f.Errors[name] = msg
		}
		return time.Time{}
	}
	switch d.Cadence {
	case store.CadenceOnce:
		d.DueDate = day("due_date")
	case store.CadenceDaily:
		d.StartsOn, d.EndsOn = day("starts_on"), day("ends_on")
		switch {
		case d.StartsOn.IsZero() || d.EndsOn.IsZero():
		case d.EndsOn.Before(d.StartsOn):
			f.Errors["ends_on"] = i18n.M("readiness.err_end_before")
		case d.EndsOn.Sub(d.StartsOn) > store.MaxCheckDays*24*time.Hour:
			f.Errors["ends_on"] = i18n.M("readiness.err_span", i18n.ArgNum("max", store.MaxCheckDays))
		}
	default:
		f.Errors["cadence"] = i18n.M("readiness.err_cadence")
	}
	checkDaysWindow(f, d, timeline.Today(now), old)
	return d
}

// checkDaysWindow puts a message on the day field of a definition whose new days (those old did not
// have) fall before today or past two years ahead.
func checkDaysWindow(f components.Form, d store.CheckDef, today time.Time, old *store.Check) {
	if f.Errors["due_date"].Key != "" || f.Errors["starts_on"].Key != "" || f.Errors["ends_on"].Key != "" || f.Errors["cadence"].Key != "" {
		return
	}
	first, last := d.DueDate, d.DueDate
	early, late := "due_date", "due_date"
	if d.Cadence == store.CadenceDaily {
		first, last, early, late = d.StartsOn, d.EndsOn, "starts_on", "ends_on"
	}
	// The new days are at most two runs: before the old first day and after the old last one.
	type run struct {
		from, to time.Time
		field    string
	}
	runs := []run{{first, last, early}}
	if old != nil {
		runs = nil
		if first.Before(old.First) {
			runs = append(runs, run{first, minDay(last, old.First.AddDate(0, 0, -1)), early})
		}
		if last.After(old.Last) {
			from, field := maxDay(first, old.Last.AddDate(0, 0, 1)), late
			if from.Equal(first) {
				field = early
			}
			runs = append(runs, run{from, last, field})
		}
	}
	far := furthestDay(today)
	for _, r := range runs {
		switch {
		case r.from.Before(today):
			f.Errors[r.field] = i18n.M("readiness.err_day_past", i18n.ArgDay("today", today))
			return
		case r.to.After(far):
			f.Errors[late] = i18n.M("readiness.err_day_far", i18n.ArgDay("last", far))
			return
		}
	}
}

func minDay(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxDay(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// readinessDefine defines a check of HQ's province for the current election; a wrong form comes back
// (422) with each field's message.
func (s *Server) readinessDefine(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.DefineChecks) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseFormWithin(w, r, checkDefBytes)
	if !ok {
		return
	}
	def := readCheckDef(ctx, f, s.now(), nil)
	if f.Valid() {
		e, err := s.store.CurrentElection(ctx)
		switch {
		case errors.Is(err, store.ErrNotFound):
			f.Errors[""] = i18n.M("readiness.no_election")
		case err != nil:
			s.serverError(w, r, err)
			return
		default:
			id, err := s.store.DefineCheck(formOnce(ctx, f), actor(r), p.Scope, e.ID, def)
			switch {
			case s.sentBefore(w, r, err):
			case err == nil:
				s.redirectFlash(w, r, string(readiness.Href(id)), "readiness.defined")
			default:
				s.serverError(w, r, err)
			}
			return
		}
	}
	s.renderReadinessList(w, r, p, http.StatusUnprocessableEntity, f)
}

// checkPage reads the check of the path with its matrix in the reader's scope (narrowed by ?county=,
// the days up to ?to=), answering 403 or 404 itself.
func (s *Server) checkPage(w http.ResponseWriter, r *http.Request) (*auth.Principal, readiness.ShowData, bool) {
	var d readiness.ShowData
	p := s.readinessReader(w, r)
	if p == nil {
		return nil, d, false
	}
	id, ok := pathID(chi.URLParam(r, "id"))
	if !ok {
		s.notFound(w, r)
		return nil, d, false
	}
	sc, prov, ok := s.readinessScope(w, r, p)
	if !ok {
		return nil, d, false
	}
	ctx := r.Context()
	if prov.Choosing() {
		// The Ministry opens a check of any province without choosing it first: the check's own, which
		// the page's links then carry.
		if prov, ok = s.checkProvince(w, r, p, id, prov); !ok {
			return nil, d, false
		}
		sc.ProvinceID = prov.ID(0)
	}
	if sc.ProvinceID == 0 {
		s.notFound(w, r)
		return nil, d, false
	}
	d.Today, d.Province, d.Filter = timeline.Today(s.now()), prov, components.NewForm()
	if d.County, ok = s.countyFilter(w, r, &sc); !ok {
		return nil, d, false
	}
	d.OnlyMissed = r.URL.Query().Get("missed") == "1"
	if d.County != nil {
		d.Filter.Values.Set("county", d.County.Code)
	}
	if d.OnlyMissed {
		d.Filter.Values.Set("missed", "1")
	}
	var b store.Batch
	b.Check(sc, id, d.Today, &d.C, &d.Items)
	if sc.CountyID == 0 || d.County != nil {
		b.Counties(ctx, auth.Scope{ProvinceID: sc.ProvinceID, CountyID: p.Scope.CountyID}, &d.Counties)
	}
	err := s.store.Run(ctx, &b)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
		return nil, d, false
	case err != nil:
		s.serverError(w, r, err)
		return nil, d, false
	}
	to := d.Today
	if t, err := time.Parse(time.DateOnly, r.URL.Query().Get("to")); err == nil {
		to = t
	}
	d.Days, d.Earlier, d.Later = readiness.MatrixDays(d.C, to)
	b = store.Batch{}
	b.CheckMatrix(sc, &d.C, d.Days[len(d.Days)-1], d.Days[0], &d.Matrix)
	if err := s.store.Run(ctx, &b); err != nil {
		s.serverError(w, r, err)
		return nil, d, false
	}
	live := d.C.RetiredAt == nil
	d.CanEdit = live && p.Can(auth.DefineChecks)
	d.CanRestore = !live && p.Can(auth.DefineChecks)
	if d.CanEdit {
		d.Form = readiness.DefForm(ctx, d.C, d.Items)
	}
	d.CanFile = live && p.Can(auth.FileChecks) && (p.Scope.DistrictID == 0 || d.C.IncludeDistricts)
	d.FileHref = readiness.FileHref(d.C.ID, time.Time{})
	return p, d, true
}

// checkProvince chooses for the Ministry's reader the province of check id, among those he chooses from;
// a check of none is 404 (false, the page answered).
func (s *Server) checkProvince(w http.ResponseWriter, r *http.Request, p *auth.Principal, id int64,
	prov components.ProvinceChoice) (components.ProvinceChoice, bool) {
	province, err := s.store.CheckProvince(r.Context(), p.Scope, id)
	i := slices.IndexFunc(prov.Provinces, func(pr store.Province) bool { return pr.ID == province })
	switch {
	case errors.Is(err, store.ErrNotFound), err == nil && i < 0:
		s.notFound(w, r)
		return prov, false
	case err != nil:
		s.serverError(w, r, err)
		return prov, false
	}
	prov.Chosen = &prov.Provinces[i]
	return prov, true
}

func (s *Server) readinessShow(w http.ResponseWriter, r *http.Request) {
	if _, d, ok := s.checkPage(w, r); ok {
		s.render(w, r, http.StatusOK, readiness.Show(d))
	}
}

// readinessEdit changes a check as of its version: a stale form comes back (409) as it was typed at the
// current version; a wrong one (422) with its messages.
func (s *Server) readinessEdit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !auth.FromContext(ctx).Can(auth.DefineChecks) {
		s.forbidden(w, r)
		return
	}
	p, d, ok := s.checkPage(w, r)
	if !ok {
		return
	}
	if d.C.RetiredAt != nil {
		s.checkRefused(w, r, d, "readiness.err_retired")
		return
	}
	f, ok := s.parseFormWithin(w, r, checkDefBytes)
	if !ok {
		return
	}
	def := readCheckDef(ctx, f, s.now(), &d.C)
	version := formVersion(f)
	show := func(f components.Form, why i18n.Msg) templ.Component {
		d.Form, d.Refused = f, why
		return readiness.Show(d)
	}
	if version != d.C.Version {
		s.refuseStale(w, r, f, d.C.Version, show)
		return
	}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, show(f, i18n.Msg{}))
		return
	}
	err := s.store.EditCheck(ctx, actor(r), p.Scope, d.C.ID, version, def)
	switch {
	case err == nil:
		s.redirectFlash(w, r, string(readiness.Href(d.C.ID)), "readiness.edited")
	case errors.Is(err, store.ErrConflict):
		c, _, err := s.store.Check(ctx, p.Scope, d.C.ID, d.Today)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.C.Version = c.Version
		s.refuseStale(w, r, f, c.Version, show)
	case errors.Is(err, store.ErrCheckFiledDays):
		s.render(w, r, http.StatusUnprocessableEntity, show(f, i18n.M("readiness.err_filed_days")))
	case errors.Is(err, store.ErrCheckRetired):
		s.checkRefused(w, r, d, "readiness.err_retired")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	default:
		s.serverError(w, r, err)
	}
}

// refuseStale answers a form drawn before its record changed (409): page draws it as it was typed,
// without its messages, at the record's current version (none when the record is not made yet).
func (s *Server) refuseStale(w http.ResponseWriter, r *http.Request, f components.Form, version int,
	page func(components.Form, i18n.Msg) templ.Component) {
	f.Errors = map[string]i18n.Msg{}
	f.Values.Del("version")
	if version != 0 {
		f.Values.Set("version", strconv.Itoa(version))
	}
	s.render(w, r, http.StatusConflict, page(f, i18n.M("err.conflict")))
}

// checkRefused draws the check's page as it is, saying why the act was refused (409).
func (s *Server) checkRefused(w http.ResponseWriter, r *http.Request, d readiness.ShowData, why string) {
	d.Refused = i18n.M(why)
	s.render(w, r, http.StatusConflict, readiness.Show(d))
}

// readinessRetire retires a check as of its version, once confirmed (409 when stale or retired already).
func (s *Server) readinessRetire(w http.ResponseWriter, r *http.Request) {
	s.checkRetirement(w, r, true)
}

// readinessRestore puts a retired check back as of its version (409 when stale or not retired).
func (s *Server) readinessRestore(w http.ResponseWriter, r *http.Request) {
	s.checkRetirement(w, r, false)
}

// checkRetirement retires a live check (retire) or restores a retired one, as of its version.
func (s *Server) checkRetirement(w http.ResponseWriter, r *http.Request, retire bool) {
	ctx := r.Context()
	if !auth.FromContext(ctx).Can(auth.DefineChecks) {
		s.forbidden(w, r)
		return
	}
	p, d, ok := s.checkPage(w, r)
	if !ok {
		return
	}
	f, ok := s.parseFormWithin(w, r, formBytes(0))
	if !ok {
		return
	}
	change, to, flash := s.store.RestoreCheck, string(readiness.Href(d.C.ID)), "readiness.restored"
	if retire {
		if !s.confirmed(w, r, f, readiness.RetireQuestion(d.C), string(readiness.Href(d.C.ID))) {
			return
		}
		change, to, flash = s.store.RetireCheck, "/readiness", "readiness.retired_done"
	}
	err := change(ctx, actor(r), p.Scope, d.C.ID, formVersion(f))
	switch {
	case err == nil:
		s.redirectFlash(w, r, to, flash)
	case errors.Is(err, store.ErrConflict):
		s.checkRefused(w, r, d, "err.conflict")
	case errors.Is(err, store.ErrCheckRetired):
		s.checkRefused(w, r, d, "readiness.err_retired")
	case errors.Is(err, store.ErrCheckLive):
		s.checkRefused(w, r, d, "readiness.err_live")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	default:
		s.serverError(w, r, err)
	}
}

// filePage reads the check of the path and the reader's own place's filing of day ("" : the check's day
// nearest today), answering 403 or 404 itself. Closed says why the day cannot be filed, with the status
// a post of it answers.
func (s *Server) filePage(w http.ResponseWriter, r *http.Request, day string) (*auth.Principal, readiness.FileData, int, bool) {
	var d readiness.FileData
	p := auth.FromContext(r.Context())
	if !p.Can(auth.FileChecks) {
		s.forbidden(w, r)
		return nil, d, 0, false
	}
	id, ok := pathID(chi.URLParam(r, "id"))
	if !ok {
		s.notFound(w, r)
		return nil, d, 0, false
	}
	ctx := r.Context()
	d.Today = timeline.Today(s.now())
	d.Place = i18n.Pick(ctx, p.PlaceFa, p.PlaceEn)
	var items []store.CheckItem
	var b store.Batch
	b.Check(p.Scope, id, d.Today, &d.C, &items)
	if err := s.store.Run(ctx, &b); errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return nil, d, 0, false
	} else if err != nil {
		s.serverError(w, r, err)
		return nil, d, 0, false
	}
	for _, it := range items {
		if !it.Retired {
			d.Items = append(d.Items, it)
		}
	}
	if day == "" {
		d.Day = d.C.First
		if d.C.Cadence == store.CadenceDaily {
			d.Day, _ = d.C.LatestDay(d.Today)
			if d.Day.IsZero() {
				d.Day = d.C.First
			}
		}
	} else if t, err := time.Parse(time.DateOnly, day); err == nil {
		d.Day = t
	} else {
		s.notFound(w, r)
		return nil, d, 0, false
	}
	if d.C.Cadence == store.CadenceDaily {
		days, _, _ := readiness.MatrixDays(d.C, d.Today)
		for _, day := range days {
			if !day.After(d.Today) {
				d.Days = append(d.Days, day)
			}
		}
	}
	status := http.StatusOK
	switch {
	case d.C.RetiredAt != nil:
		d.Closed, status = i18n.M("readiness.err_retired"), http.StatusConflict
	case p.Scope.DistrictID != 0 && !d.C.IncludeDistricts:
		d.Closed, status = i18n.M("readiness.err_no_districts"), http.StatusForbidden
	case !d.C.IsDay(d.Day):
		d.Closed, status = i18n.M("readiness.err_day"), http.StatusUnprocessableEntity
	case d.C.Cadence == store.CadenceDaily && d.Day.After(d.Today):
		d.Closed, status = i18n.M("readiness.err_future", i18n.ArgDay("today", d.Today)), http.StatusUnprocessableEntity
	}
	b = store.Batch{}
	b.CheckFiling(p.Scope.ProvinceID, d.C.ID, p.Scope.CountyID, p.Scope.DistrictID, d.Day, &d.Filing)
	if err := s.store.Run(ctx, &b); err != nil {
		s.serverError(w, r, err)
		return nil, d, 0, false
	}
	d.Form = readiness.FilingForm(d)
	return p, d, status, true
}

func (s *Server) readinessFilePage(w http.ResponseWriter, r *http.Request) {
	_, d, status, ok := s.filePage(w, r, r.URL.Query().Get("day"))
	if !ok {
		return
	}
	if status == http.StatusForbidden {
		s.render(w, r, status, readiness.File(d))
		return
	}
	s.render(w, r, http.StatusOK, readiness.File(d))
}

// readinessFile files, or corrects, the reader's own place's answers for a day of the check: a form
// drawn before another filing of the day comes back (409) as typed at the filing's version; a wrong one
// (422) with its messages.
func (s *Server) readinessFile(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.FileChecks) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseFormWithin(w, r, fileBytes)
	if !ok {
		return
	}
	p, d, status, ok := s.filePage(w, r, latin(f, "day"))
	if !ok {
		return
	}
	if !d.Closed.IsZero() {
		s.render(w, r, status, readiness.File(d))
		return
	}
	answers := map[int64]store.ItemAnswer{}
	for _, it := range d.Items {
		var a store.ItemAnswer
		switch f.Get(readiness.OKField(it.ID)) {
		case "yes":
			a.OK = true
		case "no":
		default:
			f.Errors[readiness.OKField(it.ID)] = i18n.M("readiness.err_ok", i18n.ArgUser("item", it.Text))
		}
		a.Note = strings.TrimSpace(f.Get(readiness.NoteField(it.ID)))
		if utf8.RuneCountInString(a.Note) > store.MaxCheckNote {
			f.Errors[readiness.NoteField(it.ID)] = i18n.M("readiness.err_note_long", i18n.ArgUser("item", it.Text),
				i18n.ArgNum("chars", store.MaxCheckNote))
		}
		answers[it.ID] = a
	}
	version := 0
	if f.Get("version") != "" {
		version = formVersion(f)
	}
	conflict := func() {
		f.Values.Set("day", d.Day.Format(time.DateOnly))
		s.refuseStale(w, r, f, d.Filing.Version, func(f components.Form, why i18n.Msg) templ.Component {
			d.Form, d.Refused = f, why
			return readiness.File(d)
		})
	}
	if version != d.Filing.Version {
		conflict()
		return
	}
	if !f.Valid() {
		d.Form = f
		s.render(w, r, http.StatusUnprocessableEntity, readiness.File(d))
		return
	}
	place := store.CheckPlace{CountyID: p.Scope.CountyID, DistrictID: p.Scope.DistrictID}
	_, err := s.store.FileCheck(r.Context(), actor(r), p.Scope, d.C.ID, place, d.Day, d.Today, answers, version)
	switch {
	case err == nil:
		s.redirectFlash(w, r, string(readiness.FileHref(d.C.ID, d.Day)), "readiness.filed_done")
	case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrCheckAnswers):
		// Filed meanwhile, or an item added: the page as it is now, with what was typed.
		_, cur, _, ok := s.filePage(w, r, d.Day.Format(time.DateOnly))
		if !ok {
			return
		}
		d = cur
		conflict()
	case errors.Is(err, store.ErrCheckNoDistricts):
		s.forbidden(w, r)
	case errors.Is(err, store.ErrCheckDay), errors.Is(err, store.ErrCheckFuture), errors.Is(err, store.ErrCheckRetired):
		d.Form = f
		d.Refused = i18n.M("readiness.err_day")
		s.render(w, r, http.StatusUnprocessableEntity, readiness.File(d))
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	default:
		s.serverError(w, r, err)
	}
}
