package server

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/xuri/excelize/v2"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/nationalid"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/candidates"
	"github.com/setad/setad/web/components"
)

// Limits of an imported file. Each is checked while the file is read, before the work it guards: nothing
// reads a whole upload to find out that it is too big, and a refused file costs a few megabytes at most.
const (
	maxImportBytes     = 10 << 20 // the request body, multipart framing included
	maxImportRows      = 20000    // data rows after the header (blank rows are skipped); reading stops at one more
	maxImportColumns   = 50       // cells in a row, empty ones included
	maxImportCellChars = 1000     // characters in a cell
	maxImportNameChars = 100      // a longer file name is shortened for display
	// encoding/csv holds a whole record in memory: one longer than maxImportColumns quoted cells of
	// maxImportCellChars four-byte characters is refused before it is read whole.
	maxImportRecordBytes = maxImportColumns * (4*maxImportCellChars + 3)

	// An XLSX file is a zip: it is spooled to a temporary file and opened from there, never held whole.
	maxXLSXUnpacked = 32 << 20 // what all its parts unpack to (excelize's UnzipSizeLimit)
	xlsxInMemory    = 1 << 20  // sheets and shared strings larger than this are unpacked to a temporary file and streamed (UnzipXMLSizeLimit)
	maxXLSXHeld     = 4 << 20  // what excelize holds in memory: the smaller sheets and shared strings, styles, theme, workbook…
	maxXLSXToken    = 64 << 10 // bytes of one XML text or tag; a cell's text of maxImportCellChars characters, escaped, fits
	maxXLSXDepth    = 32       // nesting of XML elements; a sheet needs about eight
	maxXLSXStrings  = 500000   // shared strings; excelize keeps an offset for each of a streamed table
)

// candidateColumns are the columns of an export and of an import file, named as the form's fields.
var candidateColumns = []string{"full_name", "father_name", "national_id", "gender", "birth_date", "education", "occupation",
	"constituency", "phone", "tracking_id", "veteran", "military_service", "listed_post", "certificate_date", "resignation_date", "status"}

func attachment(name, ext string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name + "." + ext})
}

func jalali(t *time.Time) string {
	if t == nil {
		return ""
	}
	return persian.FromTime(time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, i18n.Tehran)).String()
}

func exportRow(c store.Candidate) []string {
	yes := func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	return []string{c.FullName, c.FatherName, c.NationalID, c.Gender, jalali(c.BirthDate), c.Education, c.Occupation,
		c.ConstituencyCode, c.Phone, c.TrackingID, yes(c.Veteran), c.MilitaryService, yes(c.ListedPost),
		jalali(c.CertificateDate), jalali(c.ResignationDate), c.Status}
}

// candidateExport writes what the list shows, with the same filters, as CSV or XLSX. The files carry
// national IDs, birth dates and phones of everyone in scope, so only the roles that register candidates
// get them.
func (s *Server) candidateExport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		if !p.Can(auth.ExportCandidates) {
			s.forbidden(w, r)
			return
		}
		e, err := s.store.CurrentElection(ctx)
		if errors.Is(err, store.ErrNotFound) {
			s.notFound(w, r)
			return
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		q := r.URL.Query()
		f := store.CandidateFilter{Q: q.Get("q"), County: q.Get("county"), Status: q.Get("status"), Gender: q.Get("gender"),
			Education: q.Get("education"), Sort: q.Get("sort")}
		if format == "csv" {
			// Into a buffer first: a failure half-way shows the error page, not half a file.
			var buf bytes.Buffer
			cw := newCSV(&buf)
			err := cw.Write(candidateColumns)
			if err == nil {
				err = s.store.EachCandidate(ctx, p.Scope, e.ID, f, func(c store.Candidate) error { return cw.Write(exportRow(c)) })
			}
			if ferr := cw.Flush(); err == nil {
				err = ferr
			}
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", attachment("candidates", "csv"))
			_, _ = buf.WriteTo(w)
			return
		}
		x := excelize.NewFile()
		defer x.Close()
		sheet := x.GetSheetName(0)
		rtl := true
		sw, err := x.NewStreamWriter(sheet)
		if err == nil {
			err = x.SetSheetView(sheet, 0, &excelize.ViewOptions{RightToLeft: &rtl})
		}
		row := 1
		write := func(vals []string) error {
			// Strings are written as inline strings, never formulas: a name starting with = stays text.
			cells := make([]any, len(vals))
			for i, v := range vals {
				cells[i] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			row++
			return sw.SetRow(cell, cells)
		}
		if err == nil {
			err = write(candidateColumns)
		}
		if err == nil {
			err = s.store.EachCandidate(ctx, p.Scope, e.ID, f, func(c store.Candidate) error { return write(exportRow(c)) })
		}
		if err == nil {
			err = sw.Flush()
		}
		var buf bytes.Buffer
		if err == nil {
			err = x.Write(&buf)
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", attachment("candidates", "xlsx"))
		_, _ = buf.WriteTo(w)
	}
}

func importData(form components.Form, preview *store.CandidateImport) candidates.ImportData {
	return candidates.ImportData{Form: form, Preview: preview, MaxMB: maxImportBytes >> 20, MaxRows: maxImportRows}
}

func (s *Server) candidateImportPage(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.RegisterCandidates) {
		s.forbidden(w, r)
		return
	}
	s.render(w, r, http.StatusOK, candidates.Import(importData(components.NewForm(), nil)))
}

// candidateImport previews an uploaded file (each row ready or with its problems, by the same checks as
// the form, duplicates inside the file included) or, with confirm, imports the ready rows of a preview.
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
		s.render(w, r, http.StatusUnprocessableEntity, candidates.Import(importData(form, nil)))
	}
	if r.ContentLength > maxImportBytes {
		w.Header().Set("Connection", "close") // rather than read what is refused
		refuse(tooBig())
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes)
	// Whatever the answer, the rest of the body (within the limit) is read without being kept, so that a
	// browser still sending gets the answer rather than a broken connection.
	defer func() { _, _ = io.Copy(io.Discard, r.Body) }()
	mr, err := r.MultipartReader()
	if err != nil {
		refuse(problem(i18n.M("err.file")))
		return
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			refuse(readProblem(err))
			return
		}
		switch part.FormName() {
		case "confirm":
			v, _ := io.ReadAll(io.LimitReader(part, 20))
			if id, ok := pathID(string(v)); ok {
				s.candidateImportConfirm(w, r, id)
				return
			}
		case "file":
			if part.FileName() != "" { // a form sent without a chosen file has an empty one
				s.candidateImportPreview(w, r, part)
				return
			}
		}
	}
	refuse(problem(i18n.M("err.file")))
}

// candidateImportPreview checks every row of an uploaded file and keeps the result for its confirmation.
func (s *Server) candidateImportPreview(w http.ResponseWriter, r *http.Request, part *multipart.Part) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	form := components.NewForm()
	file, err := readUpload(part)
	var fp *fileProblem
	switch {
	case errors.As(err, &fp):
		form.Errors["file"] = fp.msg
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	cc, ok, cerr := s.loadCandidateCheck(r, form)
	if cerr != nil {
		s.serverError(w, r, cerr)
		return
	}
	if !ok || !form.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, candidates.Import(importData(form, nil)))
		return
	}
	cc.canOverride = false // a file carries no judgement: overridable problems refuse the row
	var ready []store.ReadyRow
	var readyRows []importLine
	var rejected []store.ImportRow
	seen := map[string]int{}
	for _, row := range file.rows {
		f := components.NewForm()
		for k, v := range row.values {
			f.Values.Set(k, v)
		}
		c, _, _ := s.check(r, cc, f)
		if c.NationalID != "" {
			if first, dup := seen[c.NationalID]; dup {
				f.Errors["national_id"] = i18n.M("err.import_duplicate_line", i18n.ArgNum("line", first))
			} else {
				seen[c.NationalID] = row.line
			}
		} else if _, err := nationalid.Parse(f.Get("national_id")); err != nil && !f.HasErr("national_id") {
			f.Errors["national_id"] = i18n.M("err.national_id")
		}
		for _, name := range row.notUTF8 {
			f.Errors[name] = i18n.M("err.import_encoding")
		}
		if f.Valid() {
			ready = append(ready, store.ReadyRow{Line: row.line, Candidate: c})
			readyRows = append(readyRows, row)
			continue
		}
		rejected = append(rejected, importRow(row.line, row.values, f))
	}
	ids := make([]string, len(ready))
	for i, rr := range ready {
		ids[i] = rr.Candidate.NationalID
	}
	dups, boards, err := s.store.Clashes(ctx, cc.election.ID, ids)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	kept := ready[:0]
	for i, rr := range ready {
		id := rr.Candidate.NationalID
		f := components.NewForm()
		if d, dup := dups[id]; dup {
			f.Errors["national_id"] = i18n.M("err.candidate_duplicate", i18n.ArgName("county", d.CountyFa, d.CountyEn))
		} else if b := boards[id]; len(b) > 0 {
			f.Errors["national_id"] = i18n.M("err.candidate_on_board", i18n.ArgText("boards", strings.Join(b, "، ")))
		} else {
			kept = append(kept, rr)
			continue
		}
		rejected = append(rejected, importRow(rr.Line, readyRows[i].values, f))
	}
	ready = kept
	file.rows, readyRows = nil, nil // what is left of them is in rejected; the rest can go before the file is saved
	id, err := s.store.SaveImport(ctx, actor(r), p.Scope.ProvinceID, cc.election.ID, file.name, file.sha256, ready, rejected)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// The preview shows what was saved, without reading a large file's rows back.
	imp := store.CandidateImport{ID: id, UserID: p.ID, ElectionID: cc.election.ID, FileName: file.name, FileSHA256: file.sha256,
		Ready: ready, Rejected: rejected}
	s.render(w, r, http.StatusOK, candidates.Import(importData(components.NewForm(), &imp)))
}

func importRow(line int, row map[string]string, f components.Form) store.ImportRow {
	ir := store.ImportRow{Line: line, Values: row}
	for _, col := range append([]string{""}, candidateColumns...) {
		if f.HasErr(col) {
			ir.Problems = append(ir.Problems, store.ImportProblem{Field: col, Msg: f.Err(col)})
		}
	}
	return ir
}

func (s *Server) candidateImportConfirm(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	n, err := s.store.ConfirmImport(ctx, actor(r), p.Scope.ProvinceID, id)
	var stale *store.StaleImportError
	switch {
	case err == nil:
		s.sessions.Put(ctx, sessFlash, "candidates.imported")
		http.Redirect(w, r, "/candidates?sort=registered&imported="+strconv.Itoa(n), http.StatusSeeOther)
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrImported), errors.As(err, &stale):
		imp, ierr := s.store.ImportByID(ctx, p.ID, id)
		if ierr != nil {
			s.serverError(w, r, ierr)
			return
		}
		form := components.NewForm()
		form.Errors[""] = i18n.M("err.import_imported")
		if stale != nil {
			lines := make([]string, len(stale.Lines))
			for i, l := range stale.Lines {
				lines[i] = i18n.Num(ctx, l)
			}
			form.Errors[""] = i18n.M("err.import_stale", i18n.ArgText("lines", strings.Join(lines, "، ")))
		}
		s.render(w, r, http.StatusConflict, candidates.Import(importData(form, &imp)))
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
	imp, err := s.store.ImportByID(ctx, p.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var buf bytes.Buffer
	cw := newCSV(&buf)
	err = cw.Write(append(append([]string{}, candidateColumns...), "problems"))
	for _, row := range imp.Rejected {
		vals := make([]string, 0, len(candidateColumns)+1)
		for _, c := range candidateColumns {
			vals = append(vals, row.Values[c])
		}
		var msgs []string
		for _, pr := range row.Problems {
			msgs = append(msgs, candidates.Problem(ctx, pr))
		}
		if err == nil {
			err = cw.Write(append(vals, strings.Join(msgs, "؛ ")))
		}
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
