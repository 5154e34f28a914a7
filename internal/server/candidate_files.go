package server

import (
	"bytes"
	"context"
	"errors"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/registration"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/candidates"
	"github.com/setad/setad/web/components"
)

// Limits of an imported file. Each is checked while the file is read, before the work it guards: nothing
// reads a whole upload to find out that it is too big, and a refused file costs a few megabytes at most.
const (
	maxImportBytes     = 10 << 20 // the request body, multipart framing included
	maxImportRows      = 20000    // rows after the header, blank ones included (each costs reading); reading stops at one more
	maxImportColumns   = 50       // cells in a row, empty ones included
	maxImportCellChars = 1000     // characters in a cell
	maxImportNameChars = 100      // a longer file name is shortened for display
	// encoding/csv holds a whole record in memory: one longer than maxImportColumns quoted cells of
	// maxImportCellChars four-byte characters is refused before it is read whole.
	maxImportRecordBytes = maxImportColumns * (4*maxImportCellChars + 3)

	// An XLSX file is a zip: it is spooled to a temporary file and opened from there, never held whole.
	maxXLSXParts    = 1000      // parts in the zip: archive/zip and excelize keep a record of each, and excelize reads each
	maxXLSXUnpacked = 32 << 20  // what all its parts unpack to (excelize's UnzipSizeLimit)
	xlsxInMemory    = 128 << 10 // sheets and shared strings larger than this are unpacked to a temporary file and streamed (UnzipXMLSizeLimit)
	// What excelize holds of a file at once must stay well under what one import may use, 64 MiB, all of
	// it together, with what the check and the reading use besides: 2 MiB of parts held in memory, their
	// elements and attributes, and an offset for each shared string made 25 MiB of heap at most.
	maxXLSXHeld = 2 << 20 // what excelize holds in memory: the smaller sheets and shared strings, styles, theme, workbook…
	// Elements in the parts held in memory, which excelize may decode whole (styles, workbook, calculation
	// chain…) at a few hundred bytes an element however short it is in the file: 49,400 cell formats made
	// a 26 MiB heap. A workbook's parts hold a few thousand; its sheet and shared strings, when small
	// enough to be held, about 12,000 more for a file of the rows that fit.
	maxXLSXElements = 25000
	// Attributes in the parts held in memory, namespace declarations included: excelize keeps a value of
	// those it knows. A held sheet has about three to a cell.
	maxXLSXAttrs     = 100000
	maxXLSXToken     = 64 << 10  // bytes of one XML text or tag; a cell's text of maxImportCellChars characters, escaped, fits
	maxXLSXDepth     = 32        // nesting of XML elements; a sheet needs about eight
	maxXLSXTagAttrs  = 64        // attributes of one tag, namespace declarations included; a sheet's root has about ten
	maxXLSXRowCells  = 16384     // cells in a sheet's row: a spreadsheet's columns; excelize holds a row's cells at once
	maxXLSXCellBytes = 128 << 10 // XML of one cell or shared string, decoded whole; a text of maxImportCellChars characters, escaped and in formatted runs, fits
	maxXLSXRowBytes  = 1 << 20   // XML of one row, whose values are held at once; maxImportColumns full cells, and styled empty ones to the last column, fit
	maxXLSXStrings   = 200000    // shared strings; excelize keeps an offset for each of a streamed table, 64 bytes; a file of the rows that fit has under 100,000
)

// candidateColumns are the columns of an export and of an import file, named as the form's fields.
var candidateColumns = []string{"full_name", "father_name", "national_id", "gender", "birth_date", "education", "occupation",
	"constituency", "phone", "tracking_id", "veteran", "military_service", "listed_post", "certificate_date", "resignation_date", "status"}

func attachment(name, ext string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name + "." + ext})
}

func (s *Server) candidateImportPage(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.RegisterCandidates) {
		s.forbidden(w, r)
		return
	}
	s.renderImport(w, r, http.StatusOK, components.NewForm(), nil)
}

// candidateImport previews an uploaded file (each row ready or with its problems, by the same checks as
// the form, duplicates inside the file included) or, with import (a preview's id) and confirm=yes, imports
// the ready rows of that preview.
// The body is read part by part as it arrives.
func (s *Server) candidateImport(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.RegisterCandidates) {
		s.forbidden(w, r)
		return
	}
	form := components.NewForm()
	refuse := func(err error) {
		var fp *fileProblem
		if !errors.As(err, &fp) {
			s.serverError(w, r, err)
			return
		}
		form.Errors["file"] = fp.msg
		s.renderImport(w, r, http.StatusUnprocessableEntity, form, nil)
	}
	err := importPost(w, r, func(part *multipart.Part) { s.candidateImportPreview(w, r, part) },
		func(id int64, answer string) { s.candidateImportConfirm(w, r, id, answer) })
	if err != nil {
		refuse(err)
	}
}

// candidateImportPreview checks every row of an uploaded file and keeps the result for its confirmation.
// The file is spooled first; its rows are then checked and kept a batch at a time, in one transaction
// that a file refused half-way leaves without a trace.
func (s *Server) candidateImportPreview(w http.ResponseWriter, r *http.Request, part *multipart.Part) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	form := components.NewForm()
	up, err := spoolUpload(part, columnsNamed(candidateColumns))
	if up != nil {
		defer up.Close()
	}
	var fp *fileProblem
	switch {
	case errors.As(err, &fp):
		form.Errors["file"] = fp.msg
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	checker, err := s.reg.Checker(ctx, p.Scope, i18n.From(ctx))
	var closed *registration.ClosedError
	switch {
	case errors.As(err, &closed):
		form.Errors[""] = closed.Msg
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	if !form.Valid() {
		s.renderImport(w, r, http.StatusUnprocessableEntity, form, nil)
		return
	}
	// The file has arrived (a slow upload holds no slot); its reading and checking wait for one.
	release, ok := s.importSlot(ctx)
	if !ok {
		form.Errors[""] = i18n.M("err.import_busy")
		w.Header().Set("Retry-After", "60")
		s.renderImport(w, r, http.StatusServiceUnavailable, form, nil)
		return
	}
	defer release()
	imp, err := s.reg.Preview(ctx, actor(r), checker, p.Scope.ProvinceID, up.name, up.sha256, func(fn func(registration.Row) error) error {
		return up.rows(func(l importLine) error {
			return fn(registration.Row{Line: l.line, Values: l.values, NotUTF8: l.notUTF8})
		})
	})
	switch {
	case errors.As(err, &fp):
		form.Errors["file"] = fp.msg
		s.renderImport(w, r, http.StatusUnprocessableEntity, form, nil)
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.renderImport(w, r, http.StatusOK, form, &imp)
	}
}

// importSlot waits up to importWait for one of the importsAtOnce slots, and returns its release.
func (s *Server) importSlot(ctx context.Context) (release func(), ok bool) {
	t := time.NewTimer(s.importWait)
	defer t.Stop()
	select {
	case s.importSlots <- struct{}{}:
		return func() { <-s.importSlots }, true
	case <-t.C:
	case <-ctx.Done():
	}
	return nil, false
}

// importPageRows is how many rows of each kind a page of the preview shows.
const importPageRows = 100

// importReasonLines is how many lines the preview lists under each reason rows were refused for.
const importReasonLines = 20

// renderImport renders the import page: the upload form, and for a previewed file its counts and a page
// of each kind of row, read from the database (the pages are named by ?ready= and ?rejected=).
func (s *Server) renderImport(w http.ResponseWriter, r *http.Request, status int, form components.Form, imp *store.CandidateImport) {
	ctx := r.Context()
	d := candidates.ImportData{Form: form, Preview: imp, PageRows: importPageRows, MaxMB: maxImportBytes >> 20, MaxRows: maxImportRows}
	var ms []store.Milestone
	var b store.Batch
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
	if imp != nil {
		q := r.URL.Query()
		d.ReadyPage, d.RejectedPage = pageParam(q.Get("ready"), imp.Ready), pageParam(q.Get("rejected"), imp.Rejected)
		var err error
		if d.Ready, err = s.store.ImportReady(ctx, imp.UserID, imp.ID, (d.ReadyPage-1)*importPageRows, importPageRows); err != nil {
			s.serverError(w, r, err)
			return
		}
		if d.Rejected, err = s.store.ImportRejected(ctx, imp.UserID, imp.ID, (d.RejectedPage-1)*importPageRows, importPageRows); err != nil {
			s.serverError(w, r, err)
			return
		}
		if imp.Rejected > 0 {
			if d.Reasons, err = s.store.ImportReasons(ctx, imp.UserID, imp.ID, importReasonLines); err != nil {
				s.serverError(w, r, err)
				return
			}
		}
	}
	s.render(w, r, status, candidates.Import(d))
}

// pageParam is a page number from the query, within the pages that rows fill (1 when there is none).
func pageParam(v string, rows int) int {
	page, err := strconv.Atoi(v)
	pages := max(1, (rows+importPageRows-1)/importPageRows)
	if err != nil || page < 1 {
		return 1
	}
	return min(page, pages)
}

// candidateImportShow shows a previewed file again, a page of its rows at a time.
func (s *Server) candidateImportShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := pathID(chi.URLParam(r, "id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	imp, err := s.store.ImportByID(ctx, auth.FromContext(ctx).ID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderImport(w, r, http.StatusOK, components.NewForm(), &imp)
}

// candidateImportConfirm registers the ready rows of preview id once asked: confirm is the answer, yes.
func (s *Server) candidateImportConfirm(w http.ResponseWriter, r *http.Request, id int64, confirm string) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	imp, err := s.store.ImportByID(ctx, p.ID, id)
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
	f.Values.Set("confirm", confirm)
	// A preview without ready rows is not asked about: ConfirmImport refuses it.
	if imp.ImportedAt == nil && imp.Ready > 0 && !s.confirmed(w, r, f, candidates.ImportQuestion(imp), "/candidates/import") {
		return
	}
	// The rows are registered now: those whose registration window has closed since the preview are stale.
	ms, err := s.store.Milestones(ctx, auth.Scope{}, imp.ElectionID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	closed := map[string]bool{}
	for kind, window := range store.RegistrationWindows(ms) {
		closed[kind] = !window.Holds(s.now())
	}
	n, err := s.store.ConfirmImport(ctx, actor(r), p.Scope.ProvinceID, id, closed)
	var stale *store.StaleImportError
	switch {
	case err == nil:
		s.redirectFlash(w, r, "/candidates?sort=registered&imported="+strconv.Itoa(n), "candidates.imported")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrImported), errors.Is(err, store.ErrNothingToImport), errors.As(err, &stale):
		imp, ierr := s.store.ImportByID(ctx, p.ID, id)
		if ierr != nil {
			s.serverError(w, r, ierr)
			return
		}
		form := components.NewForm()
		form.Errors[""] = i18n.M("err.import_imported")
		if errors.Is(err, store.ErrNothingToImport) {
			form.Errors[""] = i18n.M("err.import_nothing_ready")
			s.renderImport(w, r, http.StatusUnprocessableEntity, form, &imp)
			return
		}
		if stale != nil {
			lines := make([]string, len(stale.Lines))
			for i, l := range stale.Lines {
				lines[i] = i18n.Num(ctx, l)
			}
			form.Errors[""] = i18n.M("err.import_stale", i18n.ArgText("lines", strings.Join(lines, "، ")))
		}
		s.renderImport(w, r, http.StatusConflict, form, &imp)
	default:
		s.serverError(w, r, err)
	}
}

// candidateImportRejected gives the rejected rows of a preview back as a CSV to fix and import again.
func (s *Server) candidateImportRejected(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	id, ok := pathID(chi.URLParam(r, "id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	if _, err := s.store.ImportByID(ctx, p.ID, id); errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	// Into a buffer first, the rows as they come from the database: a failure half-way shows the error
	// page, not half a file.
	var buf bytes.Buffer
	cw := newCSV(&buf)
	vals := make([]string, len(candidateColumns)+1)
	var msgs []string
	err := cw.Write(append(append([]string{}, candidateColumns...), "problems"))
	if err == nil {
		err = s.store.EachImportRejected(ctx, p.ID, id, 0, -1, func(row store.ImportRow) error {
			for i, c := range candidateColumns {
				vals[i] = row.Values[c]
			}
			msgs = msgs[:0]
			for _, pr := range row.Problems {
				msgs = append(msgs, components.ProblemText(ctx, pr))
			}
			vals[len(candidateColumns)] = strings.Join(msgs, "؛ ")
			return cw.Write(vals)
		})
	}
	if ferr := cw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", attachment("rejected", "csv"))
	_, _ = buf.WriteTo(w)
}
