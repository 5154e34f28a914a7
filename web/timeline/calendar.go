package timeline

import (
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
	tl "github.com/setad/setad/internal/timeline"
)

// CalendarData is the calendar page: a month in the reader's calendar, in weeks from Saturday to Friday,
// each day with the milestones of the user's scope that start, run or end on it.
type CalendarData struct {
	Election *store.Election // nil when there is no current election: the month has no milestones
	Month    tl.Month
	Prev     string // the month parameter of the month before, "" before the supported years
	Next     string // of the month after
	This     string // of this month, "" when it is the month shown
	Weeks    []CalendarWeek
	Days     []CalendarDay // the month's days that have milestones, in order, for a narrow screen's list
}

// CalendarWeek is a row of the grid, Saturday first.
type CalendarWeek [7]CalendarDay

// CalendarDay is one day of the grid.
type CalendarDay struct {
	tl.Cell
	Column int // 0 for Saturday … 6 for Friday
	Today  bool
	Items  []CalendarItem // none on the days of the months around
}

// CalendarItem is a milestone on a day: how the day stands in its window, and its title.
type CalendarItem struct {
	TitleFa, TitleEn string
	Part             tl.Part
}

// monthTitle names a month: «اردیبهشت ۱۴۰۵», "May 2026".
func monthTitle(lang i18n.Lang, m tl.Month) string {
	if m.Calendar == tl.Jalali {
		return persian.MonthName(m.Month) + " " + lang.Digits(strconv.Itoa(m.Year))
	}
	return time.Month(m.Month).String() + " " + lang.Digits(strconv.Itoa(m.Year))
}

// dayTitle names a day of the month for the list of days: «شنبه ۱۲ اردیبهشت», "Saturday 2 May".
func dayTitle(lang i18n.Lang, m tl.Month, d CalendarDay) string {
	wd := i18n.Message(lang, "timeline.weekday."+strconv.Itoa(d.Column))
	if m.Calendar == tl.Jalali {
		return wd + " " + lang.Digits(strconv.Itoa(d.Num)) + " " + persian.MonthName(m.Month)
	}
	return wd + " " + lang.Digits(strconv.Itoa(d.Num)) + " " + time.Month(m.Month).String()
}

// monthHref is the calendar of a month, by its parameter.
func monthHref(month string) templ.SafeURL {
	return templ.SafeURL("/timeline/calendar?month=" + month)
}

// partKey is the word before a milestone on its first or last day, "" on the others.
func partKey(p tl.Part) string {
	switch p {
	case tl.Starts:
		return "timeline.calendar.starts"
	case tl.Ends:
		return "timeline.calendar.ends"
	}
	return ""
}

// dayClass is a grid cell's classes: the days of the months around, Friday, today.
func dayClass(d CalendarDay) string {
	c := "cal-day"
	if !d.InMonth {
		c += " cal-out"
	}
	if d.Friday {
		c += " cal-fri"
	}
	if d.Today {
		c += " cal-today"
	}
	return c
}

// weekdayClass is a column heading's class: Friday is marked.
func weekdayClass(column int) string {
	if column == 6 {
		return "cal-fri"
	}
	return ""
}

// weekColumns are the grid's seven columns, Saturday first.
var weekColumns = [7]int{0, 1, 2, 3, 4, 5, 6}
