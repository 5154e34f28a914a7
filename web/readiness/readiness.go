// Package readiness is the readiness checks: the list of an election's checks with what each place has
// filed and missed (HQ's form to define one), a check's places-by-days matrix with HQ's edit form, and a
// place's form that files a check for a day, item by item.
package readiness

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// ListData is /readiness.
type ListData struct {
	Today    time.Time
	Province components.ProvinceChoice // the Ministry's choice
	// NoElection says there is no current election to check.
	NoElection bool
	Election   store.Election
	// Place says the reader files for his own place (a governor, a district head): the page shows what his
	// place must file today, what it filed and what it missed.
	Place   bool
	Checks  []store.Check
	Unfiled []store.PlaceDay // each check's places that have not filed its latest day
	Missed  []store.PlaceDay // the place-days missed, the latest first
	Filings []store.OwnFiling
	// The filters of a province-wide reader: one county (and its districts), and the missed days only.
	Counties   []store.County
	County     *store.County
	OnlyMissed bool
	Filter     components.Form
	// HQ's form that defines a check.
	CanDefine bool
	Form      components.Form
}

// ShowData is a check's page.
type ShowData struct {
	Today      time.Time
	Province   components.ProvinceChoice
	C          store.Check
	Items      []store.CheckItem
	Matrix     store.Matrix
	Days       []time.Time // the matrix's columns
	Earlier    time.Time   // the last day of the days before the matrix, zero when none
	Later      time.Time   // the last day of the days after it, zero when none
	County     *store.County
	OnlyMissed bool
	Counties   []store.County
	Filter     components.Form
	// HQ's edit form and retire button, and the restore button of a retired check.
	CanEdit    bool
	CanRestore bool
	Form       components.Form
	Refused    i18n.Msg
	CanFile    bool // the reader files the check for his own place
	FileHref   templ.SafeURL
}

// retirement is HQ's button that retires a live check, once confirmed, or restores a retired one: where
// it posts, its label and the form's attributes.
func (d ShowData) retirement(ctx context.Context) (templ.SafeURL, string, templ.Attributes) {
	if d.C.RetiredAt != nil {
		return templ.SafeURL(string(Href(d.C.ID)) + "/restore"), i18n.T(ctx, "readiness.restore"), templ.Attributes{}
	}
	return templ.SafeURL(string(Href(d.C.ID)) + "/retire"), i18n.T(ctx, "readiness.retire"), components.ConfirmAttrs(ctx, RetireQuestion(d.C))
}

// FileData is a place's filing form for one day of a check.
type FileData struct {
	Today   time.Time
	C       store.Check
	Items   []store.CheckItem // live
	Day     time.Time
	Days    []time.Time // the other days the place may file, the latest first (a daily check)
	Place   string
	Filing  store.Filing
	Form    components.Form
	Refused i18n.Msg
	// Closed says why the form is not drawn (a retired check, a district asked to file a check of counties).
	Closed i18n.Msg
}

// ToFileData is the checks the reader's own place has yet to file on Today.
type ToFileData struct {
	Today  time.Time
	Checks []store.CheckToFile
}

// Href is a check's page; FileHref its filing form for day (zero: the form's own choice).
func Href(id int64) templ.SafeURL { return templ.SafeURL("/readiness/" + strconv.FormatInt(id, 10)) }

// FileHref is a check's filing form for a day.
func FileHref(id int64, day time.Time) templ.SafeURL {
	u := "/readiness/" + strconv.FormatInt(id, 10) + "/file"
	if !day.IsZero() {
		u += "?day=" + day.Format(time.DateOnly)
	}
	return templ.SafeURL(u)
}

// ListHref is /readiness with the filters: a county's code and the missed days only, and the Ministry's
// province choice.
func ListHref(p components.ProvinceChoice, county string, missed bool) templ.SafeURL {
	return filtered("/readiness", p, county, missed)
}

// MatrixHref is a check's page with the same filters.
func MatrixHref(id int64, p components.ProvinceChoice, county string, missed bool) templ.SafeURL {
	return filtered(string(Href(id)), p, county, missed)
}

func filtered(path string, p components.ProvinceChoice, county string, missed bool) templ.SafeURL {
	q := url.Values{}
	if code := p.Code(); code != "" {
		q.Set("province", code)
	}
	if county != "" {
		q.Set("county", county)
	}
	if missed {
		q.Set("missed", "1")
	}
	if len(q) == 0 {
		return templ.SafeURL(path)
	}
	return templ.SafeURL(path + "?" + q.Encode())
}

// When is a check's days in words: its due day, or its span.
func When(ctx context.Context, c store.Check) string {
	if c.Cadence == store.CadenceOnce {
		return i18n.T(ctx, "readiness.when_once", i18n.ArgDay("day", c.First))
	}
	return i18n.T(ctx, "readiness.when_daily", i18n.ArgDay("from", c.First), i18n.ArgDay("to", c.Last))
}

// PlaceName is a place that files checks: a county's governorate, or a district with its county.
func PlaceName(ctx context.Context, p store.CheckPlace) string {
	if p.DistrictID == 0 {
		return i18n.T(ctx, "readiness.place_county", i18n.ArgName("county", p.CountyFa, p.CountyEn))
	}
	return i18n.T(ctx, "readiness.place_district", i18n.ArgName("district", p.DistrictFa, p.DistrictEn),
		i18n.ArgName("county", p.CountyFa, p.CountyEn))
}

// UnfiledOf is the places of the list that have not filed check id's latest day.
func UnfiledOf(ps []store.PlaceDay, id int64) []store.PlaceDay {
	var out []store.PlaceDay
	for _, p := range ps {
		if p.CheckID == id {
			out = append(out, p)
		}
	}
	return out
}

// FiledToday reports whether the reader's place has filed check c's day today (the list's Unfiled holds
// the own place's unfiled checks).
func FiledToday(d ListData, c store.Check) bool {
	for _, p := range d.Unfiled {
		if p.CheckID == c.ID {
			return false
		}
	}
	return true
}

// DueToday is the checks the reader's place files today: today is one of their days, or they are due
// once ahead.
func DueToday(d ListData) (today, ahead []store.Check) {
	for _, c := range d.Checks {
		switch {
		case c.Places == 0:
		case c.IsDay(d.Today):
			today = append(today, c)
		case c.Cadence == store.CadenceOnce && c.First.After(d.Today):
			ahead = append(ahead, c)
		}
	}
	return today, ahead
}

// MatrixDays are the columns of a check's matrix, the latest first: up to store.MatrixDays of its days
// ending at to, within its days.
func MatrixDays(c store.Check, to time.Time) (days []time.Time, earlier, later time.Time) {
	end := to
	if end.After(c.Last) {
		end = c.Last
	}
	if end.Before(c.First) {
		end = c.First
	}
	start := end.AddDate(0, 0, -(store.MatrixDays - 1))
	if start.Before(c.First) {
		start = c.First
	}
	for d := end; !d.Before(start); d = d.AddDate(0, 0, -1) {
		days = append(days, d) // the latest first, where the eye starts
	}
	if start.After(c.First) {
		earlier = start.AddDate(0, 0, -1)
	}
	if end.Before(c.Last) {
		later = end.AddDate(0, 0, store.MatrixDays)
		if later.After(c.Last) {
			later = c.Last
		}
	}
	return days, earlier, later
}

// Cell is a place's state on a day of a check.
type Cell int

// The states of a matrix cell.
const (
	CellFiled Cell = iota
	CellMissed
	CellOpen   // today, not filed yet
	CellNotDue // after today
)

// CellOf is the place's state on day.
func (d ShowData) CellOf(p store.CheckPlace, day time.Time) Cell {
	switch {
	case d.Matrix.FiledOn(p, day):
		return CellFiled
	case day.Before(d.Today):
		return CellMissed
	case day.Equal(d.Today):
		return CellOpen
	}
	return CellNotDue
}

// Rows are the matrix's places: with OnlyMissed, those that missed a day of its columns.
func (d ShowData) Rows() []store.CheckPlace {
	if !d.OnlyMissed {
		return d.Matrix.Places
	}
	var out []store.CheckPlace
	for _, p := range d.Matrix.Places {
		for _, day := range d.Days {
			if d.CellOf(p, day) == CellMissed {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// WithDay is the matrix page asking for the days up to day.
func (d ShowData) WithDay(day time.Time) templ.SafeURL {
	u := string(MatrixHref(d.C.ID, d.Province, countyCode(d.County), d.OnlyMissed))
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return templ.SafeURL(u + sep + "to=" + day.Format(time.DateOnly))
}

func countyCode(c *store.County) string {
	if c == nil {
		return ""
	}
	return c.Code
}

// ItemsText is the check's live items, one a line, as the edit form's textarea holds them.
func ItemsText(items []store.CheckItem) string {
	var lines []string
	for _, it := range items {
		if !it.Retired {
			lines = append(lines, it.Text)
		}
	}
	return strings.Join(lines, "\n")
}

// DefForm is the edit form filled with the check as it is, its days in the reader's calendar.
func DefForm(ctx context.Context, c store.Check, items []store.CheckItem) components.Form {
	f := components.NewForm()
	f.Values.Set("version", strconv.Itoa(c.Version))
	f.Values.Set("title", c.Title)
	f.Values.Set("items", ItemsText(items))
	f.Values.Set("cadence", c.Cadence)
	if c.Cadence == store.CadenceOnce {
		f.Values.Set("due_date", i18n.Day(ctx, c.First))
	} else {
		f.Values.Set("starts_on", i18n.Day(ctx, c.First))
		f.Values.Set("ends_on", i18n.Day(ctx, c.Last))
	}
	if c.IncludeDistricts {
		f.Values.Set("include_districts", "1")
	}
	return f
}

// OKField and NoteField name an item's fields in the filing form.
func OKField(id int64) string   { return "ok_" + strconv.FormatInt(id, 10) }
func NoteField(id int64) string { return "note_" + strconv.FormatInt(id, 10) }

// FilingForm is the filing form filled with the place's filing of the day, if any.
func FilingForm(d FileData) components.Form {
	f := components.NewForm()
	f.Values.Set("day", d.Day.Format(time.DateOnly))
	if d.Filing.ID != 0 {
		f.Values.Set("version", strconv.Itoa(d.Filing.Version))
	}
	for _, it := range d.Items {
		if a, ok := d.Filing.Answers[it.ID]; ok {
			f.Values.Set(OKField(it.ID), map[bool]string{true: "yes", false: "no"}[a.OK])
			f.Values.Set(NoteField(it.ID), a.Note)
		}
	}
	return f
}

// RetireQuestion asks before a check is retired: it leaves the lists and is no longer filed.
func RetireQuestion(c store.Check) components.Question {
	return components.Question{What: i18n.M("readiness.retire_confirm", i18n.ArgText("title", c.Title)), Yes: i18n.M("readiness.retire"), Danger: true}
}

func cadenceOptions(ctx context.Context) []components.Option {
	return []components.Option{{Value: store.CadenceOnce, Label: i18n.T(ctx, "readiness.cadence.once")},
		{Value: store.CadenceDaily, Label: i18n.T(ctx, "readiness.cadence.daily")}}
}

func okOptions(ctx context.Context) []components.Option {
	return []components.Option{{Value: "yes", Label: i18n.T(ctx, "readiness.ok_yes")}, {Value: "no", Label: i18n.T(ctx, "readiness.ok_no")}}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func isoDay(d time.Time) string { return d.Format(time.DateOnly) }
