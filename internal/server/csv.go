package server

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode/utf8"
)

// csvWriter writes the CSV files the portal hands out. Every one goes through it, so that no cell can be
// read as a formula by the spreadsheet that opens it.
type csvWriter struct{ w *csv.Writer }

// newCSV starts a CSV file in UTF-8 with a byte-order mark, so that Excel reads Persian right.
func newCSV(w io.Writer) csvWriter {
	_, _ = io.WriteString(w, "\uFEFF")
	return csvWriter{w: csv.NewWriter(w)}
}

// Write writes one row, each cell through csvCell.
func (c csvWriter) Write(cells []string) error {
	safe := make([]string, len(cells))
	for i, v := range cells {
		safe[i] = csvCell(v)
	}
	return c.w.Write(safe)
}

// Flush writes what is buffered and returns the first error of any write.
func (c csvWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// formulaStarts are the first characters that make Excel, LibreOffice or Google Sheets read a cell as a
// formula (or, for tab and carriage return, hide one), with their full-width forms, which some of them
// fold to the ASCII ones.
const formulaStarts = "=+-@\t\r＝＋－＠"

// csvCell neutralises a cell that a spreadsheet would run as a formula, by OWASP's rule: a leading
// apostrophe, which spreadsheets take as "text" and do not display. It applies to legitimate data too (a
// phone written +98…, a name starting with a dash): telling those apart from an attack is guesswork, and
// importCell takes the apostrophe off again, so an exported file imports back unchanged (a cell that
// already starts with an apostrophe before such a character gets a second one for that reason). National
// IDs, dates and codes start with a digit or a letter and are left alone.
func csvCell(v string) string {
	if formulaLike(v) || strings.HasPrefix(v, "'") && formulaLike(v[1:]) {
		return "'" + v
	}
	return v
}

func formulaLike(v string) bool {
	r, _ := utf8.DecodeRuneInString(v)
	return v != "" && strings.ContainsRune(formulaStarts, r)
}
