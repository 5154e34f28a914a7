package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/setad/setad/internal/config"
)

func TestClientAddr(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.5/32")}
	tests := []struct {
		name, remote, xff, want string
	}{
		{"direct", "203.0.113.7:5555", "", "203.0.113.7"},
		{"direct client cannot spoof", "203.0.113.7:5555", "1.2.3.4", "203.0.113.7"},
		{"one trusted proxy", "10.0.0.2:80", "203.0.113.7", "203.0.113.7"},
		{"client-written hops are ignored", "10.0.0.2:80", "1.2.3.4, 203.0.113.7", "203.0.113.7"},
		{"two trusted proxies", "10.0.0.2:80", "203.0.113.7, 192.168.1.5", "203.0.113.7"},
		{"garbage stops the walk", "10.0.0.2:80", "203.0.113.7, nonsense", "10.0.0.2"},
		{"trusted without header", "10.0.0.2:80", "", "10.0.0.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if got := clientAddr(r, trusted); got != tt.want {
				t.Fatalf("clientAddr = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBadTextIsRefused(t *testing.T) {
	a := newTestApp(t)
	hq := a.login("hq.fars")
	for _, path := range []string{"/audit?actor=%00", "/audit?actor=%FF", "/audit?entity=%FF", "/counties/%FF", "/counties/%00"} {
		if res := a.get(hq, path); res.status != http.StatusBadRequest {
			t.Errorf("GET %s: %d, want 400", path, res.status)
		}
	}
	// A search pasted with direction controls is read without them.
	if res := a.get(hq, "/audit?actor=%E2%80%AB%D9%85%D8%B1%DB%8C%D9%85%E2%81%A7"); res.status != http.StatusOK ||
		!strings.Contains(res.body, `value="مریم"`) {
		t.Errorf("a search with direction controls: %d", res.status)
	}
	// Bytes that are not UTF-8 are refused; a NUL is dropped from what was typed (here a wrong password).
	for body, want := range map[string]int{"username=hq%00.fars&password=x": http.StatusUnauthorized, "username=%FF&password=x": http.StatusBadRequest} {
		req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/login", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := a.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("POST /login %s: %d, want %d", body, res.StatusCode, want)
		}
	}
	// A NUL typed in a field is dropped: the form comes back with the rest of what was typed.
	if res := a.post(hq, "/admin/users", url.Values{"full_name": {"a\x00b"}}); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, `value="ab"`) {
		t.Errorf("a NUL in a name: %d", res.status)
	}
	if strings.Contains(a.logs.String(), "SQLSTATE") {
		t.Error("bad text reached the database")
	}
}

func TestNotFoundKnowsTheUser(t *testing.T) {
	a := newTestApp(t)
	res := a.get(a.login("hq.fars"), "/no-such-page")
	if res.status != http.StatusNotFound {
		t.Fatalf("status %d", res.status)
	}
	mustContain(t, res.body, "مریم کریمی", "/logout")
}

func TestHSTSOnlyOverHTTPS(t *testing.T) {
	plain := newTestApp(t)
	if h := plain.get(plain.client(), "/login").header.Get("Strict-Transport-Security"); h != "" {
		t.Errorf("plain HTTP sends HSTS %q", h)
	}
	secure := newTestApp(t, func(c *config.Config) { c.SecureCookies = true })
	res := secure.get(secure.client(), "/login")
	if !strings.HasPrefix(res.header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("HTTPS deployment sends no HSTS")
	}
}
