package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/setad/setad/internal/config"
	"github.com/setad/setad/internal/dbtest"
	"github.com/setad/setad/internal/store"
)

const failedFa = "نام کاربری یا گذرواژه نادرست است"

func sessionToken(c *http.Client, a *testApp) string {
	u, _ := url.Parse(a.srv.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "setad_session" {
			return ck.Value
		}
	}
	return ""
}

func TestLoginSuccessAndLogout(t *testing.T) {
	a := newTestApp(t)
	c := a.client()
	a.get(c, "/login") // an anonymous session may exist before login
	before := sessionToken(c, a)
	res := a.post(c, "/login", url.Values{"username": {"Gov.Marvdasht"}, "password": {testPassword}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/" {
		t.Fatalf("login: %d to %q", res.status, res.header.Get("Location"))
	}
	set := res.header.Values("Set-Cookie")
	var cookie string
	for _, s := range set {
		if strings.HasPrefix(s, "setad_session=") {
			cookie = s
		}
	}
	for _, attr := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, attr) {
			t.Errorf("session cookie %q lacks %s", cookie, attr)
		}
	}
	after := sessionToken(c, a)
	if after == "" || after == before {
		t.Fatalf("session token not renewed at login: before %q after %q", before, after)
	}
	// The database holds a hash of the token, never the token.
	if n := a.count(`SELECT count(*) FROM sessions WHERE token_hash = sha256(convert_to($1, 'UTF8')) AND user_id = $2`,
		after, a.ids["gov.marvdasht"]); n != 1 {
		t.Fatalf("%d sessions stored under the token's hash", n)
	}
	if n := a.count(`SELECT count(*) FROM sessions s WHERE strpos(s::text, $1) > 0`, after); n != 0 {
		t.Fatal("the session token is stored")
	}
	home := a.get(c, "/")
	if home.status != http.StatusOK {
		t.Fatalf("home: %d", home.status)
	}
	mustContain(t, home.body, "علی رضایی", "فرماندار", "مرودشت", `lang="fa"`, `dir="rtl"`)
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'login.success' AND actor = 'gov.marvdasht'`); n != 1 {
		t.Errorf("login.success audit rows = %d, want 1", n)
	}

	out := a.post(c, "/logout", url.Values{})
	if out.status != http.StatusSeeOther || out.header.Get("Location") != "/login" {
		t.Fatalf("logout: %d to %q", out.status, out.header.Get("Location"))
	}
	if tok := sessionToken(c, a); tok == after {
		t.Error("session token not renewed at logout")
	}
	if res := a.get(c, "/"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/login") {
		t.Fatalf("after logout / answers %d %q", res.status, res.header.Get("Location"))
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'logout' AND actor = 'gov.marvdasht'`); n != 1 {
		t.Errorf("logout audit rows = %d, want 1", n)
	}
	// The old token is worthless too, even replayed by hand.
	old := a.client()
	u, _ := url.Parse(a.srv.URL)
	old.Jar.SetCookies(u, []*http.Cookie{{Name: "setad_session", Value: after}})
	if res := a.get(old, "/"); res.status != http.StatusSeeOther {
		t.Fatalf("replayed pre-logout token answers %d", res.status)
	}
}

func TestLoginFailureIsTheSameForUnknownAndWrong(t *testing.T) {
	a := newTestApp(t)
	unknown := a.post(a.client(), "/login", url.Values{"username": {"nobody"}, "password": {testPassword}})
	wrong := a.post(a.client(), "/login", url.Values{"username": {"hq.fars"}, "password": {"wrong-password"}})
	for name, res := range map[string]response{"unknown": unknown, "wrong": wrong} {
		if res.status != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, res.status)
		}
		mustContain(t, res.body, failedFa)
		mustNotContain(t, res.body, testPassword, "wrong-password")
	}
	strip := func(s string) string { // the only differences allowed: the typed user name
		s = strings.ReplaceAll(s, "nobody", "X")
		return strings.ReplaceAll(s, `value="hq.fars"`, `value="X"`)
	}
	if strip(unknown.body) != strip(wrong.body) {
		t.Error("unknown user and wrong password answer differently")
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'login.failure'`); n != 2 {
		t.Errorf("login.failure audit rows = %d, want 2", n)
	}
	// The form comes back with the user name, never the password.
	mustContain(t, wrong.body, `value="hq.fars"`)
}

func TestLockOut(t *testing.T) {
	a := newTestApp(t)
	for i := range 5 {
		res := a.post(a.client(), "/login", url.Values{"username": {"observer"}, "password": {"bad-password"}})
		if res.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i+1, res.status)
		}
	}
	if n := a.count(`SELECT count(*) FROM users WHERE username = 'observer' AND locked_until > now() + interval '14 minutes'`); n != 1 {
		t.Fatal("five failures did not lock the account for 15 minutes")
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'user.lock'`); n != 1 {
		t.Errorf("user.lock audit rows = %d, want 1", n)
	}
	// Locked: even the right password is refused, with the same message.
	res := a.post(a.client(), "/login", url.Values{"username": {"observer"}, "password": {testPassword}})
	if res.status != http.StatusUnauthorized {
		t.Fatalf("locked account logged in: %d", res.status)
	}
	mustContain(t, res.body, failedFa)
	// Other users are not affected.
	a.login("hq.fars")
	// When the lock expires, the right password works again.
	if _, err := a.st.Pool().Exec(t.Context(), `UPDATE users SET locked_until = now() - interval '1 second' WHERE username = 'observer'`); err != nil {
		t.Fatal(err)
	}
	a.login("observer")
}

func TestLoginLimitPerAddress(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) { c.LoginIPLimit = 3 })
	for i := range 3 {
		a.post(a.client(), "/login", url.Values{"username": {"user" + string(rune('a'+i)) + "xx"}, "password": {"bad-password"}})
	}
	res := a.post(a.client(), "/login", url.Values{"username": {"hq.fars"}, "password": {testPassword}})
	if res.status != http.StatusTooManyRequests {
		t.Fatalf("fourth attempt from one address: %d, want 429", res.status)
	}
	mustContain(t, res.body, "تلاش‌های ناموفق از این نشانی")
}

func TestDisabledUserSessionEnds(t *testing.T) {
	a := newTestApp(t)
	gov := a.login("gov.pasargad")
	if res := a.get(gov, "/"); res.status != http.StatusOK {
		t.Fatalf("home: %d", res.status)
	}
	hq := a.login("hq.fars")
	id := a.ids["gov.pasargad"]
	res := a.post(hq, "/admin/users/"+itoa(id)+"/disable", url.Values{"version": {"1"}, "confirm": {"yes"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.status)
	}
	if res := a.get(gov, "/"); res.status != http.StatusSeeOther {
		t.Fatalf("a disabled user's session still works: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM sessions WHERE user_id = $1`, id); n != 0 {
		t.Fatalf("%d sessions of the disabled user remain after their next request", n)
	}
	if res := a.post(a.client(), "/login", url.Values{"username": {"gov.pasargad"}, "password": {testPassword}}); res.status != http.StatusUnauthorized {
		t.Fatalf("a disabled user logged in: %d", res.status)
	}
}

func TestIdleTimeout(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) { c.SessionIdle = time.Second })
	c := a.login("hq.fars")
	time.Sleep(1500 * time.Millisecond)
	if res := a.get(c, "/"); res.status != http.StatusSeeOther {
		t.Fatalf("an idle session outlived its timeout: %d", res.status)
	}
}

func TestLoginRedirectsBack(t *testing.T) {
	a := newTestApp(t)
	c := a.client()
	res := a.get(c, "/counties/marvdasht")
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/login?next=%2Fcounties%2Fmarvdasht" {
		t.Fatalf("anonymous page: %d %q", res.status, res.header.Get("Location"))
	}
	res = a.post(c, "/login", url.Values{"username": {"hq.fars"}, "password": {testPassword}, "next": {"/counties/marvdasht"}})
	if res.header.Get("Location") != "/counties/marvdasht" {
		t.Fatalf("login went to %q", res.header.Get("Location"))
	}
	for _, evil := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example"} {
		res = a.post(a.client(), "/login", url.Values{"username": {"hq.fars"}, "password": {testPassword}, "next": {evil}})
		if res.header.Get("Location") != "/" {
			t.Errorf("next=%q redirected to %q", evil, res.header.Get("Location"))
		}
	}
}

func TestHousekeeping(t *testing.T) {
	a := newTestApp(t)
	a.login("hq.fars")
	a.post(a.client(), "/login", url.Values{"username": {"nobody"}, "password": {"x"}})
	ctx := t.Context()
	// A session ended 13 hours ago names its user no more; a form kept 3 hours ago is past its life.
	if _, err := a.st.Pool().Exec(ctx, `UPDATE sessions SET last_seen = now() - interval '14 hours'`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Pool().Exec(ctx, `UPDATE login_failures SET at = now() - interval '2 days'`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Pool().Exec(ctx, `INSERT INTO pending_forms (token, user_id, action, page, form_values, created_at)
		VALUES ('old', $1, '/profile/lang', '/profile', '{"lang": ["en"]}', now() - interval '3 hours')`, a.ids["hq.fars"]); err != nil {
		t.Fatal(err)
	}
	hk, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { a.s.housekeeping(hk, 10*time.Millisecond); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for a.count(`SELECT count(*) FROM sessions`)+a.count(`SELECT count(*) FROM login_failures`)+a.count(`SELECT count(*) FROM pending_forms`) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("ended sessions, old failures and old kept forms were not removed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
}

// A burst of parallel guesses cannot slip a login past the lock: no login succeeds after the lock.
func TestLoginBurstCannotPassTheLock(t *testing.T) {
	a := newTestApp(t)
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := "wrong-guess-" + itoa(int64(i))
			if i == 15 {
				pw = testPassword
			}
			a.post(a.client(), "/login", url.Values{"username": {"gov.pasargad"}, "password": {pw}})
		}()
	}
	wg.Wait()
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'user.lock'`); n != 1 {
		t.Fatalf("user.lock rows = %d, want 1", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_log s, audit_log l WHERE s.action = 'login.success' AND l.action = 'user.lock' AND s.id > l.id`); n != 0 {
		t.Fatal("a login succeeded after the account was locked")
	}
	// The right password may arrive before the fifth failure: its success clears the failures, and the lock
	// then takes five more.
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'login.failure'
		AND id < (SELECT id FROM audit_log WHERE action = 'user.lock')
		AND id > coalesce((SELECT max(id) FROM audit_log WHERE action = 'login.success'), 0)`); n != 5 {
		t.Fatalf("%d failures before the lock since the last success, want exactly 5", n)
	}
}

// statements records the SQL of every query sent through a pool.
type statements struct {
	mu  sync.Mutex
	sql []string
}

func (s *statements) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sql = append(s.sql, strings.Join(strings.Fields(d.SQL), " "))
	return ctx
}

func (s *statements) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// during returns the statements sent while do ran.
func (s *statements) during(do func()) []string {
	s.mu.Lock()
	n := len(s.sql)
	s.mu.Unlock()
	do()
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sql[n:]...)
}

// A signed-in page view reads its session with the user and his scope in one query and writes nothing. It
// writes one statement only to renew last_seen once it is more than a minute old, or to take away a flash
// it shows; a request without a session cookie runs no query at all.
func TestSessionReadIsOneQuery(t *testing.T) {
	dbURL := dbtest.NewDatabase(t)
	pc, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	log := &statements{}
	pc.ConnConfig.Tracer = log
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	a := newTestAppOn(t, store.New(pool), dbURL)
	hq := a.login("hq.fars")
	// The profile page runs no query of its own: what it costs is the session's.
	view := func() (res response, sql []string) {
		t.Helper()
		sql = log.during(func() { res = a.get(hq, "/profile") })
		if res.status != http.StatusOK {
			t.Fatalf("/profile: %d", res.status)
		}
		return res, sql
	}
	row := func() string {
		var s string
		if err := pool.QueryRow(t.Context(), `SELECT s::text FROM sessions s`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}

	before := row()
	for range 3 {
		res, sql := view()
		if len(sql) != 1 || !strings.HasPrefix(sql[0], "SELECT") || !strings.Contains(sql[0], "FROM sessions s") {
			t.Fatalf("a signed-in page view sent %d statements: %q", len(sql), sql)
		}
		mustContain(t, res.body, "مریم کریمی")
	}
	if after := row(); after != before {
		t.Errorf("a page view changed the session:\n%s\n%s", before, after)
	}
	if sql := log.during(func() { a.get(a.client(), "/login") }); len(sql) != 0 {
		t.Errorf("the login page without a session cookie sent %q", sql)
	}

	// Two minutes later, the next view renews last_seen; the one after writes nothing again.
	if _, err := pool.Exec(t.Context(), `UPDATE sessions SET last_seen = now() - interval '2 minutes'`); err != nil {
		t.Fatal(err)
	}
	if _, sql := view(); len(sql) != 2 || !strings.HasPrefix(sql[1], "UPDATE sessions") {
		t.Fatalf("a view two minutes after the last sent %q", sql)
	}
	if a.count(`SELECT count(*) FROM sessions WHERE last_seen > now() - interval '10 seconds'`) != 1 {
		t.Fatal("last_seen was not renewed")
	}
	if _, sql := view(); len(sql) != 1 {
		t.Fatalf("a view just after the renewal sent %q", sql)
	}

	// A flash is shown once and taken away by one statement.
	a.post(hq, "/profile/lang", url.Values{"lang": {"fa"}})
	res, sql := view()
	mustContain(t, res.body, "زبان شما ذخیره شد")
	if len(sql) != 2 || !strings.HasPrefix(sql[1], "UPDATE sessions") {
		t.Fatalf("the view showing a flash sent %q", sql)
	}
	res, sql = view()
	mustNotContain(t, res.body, "زبان شما ذخیره شد")
	if len(sql) != 1 {
		t.Fatalf("the view after the flash sent %q", sql)
	}
}
