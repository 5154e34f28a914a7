package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// A session is a row under the SHA-256 of its cookie's token; the server hashes the token it is sent, so
// that the table alone lets nobody in. Its times are the database's, the one clock of every server process.
// Rows are bookkeeping, not records: they are written without an audit entry, as the failed logins are.
const (
	// EndedSessionKept is how long an ended session's row outlives it: as long as it names its user, a
	// form posted with its cookie can be kept for him.
	EndedSessionKept = 12 * time.Hour
	// SessionRenewAfter is how old a session's last_seen gets before a request renews it: a page view
	// writes nothing, and the idle timeout is the configured one, less at most this.
	SessionRenewAfter = time.Minute
)

// Session is what a session carries between requests.
type Session struct {
	UserID    int64  // 0: anonymous, carrying only a flash
	Epoch     int    // the user's session_epoch at login
	Flash     string // a message key shown once
	FlashForm string // the form the flash is about, "" for the page's top
	KeptForm  string // the token of a form kept for the user to find on its page
}

// SessionRead is what a request carrying a session cookie reads in its one query: the live session and,
// when it names a user who is still enabled and whose session_epoch is still the session's, that user
// with the names of his place. Other request-wide facts join here as columns, so that they cost no round
// trip of their own.
type SessionRead struct {
	Session
	Stale bool // last seen more than SessionRenewAfter ago
	// The session's user, or the zero User: anonymous, or refused (disabled, or his password changed since
	// the login) when Session.UserID is not 0.
	User
	// The generation of the cached reference data as this query read it: the request passes it to
	// SeeGeneration.
	Generation int64
	// The version of everything the pages show (migration 0021) as this query read it: a page kept at
	// this version is current for this request (pagecache).
	DataVersion int64
	// Origin names the copy of the database that DataVersion counts in: the storage of cache_state, which a
	// restore (pg_restore, which makes the table anew, or one that empties it) replaces, and the start of
	// the database server, which a standby taking over, or a recovery to an earlier point, changes. Such a
	// copy counts again through versions the lost data had already reached, with other data.
	Origin string
	// Unread counts the user's unread notifications, up to MaxUnread.
	Unread int
}

// MaxUnread is as far as a session's read counts unread notifications: the header shows more as "99+".
const MaxUnread = 100

// Refused reports whether the session names a user who may no longer use it.
func (r SessionRead) Refused() bool { return r.Session.UserID != 0 && r.User.ID == 0 }

// ReadSession returns the session stored under hash unless it has been idle longer than idle or has
// outlived its absolute end, else ErrNotFound. The user's columns are userSelect's, empty when no user
// is joined; the password hash is never read here.
func (s *Store) ReadSession(ctx context.Context, hash []byte, idle time.Duration) (SessionRead, error) {
	var r SessionRead
	u := &r.User
	// Scanned field by field, not by reflection: every signed-in request runs this.
	err := s.pool.QueryRow(ctx, `
		SELECT coalesce(s.user_id, 0), s.epoch, s.flash, s.flash_form, s.kept_form, s.last_seen < now() - $3::interval,
		       coalesce(u.id, 0), coalesce(u.username, ''), coalesce(u.full_name, ''), coalesce(u.role, ''),
		       coalesce(u.province_id, 0), coalesce(u.county_id, 0), coalesce(u.district_id, 0),
		       coalesce(u.committee_key, ''), '', coalesce(u.lang, ''), u.locked_until, u.disabled_at, coalesce(u.version, 0),
		       coalesce(p.code, ''), coalesce(p.name_fa, ''), coalesce(p.name_en, ''),
		       coalesce(c.code, ''), coalesce(c.name_fa, ''), coalesce(c.name_en, ''),
		       coalesce(d.code, ''), coalesce(d.name_fa, ''), coalesce(d.name_en, ''),
		       coalesce(k.name_fa, ''), coalesce(k.name_en, ''), coalesce(u.session_epoch, 0), cs.generation, cs.data_version, `+cacheOrigin+`,
		       (SELECT count(*) FROM (SELECT FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL LIMIT $4) x)
		FROM sessions s CROSS JOIN cache_state cs
		LEFT JOIN users u ON u.id = s.user_id AND u.disabled_at IS NULL AND u.session_epoch = s.epoch
		LEFT JOIN provinces p ON p.id = u.province_id
		LEFT JOIN counties c ON c.id = u.county_id
		LEFT JOIN districts d ON d.id = u.district_id
		LEFT JOIN province_committees k ON k.province_id = u.province_id AND k.key = u.committee_key
		WHERE s.token_hash = $1 AND s.last_seen > now() - $2::interval AND s.expires_at > now()`,
		hash, idle, SessionRenewAfter, MaxUnread).Scan(&r.Session.UserID, &r.Epoch, &r.Flash, &r.FlashForm, &r.KeptForm, &r.Stale,
		&u.ID, &u.Username, &u.FullName, &u.Role, &u.ProvinceID, &u.CountyID, &u.DistrictID,
		&u.Committee, &u.PasswordHash, &u.Lang, &u.LockedUntil, &u.DisabledAt, &u.Version,
		&u.ProvinceCode, &u.ProvinceFa, &u.ProvinceEn, &u.CountyCode, &u.CountyFa, &u.CountyEn,
		&u.DistrictCode, &u.DistrictFa, &u.DistrictEn, &u.CommitteeFa, &u.CommitteeEn, &u.SessionEpoch, &r.Generation, &r.DataVersion,
		&r.Origin, &r.Unread)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, ErrNotFound
	}
	return r, err
}

// StartSession stores sess under hash, to end after lifetime at the latest, and deletes the session
// stored under replaces (nil for none), whose token the new one replaces: one statement.
func (s *Store) StartSession(ctx context.Context, replaces, hash []byte, sess Session, lifetime time.Duration) error {
	_, err := s.pool.Exec(ctx, `
		WITH gone AS (DELETE FROM sessions WHERE token_hash = $1)
		INSERT INTO sessions (token_hash, user_id, epoch, flash, flash_form, kept_form, expires_at)
		VALUES ($2, NULLIF($3, 0), $4, $5, $6, $7, now() + $8::interval)`,
		replaces, hash, sess.UserID, sess.Epoch, sess.Flash, sess.FlashForm, sess.KeptForm, lifetime)
	return err
}

// RenewSessionToken moves the session stored under old to hash, with the user's new epoch; it keeps its
// absolute end.
func (s *Store) RenewSessionToken(ctx context.Context, old, hash []byte, epoch int) error {
	_, err := s.pool.Exec(ctx, `UPDATE sessions SET token_hash = $2, epoch = $3, last_seen = now() WHERE token_hash = $1`,
		old, hash, epoch)
	return err
}

// TouchSession renews the session's last_seen when renew is set, and takes away its flash when it is
// still shownFlash (a flash set meanwhile by another request stays for the next page). Of concurrent
// requests that all found the session stale, only the first writes.
func (s *Store) TouchSession(ctx context.Context, hash []byte, renew bool, shownFlash string) error {
	_, err := s.pool.Exec(ctx, `
		UPDATE sessions SET last_seen = CASE WHEN $2 THEN now() ELSE last_seen END,
			flash = CASE WHEN flash = $3 THEN '' ELSE flash END,
			flash_form = CASE WHEN flash = $3 THEN '' ELSE flash_form END
		WHERE token_hash = $1 AND ($2 AND last_seen < now() - $4::interval OR $3 <> '' AND flash = $3)`,
		hash, renew, shownFlash, SessionRenewAfter)
	return err
}

// SetSessionFlash sets the flash the session's next page shows.
func (s *Store) SetSessionFlash(ctx context.Context, hash []byte, flash, form string) error {
	_, err := s.pool.Exec(ctx, `UPDATE sessions SET flash = $2, flash_form = $3 WHERE token_hash = $1`, hash, flash, form)
	return err
}

// ClearSessionKeptForm forgets the kept form the session's user was to find.
func (s *Store) ClearSessionKeptForm(ctx context.Context, hash []byte) error {
	_, err := s.pool.Exec(ctx, `UPDATE sessions SET kept_form = '' WHERE token_hash = $1`, hash)
	return err
}

// DeleteSession ends the session stored under hash at once: unlike one that timed out, it names nobody
// afterwards.
func (s *Store) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
	return err
}

// FormerSessionUser returns the user of the session stored under hash even if it has ended (for at most
// EndedSessionKept, idle being its idle timeout), so that the server can tell whose it was; ErrNotFound
// for an anonymous session, one that was deleted (a logout), or one whose user has since been disabled or
// changed his password.
func (s *Store) FormerSessionUser(ctx context.Context, hash []byte, idle time.Duration) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `
		SELECT s.user_id FROM sessions s
		JOIN users u ON u.id = s.user_id AND u.disabled_at IS NULL AND u.session_epoch = s.epoch
		WHERE s.token_hash = $1 AND s.last_seen > now() - $2::interval - $3::interval
		  AND s.expires_at > now() - $3::interval`, hash, idle, EndedSessionKept).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNotFound
	}
	return id, err
}
