// Package tasks draws the committees' tasks: the list (a province's tasks and how their copies stand, or
// a governor's and district head's own copies), the form that assigns one, a task with each place's copy,
// its moves and its place's form, and the home page's part.
package tasks

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/internal/taskflow"
	"github.com/setad/setad/web/components"
)

// ListData is /tasks.
type ListData struct {
	Province components.ProvinceChoice // the Ministry's choice
	Today    time.Time

	// A province-wide reader's list: the province's tasks (a committee member's own committee's unless he
	// asked for all), a page of them.
	Wide      bool
	Tasks     []store.TaskSummary
	Total     int
	Page      int
	Pages     int
	Committee string // the committee whose tasks are listed, "" for all
	Own       string // a committee member's own committee, whose tasks he may list alone
	OwnFa     string
	OwnEn     string

	// A governor's or district head's copies; Cut when there are more than the list reads.
	Copies []store.TaskCopy
	Cut    int

	// The copies of a place (?county=, ?district=) or only the overdue (?overdue=1), a page of them
	// (Copies, Total, Page, Pages): Filtered. Filter is the filters' form, with the counties it offers;
	// Applied the filters named, each removable; Query the list's parameters, kept in its page links.
	Filtered       bool
	Filter         components.Form
	FilterCounties []store.County
	Applied        []components.AppliedFilter
	Query          url.Values

	// A committee member's form to assign a task.
	CanAssign bool
	Form      components.Form
	Counties  []store.County
}

// Row is one place's copy of a task as the task's page shows it.
type Row struct {
	A        store.TaskAssignee
	Lateness taskflow.Lateness
	Events   []store.TaskEvent // oldest first
	Own      bool              // the reader's place's copy, which he moves
	Next     []string          // the states his form offers
	Form     components.Form
}

// ShowData is /tasks/{id}.
type ShowData struct {
	Task     store.Task
	Today    time.Time
	Rows     []Row
	Done     int
	Overdue  int
	Refused  *i18n.Msg
	Counties map[string]store.County // the audience's counties by code, to name them
}

// HomeData is what a home page shows of the tasks: an assignee's own copies not done, or a committee's
// tasks with their overdue copies.
type HomeData struct {
	Today  time.Time
	Copies []store.TaskCopy
	Tasks  []store.TaskSummary
	Total  int
}

// Href is a task's page.
func Href(id int64) templ.SafeURL { return templ.SafeURL("/tasks/" + strconv.FormatInt(id, 10)) }

// listHref is a page of the list, with its filters.
func (d ListData) listHref(page int) templ.SafeURL {
	var q []string
	if pq := d.Province.Query(); pq != "" {
		q = append(q, pq)
	}
	if d.Own != "" && d.Committee == "" {
		q = append(q, "committee=all")
	}
	if page > 1 {
		q = append(q, "page="+strconv.Itoa(page))
	}
	if len(q) == 0 {
		return "/tasks"
	}
	return templ.SafeURL("/tasks?" + strings.Join(q, "&"))
}

// filteredHref is a page of the filtered copies.
func (d ListData) filteredHref(page int) templ.SafeURL {
	return components.ListHref("/tasks", d.Query, page)
}

// RowID is the element id of a copy on its task's page, where its form's redirect lands.
func RowID(assignee int64) string { return "copy-" + strconv.FormatInt(assignee, 10) }

// FormID is the element id of a copy's form.
func FormID(assignee int64) string { return "status-" + strconv.FormatInt(assignee, 10) }

func statusAction(a store.TaskAssignee) templ.SafeURL {
	return templ.SafeURL("/tasks/" + strconv.FormatInt(a.TaskID, 10) + "/assignees/" + strconv.FormatInt(a.ID, 10) + "/status")
}

// PlaceName names a copy's place: its county, or its district with its county.
func PlaceName(ctx context.Context, a store.TaskAssignee) string {
	if a.DistrictID == 0 {
		return i18n.Pick(ctx, a.CountyFa, a.CountyEn)
	}
	return i18n.T(ctx, "tasks.place_district", i18n.ArgName("district", a.DistrictFa, a.DistrictEn),
		i18n.ArgName("county", a.CountyFa, a.CountyEn))
}

// statusTone is the colour of each state's badge; the badge always says the state in words.
var statusTone = map[string]components.Tone{
	taskflow.Open:       components.ToneDraft,
	taskflow.InProgress: components.ToneSubmitted,
	taskflow.Done:       components.ToneOK,
	taskflow.Blocked:    components.ToneBad,
}

// StatusBadge is a copy's state in words and colour.
func StatusBadge(ctx context.Context, status string) components.Badged {
	return components.Badge(statusTone[status], i18n.T(ctx, taskflow.Key(status)))
}

// manyPlaces is whether copies are of more than one place; a district head's are all his district's, and
// a column naming it on every row would say nothing.
func manyPlaces(copies []store.TaskCopy) bool {
	for _, c := range copies {
		if c.Assignee.CountyID != copies[0].Assignee.CountyID || c.Assignee.DistrictID != copies[0].Assignee.DistrictID {
			return true
		}
	}
	return false
}

// lateness is how late a copy of a task due on due is on the day today.
func lateness(today, due time.Time, status string) taskflow.Lateness {
	return taskflow.LatenessOf(today, due, status == taskflow.Done)
}

// statusOptions are the states a form offers, named.
func statusOptions(ctx context.Context, next []string) []components.Option {
	opts := make([]components.Option, len(next))
	for i, s := range next {
		opts[i] = components.Option{Value: s, Label: i18n.T(ctx, taskflow.Key(s))}
	}
	return opts
}

// overdue counts a summary's copies not done when its due date has passed on the day today.
func overdue(today time.Time, t store.TaskSummary) int {
	if taskflow.LatenessOf(today, t.DueDate, false) == taskflow.Overdue {
		return t.Assignees - t.Done
	}
	return 0
}

// audienceText says whom a task was assigned to.
func audienceText(ctx context.Context, d ShowData) string {
	t := d.Task
	var s string
	if t.WholeProvince {
		s = i18n.T(ctx, "audience.province")
	} else {
		names := make([]string, 0, len(t.Counties))
		for _, code := range t.Counties {
			if c, ok := d.Counties[code]; ok {
				names = append(names, i18n.Pick(ctx, c.NameFa, c.NameEn))
			} else {
				names = append(names, code)
			}
		}
		s = strings.Join(names, i18n.T(ctx, "tasks.list_sep"))
	}
	if t.WithDistricts {
		s += " · " + i18n.T(ctx, "audience.districts")
	}
	return s
}

func iso(t time.Time) string { return t.Format(time.DateOnly) }

// dataStatus is a copy's mark for the style sheet's border: done, or how late it is.
func dataStatus(r Row) string {
	switch r.Lateness {
	case taskflow.Overdue:
		return "overdue"
	case taskflow.DueSoon:
		return "due-soon"
	case taskflow.OnTime:
		return "open"
	}
	return "done"
}

// ownCounty is the reader's county, 0 for a province-wide reader.
func ownCounty(ctx context.Context) int64 {
	if p := auth.FromContext(ctx); p != nil {
		return p.Scope.CountyID
	}
	return 0
}

func itoa(n int) string { return strconv.Itoa(n) }
