// Package audit owns the hash-chained audit log: every write in Setad appends a row, in the same
// transaction as the change, whose hash covers the row's content and the previous row's hash. Appends take
// a row lock on the single audit_head row, so concurrent writers are serialised and the chain cannot fork;
// Verify walks the chain and names the first row that was altered or removed.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Actor is who makes a change and from where. ID is 0 for the system (seed, command line).
type Actor struct {
	ID     int64
	Name   string
	Remote string
}

// System is the actor for changes made by the command line and the seed.
var System = Actor{Name: "system", Remote: "cli"}

// Entry is one change to record.
type Entry struct {
	Action     string // e.g. "user.create", "login.failure"
	Entity     string // e.g. "user"
	EntityID   string
	ProvinceID int64 // 0 when the change belongs to no province
	Detail     any   // marshalled to JSON; before/after where it applies
}

// Change is the usual Detail of an update: the record before and after.
type Change struct {
	Before any `json:"before,omitempty"`
	After  any `json:"after,omitempty"`
}

// Row is a stored audit row.
type Row struct {
	ID         int64
	At         time.Time
	ActorID    int64
	Actor      string
	Action     string
	Entity     string
	EntityID   string
	ProvinceID int64
	Remote     string
	Detail     string
	PrevHash   string
	Hash       string
}

// Hash returns the hex SHA-256 of the row's content and its PrevHash. Each field is length-prefixed so no
// two different rows encode alike.
func Hash(r Row) string {
	h := sha256.New()
	var n [8]byte
	field := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field(strconv.FormatInt(r.ID, 10))
	field(r.At.UTC().Format(time.RFC3339Nano))
	field(strconv.FormatInt(r.ActorID, 10))
	field(r.Actor)
	field(r.Action)
	field(r.Entity)
	field(r.EntityID)
	field(strconv.FormatInt(r.ProvinceID, 10))
	field(r.Remote)
	field(r.Detail)
	field(r.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// Append records e by a in tx. Call it inside the transaction that makes the change.
func Append(ctx context.Context, tx pgx.Tx, a Actor, e Entry) error {
	detail := []byte("{}")
	if e.Detail != nil {
		var err error
		if detail, err = json.Marshal(e.Detail); err != nil {
			return fmt.Errorf("audit: detail: %w", err)
		}
	}
	var prev string
	if err := tx.QueryRow(ctx, `SELECT last_hash FROM audit_head FOR UPDATE`).Scan(&prev); err != nil {
		return fmt.Errorf("audit: lock head: %w", err)
	}
	r := Row{
		// Postgres keeps microseconds; hash what will be stored.
		At:         time.Now().UTC().Truncate(time.Microsecond),
		ActorID:    a.ID,
		Actor:      a.Name,
		Action:     e.Action,
		Entity:     e.Entity,
		EntityID:   e.EntityID,
		ProvinceID: e.ProvinceID,
		Remote:     a.Remote,
		Detail:     string(detail),
		PrevHash:   prev,
	}
	if err := tx.QueryRow(ctx, `SELECT nextval('audit_log_id_seq')`).Scan(&r.ID); err != nil {
		return fmt.Errorf("audit: next id: %w", err)
	}
	r.Hash = Hash(r)
	_, err := tx.Exec(ctx, `
		INSERT INTO audit_log (id, at, actor_id, actor, action, entity, entity_id, province_id, remote, detail, prev_hash, hash)
		VALUES ($1, $2, NULLIF($3, 0), $4, $5, $6, $7, NULLIF($8, 0), $9, $10, $11, $12)`,
		r.ID, r.At, r.ActorID, r.Actor, r.Action, r.Entity, r.EntityID, r.ProvinceID, r.Remote, r.Detail, r.PrevHash, r.Hash)
	if err != nil {
		return fmt.Errorf("audit: insert: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE audit_head SET last_id = $1, last_hash = $2`, r.ID, r.Hash); err != nil {
		return fmt.Errorf("audit: move head: %w", err)
	}
	return nil
}

// Querier is what Verify needs: a pool, a connection or a transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Broken describes the first row where the chain does not hold.
type Broken struct {
	ID     int64
	Reason string
}

func (b *Broken) Error() string { return fmt.Sprintf("audit row %d: %s", b.ID, b.Reason) }

// Verify walks the whole chain in order. It returns the number of rows checked and, when the chain is
// broken, a *Broken error naming the first bad row; other errors are database errors.
func Verify(ctx context.Context, q Querier) (int, error) {
	rows, err := q.Query(ctx, `
		SELECT id, at, coalesce(actor_id, 0), actor, action, entity, entity_id, coalesce(province_id, 0),
		       remote, detail::text, prev_hash, hash
		FROM audit_log ORDER BY id`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var (
		n    int
		prev Row
		r    Row
	)
	for rows.Next() {
		if err := rows.Scan(&r.ID, &r.At, &r.ActorID, &r.Actor, &r.Action, &r.Entity, &r.EntityID,
			&r.ProvinceID, &r.Remote, &r.Detail, &r.PrevHash, &r.Hash); err != nil {
			return n, err
		}
		if r.PrevHash != prev.Hash {
			return n, &Broken{ID: r.ID, Reason: fmt.Sprintf("previous hash does not match the row before it (id %d): a row was removed or altered", prev.ID)}
		}
		if Hash(r) != r.Hash {
			return n, &Broken{ID: r.ID, Reason: "content does not match its hash: the row was altered"}
		}
		prev = r
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	var headID int64
	var headHash string
	if err := q.QueryRow(ctx, `SELECT last_id, last_hash FROM audit_head`).Scan(&headID, &headHash); err != nil {
		return n, err
	}
	if headID != prev.ID || headHash != prev.Hash {
		return n, &Broken{ID: headID, Reason: fmt.Sprintf("the chain ends at row %d but its head records row %d: rows at the end were removed", prev.ID, headID)}
	}
	return n, nil
}
