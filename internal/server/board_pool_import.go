package server

import (
	"errors"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/composition"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/boards"
	"github.com/setad/setad/web/components"
)

// poolRejectedShown is how many rejected rows a pool preview lists; a pool file that is mostly wrong is
// better fixed whole than read row by row.
const poolRejectedShown = 100

// poolColumns are the columns a pool file may have: headed by the pool form's field names, or by their
// labels as the portal shows them in either language («کد ملی», "National ID").
func poolColumns() importColumns {
	var headings []string
	for _, f := range composition.PoolColumns {
		for _, lang := range []i18n.Lang{i18n.Fa, i18n.En} {
			headings = append(headings, i18n.Message(lang, "field."+f), f)
		}
	}
	return columnsNamed(composition.PoolColumns, headings...)
}

// poolImportPage is the pool's upload form on a page of its own, where the preview also lives.
func (s *Server) poolImportPage(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.editableBoard(w, r); ok {
		s.renderPoolImport(w, r, http.StatusOK, d.Board, components.NewForm(), nil)
	}
}

// poolImport previews an uploaded file of pool entries (each row ready or with its problems, by the pool
// form's own checks, and beyond the room left in the pool) or, with import (a preview's id) and
// confirm=yes, adds the ready rows of that preview to the pool. The body is read part by part as it arrives.
func (s *Server) poolImport(w http.ResponseWriter, r *http.Request) {
	d, ok := s.editableBoard(w, r)
	if !ok {
		return
	}
	err := importPost(w, r, func(part *multipart.Part) { s.poolImportPreview(w, r, d, part) },
		func(id int64, answer string) { s.poolImportConfirm(w, r, d, id, answer) })
	if err != nil {
		s.poolImportRefused(w, r, d.Board, err)
	}
}

// poolImportRefused shows the upload form again with why the file was refused (422).
func (s *Server) poolImportRefused(w http.ResponseWriter, r *http.Request, b store.Board, err error) {
	var fp *fileProblem
	if !errors.As(err, &fp) {
		s.serverError(w, r, err)
		return
	}
	form := components.NewForm()
	form.Errors["file"] = fp.msg
	s.renderPoolImport(w, r, http.StatusUnprocessableEntity, b, form, nil)
}

// poolImportPreview checks every row of an uploaded file and keeps the result for its confirmation. The
// file is spooled first, within the limits; its rows are then checked and kept a batch at a time, in one
// transaction that a file refused half-way leaves without a trace.
func (s *Server) poolImportPreview(w http.ResponseWriter, r *http.Request, d store.BoardDetail, part *multipart.Part) {
	up, err := spoolUpload(part, poolColumns())
	if up != nil {
		defer up.Close()
	}
	if err != nil {
		s.poolImportRefused(w, r, d.Board, err)
		return
	}
	// The file has arrived; its reading and checking wait for one of the slots all imports share.
	release, ok := s.importSlot(r.Context())
	if !ok {
		form := components.NewForm()
		form.Errors[""] = i18n.M("err.import_busy")
		w.Header().Set("Retry-After", "60")
		s.renderPoolImport(w, r, http.StatusServiceUnavailable, d.Board, form, nil)
		return
	}
	defer release()
	file := composition.File{Name: up.name, SHA256: up.sha256, Rows: func(yield func(composition.FileRow) error) error {
		return up.rows(func(l importLine) error {
			return yield(composition.FileRow{Line: l.line, Values: l.values, NotUTF8: l.notUTF8})
		})
	}}
	imp, err := s.comp.PreviewPoolImport(r.Context(), actor(r), auth.FromContext(r.Context()).Scope, d, file)
	var fp *fileProblem
	switch {
	case errors.As(err, &fp):
		s.poolImportRefused(w, r, d.Board, err)
	case err != nil:
		if !s.boardDone(w, r, d.ID, err, "") {
			s.serverError(w, r, err)
		}
	default:
		s.renderPoolImport(w, r, http.StatusOK, d.Board, components.NewForm(), &imp)
	}
}

// poolImportConfirm adds the ready rows of preview id to the pool once asked: answer is the answer, yes.
func (s *Server) poolImportConfirm(w http.ResponseWriter, r *http.Request, d store.BoardDetail, id int64, answer string) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	imp, err := s.store.PoolImportByID(ctx, p.ID, d.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f := components.NewForm()
	f.Values.Set("import", strconv.FormatInt(id, 10))
	f.Values.Set("confirm", answer)
	if imp.ImportedAt == nil && imp.Ready > 0 &&
		!s.confirmed(w, r, f, boards.PoolImportQuestion(ctx, d.Board, imp), poolImportPath(d.ID, id)) {
		return
	}
	_, problems, err := s.comp.ConfirmPoolImport(ctx, actor(r), p.Scope, d, imp)
	switch {
	case len(problems) > 0:
		imp, err := s.store.PoolImportByID(ctx, p.ID, d.ID, id)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		form := components.NewForm()
		form.Errors = problems
		s.renderPoolImport(w, r, http.StatusConflict, d.Board, form, &imp)
	case !s.boardDoneAt(w, r, d.ID, err, "boards.pool_imported", "add-pool"):
		s.serverError(w, r, err)
	}
}

func poolImportPath(board, id int64) string {
	return boardPath(board) + "/pool/import/" + strconv.FormatInt(id, 10)
}

// poolImportShow shows one of the user's previews again.
func (s *Server) poolImportShow(w http.ResponseWriter, r *http.Request) {
	d, ok := s.editableBoard(w, r)
	if !ok {
		return
	}
	id, ok := pathID(chi.URLParam(r, "import"))
	if !ok {
		s.notFound(w, r)
		return
	}
	imp, err := s.store.PoolImportByID(r.Context(), auth.FromContext(r.Context()).ID, d.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderPoolImport(w, r, http.StatusOK, d.Board, components.NewForm(), &imp)
}

// renderPoolImport renders the pool import page: the upload form, and for a previewed file its counts,
// its ready rows and the first of its rejected ones, read from the database.
func (s *Server) renderPoolImport(w http.ResponseWriter, r *http.Request, status int, b store.Board, form components.Form, imp *store.PoolImport) {
	d := boards.PoolImportData{Board: b, Form: form, Preview: imp, Shown: poolRejectedShown, MaxMB: maxImportBytes >> 20, MaxRows: maxImportRows}
	if imp != nil {
		ctx := r.Context()
		var err error
		if d.Ready, err = s.store.PoolImportReady(ctx, imp.UserID, imp.ID, max(imp.Ready, 1)); err != nil {
			s.serverError(w, r, err)
			return
		}
		if d.Rejected, err = s.store.PoolImportRejected(ctx, imp.UserID, imp.ID, 0, poolRejectedShown); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, status, boards.PoolImport(d))
}
