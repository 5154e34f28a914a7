package server

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/setad/setad/internal/browsertest"
)

// A governor loads the pool of 30 from a file: the preview shows the ready rows and the rejected one with
// its reason, and the confirmation, asked in a dialog, adds them all. Once the approval is recorded he
// makes pool entries members with one tap beside each, or with the form below the pool, typing nothing
// twice; on a phone as on a desktop.
func TestBrowserPoolImportAndMakeMember(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	board := a.boardID("marvdasht", "")
	rows := []string{"نادرست,,0012345670,"}
	for i := range 30 {
		rows = append(rows, fmt.Sprintf("معتمد %d,پدر %d,%s,0917%07d", i, i, nid(i), i))
	}
	file := filepath.Join(t.TempDir(), "معتمدین.csv")
	if err := os.WriteFile(file, poolFile(rows...), 0o644); err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	loginAs(b, a.srv.URL, "gov.marvdasht")
	b.Visit(a.srv.URL + "/boards/" + board)
	b.Run(
		chromedp.SetUploadFiles(chromedp.CSS(`#pool-import input[type="file"]`), []string{file}),
		chromedp.Click(chromedp.CSS(`#pool-import button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("preview-h")),
	)
	b.Check("pool-preview")
	if got := b.Text("#preview-h + p"); !strings.Contains(got, "۳۰ سطر آماده افزودن، ۱ سطر رد شده") {
		t.Fatalf("the preview says %q", got)
	}
	if got := b.Text("#rejected-rows"); !strings.Contains(got, "کد ملی معتبر نیست") {
		t.Errorf("the rejected row reads %q", got)
	}
	confirmInDialog(t, b, `form[action$="/pool/import"] button[type="submit"]`, "۳۰ نفر از فایل «معتمدین.csv» یکجا به فهرست معتمدین")
	if n := a.count(`SELECT count(*) FROM board_pool WHERE board_id = $1`, board); n != 30 {
		t.Fatalf("the pool holds %d after the import", n)
	}
	if got := b.Text("#add-pool .alert-ok"); !strings.Contains(got, "افزوده شدند") {
		t.Errorf("after the import the pool form says %q", got)
	}

	b.Run(
		chromedp.SendKeys(chromedp.ID("f-approved_on"), "۱۴۰۵/۰۸/۰۱"),
		chromedp.SendKeys(chromedp.ID("f-reference"), "۱۲۳/ن"),
	)
	submit(b, `#pool-approval button[type="submit"]`)
	for _, v := range []browsertest.Viewport{browsertest.Desktop, browsertest.Phone} {
		b.SetViewport(v)
		var pool int64
		n := 0
		if v == browsertest.Phone {
			n = 1
		}
		if err := a.st.Pool().QueryRow(t.Context(), `SELECT id FROM board_pool WHERE national_id = $1`, nid(n)).Scan(&pool); err != nil {
			t.Fatal(err)
		}
		submit(b, fmt.Sprintf(`form[action$="/members"]:has(input[name="pool"][value="%d"]) button[value="trusted"]`, pool))
		if got := b.Text("#add-from-pool .alert-ok"); !strings.Contains(got, "عضو به هیئت افزوده شد") {
			t.Errorf("%s: after making a member the form says %q", v, got)
		}
		if !strings.HasSuffix(b.Location(), "#add-from-pool") {
			t.Errorf("%s: after making a member the browser is at %s", v, b.Location())
		}
		b.Check("made-member")
		if v == browsertest.Phone {
			if page, screen := b.PageWidth(); page > screen {
				t.Errorf("the board is %d px wide on a %d px phone", page, screen)
			}
			if small, _ := chromedp.Run(b.Ctx(), chromedp.Evaluate[[]string](smallTargets)); len(small) > 0 {
				t.Errorf("controls smaller than 44 px: %s", strings.Join(small, "; "))
			}
		}
	}
	b.Run(
		chromedp.SetValue(chromedp.ID("f-pick-pool"), itoa(int64(a.count(`SELECT id::int FROM board_pool WHERE national_id = $1`, nid(2))))),
		chromedp.SetValue(chromedp.ID("f-pick-role"), "alternate"),
	)
	submit(b, `#add-from-pool button[type="submit"]`)
	b.Check("alternate-from-pool")
	for i, role := range []string{"trusted", "trusted", "alternate"} {
		if a.count(`SELECT count(*) FROM board_members WHERE board_id = $1 AND national_id = $2 AND role = $3 AND phone = $4 AND father_name = $5`,
			board, nid(i), role, fmt.Sprintf("0917%07d", i), fmt.Sprintf("پدر %d", i)) != 1 {
			t.Errorf("pool entry %d is not a %s member with its phone and father's name", i, role)
		}
	}
}
