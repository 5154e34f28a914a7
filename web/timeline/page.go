package timeline

import (
	"context"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/reqctx"
	"github.com/setad/setad/internal/store"
	tl "github.com/setad/setad/internal/timeline"
	"github.com/setad/setad/web/components"
)

// Item is one milestone at one place, as a timeline shows it: where it stands on the day, its mark, and
// whether the reader marks it there.
type Item struct {
	M        store.Milestone
	Status   tl.Status
	Days     i18n.Msg // how far its window is, in words; zero once done
	Mark     *store.Mark
	CanMark  bool
	County   string // the place's codes, which HQ's forms post; "" for the province, or for a county's milestone
	District string
	ID       string          // the element's id, where a mark's redirect lands and says it is done
	Form     components.Form // the mark's form (done, or undo when marked) as it came back with its errors
	Open     bool            // the undo form came back: it is drawn open
}

// Section is a group of a timeline's items: the province's, the county's, one district's, or the
// candidates' windows.
type Section struct {
	ID    string   // the heading's id
	Title i18n.Msg // its heading
	Note  i18n.Msg // who marks these, when the reader does not
	Items []Item
	Brief bool // its milestones are described in another section already (one district of several)
}

// PageData is /timeline: the place chosen (the Ministry its province, HQ, committees and observers a
// county), its sections and a refusal to say at the top.
type PageData struct {
	Election *store.Election
	Province components.ProvinceChoice // the Ministry's choice
	Counties []store.County            // the choice of a province-wide reader
	County   *store.County
	Choose   bool // the reader chooses the county (HQ, committee, observer, the Ministry once a province is chosen)
	Sections []Section
	Refused  *i18n.Msg
	// Overdue keeps only the county's and its districts' milestones past their window and not done
	// (?overdue=1); Applied names it, removable.
	Overdue bool
	Applied []components.AppliedFilter
}

// HomeData is what a home page shows of the timeline: the reader's own milestones that need him first,
// and the latest move of election day.
type HomeData struct {
	Items []Item
	More  int // the reader's own milestones not done and not listed
	Move  *store.ElectionDayMove
}

// chosen is the form that chooses the county (and for the Ministry, the province), with value chosen.
func chosen(name, value string) components.Form {
	f := components.NewForm()
	f.Values.Set(name, value)
	return f
}

func (d PageData) countyCode() string {
	if d.County != nil {
		return d.County.Code
	}
	return ""
}

// markAction is where an item's form posts: done, or undone when it is marked.
func markAction(it Item) templ.SafeURL {
	tail := "/done"
	if it.Mark != nil {
		tail = "/undone"
	}
	return templ.SafeURL("/timeline/" + strconv.FormatInt(it.M.ID, 10) + tail)
}

// formID is the id of an item's form.
func formID(it Item) string {
	if it.Mark != nil {
		return "undo-" + it.ID
	}
	return "done-" + it.ID
}

// flashed reports whether the request's one-time message is about the item: a mark's redirect lands on it.
func flashed(ctx context.Context, it Item) bool {
	return reqctx.From(ctx).FlashForm == it.ID
}

// title is a milestone's title in the reader's language.
func title(ctx context.Context, m store.Milestone) string {
	return i18n.Pick(ctx, m.TitleFa, m.TitleEn)
}

// iso is a day as the datetime attribute takes it.
func iso(d time.Time) string { return d.Format(time.DateOnly) }

// Window says a milestone's window in the reader's calendar: one day, or its first and last.
func Window(ctx context.Context, from, to time.Time) string {
	if from.Equal(to) {
		return i18n.T(ctx, "timeline.on_day", i18n.ArgDay("day", from))
	}
	return i18n.T(ctx, "timeline.from_to", i18n.ArgDay("from", from), i18n.ArgDay("to", to))
}

// gregorian is a window in the Gregorian calendar, which a Persian page gives on hover.
func gregorian(from, to time.Time) string {
	if from.Equal(to) {
		return iso(from)
	}
	return iso(from) + " – " + iso(to)
}

// Offset says a milestone's day as an offset from election day: "110 days before election day".
func Offset(ctx context.Context, days int) string {
	switch {
	case days < 0:
		return i18n.T(ctx, "audit.offset_before", i18n.ArgNum("days", -days))
	case days > 0:
		return i18n.T(ctx, "audit.offset_after", i18n.ArgNum("days", days))
	}
	return i18n.T(ctx, "audit.offset_zero")
}

// keeper names who keeps a milestone: the law (the national HQ) or the province's HQ.
func keeper(m store.Milestone) string {
	if m.Legal {
		return "timeline.legal"
	}
	return "timeline.administrative"
}

// level names a milestone's level, with the kind of constituency of a candidates' window.
func level(ctx context.Context, m store.Milestone) string {
	s := i18n.T(ctx, "milestone.level."+m.Level)
	if m.ConstituencyKind != "" {
		s += " (" + i18n.T(ctx, "milestone.constituency_kind."+m.ConstituencyKind) + ")"
	}
	return s
}

// reqctxFlash is the request's one-time message key.
func reqctxFlash(ctx context.Context) string { return reqctx.From(ctx).Flash }

// homeHref is an item's place on /timeline.
func homeHref(it Item) templ.SafeURL {
	return templ.SafeURL("/timeline#" + it.ID)
}
