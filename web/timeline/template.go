package timeline

import (
	"context"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	tl "github.com/setad/setad/internal/timeline"
	"github.com/setad/setad/web/components"
)

// TemplateRow is a milestone of the template with its window in the current election.
type TemplateRow struct {
	M        store.Milestone
	From, To time.Time
	Keeps    bool // the reader keeps it: the national HQ the law's, a province's HQ its own
}

// TemplateData is /timeline/template: the current election kind's milestones, the law's and the
// reader's province's, with the forms of those who keep them.
type TemplateData struct {
	Election *store.Election
	Rows     []TemplateRow
	Add      *components.Form // HQ's form that adds an administrative milestone; nil for the other roles
	Move     *components.Form // the national HQ's form that moves election day; nil for the others
	LastMove *store.ElectionDayMove
	Refused  *i18n.Msg
}

// MilestoneData is one milestone's page: what it holds, its window in the current election, and the forms
// of its keeper.
type MilestoneData struct {
	Election *store.Election // nil when the current election is of another kind (no window to show)
	M        store.Milestone
	From, To time.Time
	Edit     *components.Form // nil: not the reader's to keep
	Act      components.Form  // the version a retirement or restoration is made at
	Retires  bool             // the reader retires and restores it (HQ, its own administrative milestone)
	Refused  *i18n.Msg
}

// Levels are the levels a milestone takes, in the order a form offers them.
var Levels = []string{tl.LevelProvince, tl.LevelCounty, tl.LevelDistrict, tl.LevelCandidates}

// ConstituencyKinds are a candidates' window's kinds of constituency ("" for both).
var ConstituencyKinds = []string{"city", "village"}

// Gates are the actions of the portal that a law's milestone may govern ("" for none).
var Gates = []string{"registration_city", "registration_village", "objection", "constituency_change", "board_county", "board_district"}

func options(ctx context.Context, prefix string, values []string) []components.Option {
	opts := make([]components.Option, 0, len(values))
	for _, v := range values {
		opts = append(opts, components.Option{Value: v, Label: i18n.T(ctx, prefix+v)})
	}
	return opts
}

// MilestoneHref is a milestone's page.
func MilestoneHref(id int64) templ.SafeURL {
	return templ.SafeURL("/timeline/template/" + strconv.FormatInt(id, 10))
}

// RetireQuestion asks before a milestone leaves every county's timeline.
func RetireQuestion(m store.Milestone) components.Question {
	return components.Question{What: i18n.M("timeline.retire_question", i18n.ArgName("milestone", m.TitleFa, m.TitleEn)),
		Yes: i18n.M("timeline.retire")}
}

// MoveQuestion asks before election day moves, naming the election and both days.
func MoveQuestion(e store.Election, day time.Time) components.Question {
	return components.Question{What: i18n.M("timeline.move_question", i18n.ArgName("election", e.TitleFa, e.TitleEn),
		i18n.ArgDay("old", e.ElectionDay), i18n.ArgDay("new", day)), Yes: i18n.M("timeline.move_yes")}
}

// KindOf is the kind whose milestones an election follows: a by-election its parent's.
func KindOf(e store.Election) string {
	if e.ParentKind != "" {
		return e.ParentKind
	}
	return e.Kind
}

// offsets says a milestone's window as offsets from election day, in words.
func offsets(ctx context.Context, m store.Milestone) string {
	switch {
	case m.StartOffset == m.EndOffset:
		return Offset(ctx, m.StartOffset)
	case m.EndOffset < 0:
		return i18n.T(ctx, "timeline.offsets_before", i18n.ArgNum("from", -m.StartOffset), i18n.ArgNum("to", -m.EndOffset))
	case m.StartOffset > 0:
		return i18n.T(ctx, "timeline.offsets_after", i18n.ArgNum("from", m.StartOffset), i18n.ArgNum("to", m.EndOffset))
	}
	return i18n.T(ctx, "timeline.offsets_range", i18n.ArgText("from", Offset(ctx, m.StartOffset)), i18n.ArgText("to", Offset(ctx, m.EndOffset)))
}
