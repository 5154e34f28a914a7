package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/config"
	"github.com/setad/setad/internal/dbtest"
	"github.com/setad/setad/internal/password"
	"github.com/setad/setad/internal/seed"
	"github.com/setad/setad/internal/store"
)

const testPassword = "password-1234"

// cheap hashing keeps the suite fast; the parameters travel in each hash, so nothing else changes.
var cheap = password.Params{Time: 1, MemoryKiB: 1024, Threads: 1}

// testUsers is one user per role, placed in the counties of the source document.
var testUsers = []auth.Account{
	{Username: "hq.fars", FullName: "مریم کریمی", Role: "hq", Province: "fars"},
	{Username: "gov.marvdasht", FullName: "علی رضایی", Role: "governor", County: "marvdasht"},
	{Username: "gov.pasargad", FullName: "حسن موسوی", Role: "governor", County: "pasargad"},
	{Username: "dh.marvdasht", FullName: "زهرا محمدی", Role: "district_head", District: "marvdasht-central"},
	{Username: "committee", FullName: "سارا جعفری", Role: "committee", Province: "fars", Committee: "technology"},
	{Username: "observer", FullName: "فاطمه صادقی", Role: "observer", Province: "fars"},
	{Username: "national", FullName: "احمد کاظمی", Role: "national"},
}

// syncBuffer is a log sink that tests can read while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type testApp struct {
	t     testing.TB
	st    *store.Store
	srv   *httptest.Server
	s     *Server
	logs  *syncBuffer
	dbURL string
	ids   map[string]int64
}

// newTestApp serves Setad over a fresh database holding the reference data and testUsers.
func newTestApp(t testing.TB, edit ...func(*config.Config)) *testApp {
	t.Helper()
	st, dbURL := dbtest.NewStore(t)
	return newTestAppOn(t, st, dbURL, edit...)
}

func newTestAppOn(t testing.TB, st *store.Store, dbURL string, edit ...func(*config.Config)) *testApp {
	t.Helper()
	ctx := context.Background()
	if err := seed.Reference(ctx, st); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Password = cheap
	for _, e := range edit {
		e(&cfg)
	}
	logs := &syncBuffer{}
	h := password.NewHasher(cheap, 2)
	sctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	s := New(sctx, cfg, slog.New(slog.NewJSONHandler(logs, nil)), st, h)
	srv := httptest.NewServer(s.Routes())
	t.Cleanup(srv.Close)
	a := &testApp{t: t, st: st, srv: srv, s: s, logs: logs, dbURL: dbURL, ids: map[string]int64{}}
	hash, _ := h.Hash(ctx, testPassword)
	for _, acc := range testUsers {
		id, err := st.CreateUser(ctx, audit.System, auth.Scope{}, acc, hash)
		if err != nil {
			t.Fatalf("create %s: %v", acc.Username, err)
		}
		a.ids[acc.Username] = id
	}
	return a
}

// client is a browser-like client: it keeps cookies and does not follow redirects.
func (a *testApp) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar:           jar,
		Timeout:       20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (a *testApp) do(c *http.Client, method, path string, form url.Values, headers ...string) response {
	a.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, a.srv.URL+path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (a *testApp) get(c *http.Client, path string) response {
	return a.do(c, http.MethodGet, path, nil)
}

func (a *testApp) post(c *http.Client, path string, form url.Values) response {
	return a.do(c, http.MethodPost, path, form)
}

// login signs a fresh client in as username and fails the test unless it worked.
func (a *testApp) login(username string) *http.Client {
	a.t.Helper()
	c := a.client()
	res := a.post(c, "/login", url.Values{"username": {username}, "password": {testPassword}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/" {
		a.t.Fatalf("login %s: %d %s", username, res.status, res.header.Get("Location"))
	}
	return c
}

// count runs a count query.
func (a *testApp) count(sql string, args ...any) int {
	a.t.Helper()
	var n int
	if err := a.st.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

func mustContain(t testing.TB, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func mustNotContain(t testing.TB, body string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(body, n) {
			t.Errorf("page contains %q", n)
		}
	}
}
