package timeline

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/setad/setad/internal/persian"
)

// Calendar is the calendar of a month grid: Jalali on the Persian pages, Gregorian on the English ones.
type Calendar int

// The calendars.
const (
	Jalali Calendar = iota
	Gregorian
)

// The years a month may be in, in each calendar: a century on either side of now, the same span in both.
const (
	MinJalaliYear    = 1300
	MaxJalaliYear    = 1500
	MinGregorianYear = 1921
	MaxGregorianYear = 2121
)

// ErrMonth is the error of ParseMonth, JalaliMonth and GregorianMonth for anything that is not a month of
// the supported years.
var ErrMonth = errors.New("timeline: not a month YYYY-MM of the supported years")

// Month is one month of a calendar.
type Month struct {
	Calendar    Calendar
	Year, Month int
}

// Valid reports whether m is a month of its calendar's supported years.
func (m Month) Valid() bool {
	if m.Month < 1 || m.Month > 12 {
		return false
	}
	switch m.Calendar {
	case Jalali:
		return m.Year >= MinJalaliYear && m.Year <= MaxJalaliYear
	case Gregorian:
		return m.Year >= MinGregorianYear && m.Year <= MaxGregorianYear
	}
	return false
}

// String writes m as the calendar page's month parameter, "1405-02", in Latin digits.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, m.Month) }

// ParseMonth reads a month parameter, YYYY-MM (a four-digit year, a month of one or two digits, in any
// digits), in cal. Anything else, or a year outside cal's supported years, is ErrMonth.
func ParseMonth(cal Calendar, s string) (Month, error) {
	if len(s) > 32 { // "۱۴۰۵-۰۲" is 20 bytes; more is not a month, and is not read further
		return Month{}, ErrMonth
	}
	ys, ms, ok := strings.Cut(persian.ToLatinDigits(strings.TrimSpace(s)), "-")
	if !ok || len(ys) != 4 || len(ms) < 1 || len(ms) > 2 {
		return Month{}, ErrMonth
	}
	y, oky := digits(ys)
	mo, okm := digits(ms)
	m := Month{Calendar: cal, Year: y, Month: mo}
	if !oky || !okm || !m.Valid() {
		return Month{}, ErrMonth
	}
	return m, nil
}

// digits reads a string of ASCII digits, at most four of them.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// MonthOf returns the month of cal that holds the civil day d (its date as seen in its own location).
func MonthOf(cal Calendar, d time.Time) Month {
	if cal == Jalali {
		j := persian.FromTime(day(d))
		return Month{Calendar: Jalali, Year: j.Year, Month: j.Month}
	}
	return Month{Calendar: Gregorian, Year: d.Year(), Month: int(d.Month())}
}

// Prev returns the month before m, and false when it is outside the supported years (or m is not Valid).
func (m Month) Prev() (Month, bool) {
	p := Month{Calendar: m.Calendar, Year: m.Year, Month: m.Month - 1}
	if p.Month < 1 {
		p.Year, p.Month = p.Year-1, 12
	}
	return p, m.Valid() && p.Valid()
}

// Next returns the month after m, and false when it is outside the supported years (or m is not Valid).
func (m Month) Next() (Month, bool) {
	n := Month{Calendar: m.Calendar, Year: m.Year, Month: m.Month + 1}
	if n.Month > 12 {
		n.Year, n.Month = n.Year+1, 1
	}
	return n, m.Valid() && n.Valid()
}

// Cell is one day of a month grid.
type Cell struct {
	Day     time.Time // the civil day, midnight UTC
	Num     int       // its day of the month in the grid's calendar
	InMonth bool      // whether it is in the grid's month, not a day of the weeks around it
	Friday  bool      // the weekend: the last column
}

// Week is one row of a month grid, Saturday first and Friday last, as the Iranian week runs.
type Week [7]Cell

// Weeks lays m out in whole weeks, Saturday to Friday: the first week holds the month's first day, the last
// its last, and the days of the months around fill the rest. Four to six weeks; ErrMonth if m is not Valid.
func (m Month) Weeks() ([]Week, error) {
	if !m.Valid() {
		return nil, ErrMonth
	}
	var first time.Time
	var length int
	if m.Calendar == Jalali {
		first = persian.Date{Year: m.Year, Month: m.Month, Day: 1}.Time(time.UTC)
		length = persian.MonthLength(m.Year, m.Month)
	} else {
		first = time.Date(m.Year, time.Month(m.Month), 1, 0, 0, 0, 0, time.UTC)
		length = first.AddDate(0, 1, -1).Day()
	}
	last := first.AddDate(0, 0, length-1)
	start := first.AddDate(0, 0, -column(first))
	end := last.AddDate(0, 0, 6-column(last))
	weeks := make([]Week, 0, 6)
	for d := start; !d.After(end); d = d.AddDate(0, 0, 7) {
		var w Week
		for i := range w {
			c := d.AddDate(0, 0, i)
			w[i] = Cell{Day: c, InMonth: !c.Before(first) && !c.After(last), Friday: c.Weekday() == time.Friday}
			if m.Calendar == Jalali {
				w[i].Num = persian.FromTime(c).Day
			} else {
				w[i].Num = c.Day()
			}
		}
		weeks = append(weeks, w)
	}
	return weeks, nil
}

// column is d's place in a week that starts on Saturday: 0 for Saturday, 6 for Friday.
func column(d time.Time) int { return (int(d.Weekday()) + 1) % 7 }

// JalaliMonth lays out the Jalali month (1 Farvardin … 29 or 30 Esfand) in weeks; see Month.Weeks.
func JalaliMonth(year, month int) ([]Week, error) {
	return Month{Calendar: Jalali, Year: year, Month: month}.Weeks()
}

// GregorianMonth lays out the Gregorian month in weeks, Saturday first like the Jalali grid; see Month.Weeks.
func GregorianMonth(year, month int) ([]Week, error) {
	return Month{Calendar: Gregorian, Year: year, Month: month}.Weeks()
}
