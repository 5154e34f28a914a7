package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/boardrules"
	"github.com/setad/setad/internal/composition"
	"github.com/setad/setad/internal/dayinput"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/boards"
	"github.com/setad/setad/web/components"
)

// boardPageSize is the most boards the list shows at once.
const boardPageSize = 50

// boardList is the boards of the current election in scope, filterable and paginated: HQ's review queue.
// The counts by status are of every board in scope, whatever the filter and the page.
func (s *Server) boardList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	q := r.URL.Query()
	d := boards.ListData{Filter: components.NewForm(), Page: listPage(r)}
	for _, k := range boards.FilterKeys {
		d.Filter.Values.Set(k, q.Get(k))
	}
	e, err := s.store.CurrentElection(ctx)
	if errors.Is(err, store.ErrNotFound) {
		s.render(w, r, http.StatusOK, boards.List(d))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Election = &e
	f := store.BoardFilter{County: placeCode(q.Get("county")), Level: q.Get("level"), Status: q.Get("status"), Conflict: q.Get("conflict") == "1",
		Page: d.Page, PageSize: boardPageSize}
	listed, _, ok := s.districtChosen(w, r, p.Scope)
	if !ok {
		return
	}
	var total int
	var b store.Batch
	// Unfiltered, the list holds every board that the counts by status count: their sum is its length, and
	// no count of its own is read.
	unfiltered := f.County == "" && f.Level == "" && f.Status == "" && !f.Conflict && listed == p.Scope
	if unfiltered {
		b.Boards(ctx, p.Scope, e.ID, f, &d.Boards, nil)
	} else {
		b.Boards(ctx, listed, e.ID, f, &d.Boards, &total)
	}
	b.BoardCounts(p.Scope, e.ID, &d.Counts)
	b.Counties(ctx, p.Scope, &d.Counties)
	var ms []store.Milestone
	b.Milestones(ctx, auth.Scope{}, e.ID, &ms)
	if err := s.store.Run(ctx, &b); err != nil {
		s.serverError(w, r, err)
		return
	}
	if !countyIn(d.Counties, f.County) {
		s.notFound(w, r)
		return
	}
	// Each board's formation against the last day of its level's window, read once for the page.
	now := s.now()
	for _, bd := range d.Boards {
		m, ok := store.Gate(ms, store.BoardGate(bd.Level))
		if ok && boardrules.FormationOn(bd.FirstSubmittedAt, m.To, now).Late {
			if d.Late == nil {
				d.Late = map[int64]bool{}
			}
			d.Late[bd.ID] = true
		}
	}
	if unfiltered {
		for _, n := range d.Counts {
			total += n
		}
	}
	d.Pages = (total + boardPageSize - 1) / boardPageSize
	s.render(w, r, http.StatusOK, boards.List(d))
}

// scopedBoard loads the board named in the path within the caller's scope, answering 404 itself.
func (s *Server) scopedBoard(w http.ResponseWriter, r *http.Request) (store.BoardDetail, bool) {
	return s.scopedBoardBy(w, r, s.store.Board)
}

// scopedBoardBy is scopedBoard reading the board with load.
func (s *Server) scopedBoardBy(w http.ResponseWriter, r *http.Request,
	load func(context.Context, auth.Scope, int64) (store.BoardDetail, error)) (store.BoardDetail, bool) {
	id, ok := pathID(chi.URLParam(r, "id"))
	if !ok {
		s.notFound(w, r)
		return store.BoardDetail{}, false
	}
	d, err := load(r.Context(), auth.FromContext(r.Context()).Scope, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return d, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return d, false
	}
	return d, true
}

// editableBoard is scopedBoard for the board's own composer: others get 403. A change posted to a board
// that is not a draft is refused at once (409), before its form is even read.
func (s *Server) editableBoard(w http.ResponseWriter, r *http.Request) (store.BoardDetail, bool) {
	d, ok := s.scopedBoard(w, r)
	if !ok {
		return d, false
	}
	if !auth.FromContext(r.Context()).EditsBoardLevel(d.Level) {
		s.forbidden(w, r)
		return d, false
	}
	if r.Method == http.MethodPost && d.Status != "draft" {
		sd := newShowData(d)
		sd.Alert = "boards.not_allowed_now"
		s.renderBoard(w, r, http.StatusConflict, sd)
		return d, false
	}
	return d, true
}

func boardPath(id int64) string { return "/boards/" + strconv.FormatInt(id, 10) }

func newShowData(d store.BoardDetail) boards.ShowData {
	return boards.ShowData{Board: d, Violations: d.Check(), Member: components.NewForm(), FromPool: components.NewForm(),
		Pool: components.NewForm(), Approval: components.NewForm(), Review: components.NewForm(), Reopen: components.NewForm(),
		MaxMB: maxImportBytes >> 20, MaxRows: maxImportRows}
}

func (s *Server) boardShow(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.scopedBoard(w, r); ok {
		s.renderBoard(w, r, http.StatusOK, newShowData(d))
	}
}

// renderBoard shows a board's page with its formation window in the election's timeline and whether the
// board is late: a flag, never a lock on its work.
func (s *Server) renderBoard(w http.ResponseWriter, r *http.Request, status int, sd boards.ShowData) {
	ctx := r.Context()
	ms, err := s.store.Milestones(ctx, auth.Scope{}, sd.Board.ElectionID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	sd.Formation, sd.Lateness = formation(ctx, ms, sd.Board.Board, s.now())
	s.render(w, r, status, boards.Show(sd))
}

// boardRefused shows the board again with why the action was refused, after reloading it.
func (s *Server) boardRefused(w http.ResponseWriter, r *http.Request, id int64, status int, edit func(*boards.ShowData)) {
	d, err := s.store.Board(r.Context(), auth.FromContext(r.Context()).Scope, id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	sd := newShowData(d)
	edit(&sd)
	s.renderBoard(w, r, status, sd)
}

// boardDone handles a store error common to board changes, or redirects back with a flash on success.
// It returns false when err was not one it knows.
func (s *Server) boardDone(w http.ResponseWriter, r *http.Request, id int64, err error, flash string) bool {
	return s.boardDoneAt(w, r, id, err, flash, "")
}

// boardDoneAt is boardDone returning, on success, to the form with the id form: an "add another" form is
// filled again where it is, with its message beside it.
func (s *Server) boardDoneAt(w http.ResponseWriter, r *http.Request, id int64, err error, flash, form string) bool {
	switch {
	case err == nil:
		to := boardPath(id)
		if form != "" {
			to += "#" + form
		}
		s.redirectFlash(w, r, to, flash)
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrBoardLocked):
		s.boardRefused(w, r, id, http.StatusConflict, func(sd *boards.ShowData) { sd.Alert = "boards.not_allowed_now" })
	case errors.Is(err, store.ErrBoardState):
		s.boardRefused(w, r, id, http.StatusConflict, func(sd *boards.ShowData) { sd.Alert = "boards.not_submitted" })
	case errors.Is(err, store.ErrStaleSubmission):
		s.boardRefused(w, r, id, http.StatusConflict, func(sd *boards.ShowData) { sd.Alert = "boards.stale_submission" })
	default:
		return false
	}
	return true
}

// memberFrom reads a member form as typed.
func memberFrom(f components.Form) boardrules.Member {
	return boardrules.Member{FullName: f.Get("full_name"), FatherName: f.Get("father_name"), NationalID: f.Get("national_id"),
		Role: f.Get("role"), Office: f.Get("office"), Phone: f.Get("phone"), Notes: f.Get("notes")}
}

// memberAdd adds a member, typed or, with pool, an entry of the board's approved pool; an invalid one
// comes back filled in with each field's message (422) on the form it came from.
func (s *Server) memberAdd(w http.ResponseWriter, r *http.Request) {
	d, ok := s.editableBoard(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	ctx, sc := r.Context(), auth.FromContext(r.Context()).Scope
	fromPool := f.Values.Has("pool")
	var problems composition.Problems
	var err error
	if fromPool {
		id, ok := pathID(latin(f, "pool"))
		if !ok {
			id = 0 // a malformed id is no entry of this pool
		}
		problems, err = s.comp.AddMemberFromPool(ctx, actor(r), sc, d, id, f.Get("role"))
	} else {
		problems, err = s.comp.AddMember(ctx, actor(r), sc, d, memberFrom(f))
	}
	if err == nil && len(problems) == 0 {
		form := "add-member"
		if fromPool {
			form = "add-from-pool"
		}
		s.boardDoneAt(w, r, d.ID, nil, "boards.member_added", form)
		return
	}
	if err != nil {
		if !s.boardDone(w, r, d.ID, err, "") {
			s.serverError(w, r, err)
		}
		return
	}
	f.Errors = problems
	sd := newShowData(d)
	if fromPool {
		sd.FromPool = f
	} else {
		sd.Member = f
	}
	s.renderBoard(w, r, http.StatusUnprocessableEntity, sd)
}

// boardMember finds the member named in the path on the board.
func boardMember(d store.BoardDetail, r *http.Request) (store.BoardMember, bool) {
	id, ok := pathID(chi.URLParam(r, "member"))
	if !ok {
		return store.BoardMember{}, false
	}
	for _, m := range d.Members {
		if m.ID == id {
			return m, true
		}
	}
	return store.BoardMember{}, false
}

func memberForm(m store.BoardMember) components.Form {
	f := components.NewForm()
	for k, v := range map[string]string{"full_name": m.FullName, "father_name": m.FatherName, "national_id": m.NationalID,
		"role": m.Role, "office": m.Office, "phone": m.Phone, "notes": m.Notes, "version": strconv.Itoa(m.Version)} {
		f.Values.Set(k, v)
	}
	return f
}

func (s *Server) memberEdit(w http.ResponseWriter, r *http.Request) {
	d, ok := s.editableBoard(w, r)
	if !ok {
		return
	}
	m, ok := boardMember(d, r)
	if !ok {
		s.notFound(w, r)
		return
	}
	f := memberForm(m)
	status := http.StatusOK
	if d.Status != "draft" {
		f.Errors[""], status = i18n.M("boards.not_allowed_now"), http.StatusConflict
	}
	s.render(w, r, status, boards.EditMember(d.Board, m.ID, f))
}

// memberUpdate saves a member if nobody changed it meanwhile; otherwise it shows the current values.
func (s *Server) memberUpdate(w http.ResponseWriter, r *http.Request) {
	d, ok := s.editableBoard(w, r)
	if !ok {
		return
	}
	cur, ok := boardMember(d, r)
	if !ok {
		s.notFound(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	problems, err := s.comp.UpdateMember(r.Context(), actor(r), auth.FromContext(r.Context()).Scope, d, cur.ID, formVersion(f), memberFrom(f))
	if len(problems) > 0 {
		f.Errors = problems
	}
	if f.Valid() {
		switch {
		case errors.Is(err, store.ErrConflict):
			f = memberForm(cur)
			f.Errors[""] = i18n.M("err.conflict")
			s.render(w, r, http.StatusConflict, boards.EditMember(d.Board, cur.ID, f))
			return
		case errors.Is(err, store.ErrBoardLocked):
			f.Errors[""] = i18n.M("boards.not_allowed_now")
			s.render(w, r, http.StatusConflict, boards.EditMember(d.Board, cur.ID, f))
			return
		case s.boardDone(w, r, d.ID, err, "boards.member_saved"):
			return
		default:
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, boards.EditMember(d.Board, cur.ID, f))
}

func (s *Server) memberDelete(w http.ResponseWriter, r *http.Request) {
	d, ok := s.editableBoard(w, r)
	if !ok {
		return
	}
	m, ok := boardMember(d, r)
	if !ok {
		s.notFound(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok || !s.confirmed(w, r, f, boards.MemberDeleteQuestion(r.Context(), d.Board, m.FullName), boardPath(d.ID)) {
		return
	}
	err := s.store.DeleteMember(r.Context(), actor(r), auth.FromContext(r.Context()).Scope, d.ID, m.ID)
	if !s.boardDone(w, r, d.ID, err, "boards.member_deleted") {
		s.serverError(w, r, err)
	}
}

func (s *Server) poolAdd(w http.ResponseWriter, r *http.Request) {
	d, ok := s.editableBoard(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	problems, err := s.comp.AddPoolEntry(r.Context(), actor(r), auth.FromContext(r.Context()).Scope, d, memberFrom(f))
	if len(problems) > 0 {
		f.Errors = problems
	}
	if f.Valid() {
		if !s.boardDoneAt(w, r, d.ID, err, "boards.pool_added", "add-pool") {
			s.serverError(w, r, err)
		}
		return
	}
	sd := newShowData(d)
	sd.Pool = f
	s.renderBoard(w, r, http.StatusUnprocessableEntity, sd)
}

func (s *Server) poolDelete(w http.ResponseWriter, r *http.Request) {
	d, ok := s.editableBoard(w, r)
	if !ok {
		return
	}
	id, ok := pathID(chi.URLParam(r, "pool"))
	i := slices.IndexFunc(d.Pool, func(p store.PoolMember) bool { return p.ID == id })
	if !ok || i < 0 {
		s.notFound(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok || !s.confirmed(w, r, f, boards.PoolDeleteQuestion(r.Context(), d.Board, d.Pool[i].FullName), boardPath(d.ID)) {
		return
	}
	err := s.store.DeletePoolMember(r.Context(), actor(r), auth.FromContext(r.Context()).Scope, d.ID, id)
	if !s.boardDone(w, r, d.ID, err, "boards.pool_deleted") {
		s.serverError(w, r, err)
	}
}

// poolApproval records the supervision board's approval: a Jalali date (any digits) not in the future,
// and its reference.
func (s *Server) poolApproval(w http.ResponseWriter, r *http.Request) {
	d, ok := s.editableBoard(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	on, msg := dayinput.Read(i18n.From(r.Context()), f.Get("approved_on"), s.now())
	today := persian.FromTime(s.now().In(i18n.Tehran)).Time(time.UTC)
	switch {
	case !msg.IsZero():
		f.Errors["approved_on"] = msg
	case on.After(today):
		f.Errors["approved_on"] = i18n.M("err.date_future")
	case on.Before(today.AddDate(-2, 0, 0)):
		f.Errors["approved_on"] = i18n.M("err.date_old")
	}
	ref := f.Get("reference")
	requireText(f, "reference", 200, "err.required")
	if f.Valid() {
		err := s.store.SetPoolApproval(r.Context(), actor(r), auth.FromContext(r.Context()).Scope, d.ID, on, persian.ToLatinDigits(ref))
		if s.boardDone(w, r, d.ID, err, "boards.pool_approval_saved") {
			return
		}
		s.serverError(w, r, err)
		return
	}
	sd := newShowData(d)
	sd.Approval = f
	s.renderBoard(w, r, http.StatusUnprocessableEntity, sd)
}

// boardSubmit submits a draft that breaks no rule; otherwise 422 with every violation.
func (s *Server) boardSubmit(w http.ResponseWriter, r *http.Request) {
	d, ok := s.editableBoard(w, r)
	if !ok {
		return
	}
	err := s.store.SubmitBoard(r.Context(), actor(r), auth.FromContext(r.Context()).Scope, d.ID)
	var ve *store.ViolationsError
	if errors.As(err, &ve) {
		s.boardRefused(w, r, d.ID, http.StatusUnprocessableEntity, func(sd *boards.ShowData) { sd.Submit = ve.Violations })
		return
	}
	if !s.boardDone(w, r, d.ID, err, "boards.submitted") {
		s.serverError(w, r, err)
	}
}

// reviewedBoard is scopedBoard for HQ's decisions: others get 403.
func (s *Server) reviewedBoard(w http.ResponseWriter, r *http.Request) (store.BoardDetail, bool) {
	if !auth.FromContext(r.Context()).Can(auth.ReviewBoards) {
		s.forbidden(w, r)
		return store.BoardDetail{}, false
	}
	return s.scopedBoard(w, r)
}

// formSubmission is the number of the submission the reviewer's page showed. A missing or malformed one
// never matches, so a decision is refused rather than applied to a submission nobody saw.
func formSubmission(f components.Form) int {
	n, err := strconv.Atoi(latin(f, "submission"))
	if err != nil || n < 1 {
		return -1
	}
	return n
}

// boardApprove approves the submission HQ saw; if the board was submitted again since, the page comes
// back (409) showing the new submission.
func (s *Server) boardApprove(w http.ResponseWriter, r *http.Request) {
	d, ok := s.reviewedBoard(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	// Ask only when the approval can go through; a refusal (not submitted, or submitted again since the
	// page was drawn) comes at once.
	n := formSubmission(f)
	if d.Status == "submitted" && n == d.LatestSubmission() &&
		!s.confirmed(w, r, f, boards.ApproveQuestion(r.Context(), d.Board, n), boardPath(d.ID)) {
		return
	}
	err := s.store.ApproveBoard(r.Context(), actor(r), auth.FromContext(r.Context()).Scope, d.ID, formSubmission(f))
	var ve *store.ViolationsError
	if errors.As(err, &ve) {
		s.boardRefused(w, r, d.ID, http.StatusUnprocessableEntity, func(sd *boards.ShowData) { sd.Alert = "boards.approve_refused" })
		return
	}
	if !s.boardDone(w, r, d.ID, err, "boards.approved") {
		s.serverError(w, r, err)
	}
}

// boardReturn sends a board back to its composer; the note is required. Like an approval it names the
// submission HQ saw; a stale one comes back (409) with the note kept.
func (s *Server) boardReturn(w http.ResponseWriter, r *http.Request) {
	d, ok := s.reviewedBoard(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	requireText(f, "note", 2000, "err.note_required")
	if !f.Valid() {
		sd := newShowData(d)
		sd.Review = f
		s.renderBoard(w, r, http.StatusUnprocessableEntity, sd)
		return
	}
	err := s.store.ReturnBoard(r.Context(), actor(r), auth.FromContext(r.Context()).Scope, d.ID, formSubmission(f), f.Get("status"), f.Get("note"))
	if errors.Is(err, store.ErrStaleSubmission) {
		s.boardRefused(w, r, d.ID, http.StatusConflict, func(sd *boards.ShowData) { sd.Alert, sd.Review = "boards.stale_submission", f })
		return
	}
	if !s.boardDone(w, r, d.ID, err, "boards.returned") {
		s.serverError(w, r, err)
	}
}

// boardReopen sends an approved (or submitted) board back to its composer; the reason is required, and
// HQ is asked first. Like a return it names the submission and status HQ saw; a stale one comes back (409)
// with the reason kept.
func (s *Server) boardReopen(w http.ResponseWriter, r *http.Request) {
	d, ok := s.reviewedBoard(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	requireText(f, "reason", 2000, "err.reason_required")
	if !f.Valid() {
		sd := newShowData(d)
		sd.Reopen = f
		s.renderBoard(w, r, http.StatusUnprocessableEntity, sd)
		return
	}
	// Ask only when the reopening can go through; a refusal comes at once.
	if d.Status != "draft" && formSubmission(f) == d.LatestSubmission() && f.Get("status") == d.Status &&
		!s.confirmed(w, r, f, boards.ReopenQuestion(r.Context(), d.Board), boardPath(d.ID)) {
		return
	}
	err := s.store.ReopenBoard(r.Context(), actor(r), auth.FromContext(r.Context()).Scope, d.ID, formSubmission(f), f.Get("status"), f.Get("reason"))
	if errors.Is(err, store.ErrStaleSubmission) {
		s.boardRefused(w, r, d.ID, http.StatusConflict, func(sd *boards.ShowData) { sd.Alert, sd.Reopen = "boards.stale_submission", f })
		return
	}
	if !s.boardDone(w, r, d.ID, err, "boards.reopened") {
		s.serverError(w, r, err)
	}
}

// boardPrint is the official list; only an approved board has one.
func (s *Server) boardPrint(w http.ResponseWriter, r *http.Request) {
	d, ok := s.scopedBoardBy(w, r, s.store.BoardSheet)
	if !ok {
		return
	}
	if d.Status != "approved" {
		s.notFound(w, r)
		return
	}
	// The official list is a Persian document whatever the reader's language.
	s.render(w, r.WithContext(i18n.NewContext(r.Context(), i18n.Fa)), http.StatusOK, boards.Print(d))
}

// boardRules shows the composition rules; the national HQ edits them below, everyone else reads them.
func (s *Server) boardRules(w http.ResponseWriter, r *http.Request) {
	s.renderRules(w, r, http.StatusOK, nil)
}

func (s *Server) renderRules(w http.ResponseWriter, r *http.Request, status int, forms map[string]components.Form) {
	rules, err := s.store.BoardRules(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, boards.Rules(boards.RulesData{Rules: rules, Forms: forms}))
}

// boardRuleUpdate lets the national HQ correct a rule: counts from 0 to 100 (any digits), a quorum
// fraction, offices from the law's list. The rule holds in every province, so no province's HQ may.
func (s *Server) boardRuleUpdate(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.EditLaw) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	rule := store.BoardRule{Kind: chi.URLParam(r, "kind"), Level: chi.URLParam(r, "level"), Version: formVersion(f)}
	num := func(field string, dst *int, min int) {
		v, err := strconv.Atoi(latin(f, field))
		if err != nil || v < min || v > 100 {
			f.Errors[field] = i18n.M("err.number")
			return
		}
		*dst = v
	}
	num("trusted_main", &rule.TrustedMain, 0)
	num("alternates", &rule.Alternates, 0)
	num("pool_size", &rule.PoolSize, 0)
	num("quorum_num", &rule.QuorumNum, 1)
	num("quorum_den", &rule.QuorumDen, 1)
	if f.Valid() && rule.QuorumNum > rule.QuorumDen {
		f.Errors["quorum_num"] = i18n.M("err.quorum")
	}
	if f.Get("formed_within_days") != "" {
		var days int
		num("formed_within_days", &days, 0)
		rule.FormedWithinDays = &days
	}
	rule.ExOfficio = []string{}
	for _, o := range r.PostForm["ex_officio"] {
		if !slices.Contains(boardrules.Offices, o) {
			f.Errors[""] = i18n.M("err.choose")
			continue
		}
		rule.ExOfficio = append(rule.ExOfficio, o)
	}
	if !f.Valid() {
		s.renderRules(w, r, http.StatusUnprocessableEntity, map[string]components.Form{boards.RuleKey(rule.Kind, rule.Level): f})
		return
	}
	err := s.store.UpdateBoardRule(r.Context(), actor(r), rule)
	switch {
	case err == nil:
		s.redirectFlash(w, r, "/boards/rules", "rules.saved")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrConflict):
		s.redirectFlash(w, r, "/boards/rules", "rules.conflict")
	default:
		s.serverError(w, r, err)
	}
}
