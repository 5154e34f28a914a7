// Package timeline is the timeline area: a place's milestones, the matrix of every county's (or a county's
// districts') milestones, the month calendar of the milestones of the user's scope, and the template.
package timeline

import (
	"context"
	"net/url"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	tl "github.com/setad/setad/internal/timeline"
	"github.com/setad/setad/web/components"
)

// MatrixData is the matrix page: the places of a province (its counties, or a county's districts) by the
// milestones of their level in the current election.
type MatrixData struct {
	Election *store.Election
	Province components.ProvinceChoice // the national HQ's choice of a province
	County   *store.County             // the county whose districts are shown; nil when the counties are
	// The milestones of the places' level, the columns, and the places, the rows.
	Milestones []store.Milestone
	Rows       []MatrixRow
	Overdue    []int // for each milestone, the places where it is overdue
	Total      int   // every overdue cell
}

// MatrixRow is one place of the matrix: its status on each milestone, in the columns' order.
type MatrixRow struct {
	Code, NameFa, NameEn string
	Districts            templ.SafeURL // the matrix of a county's districts; "" for a district or a county without any
	Timeline             templ.SafeURL // the county's timeline, where every cell leads
	Cells                []tl.Status
	Overdue              int
}

// MatrixStatuses are the statuses the matrix can show, for its key: a county's or a district's milestones
// are someone's to mark, so they are overdue once closed, never past.
var MatrixStatuses = []tl.Status{tl.Upcoming, tl.Open, tl.DueSoon, tl.Overdue, tl.Done}

// MatrixHref is the matrix's address for the national HQ's province ("" for the others) and a county
// ("" for the counties).
func MatrixHref(province, county string) templ.SafeURL {
	q := url.Values{}
	if province != "" {
		q.Set("province", province)
	}
	if county != "" {
		q.Set("county", county)
	}
	if len(q) == 0 {
		return "/timeline/matrix"
	}
	return templ.SafeURL("/timeline/matrix?" + q.Encode())
}

// TimelineHref is the timeline of a county, where a matrix's cells lead: of the national HQ's province
// (province; "" for the others, whose province is their own).
func TimelineHref(province, county string) templ.SafeURL {
	q := url.Values{"county": {county}}
	if province != "" {
		q.Set("province", province)
	}
	return templ.SafeURL("/timeline?" + q.Encode())
}

// matrixTitle is the page's title: the counties, or a county's districts.
func (d MatrixData) matrixTitle(ctx context.Context) string {
	if d.County != nil {
		return i18n.T(ctx, "timeline.matrix.title_county", i18n.ArgName("county", d.County.NameFa, d.County.NameEn))
	}
	return i18n.T(ctx, "timeline.matrix.title")
}

// statusCells are, for each status, the class and the label of a cell, made once for a page's many cells.
type statusCells struct {
	class [tl.Done + 1]string
	label [tl.Done + 1]string
}

func newStatusCells(lang i18n.Lang) *statusCells {
	c := &statusCells{}
	for _, s := range tl.Statuses {
		c.class[s] = "tl-cell " + s.Class()
		c.label[s] = i18n.Message(lang, s.Key())
	}
	return c
}

// overdueCount writes a count of overdue cells in the reader's digits.
func overdueCount(lang i18n.Lang, n int) components.Text { return components.Text(lang.Num(n)) }

// countClass marks a count above nought in red: the number says it too.
func countClass(n int) string {
	if n > 0 {
		return "num bad-text"
	}
	return "num"
}

// showsMatrix reports whether the user may read the matrix, which the views' links offer then.
func showsMatrix(ctx context.Context) bool {
	return auth.FromContext(ctx).Can(auth.ViewTimelineMatrix)
}
