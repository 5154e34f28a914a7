package server

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/audience"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/dayinput"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/markdown"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/internal/taskflow"
	tl "github.com/setad/setad/internal/timeline"
	"github.com/setad/setad/web/components"
	"github.com/setad/setad/web/tasks"
)

// The bounds of a task's fields, in characters.
const (
	maxTaskTitle = 200
	maxTaskBody  = markdown.MaxChars
	maxTaskNote  = 2000
)

// tasksPerPage is how many tasks a page of the province's list shows.
const tasksPerPage = 50

// maxCopies bounds the copies a governor's or district head's list shows, the overdue and the nearest
// first; the list says when there are more.
const maxCopies = 500

// homeTasksShown is how many tasks or copies a home page lists.
const homeTasksShown = 5

// taskRoutes adds the committees' tasks: the list and the form that assigns one, a task, and the move of
// a place's copy. The pages that only read are kept (keepPages).
func (s *Server) taskRoutes(r chi.Router) {
	r.With(s.keepPages).Get("/tasks", s.taskList)
	r.Post("/tasks", s.taskAssign)
	r.With(s.keepPages).Get("/tasks/{id}", s.taskShow)
	r.Post("/tasks/{id}/assignees/{assignee}/status", s.taskStatus)
}

// assigns reports whether p assigns tasks: a committee member on a committee.
func assigns(p *auth.Principal) bool { return p.Can(auth.AssignTasks) && p.Scope.Committee != "" }

// taskList is /tasks.
func (s *Server) taskList(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.ViewCommitteeWork) {
		s.forbidden(w, r)
		return
	}
	f := components.NewForm()
	f.Values.Set(audience.FieldAudience, "province")
	s.renderTaskList(w, r, http.StatusOK, f)
}

// renderTaskList draws /tasks with the assign form as it is (empty, or back with its errors).
func (s *Server) renderTaskList(w http.ResponseWriter, r *http.Request, status int, f components.Form) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	q := r.URL.Query()
	d := tasks.ListData{Today: tl.Today(s.now()), Form: f, CanAssign: assigns(p)}
	prov, ok := s.provinceChosen(w, r)
	if !ok {
		return
	}
	d.Province = prov
	province := prov.ID(p.Scope.ProvinceID)
	pf, ok := s.placeChosen(w, r, province)
	if !ok {
		return
	}
	cf := store.CopyFilter{Own: ownPlace(q), Open: q.Get("open") == "1", Overdue: q.Get("overdue") == "1"}
	d.Filter, d.FilterCounties = components.NewForm().WithPrefix("filter-"), pf.Counties
	d.Filter.Values.Set("county", q.Get("county"))
	d.Filter.Values.Set("open", q.Get("open"))
	d.Filter.Values.Set("overdue", q.Get("overdue"))
	var b store.Batch
	var committees []store.Committee
	switch {
	case pf.Narrowed() || cf.Own || cf.Open || cf.Overdue:
		d.Filtered, d.Page, d.Query = true, listPage(r), keptQuery(q, "province", "county", "district", "level", "open", "overdue")
		d.Applied = appliedPlace(ctx, "/tasks", d.Query, pf)
		if cf.Open {
			d.Applied = append(d.Applied, components.AppliedFilter{Label: i18n.T(ctx, "tasks.applied_open"),
				Remove: components.Without("/tasks", d.Query, "open")})
		}
		if cf.Overdue {
			d.Applied = append(d.Applied, components.AppliedFilter{Label: i18n.T(ctx, "tasks.applied_overdue"),
				Remove: components.Without("/tasks", d.Query, "overdue")})
		}
		b.TaskCopiesPage(ctx, pf.Scope, d.Today, cf, d.Page, tasksPerPage, &d.Copies, &d.Total)
	case p.Role == auth.Governor || p.Role == auth.DistrictHead:
		b.TaskCopies(p.Scope, d.Today, false, maxCopies+1, &d.Copies)
	case province != 0:
		d.Wide = true
		if p.Role == auth.Committee && p.Scope.Committee != "" {
			d.Own = p.Scope.Committee
			if q.Get("committee") != "all" {
				d.Committee = d.Own
			}
			b.Committees(province, &committees)
		}
		d.Page = listPage(r)
		b.Tasks(auth.Scope{ProvinceID: province}, d.Today, store.TaskFilter{Committee: d.Committee,
			Offset: (d.Page - 1) * tasksPerPage, Limit: tasksPerPage}, &d.Tasks, &d.Total)
	}
	if d.CanAssign {
		b.Counties(ctx, auth.Scope{ProvinceID: province}, &d.Counties)
	}
	if err := s.store.Run(ctx, &b); err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Pages = (d.Total + tasksPerPage - 1) / tasksPerPage
	if len(d.Copies) > maxCopies {
		d.Copies, d.Cut = d.Copies[:maxCopies], maxCopies
	}
	if i := slices.IndexFunc(committees, func(c store.Committee) bool { return c.Key == d.Own }); i >= 0 {
		d.OwnFa, d.OwnEn = committees[i].NameFa, committees[i].NameEn
	}
	s.render(w, r, status, tasks.List(d))
}

// taskAssign assigns a task of the member's committee to the places its audience reaches (a committee
// member on a committee; 403 for anyone else): a title, an optional description, a due date not already
// past, and the audience. A form with errors comes back filled (422).
func (s *Server) taskAssign(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !assigns(p) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	requireText(f, "title", maxTaskTitle, "err.required")
	if utf8.RuneCountInString(f.Get("body")) > maxTaskBody {
		f.Errors["body"] = i18n.M("err.too_long_max", i18n.ArgNum("max", maxTaskBody))
	}
	today := tl.Today(s.now())
	due, msg := dayinput.Read(i18n.From(ctx), latin(f, "due_date"), today)
	switch {
	case f.Get("due_date") == "":
		f.Errors["due_date"] = i18n.M("err.required")
	case !msg.IsZero():
		f.Errors["due_date"] = msg
	case due.Before(today):
		f.Errors["due_date"] = i18n.M("tasks.err_past", i18n.ArgDay("today", today))
	case due.After(furthestDay(today)):
		f.Errors["due_date"] = i18n.M("tasks.err_far", i18n.ArgDay("last", furthestDay(today)))
	}
	a, errs := audience.Parse(f.Values)
	for field, key := range errs {
		f.Errors[field] = i18n.M(key)
	}
	if f.Valid() {
		id, err := s.store.AssignTask(formOnce(ctx, f), actor(r), p.Scope, store.NewTask{Title: f.Get("title"), Body: f.Get("body"),
			DueDate: due, Audience: a})
		switch {
		case s.sentBefore(w, r, err):
			return
		case err == nil:
			s.redirectFlash(w, r, string(tasks.Href(id)), "tasks.assigned")
			return
		case errors.Is(err, store.ErrUnknownCounty):
			f.Errors[audience.FieldCounty] = i18n.M("err.audience_county")
		default:
			s.serverError(w, r, err)
			return
		}
	}
	s.renderTaskList(w, r, http.StatusUnprocessableEntity, f)
}

// taskScope is the scope a task is read in: the reader's, the Ministry's every province.
func taskScope(p *auth.Principal) auth.Scope {
	if p.Role == auth.National {
		return auth.Scope{}
	}
	return auth.Scope{ProvinceID: p.Scope.ProvinceID, CountyID: p.Scope.CountyID, DistrictID: p.Scope.DistrictID}
}

// taskShow is /tasks/{id}: a task in the reader's scope, else 404.
func (s *Server) taskShow(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.ViewCommitteeWork) {
		s.forbidden(w, r)
		return
	}
	id, ok := pathID(chi.URLParam(r, "id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	s.renderTask(w, r, http.StatusOK, id, nil, nil)
}

// taskBack is a copy's form that came back, for the copy whose form it is.
type taskBack struct {
	assignee int64
	form     components.Form
}

// renderTask draws a task, with a copy's form that came back and a refusal to say at the top.
func (s *Server) renderTask(w http.ResponseWriter, r *http.Request, status int, id int64, back *taskBack, refused *i18n.Msg) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	var t store.TaskDetail
	var counties []store.County
	var b store.Batch
	b.Task(taskScope(p), id, &t)
	err := s.store.Run(ctx, &b)
	if err == nil && !t.WholeProvince {
		counties, err = s.store.Counties(ctx, auth.Scope{ProvinceID: t.ProvinceID})
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	d := tasks.ShowData{Task: t.Task, Today: tl.Today(s.now()), Refused: refused, Counties: map[string]store.County{}}
	for _, c := range counties {
		d.Counties[c.Code] = c
	}
	d.Rows = taskRows(p, d.Today, t, back)
	for _, row := range d.Rows {
		switch {
		case row.A.Status == taskflow.Done:
			d.Done++
		case row.Lateness == taskflow.Overdue:
			d.Overdue++
		}
	}
	s.render(w, r, status, tasks.Show(d))
}

// taskRows are a task's copies as its page shows them: the reader's own first, with its form; then the
// blocked, the others not done, and the done; each with its moves.
func taskRows(p *auth.Principal, today time.Time, t store.TaskDetail, back *taskBack) []tasks.Row {
	events := map[int64][]store.TaskEvent{}
	for _, e := range t.Events {
		events[e.AssigneeID] = append(events[e.AssigneeID], e)
	}
	rows := make([]tasks.Row, len(t.Assignees))
	for i, a := range t.Assignees {
		row := tasks.Row{A: a, Lateness: taskflow.LatenessOf(today, t.DueDate, a.Status == taskflow.Done), Events: events[a.ID],
			Form: components.NewForm()}
		row.Own = p.Can(auth.UpdateTasks) && a.CountyID == p.Scope.CountyID && a.DistrictID == p.Scope.DistrictID
		if row.Own {
			row.Next = taskflow.Next(a.Status)
			if back != nil && back.assignee == a.ID {
				row.Form = back.form
			}
		}
		rows[i] = row
	}
	rank := map[string]int{taskflow.Blocked: 0, taskflow.Open: 1, taskflow.InProgress: 2, taskflow.Done: 3}
	slices.SortStableFunc(rows, func(a, b tasks.Row) int {
		if a.Own != b.Own {
			return cmp.Compare(b2i(b.Own), b2i(a.Own))
		}
		return cmp.Compare(rank[a.A.Status], rank[b.A.Status])
	})
	return rows
}

// taskStatus moves the reader's place's copy of a task (a governor his county's, a district head his
// district's): a state it may go to, a note (required to block and to stay; at most maxTaskNote
// characters) and the version the form was drawn from. A copy outside his scope is 404, one he reads but
// does not move 403 (a governor's district's), a stale form 409 with what was typed kept, a move the
// flow refuses 422.
func (s *Server) taskStatus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.UpdateTasks) {
		s.forbidden(w, r)
		return
	}
	id, ok1 := pathID(chi.URLParam(r, "id"))
	assignee, ok2 := pathID(chi.URLParam(r, "assignee"))
	if !ok1 || !ok2 {
		s.notFound(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	to, note := f.Get("status"), f.Get("note")
	if !slices.Contains(taskflow.Statuses, to) {
		f.Errors["status"] = i18n.M("err.choose")
	}
	if utf8.RuneCountInString(note) > maxTaskNote {
		f.Errors["note"] = i18n.M("err.too_long_max", i18n.ArgNum("max", maxTaskNote))
	}
	back := &taskBack{assignee: assignee, form: f}
	conflict := i18n.M("tasks.conflict")
	if !f.Valid() {
		// A form drawn before someone else moved the copy is stale whatever it holds.
		v, err := s.store.TaskAssigneeVersion(ctx, taskScope(p), id, assignee)
		switch {
		case errors.Is(err, store.ErrNotFound):
			s.notFound(w, r)
		case err != nil:
			s.serverError(w, r, err)
		case v != formVersion(f):
			s.renderTask(w, r, http.StatusConflict, id, back, &conflict)
		default:
			s.renderTask(w, r, http.StatusUnprocessableEntity, id, back, nil)
		}
		return
	}
	err := s.store.ChangeTaskStatus(ctx, actor(r), p.Scope, id, assignee, formVersion(f), to, note)
	switch {
	case err == nil:
		s.redirectFlash(w, r, string(tasks.Href(id))+"#"+tasks.FormID(assignee), "tasks.status_saved")
		return
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
		return
	case errors.Is(err, store.ErrNotYourCopy):
		s.forbidden(w, r)
		return
	case errors.Is(err, store.ErrConflict):
		s.renderTask(w, r, http.StatusConflict, id, back, &conflict)
		return
	case errors.Is(err, taskflow.ErrNoteRequired):
		f.Errors["note"] = i18n.M("tasks.err_note")
	case errors.Is(err, taskflow.ErrNotAllowed), errors.Is(err, taskflow.ErrUnknownStatus):
		f.Errors["status"] = i18n.M("tasks.err_move")
	default:
		s.serverError(w, r, err)
		return
	}
	s.renderTask(w, r, http.StatusUnprocessableEntity, id, back, nil)
}

// queueHomeTasks queues a home page's tasks: an assignee's own copies not done, the overdue first; a
// committee member's committee's tasks, those with overdue copies first.
func queueHomeTasks(b *store.Batch, p *auth.Principal, now time.Time, d *tasks.HomeData) {
	d.Today = tl.Today(now)
	switch {
	case p.Can(auth.UpdateTasks):
		b.TaskCopies(p.Scope, d.Today, true, homeTasksShown, &d.Copies)
	case assigns(p):
		b.Tasks(auth.Scope{ProvinceID: p.Scope.ProvinceID}, d.Today, store.TaskFilter{Committee: p.Scope.Committee,
			Limit: homeTasksShown}, &d.Tasks, &d.Total)
	}
}

// b2i is 1 for true.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
