// Package dashboard is the monitoring's readiness dashboard: a province's counties (HQ, an observer, the
// Ministry's drill-down), the country's provinces (the Ministry), a county's places (its page, a governor's
// home) and a district (its head's home), each with its readiness score, every number a link to the list
// behind it, and charts with their numbers in tables.
package dashboard

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/candidacy"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/readiness"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// Row is a row of figures with its score.
type Row struct {
	store.Figures
	Result readiness.Result
	Rank   int // the row's place in the reader's alphabet
}

// NewRows scores rows.
func NewRows(fs []store.Figures) []Row {
	rows := make([]Row, len(fs))
	for i, f := range fs {
		rows[i] = Row{Figures: f, Result: readiness.Score(f.Inputs()), Rank: i}
	}
	return rows
}

// Total is the row of the sum of rows, named by name.
func Total(rows []Row, f store.Figures) Row {
	for _, r := range rows {
		f.Add(r.Figures)
	}
	return Row{Figures: f, Result: readiness.Score(f.Inputs())}
}

// Data is a dashboard: its rows, how they are sorted, the total, the history and where its links go.
type Data struct {
	Level    store.Grouping
	Rows     []Row
	Total    Row
	Trend    []store.TrendDay
	Today    time.Time
	Sort     string // a column key, "" for those that need attention first
	Desc     bool
	Path     string // the page's own path, for its sort links
	Province string // the province chosen by the Ministry's reader, carried by every link; "" for others
}

// Columns are the sortable columns, in the table's order.
var Columns = []string{"name", "score", "boards", "milestones", "tasks", "guidance", "candidates", "incidents", "checks", "training"}

// ParseSort reads ?sort= and ?dir=: a known column, or "" (needs attention first).
func ParseSort(q url.Values) (key string, desc bool) {
	key = q.Get("sort")
	if !slices.Contains(Columns, key) {
		return "", false
	}
	return key, q.Get("dir") == "desc"
}

// sortValue is what a column sorts by: the worse, the larger, except the name and the score.
func sortValue(r Row, key string) int {
	switch key {
	case "score":
		return r.Result.Score
	case "boards":
		return r.Boards() - r.BoardsApproved
	case "milestones":
		return r.MilestonesOverdue
	case "tasks":
		return r.TasksOverdue
	case "guidance":
		return r.UnackedCirculars
	case "candidates":
		return r.CandidateTotal()
	case "incidents":
		return ((r.Incidents[3]*1000+r.Incidents[2])*1000+r.Incidents[1])*1000 + r.Incidents[0]
	case "checks":
		return r.ChecksMissed
	case "training":
		return r.Places - r.PlacesTrained
	}
	return 0
}

// SortRows orders rows by a column, or, with none, those that need attention first: the most open
// critical incidents, then the lowest score, then by name (the rank the store gave them).
func SortRows(rows []Row, key string, desc bool) {
	name := func(a, b Row) int { return cmp.Compare(a.Rank, b.Rank) }
	slices.SortStableFunc(rows, func(a, b Row) int {
		var c int
		switch key {
		case "":
			return cmp.Or(cmp.Compare(b.Incidents[3], a.Incidents[3]), cmp.Compare(a.Result.Score, b.Result.Score), name(a, b))
		case "name":
			c = name(a, b)
		default:
			c = cmp.Compare(sortValue(a, key), sortValue(b, key))
		}
		if desc {
			c = -c
		}
		return cmp.Or(c, name(a, b))
	})
}

// SortHref is a column header's link: sorted by the column, the other way when it is the sort already;
// first the worst first (lowest score, most overdue), the name from A.
func (d Data) SortHref(key string) templ.SafeURL {
	desc := key != "name" && key != "score"
	if d.Sort == key {
		desc = !d.Desc
	}
	q := url.Values{"sort": {key}, "dir": {"asc"}}
	if desc {
		q.Set("dir", "desc")
	}
	if d.Province != "" {
		q.Set("province", d.Province)
	}
	return templ.SafeURL(d.Path + "?" + q.Encode())
}

// AriaSort is a column header's aria-sort.
func (d Data) AriaSort(key string) string {
	switch {
	case d.Sort != key:
		return "none"
	case d.Desc:
		return "descending"
	}
	return "ascending"
}

// Link is the list behind a number of a row, filtered to the row: a county's (of a county's row), a
// district's (of a district's row on a county's page), the county's own place without its districts (of
// the county's own row, ?level=county),
// a province's (of the country's rows), with the Ministry's chosen province carried. A province's
// milestones have none ("": the number is not a link): the timeline lists one county's at a time.
func (d Data) Link(r Row, path string, kv ...string) templ.SafeURL {
	if d.Level == store.ByProvince && path == "/timeline" {
		return ""
	}
	q := url.Values{}
	if r.CountyCode != "" {
		q.Set("county", r.CountyCode)
	}
	if d.Level == store.ByPlace {
		if r.DistrictID != 0 {
			q.Set("district", r.Code)
		} else {
			q.Set("level", "county")
		}
	}
	province := d.Province
	if d.Level == store.ByProvince {
		province = r.Code
	}
	if province != "" {
		q.Set("province", province)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return templ.SafeURL(path + "?" + q.Encode())
}

// NameHref is where a row's name goes: a province's dashboard, a county's page; "" for a place.
func (d Data) NameHref(r Row) templ.SafeURL {
	switch d.Level {
	case store.ByProvince:
		return templ.SafeURL("/?province=" + url.QueryEscape(r.Code))
	case store.ByCounty:
		return templ.SafeURL("/counties/" + url.PathEscape(r.Code))
	}
	return ""
}

// BoardStatuses are the boards' statuses in the order a cell lists them.
var BoardStatuses = []string{"approved", "submitted", "returned", "draft"}

// BoardCount is a row's boards of a status.
func BoardCount(r Row, status string) int {
	switch status {
	case "approved":
		return r.BoardsApproved
	case "submitted":
		return r.BoardsSubmitted
	case "returned":
		return r.BoardsReturned
	}
	return r.BoardsDraft
}

// Severities are the incidents' severities, the gravest first, with their index in Figures.Incidents.
var Severities = []struct {
	Key   string
	Index int
}{{"critical", 3}, {"high", 2}, {"medium", 1}, {"low", 0}}

// CandidateStatuses are the statuses of a row's candidates that it has, in the lifecycle's order.
func CandidateStatuses(r Row) []string {
	var out []string
	for _, s := range candidacy.Statuses {
		if r.Candidates[s] > 0 {
			out = append(out, s)
		}
	}
	return out
}

// BandTone is a band's badge tone.
func BandTone(b readiness.Band) components.Tone {
	switch b {
	case readiness.Ready:
		return components.ToneOK
	case readiness.Lagging:
		return components.ToneWarn
	}
	return components.ToneBad
}

// Formula is the score's formula in words, written from the package's weights, penalties and band edges.
func Formula(ctx context.Context) string {
	var parts, penalties []string
	for _, w := range readiness.Weights {
		parts = append(parts, i18n.T(ctx, "readiness.weight", i18n.ArgKey("part", "readiness.part."+w.Key), i18n.ArgNum("points", w.Points)))
	}
	for _, p := range readiness.Penalties {
		penalties = append(penalties, i18n.T(ctx, "readiness.penalty", i18n.ArgKey("severity", "readiness.severity."+severityKey(p.Severity)),
			i18n.ArgNum("each", p.Each), i18n.ArgNum("upto", p.Upto)))
	}
	sep := i18n.T(ctx, "readiness.sep")
	return i18n.T(ctx, "readiness.formula", i18n.ArgText("parts", strings.Join(parts, sep)),
		i18n.ArgText("penalties", strings.Join(penalties, sep)), i18n.ArgNum("ready", readiness.ReadyFrom),
		i18n.ArgNum("lagging", readiness.LaggingFrom), i18n.ArgNum("below", readiness.ReadyFrom-1))
}

func severityKey(s readiness.Severity) string {
	for _, v := range Severities {
		if v.Index == int(s) {
			return v.Key
		}
	}
	return ""
}

// Points is a part's points in the score, as the reader writes a number with one decimal.
func Points(ctx context.Context, r readiness.Result, p readiness.Part) string {
	tenths := p.Points(r.MeasuredWeight())
	s := i18n.Num(ctx, tenths/10)
	if tenths%10 != 0 {
		s += i18n.T(ctx, "readiness.decimal") + i18n.Num(ctx, tenths%10)
	}
	return s
}

// Bars are the rows' scores as bars, in the table's order.
func Bars(ctx context.Context, d Data) []components.Bar {
	bars := make([]components.Bar, len(d.Rows))
	for i, r := range d.Rows {
		bars[i] = components.Bar{Label: i18n.Pick(ctx, r.NameFa, r.NameEn), Value: r.Result.Score, Max: 100, Tone: BandTone(r.Result.Band),
			Href: d.NameHref(r)}
	}
	return bars
}

func levelKey(g store.Grouping) string {
	switch g {
	case store.ByProvince:
		return "provinces"
	case store.ByCounty:
		return "counties"
	}
	return "places"
}

// readyDesc says the readiness chart in words: how many rows, the least ready and the most ready.
func readyDesc(ctx context.Context, d Data) string {
	if len(d.Rows) == 0 {
		return i18n.T(ctx, "dashboard.none")
	}
	lo, hi := d.Rows[0], d.Rows[0]
	for _, r := range d.Rows {
		if r.Result.Score < lo.Result.Score {
			lo = r
		}
		if r.Result.Score > hi.Result.Score {
			hi = r
		}
	}
	return i18n.T(ctx, "dashboard.ready_desc", i18n.ArgNum("n", len(d.Rows)), i18n.ArgName("low", lo.NameFa, lo.NameEn),
		i18n.ArgNum("low_score", lo.Result.Score), i18n.ArgName("high", hi.NameFa, hi.NameEn), i18n.ArgNum("high_score", hi.Result.Score))
}

// candidateSegments are the total's candidates by status, in the lifecycle's order.
func candidateSegments(ctx context.Context, d Data) []components.Segment {
	tones := []components.Tone{components.ToneSubmitted, components.ToneWarn, components.ToneOK, components.ToneBad, components.ToneDraft}
	// The total of a county's places is the county's, its districts included.
	whole := d
	if whole.Level == store.ByPlace {
		whole.Level = store.ByCounty
	}
	var out []components.Segment
	for i, s := range CandidateStatuses(d.Total) {
		out = append(out, components.Segment{Key: s, Label: i18n.T(ctx, "cstatus."+s), Value: d.Total.Candidates[s],
			Href: whole.Link(Row{Figures: store.Figures{CountyCode: d.Total.CountyCode}}, "/candidates", "status", s), Tone: tones[i%len(tones)]})
	}
	return out
}

func candidatesDesc(ctx context.Context, r Row) string {
	return i18n.T(ctx, "dashboard.candidates_desc", i18n.ArgNum("n", r.CandidateTotal()), i18n.ArgNum("statuses", len(CandidateStatuses(r))))
}

func trendSeries(ctx context.Context) []components.Series {
	return []components.Series{{Label: i18n.T(ctx, "dashboard.series.milestones"), Tone: components.ToneBad},
		{Label: i18n.T(ctx, "dashboard.series.tasks"), Tone: components.ToneWarn},
		{Label: i18n.T(ctx, "dashboard.series.checks"), Tone: components.ToneSubmitted}}
}

// trendDesc says the history in words: from which day, and how much is overdue today.
func trendDesc(ctx context.Context, d Data) string {
	days := TrendDays(ctx, d)
	return i18n.T(ctx, "dashboard.trend_desc", i18n.ArgDay("from", days[0].Day), i18n.ArgNum("today", days[len(days)-1].Total()))
}

// TrendDays are the history's days and today's live figures, oldest first, each with its overdue
// milestones, overdue tasks and missed checks.
func TrendDays(ctx context.Context, d Data) []components.DayValue {
	var out []components.DayValue
	for _, t := range d.Trend {
		if !t.Day.Before(d.Today) {
			continue
		}
		out = append(out, components.DayValue{Day: t.Day, Values: []int{t.MilestonesOverdue, t.TasksOverdue, t.ChecksMissed}, Label: i18n.Day(ctx, t.Day)})
	}
	return append(out, components.DayValue{Day: d.Today, Values: []int{d.Total.MilestonesOverdue, d.Total.TasksOverdue, d.Total.ChecksMissed},
		Label: i18n.Day(ctx, d.Today)})
}
