package server

import (
	"fmt"
	"net/http"
	"time"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/readiness"
	"github.com/setad/setad/internal/reqctx"
	"github.com/setad/setad/internal/store"
	tl "github.com/setad/setad/internal/timeline"
	"github.com/setad/setad/web/components"
	"github.com/setad/setad/web/dashboard"
)

// trendDays is how many days the history chart shows, today included.
const trendDays = 30

// dashboardRead is a dashboard's reads, and what the page makes of them once its batch has run.
type dashboardRead struct {
	data    dashboard.Data
	figures []store.Figures
	// incidents are the open incidents of a county's or a district's page, each once: its rows overlap
	// (an incident counts for the place that reported it and each district it affects).
	incidents *[4]int
}

// figuresKept is how many sets of figures the server keeps: one for the country, one per province and
// per county and district whose page was opened since the data last changed.
const figuresKept = 1024

// readDashboard reads the figures of the current election e in sc, grouped by g, in county (a code, or
// "" for the whole scope), with their history (figuresOf), before the page's batch.
func (s *Server) readDashboard(r *http.Request, sc auth.Scope, e store.Election, g store.Grouping, county string,
	choice components.ProvinceChoice) (*dashboardRead, error) {
	today := tl.Today(s.now())
	d := &dashboardRead{data: dashboard.Data{Level: g, Today: today, Path: r.URL.Path, Province: choice.Code()}}
	d.data.Sort, d.data.Desc = dashboard.ParseSort(r.URL.Query())
	f, err := s.figuresOf(r, sc, e.ID, today, g, county)
	if err != nil {
		return nil, err
	}
	d.figures, d.data.Trend, d.incidents = f.figures, f.trend, f.incidents
	return d, nil
}

// figures are a dashboard's figures and, but for a district's, their history of trendDays; a county's or
// a district's page (ByPlace) also its open incidents, each once.
type figures struct {
	figures   []store.Figures
	trend     []store.TrendDay
	incidents *[4]int
}

// figuresOf returns the figures of a dashboard as of the data version the request read: kept from an
// earlier request of the same version for the same scope, grouping, county, day and language (the rows'
// order), or read now, once for all the requests that want them at the same time (package memo). The
// figures of a province count every county's work, so any write in it makes them new; without the memo,
// each reader of the dashboard would count them again after each.
func (s *Server) figuresOf(r *http.Request, sc auth.Scope, electionID int64, today time.Time, g store.Grouping, county string) (figures, error) {
	ctx := r.Context()
	key := fmt.Sprintf("%d %d %d %d %d %s %s %s", electionID, sc.ProvinceID, sc.CountyID, sc.DistrictID, g,
		today.Format(time.DateOnly), county, i18n.From(ctx))
	return s.figures.Get(ctx, key, dataVersion(reqctx.From(ctx)), func() (figures, error) {
		var f figures
		var b store.Batch
		if sc.DistrictID == 0 {
			b.ReadinessTrend(sc, electionID, today.AddDate(0, 0, 1-trendDays), county, &f.trend)
		}
		if g == store.ByPlace {
			f.incidents = new([4]int)
			b.OpenIncidents(sc, county, f.incidents)
		}
		if err := s.store.Run(ctx, &b); err != nil {
			return f, err
		}
		var err error
		f.figures, err = s.store.Figures(ctx, sc, electionID, today, g, county)
		return f, err
	})
}

// summaryOf returns the counts of places and users in sc as of the data version the request read, kept
// for every reader of that scope as figuresOf keeps the figures: the country's users are many.
func (s *Server) summaryOf(r *http.Request, sc auth.Scope) (store.Summary, error) {
	ctx := r.Context()
	key := fmt.Sprintf("%d %d %d", sc.ProvinceID, sc.CountyID, sc.DistrictID)
	return s.summaries.Get(ctx, key, dataVersion(reqctx.From(ctx)), func() (store.Summary, error) {
		return s.store.Summary(ctx, sc)
	})
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
	if d.incidents != nil {
		d.data.Total.Incidents = *d.incidents
		d.data.Total.Result = readiness.Score(d.data.Total.Inputs())
	}
	if d.data.Level != store.ByPlace {
		dashboard.SortRows(rows, d.data.Sort, d.data.Desc)
	}
	d.data.Rows = rows
	return &d.data
}
