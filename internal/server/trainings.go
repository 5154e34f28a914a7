package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/audience"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/dayinput"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/reqctx"
	"github.com/setad/setad/internal/schedule"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/internal/timeline"
	"github.com/setad/setad/web/components"
	"github.com/setad/setad/web/trainings"
)

// Bounds of a session's fields and of its attendance.
const (
	maxTrainingTitle = 200
	maxTrainingPlace = 500
	maxAttendeeNames = 2000
	maxAttendees     = 10000
)

// untrainedPageSize is how many places a page of those not trained shows.
const untrainedPageSize = 50

// trainingRoutes adds the committees' training sessions. The schedule form, with its materials (field
// attachment), and the materials the committee adds later are multipart posts, read within their own
// limit (readsOwnBody).
func (s *Server) trainingRoutes(r chi.Router) {
	r.With(s.keepPages).Get("/trainings", s.trainingList)
	r.Post("/trainings", s.trainingSchedule)
	r.With(s.keepPages).Get("/trainings/{id}", s.trainingShow)
	r.Post("/trainings/{id}/confirm", s.trainingConfirm)
	r.Post("/trainings/{id}/attendance", s.trainingAttendance)
	r.Post("/trainings/{id}/attachments", s.trainingAttach)
	r.Get("/trainings/{id}/attachments/{n}", s.trainingAttachment)
	r.Head("/trainings/{id}/attachments/{n}", s.trainingAttachment)
}

// trainingReader returns the principal who may read sessions, or answers 403 and returns nil.
func (s *Server) trainingReader(w http.ResponseWriter, r *http.Request) *auth.Principal {
	p := auth.FromContext(r.Context())
	if !p.Can(auth.ViewCommitteeWork) {
		s.forbidden(w, r)
		return nil
	}
	return p
}

// readsCoverage reports whether the reader follows the whole province's training: all but a governor or
// a district head, who read their own place's sessions.
func readsCoverage(p *auth.Principal) bool {
	return p.Role != auth.Governor && p.Role != auth.DistrictHead
}

func (s *Server) trainingList(w http.ResponseWriter, r *http.Request) {
	p := s.trainingReader(w, r)
	if p == nil {
		return
	}
	f := components.NewForm()
	f.Values.Set(audience.FieldAudience, "province")
	s.renderTrainingList(w, r, p, http.StatusOK, f)
}

// renderTrainingList draws /trainings for the reader (the Ministry's for the province it chose by
// ?province=code) with the schedule form f of a committee member.
func (s *Server) renderTrainingList(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, f components.Form) {
	ctx := r.Context()
	d := trainings.ListData{Now: s.now(), Form: f}
	sc := p.Scope
	sc.Committee = ""
	prov, ok := s.provinceChosen(w, r)
	if !ok {
		return
	}
	d.Province, sc.ProvinceID = prov, prov.ID(sc.ProvinceID)
	pf, ok := s.placeChosen(w, r, sc.ProvinceID)
	if !ok {
		return
	}
	q := r.URL.Query()
	d.Untrained, d.FilterCounties = q.Get("untrained") == "1", pf.Counties
	d.Query = keptQuery(q, "province", "county", "district", "level", "untrained")
	d.Filter = components.NewForm().WithPrefix("filter-")
	d.Filter.Values.Set("county", q.Get("county"))
	d.Filter.Values.Set("untrained", q.Get("untrained"))
	d.Applied = appliedPlace(ctx, "/trainings", d.Query, pf)
	if d.Untrained {
		d.Applied = append(d.Applied, components.AppliedFilter{Label: i18n.T(ctx, "trainings.applied_untrained"),
			Remove: components.Without("/trainings", d.Query, "untrained")})
	}
	var ts []store.Training
	var ks []store.Committee
	var b store.Batch
	switch {
	case sc.ProvinceID != 0 && d.Untrained:
		d.Page = listPage(r)
		b.UntrainedPlaces(ctx, pf.Scope, ownPlace(q), d.Page, untrainedPageSize, &d.Places, &d.Total)
	case sc.ProvinceID != 0:
		b.Trainings(pf.Scope, &ts)
		if readsCoverage(p) {
			d.Coverage = []store.CountyTraining{}
			b.TrainingCoverage(sc.ProvinceID, &d.Coverage)
		}
	}
	if p.Can(auth.ScheduleTrainings) && p.Scope.Committee != "" {
		b.Committees(p.Scope.ProvinceID, &ks)
		b.Counties(ctx, auth.Scope{ProvinceID: p.Scope.ProvinceID}, &d.Counties)
	}
	if err := s.store.Run(ctx, &b); err != nil {
		s.serverError(w, r, err)
		return
	}
	if i := slices.IndexFunc(ks, func(k store.Committee) bool { return k.Key == p.Scope.Committee }); i >= 0 {
		d.CanSchedule, d.Committee = true, ks[i]
	}
	d.Pages = (d.Total + untrainedPageSize - 1) / untrainedPageSize
	if pf.County != nil && d.Coverage != nil {
		// A county's page shows its own row of the summary.
		d.Coverage = slices.DeleteFunc(d.Coverage, func(c store.CountyTraining) bool { return c.CountyID != pf.County.ID })
	}
	d.Upcoming, d.Past = trainings.Split(ts, d.Now)
	if len(d.Upcoming) > 0 {
		// The next session is marked held once it starts: a kept copy of the page is not served past then.
		reqctx.From(ctx).ChangesAt(d.Upcoming[0].StartsAt)
	}
	s.render(w, r, status, trainings.List(d))
}

// trainingSchedule schedules a session of the member's committee with its materials; the form comes back
// (422) with each field's message when something is wrong (files must be chosen again).
func (s *Server) trainingSchedule(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.ScheduleTrainings) || p.Scope.Committee == "" {
		s.forbidden(w, r)
		return
	}
	up, ok := s.readUploadForm(w, r, "attachment")
	if !ok {
		return
	}
	defer up.Close()
	f := up.form
	t := store.NewTraining{Title: f.Get("title"), Place: f.Get("place")}
	requireText(f, "title", maxTrainingTitle, "err.required")
	requireText(f, "place", maxTrainingPlace, "err.required")
	var day = s.now()
	switch date := latin(f, "date"); {
	case date == "":
		f.Errors["date"] = i18n.M("err.required")
	case utf8.RuneCountInString(date) > 20:
		f.Errors["date"] = i18n.M("err.too_long")
	default:
		d, msg := dayinput.Read(i18n.From(ctx), date, s.now())
		if !msg.IsZero() {
			f.Errors["date"] = msg
		} else if today := timeline.Today(s.now()); d.Before(today) {
			// A session is scheduled to be held: one back-dated could be marked attended at once.
			f.Errors["date"] = i18n.M("trainings.err_past", i18n.ArgDay("today", today))
		} else if d.After(furthestDay(today)) {
			f.Errors["date"] = i18n.M("trainings.err_far", i18n.ArgDay("last", furthestDay(today)))
		}
		day = d
	}
	clock := f.Get("time")
	hour, minute, ok := schedule.ReadClock(clock)
	switch {
	case clock == "":
		f.Errors["time"] = i18n.M("err.required")
	case utf8.RuneCountInString(clock) > 10 || !ok:
		f.Errors["time"] = i18n.M("err.time")
	}
	a, errs := audience.Parse(f.Values)
	for field, key := range errs {
		f.Errors[field] = i18n.M(key)
	}
	t.Audience = a
	if f.Valid() {
		t.StartsAt = schedule.At(day, hour, minute)
		files, err := up.attachments()
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		id, err := s.store.ScheduleTraining(formOnce(ctx, f), actor(r), p.Scope, t, files)
		switch {
		case s.sentBefore(w, r, err):
			return
		case err == nil:
			s.redirectFlash(w, r, string(trainings.Href(id)), "trainings.scheduled")
			return
		case errors.Is(err, store.ErrUnknownCounty):
			f.Errors[audience.FieldCounty] = i18n.M("err.audience_county")
		case errors.Is(err, store.ErrTooManyAttachments):
			f.Errors["attachment"] = i18n.M("err.attachments_many", i18n.ArgNum("n", store.MaxAttachments))
		case errors.Is(err, store.ErrTrainingNoCommittee):
			s.forbidden(w, r)
			return
		default:
			s.serverError(w, r, err)
			return
		}
	}
	s.renderTrainingList(w, r, p, http.StatusUnprocessableEntity, f)
}

// trainingOf reads the session of the path in the reader's scope, answering 403 or 404 itself.
func (s *Server) trainingOf(w http.ResponseWriter, r *http.Request) (*auth.Principal, trainings.ShowData, bool) {
	p := s.trainingReader(w, r)
	if p == nil {
		return nil, trainings.ShowData{}, false
	}
	id, ok := pathID(chi.URLParam(r, "id"))
	if !ok {
		s.notFound(w, r)
		return nil, trainings.ShowData{}, false
	}
	sc := p.Scope
	sc.Committee = ""
	d := trainings.ShowData{Now: s.now(), Attach: components.NewForm()}
	// The materials are read with the session, in its scope: a session out of it answers ErrNotFound, and
	// its materials with it.
	var b store.Batch
	b.Training(sc, id, &d.T, &d.Invitees)
	b.Attachments(store.OwnerTraining, id, &d.Attachments)
	err := s.store.Run(r.Context(), &b)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
		return nil, d, false
	case err != nil:
		s.serverError(w, r, err)
		return nil, d, false
	}
	if p.Can(auth.ConfirmTrainings) {
		for i, inv := range d.Invitees {
			if inv.CountyID == p.Scope.CountyID && inv.DistrictID == p.Scope.DistrictID {
				d.Own = &d.Invitees[i]
				// A place says it will attend before the session, not once it has begun.
				d.CanConfirm = inv.ConfirmedAt == nil && d.T.StartsAt.After(d.Now)
			}
		}
	}
	// The session's committee records who attended once the session has begun, not before: an attendance
	// recorded ahead would count places as trained in HQ's summary by a session not yet held.
	d.Records = p.Can(auth.ScheduleTrainings) && p.Scope.Committee != "" && p.Scope.Committee == d.T.Committee
	d.CanRecord = d.Records && !d.T.StartsAt.After(d.Now)
	if d.CanRecord {
		d.Attendance = trainings.AttendanceForm(r.Context(), d.T, d.Invitees)
	}
	return p, d, true
}

func (s *Server) trainingShow(w http.ResponseWriter, r *http.Request) {
	if _, d, ok := s.trainingOf(w, r); ok {
		reqctx.From(r.Context()).ChangesAt(d.T.StartsAt) // marked held from then on
		s.render(w, r, http.StatusOK, trainings.Show(d))
	}
}

// trainingConfirm records that the reader's own place will attend.
func (s *Server) trainingConfirm(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	if !p.Can(auth.ConfirmTrainings) {
		s.forbidden(w, r)
		return
	}
	p, d, ok := s.trainingOf(w, r)
	if !ok {
		return
	}
	if _, ok := s.parseForm(w, r); !ok {
		return
	}
	if !d.T.StartsAt.After(d.Now) {
		d.Refused = i18n.M("trainings.err_begun")
		s.render(w, r, http.StatusConflict, trainings.Show(d))
		return
	}
	err := s.store.ConfirmTraining(r.Context(), actor(r), p.Scope, d.T.ID)
	switch {
	case err == nil:
		s.redirectFlash(w, r, string(trainings.Href(d.T.ID)), "trainings.confirmed_done")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrTrainingNotInvited):
		s.forbidden(w, r)
	default:
		s.serverError(w, r, err)
	}
}

// trainingAttendance records, for each invited place, whether it attended, how many came and who, as of
// the session's version: a stale form comes back (409) with what was typed; a wrong field (422) with its
// message.
func (s *Server) trainingAttendance(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	if !p.Can(auth.ScheduleTrainings) {
		s.forbidden(w, r)
		return
	}
	p, d, ok := s.trainingOf(w, r)
	if !ok {
		return
	}
	if !d.CanRecord {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	var rows []store.Attendance
	for _, inv := range d.Invitees {
		// A place the post does not name keeps its record: only what was sent changes.
		if !slices.ContainsFunc([]string{trainings.AttendedField(inv.ID), trainings.AttendeesField(inv.ID), trainings.NamesField(inv.ID)},
			f.Values.Has) {
			continue
		}
		row := store.Attendance{InviteeID: inv.ID}
		switch v := f.Get(trainings.AttendedField(inv.ID)); v {
		case "":
		case "yes", "no":
			yes := v == "yes"
			row.Attended = &yes
		default:
			f.Errors[trainings.AttendedField(inv.ID)] = i18n.M("err.attended")
		}
		if n := latin(f, trainings.AttendeesField(inv.ID)); n != "" {
			count, err := strconv.Atoi(n)
			if err != nil || count < 0 || count > maxAttendees {
				f.Errors[trainings.AttendeesField(inv.ID)] = i18n.M("err.attendees", i18n.ArgNum("max", maxAttendees))
			} else {
				row.Attendees = &count
			}
		}
		row.Names = f.Get(trainings.NamesField(inv.ID))
		if utf8.RuneCountInString(row.Names) > maxAttendeeNames {
			f.Errors[trainings.NamesField(inv.ID)] = i18n.M("err.too_long")
		}
		rows = append(rows, row)
	}
	// A form drawn before someone else recorded is refused as stale, whatever else is wrong in it: what
	// was typed comes back with the current version, to be posted again once read.
	version := formVersion(f)
	if version != d.T.Version {
		s.attendanceConflict(w, r, d, f)
		return
	}
	if len(rows) == 0 {
		// A post that names none of the session's places (another session's, or none) records nothing.
		f.Errors[""] = i18n.M("trainings.err_no_places")
	}
	if !f.Valid() {
		d.Attendance = f
		s.render(w, r, http.StatusUnprocessableEntity, trainings.Show(d))
		return
	}
	err := s.store.RecordAttendance(r.Context(), actor(r), p.Scope, d.T.ID, version, rows)
	switch {
	case err == nil:
		s.redirectFlash(w, r, string(trainings.Href(d.T.ID)), "trainings.attendance_saved")
	case errors.Is(err, store.ErrConflict):
		cur, is, err := s.store.Training(r.Context(), auth.Scope{ProvinceID: p.Scope.ProvinceID}, d.T.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.T, d.Invitees = cur, is
		s.attendanceConflict(w, r, d, f)
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrTrainingOtherCommittee):
		s.forbidden(w, r)
	default:
		s.serverError(w, r, err)
	}
}

// attendanceConflict answers a stale attendance form (409): the session as it is now, with the form as it
// was typed, at the current version.
func (s *Server) attendanceConflict(w http.ResponseWriter, r *http.Request, d trainings.ShowData, f components.Form) {
	f.Errors = map[string]i18n.Msg{}
	f.Values.Set("version", strconv.Itoa(d.T.Version))
	d.Attendance, d.Refused = f, i18n.M("err.conflict")
	s.render(w, r, http.StatusConflict, trainings.Show(d))
}

// trainingAttachment downloads material n of a session in the reader's scope (404 out of it: another
// county's session to a governor).
func (s *Server) trainingAttachment(w http.ResponseWriter, r *http.Request) {
	p := s.trainingReader(w, r)
	if p == nil {
		return
	}
	id, ok := pathID(chi.URLParam(r, "id"))
	n, nOK := attachmentNumber(r)
	if !ok || !nOK {
		s.notFound(w, r)
		return
	}
	sc := p.Scope
	sc.Committee = ""
	if _, _, err := s.store.Training(r.Context(), sc, id); errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	a, err := s.store.Attachment(r.Context(), store.OwnerTraining, id, n)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.serveAttachment(w, r, a)
}

// trainingAttach adds materials to a session of the member's committee; anyone else who reads the
// session is refused (403). A refused file comes back on the session's page (422).
func (s *Server) trainingAttach(w http.ResponseWriter, r *http.Request) {
	p, d, ok := s.trainingOf(w, r)
	if !ok {
		return
	}
	if !d.Records { // materials may come before the session, unlike its attendance
		s.forbidden(w, r)
		return
	}
	up, files, ok := s.readAddedFiles(w, r)
	if !ok {
		return
	}
	defer up.Close()
	refused := func(status int, f components.Form) {
		d.Attach, d.Open = f, "attach-form"
		s.render(w, r, status, trainings.Show(d))
	}
	f := up.form
	if !f.Valid() {
		refused(http.StatusUnprocessableEntity, f)
		return
	}
	err := s.store.AttachToTraining(r.Context(), actor(r), p.Scope, d.T.ID, files)
	switch {
	case err == nil:
		s.redirectFlash(w, r, string(trainings.Href(d.T.ID))+"#attach", "trainings.attached")
	case errors.Is(err, store.ErrTooManyAttachments):
		f.Errors["attachment"] = i18n.M("err.attachments_many", i18n.ArgNum("n", store.MaxAttachments))
		refused(http.StatusUnprocessableEntity, f)
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrTrainingOtherCommittee):
		s.forbidden(w, r)
	default:
		s.serverError(w, r, err)
	}
}
