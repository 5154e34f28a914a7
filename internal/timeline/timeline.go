// Package timeline owns the rules of an election's timeline that need no database: the day in Tehran, a
// milestone's window of civil days from election day and its offsets, its status on a day (upcoming, open,
// due within three days, overdue, past, done) with the words for the days left or gone, the Jalali and
// Gregorian month grids of the calendar page, and the RFC 5545 writer of the calendar feed. Days are civil
// dates held as midnight UTC, as PostgreSQL's date columns are read. It has no I/O.
package timeline

import (
	"time"

	"github.com/setad/setad/internal/i18n"
)

// The levels of a milestone: who it is for.
const (
	LevelProvince   = "province"
	LevelCounty     = "county"
	LevelDistrict   = "district"
	LevelCandidates = "candidates"
)

// Markable reports whether a milestone of level is marked done by someone. A candidates' window (the time
// in which candidates register or change constituency) is nobody's task: it informs, and once it has
// closed it is past, never overdue.
func Markable(level string) bool {
	return level == LevelProvince || level == LevelCounty || level == LevelDistrict
}

// day returns t's calendar date, as seen in t's own location, as midnight UTC.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// daysBetween is the number of calendar days from a's date to b's (negative when b is earlier).
func daysBetween(a, b time.Time) int {
	return int(day(b).Sub(day(a)) / (24 * time.Hour))
}

// Today returns the civil day in Tehran at the instant now, as midnight UTC: the day the law counts in,
// whatever the server's zone. At 23:59 in Tehran it is still that day; at 00:00 the next has begun.
func Today(now time.Time) time.Time {
	return day(now.In(i18n.Tehran))
}

// Window returns a milestone's first and last days: election day moved by start and by end days. Only
// electionDay's calendar date counts (as seen in its own location); the days come back as midnight UTC.
func Window(electionDay time.Time, start, end int) (from, to time.Time) {
	e := day(electionDay)
	return e.AddDate(0, 0, start), e.AddDate(0, 0, end)
}

// DueSoonDays is how near the last day of an open window must be for the window to be due soon: on its last
// day and the three days before it.
const DueSoonDays = 3

// Status is where a milestone stands on a day. Its label is a message (Key) and its colour a class of the
// style sheet (Class), which the page always shows together: colour is never the only sign.
type Status int

// The statuses; the zero Status is none of them.
const (
	Upcoming Status = iota + 1 // the window has not opened
	Open                       // the window is open and its last day more than DueSoonDays away
	DueSoon                    // the window is open and closes within DueSoonDays (today included)
	Overdue                    // the window has closed and the milestone, which someone marks, is not done
	Past                       // a candidates' window that has closed: nobody's task, so never overdue
	Done                       // marked done, whenever that was
)

// Statuses lists every status in the order a legend shows them.
var Statuses = []Status{Upcoming, Open, DueSoon, Overdue, Past, Done}

// StatusOf is the status on the day today of a milestone whose window runs from from to to (both days
// included): done wins; before the window it is upcoming; within it, due soon when to is at most
// DueSoonDays away, else open; after it, overdue when someone marks it (markable), else past. Only the
// dates of the three days count.
func StatusOf(today, from, to time.Time, done, markable bool) Status {
	switch {
	case done:
		return Done
	case daysBetween(today, from) > 0:
		return Upcoming
	case daysBetween(today, to) < 0:
		if markable {
			return Overdue
		}
		return Past
	case daysBetween(today, to) <= DueSoonDays:
		return DueSoon
	}
	return Open
}

// Key is the message key of the status's label, in both catalogues; "" for the zero Status.
func (s Status) Key() string {
	switch s {
	case Upcoming:
		return "timeline.status.upcoming"
	case Open:
		return "timeline.status.open"
	case DueSoon:
		return "timeline.status.due_soon"
	case Overdue:
		return "timeline.status.overdue"
	case Past:
		return "timeline.status.past"
	case Done:
		return "timeline.status.done"
	}
	return ""
}

// Class is the style sheet's class for the status's colour ("tl-overdue"); "" for the zero Status.
func (s Status) Class() string {
	if name := s.String(); name != "" {
		return "tl-" + name
	}
	return ""
}

// String is the status's code for markup and logs ("due-soon"): never shown as a label.
func (s Status) String() string {
	switch s {
	case Upcoming:
		return "upcoming"
	case Open:
		return "open"
	case DueSoon:
		return "due-soon"
	case Overdue:
		return "overdue"
	case Past:
		return "past"
	case Done:
		return "done"
	}
	return ""
}

// DaysInWords says, on the day today, how far a window from from to to (both days included) is: before it,
// the days until it starts («۱۲ روز تا شروع», "Starts in 12 days"); within it, the days left after today
// («۳ روز مانده», "3 days left"; on the last day «امروز آخرین روز», "Last day today"); after it, the days
// since its last day («۳ روز گذشته», "3 days ago"). The count is the message's argument n, so each reader
// sees it in his own digits.
func DaysInWords(today, from, to time.Time) i18n.Msg {
	if n := daysBetween(today, from); n > 0 {
		return i18n.M("timeline.days_to_start", i18n.ArgNum("n", n))
	}
	n := daysBetween(today, to)
	switch {
	case n > 0:
		return i18n.M("timeline.days_left", i18n.ArgNum("n", n))
	case n == 0:
		return i18n.M("timeline.last_day")
	}
	return i18n.M("timeline.days_ago", i18n.ArgNum("n", -n))
}
