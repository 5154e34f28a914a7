package store

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
)

// Files attached to the committees' work (migration 0025): a circular's, a training session's materials.
// An attachment belongs to one record of an area, its owner (OwnerGuidance and its id…), and is numbered
// from 1 in the order attached; its content is kept in chunks of ChunkBytes, written one chunk at a time
// from the file the server spooled and read back one chunk at a time as the download goes, so that no
// whole file is ever held. Whether the reader may see the owner is the owner's area's to check, in its own
// scoped query, before it lists or serves the owner's attachments.

// The owners' kinds.
const (
	OwnerGuidance = "guidance"
	OwnerTraining = "training"
)

// ChunkBytes is the size of an attachment's stored chunks (the last may be shorter).
const ChunkBytes = 256 << 10

// MaxAttachments bounds the attachments of one record.
const MaxAttachments = 10

// ErrTooManyAttachments is a record that would have more than MaxAttachments.
var ErrTooManyAttachments = errors.New("store: too many attachments")

// NewAttachment is a file to attach: its sanitised name, its canonical type found from its content, its
// size and SHA-256 (hex), and its content, read once, chunk by chunk, while it is stored.
type NewAttachment struct {
	Name    string
	MIME    string
	Size    int64
	SHA256  string
	Content io.Reader
}

// Attachment is a stored file's record.
type Attachment struct {
	ID        int64
	OwnerKind string
	OwnerID   int64
	N         int
	Name      string
	MIME      string
	Size      int64
	SHA256    string
	CreatedAt time.Time
}

// audit is what an audit entry records of an attached file.
func (a NewAttachment) audit() map[string]any {
	return map[string]any{"name": a.Name, "size": a.Size, "sha256": a.SHA256}
}

// addAttachments stores files as the owner's next attachments, in the caller's transaction, and returns
// their records for its audit entry. The owner's row must be locked by the caller, so that two posts
// cannot number theirs alike.
func addAttachments(ctx context.Context, tx pgx.Tx, ownerKind string, ownerID, uploadedBy int64, files []NewAttachment) ([]map[string]any, error) {
	if len(files) == 0 {
		return nil, nil
	}
	var have int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM attachments WHERE owner_kind = $1 AND owner_id = $2`, ownerKind, ownerID).
		Scan(&have); err != nil {
		return nil, err
	}
	if have+len(files) > MaxAttachments {
		return nil, ErrTooManyAttachments
	}
	var added []map[string]any
	buf := make([]byte, ChunkBytes)
	for i, f := range files {
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO attachments (owner_kind, owner_id, n, name, mime_type, size, sha256, uploaded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, 0)) RETURNING id`,
			ownerKind, ownerID, have+i+1, f.Name, f.MIME, f.Size, f.SHA256, uploadedBy).Scan(&id)
		if err != nil {
			return nil, err
		}
		var stored int64
		for seq := 0; ; seq++ {
			n, err := io.ReadFull(f.Content, buf)
			if n > 0 {
				if _, err := tx.Exec(ctx, `INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES ($1, $2, $3)`,
					id, seq, buf[:n]); err != nil {
					return nil, err
				}
				stored += int64(n)
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				break
			}
			if err != nil {
				return nil, err
			}
		}
		if stored != f.Size {
			return nil, errors.New("store: an attachment's content is not its size")
		}
		a := f.audit()
		a["n"] = have + i + 1
		added = append(added, a)
	}
	return added, nil
}

const attachmentCols = `id, owner_kind, owner_id, n, name, mime_type, size, sha256, created_at`

// Attachments queues the reading of an owner's attachments, in their order. The caller has checked that
// the reader may see the owner.
func (b *Batch) Attachments(ownerKind string, ownerID int64, out *[]Attachment) {
	b.queue(`SELECT `+attachmentCols+` FROM attachments WHERE owner_kind = $1 AND owner_id = $2 ORDER BY n`,
		func(rows pgx.Rows) error {
			var err error
			*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Attachment])
			return err
		}, ownerKind, ownerID)
}

// Attachment returns an owner's attachment n, or ErrNotFound. The caller has checked that the reader may
// see the owner.
func (s *Store) Attachment(ctx context.Context, ownerKind string, ownerID int64, n int) (Attachment, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE owner_kind = $1 AND owner_id = $2 AND n = $3`,
		ownerKind, ownerID, n)
	if err != nil {
		return Attachment{}, err
	}
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Attachment])
	if errors.Is(err, pgx.ErrNoRows) {
		return a, ErrNotFound
	}
	return a, err
}

// CopyAttachment writes an attachment's content to w, one chunk at a time, each read by a query of its
// own: a slow reader holds no connection of the pool between chunks.
func (s *Store) CopyAttachment(ctx context.Context, id int64, w io.Writer) (int64, error) {
	var written int64
	for seq := 0; ; seq++ {
		n, found, err := s.copyChunk(ctx, id, seq, w)
		written += n
		if err != nil || !found {
			return written, err
		}
	}
}

// copyChunk writes one chunk to w straight from the row's bytes; found is false past the last chunk.
func (s *Store) copyChunk(ctx context.Context, id int64, seq int, w io.Writer) (int64, bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT data FROM attachment_chunks WHERE attachment_id = $1 AND seq = $2`, id, seq)
	if err != nil {
		return 0, false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return 0, false, rows.Err()
	}
	n, err := w.Write(rows.RawValues()[0])
	if err != nil {
		return int64(n), true, err
	}
	return int64(n), true, rows.Err()
}
