// Package candidacy owns the lifecycle of a candidacy after registration: the statuses and the moves the
// law allows between them (executive board's review, supervision board's review, the preliminary result,
// the objection and the final word, withdrawal at any point before it), the reasons a move must carry, the
// objection window, and the one change of constituency. The numbers are data (Rules), and so are the last
// days of the windows that an election's timeline fixes; the moves are the law's structure and live in a
// table here. It has no I/O.
package candidacy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Tehran must not depend on the host's zone files
)

// Statuses, the keys of the candidate status form.
const (
	Registered           = "registered" // initial: set at registration, never moved to
	UnderReview          = "under_review"
	ExecApproved         = "exec_approved"
	ExecRejected         = "exec_rejected"
	SupervisionReview    = "supervision_review"
	PreliminaryAnnounced = "preliminary_announced"
	ObjectionFiled       = "objection_filed"
	ObjectionAccepted    = "objection_accepted"
	ObjectionRejected    = "objection_rejected"
	FinalQualified       = "final_qualified"
	FinalDisqualified    = "final_disqualified"
	Withdrawn            = "withdrawn"
)

// Statuses lists every status in lifecycle order.
var Statuses = []string{Registered, UnderReview, ExecApproved, ExecRejected, SupervisionReview,
	PreliminaryAnnounced, ObjectionFiled, ObjectionAccepted, ObjectionRejected, FinalQualified,
	FinalDisqualified, Withdrawn}

// transitions is LAW.md's lifecycle. Withdrawal is added to every status that is not final, so it is
// not repeated here. Both verdicts of the executive board go to the supervision board, which has the
// last word; an announced candidate who does not object simply becomes final.
var transitions = map[string][]string{
	Registered:           {UnderReview},
	UnderReview:          {ExecApproved, ExecRejected},
	ExecApproved:         {SupervisionReview},
	ExecRejected:         {SupervisionReview},
	SupervisionReview:    {PreliminaryAnnounced},
	PreliminaryAnnounced: {ObjectionFiled, FinalQualified, FinalDisqualified},
	ObjectionFiled:       {ObjectionAccepted, ObjectionRejected},
	ObjectionAccepted:    {FinalQualified},
	ObjectionRejected:    {FinalDisqualified},
	FinalQualified:       nil,
	FinalDisqualified:    nil,
	Withdrawn:            nil,
}

// needReason lists the moves the law wants explained: every refusal, and a withdrawal.
var needReason = map[string]bool{ExecRejected: true, ObjectionRejected: true, FinalDisqualified: true, Withdrawn: true}

// Rules holds the numbers of one election kind, loaded by the caller from the database, and the last days
// of the windows that the timeline of the candidate's election fixes.
type Rules struct {
	ObjectionDays               int // days after the announcement's day during which an objection is filed
	ConstituencyChangeUntilDays int // the last day of a change is this many days before election day
	MaxConstituencyChanges      int
	// The last day of the objection window and of the change of constituency in the election's timeline
	// (its milestones gated objection and constituency_change), as calendar dates: each window ends with
	// that day in Tehran. Zero where the timeline has no such milestone, and the numbers above count.
	ObjectionLastDay time.Time
	ChangeLastDay    time.Time
}

// Defaults are LAW.md's numbers for the councils.
var Defaults = Rules{ObjectionDays: 4, ConstituencyChangeUntilDays: 15, MaxConstituencyChanges: 1}

// Errors of Check and ConstituencyChange.
var (
	ErrUnknownStatus   = errors.New("candidacy: unknown status")
	ErrIllegal         = errors.New("candidacy: move not allowed from this status")
	ErrReasonRequired  = errors.New("candidacy: a reason is required")
	ErrObjectionClosed = errors.New("candidacy: the objection window is closed")
	ErrChangeUsed      = errors.New("candidacy: the change of constituency was already used")
	ErrOtherCounty     = errors.New("candidacy: the new constituency is in another county")
	ErrChangeTooLate   = errors.New("candidacy: too late to change constituency")
)

// Known reports whether s is a status.
func Known(s string) bool {
	_, ok := transitions[s]
	return ok
}

// Final reports whether status admits no further move.
func Final(status string) bool {
	next, ok := transitions[status]
	return ok && len(next) == 0
}

// Next returns the statuses reachable from from, in lifecycle order with withdrawal last, for the form's
// choices. It returns nil for a final or unknown status. The slice is the caller's.
func Next(from string) []string {
	next, ok := transitions[from]
	if !ok || len(next) == 0 {
		return nil
	}
	return append(slices.Clone(next), Withdrawn)
}

// Allowed reports whether the lifecycle moves from from to to in one step.
func Allowed(from, to string) bool {
	return slices.Contains(Next(from), to)
}

// Change is a requested move. AnnouncedAt, when the preliminary result was announced, is read only for
// an objection.
type Change struct {
	From, To, Reason string
	Now              time.Time
	AnnouncedAt      *time.Time
}

// Check returns why the change may not be made, or nil. The checks run in this order: both statuses
// known, the move allowed, a reason where one is needed (white space is no reason), and for an objection
// the window.
func Check(c Change, r Rules) error {
	if !Known(c.From) || !Known(c.To) {
		return ErrUnknownStatus
	}
	if !Allowed(c.From, c.To) {
		return ErrIllegal
	}
	if needReason[c.To] && strings.TrimSpace(c.Reason) == "" {
		return ErrReasonRequired
	}
	if c.To == ObjectionFiled {
		if c.AnnouncedAt == nil || c.AnnouncedAt.IsZero() {
			return fmt.Errorf("%w: the announcement time is unknown", ErrObjectionClosed)
		}
		if !c.Now.Before(ObjectionDeadline(*c.AnnouncedAt, r)) {
			return ErrObjectionClosed
		}
	}
	return nil
}

// ObjectionDeadline returns the first instant at which an objection to a result announced at
// announcedAt is too late. Where the election's timeline fixes the window, that is the end of its last
// day in Tehran, whenever the result was announced. Otherwise the window counts from the announcement:
// days are Tehran's calendar days, and day 1 is the day after the announcement (the day of the notice is
// not counted, as in Iranian procedure), so the window runs from the announcement to the end of day
// ObjectionDays: announced on 1404/12/03 at any hour, objections are accepted until 1404/12/07 23:59:59.
func ObjectionDeadline(announcedAt time.Time, r Rules) time.Time {
	if !r.ObjectionLastDay.IsZero() {
		return dayAfter(r.ObjectionLastDay)
	}
	y, m, d := announcedAt.In(tehran).Date()
	return time.Date(y, m, d+r.ObjectionDays+1, 0, 0, 0, 0, tehran)
}

// dayAfter is midnight in Tehran at the start of the day after the calendar date day (its year, month
// and day, whatever its zone): the first instant past that day.
func dayAfter(day time.Time) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, tehran)
}

// ConstituencyChange returns why a candidate who has changed constituency changesSoFar times may not move
// to another now, or nil. sameCounty tells whether the new constituency is in the candidate's county. The
// last day (ChangeDeadline) is inclusive, to its end in Tehran. The checks run in this order: changes
// left, county, date.
func ConstituencyChange(changesSoFar int, sameCounty bool, now, electionDay time.Time, r Rules) error {
	if changesSoFar >= r.MaxConstituencyChanges {
		return ErrChangeUsed
	}
	if !sameCounty {
		return ErrOtherCounty
	}
	if !now.Before(ChangeDeadline(electionDay, r)) {
		return ErrChangeTooLate
	}
	return nil
}

// ChangeDeadline returns the first instant at which a change of constituency is too late: midnight in
// Tehran at the start of the day after the last day of the change in the election's timeline, or, where
// it has none, after E − ConstituencyChangeUntilDays.
func ChangeDeadline(electionDay time.Time, r Rules) time.Time {
	if !r.ChangeLastDay.IsZero() {
		return dayAfter(r.ChangeLastDay)
	}
	y, m, d := electionDay.In(tehran).Date()
	return time.Date(y, m, d-r.ConstituencyChangeUntilDays+1, 0, 0, 0, 0, tehran)
}

// tehran is the time zone whose calendar days the law counts.
var tehran = mustLoad("Asia/Tehran")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return loc
}
