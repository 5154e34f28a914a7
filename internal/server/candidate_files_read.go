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
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
)

// upload is an uploaded file, spooled to a temporary file. Its rows are read from there once it has
// arrived whole, so that the transaction that keeps them never waits on a slow browser.
type upload struct {
	name   string // as the browser sent it, cleaned for display
	sha256 string // hex, of the bytes as uploaded
	file   *os.File
	xlsx   bool
	cols   importColumns
}

// importColumns are the columns an import reads: each heading a file may give a column, as
// persian.Normalize writes it, to the field the column fills. Every import (candidates, cities) reads its
// file with the same bounded reader and names its own columns.
type importColumns map[string]string

// columnsNamed are columns headed by their fields' names («full_name»), and by the other headings given
// in pairs (heading, field), such as a Persian heading.
func columnsNamed(fields []string, headings ...string) importColumns {
	cols := importColumns{}
	for _, f := range fields {
		cols[persian.Normalize(f)] = f
	}
	for i := 0; i+1 < len(headings); i += 2 {
		cols[persian.Normalize(headings[i])] = headings[i+1]
	}
	return cols
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
// record is refused before the rest of it is read, and before any row is checked, and UTF-16 text is
// refused by its first KiB; an XLSX, whose zip directory is at its end, is checked when its rows are read
// (checkXLSX), which takes memory and so waits for an import slot as reading does. The file's header must
// name one of cols. The caller closes the upload.
func spoolUpload(part *multipart.Part, cols importColumns) (*upload, error) {
	tmp, err := os.CreateTemp("", "setad-import-*")
	if err != nil {
		return nil, err
	}
	u := &upload{name: displayName(part.FileName()), file: tmp, cols: cols}
	h := sha256.New()
	spool := &errWriter{w: tmp}
	br := bufio.NewReader(io.TeeReader(part, io.MultiWriter(h, spool)))
	head, _ := br.Peek(1024)
	u.xlsx = bytes.HasPrefix(head, []byte("PK\x03\x04"))
	switch {
	case u.xlsx:
		_, err = io.Copy(io.Discard, br)
	case utf16Text(head):
		err = problem(i18n.M("err.file_utf16"))
	default:
		err = eachImportRow(csvRows(br), cols, nil)
	}
	if spool.err != nil {
		return u, spool.err // the disk, not the file
	}
	if err != nil {
		return u, readProblem(err)
	}
	u.sha256 = hex.EncodeToString(h.Sum(nil))
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

// rows calls fn for each data row of a spooled upload, in order, within the limits. An XLSX is checked
// first (checkXLSX), before excelize opens it.
func (u *upload) rows(fn func(importLine) error) error {
	if _, err := u.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if !u.xlsx {
		return eachImportRow(csvRows(bufio.NewReader(u.file)), u.cols, fn)
	}
	info, err := u.file.Stat()
	if err != nil {
		return err
	}
	if err := checkXLSX(u.file, info.Size()); err != nil {
		return err
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
	}, u.cols, fn)
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

// csvRows reads a CSV file's records. A carriage return not followed by a line feed (old Macintosh line
// endings, which encoding/csv keeps as text) ends a line as a line feed would.
func csvRows(r *bufio.Reader) rowSource {
	lim := &tokenLimit{r: loneCR{r}}
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

// loneCR reads each carriage return that no line feed follows as a line feed.
type loneCR struct{ r *bufio.Reader }

func (c loneCR) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := 0; i < n; i++ {
		j := bytes.IndexByte(p[i:n], '\r')
		if j < 0 {
			break
		}
		i += j
		if i+1 < n {
			if p[i+1] != '\n' {
				p[i] = '\n'
			}
			continue
		}
		if next, _ := c.r.Peek(1); len(next) == 0 || next[0] != '\n' { // the last byte read: look at the next
			p[i] = '\n'
		}
	}
	return n, err
}

// utf16Text reports whether the start of a file is UTF-16 text, which spreadsheet programs write as
// "Unicode text": by its byte-order mark, or by NUL bytes in more than a quarter of the even or of the odd
// places and hardly any in the others, as the ASCII of the header row gives them. Stray NUL bytes in
// UTF-8 text are far fewer, and a binary file (an .xls) has them in both.
func utf16Text(head []byte) bool {
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return true
	}
	var nul [2]int
	for i, b := range head {
		if b == 0 {
			nul[i%2]++
		}
	}
	half := len(head) / 2
	return 4*nul[0] > half && 16*nul[1] < half || 4*nul[1] > half && 16*nul[0] < half
}

// checkXLSX refuses a zip before excelize opens it when it has more than maxXLSXParts parts; when, by the
// sizes its directory declares (archive/zip refuses to unpack more than that), it unpacks to more than
// maxXLSXUnpacked or excelize would hold more than maxXLSXHeld of it in memory; and when one of its parts
// would make an XML decoder hold much at once, or the parts held in memory hold more than maxXLSXElements
// elements or maxXLSXAttrs attributes, or the shared strings are more than maxXLSXStrings (see scanXML).
// Every part is scanned, whatever its name: a relationship can make any part the workbook or a sheet, and
// excelize streams a part as a sheet by its name alone.
func checkXLSX(r io.ReaderAt, size int64) error {
	// archive/zip reads the whole directory into memory: the directory headers are counted first, by
	// their signature, which every one of them begins with.
	if n, err := countDirectoryHeaders(r, size); err != nil {
		return err
	} else if n > maxXLSXParts {
		return problem(i18n.M("err.file_too_many_parts", i18n.ArgNum("parts", maxXLSXParts)))
	}
	z, err := zip.NewReader(r, size)
	if err != nil || len(z.File) > maxXLSXParts {
		return unreadable()
	}
	var total, held uint64
	for _, f := range z.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > maxXLSXUnpacked || total > maxXLSXUnpacked {
			return problem(i18n.M("err.file_unpacked_too_big", i18n.ArgNum("mb", maxXLSXUnpacked>>20)))
		}
		if !streamedPart(f) {
			held += f.UncompressedSize64
		}
		if held > maxXLSXHeld {
			return problem(i18n.M("err.file_held_too_big", i18n.ArgNum("mb", maxXLSXHeld>>20)))
		}
	}
	left := xmlShape{elements: maxXLSXElements, attrs: maxXLSXAttrs} // to the parts held in memory
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			return unreadable()
		}
		budget := &left
		if streamedPart(f) {
			budget = nil
		}
		shape, err := scanXML(rc, budget)
		rc.Close()
		if err != nil {
			return err
		}
		if shape.strings > maxXLSXStrings {
			return problem(i18n.M("err.file_too_many_strings", i18n.ArgNum("strings", maxXLSXStrings)))
		}
		if budget != nil {
			left.elements -= shape.elements
			left.attrs -= shape.attrs
		}
	}
	return nil
}

// zipDirectoryHeader begins each entry of a zip's central directory.
var zipDirectoryHeader = []byte("PK\x01\x02")

// countDirectoryHeaders counts the zip directory's header signatures in a file: archive/zip reads no
// more entries than that. A compressed part may hold the four bytes by chance, which only counts one more.
func countDirectoryHeaders(r io.ReaderAt, size int64) (int, error) {
	buf := make([]byte, 64<<10)
	keep := len(zipDirectoryHeader) - 1 // a signature split between two reads is found in the next
	n, carried := 0, 0
	for off := int64(0); off < size; {
		read, err := r.ReadAt(buf[carried:], off)
		if read == 0 && err != nil {
			return 0, err
		}
		off += int64(read)
		data := buf[:carried+read]
		n += bytes.Count(data, zipDirectoryHeader)
		carried = copy(buf, data[max(0, len(data)-keep):])
	}
	return n, nil
}

// streamedPart reports the parts excelize unpacks to a temporary file and streams: the worksheets and the
// shared strings larger than xlsxInMemory. It holds every other part in memory.
func streamedPart(f *zip.File) bool {
	name := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
	return f.UncompressedSize64 > xlsxInMemory && (strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml")
}

// xmlShape is what scanXML counts in a part.
type xmlShape struct {
	elements int // start tags
	attrs    int // their attributes, namespace declarations included
	strings  int // shared-string items (si elements)
}

// scanXML reads a part token by token, holding one bounded token at a time, and refuses what would make
// excelize hold much at once: a text or tag longer than maxXLSXToken (a cell's text is at most
// maxImportCellChars characters), a tag of more than maxXLSXTagAttrs attributes, elements nested deeper
// than maxXLSXDepth (excelize's decoder keeps the namespace declarations of every open element, so
// together they bound what it keeps), and what excelize decodes whole: a cell or shared string over
// maxXLSXCellBytes; a row of more than maxXLSXRowCells cells or over maxXLSXRowBytes, a row being, as
// excelize reads one, what runs from its start tag to the next row's or to the end of the sheet's data. A
// part held in memory, which excelize may decode whole, may hold at most the elements and attributes
// left in budget (nil for no limit). A part that is not XML (an image, printer settings) is read up to its first syntax
// error, or its first end tag that does not close the open element, where excelize's decoder, as strict as
// this one, would stop too were it given that part. It returns the counts of the part.
//
// The tokens are read raw: encoding/xml's Token keeps every namespace declaration of the open elements,
// which are not elements, and would hold them before they could be counted. The open elements' names are
// kept here instead, at most maxXLSXDepth of them, to find where the nesting breaks.
func scanXML(r io.Reader, budget *xmlShape) (xmlShape, error) {
	lim := &tokenLimit{r: r}
	d := xml.NewDecoder(lim)
	var shape xmlShape
	open := make([]xml.Name, 0, maxXLSXDepth)
	row, cells := 0, 0                          // the row being read (its number) and its cells so far
	rowStart, itemStart := int64(-1), int64(-1) // where that row, and the open cell or string item, began
	itemDepth := 0
	for {
		start := d.InputOffset()
		lim.limit = start + maxXLSXToken
		tok, err := d.RawToken()
		var syntax *xml.SyntaxError
		switch {
		case errors.Is(err, io.EOF), errors.As(err, &syntax):
			return shape, nil
		case err != nil:
			return shape, readProblem(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(t.Attr) > maxXLSXTagAttrs {
				return shape, problem(i18n.M("err.file_too_intricate"))
			}
			shape.elements++
			shape.attrs += len(t.Attr)
			if budget != nil && (shape.elements > budget.elements || shape.attrs > budget.attrs) {
				return shape, problem(i18n.M("err.file_too_intricate"))
			}
			if len(open) == maxXLSXDepth {
				return shape, unreadable()
			}
			open = append(open, t.Name)
			switch t.Name.Local {
			case "row":
				rowStart, cells, row = start, 0, rowNumber(t, row)
			case "c", "si":
				if t.Name.Local == "si" {
					shape.strings++
				} else if cells++; rowStart >= 0 && cells > maxXLSXRowCells {
					return shape, rowTooBig(row)
				}
				if itemStart < 0 {
					itemStart, itemDepth = start, len(open)
				}
			}
		case xml.EndElement:
			if len(open) == 0 || open[len(open)-1] != t.Name {
				return shape, nil // a syntax error to a decoder that matches them
			}
			if len(open) == itemDepth {
				itemStart, itemDepth = -1, 0
			}
			if t.Name.Local == "sheetData" {
				rowStart = -1
			}
			open = open[:len(open)-1]
		}
		end := d.InputOffset()
		if itemStart >= 0 && end-itemStart > maxXLSXCellBytes || rowStart >= 0 && end-rowStart > maxXLSXRowBytes {
			return shape, rowTooBig(row)
		}
	}
}

// rowNumber is a row's number as excelize counts it: its r attribute, or the one after the row before.
func rowNumber(t xml.StartElement, before int) int {
	for _, a := range t.Attr {
		if a.Name.Local == "r" {
			if n, err := strconv.Atoi(a.Value); err == nil && n != 0 {
				return n
			}
		}
	}
	return before + 1
}

func rowTooBig(row int) error {
	return problem(i18n.M("err.file_row_too_big", i18n.ArgNum("row", row), i18n.ArgNum("columns", maxImportColumns),
		i18n.ArgNum("chars", maxImportCellChars)))
}

// eachImportRow reads rows up to the limits: the first non-blank row is the header, which names the
// columns; then every non-blank row, cleaned, by field, goes to fn (if any). Every row read counts
// towards the limit, blank ones too, since each costs reading it: a file of blank rows is refused at
// maxImportRows + 1 like any other. Columns that are not among wanted are ignored. A file without a header,
// or without a row under it, is refused. An error of fn ends the reading and is returned as it is.
func eachImportRow(next rowSource, wanted importColumns, fn func(importLine) error) error {
	var cols map[string]int // a form field → its cell's index
	read, rows := 0, 0
	for {
		cells, line, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return readProblem(err)
		}
		if read++; read > maxImportRows+1 { // the header and maxImportRows more
			return problem(i18n.M("err.file_too_many", i18n.ArgNum("rows", maxImportRows)))
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
			if cols = header(cells, wanted); len(cols) == 0 {
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
	if rows == 0 {
		return problem(i18n.M("err.file_no_rows"))
	}
	return nil
}

// header maps the wanted fields to the index of the header cell that names them (the first, if two do).
func header(cells []string, wanted importColumns) map[string]int {
	cols := map[string]int{}
	for i, c := range cells {
		heading, _ := cleanText(c)
		name, ok := wanted[persian.Normalize(heading)]
		if _, dup := cols[name]; ok && !dup {
			cols[name] = i
		}
	}
	return cols
}

// cleanText makes text from a file fit to store and show: bytes that are not UTF-8 become U+FFFD (and ok
// is false); tabs and line breaks become spaces, every field being one line; NUL and the other control
// characters, which PostgreSQL refuses or a printed list would hide, and the bidirectional controls,
// which could make a name read otherwise than it is stored, are removed, as are the invisible marks.
func cleanText(v string) (string, bool) {
	ok := utf8.ValidString(v)
	if !ok {
		v = strings.ToValidUTF8(v, "\uFFFD")
	}
	v = strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r) || bidiControl(r) || invisibleMark(r):
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
