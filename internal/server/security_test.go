package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/setad/setad/internal/dbtest"
	"github.com/setad/setad/internal/store"
)

func TestCrossOriginPostRefused(t *testing.T) {
	a := newTestApp(t)
	hq := a.login("hq.fars")
	before := a.count(`SELECT count(*) FROM audit_log`)
	create := url.Values{"username": {"evil.user"}, "full_name": {"X"}, "role": {"observer"}, "password": {"long-password-1"}}
	for name, headers := range map[string][]string{
		"Origin":         {"Origin", "https://evil.example"},
		"Sec-Fetch-Site": {"Sec-Fetch-Site", "cross-site"},
	} {
		t.Run(name, func(t *testing.T) {
			res := a.do(hq, http.MethodPost, "/admin/users", create, headers...)
			if res.status != http.StatusForbidden {
				t.Fatalf("cross-origin POST answered %d", res.status)
			}
			mustContain(t, res.body, "دسترسی مجاز نیست")
			res = a.do(a.client(), http.MethodPost, "/login", url.Values{"username": {"hq.fars"}, "password": {testPassword}}, headers...)
			if res.status != http.StatusForbidden {
				t.Fatalf("cross-origin login answered %d", res.status)
			}
		})
	}
	if n := a.count(`SELECT count(*) FROM users WHERE username = 'evil.user'`); n != 0 {
		t.Fatal("a cross-origin POST created a user")
	}
	if after := a.count(`SELECT count(*) FROM audit_log`); after != before {
		t.Fatalf("a cross-origin POST wrote %d audit rows", after-before)
	}
	// The same POST from the site itself works.
	res := a.do(hq, http.MethodPost, "/admin/users", create, "Origin", a.srv.URL, "Sec-Fetch-Site", "same-origin")
	if res.status != http.StatusSeeOther {
		t.Fatalf("same-origin POST answered %d", res.status)
	}
}

func TestSecurityHeaders(t *testing.T) {
	a := newTestApp(t)
	for _, path := range []string{"/login", "/healthz", "/no-such-page"} {
		res := a.get(a.client(), path)
		csp := res.header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code", path)
		}
		if res.header.Get("X-Content-Type-Options") != "nosniff" || res.header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, res.header)
		}
	}
	// No page needs inline script or style: the policy would block them.
	for _, user := range []string{"hq.fars", "gov.marvdasht"} {
		c := a.login(user)
		for _, path := range []string{"/", "/counties", "/counties/marvdasht", "/profile", "/admin/users", "/admin/users/new", "/audit", "/boards", "/candidates", "/candidates/new", "/candidates/import"} {
			body := a.get(c, path).body
			for _, bad := range []string{"<script>", "style=", " onclick=", " onload=", "<style"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s %s contains %q", user, path, bad)
				}
			}
		}
	}
}

func TestErrorPages(t *testing.T) {
	a := newTestApp(t)
	res := a.get(a.client(), "/no-such-page")
	if res.status != http.StatusNotFound {
		t.Fatalf("status %d", res.status)
	}
	mustContain(t, res.body, "صفحه پیدا نشد", `dir="rtl"`)
	c := a.client()
	a.get(c, "/lang/en")
	res = a.get(c, "/no-such-page")
	mustContain(t, res.body, "Page not found", `dir="ltr"`)

	// A panic becomes the 500 page: no error text, but the request id, which the log has with the error.
	h := a.s.logRequests(a.s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret database detail")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("panic answered %d", rec.Code)
	}
	body := rec.Body.String()
	mustContain(t, body, "خطای سامانه")
	mustNotContain(t, body, "secret database detail", "panic")
	id := rec.Header().Get("X-Request-Id")
	if id == "" || !strings.Contains(body, id) {
		t.Fatalf("500 page lacks the request id %q", id)
	}
	logs := a.logs.String()
	if !strings.Contains(logs, "secret database detail") || !strings.Contains(logs, `"request_id":"`+id+`"`) {
		t.Fatalf("log lacks the panic with its request id:\n%s", logs)
	}
	if !strings.Contains(logs, "security_test.go") {
		t.Fatalf("log lacks the stack where the panic happened:\n%s", logs)
	}
}

func TestRequestLog(t *testing.T) {
	a := newTestApp(t)
	a.get(a.login("gov.marvdasht"), "/counties")
	logs := a.logs.String()
	for _, want := range []string{`"method":"GET"`, `"path":"/counties"`, `"status":200`, `"duration_ms":`,
		`"user_id":` + itoa(a.ids["gov.marvdasht"])} {
		if !strings.Contains(logs, want) {
			t.Errorf("request log lacks %s", want)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	a := newTestApp(t)
	big := url.Values{"username": {strings.Repeat("x", 2<<20)}, "password": {"x"}}
	res := a.post(a.client(), "/login", big)
	if res.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("2 MiB form answered %d", res.status)
	}
}

// proxy is a TCP relay to PostgreSQL that a test can cut and restore, to simulate a database outage.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	up     bool
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, up: true}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			if !p.up {
				p.mu.Unlock()
				c.Close()
				continue
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				p.mu.Unlock()
				c.Close()
				continue
			}
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
	return p
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.up = false
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) restore() {
	p.mu.Lock()
	p.up = true
	p.mu.Unlock()
}

func TestReadyzDuringDatabaseOutage(t *testing.T) {
	dbURL := dbtest.NewDatabase(t)
	u, _ := url.Parse(dbURL)
	p := newProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	pool, err := pgxpool.New(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	a := newTestAppOn(t, store.New(pool), u.String())
	c := a.client()
	if res := a.get(c, "/readyz"); res.status != http.StatusOK {
		t.Fatalf("readyz before the outage: %d", res.status)
	}
	p.cut()
	if res := a.get(c, "/readyz"); res.status != http.StatusServiceUnavailable {
		t.Fatalf("readyz during the outage: %d", res.status)
	}
	if res := a.get(c, "/healthz"); res.status != http.StatusOK {
		t.Fatalf("healthz during the outage: %d", res.status)
	}
	// A page during the outage is the generic error page, with no database error text.
	res := a.post(c, "/login", url.Values{"username": {"hq.fars"}, "password": {testPassword}})
	if res.status != http.StatusInternalServerError {
		t.Fatalf("login during the outage: %d", res.status)
	}
	mustNotContain(t, res.body, "dial", "connect", "127.0.0.1")
	p.restore()
	deadline := time.Now().Add(10 * time.Second)
	for a.get(c, "/readyz").status != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("readyz did not come back after the database returned")
		}
		time.Sleep(100 * time.Millisecond)
	}
	a.login("hq.fars")
}
