package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/candidates"
)

// A file of candidates is written for people or for the import. For people (the default), the columns
// are headed in the reader's language and the values read as the pages show them: labels for codes,
// constituencies by name, days in the reader's calendar, digits in the reader's script. For the import
// (?format=import), the columns keep the import's names and the values their codes, with Jalali days and
// 1/0 for yes and no, so that the file imports back as it is. The import reads both.

// columnWidths are the widths of a sheet's columns, in characters, by field; others get defaultWidth.
var columnWidths = map[string]float64{"full_name": 26, "father_name": 16, "national_id": 14, "gender": 9,
	"birth_date": 12, "education": 20, "occupation": 18, "constituency": 34, "phone": 14, "tracking_id": 16,
	"veteran": 12, "military_service": 18, "listed_post": 12, "certificate_date": 14, "resignation_date": 14, "status": 22}

const defaultWidth = 14

// jalali is a day as the import format writes it: Jalali, Latin digits.
func jalali(t *time.Time) string {
	if t == nil {
		return ""
	}
	return persian.FromTime(time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, i18n.Tehran)).String()
}

// exportRow is a candidate in the import's columns: codes, Jalali days, 1 and 0.
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

// importFormat reports whether the request asks for the file the import reads back (?format=import).
func importFormat(r *http.Request) bool { return r.URL.Query().Get("format") == "import" }

// peopleHeadings are the columns headed in the reader's language.
func peopleHeadings(ctx context.Context, cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = i18n.T(ctx, "field."+c)
	}
	return out
}

// peopleRow is a candidate as the pages show it, in the export's columns.
func peopleRow(ctx context.Context, c store.Candidate) []string {
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return i18n.Day(ctx, *t)
	}
	label := func(prefix, code string) string {
		if code == "" {
			return ""
		}
		return i18n.T(ctx, prefix+code)
	}
	yes := func(b bool) string {
		if b {
			return i18n.T(ctx, "audit.yes")
		}
		return i18n.T(ctx, "audit.no")
	}
	return []string{c.FullName, c.FatherName, i18n.Digits(ctx, c.NationalID), label("gender.", c.Gender), day(c.BirthDate),
		label("education.", c.Education), c.Occupation, candidates.ConstituencyOf(ctx, c), i18n.Digits(ctx, c.Phone),
		c.TrackingID, yes(c.Veteran), label("service.", c.MilitaryService), yes(c.ListedPost), day(c.CertificateDate),
		day(c.ResignationDate), label("cstatus.", c.Status)}
}

// sheet writes rows into one named sheet of an XLSX file, right to left for a Persian reader, with its
// columns' widths set and its first row (the headings) bold. Every cell is an inline string, never a
// formula: a name starting with = stays text.
type sheet struct {
	x   *excelize.File
	sw  *excelize.StreamWriter
	row int
}

func newSheet(ctx context.Context, cols []string) (*sheet, error) {
	x := excelize.NewFile()
	name := i18n.T(ctx, "candidates.sheet")
	if err := x.SetSheetName(x.GetSheetName(0), name); err != nil {
		x.Close()
		return nil, err
	}
	rtl := i18n.From(ctx) == i18n.Fa
	err := x.SetSheetView(name, 0, &excelize.ViewOptions{RightToLeft: &rtl})
	var sw *excelize.StreamWriter
	if err == nil {
		sw, err = x.NewStreamWriter(name)
	}
	for i, c := range cols {
		if err != nil {
			break
		}
		w, ok := columnWidths[c]
		if !ok {
			w = defaultWidth
		}
		err = sw.SetColWidth(i+1, i+1, w)
	}
	if err != nil {
		x.Close()
		return nil, err
	}
	return &sheet{x: x, sw: sw, row: 1}, nil
}

// write writes one row; the first is the headings, in bold.
func (s *sheet) write(vals []string) error {
	cells := make([]any, len(vals))
	for i, v := range vals {
		cells[i] = v
	}
	var opts []excelize.RowOpts
	if s.row == 1 {
		bold, err := s.x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
		if err != nil {
			return err
		}
		opts = append(opts, excelize.RowOpts{StyleID: bold})
	}
	cell, _ := excelize.CoordinatesToCellName(1, s.row)
	s.row++
	return s.sw.SetRow(cell, cells, opts...)
}

func (s *sheet) close() { s.x.Close() }

// bytes ends the sheet and returns the whole file.
func (s *sheet) bytes() (*bytes.Buffer, error) {
	if err := s.sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err := s.x.Write(&buf)
	return &buf, err
}

// table is a file being written, CSV or XLSX, row by row; bytes ends it, close frees it.
type table interface {
	write([]string) error
	bytes() (*bytes.Buffer, error)
	close()
}

// csvTable is a CSV file written into a buffer: a failure half-way shows the error page, not half a file.
type csvTable struct {
	buf bytes.Buffer
	w   csvWriter
}

func newCSVTable() *csvTable {
	t := &csvTable{}
	t.w = newCSV(&t.buf)
	return t
}

func (t *csvTable) write(vals []string) error { return t.w.Write(vals) }

func (t *csvTable) bytes() (*bytes.Buffer, error) { return &t.buf, t.w.Flush() }

func (t *csvTable) close() {}

// newTable starts a file of the format ("csv" or "xlsx") with the given columns.
func newTable(ctx context.Context, format string, cols []string) (table, error) {
	if format == "csv" {
		return newCSVTable(), nil
	}
	return newSheet(ctx, cols)
}

// sendTable answers with the file, named.
func sendTable(w http.ResponseWriter, format string, buf *bytes.Buffer, ascii, full string) {
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	w.Header().Set("Content-Disposition", attachmentNamed(ascii+"."+format, full+"."+format))
	_, _ = buf.WriteTo(w)
}

// attachmentNamed names a download twice: in ASCII for every client (filename), and in full, in UTF-8,
// for those that read RFC 6266's filename* (every current browser).
func attachmentNamed(ascii, full string) string {
	var b strings.Builder
	for i := 0; i < len(full); i++ {
		c := full[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + b.String()
}

// asciiName keeps what is safe in a file name of every system: lower-case Latin letters, digits, dashes.
func asciiName(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		for _, r := range strings.ToLower(p) {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
				b.WriteRune(r)
			} else {
				b.WriteByte('-')
			}
		}
	}
	return b.String()
}

// fileNames are the two names of a file of candidates: what it is (what, a catalogue key, and its ASCII
// form), the election, the scope it covers (a county asked for in county, the governor's county, or the
// HQ's province) and today's Jalali date, as in candidates-councils-7-marvdasht-1405-09-09; and the same
// in the reader's language and calendar.
func (s *Server) fileNames(ctx context.Context, what, whatASCII string, e store.Election, county string) (string, string, error) {
	p := auth.FromContext(ctx)
	cs, err := s.store.Counties(ctx, p.Scope)
	if err != nil {
		return "", "", err
	}
	var code, fa, en string
	for _, c := range cs {
		if c.Code == county || county == "" && p.Scope.CountyID != 0 {
			code, fa, en = c.Code, c.NameFa, c.NameEn
			break
		}
	}
	if code == "" && len(cs) > 0 {
		code, fa, en = cs[0].ProvinceCode, cs[0].ProvinceFa, cs[0].ProvinceEn
	}
	today := persian.FromTime(s.now().In(i18n.Tehran))
	date := fmt.Sprintf("%04d-%02d-%02d", today.Year, today.Month, today.Day)
	ascii := asciiName(whatASCII, e.Code, code, date)
	// In the reader's language, the day is in the reader's calendar, with dashes: no file name holds a slash.
	full := strings.Join([]string{i18n.T(ctx, what), i18n.Pick(ctx, e.TitleFa, e.TitleEn), i18n.Pick(ctx, fa, en),
		strings.ReplaceAll(i18n.Date(ctx, s.now()), "/", "-")}, " - ")
	return ascii, full, nil
}

// candidateExport writes what the list shows, with the same filters, as CSV or XLSX, for people or for
// the import. The files carry national IDs, birth dates and phones of everyone in scope, so only the roles
// that register candidates get them.
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
		headings, row, what, whatASCII := peopleHeadings(ctx, candidateColumns), func(c store.Candidate) []string { return peopleRow(ctx, c) },
			"candidates.file_name", "candidates"
		if importFormat(r) {
			headings, row, what, whatASCII = candidateColumns, exportRow, "candidates.file_name_import", "candidates-for-import"
		}
		t, err := newTable(ctx, format, candidateColumns)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		defer t.close()
		err = t.write(headings)
		if err == nil {
			err = s.store.EachCandidate(ctx, p.Scope, e.ID, f, func(c store.Candidate) error { return t.write(row(c)) })
		}
		var buf *bytes.Buffer
		if err == nil {
			buf, err = t.bytes()
		}
		ascii, full, nerr := s.fileNames(ctx, what, whatASCII, e, f.County)
		if err == nil {
			err = nerr
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		sendTable(w, format, buf, ascii, full)
	}
}

// templateColumns are the columns of the import's template: the import's, without the status, which a
// registration does not set.
var templateColumns = candidateColumns[:len(candidateColumns)-1]

// candidateImportTemplate gives a file to fill in for the import, as CSV or XLSX: the import's column
// names and one example row, written as the reader would write it (labels, the reader's calendar; the
// import reads them). Its national ID is ten zeros, which the import refuses: the example cannot be
// imported by mistake.
func (s *Server) candidateImportTemplate(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		if !p.Can(auth.RegisterCandidates) {
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
		ks, err := s.store.Constituencies(ctx, p.Scope)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		constituency := ""
		if len(ks) > 0 {
			constituency = candidates.ConstituencyLabel(ctx, ks[0])
		}
		certificate := s.now().In(i18n.Tehran).AddDate(0, 0, -10)
		example := map[string]string{
			"full_name": i18n.T(ctx, "candidates.example_name"), "father_name": i18n.T(ctx, "candidates.example_father"),
			"national_id": "0000000000", "gender": i18n.T(ctx, "gender.female"),
			"birth_date": i18n.Day(ctx, time.Date(1991, 8, 3, 0, 0, 0, 0, time.UTC)), // 1370/05/12
			"education":  i18n.T(ctx, "education.bachelor"), "occupation": i18n.T(ctx, "candidates.example_occupation"),
			"constituency": constituency, "phone": "09171234567", "veteran": i18n.T(ctx, "audit.no"),
			"listed_post": i18n.T(ctx, "audit.no"), "certificate_date": i18n.Date(ctx, certificate),
		}
		row := make([]string, len(templateColumns))
		for i, c := range templateColumns {
			row[i] = example[c]
		}
		t, err := newTable(ctx, format, templateColumns)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		defer t.close()
		err = t.write(templateColumns)
		if err == nil {
			err = t.write(row)
		}
		var buf *bytes.Buffer
		if err == nil {
			buf, err = t.bytes()
		}
		ascii, full, nerr := s.fileNames(ctx, "candidates.file_name_template", "candidates-template", e, "")
		if err == nil {
			err = nerr
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		sendTable(w, format, buf, ascii, full)
	}
}
