package server

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/dayinput"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	tl "github.com/setad/setad/internal/timeline"
	"github.com/setad/setad/web/components"
	webi "github.com/setad/setad/web/incidents"
)

// The bounds of an incident's fields, in characters (migration 0032).
const (
	maxIncidentTitle = 200
	maxIncidentBody  = 20000
	maxIncidentNote  = 2000
)

// reportBytes is the body bound of a report (formBytes): its title, body and time, and the districts.
var reportBytes = formBytes(maxIncidentTitle + maxIncidentBody + 40 + maxIncidentDistricts*(100+len("&district=")))

// sinceAtMost is how long before its report an incident may have begun: an earlier day is a slip (a year
// mistyped).
const sinceAtMost = 366 * 24 * time.Hour

// maxIncidentDistricts bounds the districts one report names: more than any county has.
const maxIncidentDistricts = 100

var (
	// systemKey is the form of an election system's key (migration 0032).
	systemKey = regexp.MustCompile(`^[a-z][a-z0-9-]{1,62}$`)
	// placeCodeForm is the form of a county's or district's code.
	placeCodeForm = regexp.MustCompile(`^[a-z0-9-]{1,100}$`)
	// clock is a time of day typed after the day: 14:30, 8:05.
	clock = regexp.MustCompile(`^([01]?[0-9]|2[0-3]):([0-5][0-9])$`)
)

// incidentRoutes adds the incidents of the election systems: the list, the report form, an incident and
// the acts on it. The pages that only read are kept (keepPages).
func (s *Server) incidentRoutes(r chi.Router) {
	r.With(s.keepPages).Get("/incidents", s.incidentList)
	r.With(s.keepPages).Get("/incidents/new", s.incidentNew)
	r.Post("/incidents", s.incidentReport)
	r.Route("/incidents/{id}", func(r chi.Router) {
		r.With(s.keepPages).Get("/", s.incidentShow)
		r.Post("/acknowledge", s.incidentAcknowledge)
		r.Post("/notes", s.incidentNote)
		r.Post("/severity", s.incidentSeverity)
		r.Post("/resolve", s.incidentResolve)
		r.Post("/reopen", s.incidentReopen)
	})
}

// incidentFilter reads the list's filters from the query; a value of no allowed form is no filter.
func incidentFilter(r *http.Request) store.IncidentFilter {
	q := r.URL.Query()
	f := store.IncidentFilter{Page: listPage(r), Open: q.Get("open") == "1", Own: ownPlace(q)}
	if c := placeCode(q.Get("county")); placeCodeForm.MatchString(c) {
		f.County = c
	}
	if v := q.Get("severity"); slices.Contains(store.Severities, v) {
		f.Severity = v
	}
	if v := q.Get("status"); slices.Contains(webi.Statuses, v) {
		f.Status = v
	}
	if v := q.Get("system"); systemKey.MatchString(v) {
		f.System = v
	}
	return f
}

// incidentList is /incidents: the incidents of the reader's scope (the Ministry's reader: every province's
// or the one he chose), filtered.
func (s *Server) incidentList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.ViewIncidents) {
		s.forbidden(w, r)
		return
	}
	prov, ok := s.provinceChosen(w, r)
	if !ok {
		return
	}
	sc := p.Scope
	if prov.Offered() {
		sc = auth.Scope{ProvinceID: prov.ID(0)}
	}
	// A district's: those it reported and those that affect it, as its head reads them.
	listed, dt, ok := s.districtChosen(w, r, sc)
	if !ok {
		return
	}
	d := webi.ListData{Province: prov, Filter: incidentFilter(r), CanReport: webi.Reports(p)}
	if dt != nil {
		d.District = dt.Code
	}
	var b store.Batch
	// The Ministry's list of every province filters by the systems of them all, by key.
	b.Systems(sc.ProvinceID, &d.Systems)
	// A county asked for must be one of the reader's (every province's for the Ministry that chose none),
	// else 404, as on every list, whether the code names another's county or none.
	county, counties := placeCode(r.URL.Query().Get("county")), &d.Counties
	if sc.ProvinceID != 0 {
		b.Counties(ctx, auth.Scope{ProvinceID: sc.ProvinceID, CountyID: sc.CountyID}, &d.Counties)
	} else if county != "" {
		counties = new([]store.County)
		b.Counties(ctx, auth.Scope{}, counties)
	}
	b.Incidents(listed, d.Filter, &d.Incidents, &d.Total)
	if err := s.store.Run(ctx, &b); err != nil {
		s.serverError(w, r, err)
		return
	}
	if !countyIn(*counties, county) {
		s.notFound(w, r)
		return
	}
	s.render(w, r, http.StatusOK, webi.List(d))
}

// incidentNew is the form that reports an incident of the reader's place.
func (s *Server) incidentNew(w http.ResponseWriter, r *http.Request) {
	s.renderIncidentNew(w, r, http.StatusOK, components.NewForm())
}

// renderIncidentNew draws the report form as it is (empty, or back with its errors); 403 for one who
// does not report.
func (s *Server) renderIncidentNew(w http.ResponseWriter, r *http.Request, status int, f components.Form) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !webi.Reports(p) {
		s.forbidden(w, r)
		return
	}
	d := webi.NewData{Form: f}
	var own []store.District
	var b store.Batch
	b.Systems(p.Scope.ProvinceID, &d.Systems)
	if p.Scope.DistrictID != 0 {
		b.Districts(ctx, p.Scope, &own)
	} else {
		b.Districts(ctx, p.Scope, &d.Districts)
	}
	if err := s.store.Run(ctx, &b); err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(own) > 0 {
		d.Own = i18n.Pick(ctx, own[0].NameFa, own[0].NameEn)
	}
	s.render(w, r, status, webi.New(d))
}

// readSince reads when an incident began: a day in the reader's calendar (dayinput.Read) and a time of
// day (HH:MM, midnight when left out), in Tehran's time; not after now, nor more than a year before.
func readSince(lang i18n.Lang, typed string, now time.Time) (time.Time, i18n.Msg) {
	parts := strings.Fields(typed)
	if len(parts) == 0 || len(parts) > 2 {
		return time.Time{}, i18n.M("incidents.err.since", i18n.ArgText("example", webi.SinceExample(lang, now)))
	}
	day, msg := dayinput.Read(lang, parts[0], tl.Today(now))
	if !msg.IsZero() {
		return time.Time{}, msg
	}
	h, m := 0, 0
	if len(parts) == 2 {
		c := clock.FindStringSubmatch(parts[1])
		if c == nil {
			return time.Time{}, i18n.M("incidents.err.since", i18n.ArgText("example", webi.SinceExample(lang, now)))
		}
		h, _ = strconv.Atoi(c[1])
		m, _ = strconv.Atoi(c[2])
	}
	t := time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, i18n.Tehran)
	switch {
	case t.After(now):
		return time.Time{}, i18n.M("incidents.err.since_future")
	case t.Before(now.Add(-sinceAtMost)):
		return time.Time{}, i18n.M("incidents.err.since_old")
	}
	return t, i18n.Msg{}
}

// incidentReport records an incident reported from the reader's place: the system, what happened, how
// severe, since when, and (a governor) the districts of his county it affects. A form with errors comes
// back filled (422).
func (s *Server) incidentReport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !webi.Reports(p) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseFormWithin(w, r, reportBytes)
	if !ok {
		return
	}
	if !systemKey.MatchString(f.Get("system")) {
		f.Errors["system"] = i18n.M("incidents.err.system")
	}
	requireText(f, "title", maxIncidentTitle, "err.required")
	requireText(f, "body", maxIncidentBody, "err.required")
	if !slices.Contains(store.Severities, f.Get("severity")) {
		f.Errors["severity"] = i18n.M("incidents.err.severity")
	}
	since, msg := readSince(i18n.From(ctx), latin(f, "since"), s.now())
	if f.Get("since") == "" {
		f.Errors["since"] = i18n.M("err.required")
	} else if !msg.IsZero() {
		f.Errors["since"] = msg
	}
	districts := f.Values["district"]
	if len(districts) > maxIncidentDistricts {
		f.Errors["district"] = i18n.M("incidents.err.district")
	}
	for _, c := range districts {
		if f.Errors["district"].IsZero() && !placeCodeForm.MatchString(c) {
			f.Errors["district"] = i18n.M("incidents.err.district")
		}
	}
	if f.Valid() {
		id, err := s.store.ReportIncident(formOnce(ctx, f), actor(r), p.Scope, store.NewIncident{System: f.Get("system"),
			Title: f.Get("title"), Body: f.Get("body"), Severity: f.Get("severity"), Since: since, Districts: districts})
		switch {
		case s.sentBefore(w, r, err):
			return
		case err == nil:
			s.redirectFlash(w, r, string(webi.Href(id)), "incidents.reported")
			return
		case errors.Is(err, store.ErrUnknownSystem):
			f.Errors["system"] = i18n.M("incidents.err.system")
		case errors.Is(err, store.ErrUnknownDistrict):
			f.Errors["district"] = i18n.M("incidents.err.district")
		default:
			s.serverError(w, r, err)
			return
		}
	}
	s.renderIncidentNew(w, r, http.StatusUnprocessableEntity, f)
}

// ownsIncident reports whether p handles i: a member of the committee that owns it.
func ownsIncident(p *auth.Principal, i store.Incident) bool {
	return p.Can(auth.HandleIncidents) && p.Scope.Committee != "" && p.Scope.Committee == i.Committee
}

// reportsIncident reports whether p speaks for the place that reported i: the governor of its county,
// the head of the district that reported it.
func reportsIncident(p *auth.Principal, i store.Incident) bool {
	return p.Can(auth.ReportIncidents) && p.Scope.CountyID == i.CountyID && (p.Scope.DistrictID == 0 || p.Scope.DistrictID == i.DistrictID)
}

// incidentPage loads the incident of the address, in the reader's scope, with its thread and the forms
// the reader may use; it answers 403, 404 or 500 itself and returns false.
func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request) (webi.ShowData, bool) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	var d webi.ShowData
	if !p.Can(auth.ViewIncidents) {
		s.forbidden(w, r)
		return d, false
	}
	id, ok := pathID(chi.URLParam(r, "id"))
	if !ok {
		s.notFound(w, r)
		return d, false
	}
	var b store.Batch
	b.Incident(p.Scope, id, &d.I)
	b.IncidentThread(ctx, p.Scope, id, &d.Events, &d.Districts)
	err := s.store.Run(ctx, &b)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return d, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return d, false
	}
	owns, reports := ownsIncident(p, d.I), reportsIncident(p, d.I)
	form := func() *components.Form {
		f := components.NewForm()
		return &f
	}
	if owns && d.I.Status == "open" {
		d.Acknowledge = true
	}
	if d.I.Resolved() {
		if owns || reports {
			d.Reopen = form()
		}
		return d, true
	}
	if owns {
		d.Resolve = form()
	}
	if owns || reports {
		d.Note = form()
		d.Severity = form()
		d.Severity.Values.Set("severity", d.I.Severity)
		d.RaiseOnly = !owns
	}
	return d, true
}

// incidentShow is an incident with its thread.
func (s *Server) incidentShow(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.incidentPage(w, r); ok {
		s.render(w, r, http.StatusOK, webi.Show(d))
	}
}

// incidentForm names the form of an act on the incident's page, to keep it when the act is refused.
type incidentForm int

const (
	noIncidentForm incidentForm = iota
	noteForm
	severityForm
	resolveForm
	reopenForm
)

// bodyBound is the body bound of the act's form (formBytes): a note's, or a few short fields.
func (k incidentForm) bodyBound() int64 {
	if k == noteForm || k == resolveForm || k == reopenForm {
		return formBytes(maxIncidentNote)
	}
	return formBytes(0)
}

// keep puts f on the page in place of the empty form of its kind, if the page offers that form.
func (k incidentForm) keep(d *webi.ShowData, f components.Form) {
	for _, slot := range []struct {
		kind incidentForm
		form **components.Form
	}{{noteForm, &d.Note}, {severityForm, &d.Severity}, {resolveForm, &d.Resolve}, {reopenForm, &d.Reopen}} {
		if slot.kind == k && *slot.form != nil {
			*slot.form = &f
		}
	}
}

// incidentAct runs an act on the incident of the address: may says whether the reader may take it at all
// (else 403; an incident out of his scope is 404), and only then is the form read, within its kind's
// bound (bodyBound: 413 over it); check reads the form's fields (errors: 422 with the form kept), act
// takes it. A stale version or an incident no longer in a state for it is 409, the page drawn as it is
// now.
func (s *Server) incidentAct(w http.ResponseWriter, r *http.Request, kind incidentForm, may func(*auth.Principal, store.Incident) bool,
	check func(components.Form), act func(ctx context.Context, sc auth.Scope, d webi.ShowData, f components.Form) error, flash string) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	d, ok := s.incidentPage(w, r)
	if !ok {
		return
	}
	if !may(p, d.I) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseFormWithin(w, r, kind.bodyBound())
	if !ok {
		return
	}
	check(f)
	if !f.Valid() {
		kind.keep(&d, f)
		s.render(w, r, http.StatusUnprocessableEntity, webi.Show(d))
		return
	}
	err := act(ctx, p.Scope, d, f)
	switch {
	case s.sentBefore(w, r, err):
	case err == nil:
		s.redirectFlash(w, r, string(webi.Href(d.I.ID)), flash)
	case errors.Is(err, store.ErrIncidentLower):
		f.Errors["severity"] = i18n.M("incidents.err.lower", i18n.ArgText("severity", i18n.T(ctx, "incidents.severity."+d.I.Severity)))
		kind.keep(&d, f)
		s.render(w, r, http.StatusUnprocessableEntity, webi.Show(d))
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrNotYours):
		s.forbidden(w, r)
	case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrIncidentState):
		now, ok := s.incidentPage(w, r)
		if !ok {
			return
		}
		why := i18n.M("incidents.conflict")
		if errors.Is(err, store.ErrIncidentState) {
			why = i18n.M("incidents.err.state")
		}
		kind.keep(&now, f)
		now.Refused = &why
		s.render(w, r, http.StatusConflict, webi.Show(now))
	default:
		s.serverError(w, r, err)
	}
}

func ownsOrReports(p *auth.Principal, i store.Incident) bool {
	return ownsIncident(p, i) || reportsIncident(p, i)
}

func noCheck(components.Form) {}

// incidentAcknowledge records that the owner committee has taken the incident up.
func (s *Server) incidentAcknowledge(w http.ResponseWriter, r *http.Request) {
	s.incidentAct(w, r, noIncidentForm, ownsIncident, noCheck,
		func(ctx context.Context, sc auth.Scope, d webi.ShowData, f components.Form) error {
			return s.store.AcknowledgeIncident(ctx, actor(r), sc, d.I.ID, formVersion(f))
		}, "incidents.acknowledged")
}

// incidentNote adds a note to the incident's thread.
func (s *Server) incidentNote(w http.ResponseWriter, r *http.Request) {
	s.incidentAct(w, r, noteForm, ownsOrReports,
		func(f components.Form) { requireText(f, "note", maxIncidentNote, "err.required") },
		func(ctx context.Context, sc auth.Scope, d webi.ShowData, f components.Form) error {
			return s.store.NoteIncident(formOnce(ctx, f), actor(r), sc, d.I.ID, f.Get("note"))
		}, "incidents.noted")
}

// incidentSeverity changes the incident's severity.
func (s *Server) incidentSeverity(w http.ResponseWriter, r *http.Request) {
	s.incidentAct(w, r, severityForm, ownsOrReports,
		func(f components.Form) {
			if !slices.Contains(store.Severities, f.Get("severity")) {
				f.Errors["severity"] = i18n.M("incidents.err.severity")
			}
		},
		func(ctx context.Context, sc auth.Scope, d webi.ShowData, f components.Form) error {
			return s.store.ChangeIncidentSeverity(ctx, actor(r), sc, d.I.ID, formVersion(f), f.Get("severity"))
		}, "incidents.severity_changed")
}

// incidentResolve resolves the incident with what was done.
func (s *Server) incidentResolve(w http.ResponseWriter, r *http.Request) {
	s.incidentAct(w, r, resolveForm, ownsIncident,
		func(f components.Form) { requireText(f, "resolution", maxIncidentNote, "err.required") },
		func(ctx context.Context, sc auth.Scope, d webi.ShowData, f components.Form) error {
			return s.store.ResolveIncident(ctx, actor(r), sc, d.I.ID, formVersion(f), f.Get("resolution"))
		}, "incidents.resolved")
}

// incidentReopen opens a resolved incident again, saying why.
func (s *Server) incidentReopen(w http.ResponseWriter, r *http.Request) {
	s.incidentAct(w, r, reopenForm, ownsOrReports,
		func(f components.Form) { requireText(f, "note", maxIncidentNote, "err.required") },
		func(ctx context.Context, sc auth.Scope, d webi.ShowData, f components.Form) error {
			return s.store.ReopenIncident(ctx, actor(r), sc, d.I.ID, formVersion(f), f.Get("note"))
		}, "incidents.reopened")
}
