package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/boardrules"
	"github.com/setad/setad/internal/browsertest"
)

// longBoard gives Marvdasht's board a pool of 30 and a few members, so that its forms sit far down the
// page, and returns the board's id.
func (a *testApp) longBoard() string {
	a.t.Helper()
	a.withElection()
	board := a.boardID("marvdasht", "")
	var id int64
	fmt.Sscan(board, &id)
	actor := audit.Actor{ID: a.ids["gov.marvdasht"], Name: "gov.marvdasht", Remote: "test"}
	for i := range 30 {
		if err := a.st.AddPoolMember(a.t.Context(), actor, auth.Scope{}, id, boardrules.Member{FullName: fmt.Sprintf("معتمد %d", i), NationalID: nid(i)}); err != nil {
			a.t.Fatal(err)
		}
	}
	for i := range 6 {
		if _, err := a.st.AddMember(a.t.Context(), actor, auth.Scope{}, id, boardrules.Member{FullName: fmt.Sprintf("معتمد %d", i), NationalID: nid(i), Role: "trusted"}); err != nil {
			a.t.Fatal(err)
		}
	}
	return board
}

// phone makes the viewport a phone's, 390×844.
func phone(b *browsertest.Browser) {
	b.Run(chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait))
}

// inView reports whether the element matching sel lies wholly inside the viewport (its top inside, for
// one taller than the viewport).
func inView(t *testing.T, b *browsertest.Browser, sel string) bool {
	t.Helper()
	ok, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const r = document.querySelector(%q).getBoundingClientRect();
		return r.top >= 0 && r.top < innerHeight && (r.bottom <= innerHeight || r.height > innerHeight);
	})()`, sel)))
	if err != nil {
		t.Fatalf("position of %s: %v", sel, err)
	}
	return ok
}

// viewShot saves what the viewport shows, as the phone's user sees it.
func viewShot(t *testing.T, b *browsertest.Browser, name string) {
	t.Helper()
	png, err := chromedp.Run(b.Ctx(), chromedp.CaptureScreenshot())
	if err == nil {
		err = os.WriteFile(filepath.Join(browsertest.ArtifactsDir(), t.Name()+"-"+name+".png"), png, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// On a phone, an invalid member on the long board page brings the browser back to the form, whose
// summary is in view and links to the field; after a pool entry is added, its form is in view again.
func TestBrowserFormErrorsInView(t *testing.T) {
	a := newTestApp(t)
	board := a.longBoard()
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.Visit(a.srv.URL + "/boards/" + board)
	phone(b)
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-full_name"), "رضا کریمی"),
		chromedp.SendKeys(chromedp.ID("f-national_id"), "123"),
		chromedp.SetValue(chromedp.ID("f-role"), "trusted"),
		chromedp.Click(chromedp.CSS(`#add-member button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#add-member .error-summary`)),
	)
	if !inView(t, b, "#add-member .error-summary") {
		t.Error("the error summary is not in view after the post")
	}
	if top, _ := chromedp.Run(b.Ctx(), chromedp.Evaluate[float64](`scrollY`)); top < 1000 {
		t.Errorf("the page is scrolled only %.0f px: the form is far below", top)
	}
	viewShot(t, b, "member-errors-phone")
	if got := b.Attr(`#add-member .error-summary a`, "href"); got != "#f-national_id" {
		t.Errorf("the summary links to %q", got)
	}
	if got := b.Attr("#f-national_id", "value"); got != "123" {
		t.Errorf("the field came back with %q", got)
	}
	focused, _ := chromedp.Run(b.Ctx(), chromedp.Evaluate[bool](`document.activeElement.classList.contains('error-summary')`))
	if !focused {
		t.Error("the summary does not have the focus")
	}
	b.Run(chromedp.ScrollIntoView(chromedp.CSS("h1")), chromedp.Click(chromedp.CSS(`#add-member .error-summary a`)))
	if !inView(t, b, "#f-national_id") {
		t.Error("the summary's link does not lead to the field")
	}
	b.Check("member-errors")

	phone(b)
	// The pool is full: one leaves it, so that the entry typed next takes the place.
	if _, err := a.st.Pool().Exec(t.Context(), `DELETE FROM board_pool WHERE national_id = $1`, nid(29)); err != nil {
		t.Fatal(err)
	}
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-pool-full_name"), "معتمد سی‌ویکم"),
		chromedp.SendKeys(chromedp.ID("f-pool-national_id"), nid(31)),
		chromedp.Click(chromedp.CSS(`#add-pool button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#add-pool .alert-ok`)),
	)
	if !inView(t, b, "#add-pool") {
		t.Error("after a pool entry is added its form is not in view")
	}
	if !strings.HasSuffix(b.Location(), "#add-pool") {
		t.Errorf("after the add the browser is at %s", b.Location())
	}
	if got := b.Attr("#f-pool-full_name", "value"); got != "" {
		t.Errorf("the pool form is not empty for the next entry: %q", got)
	}
	viewShot(t, b, "pool-added-phone")
	b.Check("pool-added")
}

// The governor's session ends while he types a member: the login page says the form is kept, and after
// signing in he is back on the board with the form filled in; it is added only when he submits it.
func TestBrowserKeptForm(t *testing.T) {
	a := newTestApp(t)
	board := a.longBoard()
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.Visit(a.srv.URL + "/boards/" + board)
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-full_name"), "نرگس کاظمی"),
		chromedp.SendKeys(chromedp.ID("f-national_id"), nid(301)),
		chromedp.SetValue(chromedp.ID("f-role"), "alternate"),
		chromedp.SendKeys(chromedp.ID("f-notes"), "از شورای محله"),
	)
	a.endSessions()
	b.Run(
		chromedp.Click(chromedp.CSS(`#add-member button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("f-username")),
	)
	if got := b.Text(".alert-ok"); !strings.Contains(got, "نگه داشته شده است") {
		t.Errorf("the login page says %q", got)
	}
	b.Check("login-form-kept")
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-username"), "gov.marvdasht"),
		chromedp.SendKeys(chromedp.ID("f-password"), testPassword),
		chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#add-member .alert-ok`)),
	)
	if !strings.HasSuffix(b.Location(), "/boards/"+board) {
		t.Errorf("after signing in the browser is at %s", b.Location())
	}
	for sel, want := range map[string]string{"#f-full_name": "نرگس کاظمی", "#f-national_id": nid(301), "#f-role": "alternate"} {
		if got := b.Attr(sel, "value"); sel != "#f-role" && got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	role, _ := chromedp.Run(b.Ctx(), chromedp.Evaluate[string](`document.getElementById('f-role').value`))
	notes, _ := chromedp.Run(b.Ctx(), chromedp.Evaluate[string](`document.getElementById('f-notes').value`))
	if role != "alternate" || notes != "از شورای محله" {
		t.Errorf("role %q, notes %q", role, notes)
	}
	if !inView(t, b, "#add-member .alert-ok") {
		t.Error("the restored form is not in view")
	}
	b.Check("form-restored")
	if n := a.count(`SELECT count(*) FROM board_members WHERE national_id = $1`, nid(301)); n != 0 {
		t.Fatal("the kept form was applied before he submitted it")
	}
	b.Run(
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('.alert').forEach(e => e.remove())`),
		chromedp.Click(chromedp.CSS(`#add-member button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#add-member .alert-ok`)),
	)
	if n := a.count(`SELECT count(*) FROM board_members WHERE national_id = $1 AND role = 'alternate' AND notes = 'از شورای محله'`, nid(301)); n != 1 {
		t.Fatal("the restored form, submitted, did not add the member")
	}
}

// confirmInDialog clicks a button whose form asks first, checks the dialog's question, and answers yes.
func confirmInDialog(t *testing.T, b *browsertest.Browser, button, question string) {
	t.Helper()
	b.Run(
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('.alert').forEach(e => e.remove())`),
		chromedp.Click(chromedp.CSS(button)),
		chromedp.WaitVisible(chromedp.CSS(`dialog.confirm-dialog`)),
	)
	if got := b.Text(`dialog.confirm-dialog p`); !strings.Contains(got, question) {
		t.Errorf("the dialog asks %q", got)
	}
	b.Run(
		chromedp.Click(chromedp.CSS(`dialog.confirm-dialog button:not(.secondary)`)),
		chromedp.WaitVisible(chromedp.CSS(".alert")),
	)
}

// Deleting a pool entry asks in a dialog: cancel keeps it, yes removes it. Without the script the same
// button leads to the confirmation page, which does it.
func TestBrowserConfirmDialog(t *testing.T) {
	a := newTestApp(t)
	board := a.longBoard()
	entry := func(i int) int64 {
		var id int64
		if err := a.st.Pool().QueryRow(t.Context(), `SELECT id FROM board_pool WHERE national_id = $1`, nid(i)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	remaining := func(i int) int { return a.count(`SELECT count(*) FROM board_pool WHERE national_id = $1`, nid(i)) }
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.Visit(a.srv.URL + "/boards/" + board)
	button := func(i int) string {
		return fmt.Sprintf(`form[action="/boards/%s/pool/%d/delete"] button`, board, entry(i))
	}

	b.Run(chromedp.Click(chromedp.CSS(button(29))), chromedp.WaitVisible(chromedp.CSS(`dialog.confirm-dialog`)))
	b.Check("pool-delete-dialog")
	focused, _ := chromedp.Run(b.Ctx(), chromedp.Evaluate[bool](`document.activeElement.classList.contains('secondary')`))
	if !focused {
		t.Error("the dialog's focus is not on its safe answer")
	}
	b.Run(chromedp.Click(chromedp.CSS(`dialog.confirm-dialog button.secondary`)), chromedp.WaitNotPresent(chromedp.CSS("dialog")))
	if remaining(29) != 1 || !strings.HasSuffix(b.Location(), "/boards/"+board) {
		t.Fatalf("cancel deleted the entry or left the page (%s)", b.Location())
	}

	confirmInDialog(t, b, button(29), "«معتمد 29» از فهرست معتمدین هیئت اجرایی شهرستان مرودشت حذف شود؟")
	if remaining(29) != 0 {
		t.Fatal("yes in the dialog did not delete the entry")
	}

	// Without the dialog's script, as in a browser without JavaScript.
	b.Run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.SetBlockedURLs, network.SetBlockedURLsParams{
			URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/static/js/confirm.js", Block: true}}})
		return err
	}))
	b.Visit(a.srv.URL + "/boards/" + board)
	b.Run(chromedp.Click(chromedp.CSS(button(28))), chromedp.WaitVisible(chromedp.CSS(`.confirm-step`)))
	if got := b.Text(".confirm-what"); !strings.Contains(got, "«معتمد 28»") {
		t.Errorf("the confirmation page asks %q", got)
	}
	b.Check("pool-delete-confirmation-page")
	if remaining(28) != 1 {
		t.Fatal("the confirmation page deleted the entry")
	}
	b.Run(chromedp.Click(chromedp.CSS(`.confirm-step button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".alert-ok")))
	if remaining(28) != 0 {
		t.Fatal("the confirmation page's button did not delete the entry")
	}
}
