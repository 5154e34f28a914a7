package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
)

// Lock-out policy: this many failures for one user name within the window lock it for LockFor.
const (
	LockAfter    = 5
	LockWindow   = 15 * time.Minute
	LockFor      = 15 * time.Minute
	remoteWindow = 15 * time.Minute
)

// RecentFailuresFrom counts failed logins from one address within the per-address window.
func (s *Store) RecentFailuresFrom(ctx context.Context, remote string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE remote = $1 AND at > now() - $2::interval`,
		remote, remoteWindow).Scan(&n)
	return n, err
}

// Refusals of LoginSucceeded, decided after the password matched.
var (
	ErrLoginRefused = errors.New("store: login refused: account locked, disabled or at its failure limit")
	ErrTooManyFrom  = errors.New("store: too many failed logins from this address")
)

// lockName serialises the login bookkeeping of one user name, so concurrent attempts count exactly.
func lockName(ctx context.Context, tx pgx.Tx, username string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('login:' || $1))`, username)
	return err
}

// LoginFailed records a failed login for the typed name (known or not), locks a known user that reached
// the limit, and audits both. It reports whether this failure locked the account.
func (s *Store) LoginFailed(ctx context.Context, a audit.Actor, username string, u *User) (locked bool, err error) {
	err = s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		locked = false
		if err := lockName(ctx, tx, username); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO login_failures (username, remote) VALUES ($1, $2)`, username, a.Remote); err != nil {
			return nil, err
		}
		failure := audit.Entry{Action: "login.failure", Entity: "user", Detail: map[string]string{"username": username}}
		if u != nil {
			failure.EntityID, failure.ProvinceID = strconv.FormatInt(u.ID, 10), u.ProvinceID
		}
		// Counted for unknown names too, so both answers take the same work.
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE username = $1 AND at > now() - $2::interval`,
			username, LockWindow).Scan(&n); err != nil {
			return nil, err
		}
		if u == nil || n < LockAfter {
			return []audit.Entry{failure}, nil
		}
		tag, err := tx.Exec(ctx, `UPDATE users SET locked_until = now() + $2::interval
			WHERE id = $1 AND (locked_until IS NULL OR locked_until < now())`, u.ID, LockFor)
		if err != nil {
			return nil, err
		}
		if tag.RowsAffected() == 0 {
			return []audit.Entry{failure}, nil
		}
		// Failures before the lock do not count again after it.
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE username = $1`, username); err != nil {
			return nil, err
		}
		locked = true
		return []audit.Entry{failure, {
			Action: "user.lock", Entity: "user", EntityID: strconv.FormatInt(u.ID, 10), ProvinceID: u.ProvinceID,
			Detail: map[string]any{"failures": n, "minutes": int(LockFor / time.Minute)},
		}}, nil
	})
	return locked, err
}

// LoginSucceeded is called once the password matched. Under the name's lock it checks again what may
// have changed while the password was being verified (a lock, a disabling, failures from a parallel
// burst, the address's limit), then clears the user's failures and audits the login. It returns
// ErrLoginRefused or ErrTooManyFrom, writing nothing, when the login must not go ahead.
func (s *Store) LoginSucceeded(ctx context.Context, a audit.Actor, u User, remoteLimit int) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		if err := lockName(ctx, tx, u.Username); err != nil {
			return nil, err
		}
		var blocked bool
		var nameFailures, remoteFailures int
		err := tx.QueryRow(ctx, `
			SELECT coalesce(locked_until > now(), false) OR disabled_at IS NOT NULL,
			       (SELECT count(*) FROM login_failures WHERE username = $2 AND at > now() - $3::interval),
			       (SELECT count(*) FROM login_failures WHERE remote = $4 AND at > now() - $5::interval)
			FROM users WHERE id = $1 FOR UPDATE`,
			u.ID, u.Username, LockWindow, a.Remote, remoteWindow).Scan(&blocked, &nameFailures, &remoteFailures)
		if errors.Is(err, pgx.ErrNoRows) || err == nil && (blocked || nameFailures >= LockAfter) {
			return nil, ErrLoginRefused
		}
		if err != nil {
			return nil, err
		}
		if remoteFailures >= remoteLimit {
			return nil, ErrTooManyFrom
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE username = $1`, u.Username); err != nil {
			return nil, err
		}
		return []audit.Entry{{
			Action: "login.success", Entity: "user", EntityID: strconv.FormatInt(u.ID, 10), ProvinceID: u.ProvinceID,
		}}, nil
	})
}

// LoggedOut audits a logout.
func (s *Store) LoggedOut(ctx context.Context, a audit.Actor, provinceID int64) error {
	return s.write(ctx, a, func(pgx.Tx) ([]audit.Entry, error) {
		return []audit.Entry{{Action: "logout", Entity: "user", EntityID: strconv.FormatInt(a.ID, 10), ProvinceID: provinceID}}, nil
	})
}

// DeleteExpired removes sessions ended more than EndedSessionKept ago (idle being their idle timeout),
// forms kept longer than PendingFormLife, and failed logins older than a day, which no limit counts any
// more.
func (s *Store) DeleteExpired(ctx context.Context, idle time.Duration) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE last_seen < now() - $1::interval - $2::interval
		OR expires_at < now() - $2::interval`, idle, EndedSessionKept); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM pending_forms WHERE created_at < now() - $1::interval`, PendingFormLife); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `DELETE FROM login_failures WHERE at < now() - interval '1 day'`)
	return err
}
