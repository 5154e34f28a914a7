package server

import (
	"net/http"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
	tl "github.com/setad/setad/internal/timeline"
	"github.com/setad/setad/web/components"
	"github.com/setad/setad/web/dashboard"
)

// trendDays is how many days the history chart shows, today included.
const trendDays = 30

// dashboardRead is a dashboard's reads queued into a page's batch, and what the page makes of them once
// the batch has run.
type dashboardRead struct {
	data    dashboard.Data
	figures []store.Figures
}

// queueDashboard queues the figures of the current election e in sc, grouped by g, in county (a code, or
// "" for the whole scope), and their history, into b: the page's one round trip.
func (s *Server) queueDashboard(b *store.Batch, r *http.Request, sc auth.Scope, e store.Election, g store.Grouping, county string,
	choice components.ProvinceChoice) *dashboardRead {
	today := tl.Today(s.now())
	d := &dashboardRead{data: dashboard.Data{Level: g, Today: today, Path: r.URL.Path, Province: choice.Code()}}
	d.data.Sort, d.data.Desc = dashboard.ParseSort(r.URL.Query())
	b.Figures(r.Context(), sc, e.ID, today, g, county, &d.figures)
	if sc.DistrictID == 0 {
		b.ReadinessTrend(sc, e.ID, today.AddDate(0, 0, 1-trendDays), county, &d.data.Trend)
	}
	return d
}

// done scores and orders the rows once the batch has run, and sums them: a county's total is named after
// the county itself, a district's after the district.
func (d *dashboardRead) done(r *http.Request) *dashboard.Data {
	rows := dashboard.NewRows(d.figures)
	var total store.Figures
	if d.data.Level == store.ByPlace && len(rows) > 0 {
		total = store.Figures{ProvinceID: rows[0].ProvinceID, CountyID: rows[0].CountyID, DistrictID: rows[0].DistrictID, Code: rows[0].Code,
			NameFa: rows[0].NameFa, NameEn: rows[0].NameEn, CountyCode: rows[0].CountyCode}
	}
	d.data.Total = dashboard.Total(rows, total)
	if d.data.Level != store.ByPlace {
		dashboard.SortRows(rows, d.data.Sort, d.data.Desc)
	}
	d.data.Rows = rows
	return &d.data
}
