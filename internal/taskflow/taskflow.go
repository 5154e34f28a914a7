// Package taskflow owns the rules of a committee's task at one place: the states of a place's copy, the
// moves between them that its governor or district head may make, when a move needs a note, and how late
// a copy is on a day, in words. Lateness is flagged, never locked: a copy past its due date moves as any
// other. It has no I/O.
//
// The moves, as a table test states them:
//
//	from \ to     open  in_progress  done  blocked
//	open           -        yes       yes    yes
//	in_progress    -        note      yes    yes
//	done           -        yes       -      -
//	blocked        -        yes       yes    note
//
// Nothing goes back to open: open means nobody has touched the copy yet, and once someone has, the copy
// says so. A done copy may be taken up again (in progress: the work was not finished after all) but not
// blocked from done. Staying in progress or blocked is a new note on the same state (the progress made,
// the reason that still holds), so its note is required; a blocked copy always gives its reason.
package taskflow

import (
	"errors"
	"slices"
	"time"

	"github.com/setad/setad/internal/i18n"
)

// The states of a place's copy of a task.
const (
	Open       = "open"
	InProgress = "in_progress"
	Done       = "done"
	Blocked    = "blocked"
)

// Statuses lists the states in the order a legend or a choice shows them.
var Statuses = []string{Open, InProgress, Done, Blocked}

// The refusals of Check.
var (
	ErrUnknownStatus = errors.New("taskflow: no such status")
	ErrNotAllowed    = errors.New("taskflow: this move is not allowed")
	ErrNoteRequired  = errors.New("taskflow: this move needs a note")
)

// moves are the states each state may move to.
var moves = map[string][]string{
	Open:       {InProgress, Done, Blocked},
	InProgress: {InProgress, Done, Blocked},
	Done:       {InProgress},
	Blocked:    {InProgress, Done, Blocked},
}

// Next lists the states a copy in state from may move to, in the order of Statuses.
func Next(from string) []string {
	var out []string
	for _, s := range Statuses {
		if slices.Contains(moves[from], s) {
			out = append(out, s)
		}
	}
	return out
}

// NeedsNote reports whether a move from from to to must carry a note: to blocked (its reason), or a stay
// in the same state (what is new).
func NeedsNote(from, to string) bool {
	return to == Blocked || from == to
}

// Check reports whether a copy in state from may move to to with note: ErrUnknownStatus for a state that
// is none of Statuses, ErrNotAllowed for a move the table does not allow, ErrNoteRequired for a move that
// needs a note and has none.
func Check(from, to, note string) error {
	if !slices.Contains(Statuses, to) || !slices.Contains(Statuses, from) {
		return ErrUnknownStatus
	}
	if !slices.Contains(moves[from], to) {
		return ErrNotAllowed
	}
	if NeedsNote(from, to) && note == "" {
		return ErrNoteRequired
	}
	return nil
}

// Key is the message key of a state's name ("tstatus.in_progress").
func Key(status string) string { return "tstatus." + status }

// DueSoonDays is how near its due date an unfinished copy is due soon: on the day and the two before it,
// as the reminder tells it.
const DueSoonDays = 2

// Lateness is where an unfinished copy stands against its due date on a day; a done one is none of them.
type Lateness int

// The lateness of a copy; the zero Lateness is a done copy's.
const (
	OnTime  Lateness = iota + 1 // more than DueSoonDays before its due date
	DueSoon                     // its due date is within DueSoonDays (today included)
	Overdue                     // its due date has passed and it is not done
)

// day returns t's calendar date as midnight UTC.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// daysBetween is the number of calendar days from a's date to b's.
func daysBetween(a, b time.Time) int { return int(day(b).Sub(day(a)) / (24 * time.Hour)) }

// LatenessOf is a copy's lateness on the day today (a civil day, as timeline.Today gives it) for a task due
// on due, when it is done or not.
func LatenessOf(today, due time.Time, done bool) Lateness {
	switch n := daysBetween(today, due); {
	case done:
		return 0
	case n < 0:
		return Overdue
	case n <= DueSoonDays:
		return DueSoon
	}
	return OnTime
}

// Key is the message key of the lateness's label; "" for a done copy.
func (l Lateness) Key() string {
	switch l {
	case OnTime:
		return "tasks.late.on_time"
	case DueSoon:
		return "tasks.late.due_soon"
	case Overdue:
		return "tasks.late.overdue"
	}
	return ""
}

// Class is the style sheet's class of the lateness's colour, the timeline's; "" for a done copy.
func (l Lateness) Class() string {
	switch l {
	case OnTime:
		return "tl-open"
	case DueSoon:
		return "tl-due-soon"
	case Overdue:
		return "tl-overdue"
	}
	return ""
}

// DueInWords says, on the day today, how far a due date is: the days left («۳ روز مانده», "3 days
// left"), today («امروز روز مهلت است», "Due today"), or the days since («۳ روز از مهلت گذشته», "3 days
// overdue"). The count is the message's argument n.
func DueInWords(today, due time.Time) i18n.Msg {
	switch n := daysBetween(today, due); {
	case n > 0:
		return i18n.M("tasks.days_left", i18n.ArgNum("n", n))
	case n == 0:
		return i18n.M("tasks.due_today")
	default:
		return i18n.M("tasks.days_over", i18n.ArgNum("n", -n))
	}
}
