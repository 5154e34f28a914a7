package server

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/setad/setad/internal/password"
)

// BenchmarkLogin measures a whole successful login (form, lock-out checks, argon2id with the production
// parameters, session write, audit row) over HTTP against PostgreSQL.
func BenchmarkLogin(b *testing.B) {
	a := newTestApp(b)
	a.s.hasher = password.NewHasher(password.DefaultParams, 2)
	hash, err := a.s.hasher.Hash(context.Background(), testPassword)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.st.Pool().Exec(context.Background(), `UPDATE users SET password_hash = $1`, hash); err != nil {
		b.Fatal(err)
	}
	form := url.Values{"username": {"gov.marvdasht"}, "password": {testPassword}}.Encode()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := c.Post(a.srv.URL+"/login", "application/x-www-form-urlencoded", strings.NewReader(form))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				b.Fatalf("login answered %d", res.StatusCode)
			}
		}
	})
}

// BenchmarkHome measures an HQ user's home page: session, user, summary and election queries, rendering.
func BenchmarkHome(b *testing.B) {
	a := newTestApp(b)
	c := a.login("hq.fars")
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := c.Get(a.srv.URL + "/")
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Fatalf("home answered %d", res.StatusCode)
			}
		}
	})
}
