package server

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/setad/setad/web"
)

// The icon is served from the binary at the address browsers ask for, as an icon, kept for a day.
func TestFavicon(t *testing.T) {
	a := newTestApp(t)
	want, err := fs.ReadFile(web.Static, "static/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(want, []byte{0, 0, 1, 0}) || len(want) < 200 {
		t.Fatalf("static/favicon.ico is not an icon (%d bytes)", len(want))
	}
	res := a.get(a.client(), "/favicon.ico")
	if res.status != http.StatusOK || res.body != string(want) {
		t.Fatalf("GET /favicon.ico: %d, %d bytes, want 200 and the %d bytes of the icon", res.status, len(res.body), len(want))
	}
	if ct := res.header.Get("Content-Type"); ct != "image/x-icon" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := res.header.Get("Cache-Control"); cc != "public, max-age=86400" {
		t.Errorf("Cache-Control %q", cc)
	}
	login := a.get(a.client(), "/login")
	mustContain(t, login.body, `<link rel="icon" href="/favicon.ico"`)
}

// quickLinks is the home page's "where to" section.
func quickLinks(t *testing.T, body string) string {
	t.Helper()
	start := strings.Index(body, `aria-labelledby="next-h"`)
	if start < 0 {
		t.Fatal("the home page has no quick links")
	}
	end := strings.Index(body[start:], "</section>")
	return body[start : start+end]
}

// The home page's quick links lead to every area the role may use, the candidates included, and to the
// registration form for those who register.
func TestHomeQuickLinks(t *testing.T) {
	a := newTestApp(t)
	tests := []struct {
		user  string
		wants []string
		nots  []string
	}{
		{"hq.fars", []string{`href="/candidates"`, `href="/candidates/new"`, `href="/admin/users"`, `href="/audit"`, `href="/boards"`}, nil},
		{"gov.marvdasht", []string{`href="/candidates"`, `href="/candidates/new"`, `href="/boards"`}, []string{`href="/admin/users"`, `href="/audit"`}},
		{"observer", []string{`href="/candidates"`, `href="/audit"`}, []string{`href="/candidates/new"`, `href="/admin/users"`}},
		{"committee", []string{`href="/candidates"`, `href="/profile"`}, []string{`href="/candidates/new"`}},
	}
	for _, tt := range tests {
		links := quickLinks(t, a.get(a.login(tt.user), "/").body)
		mustContain(t, links, tt.wants...)
		mustNotContain(t, links, tt.nots...)
	}
}

// The candidate form marks its optional fields, brings up the keypad of digits for the fields typed in
// digits, and explains the legal terms in a line read with their field; English counts in plurals.
func TestFormFieldOptions(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	gov := a.login("gov.marvdasht")
	body := a.get(gov, "/candidates/new").body
	input := func(name string) string {
		m := regexp.MustCompile(`<input id="f-` + name + `"[^>]*>`).FindString(body)
		if m == "" {
			t.Fatalf("no input %s", name)
		}
		return m
	}
	label := func(name string) string {
		return regexp.MustCompile(`<label for="f-` + name + `">.*?</label>`).FindString(body)
	}
	for _, name := range []string{"national_id", "birth_date", "phone", "certificate_date", "resignation_date"} {
		if !strings.Contains(input(name), `inputmode="numeric"`) {
			t.Errorf("%s: %s has no numeric keypad", name, input(name))
		}
	}
	for _, name := range []string{"full_name", "father_name", "occupation", "tracking_id"} {
		if strings.Contains(input(name), "inputmode") {
			t.Errorf("%s: %s asks for a keypad of digits", name, input(name))
		}
	}
	for _, name := range []string{"occupation", "phone", "tracking_id"} {
		if !strings.Contains(label(name), `<span class="optional">(اختیاری)</span>`) {
			t.Errorf("the optional field %s is not marked: %s", name, label(name))
		}
	}
	for _, name := range []string{"full_name", "national_id", "birth_date", "certificate_date"} {
		if strings.Contains(label(name), "optional") {
			t.Errorf("the required field %s is marked optional: %s", name, label(name))
		}
	}
	if !strings.Contains(input("certificate_date"), `aria-describedby="h-certificate_date"`) {
		t.Errorf("the certificate's hint is not read with its field: %s", input("certificate_date"))
	}
	mustContain(t, body, `<p class="hint" id="h-certificate_date">گواهی عدم سوء پیشینه:`, `id="h-listed_post"`, "ماده ۴۱ قانون انتخابات شوراها")

	// A field with an error is described by its hint and its error.
	res := a.post(gov, "/candidates", url.Values{"certificate_date": {"bad"}})
	if !strings.Contains(res.body, `aria-describedby="h-certificate_date e-certificate_date"`) {
		t.Error("a field with a hint and an error is not described by both")
	}

	// English plurals: one board, two boards.
	hq := a.login("hq.fars")
	a.get(hq, "/lang/en?next=/")
	c := a.count(`SELECT count(*) FROM counties`)
	mustContain(t, a.get(hq, "/counties").body, itoa(int64(c))+" counties in your scope.")
	gov2 := a.login("gov.marvdasht")
	a.get(gov2, "/lang/en?next=/")
	mustContain(t, a.get(gov2, "/counties").body, "1 county in your scope.")
}
