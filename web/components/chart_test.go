package components

import (
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/i18n"
)

func TestBarGeometry(t *testing.T) {
	tests := []struct {
		name          string
		v, max, width int
		rtl           bool
		wantX, wantW  int
	}{
		{"none of 0", 5, 0, 400, false, 0, 0},
		{"none of 0 rtl", 5, 0, 400, true, 400, 0},
		{"half", 50, 100, 400, false, 0, 200},
		{"half from the right", 50, 100, 400, true, 200, 200},
		{"beyond max is max", 150, 100, 400, false, 0, 400},
		{"beyond max rtl", 150, 100, 400, true, 0, 400},
		{"negative is none", -3, 100, 400, false, 0, 0},
		{"rounded half up", 1, 8, 4, false, 0, 1}, // 0.5 → 1
		{"rounded down", 1, 3, 4, false, 0, 1},    // 1.33 → 1
		{"rounded up", 2, 3, 4, true, 1, 3},       // 2.67 → 3
		{"full", 100, 100, 432, true, 0, 432},
	}
	for _, tt := range tests {
		x, w := barGeometry(tt.v, tt.max, tt.width, tt.rtl)
		if x != tt.wantX || w != tt.wantW {
			t.Errorf("%s: (%d, %d), want (%d, %d)", tt.name, x, w, tt.wantX, tt.wantW)
		}
	}
}

func TestStackGeometry(t *testing.T) {
	got := stackGeometry([]int{1, 1, 1}, 100, false)
	if got[0] != (span{0, 33}) || got[1] != (span{33, 34}) || got[2] != (span{67, 33}) {
		t.Errorf("thirds: %v", got)
	}
	got = stackGeometry([]int{1, 0, 3}, 100, true)
	if got[0] != (span{75, 25}) || got[1].w != 0 || got[2] != (span{0, 75}) {
		t.Errorf("from the right: %v", got)
	}
	if got := stackGeometry([]int{0, 0}, 100, false); got[0].w+got[1].w != 0 {
		t.Errorf("nothing: %v", got)
	}
	x0, w := columnGeometry(0, 30, 600, false)
	x29, _ := columnGeometry(29, 30, 600, true)
	if x0 != x29 || w != 17 {
		t.Errorf("the first column from the left is the last from the right: %d %d, width %d", x0, x29, w)
	}
}

// The parts of a stacked column add up to its total's height, and the tallest column is the plot's height.
func TestColumnsStack(t *testing.T) {
	days := []DayValue{{Values: []int{1, 1, 1}}, {Values: []int{2, 0, 1}}, {Values: []int{0, 0, 0}}}
	cols := drawColumns(days, nil, false)
	sum := 0
	for _, r := range cols[0].Parts {
		sum += r.H
	}
	if sum != columnsH || cols[0].Parts[2].Y != 0 {
		t.Errorf("the tallest column: %+v", cols[0].Parts)
	}
	if len(cols[1].Parts) != 2 || len(cols[2].Parts) != 0 {
		t.Errorf("zero parts are not drawn: %+v", cols)
	}
	// Today, the last of a month's columns, is at the left end from the right: its label stays inside.
	today := drawColumns([]DayValue{{Values: []int{1}, Label: "x"}}, nil, true)[0]
	if today.Anchor != "start" || today.TickX != today.Parts[0].X {
		t.Errorf("today's label at %d anchored %s, its column at %d", today.TickX, today.Anchor, today.Parts[0].X)
	}
}

func TestChartsAccessible(t *testing.T) {
	c := Chart{ID: "ready", Title: "آمادگی", Desc: "دو شهرستان", Caption: "آمادگی شهرستان‌ها"}
	html := render(t, i18n.Fa, BarChart(c, []Bar{{Label: "مرودشت", Value: 45, Max: 100, Href: "/counties/marvdasht", Tone: ToneWarn}}))
	for _, want := range []string{`role="img"`, `aria-labelledby="ready-t ready-d"`, `<title id="ready-t">آمادگی</title>`,
		`<desc id="ready-d">دو شهرستان</desc>`, `<details class="chart-data">`, `<a href="/counties/marvdasht">۴۵</a>`,
		`class="chart-fill chart-warn"`, `x="278" y="4" width="192"`} { // 45% of 426 from the right of 44+426
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in\n%s", want, html)
		}
	}
	if strings.Contains(html, "style=") {
		t.Error("an inline style")
	}
	html = render(t, i18n.En, BarChart(c, []Bar{{Label: "Marvdasht", Value: 45, Max: 100, Tone: ToneWarn}}))
	if !strings.Contains(html, `x="170" y="4" width="192"`) || !strings.Contains(html, ">45<") {
		t.Errorf("left to right in English:\n%s", html)
	}
	html = render(t, i18n.Fa, DayColumns(c, []Series{{"دیرکرد", ToneBad}}, []DayValue{{Day: time.Now(), Values: []int{3}, Label: "۱۰ آذر"}}))
	if !strings.Contains(html, "<td>۳</td>") || !strings.Contains(html, "۱۰ آذر") {
		t.Errorf("day columns:\n%s", html)
	}
}
