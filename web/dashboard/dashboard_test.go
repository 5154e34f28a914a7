package dashboard

import (
	"context"
	"strings"
	"testing"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/readiness"
	"github.com/setad/setad/internal/store"
)

// The formula on the page is written from the score's own weights, penalties and band edges.
func TestFormulaFromWeights(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.Fa, i18n.En} {
		ctx := i18n.NewContext(context.Background(), lang)
		f := Formula(ctx)
		for _, w := range readiness.Weights {
			if want := i18n.T(ctx, "readiness.part."+w.Key) + " " + i18n.Num(ctx, w.Points); !strings.Contains(f, want) {
				t.Errorf("%s: the formula lacks %q: %s", lang, want, f)
			}
		}
		for _, p := range readiness.Penalties {
			if !strings.Contains(f, i18n.Num(ctx, p.Each)) || !strings.Contains(f, i18n.Num(ctx, p.Upto)) {
				t.Errorf("%s: the formula lacks the penalty %+v: %s", lang, p, f)
			}
		}
		if !strings.Contains(f, i18n.Num(ctx, readiness.ReadyFrom)) || !strings.Contains(f, i18n.Num(ctx, readiness.LaggingFrom)) {
			t.Errorf("%s: the formula lacks the band edges: %s", lang, f)
		}
	}
}

func TestSortAndLinks(t *testing.T) {
	row := func(code string, critical, overdue, approved int) store.Figures {
		return store.Figures{Code: code, CountyCode: code, NameFa: code, Places: 1, BoardsDraft: 1 - approved, BoardsApproved: approved,
			TasksDue: 1, TasksOverdue: overdue, Incidents: [4]int{0, 0, 0, critical}}
	}
	rows := NewRows([]store.Figures{row("a", 0, 0, 1), row("b", 0, 1, 0), row("c", 1, 0, 1), row("d", 0, 0, 1)})
	order := func() string {
		var s string
		for _, r := range rows {
			s += r.Code
		}
		return s
	}
	SortRows(rows, "", false)
	if got := order(); got != "cbad" { // critical, then the lowest score, then by rank
		t.Errorf("attention first: %s", got)
	}
	SortRows(rows, "tasks", true)
	if got := order(); got != "bacd" {
		t.Errorf("overdue tasks, most first: %s", got)
	}
	SortRows(rows, "name", true)
	if got := order(); got != "dcba" {
		t.Errorf("by name, the last first: %s", got)
	}
	d := Data{Level: store.ByCounty, Path: "/", Province: "fars", Sort: "tasks", Desc: true}
	if got := d.Link(rows[0], "/boards", "status", "draft"); got != "/boards?county=d&province=fars&status=draft" {
		t.Errorf("link %s", got)
	}
	if got, aria := d.SortHref("tasks"), d.AriaSort("tasks"); got != "/?dir=asc&province=fars&sort=tasks" || aria != "descending" {
		t.Errorf("the sorted column's header: %s %s", got, aria)
	}
	if got, aria := d.SortHref("score"), d.AriaSort("score"); got != "/?dir=asc&province=fars&sort=score" || aria != "none" {
		t.Errorf("the score's header: %s %s", got, aria)
	}
	national := Data{Level: store.ByProvince}
	p := Row{Figures: store.Figures{Code: "fars"}}
	if got := national.Link(p, "/incidents", "open", "1"); got != "/incidents?open=1&province=fars" {
		t.Errorf("a province's link %s", got)
	}
	if got := national.NameHref(p); got != "/?province=fars" {
		t.Errorf("a province's name %s", got)
	}
}
