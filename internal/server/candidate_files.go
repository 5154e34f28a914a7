package server

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"mime"
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

// candidateColumns are the columns of an export and of an import file, named as the form's fields.
var candidateColumns = []string{"full_name", "father_name", "national_id", "gender", "birth_date", "education", "occupation",
	"constituency", "phone", "tracking_id", "veteran", "military_service", "listed_post", "certificate_date", "resignation_date", "status"}

const (
	maxImportBytes = 10 << 20
	maxImportRows  = 20000
)

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
			buf.WriteString("\uFEFF") // so that Excel reads UTF-8 Persian
			cw := csv.NewWriter(&buf)
			_ = cw.Write(candidateColumns)
			err := s.store.EachCandidate(ctx, p.Scope, e.ID, f, func(c store.Candidate) error { return cw.Write(exportRow(c)) })
			cw.Flush()
			if err == nil {
				err = cw.Error()
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

// readRows reads a CSV (with or without a BOM) or an XLSX file into rows keyed by column name.
func readRows(data []byte) ([]map[string]string, error) {
	var records [][]string
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		x, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		defer x.Close()
		if records, err = x.GetRows(x.GetSheetName(0)); err != nil {
			return nil, err
		}
	} else {
		cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = true
		var err error
		if records, err = cr.ReadAll(); err != nil {
			return nil, err
		}
	}
	if len(records) == 0 {
		return nil, errors.New("empty file")
	}
	header := records[0]
	for i := range header {
		header[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(header[i], "\uFEFF")))
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		empty := true
		for i, v := range rec {
			if i < len(header) && header[i] != "" {
				row[header[i]] = strings.TrimSpace(v)
				empty = empty && strings.TrimSpace(v) == ""
			}
		}
		if !empty {
			rows = append(rows, row)
		}
	}
	return rows, nil
}

func (s *Server) candidateImportPage(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.RegisterCandidates) {
		s.forbidden(w, r)
		return
	}
	s.render(w, r, http.StatusOK, candidates.Import(candidates.ImportData{Form: components.NewForm()}))
}

// candidateImport previews an uploaded file (each row ready or with its problems, by the same checks as
// the form, duplicates inside the file included) or, with confirm, imports the ready rows of a preview.
func (s *Server) candidateImport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.RegisterCandidates) {
		s.forbidden(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes)
	if err := r.ParseMultipartForm(maxImportBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.errorPage(w, r, http.StatusRequestEntityTooLarge)
		return
	}
	if id, ok := pathID(r.PostFormValue("confirm")); ok {
		s.candidateImportConfirm(w, r, id)
		return
	}
	form := components.NewForm()
	file, header, err := r.FormFile("file")
	if err != nil {
		form.Errors["file"] = i18n.M("err.file")
		s.render(w, r, http.StatusUnprocessableEntity, candidates.Import(candidates.ImportData{Form: form}))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		s.errorPage(w, r, http.StatusRequestEntityTooLarge)
		return
	}
	rows, err := readRows(data)
	switch {
	case err != nil:
		form.Errors["file"] = i18n.M("err.file_unreadable")
	case len(rows) > maxImportRows:
		form.Errors["file"] = i18n.M("err.file_too_many", i18n.ArgNum("rows", maxImportRows))
	}
	cc, ok, cerr := s.loadCandidateCheck(r, form)
	if cerr != nil {
		s.serverError(w, r, cerr)
		return
	}
	if !ok || !form.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, candidates.Import(candidates.ImportData{Form: form}))
		return
	}
	cc.canOverride = false // a file carries no judgement: overridable problems refuse the row
	var ready []store.ReadyRow
	var rejected []store.ImportRow
	seen := map[string]int{}
	for i, row := range rows {
		line := i + 2
		f := components.NewForm()
		for k, v := range row {
			if !validText(v) {
				v = ""
			}
			f.Values.Set(k, v)
		}
		c, _, _ := s.check(r, cc, f)
		if c.NationalID != "" {
			if first, dup := seen[c.NationalID]; dup {
				f.Errors["national_id"] = i18n.M("err.import_duplicate_line", i18n.ArgNum("line", first))
			} else {
				seen[c.NationalID] = line
			}
		} else if _, err := nationalid.Parse(f.Get("national_id")); err != nil && !f.HasErr("national_id") {
			f.Errors["national_id"] = i18n.M("err.national_id")
		}
		if f.Valid() {
			ready = append(ready, store.ReadyRow{Line: line, Candidate: c})
			continue
		}
		rejected = append(rejected, importRow(line, row, f))
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
	for _, rr := range ready {
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
		rejected = append(rejected, importRow(rr.Line, rows[rr.Line-2], f))
	}
	ready = kept
	id, err := s.store.SaveImport(ctx, actor(r), p.Scope.ProvinceID, cc.election.ID, header.Filename, ready, rejected)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	imp, err := s.store.ImportByID(ctx, p.ID, id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, candidates.Import(candidates.ImportData{Form: components.NewForm(), Preview: &imp}))
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
		s.render(w, r, http.StatusConflict, candidates.Import(candidates.ImportData{Form: form, Preview: &imp}))
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
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	_ = cw.Write(append(append([]string{}, candidateColumns...), "problems"))
	for _, row := range imp.Rejected {
		vals := make([]string, 0, len(candidateColumns)+1)
		for _, c := range candidateColumns {
			vals = append(vals, row.Values[c])
		}
		var msgs []string
		for _, pr := range row.Problems {
			msgs = append(msgs, candidates.Problem(ctx, pr))
		}
		_ = cw.Write(append(vals, strings.Join(msgs, "؛ ")))
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", attachment("rejected", "csv"))
	_, _ = buf.WriteTo(w)
}
