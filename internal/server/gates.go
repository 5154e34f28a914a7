package server

import (
	"context"
	"time"

	"github.com/setad/setad/internal/boardrules"
	"github.com/setad/setad/internal/candidacy"
	"github.com/setad/setad/internal/eligibility"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/internal/timeline"
	"github.com/setad/setad/web/components"
)

// The windows that the law fixes in an election's timeline gate the actions they govern (store.Gate): the
// registration (package registration), the objection and the change of constituency (candidacy, through
// CandidateRule.LifecycleIn). The board's formation window only flags a late board. The pages show each
// window beside its action, read from the election's law's milestones (Milestones with the zero scope).

// registrationWindows are the registration windows of an election whose law's milestones are ms, one per
// kind of constituency, on the instant now.
func registrationWindows(ctx context.Context, ms []store.Milestone, now time.Time) []components.Window {
	ws := make([]components.Window, 0, 2)
	for _, kind := range []string{eligibility.City, eligibility.Village} {
		gate := store.RegistrationGate(kind)
		label := i18n.T(ctx, "gate."+gate)
		if m, ok := store.Gate(ms, gate); ok {
			ws = append(ws, components.NewWindow(label, m.From, m.To, now, false, false))
		} else {
			ws = append(ws, components.NoWindow(label, i18n.M("window.no_registration")))
		}
	}
	return ws
}

// lastDay is the last calendar day before the instant deadline, which is a midnight in Tehran.
func lastDay(deadline time.Time) time.Time { return timeline.Today(deadline.Add(-time.Second)) }

// candidateWindows are the objection window and the change of constituency of candidate c, in election e
// whose law's milestones are ms and whose lifecycle is l (CandidateRule.LifecycleIn), on the instant now.
// Without the timeline's window the rule's numbers count: the objection window opens with the result's
// announcement (unknown before it), the change runs until its number of days before election day.
func candidateWindows(ctx context.Context, ms []store.Milestone, e store.Election, rule store.CandidateRule, l candidacy.Rules,
	c store.CandidateDetail, now time.Time) []components.Window {
	ws := make([]components.Window, 0, 2)
	label := i18n.T(ctx, "gate.objection")
	switch m, ok := store.Gate(ms, store.GateObjection); {
	case ok:
		ws = append(ws, components.NewWindow(label, m.From, m.To, now, false, false))
	case c.AnnouncedAt != nil:
		ws = append(ws, components.NewWindow(label, timeline.Today(*c.AnnouncedAt),
			lastDay(candidacy.ObjectionDeadline(*c.AnnouncedAt, l)), now, false, false))
	default:
		ws = append(ws, components.NoWindow(label, i18n.M("window.no_objection", i18n.ArgNum("n", rule.ObjectionDays))))
	}
	var from time.Time
	if m, ok := store.Gate(ms, store.GateConstituencyChange); ok {
		from = m.From
	}
	return append(ws, components.NewWindow(i18n.T(ctx, "gate.constituency_change"), from,
		lastDay(candidacy.ChangeDeadline(e.ElectionDay, l)), now, false, false))
}

// formation is a board's formation window on the instant now, and whether the board is late, as its page
// shows them. Where the election's timeline sets no window for the board's level, it says so, and the
// board is never late.
func formation(ctx context.Context, ms []store.Milestone, b store.Board, now time.Time) (components.Window, boardrules.Formation) {
	gate := store.BoardGate(b.Level)
	label := i18n.T(ctx, "gate."+gate)
	m, ok := store.Gate(ms, gate)
	if !ok {
		return components.NoWindow(label, i18n.M("window.no_formation")), boardrules.Formation{}
	}
	return components.NewWindow(label, m.From, m.To, now, b.FirstSubmittedAt != nil, true),
		boardrules.FormationOn(b.FirstSubmittedAt, m.To, now)
}

// gateWindows are the windows of an election that gate the candidates' actions, as the rules page shows
// them beside the numbers: the registration windows, the objection window and the change of
// constituency, or, where the timeline sets none, what holds instead (the rule's numbers, rule being the
// election's).
func gateWindows(ctx context.Context, ms []store.Milestone, rule store.CandidateRule, now time.Time) []components.Window {
	ws := registrationWindows(ctx, ms, now)
	for _, g := range []struct {
		gate string
		none i18n.Msg
	}{
		{store.GateObjection, i18n.M("window.no_objection", i18n.ArgNum("n", rule.ObjectionDays))},
		{store.GateConstituencyChange, i18n.M("window.no_change", i18n.ArgNum("n", rule.ConstituencyChangeUntilDays))},
	} {
		label := i18n.T(ctx, "gate."+g.gate)
		if m, ok := store.Gate(ms, g.gate); ok {
			ws = append(ws, components.NewWindow(label, m.From, m.To, now, false, false))
		} else {
			ws = append(ws, components.NoWindow(label, g.none))
		}
	}
	return ws
}
