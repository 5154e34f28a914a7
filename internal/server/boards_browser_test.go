package server

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/boardrules"
	"github.com/setad/setad/internal/browsertest"
)

// loginAs signs the browser in through the form.
func loginAs(b *browsertest.Browser, base, username string) {
	b.Visit(base + "/login")
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-username"), username),
		chromedp.SendKeys(chromedp.ID("f-password"), testPassword),
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".who-name")),
	)
}

// submit clicks a form's button and waits for the next page's message or error summary; the old page's
// are removed first so that they cannot be mistaken for the new one's.
func submit(b *browsertest.Browser, button string) {
	b.Run(
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('.alert, .error-summary').forEach(e => e.remove())`),
		chromedp.Click(chromedp.CSS(button)),
		chromedp.WaitVisible(chromedp.CSS(".alert, .error-summary")),
	)
}

func logout(b *browsertest.Browser) {
	b.Run(chromedp.Click(chromedp.CSS(`.header-tools button`)), chromedp.WaitVisible(chromedp.ID("f-username")))
}

// addMember fills the add-member form in the browser and waits for the board page to come back.
func addMember(b *browsertest.Browser, m boardrules.Member) {
	acts := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.ID("f-full_name"), m.FullName),
		chromedp.SendKeys(chromedp.ID("f-national_id"), m.NationalID),
		chromedp.SetValue(chromedp.ID("f-role"), m.Role),
	}
	if m.Office != "" {
		acts = append(acts, chromedp.SetValue(chromedp.ID("f-office"), m.Office))
	}
	b.Run(acts...)
	submit(b, `#add-member button[type="submit"]`)
}

// A governor composes a legal board and submits; HQ returns it with a note; the governor fixes it and
// resubmits; HQ sees what changed and approves; the print view renders.
func TestBrowserBoardReview(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	board := a.boardID("marvdasht", "")
	// The pool of 30 and its approval are entered beforehand; the browser composes the board itself.
	gov := a.ids["gov.marvdasht"]
	actor := audit.Actor{ID: gov, Name: "gov.marvdasht", Remote: "test"}
	var boardID int64
	fmt.Sscan(board, &boardID)
	sc := auth.Scope{ProvinceID: 0}
	for i := range 30 {
		if err := a.st.AddPoolMember(t.Context(), actor, sc, boardID, boardrules.Member{FullName: fmt.Sprintf("معتمد %d", i), NationalID: nid(i)}); err != nil {
			t.Fatal(err)
		}
	}
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.Visit(a.srv.URL + "/boards")
	b.Visit(a.srv.URL + "/boards/" + board)
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-approved_on"), "۱۴۰۵/۰۸/۰۱"),
		chromedp.SendKeys(chromedp.ID("f-reference"), "۱۲۳/ن"),
	)
	submit(b, `#pool-approval button[type="submit"]`)
	members := []boardrules.Member{
		{FullName: "رئیس هیئت", NationalID: nid(100), Role: "chair", Office: "governor"},
		{FullName: "رئیس ثبت احوال", NationalID: nid(101), Role: "ex_officio", Office: "civil_registration"},
		{FullName: "نماینده دادگستری", NationalID: nid(102), Role: "ex_officio", Office: "judiciary_rep"},
	}
	for i := range 8 {
		members = append(members, boardrules.Member{FullName: fmt.Sprintf("معتمد %d", i), NationalID: nid(i), Role: "trusted"})
	}
	for i := range 5 {
		members = append(members, boardrules.Member{FullName: fmt.Sprintf("معتمد %d", 10+i), NationalID: nid(10 + i), Role: "alternate"})
	}
	for _, m := range members {
		addMember(b, m)
	}
	b.Check("composed")
	if got := b.Text("#check-h + p"); !strings.Contains(got, "مطابق است") {
		t.Fatalf("the rule check says %q", got)
	}
	submit(b, `form[action$="/submit"] button`)
	b.Check("submitted")
	logout(b)

	loginAs(b, a.srv.URL, "hq.fars")
	b.Visit(a.srv.URL + "/boards?status=submitted")
	b.Visit(a.srv.URL + "/boards/" + board)
	b.Run(chromedp.SendKeys(chromedp.ID("f-note"), "یک عضو ذخیره را جایگزین کنید"))
	submit(b, `.return-form button`)
	b.Check("returned")
	logout(b)

	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.Check("home-with-note")
	if !strings.Contains(b.Text("main"), "یک عضو ذخیره را جایگزین کنید") {
		t.Error("the governor's home page does not show HQ's note")
	}
	b.Visit(a.srv.URL + "/boards/" + board)
	var alternate int64
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT id FROM board_members WHERE national_id = $1`, nid(14)).Scan(&alternate); err != nil {
		t.Fatal(err)
	}
	confirmInDialog(t, b, fmt.Sprintf(`form[action="/boards/%s/members/%d/delete"] button`, board, alternate), "«معتمد 14» از هیئت اجرایی شهرستان مرودشت حذف شود؟")
	if !strings.Contains(b.Text(".violations"), "علی‌البدل") {
		t.Errorf("four alternates are not flagged: %q", b.Text(".violations"))
	}
	b.Check("violations")
	addMember(b, boardrules.Member{FullName: "معتمد 20", NationalID: nid(20), Role: "alternate"})
	submit(b, `form[action$="/submit"] button`)
	b.Check("resubmitted")
	logout(b)

	loginAs(b, a.srv.URL, "hq.fars")
	b.Visit(a.srv.URL + "/boards/" + board)
	review := b.Text("#review-h + h3")
	if !strings.Contains(review, "۱") {
		t.Errorf("HQ does not see the changes since submission 1: %q", review)
	}
	if !strings.Contains(b.Text(".changes"), "معتمد 20") {
		t.Errorf("the diff does not show the added member: %q", b.Text(".changes"))
	}
	confirmInDialog(t, b, `form[action$="/approve"] button`, "(ارسال شماره ۲) تأیید شود؟")
	b.Check("approved")
	b.Visit(a.srv.URL + "/boards/" + board + "/print")
	if !strings.Contains(b.Text("main"), "امضای رئیس هیئت") {
		t.Error("the print view lacks the signature lines")
	}
}
