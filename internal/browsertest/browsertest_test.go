package browsertest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// formPage is a small accessible right-to-left Persian page with a form.
const formPage = `<!doctype html>
<html lang="fa" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>فرم آزمایشی</title>
</head>
<body>
<main>
<h1>ثبت نام</h1>
<form method="post" action="/done">
<label for="name">نام</label>
<input id="name" name="name" type="text" autocomplete="name">
<button type="submit">ارسال</button>
</form>
</main>
</body>
</html>`

// donePage is the answer to the form.
const donePage = `<!doctype html>
<html lang="fa" dir="rtl">
<head>
<meta charset="utf-8">
<title>ثبت شد</title>
</head>
<body>
<main>
<h1 id="done">سلام %s</h1>
</main>
</body>
</html>`

// badPage breaks several serious and critical axe rules: an image with no alt
// in a link with no text, an input with no label, and no lang on <html>.
const badPage = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>bad</title></head>
<body>
<a href="/"><img src="/missing.png"></a>
<input type="text" name="q">
</body>
</html>`

// widePage has a line that does not wrap: wider than a phone, narrower than a desktop screen.
var widePage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wide</title>
</head>
<body>
<main>
<h1>Wide</h1>
<pre>` + strings.Repeat("wide ", 120/5) + `</pre>
</main>
</body>
</html>`

// newServer serves the pages of the tests. Its strict Content-Security-Policy
// shows that the injection of axe-core is not blocked by one.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; form-action 'self'")
		fmt.Fprint(w, body)
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		page(w, formPage)
	})
	mux.HandleFunc("POST /done", func(w http.ResponseWriter, r *http.Request) {
		page(w, fmt.Sprintf(donePage, html.EscapeString(r.FormValue("name"))))
	})
	mux.HandleFunc("GET /bad", func(w http.ResponseWriter, r *http.Request) {
		page(w, badPage)
	})
	mux.HandleFunc("GET /wide", func(w http.ResponseWriter, r *http.Request) {
		page(w, widePage)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestFormFlow is also the example of use: visit a page, type into a form,
// submit it and check the next page.
func TestFormFlow(t *testing.T) {
	srv := newServer(t)
	b := New(t)

	b.Visit(srv.URL + "/")
	if got := b.Attr("html", "dir"); got != "rtl" {
		t.Errorf(`dir of <html> = %q, want "rtl"`, got)
	}
	if got := b.Attr("input#name", "placeholder"); got != "" {
		t.Errorf("a missing attribute gives %q, want \"\"", got)
	}

	b.Run(
		chromedp.SendKeys(chromedp.ID("name"), "مریم"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("done")),
	)
	b.Check("done")

	if got, want := b.Text("h1#done"), "سلام مریم"; got != want {
		t.Errorf("heading after submit = %q, want %q", got, want)
	}
	if got := b.Location(); got != srv.URL+"/done" {
		t.Errorf("Location() = %q, want %q", got, srv.URL+"/done")
	}

	want := []string{
		sanitize(t.Name()) + "-01-home.png",
		sanitize(t.Name()) + "-02-done.png",
	}
	if len(b.shots) != len(want) {
		t.Fatalf("screenshots %q, want %d", b.shots, len(want))
	}
	for i, path := range b.shots {
		if got := filepath.Base(path); got != want[i] {
			t.Errorf("screenshot %d is %s, want %s", i, got, want[i])
		}
		if filepath.Dir(path) != ArtifactsDir() {
			t.Errorf("screenshot %s is not in %s", path, ArtifactsDir())
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) || len(data) < 1000 {
			t.Errorf("%s is not a PNG screenshot (%d bytes)", path, len(data))
		}
	}
}

// TestViewports shows a page on a desktop and on a phone: the phone is 390 CSS pixels wide, passes for a
// phone, finds the page too wide, and its screenshot is named for it and drawn at twice the pixels.
func TestViewports(t *testing.T) {
	srv := newServer(t)
	b := New(t)
	ua := func() string {
		s, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[string](`navigator.userAgent`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	b.Visit(srv.URL + "/wide")
	if page, screen := b.PageWidth(); screen != 1366 || page > screen {
		t.Errorf("desktop: page %d px on a %d px screen, want it to fit 1366", page, screen)
	}
	if strings.Contains(ua(), "Android") {
		t.Errorf("the desktop passes for a phone: %s", ua())
	}
	b.SetViewport(Phone)
	b.Visit(srv.URL + "/wide")
	if page, screen := b.PageWidth(); screen != 390 || page <= screen {
		t.Errorf("phone: page %d px on a %d px screen, want a page wider than 390", page, screen)
	}
	if !strings.Contains(ua(), "Android") {
		t.Errorf("the phone does not pass for one: %s", ua())
	}
	b.SetViewport(SmallPhone)
	if _, screen := b.PageWidth(); screen != 360 {
		t.Errorf("small phone: a %d px screen", screen)
	}
	b.SetViewport(Desktop)
	b.Visit(srv.URL + "/wide")
	if _, screen := b.PageWidth(); screen != 1366 || strings.Contains(ua(), "Android") {
		t.Errorf("back on the desktop: a %d px screen, user agent %s", screen, ua())
	}
	want := []string{"-01-wide.png", "-02-wide-phone.png", "-03-wide.png"}
	for i, path := range b.shots {
		if !strings.HasSuffix(path, want[i]) {
			t.Errorf("screenshot %d is %s, want …%s", i, filepath.Base(path), want[i])
		}
	}
	png, err := os.ReadFile(b.shots[1])
	if err != nil {
		t.Fatal(err)
	}
	if w := binary.BigEndian.Uint32(png[16:20]); w != 780 {
		t.Errorf("the phone's screenshot is %d pixels wide, want 780", w)
	}
}

// TestViolations checks that axe-core finds the faults of a bad page. It does
// not call Check, which would fail the test.
func TestViolations(t *testing.T) {
	srv := newServer(t)
	b := New(t)
	b.Run(chromedp.Navigate(srv.URL + "/bad"))

	vs, err := b.violations()
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		t.Fatal("no violations on the bad page")
	}
	ids := map[string]bool{}
	for _, v := range vs {
		t.Log(v)
		ids[v.ID] = true
	}
	for _, id := range []string{"image-alt", "link-name", "label", "html-has-lang"} {
		if !ids[id] {
			t.Errorf("axe-core did not report %s", id)
		}
	}

	// A second run on the same page reuses the injected axe-core.
	again, err := b.violations()
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(vs) {
		t.Errorf("second run found %d violations, first %d", len(again), len(vs))
	}
}

// TestNoViolations checks that the good page has no violation at all, of any
// impact, so the pages of the other test are a fair example.
func TestNoViolations(t *testing.T) {
	srv := newServer(t)
	b := New(t)
	b.Run(chromedp.Navigate(srv.URL + "/"))
	vs, err := b.violations()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Errorf("unexpected violation: %s", v)
	}
}

func TestViolationString(t *testing.T) {
	v := violation{ID: "label", Impact: "critical", Help: "Form elements must have labels", HelpURL: "https://example.com/label"}
	for i := range 7 {
		v.Nodes = append(v.Nodes, violationNode{Target: []string{fmt.Sprintf("#in%d", i)}})
	}
	s := v.String()
	for _, want := range []string{"label", "critical", "Form elements must have labels", `"#in0"`, `"#in4"`, "7 element(s)"} {
		if !strings.Contains(s, want) {
			t.Errorf("%q does not contain %q", s, want)
		}
	}
	if strings.Contains(s, "#in5") {
		t.Errorf("%q lists more than %d targets", s, maxTargets)
	}
}

func TestPageName(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8080":              "home",
		"http://127.0.0.1:8080/":             "home",
		"http://127.0.0.1:8080/login":        "login",
		"http://127.0.0.1:8080/a/b/?x=1":     "a-b",
		"http://127.0.0.1:8080/%D8%A7%D8%B3": "اس",
	} {
		if got := pageName(in); got != want {
			t.Errorf("pageName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"TestFlow/sub case": "TestFlow_sub_case",
		"login":             "login",
		"اس":                "page",
		"a/../b":            "a_.._b",
		"":                  "page",
	} {
		if got := sanitize(in); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestArtifactsDir(t *testing.T) {
	t.Setenv("SETAD_ARTIFACTS", "")
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ArtifactsDir(), filepath.Join(root, "artifacts", "screenshots"); got != want {
		t.Errorf("ArtifactsDir() = %s, want %s", got, want)
	}

	dir := filepath.Join(t.TempDir(), "shots")
	t.Setenv("SETAD_ARTIFACTS", dir)
	if got := ArtifactsDir(); got != dir {
		t.Errorf("ArtifactsDir() = %s, want %s", got, dir)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Errorf("ArtifactsDir did not create %s: %v", dir, err)
	}
}
