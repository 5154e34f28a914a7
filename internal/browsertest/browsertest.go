// Package browsertest drives a real headless Chromium through the flows that
// people use, saves a screenshot of each page visited as a test artifact, and
// checks each page with axe-core. A test calls New for a Browser, Visit for
// each page, and Run with chromedp actions such as chromedp.SendKeys and
// chromedp.Click to fill in and submit forms; each Visit or Check writes a PNG
// into ArtifactsDir and fails the test for every accessibility violation,
// whatever its impact. SetViewport switches between a desktop screen and
// a phone (an emulated Android device, touch and all), and PageWidth tells
// whether a page is wider than the screen. Set SETAD_CHROMIUM to choose the browser,
// SETAD_ARTIFACTS to choose the screenshot directory, and SETAD_BROWSER=off to
// skip these tests.
package browsertest

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Viewport is a screen that pages are shown on.
type Viewport int

// The screens a page is checked on: Desktop is a common office screen, 1366
// by 900 CSS pixels; Phone is a common phone held upright, 390 by 844, with
// a mobile browser's layout, touch input and user agent; SmallPhone is the
// narrowest phone still common, 360 by 780.
const (
	Desktop Viewport = iota
	Phone
	SmallPhone
)

// phoneUserAgent is Chrome on Android, so the page is served as to a phone.
const phoneUserAgent = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36"

// size is the viewport's width and height in CSS pixels.
func (v Viewport) size() (width, height int64) {
	switch v {
	case Phone:
		return 390, 844
	case SmallPhone:
		return 360, 780
	}
	return 1366, 900
}

// String names the viewport in screenshot file names.
func (v Viewport) String() string {
	switch v {
	case Phone:
		return "phone"
	case SmallPhone:
		return "small-phone"
	}
	return "desktop"
}

func (v Viewport) mobile() bool { return v == Phone || v == SmallPhone }

// emulate sets the viewport height to h (the viewport's own height when h is
// 0), keeping its width and its kind of device.
func (v Viewport) emulate(h int64) chromedp.Action[chromedp.Void] {
	w, vh := v.size()
	if h == 0 {
		h = vh
	}
	if v.mobile() {
		return chromedp.EmulateViewport(w, h, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(2))
	}
	return chromedp.EmulateViewport(w, h)
}

// Settings of every Browser.
const (
	testTimeout = 300 * time.Second

	// maxShotHeight caps the height of a full-page screenshot.
	maxShotHeight = 16000

	// queryTimeout is how long Text and Attr wait for an element.
	queryTimeout = 15 * time.Second
)

//go:embed axe/axe.min.js
var axeSource string

// Browser is one tab of a headless Chromium that belongs to one test. Each
// Browser starts its own browser process with a fresh profile, so cookies and
// storage are never shared between tests.
type Browser struct {
	t        testing.TB
	ctx      context.Context
	viewport Viewport
	n        int      // number of Check calls so far
	lastURL  string   // the last URL given to Visit, for error messages
	shots    []string // paths of the screenshots written so far
}

// New starts a headless Chromium for t and opens one tab with the Desktop
// viewport. Everything it starts is stopped by t.Cleanup, and every action
// must finish within 150 seconds of New.
//
// The browser is $SETAD_CHROMIUM if set, else /usr/bin/chromium, else
// "chromium" on the PATH. When SETAD_BROWSER=off, New skips the test. When no
// browser is found, New fails the test.
func New(t testing.TB) *Browser {
	t.Helper()
	if os.Getenv("SETAD_BROWSER") == "off" {
		t.Skip("browsertest: SETAD_BROWSER=off, skipping the browser test")
	}
	execPath, err := chromiumPath()
	if err != nil {
		t.Fatalf("browsertest: no Chromium found: %v; install it (apt-get install chromium), "+
			"set SETAD_CHROMIUM to its path, or set SETAD_BROWSER=off to skip browser tests", err)
	}

	// A fresh profile for each Browser. Not t.TempDir: Chromium's helper
	// processes can still write to the profile for a moment after the browser
	// exits, which makes t.TempDir's cleanup fail the test.
	profile, err := os.MkdirTemp("", "browsertest-profile-")
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}

	timeoutCtx, cancelTimeout := context.WithTimeout(context.Background(), testTimeout)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1366, 900), // the Desktop viewport
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(timeoutCtx, opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()   // closes the tab and, as the first tab, the browser
		cancelAlloc() // waits for the browser process to exit
		cancelTimeout()
		removeAll(profile)
	})

	b := &Browser{t: t, ctx: ctx}
	// The first action starts the browser.
	if err := chromedp.Do(ctx, Desktop.emulate(0)); err != nil {
		t.Fatalf("browsertest: start %s: %v", execPath, err)
	}
	return b
}

// chromiumPath finds the browser to run.
func chromiumPath() (string, error) {
	if p := os.Getenv("SETAD_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("SETAD_CHROMIUM: %w", err)
		}
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	return exec.LookPath("chromium")
}

// removeAll removes dir, retrying for a while when Chromium's helper processes
// still write into it.
func removeAll(dir string) {
	for range 50 {
		if err := os.RemoveAll(dir); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Ctx returns the chromedp context of the tab, for actions that Browser has
// no method for, as in chromedp.Run(b.Ctx(), chromedp.Title()).
func (b *Browser) Ctx() context.Context { return b.ctx }

// Run runs the actions in order and fails the test at the first error. For
// example:
//
//	b.Run(
//		chromedp.SendKeys(chromedp.ID("name"), "مریم"),
//		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
//		chromedp.WaitVisible(chromedp.CSS("h1")),
//	)
//
// A Click that submits a form does not wait for the next page, so follow it
// with a Wait action for an element of that page. A plain string selector is
// a chromedp.Search (CSS, XPath or text); chromedp.CSS and chromedp.ID are
// exact.
func (b *Browser) Run(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("browsertest: at %s: %v", b.location(), err)
	}
}

// SetViewport shows the following pages on the screen v. Chromium lays out
// the current page again, but a page is best checked after a fresh Visit,
// since a phone's browser reads the page's viewport settings as it loads.
func (b *Browser) SetViewport(v Viewport) {
	b.t.Helper()
	ua := ""
	if v.mobile() {
		ua = phoneUserAgent
	}
	err := chromedp.Do(b.ctx,
		v.emulate(0),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			// An empty user agent gives the browser's own back.
			_, err := cdp.Call(ctx, t, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua})
			return err
		}),
	)
	if err != nil {
		b.t.Fatalf("browsertest: viewport %s: %v", v, err)
	}
	b.viewport = v
}

// PageWidth returns how wide the page is (the root element's scrollWidth) and
// how wide the screen is, in CSS pixels. A page wider than its screen scrolls
// sideways. The screen is the narrower of innerWidth and the root element's
// clientWidth: a phone's browser widens innerWidth to a page that is too wide
// (and opens it zoomed out or shifted), so innerWidth alone would always fit.
func (b *Browser) PageWidth() (page, screen int64) {
	b.t.Helper()
	w, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]int64](
		`[document.documentElement.scrollWidth, Math.min(window.innerWidth, document.documentElement.clientWidth)]`))
	if err != nil || len(w) != 2 {
		b.t.Fatalf("browsertest: page width at %s: %v", b.location(), err)
	}
	return w[0], w[1]
}

// Visit opens url, waits until the body is ready and then calls Check with a
// name made from the path of url.
func (b *Browser) Visit(url string) {
	b.t.Helper()
	b.lastURL = url
	if err := chromedp.Do(b.ctx,
		chromedp.Navigate(url),
		chromedp.WaitReady(chromedp.CSS("body")),
	); err != nil {
		b.t.Fatalf("browsertest: visit %s: %v", url, err)
	}
	b.Check(pageName(url))
}

// Check saves a screenshot of the whole current page as
// <TestName>-<NN>-<name>.png in ArtifactsDir (…-<name>-phone.png on the Phone
// viewport), where NN counts the checks of this Browser, and then runs
// axe-core on the page. It reports each violation, minor ones included,
// with t.Errorf.
func (b *Browser) Check(name string) {
	b.t.Helper()
	b.n++
	if b.viewport != Desktop {
		name += "-" + b.viewport.String()
	}
	file := fmt.Sprintf("%s-%02d-%s.png", sanitize(b.t.Name()), b.n, sanitize(name))
	path := filepath.Join(ArtifactsDir(), file)
	png, err := b.screenshot()
	if err != nil {
		b.t.Fatalf("browsertest: screenshot of %s: %v", b.location(), err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("browsertest: %v", err)
	}
	b.shots = append(b.shots, path)
	b.t.Logf("browsertest: screenshot %s", path)

	vs, err := b.violations()
	if err != nil {
		b.t.Fatalf("browsertest: axe-core on %s: %v", b.location(), err)
	}
	where := b.location()
	for _, v := range vs {
		b.t.Errorf("browsertest: %s (%s): %s", name, where, v)
	}
}

// screenshot captures the whole page as a PNG. It makes the viewport as tall
// as the page for the capture, because chromedp.FullScreenshot shifts and
// clips right-to-left pages.
func (b *Browser) screenshot() ([]byte, error) {
	// Wait for the web fonts, so the screenshot shows the real text.
	if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		return nil, err
	}
	h, err := chromedp.Run(b.ctx, chromedp.Evaluate[int64](
		`Math.ceil(Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0))`))
	if err != nil {
		return nil, err
	}
	if _, vh := b.viewport.size(); h <= vh {
		return chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	}
	h = min(h, maxShotHeight)
	if err := chromedp.Do(b.ctx, b.viewport.emulate(h)); err != nil {
		return nil, err
	}
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err2 := chromedp.Do(b.ctx, b.viewport.emulate(0)); err == nil {
		err = err2
	}
	return png, err
}

// violation is one failed axe-core rule on a page.
type violation struct {
	ID      string          `json:"id"`
	Impact  string          `json:"impact"` // minor, moderate, serious or critical
	Help    string          `json:"help"`
	HelpURL string          `json:"helpUrl"`
	Nodes   []violationNode `json:"nodes"`
}

// violationNode is one element that fails a rule.
type violationNode struct {
	Target []string `json:"target"` // selectors; " >>> " joins the parts inside iframes and shadow roots
	HTML   string   `json:"html"`
}

// maxTargets is how many elements a report lists for each violation.
const maxTargets = 5

func (v violation) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "axe %s [%s]: %s (%s); %d element(s):", v.ID, v.Impact, v.Help, v.HelpURL, len(v.Nodes))
	for i, n := range v.Nodes {
		if i == maxTargets {
			fmt.Fprintf(&s, " …")
			break
		}
		fmt.Fprintf(&s, " %q", strings.Join(n.Target, " "))
	}
	return s.String()
}

// runAxe runs axe-core on the document and gives its violations in the shape
// of the type violation.
const runAxe = `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
	id: v.id,
	impact: v.impact || '',
	help: v.help,
	helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({
		target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : String(t)),
		html: n.html,
	})),
})))`

// violations injects axe-core into the current page, unless it is there
// already, and returns all the violations that it finds, of every impact.
func (b *Browser) violations() ([]violation, error) {
	loaded, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`typeof window.axe === 'object' && typeof window.axe.run === 'function'`))
	if err != nil {
		return nil, err
	}
	if !loaded {
		if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
			return nil, fmt.Errorf("inject axe-core: %w", err)
		}
	}
	return chromedp.Run(b.ctx, chromedp.Evaluate[[]violation](runAxe, chromedp.EvalAwaitPromise))
}

// Text returns the trimmed textContent of the first element that matches the
// CSS selector sel. It waits up to 15 seconds for such an element and fails
// the test when none comes.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, queryTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("browsertest: text of %q at %s: %v", sel, b.location(), queryError(err))
	}
	return strings.TrimSpace(s)
}

// Attr returns the value of the attribute name of the first element that
// matches the CSS selector sel, or "" when the element has no such attribute.
// It waits up to 15 seconds for such an element and fails the test when none
// comes.
func (b *Browser) Attr(sel, name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, queryTimeout)
	defer cancel()
	r, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		b.t.Fatalf("browsertest: attribute %s of %q at %s: %v", name, sel, b.location(), queryError(err))
	}
	return r.Value
}

// queryError explains the timeout of a query, which chromedp reports as a
// bare deadline.
func queryError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("no element matched in time: %w", err)
	}
	return err
}

// Location returns the URL of the current page.
func (b *Browser) Location() string {
	b.t.Helper()
	u, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("browsertest: location: %v", err)
	}
	return u
}

// location is Location for error messages: it never fails, and it gives up
// after a moment, for a page that hangs or a context that has ended.
func (b *Browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || u == "" {
		if b.lastURL == "" {
			return "an unknown URL"
		}
		return b.lastURL + " (last visited)"
	}
	return u
}

// pageName makes a screenshot name from the path of a URL.
func pageName(rawURL string) string {
	p := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		p = u.Path
	}
	p = strings.Trim(p, "/")
	if p == "" {
		return "home"
	}
	return strings.ReplaceAll(p, "/", "-")
}

// sanitize keeps s safe as a part of a file name: ASCII letters, digits, '-',
// '_' and '.', with every other run of characters made one '_'.
func sanitize(s string) string {
	var out strings.Builder
	under := false
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if ok {
			out.WriteRune(r)
			under = false
		} else if !under {
			out.WriteByte('_')
			under = true
		}
	}
	res := strings.Trim(out.String(), "_.")
	if len(res) > 100 {
		res = res[:100]
	}
	if res == "" {
		res = "page"
	}
	return res
}

// ArtifactsDir returns the directory of the screenshots, and creates it when
// it is missing. It is $SETAD_ARTIFACTS if set (a relative path is taken from
// the module root), else artifacts/screenshots in the module root, the
// directory with go.mod above the working directory.
func ArtifactsDir() string {
	dir := os.Getenv("SETAD_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("artifacts", "screenshots")
	}
	if !filepath.IsAbs(dir) {
		if root, err := moduleRoot(); err == nil {
			dir = filepath.Join(root, dir)
		}
	}
	_ = os.MkdirAll(dir, 0o755) // a failure shows when Check writes the file
	return dir
}

// moduleRoot walks up from the working directory to the directory that holds
// go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
