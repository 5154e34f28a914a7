package composition

import (
	"context"
	"errors"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/boardrules"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

// PoolColumns are the columns of a pool file, named as the pool form's fields.
var PoolColumns = []string{"full_name", "father_name", "national_id", "phone"}

// FileRow is a non-blank data row of a file: its row number in the file, its cells by column, and the
// columns whose cell was not UTF-8.
type FileRow struct {
	Line    int
	Values  map[string]string
	NotUTF8 []string
}

// File is an uploaded file: its name and hash for the audit log, and its rows, which Rows gives to yield
// one by one in the file's order, stopping at yield's first error.
type File struct {
	Name   string
	SHA256 string
	Rows   func(yield func(FileRow) error) error
}

// importBatchRows is how many rows of a file are looked up among the candidates and kept at once.
const importBatchRows = 1000

// PreviewPoolImport checks every row of a file as the pool form checks an entry, and more that only a
// file can get wrong: a national ID twice in the file, and rows beyond the room left in the pool (the
// first rows that pass take it, in the file's order). The rows are kept, ready or rejected with all their
// problems, for the uploader to confirm (ConfirmPoolImport); what goes wrong reading the file ends the
// preview with that error, keeping nothing.
func (s *Service) PreviewPoolImport(ctx context.Context, a audit.Actor, sc auth.Scope, d store.BoardDetail, f File) (store.PoolImport, error) {
	return s.st.SavePoolImport(ctx, a, sc, d.ID, f.Name, f.SHA256, func(out *store.PoolImportRows) error {
		b := &poolBatch{ctx: ctx, d: d, out: out, seen: map[string]int{}, inPool: map[string]bool{},
			room: d.Rule.PoolSize - len(d.Pool)}
		for _, p := range d.Pool {
			b.inPool[p.NationalID] = true
		}
		if err := f.Rows(b.add); err != nil {
			return err
		}
		return b.flush()
	})
}

// poolBatch checks the rows of a file as they are read. A row that passes the checks of its own is kept
// pending until its batch is looked up among the election's candidates; then, in the file's order, it is
// ready while the pool has room.
type poolBatch struct {
	ctx      context.Context
	d        store.BoardDetail
	out      *store.PoolImportRows
	seen     map[string]int // national ID → the line that had it first
	inPool   map[string]bool
	room     int // places left in the pool for the rows still to come
	pending  []pendingRow
	rejected []store.ImportRow
	ready    []store.PoolImportRow
}

type pendingRow struct {
	line   int
	entry  boardrules.Member
	values map[string]string
}

func (b *poolBatch) add(row FileRow) error {
	typed := boardrules.Member{FullName: row.Values["full_name"], FatherName: row.Values["father_name"],
		NationalID: row.Values["national_id"], Phone: row.Values["phone"]}
	m, p := checkPoolEntry(typed)
	if !p.has("national_id") {
		switch first, dup := b.seen[m.NationalID]; {
		case dup:
			p["national_id"] = i18n.M("err.import_duplicate_line", i18n.ArgNum("line", first))
		case b.inPool[m.NationalID]:
			p["national_id"] = i18n.M("err.national_id_in_pool")
		}
		if _, dup := b.seen[m.NationalID]; !dup {
			b.seen[m.NationalID] = row.Line
		}
	}
	for _, col := range row.NotUTF8 {
		p[col] = i18n.M("err.import_encoding")
	}
	if len(p) == 0 {
		b.pending = append(b.pending, pendingRow{line: row.Line, entry: m, values: row.Values})
	} else {
		b.rejected = append(b.rejected, reject(row.Line, row.Values, p))
	}
	if len(b.pending)+len(b.rejected) < importBatchRows {
		return nil
	}
	return b.flush()
}

// flush looks the pending rows up among the candidates, gives the pool's room to those that pass, and
// keeps the batch.
func (b *poolBatch) flush() error {
	if len(b.pending)+len(b.rejected) == 0 {
		return nil
	}
	ids := make([]string, len(b.pending))
	for i, r := range b.pending {
		ids[i] = r.entry.NationalID
	}
	candidates, err := b.out.Candidates(b.ctx, ids)
	if err != nil {
		return err
	}
	for _, r := range b.pending {
		if ce, ok := candidates[r.entry.NationalID]; ok {
			b.rejected = append(b.rejected, reject(r.line, r.values, Problems{"national_id": isCandidate(&ce)}))
			continue
		}
		if b.room <= 0 {
			b.rejected = append(b.rejected, reject(r.line, r.values, Problems{"": i18n.M("err.pool_over_size",
				i18n.ArgNum("size", b.d.Rule.PoolSize))}))
			continue
		}
		b.room--
		b.ready = append(b.ready, store.PoolImportRow{Line: r.line, Member: r.entry})
	}
	if err := b.out.Add(b.ctx, b.ready, b.rejected); err != nil {
		return err
	}
	b.pending, b.rejected, b.ready = b.pending[:0], b.rejected[:0], b.ready[:0]
	return nil
}

func (p Problems) has(field string) bool { return !p[field].IsZero() }

// reject is a refused row with its problems: the row's own first, then the columns' in the file's order.
func reject(line int, values map[string]string, p Problems) store.ImportRow {
	r := store.ImportRow{Line: line, Values: values}
	for _, col := range append([]string{""}, PoolColumns...) {
		if p.has(col) {
			r.Problems = append(r.Problems, store.ImportProblem{Field: col, Msg: p[col]})
		}
	}
	return r
}

// ConfirmPoolImport adds every ready row of one of the user's previews to board d's pool, or none. What
// refuses the whole file is given as the problem of the file (""): nothing ready, already imported, rows
// that entered the pool or became candidates since the preview (their lines named), a pool without room
// for them all. Other errors (store.ErrNotFound, store.ErrBoardLocked) are the caller's.
func (s *Service) ConfirmPoolImport(ctx context.Context, a audit.Actor, sc auth.Scope, d store.BoardDetail, imp store.PoolImport) (int, Problems, error) {
	if imp.Ready == 0 {
		return 0, Problems{"": i18n.M("err.pool_import_empty")}, nil
	}
	n, err := s.st.ConfirmPoolImport(ctx, a, sc, d.ID, imp.ID)
	var stale *store.StaleImportError
	switch {
	case errors.Is(err, store.ErrImported):
		return 0, Problems{"": i18n.M("err.import_imported")}, nil
	case errors.Is(err, store.ErrPoolFull):
		return 0, Problems{"": poolFull(d)}, nil
	case errors.As(err, &stale):
		return 0, Problems{"": i18n.M("err.pool_import_stale", i18n.ArgNum("count", len(stale.Lines)), i18n.ArgNum("line", stale.Lines[0]))}, nil
	}
	return n, nil, err
}
