package registration

import (
	"context"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/nationalid"
	"github.com/setad/setad/internal/store"
)

// Row is one non-blank data row of a file: its row number in the file (the header's is 1, as a
// spreadsheet numbers them), its cells by field name, and the fields whose cell was not UTF-8.
type Row struct {
	Line    int
	Values  map[string]string
	NotUTF8 []string
}

// Preview checks the rows of a file, which each calls fn with in order, as the form checks a registration
// (duplicates inside the file included), and keeps them as a preview of the file to confirm. A file
// carries no judgement: a problem HQ could override refuses its row. An error of each (a file refused
// half-way) is returned as it is, and nothing of the file is kept.
func (s *Service) Preview(ctx context.Context, a audit.Actor, c *Checker, provinceID int64, fileName, sha256 string,
	each func(fn func(Row) error) error) (store.CandidateImport, error) {
	return s.st.SaveImport(ctx, a, provinceID, c.Election.ID, fileName, sha256, func(rows *store.ImportRows) error {
		b := &importBatch{ctx: ctx, c: c, out: rows, seen: map[string]int{}}
		if err := each(b.add); err != nil {
			return err
		}
		return b.flush()
	})
}

// importBatchRows is how many rows of a file are checked against the database and kept at once.
const importBatchRows = 1000

// importBatch checks the rows of a file as they are read and keeps them a batch at a time. Each row is
// checked whole, so that it reports all its problems at once: the national IDs of a batch are then
// looked up among the election's registrations and boards in two queries, whatever else is wrong with
// their rows, and the batch is written, its rows in the file's order.
type importBatch struct {
	ctx      context.Context
	c        *Checker
	out      *store.ImportRows
	seen     map[string]int // national ID → the line that had it first
	rows     []checkedRow
	ids      []string
	ready    []store.ReadyRow
	rejected []store.ImportRow
}

// checkedRow is a row of a batch, checked but for its national ID's clashes.
type checkedRow struct {
	line      int
	values    map[string]string
	candidate store.NewCandidate
	problems  Problems
}

func (b *importBatch) add(row Row) error {
	r := b.c.Check(Input(row.Values), Judgement{})
	ps := r.Problems
	if id := r.Candidate.NationalID; id != "" {
		if first, dup := b.seen[id]; dup {
			ps["national_id"] = i18n.M("err.import_duplicate_line", i18n.ArgNum("line", first))
		} else {
			b.seen[id] = row.Line
		}
	} else if _, err := nationalid.Parse(row.Values["national_id"]); err != nil {
		if _, said := ps["national_id"]; !said {
			ps["national_id"] = i18n.M("err.national_id")
		}
	}
	for _, name := range row.NotUTF8 {
		ps[name] = i18n.M("err.import_encoding")
	}
	b.rows = append(b.rows, checkedRow{line: row.Line, values: row.Values, candidate: r.Candidate, problems: ps})
	if len(b.rows) < importBatchRows {
		return nil
	}
	return b.flush()
}

// flush adds to each row of the batch whether its national ID is registered already or sits on a board,
// and writes the batch.
func (b *importBatch) flush() error {
	if len(b.rows) == 0 {
		return nil
	}
	b.ids = b.ids[:0]
	for _, r := range b.rows {
		if r.candidate.NationalID != "" {
			b.ids = append(b.ids, r.candidate.NationalID)
		}
	}
	dups, boards, err := b.out.Clashes(b.ctx, b.ids)
	if err != nil {
		return err
	}
	b.ready, b.rejected = b.ready[:0], b.rejected[:0]
	for _, r := range b.rows {
		id := r.candidate.NationalID
		if _, said := r.problems["national_id"]; !said && id != "" {
			if d, dup := dups[id]; dup {
				r.problems["national_id"] = duplicateMsg(d)
			} else if bs, on := boards[id]; on {
				r.problems["national_id"] = boardMsg(bs)
			}
		}
		if len(r.problems) == 0 {
			b.ready = append(b.ready, store.ReadyRow{Line: r.line, Candidate: r.candidate})
		} else {
			b.rejected = append(b.rejected, importRow(r.line, r.values, r.problems))
		}
	}
	if err := b.out.Add(b.ctx, b.ready, b.rejected); err != nil {
		return err
	}
	clear(b.rows) // what the next batch does not overwrite is not kept alive
	b.rows = b.rows[:0]
	return nil
}

// importRow is a rejected row with its problems in the form's order, the record's own first.
func importRow(line int, values map[string]string, ps Problems) store.ImportRow {
	ir := store.ImportRow{Line: line, Values: values}
	for _, field := range append([]string{""}, Fields...) {
		if msg, ok := ps[field]; ok {
			ir.Problems = append(ir.Problems, store.ImportProblem{Field: field, Msg: msg})
		}
	}
	return ir
}
