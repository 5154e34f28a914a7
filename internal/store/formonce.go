package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
)

// A create form carries a one-time id (components.OnceFieldName). The handler puts it on the context
// (WithFormOnce); the store's write then claims it for the user in the transaction of the create and
// records what the create made (its first audit entry's subject). The same form posted again, even while
// the first post is still in its transaction, waits for it and gets FormSentError naming that subject, and
// creates nothing (migration 0029).

type formOnceKey struct{}

// WithFormOnce returns ctx carrying a create form's one-time id for the next writes of the request.
func WithFormOnce(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, formOnceKey{}, token)
}

// FormSentError is a create form posted again: what its first post created (Entity "" when it created
// nothing to name).
type FormSentError struct {
	Entity, EntityID string
}

func (e *FormSentError) Error() string {
	return fmt.Sprintf("store: the form was already sent (%s %s)", e.Entity, e.EntityID)
}

// formSentKeep is how long a form's one-time id is remembered.
const formSentKeep = "1 day"

// onceOnly wraps a write's work so that it runs once per one-time id of the context, if there is one.
func onceOnly(ctx context.Context, a audit.Actor, work func(pgx.Tx) ([]audit.Entry, error)) func(pgx.Tx) ([]audit.Entry, error) {
	token, ok := ctx.Value(formOnceKey{}).(string)
	if !ok || token == "" || a.ID == 0 {
		return work
	}
	return func(tx pgx.Tx) ([]audit.Entry, error) {
		if _, err := tx.Exec(ctx, `DELETE FROM form_submissions WHERE user_id = $1 AND created_at < now() - $2::interval`,
			a.ID, formSentKeep); err != nil {
			return nil, err
		}
		// A second post of the same form waits here for the first one's transaction, then finds its row.
		tag, err := tx.Exec(ctx, `INSERT INTO form_submissions (user_id, token) VALUES ($1, $2) ON CONFLICT DO NOTHING`, a.ID, token)
		if err != nil {
			return nil, err
		}
		if tag.RowsAffected() == 0 {
			sent := &FormSentError{}
			if err := tx.QueryRow(ctx, `SELECT entity, entity_id FROM form_submissions WHERE user_id = $1 AND token = $2`,
				a.ID, token).Scan(&sent.Entity, &sent.EntityID); err != nil {
				return nil, err
			}
			return nil, sent
		}
		entries, err := work(tx)
		if err != nil || len(entries) == 0 {
			return entries, err
		}
		_, err = tx.Exec(ctx, `UPDATE form_submissions SET entity = $3, entity_id = $4 WHERE user_id = $1 AND token = $2`,
			a.ID, token, entries[0].Entity, entries[0].EntityID)
		return entries, err
	}
}
