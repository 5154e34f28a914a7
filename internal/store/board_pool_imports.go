package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/boardrules"
)

// PoolImport is a previewed file of pool entries for one board: what it was and how many of its rows are
// ready and rejected.
type PoolImport struct {
	ID         int64
	BoardID    int64
	UserID     int64
	FileName   string
	FileSHA256 string // hex
	Ready      int    // rows
	Rejected   int
	ImportedAt *time.Time
}

// PoolImportRow is a row of a file that passed every check: the pool entry it becomes.
type PoolImportRow struct {
	Line int
	boardrules.Member
}

// PoolImportRows takes the rows of a file being previewed, a batch at a time, inside SavePoolImport's
// transaction.
type PoolImportRows struct {
	tx              pgx.Tx
	id, electionID  int64
	ready, rejected int
}

// Candidates finds, among national IDs, those registered as candidates in the board's election, with the
// county they registered in, in one query whatever their number.
func (w *PoolImportRows) Candidates(ctx context.Context, ids []string) (map[string]CandidateError, error) {
	rows, err := w.tx.Query(ctx, `
		SELECT k.national_id, co.name_fa, co.name_en
		FROM unnest($2::text[]) AS i (national_id)
		JOIN candidates k ON k.election_id = $1 AND k.national_id = i.national_id
		JOIN counties co ON co.id = k.county_id`, w.electionID, ids)
	if err != nil {
		return nil, err
	}
	out := map[string]CandidateError{}
	var id string
	var e CandidateError
	_, err = pgx.ForEachRow(rows, []any{&id, &e.CountyFa, &e.CountyEn}, func() error { out[id] = e; return nil })
	return out, err
}

// Add keeps a batch of checked rows, each kind with one COPY.
func (w *PoolImportRows) Add(ctx context.Context, ready []PoolImportRow, rejected []ImportRow) error {
	if len(ready) > 0 {
		rows := make([][]any, len(ready))
		for i, r := range ready {
			rows[i] = []any{w.id, r.Line, r.FullName, r.FatherName, r.NationalID, r.Phone}
		}
		if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{"board_pool_import_rows"},
			[]string{"import_id", "line", "full_name", "father_name", "national_id", "phone"}, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
	}
	if len(rejected) > 0 {
		rows := make([][]any, len(rejected))
		for i, r := range rejected {
			problems := r.Problems
			if problems == nil {
				problems = []ImportProblem{}
			}
			rows[i] = []any{w.id, r.Line, r.Values, problems}
		}
		if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{"board_pool_import_rejects"},
			[]string{"import_id", "line", "cells", "problems"}, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
	}
	w.ready += len(ready)
	w.rejected += len(rejected)
	return nil
}

// SavePoolImport keeps a previewed file for a draft board in scope, named and with the SHA-256 of its
// bytes, until its uploader confirms it. fill gives its rows to the PoolImportRows as it reads them; if fill
// fails (a file refused half-way), nothing of the file is kept. A board that is not a draft takes no file
// (ErrBoardLocked).
func (s *Store) SavePoolImport(ctx context.Context, a audit.Actor, sc auth.Scope, boardID int64, fileName, sha256 string,
	fill func(*PoolImportRows) error) (PoolImport, error) {
	imp := PoolImport{BoardID: boardID, UserID: a.ID, FileName: fileName, FileSHA256: sha256}
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var electionID, provinceID int64
		var status string
		err := tx.QueryRow(ctx, `SELECT b.election_id, b.province_id, b.status FROM boards b WHERE`+boardScope(sc)+`AND b.id = $4`,
			sc.ProvinceID, sc.CountyID, sc.DistrictID, boardID).Scan(&electionID, &provinceID, &status)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if status != "draft" {
			return nil, ErrBoardLocked
		}
		if err := tx.QueryRow(ctx, `INSERT INTO board_pool_imports (board_id, user_id, file_name, file_sha256)
			VALUES ($1, $2, $3, $4) RETURNING id`, boardID, a.ID, fileName, sha256).Scan(&imp.ID); err != nil {
			return nil, err
		}
		w := &PoolImportRows{tx: tx, id: imp.ID, electionID: electionID}
		if err := fill(w); err != nil {
			return nil, err
		}
		imp.Ready, imp.Rejected = w.ready, w.rejected
		if _, err := tx.Exec(ctx, `UPDATE board_pool_imports SET ready_count = $2, rejected_count = $3 WHERE id = $1`,
			imp.ID, imp.Ready, imp.Rejected); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "board_pool.import_preview", Entity: "board", EntityID: strconv.FormatInt(boardID, 10),
			ProvinceID: provinceID, Detail: map[string]any{"file": fileName, "sha256": sha256, "ready": imp.Ready, "rejected": imp.Rejected}}}, nil
	})
	return imp, err
}

const poolImportSelect = `SELECT id, board_id, user_id, file_name, file_sha256, ready_count, rejected_count, imported_at
	FROM board_pool_imports WHERE id = $1 AND user_id = $2 AND board_id = $3`

// PoolImportByID returns one of the user's previewed files for a board, or ErrNotFound.
func (s *Store) PoolImportByID(ctx context.Context, userID, boardID, id int64) (PoolImport, error) {
	return poolImportByID(ctx, s.pool, poolImportSelect, userID, boardID, id)
}

func poolImportByID(ctx context.Context, q querier, sql string, userID, boardID, id int64) (PoolImport, error) {
	rows, err := q.Query(ctx, sql, id, userID, boardID)
	if err != nil {
		return PoolImport{}, err
	}
	imp, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[PoolImport])
	if errors.Is(err, pgx.ErrNoRows) {
		return imp, ErrNotFound
	}
	return imp, err
}

// PoolImportReady returns the ready rows of one of the user's previewed files, in the file's order, at most
// limit of them. They are never more than a pool holds.
func (s *Store) PoolImportReady(ctx context.Context, userID, id int64, limit int) ([]PoolImportRow, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT r.line, r.full_name, r.father_name, r.national_id, r.phone
		FROM board_pool_import_rows r JOIN board_pool_imports i ON i.id = r.import_id
		WHERE r.import_id = $1 AND i.user_id = $2 ORDER BY r.line LIMIT $3`, id, userID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (PoolImportRow, error) {
		var r PoolImportRow
		err := row.Scan(&r.Line, &r.FullName, &r.FatherName, &r.NationalID, &r.Phone)
		return r, err
	})
}

// PoolImportRejected returns rejected rows of one of the user's previewed files, in the file's order:
// limit rows from offset.
func (s *Store) PoolImportRejected(ctx context.Context, userID, id int64, offset, limit int) ([]ImportRow, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT j.line, j.cells, j.problems FROM board_pool_import_rejects j JOIN board_pool_imports i ON i.id = j.import_id
		WHERE j.import_id = $1 AND i.user_id = $2 ORDER BY j.line OFFSET $3 LIMIT $4`, id, userID, offset, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ImportRow, error) {
		var r ImportRow
		err := row.Scan(&r.Line, &r.Values, &r.Problems)
		return r, err
	})
}

// ConfirmPoolImport adds every ready row of a previewed file to its draft board's pool in one transaction,
// or none: rows that entered the pool or whose person registered as a candidate since the preview refuse
// the whole file (StaleImportError), as does a pool that no longer has room for them all (ErrPoolFull).
// The pool changed, so its approval is cleared; one audit row records the import.
func (s *Store) ConfirmPoolImport(ctx context.Context, a audit.Actor, sc auth.Scope, boardID, id int64) (int, error) {
	n := 0
	err := s.changeDraft(ctx, a, sc, boardID, func(tx pgx.Tx, d BoardDetail) (audit.Entry, error) {
		imp, err := poolImportByID(ctx, tx, poolImportSelect+` FOR UPDATE`, a.ID, boardID, id)
		if err != nil {
			return audit.Entry{}, err
		}
		if imp.ImportedAt != nil {
			return audit.Entry{}, ErrImported
		}
		// The election's registration lock, as for a single entry (notCandidate).
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('candidates:' || $1::bigint))`, d.ElectionID); err != nil {
			return audit.Entry{}, err
		}
		rows, err := tx.Query(ctx, `
			SELECT r.line FROM board_pool_import_rows r
			WHERE r.import_id = $1 AND (
			    EXISTS (SELECT 1 FROM board_pool p WHERE p.board_id = $2 AND p.national_id = r.national_id)
			    OR EXISTS (SELECT 1 FROM candidates k WHERE k.election_id = $3 AND k.national_id = r.national_id))
			ORDER BY r.line`, id, boardID, d.ElectionID)
		if err != nil {
			return audit.Entry{}, err
		}
		stale, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			return audit.Entry{}, err
		}
		if len(stale) > 0 {
			return audit.Entry{}, &StaleImportError{Lines: stale}
		}
		if len(d.Pool)+imp.Ready > d.Rule.PoolSize {
			return audit.Entry{}, ErrPoolFull
		}
		tag, err := tx.Exec(ctx, `INSERT INTO board_pool (board_id, full_name, father_name, national_id, phone)
			SELECT $2, full_name, father_name, national_id, phone FROM board_pool_import_rows WHERE import_id = $1 ORDER BY line`,
			id, boardID)
		if err != nil {
			return audit.Entry{}, err
		}
		n = int(tag.RowsAffected())
		if _, err := tx.Exec(ctx, `UPDATE board_pool_imports SET imported_at = now() WHERE id = $1`, id); err != nil {
			return audit.Entry{}, err
		}
		// The file's hash names what was imported; the rows themselves stay in board_pool_import_rows.
		return audit.Entry{Action: "board_pool.import", Entity: "board", EntityID: strconv.FormatInt(boardID, 10),
			Detail: map[string]any{"file": imp.FileName, "sha256": imp.FileSHA256, "imported": n}}, clearPoolApproval(ctx, tx, d)
	})
	return n, err
}
