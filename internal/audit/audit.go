// Package audit owns the hash-chained audit log: every write in Setad appends a row, in the same
// transaction as the change, whose hash covers the row's content and the previous row's hash. Write runs a
// change and then appends its rows as the transaction's last statement, under a row lock on the single
// audit_head row, so concurrent writers are serialised and the chain cannot fork. Verify walks the chain
// and names the first row that was altered or removed; a Head kept outside the database lets it notice a
// chain rewritten with recomputed hashes too.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
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
// two different rows encode alike. PostgreSQL's audit_append hashes the rows it appends the same way, which
// Verify checks here.
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

// Beginner starts transactions: a pool or a connection.
type Beginner interface {
	BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error)
}

// Write runs work in a transaction and appends the entries it returns as the transaction's last
// statements, then commits. It is the only way to append: a transaction locks the chain's head only after
// every other lock it takes, and holds it only until its commit, so a writer that holds the head never
// waits for another lock and no two writers can deadlock over it. When work fails, or returns no entries
// because it changed nothing, the head is not touched.
func Write(ctx context.Context, db Beginner, a Actor, work func(pgx.Tx) ([]Entry, error)) error {
	return pgx.BeginTxFunc(ctx, db, pgx.TxOptions{}, func(tx pgx.Tx) error {
		entries, err := work(tx)
		if err != nil {
			return err
		}
		return appendEntries(ctx, tx, a, entries)
	})
}

// appendEntries chains entries by a, in order, under one lock of the head. It is one statement, one round
// trip: audit_append (migration 0016) locks the head, numbers, hashes (as Hash does) and inserts the rows
// and moves the head, so the lock that every writer waits for is held only while PostgreSQL runs it.
func appendEntries(ctx context.Context, tx pgx.Tx, a Actor, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	n := len(entries)
	actions, entities, entityIDs, details := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	provinces := make([]int64, n)
	for i, e := range entries {
		actions[i], entities[i], entityIDs[i], provinces[i] = e.Action, e.Entity, e.EntityID, e.ProvinceID
		details[i] = "{}"
		if e.Detail != nil {
			b, err := json.Marshal(e.Detail)
			if err != nil {
				return fmt.Errorf("audit: detail of %s: %w", e.Action, err)
			}
			details[i] = string(b)
		}
	}
	if _, err := tx.Exec(ctx, `SELECT audit_append($1, $2, $3, $4, $5, $6, $7, $8)`,
		a.ID, a.Name, a.Remote, actions, entities, entityIDs, provinces, details); err != nil {
		return fmt.Errorf("audit: append: %w", err)
	}
	return nil
}

// Head is one point of the chain: a row's number and its hash. Written down outside the database (see
// String), it anchors the chain up to that row: whoever can write the database can rewrite rows and
// recompute every hash after them, but cannot give a rewritten row its old hash back.
type Head struct {
	ID   int64
	Hash string
}

// String is the form `setad audit head` prints and ParseHead reads: the row number, a colon, the hash.
func (h Head) String() string { return strconv.FormatInt(h.ID, 10) + ":" + h.Hash }

// ErrHeadFormat is ParseHead's answer to anything but a row number, a colon and a 64-digit hex hash.
var ErrHeadFormat = errors.New("want a row number, a colon and the 64-character hash, as `setad audit head` prints them")

// ParseHead reads a head written as String writes it.
func ParseHead(s string) (Head, error) {
	// A head copied back from paper may come in capitals.
	id, hash, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n < 1 || len(hash) != sha256.Size*2 || strings.Trim(hash, "0123456789abcdef") != "" {
		return Head{}, ErrHeadFormat
	}
	return Head{ID: n, Hash: hash}, nil
}

// Querier is what CurrentHead needs: a pool, a connection or a transaction.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// CurrentHead returns the head as the last append left it: {0, ""} while the log is empty.
func CurrentHead(ctx context.Context, q Querier) (Head, error) {
	var h Head
	err := q.QueryRow(ctx, `SELECT last_id, last_hash FROM audit_head`).Scan(&h.ID, &h.Hash)
	return h, err
}

// Broken describes the first row where the chain does not hold.
type Broken struct {
	ID     int64
	Reason string
}

func (b *Broken) Error() string { return fmt.Sprintf("audit row %d: %s", b.ID, b.Reason) }

// Checked is what an intact chain held when Verify read it.
type Checked struct {
	Rows int
	Head Head
}

// Verify walks the whole chain in order, and checks that it still holds each of the anchors (heads taken
// earlier and kept outside the database) unchanged. It reads the rows and the head in one read-only
// repeatable-read transaction, so appends committed meanwhile are not half seen. It returns what it
// checked and, when the chain is broken or an anchor is not in it, a *Broken error naming the first bad
// row; other errors are database errors.
func Verify(ctx context.Context, db Beginner, anchors ...Head) (Checked, error) {
	var c Checked
	err := pgx.BeginTxFunc(ctx, db, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		c, err = verify(ctx, tx, anchors)
		return err
	})
	return c, err
}

func verify(ctx context.Context, tx pgx.Tx, anchors []Head) (Checked, error) {
	var c Checked
	rows, err := tx.Query(ctx, `
		SELECT id, at, coalesce(actor_id, 0), actor, action, entity, entity_id, coalesce(province_id, 0),
		       remote, detail::text, prev_hash, hash
		FROM audit_log ORDER BY id`)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	anchored := map[int64]string{}
	for _, a := range anchors {
		anchored[a.ID] = a.Hash
	}
	var prev, r Row
	for rows.Next() {
		if err := rows.Scan(&r.ID, &r.At, &r.ActorID, &r.Actor, &r.Action, &r.Entity, &r.EntityID,
			&r.ProvinceID, &r.Remote, &r.Detail, &r.PrevHash, &r.Hash); err != nil {
			return c, err
		}
		if r.PrevHash != prev.Hash {
			return c, &Broken{ID: r.ID, Reason: fmt.Sprintf("previous hash does not match the row before it (id %d): a row was removed or altered", prev.ID)}
		}
		if Hash(r) != r.Hash {
			return c, &Broken{ID: r.ID, Reason: "content does not match its hash: the row was altered"}
		}
		if want, ok := anchored[r.ID]; ok {
			if r.Hash != want {
				return c, &Broken{ID: r.ID, Reason: fmt.Sprintf("its hash is %s, not the %s recorded outside the database: the chain was rewritten from this row or before", r.Hash, want)}
			}
			delete(anchored, r.ID)
		}
		prev = r
		c.Rows++
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	for _, a := range anchors {
		if _, missing := anchored[a.ID]; missing {
			return c, &Broken{ID: a.ID, Reason: fmt.Sprintf("the row recorded outside the database is not in the chain, which ends at row %d: rows were removed since the head was taken, or it was taken from another database", prev.ID)}
		}
	}
	head, err := CurrentHead(ctx, tx)
	if err != nil {
		return c, err
	}
	if head.ID != prev.ID || head.Hash != prev.Hash {
		return c, &Broken{ID: head.ID, Reason: fmt.Sprintf("the chain ends at row %d but its head records row %d: rows at the end were removed", prev.ID, head.ID)}
	}
	c.Head = head
	return c, nil
}

// Stamped is an entry with its own actor and time, for AppendBulk.
type Stamped struct {
	Actor Actor
	At    time.Time
	Entry Entry
}

// AppendBulk appends many rows at once, each with its own actor and time, chained in order after the
// current head: for loading history (the synthetic country), where one audit_append call per row would
// take minutes. It hashes the rows here, as Hash does, and writes them with COPY, in tx, under the same
// lock of the head that audit_append takes, so no other writer can fork the chain meanwhile; the head is
// moved once. Times are kept to the microsecond, as PostgreSQL stores them. It returns the new head.
func AppendBulk(ctx context.Context, tx pgx.Tx, rows []Stamped) (Head, error) {
	var head Head
	if err := tx.QueryRow(ctx, `SELECT last_id, last_hash FROM audit_head FOR UPDATE`).Scan(&head.ID, &head.Hash); err != nil {
		return head, fmt.Errorf("audit: bulk: head: %w", err)
	}
	if len(rows) == 0 {
		return head, nil
	}
	// The numbers are drawn under the head's lock, as audit_append draws them, so they follow the chain.
	var first int64
	if err := tx.QueryRow(ctx, `SELECT nextval('audit_log_id_seq')`).Scan(&first); err != nil {
		return head, fmt.Errorf("audit: bulk: numbers: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT setval('audit_log_id_seq', $1)`, first+int64(len(rows))-1); err != nil {
		return head, fmt.Errorf("audit: bulk: numbers: %w", err)
	}
	prev := head.Hash
	i := 0
	var encodeErr error
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(rows) {
			return nil, nil
		}
		s := rows[i]
		r := Row{ID: first + int64(i), At: s.At.UTC().Truncate(time.Microsecond), ActorID: s.Actor.ID, Actor: s.Actor.Name,
			Action: s.Entry.Action, Entity: s.Entry.Entity, EntityID: s.Entry.EntityID, ProvinceID: s.Entry.ProvinceID,
			Remote: s.Actor.Remote, Detail: "{}", PrevHash: prev}
		if s.Entry.Detail != nil {
			b, err := json.Marshal(s.Entry.Detail)
			if err != nil {
				encodeErr = fmt.Errorf("audit: detail of %s: %w", s.Entry.Action, err)
				return nil, encodeErr
			}
			r.Detail = string(b)
		}
		r.Hash = Hash(r)
		prev = r.Hash
		i++
		return []any{r.ID, r.At, nullZero(r.ActorID), r.Actor, r.Action, r.Entity, r.EntityID, nullZero(r.ProvinceID),
			r.Remote, json.RawMessage(r.Detail), r.PrevHash, r.Hash}, nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"audit_log"}, []string{"id", "at", "actor_id", "actor", "action", "entity",
		"entity_id", "province_id", "remote", "detail", "prev_hash", "hash"}, src); err != nil {
		if encodeErr != nil {
			return head, encodeErr
		}
		return head, fmt.Errorf("audit: bulk: copy: %w", err)
	}
	head = Head{ID: first + int64(len(rows)) - 1, Hash: prev}
	if _, err := tx.Exec(ctx, `UPDATE audit_head SET last_id = $1, last_hash = $2`, head.ID, head.Hash); err != nil {
		return head, fmt.Errorf("audit: bulk: head: %w", err)
	}
	return head, nil
}

// nullZero is nil for 0, as audit_append stores an id of 0 (the system, no province) as NULL.
func nullZero(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
