package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/setad/setad/internal/config"
	"github.com/setad/setad/internal/dbtest"
	"github.com/setad/setad/internal/store"
)

// exec changes the database by hand, as an administrator's SQL would: the triggers fire.
func (a *testApp) exec(sql string, args ...any) {
	a.t.Helper()
	if _, err := a.st.Pool().Exec(context.Background(), sql, args...); err != nil {
		a.t.Fatal(err)
	}
}

// A page is kept for its user's next view and served until anything it may show changes, whoever changes
// it and however; each user, language and day has its own.
func TestPagesKeptUntilTheDataChanges(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	// Two more sessions of HQ, one reading English: signing in and choosing a language are writes too.
	hq, again, en := a.login("hq.fars"), a.login("hq.fars"), a.login("hq.fars")
	a.get(en, "/lang/en")
	name := func(c *http.Client) string {
		t.Helper()
		body := a.get(c, "/admin/users/"+itoa(a.ids["gov.pasargad"])).body
		for _, n := range []string{"نام پیشین", "نام پنهان", "نام تازه"} {
			if strings.Contains(body, n) {
				return n
			}
		}
		return ""
	}
	a.exec(`UPDATE users SET full_name = 'نام پیشین' WHERE username = 'gov.pasargad'`)
	if got := name(hq); got != "نام پیشین" {
		t.Fatalf("after a change by hand: %q", got)
	}
	// Behind the triggers, the change is not seen: the page is served as it was kept.
	a.behindTheCaches(`UPDATE users SET full_name = 'نام پنهان' WHERE username = 'gov.pasargad'`)
	if got := name(hq); got != "نام پیشین" {
		t.Fatalf("a change behind the triggers shows at once (%q): the page was not kept", got)
	}
	// Another session of the same user is served the same page; the page in English is drawn for itself.
	if got := name(again); got != "نام پیشین" {
		t.Fatalf("another session of the same user: %q", got)
	}
	if got := name(en); got != "نام پنهان" {
		t.Fatalf("the English page: %q, want it drawn anew", got)
	}
	// The next day, it is drawn again (the header shows today).
	a.s.now = func() time.Time { return time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC) }
	if got := name(hq); got != "نام پنهان" {
		t.Fatalf("the next day: %q", got)
	}
	// Any committed change of what pages show draws every page anew: here a failed login, elsewhere.
	a.behindTheCaches(`UPDATE users SET full_name = 'نام تازه' WHERE username = 'gov.pasargad'`)
	if res := a.post(a.client(), "/login", url.Values{"username": {"observer"}, "password": {"wrong"}}); res.status != http.StatusUnauthorized {
		t.Fatalf("failed login: %d", res.status)
	}
	if got := name(hq); got != "نام تازه" {
		t.Fatalf("after another change: %q", got)
	}
}

// A page that shows a lock shows it no longer once the lock has ended, though nothing was written.
func TestKeptPageEndsWithTheLockItShows(t *testing.T) {
	a := newTestApp(t)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	a.s.now = func() time.Time { return now }
	hq := a.login("hq.fars")
	a.exec(`UPDATE users SET locked_until = $1 WHERE username = 'gov.pasargad'`, now.Add(15*time.Minute))
	path := "/admin/users/" + itoa(a.ids["gov.pasargad"])
	mustContain(t, a.get(hq, path).body, "قفل موقت")
	now = now.Add(14 * time.Minute)
	mustContain(t, a.get(hq, path).body, "قفل موقت")
	now = now.Add(time.Minute)
	mustNotContain(t, a.get(hq, path).body, "قفل موقت")
}

// A backup restored under a running server counts the data version again through numbers the process has
// already seen with other data: the page it kept at a number is not served when the restored database
// reaches that number again.
func TestKeptPageNotServedAfterARestore(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	hq := a.login("hq.fars")
	path := "/admin/users/" + itoa(a.ids["gov.pasargad"])
	a.exec(`UPDATE users SET full_name = 'نام پشتیبان' WHERE username = 'gov.pasargad'`)
	var generation, backup int64
	if err := a.st.Pool().QueryRow(context.Background(), `SELECT generation, data_version FROM cache_state`).
		Scan(&generation, &backup); err != nil {
		t.Fatal(err)
	}
	// After the backup, one change, seen and kept.
	a.exec(`UPDATE users SET full_name = 'نام ازدست‌رفته' WHERE username = 'gov.pasargad'`)
	mustContain(t, a.get(hq, path).body, "نام ازدست‌رفته")
	// The restore, as pg_restore makes it: cache_state anew with the backup's numbers, the rows as they
	// were, and no trigger fires.
	a.behindTheCaches(fmt.Sprintf(`TRUNCATE cache_state;
		INSERT INTO cache_state (generation, data_version) VALUES (%d, %d);
		UPDATE users SET full_name = 'نام پشتیبان' WHERE username = 'gov.pasargad'`, generation, backup))
	mustContain(t, a.get(hq, path).body, "نام پشتیبان")
	// One change later, the restored database is at the version the lost change had reached.
	a.exec(`DELETE FROM login_failures WHERE false`)
	body := a.get(hq, path).body
	mustNotContain(t, body, "نام ازدست‌رفته")
	mustContain(t, body, "نام پشتیبان")
}

// A page that shows something once (a flash) is neither served from nor kept in the cache; so is the
// login page, which is kept for everyone signed out.
func TestFlashPagesNotKept(t *testing.T) {
	a := newTestApp(t)
	c := a.login("observer")
	anon := a.client()
	mustNotContain(t, a.get(anon, "/login").body, "از سامانه خارج شدید")
	a.get(anon, "/login")
	if res := a.post(c, "/logout", nil); res.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.status)
	}
	mustContain(t, a.get(c, "/login").body, "از سامانه خارج شدید")
	mustNotContain(t, a.get(c, "/login").body, "از سامانه خارج شدید")
	mustNotContain(t, a.get(anon, "/login").body, "از سامانه خارج شدید")
}

// Each user has his own pages, though two users see the same address.
func TestKeptPagesAreEachUsers(t *testing.T) {
	a := newTestApp(t)
	gov, dh := a.login("gov.marvdasht"), a.login("dh.marvdasht")
	profile := func(c *http.Client) string { return a.get(c, "/profile").body }
	mustContain(t, profile(gov), "gov.marvdasht")
	mustContain(t, profile(dh), "dh.marvdasht")
	mustNotContain(t, profile(dh), "gov.marvdasht")
}

// With SETAD_PAGE_CACHE_MB=0 every page is drawn anew.
func TestPageCacheOff(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) { c.PageCacheMB = 0 })
	hq := a.login("hq.fars")
	path := "/admin/users/" + itoa(a.ids["gov.pasargad"])
	a.get(hq, path)
	a.behindTheCaches(`UPDATE users SET full_name = 'نام پنهان' WHERE username = 'gov.pasargad'`)
	mustContain(t, a.get(hq, path).body, "نام پنهان")
	if b, n := a.s.pages.Size(); b != 0 || n != 0 {
		t.Fatalf("kept %d pages (%d bytes) with the cache off", n, b)
	}
}

// A page served again costs the request's one query, for its session, user and version, and nothing else.
func TestKeptPageCostsOneQuery(t *testing.T) {
	dbURL := dbtest.NewDatabase(t)
	pc, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	trips := &roundTrips{}
	pc.ConnConfig.Tracer = trips
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	a := newTestAppOn(t, store.New(pool), dbURL)
	a.withElection()
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	hq := a.login("hq.fars")
	for _, p := range []string{"/", "/boards", "/candidates", "/audit", "/counties/marvdasht", "/admin/users", "/profile"} {
		first := a.get(hq, p)
		before := trips.n.Load()
		again := a.get(hq, p)
		if n := trips.n.Load() - before; n != 1 {
			t.Errorf("%s served again: %d round trips, want 1", p, n)
		}
		if again.status != http.StatusOK || again.body != first.body {
			t.Errorf("%s served again: %d, the same page: %v", p, again.status, again.body == first.body)
		}
	}
	anon := a.client()
	a.get(anon, "/login")
	before := trips.n.Load()
	if res := a.get(anon, "/login"); res.status != http.StatusOK || trips.n.Load() != before {
		t.Errorf("the login page served again: %d, %d round trips", res.status, trips.n.Load()-before)
	}
}
