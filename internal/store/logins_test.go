package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/store"
)

func anon(remote string) audit.Actor { return audit.Actor{Name: "anonymous", Remote: remote} }

// addFailures inserts n failed logins for username from remote, ago in the past.
func (f *fixture) addFailures(username, remote string, n int, ago time.Duration) {
	f.t.Helper()
	for range n {
		f.exec(`INSERT INTO login_failures (username, remote, at) VALUES ($1, $2, now() - make_interval(secs => $3))`,
			username, remote, ago.Seconds())
	}
}

func TestLoginFailedLocksAfterFive(t *testing.T) {
	f := newFixture(t)
	u, err := f.st.UserByUsername(f.ctx, "gov.marvdasht")
	if err != nil {
		t.Fatal(err)
	}
	a := anon("198.51.100.1")
	for i := 1; i <= store.LockAfter; i++ {
		locked, err := f.st.LoginFailed(f.ctx, a, u.Username, &u)
		if err != nil {
			t.Fatalf("failure %d: %v", i, err)
		}
		if locked != (i == store.LockAfter) {
			t.Fatalf("failure %d: locked = %v", i, locked)
		}
		if i < store.LockAfter {
			if n := f.count(`SELECT count(*) FROM users WHERE id = $1 AND locked_until IS NOT NULL`, u.ID); n != 0 {
				t.Fatalf("locked after %d failures", i)
			}
		}
	}
	// Locked for LockFor from now.
	var left float64
	f.scan(`SELECT extract(epoch FROM locked_until - now()) FROM users WHERE id = $1`, []any{u.ID}, &left)
	if lf := store.LockFor.Seconds(); left > lf || left < lf-60 {
		t.Fatalf("locked for %.0fs more, want about %.0fs", left, lf)
	}
	lockedUser, err := f.st.UserByUsername(f.ctx, u.Username)
	if err != nil || lockedUser.LockedUntil == nil {
		t.Fatalf("UserByUsername = %+v, %v; want locked_until set", lockedUser, err)
	}
	if d := time.Until(*lockedUser.LockedUntil); d < store.LockFor-time.Minute || d > store.LockFor+time.Minute {
		t.Fatalf("locked_until is %v from now, want about %v", d, store.LockFor)
	}
	// Audit: five login.failure rows naming the user and one user.lock.
	if n := f.count(`SELECT count(*) FROM audit_log WHERE action = 'login.failure' AND entity_id = $1 AND remote = $2 AND province_id = $3`,
		itoa(u.ID), a.Remote, f.province["fars"]); n != store.LockAfter {
		t.Errorf("%d login.failure rows for the user, want %d", n, store.LockAfter)
	}
	if n := f.auditCount("user.lock"); n != 1 {
		t.Fatalf("%d user.lock rows, want 1", n)
	}
	var d struct{ Failures, Minutes int }
	r := f.lastAudit("user.lock")
	if err := json.Unmarshal([]byte(r.Detail), &d); err != nil {
		t.Fatal(err)
	}
	if d.Failures != store.LockAfter || d.Minutes != 15 || r.EntityID != itoa(u.ID) || r.ProvinceID != f.province["fars"] {
		t.Errorf("user.lock row %+v", r)
	}
	// The failures that led to the lock are cleared, so they do not count again after it.
	if n := f.count(`SELECT count(*) FROM login_failures WHERE username = $1`, u.Username); n != 0 {
		t.Errorf("%d failures left after the lock, want 0", n)
	}
	// While locked, further failures are recorded but neither re-lock nor extend the lock.
	var until time.Time
	f.scan(`SELECT locked_until FROM users WHERE id = $1`, []any{u.ID}, &until)
	for i := 1; i <= store.LockAfter+1; i++ {
		locked, err := f.st.LoginFailed(f.ctx, a, u.Username, &lockedUser)
		if err != nil || locked {
			t.Fatalf("failure %d while locked: locked = %v, err = %v", i, locked, err)
		}
	}
	var until2 time.Time
	f.scan(`SELECT locked_until FROM users WHERE id = $1`, []any{u.ID}, &until2)
	if !until2.Equal(until) || f.auditCount("user.lock") != 1 {
		t.Errorf("the lock moved from %v to %v (%d user.lock rows)", until, until2, f.auditCount("user.lock"))
	}
	f.verifyChain()
}

func TestLoginFailed(t *testing.T) {
	tests := []struct {
		name       string
		username   string
		known      bool
		recent     int // failures already recorded within the window
		old        int // failures older than the window
		others     int // recent failures for another name
		wantLocked bool
	}{
		{name: "first failure", username: "hq.fars", known: true},
		{name: "fourth failure", username: "hq.fars", known: true, recent: 3},
		{name: "fifth failure", username: "hq.fars", known: true, recent: 4, wantLocked: true},
		{name: "many failures", username: "hq.fars", known: true, recent: 20, wantLocked: true},
		{name: "old failures do not count", username: "hq.fars", known: true, recent: 3, old: 10},
		{name: "other names do not count", username: "hq.fars", known: true, recent: 3, others: 10},
		{name: "unknown name never locks", username: "nobody", recent: 10},
		{name: "unknown name, first", username: "nobody"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.addFailures(tt.username, "203.0.113.9", tt.recent, time.Minute)
			f.addFailures(tt.username, "203.0.113.9", tt.old, store.LockWindow+time.Minute)
			f.addFailures("someone.else", "203.0.113.9", tt.others, time.Minute)
			var u *store.User
			if tt.known {
				user, err := f.st.UserByUsername(f.ctx, tt.username)
				if err != nil {
					t.Fatal(err)
				}
				u = &user
			}
			failures, audits := f.count(`SELECT count(*) FROM login_failures`), f.auditCount("login.failure")
			locked, err := f.st.LoginFailed(f.ctx, anon("203.0.113.9"), tt.username, u)
			if err != nil {
				t.Fatal(err)
			}
			if locked != tt.wantLocked {
				t.Fatalf("locked = %v, want %v", locked, tt.wantLocked)
			}
			if n := f.auditCount("login.failure"); n != audits+1 {
				t.Errorf("%d login.failure rows added, want 1", n-audits)
			}
			r := f.lastAudit("login.failure")
			var d map[string]string
			if err := json.Unmarshal([]byte(r.Detail), &d); err != nil {
				t.Fatal(err)
			}
			wantEntity, wantProvince := "", int64(0)
			if tt.known {
				wantEntity, wantProvince = itoa(u.ID), f.province["fars"]
			}
			if d["username"] != tt.username || r.EntityID != wantEntity || r.ProvinceID != wantProvince || r.Remote != "203.0.113.9" {
				t.Errorf("login.failure row %+v", r)
			}
			nLocked := f.count(`SELECT count(*) FROM users WHERE locked_until > now()`)
			if tt.wantLocked {
				if nLocked != 1 || f.count(`SELECT count(*) FROM users WHERE username = $1 AND locked_until > now()`, tt.username) != 1 {
					t.Errorf("%d locked users, want only %s", nLocked, tt.username)
				}
				if n := f.count(`SELECT count(*) FROM login_failures WHERE username = $1`, tt.username); n != 0 {
					t.Errorf("%d failures left for the locked name", n)
				}
				if n := f.count(`SELECT count(*) FROM login_failures WHERE username = 'someone.else'`); n != tt.others {
					t.Errorf("the lock cleared other names' failures")
				}
			} else {
				if nLocked != 0 {
					t.Errorf("%d locked users, want none", nLocked)
				}
				// The failure is recorded, for unknown names too.
				if n := f.count(`SELECT count(*) FROM login_failures`); n != failures+1 {
					t.Errorf("%d failures recorded, want 1", n-failures)
				}
				if n := f.count(`SELECT count(*) FROM login_failures WHERE username = $1`, tt.username); n != tt.recent+tt.old+1 {
					t.Errorf("%d failures for %s, want %d", n, tt.username, tt.recent+tt.old+1)
				}
			}
		})
	}
}

func TestRecentFailuresFrom(t *testing.T) {
	f := newFixture(t)
	f.addFailures("a", "192.0.2.1", 3, time.Minute)
	f.addFailures("b", "192.0.2.1", 2, 10*time.Minute)
	f.addFailures("a", "192.0.2.1", 4, 16*time.Minute) // outside the 15-minute window
	f.addFailures("a", "192.0.2.2", 1, time.Second)
	f.addFailures("a", "192.0.2.3", 6, 2*time.Hour)
	// and through LoginFailed, known and unknown names alike
	u, err := f.st.UserByUsername(f.ctx, "hq.fars")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"hq.fars", "ghost", "ghost"} {
		var user *store.User
		if name == "hq.fars" {
			user = &u
		}
		if _, err := f.st.LoginFailed(f.ctx, anon("192.0.2.4"), name, user); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		remote string
		want   int
	}{
		{"192.0.2.1", 5},
		{"192.0.2.2", 1},
		{"192.0.2.3", 0},
		{"192.0.2.4", 3},
		{"192.0.2.5", 0},
		{"", 0},
	}
	for _, tt := range tests {
		t.Run(tt.remote, func(t *testing.T) {
			got, err := f.st.RecentFailuresFrom(f.ctx, tt.remote)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("RecentFailuresFrom(%q) = %d, want %d", tt.remote, got, tt.want)
			}
		})
	}
}

func TestLoginSucceededClearsFailures(t *testing.T) {
	f := newFixture(t)
	u, err := f.st.UserByUsername(f.ctx, "gov.marvdasht")
	if err != nil {
		t.Fatal(err)
	}
	for range store.LockAfter - 1 {
		if _, err := f.st.LoginFailed(f.ctx, anon("192.0.2.1"), u.Username, &u); err != nil {
			t.Fatal(err)
		}
	}
	f.addFailures("gov.pasargad", "192.0.2.1", 2, time.Minute)
	a := audit.Actor{ID: u.ID, Name: u.Username, Remote: "192.0.2.1"}
	if err := f.st.LoginSucceeded(f.ctx, a, u, 50); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM login_failures WHERE username = $1`, u.Username); n != 0 {
		t.Fatalf("%d failures left for the user", n)
	}
	if n := f.count(`SELECT count(*) FROM login_failures WHERE username = 'gov.pasargad'`); n != 2 {
		t.Fatalf("another user's failures were cleared: %d left, want 2", n)
	}
	r := f.lastAudit("login.success")
	if r.ActorID != u.ID || r.EntityID != itoa(u.ID) || r.ProvinceID != f.province["fars"] {
		t.Fatalf("login.success row %+v", r)
	}
	// The count starts again: four more failures do not lock, the fifth does.
	for i := 1; i <= store.LockAfter; i++ {
		locked, err := f.st.LoginFailed(f.ctx, anon("192.0.2.1"), u.Username, &u)
		if err != nil || locked != (i == store.LockAfter) {
			t.Fatalf("failure %d after the login: locked = %v, err = %v", i, locked, err)
		}
	}
	if err := f.st.LoggedOut(f.ctx, a, u.ProvinceID); err != nil {
		t.Fatal(err)
	}
	if r := f.lastAudit("logout"); r.ActorID != u.ID || r.ProvinceID != f.province["fars"] {
		t.Fatalf("logout row %+v", r)
	}
	f.verifyChain()
}

func TestDeleteExpired(t *testing.T) {
	f := newFixture(t)
	sessions := []struct {
		token      string
		seen, ends time.Duration // last_seen and expires_at relative to now; the idle timeout is 30 minutes
		keep       bool
	}{
		{"expired-long-ago", -48 * time.Hour, -36 * time.Hour, false},
		{"idle-13-hours-ago", -13*time.Hour - 30*time.Minute, time.Hour, false},
		{"ended-13-hours-ago", -time.Hour, -13 * time.Hour, false},
		// An ended session still names its user for a while, so that a form posted with it is kept.
		{"idle-11-hours-ago", -11*time.Hour - 30*time.Minute, time.Hour, true},
		{"ended-11-hours-ago", -time.Hour, -11 * time.Hour, true},
		{"expired-just-now", -31 * time.Minute, time.Hour, true},
		{"valid-soon", -time.Minute, time.Minute, true},
		{"valid-long", 0, 12 * time.Hour, true},
	}
	for _, s := range sessions {
		f.exec(`INSERT INTO sessions (token_hash, last_seen, expires_at)
			VALUES (sha256(convert_to($1, 'UTF8')), now() + make_interval(secs => $2), now() + make_interval(secs => $3))`,
			s.token, s.seen.Seconds(), s.ends.Seconds())
	}
	forms := []struct {
		user string
		ago  time.Duration
		keep bool
	}{
		{"gov.marvdasht", 3 * time.Hour, false},
		{"gov.pasargad", 2*time.Hour + time.Minute, false},
		{"hq.fars", 2*time.Hour - time.Minute, true},
		{"observer.fars", 0, true},
	}
	for _, pf := range forms {
		f.exec(`INSERT INTO pending_forms (token, user_id, action, page, form_values, created_at)
			VALUES ($1, $2, '/x', '/', '{}', now() - make_interval(secs => $3))`, pf.user, f.user[pf.user], pf.ago.Seconds())
	}
	failures := []struct {
		username string
		ago      time.Duration
		keep     bool
	}{
		{"two-days", 48 * time.Hour, false},
		{"a-day-and-a-minute", 24*time.Hour + time.Minute, false},
		{"almost-a-day", 24*time.Hour - time.Minute, true},
		{"an-hour", time.Hour, true},
		{"now", 0, true},
	}
	for _, fl := range failures {
		f.addFailures(fl.username, "192.0.2.1", 1, fl.ago)
	}
	if err := f.st.DeleteExpired(f.ctx, 30*time.Minute); err != nil {
		t.Fatal(err)
	}
	for _, s := range sessions {
		if got := f.count(`SELECT count(*) FROM sessions WHERE token_hash = sha256(convert_to($1, 'UTF8'))`, s.token) == 1; got != s.keep {
			t.Errorf("session %s kept = %v, want %v", s.token, got, s.keep)
		}
	}
	for _, fl := range failures {
		if got := f.count(`SELECT count(*) FROM login_failures WHERE username = $1`, fl.username) == 1; got != fl.keep {
			t.Errorf("failure %s kept = %v, want %v", fl.username, got, fl.keep)
		}
	}
	for _, pf := range forms {
		if got := f.count(`SELECT count(*) FROM pending_forms WHERE token = $1`, pf.user) == 1; got != pf.keep {
			t.Errorf("form kept %v ago: kept = %v, want %v", pf.ago, got, pf.keep)
		}
	}
}

// Whatever happened while the password was being verified is checked again before the login goes ahead.
func TestLoginSucceededChecksAgain(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, f *fixture, u *store.User)
		want    error
	}{
		{"locked meanwhile by a burst", func(t *testing.T, f *fixture, u *store.User) {
			stale := *u // the user as read before the burst
			for range store.LockAfter {
				if _, err := f.st.LoginFailed(f.ctx, anon("198.51.100.1"), u.Username, &stale); err != nil {
					t.Fatal(err)
				}
			}
		}, store.ErrLoginRefused},
		{"at the failure limit", func(t *testing.T, f *fixture, u *store.User) {
			f.addFailures(u.Username, "198.51.100.1", store.LockAfter, time.Minute)
		}, store.ErrLoginRefused},
		{"disabled meanwhile", func(t *testing.T, f *fixture, u *store.User) {
			if _, err := f.st.Pool().Exec(f.ctx, `UPDATE users SET disabled_at = now() WHERE id = $1`, u.ID); err != nil {
				t.Fatal(err)
			}
		}, store.ErrLoginRefused},
		{"the address reached its limit", func(t *testing.T, f *fixture, u *store.User) {
			f.addFailures("someone.else", "192.0.2.77", 3, time.Minute)
		}, store.ErrTooManyFrom},
		{"nothing happened", func(t *testing.T, f *fixture, u *store.User) {}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			u, err := f.st.UserByUsername(f.ctx, "gov.marvdasht")
			if err != nil {
				t.Fatal(err)
			}
			tt.prepare(t, f, &u)
			before := f.count(`SELECT count(*) FROM audit_log`)
			err = f.st.LoginSucceeded(f.ctx, audit.Actor{ID: u.ID, Name: u.Username, Remote: "192.0.2.77"}, u, 3)
			if !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Fatalf("LoginSucceeded = %v, want %v", err, tt.want)
			}
			wrote := f.count(`SELECT count(*) FROM audit_log`) - before
			if tt.want != nil && wrote != 0 || tt.want == nil && wrote != 1 {
				t.Fatalf("wrote %d audit rows", wrote)
			}
		})
	}
}

// A failed login locks the user's row (when it locks the account) and HQ disabling or enabling that user
// locks the same row; both append to the audit chain. Run together for a couple of seconds, none of them
// may fail (no deadlock, 40P01) and the chain must verify afterwards.
func TestFailedLoginsWhileHQDisablesNoDeadlock(t *testing.T) {
	f := newFixture(t)
	u, err := f.st.UserByUsername(f.ctx, "gov.marvdasht")
	if err != nil {
		t.Fatal(err)
	}
	hq := audit.Actor{ID: f.user["hq.fars"], Name: "hq.fars", Remote: "203.0.113.9"}
	ctx, cancel := context.WithTimeout(f.ctx, 2500*time.Millisecond)
	defer cancel()
	var (
		wg         sync.WaitGroup
		mu         sync.Mutex
		errs       []error
		logins     int
		toggles    int
		stillGoing = func() bool { return ctx.Err() == nil }
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err)
	}
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := anon("198.51.100." + itoa(int64(w+1)))
			for stillGoing() {
				// A background context: the deadline ends the loop, never a statement half-way.
				if _, err := f.st.LoginFailed(context.Background(), a, u.Username, &u); err != nil {
					fail(err)
					return
				}
				mu.Lock()
				logins++
				mu.Unlock()
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for disabled := true; stillGoing(); disabled = !disabled {
			if err := f.st.SetUserDisabled(context.Background(), hq, f.hq("fars"), u.ID, 0, disabled); err != nil {
				fail(err)
				return
			}
			mu.Lock()
			toggles++
			mu.Unlock()
		}
	}()
	wg.Wait()
	for _, err := range errs {
		var pg *pgconn.PgError
		if errors.As(err, &pg) && pg.Code == "40P01" {
			t.Errorf("deadlock: %v", err)
		} else {
			t.Errorf("unexpected error: %v", err)
		}
	}
	if logins < 20 || toggles < 5 {
		t.Errorf("only %d failed logins and %d disable/enable ran: the race was not exercised", logins, toggles)
	}
	if n := f.auditCount("user.lock"); n == 0 {
		t.Error("no failed login locked the account: the user row was never contended")
	}
	f.verifyChain()
}
