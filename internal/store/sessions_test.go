package store_test

import (
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/setad/setad/internal/store"
)

func hashOf(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// A session is read with its user in one query while it is live: not idle past the timeout, not past its
// absolute end. A user disabled or whose password changed since the login is refused; an anonymous
// session carries only its flash.
func TestReadSession(t *testing.T) {
	f := newFixture(t)
	gov, hq, observer := f.user["gov.marvdasht"], f.user["hq.fars"], f.user["observer.fars"]
	f.exec(`UPDATE users SET session_epoch = 2 WHERE id = $1`, hq)
	f.exec(`UPDATE users SET disabled_at = now(), session_epoch = 2 WHERE id = $1`, observer)
	f.exec(`INSERT INTO sessions (token_hash, user_id, epoch, flash, flash_form, kept_form, last_seen, expires_at) VALUES
		(sha256('live'), $1, 1, 'saved', 'add-pool', 'form-token', now() - interval '30 seconds', now() + interval '1 hour'),
		(sha256('stale'), $1, 1, '', '', '', now() - interval '2 minutes', now() + interval '1 hour'),
		(sha256('idle'), $1, 1, '', '', '', now() - interval '31 minutes', now() + interval '1 hour'),
		(sha256('past-lifetime'), $1, 1, '', '', '', now(), now() - interval '1 second'),
		(sha256('old-epoch'), $2, 1, '', '', '', now(), now() + interval '1 hour'),
		(sha256('disabled'), $3, 2, '', '', '', now(), now() + interval '1 hour'),
		(sha256('anonymous'), NULL, 0, 'login.logged_out', '', '', now(), now() + interval '1 hour')`, gov, hq, observer)
	idle := 30 * time.Minute

	r, err := f.st.ReadSession(f.ctx, hashOf("live"), idle)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Session{UserID: gov, Epoch: 1, Flash: "saved", FlashForm: "add-pool", KeptForm: "form-token"}
	if r.Session != want || r.Stale || r.Refused() {
		t.Errorf("live session %+v stale %v refused %v", r.Session, r.Stale, r.Refused())
	}
	if r.User.ID != gov || r.User.Username != "gov.marvdasht" || r.User.Role != "governor" || r.User.CountyID != f.county["marvdasht"] ||
		r.User.CountyFa == "" || r.User.PasswordHash != "" || r.User.SessionEpoch != 1 {
		t.Errorf("live session's user %+v", r.User)
	}
	if p := r.User.Principal(); p.ID != gov || p.Scope.CountyID != f.county["marvdasht"] || p.PlaceEn != r.User.CountyEn {
		t.Errorf("principal %+v", p)
	}

	if r, err := f.st.ReadSession(f.ctx, hashOf("stale"), idle); err != nil || !r.Stale || r.User.ID != gov {
		t.Errorf("a session last seen two minutes ago: stale %v user %d, %v", r.Stale, r.User.ID, err)
	}
	for _, token := range []string{"idle", "past-lifetime", "never"} {
		if _, err := f.st.ReadSession(f.ctx, hashOf(token), idle); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session %s: %v, want not found", token, err)
		}
	}
	for _, token := range []string{"old-epoch", "disabled"} {
		if r, err := f.st.ReadSession(f.ctx, hashOf(token), idle); err != nil || !r.Refused() || r.User.ID != 0 {
			t.Errorf("session %s: refused %v user %d, %v", token, r.Refused(), r.User.ID, err)
		}
	}
	if r, err := f.st.ReadSession(f.ctx, hashOf("anonymous"), idle); err != nil || r.Refused() || r.User.ID != 0 ||
		r.Flash != "login.logged_out" {
		t.Errorf("anonymous session %+v, %v", r, err)
	}
}

// The session's query names the copy of the database its data version counts in: the same through every
// write, another once cache_state is made anew, as a restore makes it.
func TestReadSessionOrigin(t *testing.T) {
	f := newFixture(t)
	f.exec(`INSERT INTO sessions (token_hash, user_id, epoch, expires_at) VALUES (sha256('live'), $1, 1, now() + interval '1 hour')`,
		f.user["gov.marvdasht"])
	read := func() store.SessionRead {
		t.Helper()
		r, err := f.st.ReadSession(f.ctx, hashOf("live"), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	first := read()
	f.exec(`UPDATE provinces SET name_en = name_en`)
	written := read()
	if first.Origin == "" || written.Origin != first.Origin || written.DataVersion != first.DataVersion+1 {
		t.Fatalf("after a write: origin %q, version %d; before: %q, %d", written.Origin, written.DataVersion, first.Origin, first.DataVersion)
	}
	f.behindTheCache(`CREATE TEMP TABLE kept ON COMMIT DROP AS SELECT * FROM cache_state; TRUNCATE cache_state;
		INSERT INTO cache_state SELECT * FROM kept`)
	if restored := read(); restored.Origin == first.Origin || restored.DataVersion != written.DataVersion {
		t.Fatalf("cache_state made anew: origin %q (was %q), version %d (was %d)", restored.Origin, first.Origin,
			restored.DataVersion, written.DataVersion)
	}
}

// Starting a session deletes the one it replaces; touching it renews last_seen only when asked and takes
// away only the flash that was shown.
func TestSessionWrites(t *testing.T) {
	f := newFixture(t)
	gov := f.user["gov.marvdasht"]
	if err := f.st.StartSession(f.ctx, nil, hashOf("a"), store.Session{Flash: "login.form_kept"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := f.st.StartSession(f.ctx, hashOf("a"), hashOf("b"), store.Session{UserID: gov, Epoch: 1, KeptForm: "k"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM sessions`); n != 1 {
		t.Fatalf("%d sessions after a login replaced the anonymous one", n)
	}
	if n := f.count(`SELECT count(*) FROM sessions WHERE token_hash = sha256('b') AND user_id = $1 AND kept_form = 'k'
		AND expires_at BETWEEN now() + interval '59 minutes' AND now() + interval '1 hour'`, gov); n != 1 {
		t.Fatal("the new session is not stored as started")
	}
	f.exec(`UPDATE sessions SET last_seen = now() - interval '5 minutes', flash = 'shown', flash_form = 'f'`)
	if err := f.st.TouchSession(f.ctx, hashOf("b"), false, "other"); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM sessions WHERE flash = 'shown' AND flash_form = 'f' AND last_seen < now() - interval '4 minutes'`); n != 1 {
		t.Fatal("a touch without renewal changed last_seen, or took away a flash that was not shown")
	}
	if err := f.st.TouchSession(f.ctx, hashOf("b"), true, "shown"); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM sessions WHERE flash = '' AND flash_form = '' AND last_seen > now() - interval '1 minute'`); n != 1 {
		t.Fatal("the touch did not renew last_seen and take the shown flash away")
	}
	// A second request that found the session stale at the same time writes nothing.
	var xmin string
	f.scan(`SELECT xmin::text FROM sessions`, nil, &xmin)
	if err := f.st.TouchSession(f.ctx, hashOf("b"), true, ""); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM sessions WHERE xmin::text = $1`, xmin); n != 1 {
		t.Fatal("a renewal of a session renewed just before wrote again")
	}
	if err := f.st.RenewSessionToken(f.ctx, hashOf("b"), hashOf("c"), 2); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM sessions WHERE token_hash = sha256('c') AND epoch = 2 AND kept_form = 'k'`); n != 1 {
		t.Fatal("the renewed token does not hold the session")
	}
	if err := f.st.DeleteSession(f.ctx, hashOf("c")); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM sessions`); n != 0 {
		t.Fatal("a deleted session remains")
	}
}

// An ended session still tells whose it was for a while; a deleted or anonymous one, or one whose user has
// since been disabled or changed his password, does not.
func TestFormerSessionUser(t *testing.T) {
	f := newFixture(t)
	gov, hq, observer := f.user["gov.marvdasht"], f.user["hq.fars"], f.user["observer.fars"]
	f.exec(`UPDATE users SET session_epoch = 2 WHERE id = $1`, hq)
	f.exec(`UPDATE users SET disabled_at = now() WHERE id = $1`, observer)
	f.exec(`INSERT INTO sessions (token_hash, user_id, epoch, last_seen, expires_at) VALUES
		(sha256('live'), $1, 1, now(), now() + interval '1 hour'),
		(sha256('idle'), $1, 1, now() - interval '3 hours', now() + interval '9 hours'),
		(sha256('past-lifetime'), $1, 1, now(), now() - interval '3 hours'),
		(sha256('long-idle'), $1, 1, now() - interval '12 hours 31 minutes', now() + interval '1 hour'),
		(sha256('long-past-lifetime'), $1, 1, now(), now() - interval '12 hours 1 minute'),
		(sha256('old-epoch'), $2, 1, now(), now() + interval '1 hour'),
		(sha256('disabled'), $3, 1, now(), now() + interval '1 hour'),
		(sha256('anonymous'), NULL, 0, now(), now() + interval '1 hour')`, gov, hq, observer)
	for _, token := range []string{"live", "idle", "past-lifetime"} {
		if id, err := f.st.FormerSessionUser(f.ctx, hashOf(token), 30*time.Minute); err != nil || id != gov {
			t.Errorf("session %s: %d, %v", token, id, err)
		}
	}
	for _, token := range []string{"long-idle", "long-past-lifetime", "old-epoch", "disabled", "anonymous", "never"} {
		if _, err := f.st.FormerSessionUser(f.ctx, hashOf(token), 30*time.Minute); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session %s: %v, want not found", token, err)
		}
	}
}
