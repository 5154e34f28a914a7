package tasks

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

func render(t *testing.T, lang i18n.Lang, c templ.Component) string {
	t.Helper()
	var b strings.Builder
	if err := c.Render(i18n.NewContext(context.Background(), lang), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func has(t *testing.T, html string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(html, w) {
			t.Errorf("missing %q in\n%s", w, html)
		}
	}
}

// A home page's tasks: a Persian title in the English page is isolated, so that the day and the days in
// words that follow it keep their order; a committee's task names its due date as such, apart from its
// progress.
func TestHomeTitlesIsolatedAndDueLabelled(t *testing.T) {
	today := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	due := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	d := HomeData{
		Today:  today,
		Copies: []store.TaskCopy{{TaskID: 1, Title: "ارسال فهرست", DueDate: due, Assignee: store.TaskAssignee{Status: "open"}}},
		Tasks:  []store.TaskSummary{{ID: 2, Title: "بازدید شعب", DueDate: due, Assignees: 14, Done: 1}},
		Total:  1,
	}
	en := render(t, i18n.En, Home(d))
	has(t, en, `<a href="/tasks/1"><bdi>ارسال فهرست</bdi></a>`, `<a href="/tasks/2"><bdi>بازدید شعب</bdi></a>`,
		`<span class="tl-days">Due 2026-11-26</span> <span class="task-progress">1 of 14 done</span>`)
	fa := render(t, i18n.Fa, Home(d))
	has(t, fa, `<span class="tl-days">مهلت ۱۴۰۵/۰۹/۰۵</span>`)
}

// The note of a copy's move is not marked optional, since blocking or staying in the same state needs it:
// its hint says so.
func TestStatusNoteHintTruthful(t *testing.T) {
	row := Row{A: store.TaskAssignee{ID: 3, TaskID: 1, CountyID: 1, Status: "open", Version: 1}, Own: true,
		Next: []string{"open", "in_progress"}, Form: components.NewForm()}
	for lang, want := range map[i18n.Lang]string{
		i18n.Fa: "برای «متوقف» و برای ماندن در همان وضعیت لازم است",
		i18n.En: "Required to block, and to keep the same status",
	} {
		html := render(t, lang, statusForm(row))
		has(t, html, want)
		if strings.Contains(html, `class="optional"`) {
			t.Errorf("%s: the note is marked optional:\n%s", lang, html)
		}
	}
}
