package server

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/setad/setad/internal/i18n"
)

// upload is an uploaded file, spooled to a temporary file. Its rows are read from there once it has
// arrived whole, so that the transaction that keeps them never waits on a slow browser.
type upload struct {
	name   string // as the browser sent it, cleaned for display
	sha256 string // hex, of the bytes as uploaded
	file   *os.File
	xlsx   bool
}

// Close removes the temporary file.
func (u *upload) Close() {
	u.file.Close()
	os.Remove(u.file.Name())
}

// importLine is a non-blank data row: its row number in the file (the header's is 1, as a spreadsheet
// numbers them), its cells by column name, cleaned, and the columns whose cell was not UTF-8.
type importLine struct {
	line    int
	values  map[string]string
	notUTF8 []string
}

// fileProblem refuses a whole file, with the message for its field.
type fileProblem struct{ msg i18n.Msg }

func (p *fileProblem) Error() string { return "import: " + p.msg.Key }

func problem(msg i18n.Msg) error { return &fileProblem{msg: msg} }

func tooBig() error {
	return problem(i18n.M("err.file_too_big", i18n.ArgNum("mb", maxImportBytes>>20)))
}

func textTooLong() error {
	return problem(i18n.M("err.file_text_too_long", i18n.ArgNum("chars", maxImportCellChars)))
}

func unreadable() error { return problem(i18n.M("err.file_unreadable")) }

// readProblem names what went wrong while reading an upload: over the byte limit, a record or XML token
// over its bound, or not readable at all (a client that went away, a broken zip).
func readProblem(err error) error {
	var mb *http.MaxBytesError
	var fp *fileProblem
	switch {
	case errors.As(err, &fp):
		return err
	case errors.As(err, &mb):
		return tooBig()
	case errors.Is(err, errTokenTooLong):
		return textTooLong()
	}
	return unreadable()
}

// spoolUpload reads the file of an import as it arrives into a temporary file, hashing its bytes. A CSV
// is also read row by row on the way, within the limits, so that a file with too many rows or too long a
// record is refused before the rest of it is read, and before any row is checked; an XLSX, whose zip
// directory is at its end, is checked once it is whole (checkXLSX). The caller closes the upload.
func spoolUpload(part *multipart.Part) (*upload, error) {
	tmp, err := os.CreateTemp("", "setad-import-*")
	if err != nil {
		return nil, err
	}
	u := &upload{name: displayName(part.FileName()), file: tmp}
	h := sha256.New()
	spool := &errWriter{w: tmp}
	br := bufio.NewReader(io.TeeReader(part, io.MultiWriter(h, spool)))
	magic, _ := br.Peek(4)
	u.xlsx = bytes.Equal(magic, []byte("PK\x03\x04"))
	if u.xlsx {
		_, err = io.Copy(io.Discard, br)
	} else {
		err = eachImportRow(csvRows(br), nil)
	}
	if spool.err != nil {
		return u, spool.err // the disk, not the file
	}
	if err != nil {
		return u, readProblem(err)
	}
	u.sha256 = hex.EncodeToString(h.Sum(nil))
	if u.xlsx {
		size, err := tmp.Seek(0, io.SeekEnd)
		if err != nil {
			return u, err
		}
		return u, checkXLSX(tmp, size)
	}
	return u, nil
}

// errWriter keeps the first error of its writer, so that a full disk is not taken for a broken upload.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// rows calls fn for each data row of a spooled upload, in order, within the limits.
func (u *upload) rows(fn func(importLine) error) error {
	if _, err := u.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if !u.xlsx {
		return eachImportRow(csvRows(bufio.NewReader(u.file)), fn)
	}
	x, err := excelize.OpenFile(u.file.Name(), excelize.Options{UnzipSizeLimit: maxXLSXUnpacked, UnzipXMLSizeLimit: xlsxInMemory})
	if err != nil {
		return unreadable()
	}
	defer x.Close()
	rows, err := x.Rows(x.GetSheetName(0))
	if err != nil {
		return unreadable()
	}
	defer rows.Close()
	line := 0
	return eachImportRow(func() ([]string, int, error) {
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, 0, err
			}
			return nil, 0, io.EOF
		}
		line++ // Next steps over missing rows one by one, so this is the sheet's row number
		cells, err := rows.Columns()
		return cells, line, err
	}, fn)
}

// rowSource gives a file's rows in order with their row numbers, and io.EOF after the last.
type rowSource func() (cells []string, line int, err error)

var errTokenTooLong = errors.New("import: a record or XML token is too long")

// tokenLimit lets a tokenizer (encoding/csv, encoding/xml), which holds a whole record or token in memory,
// read only so far past the end of the last one: the caller moves limit on after each.
type tokenLimit struct {
	r           io.Reader
	read, limit int64
}

func (l *tokenLimit) Read(p []byte) (int, error) {
	if l.read >= l.limit {
		return 0, errTokenTooLong
	}
	p = p[:min(int64(len(p)), l.limit-l.read)]
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

func csvRows(r io.Reader) rowSource {
	lim := &tokenLimit{r: r}
	cr := csv.NewReader(lim)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return func() ([]string, int, error) {
		lim.limit = cr.InputOffset() + maxImportRecordBytes
		rec, err := cr.Read()
		if err != nil {
			return nil, 0, err
		}
		line, _ := cr.FieldPos(0)
		return rec, line, nil
	}
}

// checkXLSX refuses a zip before excelize opens it when, by the sizes its directory declares (archive/zip
// refuses to unpack more than that), it unpacks to more than maxXLSXUnpacked or excelize would hold more
// than maxXLSXHeld of it in memory; and when one of its XML parts would make an XML decoder hold much at
// once (see scanXML).
func checkXLSX(r io.ReaderAt, size int64) error {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return unreadable()
	}
	tooBig := problem(i18n.M("err.file_unpacked_too_big", i18n.ArgNum("mb", maxXLSXUnpacked>>20)))
	var total, held uint64
	for _, f := range z.File {
		n := f.UncompressedSize64
		total += n
		if streamed(f.Name) && n > xlsxInMemory {
			n = 0 // unpacked to a temporary file and read from there
		}
		held += n
		if f.UncompressedSize64 > maxXLSXUnpacked || total > maxXLSXUnpacked || held > maxXLSXHeld {
			return tooBig
		}
	}
	for _, f := range z.File {
		if ext := path.Ext(strings.ToLower(f.Name)); ext != ".xml" && ext != ".rels" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return unreadable()
		}
		strs, err := scanXML(rc)
		rc.Close()
		if err != nil {
			return err
		}
		if strs > maxXLSXStrings {
			return tooBig
		}
	}
	return nil
}

// streamed reports the parts excelize unpacks to a temporary file when they are larger than
// xlsxInMemory: the worksheets and the shared strings.
func streamed(name string) bool {
	name = strings.ToLower(strings.ReplaceAll(name, `\`, "/"))
	return strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml"
}

// scanXML reads an XML part with the standard tokenizer, holding one bounded token at a time, and
// refuses what would make a decoder hold much at once: a text or tag longer than maxXLSXToken (a cell's
// text is at most maxImportCellChars characters), elements nested deeper than maxXLSXDepth. It returns
// the number of shared-string items (si elements) in the part.
func scanXML(r io.Reader) (int, error) {
	lim := &tokenLimit{r: r}
	d := xml.NewDecoder(lim)
	depth, strs := 0, 0
	for {
		lim.limit = d.InputOffset() + maxXLSXToken
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return strs, nil
		}
		if err != nil {
			return 0, readProblem(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxXLSXDepth {
				return 0, unreadable()
			}
			if t.Name.Local == "si" {
				strs++
			}
		case xml.EndElement:
			depth--
		}
	}
}

// eachImportRow reads rows up to the limits: the first non-blank row is the header, which names the
// columns; then every non-blank row up to maxImportRows, cleaned, by column name, goes to fn (if any).
// Columns the form does not have are ignored. An error of fn ends the reading and is returned as it is.
func eachImportRow(next rowSource, fn func(importLine) error) error {
	var cols map[string]int // a form field → its cell's index
	rows := 0
	for {
		cells, line, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return readProblem(err)
		}
		if len(cells) > maxImportColumns {
			return problem(i18n.M("err.file_too_wide", i18n.ArgNum("row", line), i18n.ArgNum("columns", maxImportColumns)))
		}
		for _, c := range cells {
			if len(c) > maxImportCellChars && utf8.RuneCountInString(c) > maxImportCellChars {
				return problem(i18n.M("err.file_cell_too_long", i18n.ArgNum("row", line), i18n.ArgNum("chars", maxImportCellChars)))
			}
		}
		if cols == nil {
			if cols = header(cells); len(cols) == 0 {
				if strings.TrimSpace(strings.Join(cells, "")) != "" {
					return unreadable()
				}
				cols = nil // a blank line before the header
			}
			continue
		}
		row := importLine{line: line, values: make(map[string]string, len(cols))}
		blank := true
		for name, i := range cols {
			if i >= len(cells) {
				continue
			}
			v, ok := importCell(cells[i])
			if !ok {
				row.notUTF8 = append(row.notUTF8, name)
			}
			row.values[name] = v
			blank = blank && v == ""
		}
		if blank {
			continue
		}
		if rows == maxImportRows {
			return problem(i18n.M("err.file_too_many", i18n.ArgNum("rows", maxImportRows)))
		}
		rows++
		if fn != nil {
			if err := fn(row); err != nil {
				return err
			}
		}
	}
	if cols == nil {
		return unreadable()
	}
	return nil
}

// header maps the form's fields to the index of the header cell that names them (the first, if two do).
func header(cells []string) map[string]int {
	cols := map[string]int{}
	for i, c := range cells {
		name, _ := cleanText(c)
		name = strings.ToLower(name)
		if _, dup := cols[name]; !dup && slices.Contains(candidateColumns, name) {
			cols[name] = i
		}
	}
	return cols
}

// cleanText makes text from a file fit to store and show: bytes that are not UTF-8 become U+FFFD (and ok
// is false); tabs and line breaks become spaces, every field being one line; NUL and the other control
// characters, which PostgreSQL refuses or a printed list would hide, and the bidirectional controls,
// which could make a name read otherwise than it is stored, are removed, as is a byte-order mark.
func cleanText(v string) (string, bool) {
	ok := utf8.ValidString(v)
	if !ok {
		v = strings.ToValidUTF8(v, "\uFFFD")
	}
	v = strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r) || bidiControl(r) || r == '\uFEFF':
			return -1
		}
		return r
	}, v)
	return strings.TrimSpace(v), ok
}

// importCell cleans one cell and removes the apostrophe that csvCell puts before a cell a spreadsheet
// would read as a formula, so that an exported file imports back unchanged. A cell that is not UTF-8
// (a file saved in another encoding) is reported, so that its row is refused on that field rather than
// stored with guessed letters.
func importCell(v string) (string, bool) {
	if rest, ok := strings.CutPrefix(v, "'"); ok && csvCell(rest) != rest {
		v = rest
	}
	return cleanText(v)
}

// displayName is an uploaded file's name as the preview and the audit log show it: browsers send the
// bytes of the user's system, whatever they are.
func displayName(raw string) string {
	v, _ := cleanText(raw)
	if utf8.RuneCountInString(v) > maxImportNameChars {
		v = string([]rune(v)[:maxImportNameChars-1]) + "…"
	}
	if v == "" {
		v = "—"
	}
	return v
}
