package store

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
)

// PendingFormLife is how long a form posted after its session ended waits for its user to sign in; whose
// it is, the ended session tells (FormerSessionUser).
const PendingFormLife = 2 * time.Hour

// PendingForm is a form posted after its session had ended, kept for the user whose session it was.
type PendingForm struct {
	Token  string
	UserID int64
	Action string // the path it was posted to
	Page   string // the page that shows the form
	Values url.Values
}

// KeepPendingForm keeps f for its user, in place of any form kept for him before. Nothing is audited:
// nothing changes until he submits the form again.
func (s *Store) KeepPendingForm(ctx context.Context, f PendingForm) error {
	vals, err := json.Marshal(f.Values)
	if err != nil {
		return err
	}
	return s.write(ctx, audit.Actor{}, func(tx pgx.Tx) ([]audit.Entry, error) {
		_, err := tx.Exec(ctx, `INSERT INTO pending_forms (token, user_id, action, page, form_values) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id) DO UPDATE SET token = EXCLUDED.token, action = EXCLUDED.action, page = EXCLUDED.page,
				form_values = EXCLUDED.form_values, created_at = now()`,
			f.Token, f.UserID, f.Action, f.Page, vals)
		return nil, err
	})
}

// PendingForm returns the form kept under token, unless it is older than PendingFormLife.
func (s *Store) PendingForm(ctx context.Context, token string) (PendingForm, error) {
	f := PendingForm{Token: token}
	var vals []byte
	err := s.pool.QueryRow(ctx, `SELECT user_id, action, page, form_values FROM pending_forms
		WHERE token = $1 AND created_at > now() - $2::interval`, token, PendingFormLife).Scan(&f.UserID, &f.Action, &f.Page, &vals)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, ErrNotFound
	}
	if err != nil {
		return f, err
	}
	return f, json.Unmarshal(vals, &f.Values)
}

// DeletePendingForm forgets the form kept under token: it was shown to its user, or someone else signed
// in where it was kept.
func (s *Store) DeletePendingForm(ctx context.Context, token string) error {
	return s.write(ctx, audit.Actor{}, func(tx pgx.Tx) ([]audit.Entry, error) {
		_, err := tx.Exec(ctx, `DELETE FROM pending_forms WHERE token = $1`, token)
		return nil, err
	})
}
